"""How the app reads a face: more views of the same crop (a tighter square, small shifts) beside
the mirror, each face's probabilities averaged over its views, as the app averages the face and
its mirror today. Measured on the pooled folds (every view cut from the prepared 112-px square, so
no view needs pixels outside the square the app cuts) and on FER2013 and CK+48 (from their 48-px
images), each combination read by the balanced rule fitted on its own pooled val scores.

  /usr/bin/python3 training/experiments/views.py --checkpoint runs/s7-imported/trainable.pt --json runs/views-s7.json

A view is (scale, dx, dy): the square of side scale x S centred at (0.5 + dx, 0.5 + dy) x S of the
crop square S. Probabilities are averaged (the app's flip averages probabilities too).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calibrate import DEFAULT_DATA  # noqa: E402
from checkpoint import load_checkpoint  # noqa: E402
from cli import run_cli  # noqa: E402
from contract import INPUT_SIZE, LUMA, to_model_input  # noqa: E402
from data import concat_sets, load_data  # noqa: E402
from decision import fit_rule, rule_scores  # noqa: E402
from metrics import mean_recall  # noqa: E402
from sources import SOURCES, read_prepared, role_of  # noqa: E402

VIEWS = {"base": (1.0, 0.0, 0.0), "tight": (0.9, 0.0, 0.0),
         "left": (0.92, -0.04, 0.0), "right": (0.92, 0.04, 0.0), "up": (0.92, 0.0, -0.04), "down": (0.92, 0.0, 0.04)}
COMBOS = {
    "mirror (today)": ["base", "base~"],
    "+ tight": ["base", "base~", "tight", "tight~"],
    "+ shifts": ["base", "base~", "left", "right", "up", "down"],
    "+ tight + shifts, all mirrored": [v + m for v in VIEWS for m in ("", "~")],
}


def cut(gray: torch.Tensor, view: tuple[float, float, float]) -> torch.Tensor:
    """(N, S, S) uint8 -> (N, 1, 64, 64) model input: the view's sub-square, antialiased to 64."""
    s, dx, dy = view
    size = gray.shape[-1]
    side = max(1, round(s * size))
    x0 = int(round((0.5 + dx) * size - side / 2))
    y0 = int(round((0.5 + dy) * size - side / 2))
    x0, y0 = min(max(x0, 0), size - side), min(max(y0, 0), size - side)
    return to_model_input(gray[:, y0:y0 + side, x0:x0 + side], INPUT_SIZE)


@torch.no_grad()
def view_probs(model, gray: torch.Tensor, names: list[str], batch: int = 512) -> dict[str, torch.Tensor]:
    out = {}
    for name in names:
        view, mirror = VIEWS[name.rstrip("~")], name.endswith("~")
        parts = []
        for i in range(0, len(gray), batch):
            x = cut(gray[i:i + batch], view)
            parts.append(torch.softmax(model(x.flip(-1) if mirror else x), 1))
        out[name] = torch.cat(parts)
    return out


def fold_squares(faces: str) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """{'<source>:val'|'<source>:test': (gray squares (N, 112, 112) uint8, labels)} from the prepared
    112-px colour squares (luma as the contract gives it); the duplicates sources.py drops are few
    and held-out copies are kept, so the folds are taken as folds.csv would give them."""
    from sources import duplicate_mask
    sets = [read_prepared(faces, s) for s in SOURCES if (Path(faces) / s / "index.csv").is_file()]
    dups = duplicate_mask(sets)
    out = {}
    for s, dup in zip(sets, dups):
        rgb = np.fromfile(Path(faces) / s.source / "rgb112.u8", dtype=np.uint8).reshape(-1, 112, 112, 3)
        gray = np.rint(rgb.astype(np.float32) @ np.asarray(LUMA, np.float32)).clip(0, 255).astype(np.uint8)
        for role in ("val", "test"):
            rows = np.flatnonzero(s.keep & ~dup & np.array([role_of(int(f)) == role for f in s.folds]))
            if len(rows):
                out[f"{s.source}:{role}"] = (torch.from_numpy(gray[rows]), torch.from_numpy(s.labels[rows]))
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", default=str(DEFAULT_DATA))
    p.add_argument("--faces", default=".cache/faces")
    p.add_argument("--ck48", default=str(Path(DEFAULT_DATA).parent / "ck48"))
    p.add_argument("--min-accuracy", type=float, default=0.0)
    p.add_argument("--bootstrap", type=int, default=200)
    p.add_argument("--json", default="")
    args = p.parse_args(argv)
    model, _ = load_checkpoint(args.checkpoint)
    model.eval()
    sets = {}
    fer = load_data(args.data)
    for u in ("PublicTest", "PrivateTest"):
        sets[u] = (fer[u].images, fer[u].labels)
    sets.update(fold_squares(args.faces))
    ck = concat_sets(list(load_data(args.ck48).values()))
    sets["CK+48"] = (ck.images, ck.labels)
    names = sorted({v for c in COMBOS.values() for v in c})
    probs = {k: view_probs(model, g, names) for k, (g, _) in sets.items()}
    labels = {k: y for k, (_, y) in sets.items()}
    val = [k for k in sets if k == "PublicTest" or k.endswith(":val")]
    test = [k for k in sets if k == "PrivateTest" or k.endswith(":test")]
    result: dict = {"checkpoint": args.checkpoint, "combos": {}}
    pooled_val_logits = {}
    for combo, views in COMBOS.items():
        logp = {k: torch.stack([probs[k][v] for v in views]).mean(0).clamp(min=1e-7).log() for k in sets}
        zv, yv = torch.cat([logp[k] for k in val]), torch.cat([labels[k] for k in val])
        zt, yt = torch.cat([logp[k] for k in test]), torch.cat([labels[k] for k in test])
        rule = fit_rule("balanced", zv, yv, args.min_accuracy)
        row = {"views": views, "pooled:val": rule_scores(zv, yv, rule["bias"]), "pooled:test": rule_scores(zt, yt, rule["bias"]),
               **{k: rule_scores(logp[k], labels[k], rule["bias"]) for k in ("PrivateTest", "CK+48", "expw:test", "posed-more:test", "sfew2:test")}}
        result["combos"][combo] = row
        pooled_val_logits[combo] = (zv + rule["bias"].double()).argmax(1)
        cells = " | ".join(f"{k} {row[k]['accuracy'] * 100:.1f} / {row[k]['mean_recall'] * 100:.1f}"
                           for k in ("pooled:val", "pooled:test", "PrivateTest", "CK+48", "expw:test", "posed-more:test", "sfew2:test"))
        print(f"{combo:>32} ({len(views)} crops): {cells}   (accuracy / mean recall, balanced rule)")
    # paired bootstrap of pooled val mean recall against today's reading
    yv = torch.cat([labels[k] for k in val])
    g = torch.Generator().manual_seed(0)
    base = "mirror (today)"

    gaps = {c: [] for c in COMBOS if c != base}
    for _ in range(args.bootstrap):
        idx = torch.randint(len(yv), (len(yv),), generator=g)
        b = mean_recall(pooled_val_logits[base][idx], yv[idx])
        for c in gaps:
            gaps[c].append(mean_recall(pooled_val_logits[c][idx], yv[idx]) - b)
    for c, v in gaps.items():
        t = torch.tensor(v)
        print(f"pooled val mean recall, {c} - today: {float(t.mean()) * 100:+.2f} points (paired bootstrap std {float(t.std()) * 100:.2f})")
        result["combos"][c]["gap_to_today"] = {"mean": float(t.mean()), "std": float(t.std())}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    run_cli(main)
