"""Compare training runs epoch by epoch on the same held-out folds (their log.csv), so that one
lucky epoch on a small fold decides nothing: for each run, the pooled val macro-F1 (the pooled rule:
PublicTest and every val fold as one set) and the macro-F1 of every val and test fold and FER2013
PublicTest, averaged over the last `--last` epochs, and the spread between runs of one
recipe (`--noise A,B`: two seeds of the same recipe) beside the difference of interest.

    /usr/bin/python3 training/experiments/compare_runs.py runs/union-hard-12 runs/union-hard-seed1-12 \
        runs/union-hard-aligned-12 --last 6 --noise runs/union-hard-12,runs/union-hard-seed1-12
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

SOURCES = ("muxspace", "sfew2", "posed-mix", "expw", "posed-more")


def read_log(run: str) -> list[dict]:
    with (Path(run) / "log.csv").open(newline="") as f:
        return [{k: float(v) for k, v in row.items() if v not in ("", None)} for row in csv.DictReader(f)]


def summarise(rows: list[dict], last: int) -> dict:
    tail = rows[-last:]
    keys = ["pooled_f1", "pooled_acc", "public_f1", "ema_public_f1"] + [f"{s}:{r}_f1" for r in ("val", "test") for s in SOURCES] + ["watch_acc", "watch_f1"]
    out = {k: sum(r[k] for r in tail) / len(tail) for k in keys if all(k in r for r in tail)}
    vals = [out[f"{s}:val_f1"] for s in SOURCES if f"{s}:val_f1" in out]
    tests = [out[f"{s}:test_f1"] for s in SOURCES if f"{s}:test_f1" in out]
    out["mean_val_f1"] = sum(vals) / len(vals)
    out["mean_test_f1"] = sum(tests) / len(tests)
    out["epochs"] = f"{int(tail[0]['epoch'])}-{int(tail[-1]['epoch'])}"
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--last", type=int, default=6, help="average over this many last epochs")
    parser.add_argument("--noise", default="", help="two runs of one recipe (comma-separated): their spread is the noise")
    args = parser.parse_args(argv)
    table = {run: summarise(read_log(run), args.last) for run in args.runs}
    keys = [k for k in next(iter(table.values())) if k != "epochs"]
    print(f"macro-F1 (CK+48 watch: acc and F1), mean over the last {args.last} epochs of each run")
    print("| metric | " + " | ".join(Path(r).name for r in args.runs) + " |")
    print("| --- |" + " --- |" * len(args.runs))
    for k in keys:
        print(f"| {k} | " + " | ".join(f"{table[r].get(k, float('nan')):.4f}" for r in args.runs) + " |")
    if args.noise:
        a, b = args.noise.split(",")
        print(f"\nnoise (|{Path(a).name} - {Path(b).name}|) beside each run's difference from their mean:")
        for k in keys:
            base = (table[a][k] + table[b][k]) / 2
            others = [r for r in args.runs if r not in (a, b)]
            print(f"  {k}: noise {abs(table[a][k] - table[b][k]):.4f}; "
                  + ", ".join(f"{Path(r).name} {table[r][k] - base:+.4f}" for r in others))


if __name__ == "__main__":
    main()
