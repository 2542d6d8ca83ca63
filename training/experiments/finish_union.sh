#!/usr/bin/env bash
# After union_s.sh: calibrate the selected checkpoint (temperature on FER2013 PublicTest; no prior
# correction: the run already learned without the training prior, logit adjustment), export it
# with its model card, measure it as the app runs it (npm run eval --suite: FER2013 as is and
# leak-free, CK+48 7-way, every held-out fold) and embed those figures in its metadata.
#   RUN=runs/union-teach MODEL=models/resemotenet-s5 bash training/experiments/finish_union.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
P=${PY:-/usr/bin/python3}
SHARED=${SHARED:-../shared/data}
RUN=${RUN:-runs/union-teach}
MODEL=${MODEL:-models/resemotenet-s5}
NAME=${NAME:-ResEmoteNet-S5}
OUT=${OUT:-docs/model-s5}
mkdir -p "$OUT"
cp "$RUN/best.pt" "$RUN/shipped.pt"   # calibration is written into this copy; best.pt stays as trained
$P training/calibrate.py --checkpoint "$RUN/shipped.pt" --data "$SHARED/fer2013" --cross "CK+48=$SHARED/ck48" \
  --write --plots "$OUT" --json "$OUT/calibration.json" | tee "$OUT/calibrate.out"
$P training/export.py --checkpoint "$RUN/shipped.pt" --out "$MODEL" --quantize mixed --name "$NAME"
npm run --silent eval -- --model "$MODEL" --suite --shared "$SHARED" --json "$OUT/tfjs-suite.json" | tee "$OUT/tfjs-suite.out"
$P training/suite_metrics.py "$OUT/tfjs-suite.json" "$OUT/metrics.json" --tta none
$P training/export.py --checkpoint "$RUN/shipped.pt" --out "$MODEL" --quantize mixed --name "$NAME" --metrics "$OUT/metrics.json"
cp "$RUN/log.csv" "$OUT/training-log.csv"
