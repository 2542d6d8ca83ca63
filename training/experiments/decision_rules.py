"""Compare the decision rules of training/decision.py on one model: each fitted on the pooled val
set, each reported on every fold, both pools and CK+48 (accuracy, mean class recall, the lowest
class recall, how often "neutral" is said). The rule and its bar are written in docs/experiments.md
before the runs; this prints what they need.

  /usr/bin/python3 training/experiments/decision_rules.py --checkpoint runs/s7-imported.pt --flip \
      --min-accuracy 0.662 --json docs/model-s8/rules.json

--min-accuracy is the pooled val accuracy the `adjusted` and `recall` rules may not go below.
--bootstrap N resamples the pooled val faces N times (fixed biases) and prints each rule's mean
recall spread and the paired difference of every rule against the best-scoring one: a gap smaller
than twice its spread is not a difference.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibrate import DEFAULT_DATA, parse_cross, pooled_logits  # noqa: E402
from cli import run_cli  # noqa: E402
from decision import RULES, fit_rule, rule_scores  # noqa: E402
from metrics import mean_recall  # noqa: E402

POSED = ("CK+48", "posed-more:val", "posed-more:test", "posed-mix:val", "posed-mix:test")


def bootstrap(z: torch.Tensor, y: torch.Tensor, biases: dict[str, torch.Tensor], n: int, seed: int = 0) -> dict:
    """Each rule's mean recall over n resamples of the faces (with replacement), same resample for
    every rule: {rule: [values]}."""
    g = torch.Generator().manual_seed(seed)
    k = z.shape[1]
    out: dict = {r: [] for r in biases}
    for _ in range(n):
        idx = torch.randint(len(y), (len(y),), generator=g)
        zb, yb = z[idx].double(), y[idx]
        for r, c in biases.items():
            out[r].append(mean_recall((zb + c.double()).argmax(1), yb, k))
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--faces", default=".cache/faces")
    p.add_argument("--cross", action="append", default=[], help="name=folder (default CK+48=../shared/data/ck48)")
    p.add_argument("--flip", action="store_true", help="score each face with its mirror (a card with testTime.flip)")
    floor = p.add_mutually_exclusive_group(required=True)
    floor.add_argument("--min-accuracy", type=float, help="pooled val accuracy floor (0-1) for adjusted and recall")
    floor.add_argument("--below-natural", type=float,
                       help="the floor is this model's pooled val accuracy under the natural rule minus this (0-1)")
    p.add_argument("--rules", default=",".join(RULES))
    p.add_argument("--bootstrap", type=int, default=200)
    p.add_argument("--json", default="")
    p.add_argument("--save-logits", default="", help="keep every set's logits and labels here (for compare_models.py)")
    args = p.parse_args(argv)
    cross = parse_cross(args.cross) if args.cross else {"CK+48": str(Path(args.data).parent / "ck48")}
    _, logits, labels, _, _ = pooled_logits(args.checkpoint, args.data, args.faces, cross, args.flip)
    if args.save_logits:
        Path(args.save_logits).parent.mkdir(parents=True, exist_ok=True)
        torch.save({"logits": logits, "labels": labels, "checkpoint": args.checkpoint, "flip": args.flip}, args.save_logits)
    zv, yv = logits["pooled:val"], labels["pooled:val"]
    rules = [r for r in args.rules.split(",") if r]
    floor = args.min_accuracy
    if floor is None:
        natural = rule_scores(zv, yv, fit_rule("natural", zv, yv)["bias"])["accuracy"]
        floor = natural - args.below_natural
        print(f"pooled val accuracy under the natural rule {natural:.4f}: floor {floor:.4f}")
    fitted = {r: fit_rule(r, zv, yv, floor) for r in rules}
    result: dict = {"checkpoint": args.checkpoint, "flip": args.flip, "min_accuracy": floor, "rules": {}}
    for r, f in fitted.items():
        extra = f" tau {f['tau']}" if "tau" in f else ""
        print(f"{r}: T {f['temperature']:.3f}{extra}, bias " + ", ".join(f"{v:+.2f}" for v in f["bias"].tolist()))
        result["rules"][r] = {"bias": [round(v, 6) for v in f["bias"].tolist()], "temperature": f["temperature"],
                              **({"tau": f["tau"]} if "tau" in f else {}), "sets": {}}
    order = ["pooled:val", "pooled:test", *[n for n in logits if not n.startswith("pooled:")]]
    print("\n| set | n | " + " | ".join(f"{r} acc / mean recall / min recall / neutral said" for r in rules) + " |")
    print("| --- | --- |" + " --- |" * len(rules))
    for name in order:
        cells = []
        for r in rules:
            s = rule_scores(logits[name], labels[name], fitted[r]["bias"])
            result["rules"][r]["sets"][name] = s
            cells.append(f"{s['accuracy'] * 100:.1f} / {s['mean_recall'] * 100:.1f} / {s['min_recall'] * 100:.1f} / "
                         f"{s['predicted']['neutral'] * 100:.1f}")
        print(f"| {name} | {len(labels[name])} | " + " | ".join(cells) + " |")
    print("\npooled:val and pooled:test recall by class:")
    for name in ("pooled:val", "pooled:test"):
        for r in rules:
            rec = result["rules"][r]["sets"][name]["recall"]
            print(f"  {name:>12} {r:>9}: " + ", ".join(f"{c} {v * 100:.1f}" for c, v in rec.items()))
    posed = [n for n in POSED if n in logits]
    if posed:
        print("\n\"neutral\" said on the posed sets (true share of neutral faces in brackets):")
        for n in posed:
            true = float((labels[n] == 6).double().mean())
            print(f"  {n:>16} ({true * 100:.1f}): " + ", ".join(
                f"{r} {result['rules'][r]['sets'][n]['predicted']['neutral'] * 100:.1f}" for r in rules))
    if args.bootstrap:
        boots = bootstrap(zv, yv, {r: f["bias"] for r, f in fitted.items()}, args.bootstrap)
        best = max(rules, key=lambda r: result["rules"][r]["sets"]["pooled:val"]["mean_recall"])
        print(f"\npooled:val mean recall over {args.bootstrap} resamples (std), and the paired gap to {best}:")
        for r in rules:
            v = torch.tensor(boots[r])
            gap = torch.tensor(boots[best]) - v
            print(f"  {r:>9}: std {float(v.std()) * 100:.2f} points; {best} - {r}: {float(gap.mean()) * 100:+.2f} "
                  f"(std {float(gap.std()) * 100:.2f})")
            result["rules"][r]["bootstrap"] = {"std": float(v.std()), "gap_to_best": float(gap.mean()), "gap_std": float(gap.std())}
        result["best_on_val"] = best
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    run_cli(main)
