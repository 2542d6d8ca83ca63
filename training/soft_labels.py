"""Teacher ensemble soft labels for the extra sources, from the teachers' outputs that
`npm run teacher-labels` stored beside the prepared faces.

  /usr/bin/python3 training/soft_labels.py --faces .cache/faces --out .cache/faces/soft-labels.pt

1. Each teacher's temperature is fitted on the val folds (pooled; NLL), so that a teacher that
   gives logits (faceplugin) and one that gives over-confident probabilities weigh alike.
2. Ensemble weights (a grid over the simplex, step 0.1) are chosen on the val folds only: the mean
   macro-F1 over the val folds of the sources with at least four classes (ties: lower NLL).
3. Every teacher and the ensemble are reported on the same val and test folds: the bar the
   student has to pass.
4. The ensemble's probabilities for every training-fold face are written to --out with the
   temperatures and weights. The file is derived from research data: git-ignored, never committed.
"""
from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import torch

from cli import run_cli
from contract import CLASSES
from metrics import confusion_matrix, summarize
from sources import split_sets

TEMPERATURES = [round(0.25 * 1.15 ** i, 4) for i in range(24)]  # 0.25 .. ~6


def tempered(logp: torch.Tensor, t: float) -> torch.Tensor:
    return torch.softmax(logp / t, dim=1)


def nll(probs: torch.Tensor, labels: torch.Tensor) -> float:
    return float(-probs.clamp(min=1e-8).log().gather(1, labels[:, None]).mean())


def fit_temperature(logp: torch.Tensor, labels: torch.Tensor) -> float:
    ok = ~torch.isnan(logp).any(1)
    return min(TEMPERATURES, key=lambda t: nll(tempered(logp[ok], t), labels[ok]))


def scores(probs: torch.Tensor, labels: torch.Tensor) -> dict:
    s = summarize(confusion_matrix(labels, probs.argmax(1)))
    return {"accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "n": len(labels)}


def ensemble(sets_probs: dict[str, torch.Tensor], weights: dict[str, float]) -> torch.Tensor:
    """Weighted mean of the (calibrated) teachers' probabilities; a teacher missing on a row
    (NaN) is left out of that row's mean."""
    total, norm = None, None
    for name, w in weights.items():
        p = sets_probs[name]
        have = ~torch.isnan(p).any(1, keepdim=True)
        term = torch.where(have, p, torch.zeros_like(p)) * w
        total = term if total is None else total + term
        mass = have.float() * w
        norm = mass if norm is None else norm + mass
    return total / norm.clamp(min=1e-8)


def selection_keys(parts: dict) -> list[str]:
    """The val folds the student is selected on (train.py mean_f1): >= 50 faces of >= 4 classes."""
    return [k for k, s in parts.items() if k.endswith(":val") and len(s) >= 50 and len(set(s.labels.tolist())) >= 4]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=".cache/faces")
    parser.add_argument("--out", default=".cache/faces/soft-labels.pt")
    parser.add_argument("--teachers", default="", help="comma-separated subset (default: every teacher found)")
    parser.add_argument("--report", default="", help="also write the table as JSON here")
    args = parser.parse_args(argv)

    parts = split_sets(args.faces)
    names = sorted(parts["Training"].meta["teachers"])
    if args.teachers:
        names = [n for n in args.teachers.split(",") if n]
    if not names:
        raise ValueError(f"no teacher outputs in {args.faces}: run `npm run teacher-labels` first")
    val_keys = [k for k in parts if k.endswith(":val")]
    val_labels = torch.cat([parts[k].labels for k in val_keys])
    temps = {n: fit_temperature(torch.cat([parts[k].meta["teachers"][n] for k in val_keys]), val_labels) for n in names}
    calibrated = {k: {n: tempered(s.meta["teachers"][n], temps[n]) for n in names} for k, s in parts.items()}

    chosen = selection_keys(parts) or val_keys  # tiny sets (tests): every val fold
    grid = [w for w in itertools.product(range(11), repeat=len(names)) if sum(w) == 10]

    def criterion(w) -> tuple[float, float]:
        weights = {n: wi / 10 for n, wi in zip(names, w)}
        f1 = [scores(ensemble(calibrated[k], weights), parts[k].labels)["macro_f1"] for k in chosen]
        val_nll = nll(ensemble({n: torch.cat([calibrated[k][n] for k in val_keys]) for n in names}, weights), val_labels)
        return sum(f1) / len(f1), -val_nll

    best = max(grid, key=criterion)
    weights = {n: wi / 10 for n, wi in zip(names, best)}

    table = {}
    for k in sorted(parts):
        if k == "Training":
            continue
        # a teacher not run on a fold is left out of its row (faceplugin on muxspace, to save an hour here)
        row = {n: scores(calibrated[k][n], parts[k].labels) for n in names if not torch.isnan(calibrated[k][n]).all()}
        row["ensemble"] = scores(ensemble(calibrated[k], weights), parts[k].labels)
        table[k] = row
    print(f"temperatures (val-fold NLL): {temps}")
    print(f"ensemble weights (val folds {chosen}, mean macro-F1): {weights}")
    print("| fold | faces | " + " | ".join(names + ["ensemble"]) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in names + ["ensemble"]) + " |")
    for k, row in table.items():
        cells = [f"{row[n]['accuracy']:.1%} / {row[n]['macro_f1']:.3f}" if n in row else "not run" for n in names + ["ensemble"]]
        print(f"| {k} | {row['ensemble']['n']} | " + " | ".join(cells) + " |")

    train = parts["Training"]
    probs = ensemble(calibrated["Training"], weights)
    keep = ~torch.isnan(probs).any(1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"paths": [p for p, k in zip(train.paths, keep.tolist()) if k], "probs": probs[keep],
                "teachers": names, "temperatures": temps, "weights": weights}, out)
    print(f"wrote {int(keep.sum())} soft labels to {out}")
    if args.report:
        Path(args.report).write_text(json.dumps({"temperatures": temps, "weights": weights, "folds": table}, indent=1) + "\n")


if __name__ == "__main__":
    run_cli(main)
