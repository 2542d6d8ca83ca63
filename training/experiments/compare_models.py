"""Two models, each read by its own decision rule fitted on the pooled val set, compared face by
face: every set's accuracy and mean class recall side by side, and a paired bootstrap of the pooled
val mean recall difference (the same resampled faces for both), the spread the rules of
docs/experiments.md §6 set a new model's gain against.

  /usr/bin/python3 training/experiments/compare_models.py runs/logits-s7.pt runs/logits-new.pt \
      --rule balanced --min-accuracy 0.6626 --names S7,new
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli import run_cli  # noqa: E402
from decision import RULES, fit_rule, rule_scores  # noqa: E402
from metrics import mean_recall  # noqa: E402


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rule", default="balanced", choices=RULES)
    p.add_argument("--min-accuracy", type=float, default=0.0)
    p.add_argument("--names", default="a,b")
    p.add_argument("--bootstrap", type=int, default=500)
    args = p.parse_args(argv)
    names = args.names.split(",")
    runs = [torch.load(f) for f in (args.a, args.b)]
    if any(not torch.equal(runs[0]["labels"][k], runs[1]["labels"][k]) for k in runs[0]["labels"]):
        raise ValueError("the two files were scored on different faces")
    biases = [fit_rule(args.rule, r["logits"]["pooled:val"], r["labels"]["pooled:val"], args.min_accuracy)["bias"] for r in runs]
    print(f"| set | n | {names[0]} acc / mean recall / min recall | {names[1]} acc / mean recall / min recall |  (rule {args.rule})")
    print("| --- | --- | --- | --- |")
    order = ["pooled:val", "pooled:test", *[k for k in runs[0]["logits"] if not k.startswith("pooled:")]]
    for k in order:
        cells = []
        for r, c in zip(runs, biases):
            s = rule_scores(r["logits"][k], r["labels"][k], c)
            cells.append(f"{s['accuracy'] * 100:.1f} / {s['mean_recall'] * 100:.1f} / {s['min_recall'] * 100:.1f}")
        print(f"| {k} | {len(runs[0]['labels'][k])} | " + " | ".join(cells) + " |")
    for pool in ("pooled:val", "pooled:test"):
        y = runs[0]["labels"][pool]
        preds = [(r["logits"][pool].double() + c.double()).argmax(1) for r, c in zip(runs, biases)]
        g = torch.Generator().manual_seed(0)
        gaps = []
        for _ in range(args.bootstrap):
            idx = torch.randint(len(y), (len(y),), generator=g)
            gaps.append(mean_recall(preds[1][idx], y[idx]) - mean_recall(preds[0][idx], y[idx]))
        t = torch.tensor(gaps)
        print(f"{pool} mean recall {names[1]} - {names[0]}: {(mean_recall(preds[1], y) - mean_recall(preds[0], y)) * 100:+.2f} points "
              f"(paired bootstrap std {float(t.std()) * 100:.2f})")


if __name__ == "__main__":
    run_cli(main)
