#!/usr/bin/env bash
# After union7.sh: the run's model (its end-of-schedule EMA, best.pt with --select last)
# gets the class priors of real photos (calibrate.py --prior: temperature and a bias per class
# fitted on the pooled val set), is exported with its model card, measured as the app runs it
# (npm run eval --suite: every fold, the pools, each answer's share beside the true share), and the
# figures are embedded in its card. FLIP=1 exports a card with testTime.flip (the app averages each
# crop with its mirror) and fits the priors on that scoring. SHARE_TOL=0.03 gives the rare classes
# room (calibrate.py --share-tol: each answer's share may move up to 3 points from its true share
# where that raises pooled val macro-F1). RULE=balanced (or adjusted/recall with MIN_ACC=0.66) fits
# that decision rule instead of the natural mix's (training/decision.py). BASELINE=1 measures the
# model's mean reading of neutral faces (scripts/baseline-check.ts) and writes it into the card, so
# the app can read a face relative to the person's resting face.
#   RUN=runs/u7-s5ft-seed0 MODEL=models/resemotenet-s7 NAME=ResEmoteNet-S7 OUT=docs/model-s7 bash training/experiments/finish_u7.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
P=${PY:-/usr/bin/python3}
SHARED=${SHARED:-../shared/data}
FACES=${FACES:-.cache/faces}
RUN=${RUN:?RUN=runs/<run>}
MODEL=${MODEL:?MODEL=models/<name>}
NAME=${NAME:?NAME=<display name>}
OUT=${OUT:?OUT=docs/<folder>}
flip=(); [ "${FLIP:-0}" = 1 ] && flip=(--flip)
tol=(); [ -n "${SHARE_TOL:-}" ] && tol=(--share-tol "$SHARE_TOL")
rule=(--rule "${RULE:-natural}"); [ -n "${MIN_ACC:-}" ] && rule+=(--min-accuracy "$MIN_ACC")
base=()
mkdir -p "$OUT"
cp "$RUN/best.pt" "$RUN/shipped.pt"   # the priors are written into this copy; best.pt stays as trained
$P training/calibrate.py --checkpoint "$RUN/shipped.pt" --data "$SHARED/fer2013" --prior "$FACES" \
  --cross "CK+48=$SHARED/ck48" --json "$OUT/prior.json" --write "${flip[@]}" "${tol[@]}" "${rule[@]}" | tee "$OUT/prior.out"
$P training/export.py --checkpoint "$RUN/shipped.pt" --out "$MODEL" --quantize mixed --name "$NAME" "${flip[@]}"
if [ "${BASELINE:-0}" = 1 ]; then
  npx tsx scripts/baseline-check.ts --model "$MODEL" --faces "$FACES" --write-neutral "$OUT/baseline-neutral.json" | tee "$OUT/baseline.out"
  base=(--baseline "$OUT/baseline-neutral.json")
fi
npm run --silent eval -- --model "$MODEL" --suite --shared "$SHARED" --faces "$FACES" --json "$OUT/tfjs-suite.json" | tee "$OUT/tfjs-suite.out"
$P training/suite_metrics.py "$OUT/tfjs-suite.json" "$OUT/metrics.json" --tta card
$P training/export.py --checkpoint "$RUN/shipped.pt" --out "$MODEL" --quantize mixed --name "$NAME" --metrics "$OUT/metrics.json" "${flip[@]}" "${base[@]}"
if [ -f "$RUN/log.csv" ]; then cp "$RUN/log.csv" "$OUT/training-log.csv"; fi   # none for an imported model (S5P)
