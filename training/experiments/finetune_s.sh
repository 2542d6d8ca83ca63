#!/usr/bin/env bash
# Fine-tune the shipped ResEmoteNet-S (its export imported back into a checkpoint) with one of the
# 0.2.0 recipes; every recipe shares the schedule, geometry and selection below. Resumable.
#   ferplus  FER+ votes mixed 0.5 with FER2013's labels, logit adjustment 1, degradation 0.4 (15 epochs)
#   degrade  no FER+, logit adjustment 0.5, degradation 0.4 (12 epochs); the ablation showed FER+
#            votes pushing toward "neutral" and tau 1 costing FER2013 accuracy
#   distill  the shipped S teaches itself across image quality: the student sees degraded faces,
#            the teacher (the exact shipped S) the same face clean (--distill-clean), 16 epochs
# Once:
#   P=/usr/bin/python3
#   $P training/import_graph.py --model models/resemotenet-s --variant resemotenet_s --out runs/s-shipped/imported.pt
#   $P training/import_graph.py --model models/resemotenet-s --variant resemotenet_s \
#     --out runs/s-shipped/trainable.pt --bn-from ../shared/data/fer2013
# Then, e.g.:
#   nohup bash training/experiments/finetune_s.sh distill > runs/s-distill.log 2>&1 &
#   bash training/experiments/finetune_s.sh distill --out runs/s-distill-0.9 --distill 0.9   # extra flags win
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
recipe=${1:?usage: finetune_s.sh ferplus|degrade|distill [train.py flags]}
shift
case "$recipe" in
  ferplus) flags=(--epochs 15 --ferplus "$SHARED/ferplus/ferplus_votes_by_path.csv" --ferplus-mix 0.5
                  --logit-adjust 1.0 --degrade 0.4) ;;
  degrade) flags=(--epochs 12 --logit-adjust 0.5 --degrade 0.4) ;;
  distill) flags=(--epochs 16 --teacher runs/s-shipped/imported.pt --distill 0.7 --distill-temp 2
                  --distill-clean --logit-adjust 0.5 --degrade 0.6) ;;
  *) echo "error: unknown recipe $recipe (ferplus, degrade or distill)" >&2; exit 2 ;;
esac
exec ${PY:-/usr/bin/python3} training/train.py --variant resemotenet_s --init runs/s-shipped/trainable.pt \
  --lr 0.01 --warmup-epochs 0.5 --threads 2 --no-progress \
  --data "$SHARED/fer2013" --watch "$SHARED/ck48" --out "runs/s-$recipe" \
  --class-weight-power 0 --label-smoothing 0.05 \
  --aug-scale 0.1 --aug-rotate 10 --aug-shift 0.08 --aug-erase 0.25 \
  --select macro_f1 "${flags[@]}" "$@"
