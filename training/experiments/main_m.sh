#!/usr/bin/env bash
# The shipped model's training run (CPU, 2 cores): ResEmoteNet-M (width 0.375), 60 epochs.
# Resumable: rerun the same command to continue from runs/main/last.pt. Log: runs/main/log.csv.
#   nohup bash training/experiments/main_m.sh > runs/main/stdout.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
exec ${PY:-/usr/bin/python3} training/train.py --variant resemotenet_m --epochs 60 --threads 2 \
  --data "$SHARED/fer2013" --watch "$SHARED/ck48" --out runs/main --no-progress \
  --ferplus "$SHARED/ferplus/ferplus_votes_by_path.csv" --ferplus-mix 0.5 \
  --logit-adjust 0.5 --class-weight-power 0 \
  --degrade 0.5 --mixup 0.2 --cutmix 1.0 --mix-prob 0.3 \
  --select macro_f1 "$@"
