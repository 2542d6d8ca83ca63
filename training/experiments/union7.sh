#!/usr/bin/env bash
# A long run from scratch on the union of FER2013 Training and the training folds of all
# six prepared sources (npm run prepare-data: muxspace, sfew2, posed-mix, yale, expw, posed-more),
# drawn by source share and balanced by class within each source, with logit adjustment at tau 1
# (the network learns class scores without the drawn prior; calibrate.py --prior puts the real
# photos' prior back afterwards). The model of a run is its weight EMA at the end of the cosine
# schedule (--select last); every epoch's weights are kept (--snapshots) and the pooled val
# macro-F1 is logged each epoch (docs/experiments.md section 5.1).
#
# Resumable: run the same command again after an interruption (a reboot, a killed job) and it goes on from
# <out>/last.pt at the epoch it reached, with the same schedule and random state.
#   VARIANT=resemotenet_s SEED=0 nohup bash training/experiments/union7.sh > runs/u7-s-seed0.log 2>&1 &
#   VARIANT=resemotenet_l SEED=0 ...     # width 0.5 (ResEmoteNet-L)
# Give it the machine: no browser tests beside it; `renice -n -5 -p $(pgrep -f union7 ...)` covers
# only the main thread, so renice every thread: for t in /proc/<pid>/task/*; do renice -n -5 -p ${t##*/}; done
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-../shared/data}
FACES=${FACES:-.cache/faces}
VARIANT=${VARIANT:-resemotenet_s}
SEED=${SEED:-0}
EPOCHS=${EPOCHS:-40}
OUT=${OUT:-runs/u7-${VARIANT#resemotenet_}-seed$SEED}
exec ${PY:-/usr/bin/python3} training/train.py --variant "$VARIANT" --seed "$SEED" --epochs "$EPOCHS" \
  --lr 0.05 --warmup-epochs 2 --threads "${THREADS:-2}" --no-progress \
  --data "$SHARED/fer2013" --extra "$FACES" --watch "$SHARED/ck48" --out "$OUT" \
  --shares fer2013=0.5,expw=0.16,muxspace=0.14,sfew2=0.07,posed-mix=0.06,posed-more=0.05,yale=0.02 \
  --class-balance 0.5 --class-weight-power 0 --label-smoothing 0.05 --logit-adjust 1.0 --degrade 0.3 \
  --select last --snapshots "$@"
