#!/usr/bin/env bash
# After main_m.sh: calibrate (prior correction chosen on PublicTest macro-F1, then temperature),
# evaluate (FER2013 as is and leak-free, CK+48 7-way and present-classes, every quantisation),
# export the shipped model, and measure it as the app runs it (npm run eval, tfjs).
# Outputs: docs/model/ (metrics, calibration, plots, log) and models/resemotenet-m/.
set -euo pipefail
cd "$(dirname "$0")/../.."
P=${PY:-/usr/bin/python3}
SHARED=${SHARED:-../shared/data}
RUN=${RUN:-runs/main}
OUT=docs/model
mkdir -p "$OUT"
cp "$RUN/best.pt" "$RUN/shipped.pt"   # calibration is written into this copy; best.pt stays as trained
$P training/calibrate.py --checkpoint "$RUN/shipped.pt" --data "$SHARED/fer2013" --cross "CK+48=$SHARED/ck48" \
  --balance --write --plots "$OUT" --json "$OUT/calibration.json" | tee "$OUT/calibrate.out"
$P training/evaluate.py --checkpoint "$RUN/shipped.pt" --data "$SHARED/fer2013" --cross "CK+48=$SHARED/ck48" \
  --quantize all --json "$RUN/metrics.json" --plots "$OUT" | tee "$OUT/evaluate.out"
$P training/evaluate.py --checkpoint "$RUN/shipped.pt" --data "$SHARED/fer2013" --cross "CK+48=$SHARED/ck48" \
  --classes present --json "$OUT/metrics-present.json" | tee "$OUT/evaluate-present.out"
$P training/export.py --checkpoint "$RUN/shipped.pt" --out models/resemotenet-m --quantize mixed \
  --metrics "$RUN/metrics.json" --name ResEmoteNet-M
cp "$RUN/metrics.json" "$OUT/metrics.json"
cp "$RUN/log.csv" "$OUT/training-log-main.csv"
npm run --silent eval -- --model models/resemotenet-m --data "$SHARED/fer2013" --leak-free --json "$OUT/tfjs-fer2013.json" | tee "$OUT/tfjs-fer2013.out"
npm run --silent eval -- --model models/resemotenet-m --data "$SHARED/ck48" --classes all --json "$OUT/tfjs-ck48.json" | tee "$OUT/tfjs-ck48.out"
