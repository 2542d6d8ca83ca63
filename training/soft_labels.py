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

--groups posed=posed-mix,posed-more,yale;wild=muxspace,sfew2,expw gives each group of sources its
own temperatures and weights, chosen on that group's val folds only (the teachers where each is
strong: face-api.js on acted faces, faceplugin and human on web and film faces); a source in no
group gets the one ensemble. --criterion mean_recall chooses the weights on mean class recall
instead of macro-F1.
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
    return {"accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "mean_recall": s["mean_recall"], "n": len(labels)}


def parse_groups(text: str) -> dict[str, list[str]]:
    """'posed=a,b;wild=c' -> {'posed': ['a', 'b'], 'wild': ['c']}; a source may be in one group only."""
    groups: dict[str, list[str]] = {}
    seen: set[str] = set()
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, members = part.partition("=")
        if not sep or not name or not members:
            raise ValueError(f"--groups takes name=source,source;..., not {part!r}")
        sources = [m.strip() for m in members.split(",") if m.strip()]
        if seen & set(sources):
            raise ValueError(f"a source is in two groups: {sorted(seen & set(sources))}")
        seen |= set(sources)
        groups[name] = sources
    return groups


def fit_mix(parts: dict, names: list[str], val_keys: list[str], criterion: str) -> tuple[dict, dict]:
    """(temperatures, weights) fitted on these val folds: each teacher's temperature by NLL, then the
    simplex grid (step 0.1) by the mean of `criterion` over the folds that can select (ties: NLL)."""
    val_labels = torch.cat([parts[k].labels for k in val_keys])
    temps = {n: fit_temperature(torch.cat([parts[k].meta["teachers"][n] for k in val_keys]), val_labels) for n in names}
    calibrated = {k: {n: tempered(parts[k].meta["teachers"][n], temps[n]) for n in names} for k in val_keys}
    chosen = [k for k in selection_keys({k: parts[k] for k in val_keys})] or val_keys
    grid = [w for w in itertools.product(range(11), repeat=len(names)) if sum(w) == 10]

    def score(w) -> tuple[float, float]:
        weights = {n: wi / 10 for n, wi in zip(names, w)}
        crit = [scores(ensemble(calibrated[k], weights), parts[k].labels)[criterion] for k in chosen]
        val_nll = nll(ensemble({n: torch.cat([calibrated[k][n] for k in val_keys]) for n in names}, weights), val_labels)
        return sum(crit) / len(crit), -val_nll

    best = max(grid, key=score)
    return temps, {n: wi / 10 for n, wi in zip(names, best)}


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
    parser.add_argument("--groups", default="", help="name=source,source;... : a mix of teachers per group of sources")
    parser.add_argument("--criterion", default="macro_f1", choices=("macro_f1", "mean_recall"),
                        help="what the ensemble weights are chosen on")
    args = parser.parse_args(argv)

    parts = split_sets(args.faces)
    names = sorted(parts["Training"].meta["teachers"])
    if args.teachers:
        names = [n for n in args.teachers.split(",") if n]
    if not names:
        raise ValueError(f"no teacher outputs in {args.faces}: run `npm run teacher-labels` first")
    val_keys = [k for k in parts if k.endswith(":val")]
    temps, weights = fit_mix(parts, names, val_keys, args.criterion)
    groups = parse_groups(args.groups)
    mixes = {g: fit_mix(parts, names, [k for k in val_keys if k.split(":")[0] in members], args.criterion)
             for g, members in groups.items() if any(k.split(":")[0] in members for k in val_keys)}
    group_of = {src: g for g, members in groups.items() for src in members if g in mixes}

    def mix_for(source: str) -> tuple[dict, dict]:
        return mixes[group_of[source]] if source in group_of else (temps, weights)

    def mixed(probs_by_teacher_logp: dict, source: str) -> torch.Tensor:
        t, w = mix_for(source)
        return ensemble({n: tempered(probs_by_teacher_logp[n], t[n]) for n in names}, w)

    table = {}
    for k in sorted(parts):
        if k == "Training":
            continue
        teachers = parts[k].meta["teachers"]
        # a teacher not run on a fold is left out of its row
        row = {n: scores(tempered(teachers[n], temps[n]), parts[k].labels) for n in names if not torch.isnan(teachers[n]).all()}
        row["ensemble"] = scores(ensemble({n: tempered(teachers[n], temps[n]) for n in names}, weights), parts[k].labels)
        if mixes:
            row["per-group"] = scores(mixed(teachers, k.split(":")[0]), parts[k].labels)
        table[k] = row
    columns = names + ["ensemble"] + (["per-group"] if mixes else [])
    print(f"temperatures (val-fold NLL): {temps}")
    print(f"ensemble weights (val folds, mean {args.criterion}): {weights}")
    for g, (t, w) in mixes.items():
        print(f"group {g} ({', '.join(groups[g])}): temperatures {t}, weights {w}")
    print("| fold | faces | " + " | ".join(columns) + " |  (accuracy / macro-F1 / mean recall)")
    print("| --- | --- | " + " | ".join("---" for _ in columns) + " |")
    for k, row in table.items():
        cells = [f"{row[n]['accuracy']:.1%} / {row[n]['macro_f1']:.3f} / {row[n]['mean_recall']:.1%}" if n in row else "not run" for n in columns]
        print(f"| {k} | {row['ensemble']['n']} | " + " | ".join(cells) + " |")

    train = parts["Training"]
    teachers = train.meta["teachers"]
    sources = [p.split("/")[0] for p in train.paths]
    probs = torch.empty(len(train.paths), len(CLASSES))
    for src in sorted(set(sources)):
        rows = torch.tensor([s == src for s in sources])
        probs[rows] = mixed({n: teachers[n][rows] for n in names}, src)
    keep = ~torch.isnan(probs).any(1)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"paths": [p for p, k in zip(train.paths, keep.tolist()) if k], "probs": probs[keep],
                "teachers": names, "temperatures": temps, "weights": weights,
                "groups": {g: {"sources": groups[g], "temperatures": t, "weights": w} for g, (t, w) in mixes.items()}}, out)
    print(f"wrote {int(keep.sum())} soft labels to {out}")
    if args.report:
        Path(args.report).write_text(json.dumps({"temperatures": temps, "weights": weights, "criterion": args.criterion,
                                                 "groups": {g: {"sources": groups[g], "temperatures": t, "weights": w}
                                                            for g, (t, w) in mixes.items()},
                                                 "folds": table}, indent=1) + "\n")


if __name__ == "__main__":
    run_cli(main)
