#!/usr/bin/env bash
# Does eye-level alignment help (docs/experiments.md)? The union recipe of union_s.sh `hard` (the one
# that shipped as ResEmoteNet-S5, runs/union-hard-12: 12 epochs, one thread, seed 0) run twice more:
#   aligned   the same on faces prepared with --align (npm run prepare-data -- --align --out .cache/faces-aligned)
#   seed1     straight faces again, seed 1: the run-to-run noise the difference must clear
# Compare with training/experiments/compare_runs.py. Resumable, like union_s.sh.
#   nohup bash training/experiments/align_s.sh aligned > runs/union-hard-aligned-12.log 2>&1 &
#   nohup bash training/experiments/align_s.sh seed1 > runs/union-hard-seed1-12.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:?usage: align_s.sh aligned|seed1}
case "$which" in
  aligned) FACES=.cache/faces-aligned exec bash training/experiments/union_s.sh hard --epochs 12 --threads 1 --out runs/union-hard-aligned-12 ;;
  seed1) exec bash training/experiments/union_s.sh hard --epochs 12 --threads 1 --seed 1 --out runs/union-hard-seed1-12 ;;
  *) echo "error: unknown run $which (aligned or seed1)" >&2; exit 2 ;;
esac
