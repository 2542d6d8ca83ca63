#!/usr/bin/env bash
# The ablation behind docs/experiments.md: short runs of resemotenet_s that each add one
# ingredient of the recipe, scored on FER2013 PublicTest (selection) with CK+48 watched beside.
# Resumable: rerunning continues each run from its last.pt and skips finished ones.
#   bash training/experiments/ablate.sh [name ...]      (default: all, in order)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-/usr/bin/python3}
EPOCHS=${EPOCHS:-10}
THREADS=${THREADS:-1}
SHARED=${SHARED:-../shared/data}
FERPLUS="--ferplus $SHARED/ferplus/ferplus_votes_by_path.csv"
LA="--logit-adjust 1.0 --class-weight-power 0"
declare -A RUNS=(
  [A-base]=""
  [B-ferplus]="$FERPLUS"
  [C-ferplus-la]="$FERPLUS $LA"
  [D-ferplus-la-degrade]="$FERPLUS $LA --degrade 0.5"
  [E-ferplus-la-degrade-mix]="$FERPLUS $LA --degrade 0.5 --mixup 0.2 --cutmix 1.0"
  [F-la]="$LA"
  [G-ferplus-half-la]="$FERPLUS --ferplus-mix 0.5 $LA"
)
ORDER=(A-base B-ferplus C-ferplus-la D-ferplus-la-degrade E-ferplus-la-degrade-mix F-la G-ferplus-half-la)
[ $# -gt 0 ] && ORDER=("$@")
for name in "${ORDER[@]}"; do
  out=runs/ablate/$name
  if [ -f "$out/log.csv" ] && [ "$(($(wc -l < "$out/log.csv") - 1))" -ge "$EPOCHS" ]; then continue; fi
  echo "== $name: ${RUNS[$name]}"
  # shellcheck disable=SC2086
  $PY training/train.py --variant resemotenet_s --epochs "$EPOCHS" --warmup-epochs 1 --threads "$THREADS" \
    --data "$SHARED/fer2013" --watch "$SHARED/ck48" --out "$out" --no-progress ${RUNS[$name]}
done
