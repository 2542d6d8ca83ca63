#!/usr/bin/env bash
# The shipped S distilled into itself across image quality: the student sees degraded faces
# (resampled through 24-64 px, blurred, sharpened, JPEG, noise, gamma, light), the teacher (the
# shipped S, exact) sees the same face clean (--distill-clean). Aim: keep S's clean accuracy and
# lose less of it on the soft, small and badly lit faces a camera gives (probe_inference.py).
#   /usr/bin/python3 training/import_graph.py --model models/resemotenet-s --variant resemotenet_s \
#     --out runs/s-shipped/imported.pt
#   /usr/bin/python3 training/import_graph.py --model models/resemotenet-s --variant resemotenet_s \
#     --out runs/s-shipped/trainable.pt --bn-from ../shared/data/fer2013
#   nohup bash training/experiments/finetune_s3.sh > runs/s-ft3/stdout.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
mkdir -p runs/s-ft3
exec ${PY:-/usr/bin/python3} training/train.py --variant resemotenet_s --init runs/s-shipped/trainable.pt \
  --epochs ${EPOCHS:-16} --lr 0.01 --warmup-epochs 0.5 --threads 2 --no-progress \
  --data "$SHARED/fer2013" --watch "$SHARED/ck48" --out runs/s-ft3 \
  --teacher runs/s-shipped/imported.pt --distill 0.7 --distill-temp 2 --distill-clean \
  --logit-adjust 0.5 --class-weight-power 0 --label-smoothing 0.05 \
  --degrade 0.6 --aug-scale 0.1 --aug-rotate 10 --aug-shift 0.08 --aug-erase 0.25 \
  --select macro_f1 "$@"
