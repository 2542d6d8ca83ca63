#!/usr/bin/env bash
# A second recipe: the shipped ResEmoteNet-S (its export imported back, BatchNorms made trainable)
# fine-tuned for 15 epochs with the issue-7 ingredients: FER+ votes mixed with FER2013's labels,
# logit adjustment, image-quality degradation, lighter geometry. Resumable.
#   P=/usr/bin/python3; $P training/import_graph.py --model models/resemotenet-s --variant resemotenet_s \
#     --out runs/s-shipped/trainable.pt --bn-from ../shared/data/fer2013
#   nohup bash training/experiments/finetune_s.sh > runs/s-ft/stdout.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
mkdir -p runs/s-ft
exec ${PY:-/usr/bin/python3} training/train.py --variant resemotenet_s --init runs/s-shipped/trainable.pt \
  --epochs 15 --lr 0.01 --warmup-epochs 0.5 --threads 2 --no-progress \
  --data "$SHARED/fer2013" --watch "$SHARED/ck48" --out runs/s-ft \
  --ferplus "$SHARED/ferplus/ferplus_votes_by_path.csv" --ferplus-mix 0.5 \
  --logit-adjust 1.0 --class-weight-power 0 --label-smoothing 0.05 \
  --degrade 0.4 --aug-scale 0.1 --aug-rotate 10 --aug-shift 0.08 --aug-erase 0.25 \
  --select macro_f1 "$@"
