#!/usr/bin/env bash
# One script for the GPU machine, to train the full ResEmoteNet:
# train -> select on PublicTest -> evaluate PrivateTest (as is, leak-free, with and without TTA,
# every quantisation) -> export -> pack everything into <= 16 MiB parts under $OUT.
#
#   run (device tool), carry ["carry/fer2013-packed"]:
#     OUT=$OUT bash training/gpu_job.sh
#   locally, after the run:   cat <files_at>/resemote-result.tar.part* | tar x -C /tmp/gpu
#
# Prepare the carry folder first (git-ignored): mkdir -p carry && cp -r ../shared/data/fer2013-packed carry/
# Test it end to end on CPU on a tiny subset before spending device time:
#   OUT=/tmp/gpu-out DATA=../shared/data/fer2013-packed VARIANT=resemotenet_s EPOCHS=1 TTA=flip \
#     EXTRA="--limit 512 --eval-limit 256" PY=/usr/bin/python3 bash training/gpu_job.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:?set OUT to the folder whose files come back}
DATA=${DATA:-carry/fer2013-packed}
VARIANT=${VARIANT:-resemotenet}
EPOCHS=${EPOCHS:-60}
BATCH=${BATCH:-256}
LR=${LR:-0.1}            # for batch 256 (0.05 at batch 64 in the CPU recipe; scaled with the batch)
QUANT=${QUANT:-uint8}    # the full model: 36 M exported parameters, 36 MB as uint8
TTA=${TTA:-crops}        # test-time augmentation for the second PrivateTest figure
EXTRA=${EXTRA:-}
PY=${PY:-python3}
RUN=runs/gpu-$VARIANT
WORK=$(mktemp -d)

nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

# shellcheck disable=SC2086
$PY training/train.py --data "$DATA" --variant "$VARIANT" --out "$RUN" --epochs "$EPOCHS" \
  --batch-size "$BATCH" --lr "$LR" --no-progress $EXTRA | tee "$WORK/train.out"
cp "$RUN/log.csv" "$WORK/log.csv"

$PY training/evaluate.py --checkpoint "$RUN/best.pt" --data "$DATA" --quantize all \
  --json "$WORK/metrics.json" --plots "$WORK" | tee "$WORK/evaluate.out"
$PY training/evaluate.py --checkpoint "$RUN/best.pt" --data "$DATA" --tta "$TTA" \
  --json "$WORK/metrics-tta.json" | tee "$WORK/evaluate-tta.out"
$PY training/export.py --checkpoint "$RUN/best.pt" --out "$WORK/model" --quantize "$QUANT" \
  --metrics "$WORK/metrics.json" --name "ResEmoteNet"

# At most 8 files of 16 MiB come back: one tar, split.
mkdir -p "$OUT"
tar -C "$WORK" -cf - . | split -b 15m -d -a 1 - "$OUT/resemote-result.tar.part"
ls -la "$OUT"
