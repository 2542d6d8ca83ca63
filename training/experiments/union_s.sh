#!/usr/bin/env bash
# Fine-tune the shipped ResEmoteNet-S on the union of FER2013 Training and the training
# folds of every prepared source (npm run prepare-data), drawn by source share and balanced by
# class within each source, selected on the rule written before any result (train.py mean_f1: mean
# macro-F1 over FER2013 PublicTest and the val folds of muxspace, sfew2 and posed-mix). CK+48 is
# watched, never selects. Resumable: run it again after an interruption and it continues from last.pt.
#   hard     hard labels only (logit adjustment 0.5, degradation 0.4)
#   teach    the same plus the teachers' ensemble soft labels on the extra sources (distill 0.3)
# Once: the shipped S imported (see finetune_s.sh), npm run prepare-data, and for `teach`
# npm run teacher-labels && /usr/bin/python3 training/soft_labels.py.
#   nohup bash training/experiments/union_s.sh teach > runs/union-teach.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
FACES=${FACES:-.cache/faces}
recipe=${1:?usage: union_s.sh hard|teach [train.py flags]}
shift
case "$recipe" in
  hard) flags=() ;;
  teach) flags=(--soft-labels "$FACES/soft-labels.pt" --distill 0.3 --distill-temp 2) ;;
  *) echo "error: unknown recipe $recipe (hard or teach)" >&2; exit 2 ;;
esac
exec ${PY:-/usr/bin/python3} training/train.py --variant resemotenet_s --init runs/s-shipped/trainable.pt \
  --epochs 6 --lr 0.01 --warmup-epochs 0.5 --threads 2 --no-progress \
  --data "$SHARED/fer2013" --extra "$FACES" --watch "$SHARED/ck48" --out "runs/union-$recipe" \
  --class-weight-power 0 --label-smoothing 0.05 --logit-adjust 0.5 --degrade 0.4 \
  --aug-scale 0.1 --aug-rotate 10 --aug-shift 0.08 --aug-erase 0.25 \
  --select mean_f1 "${flags[@]}" "$@"
