"""How much does this model's reading depend on the face's resolution? Each held-out fold's face
(prepared at 64 px from a larger photo) is read as is, and after passing through a smaller size
(56, 48, 40 px: down with antialiasing, back up to 64 as the contract resizes), with the mirror as
the app reads it. If the reading barely moves from 64 to 48 px, more pixels than 64 have little to
give this model on these faces: the proxy for an input larger than 64 px that needs no new model.

  /usr/bin/python3 training/experiments/resolution.py --checkpoint runs/s7-imported/trainable.pt --bias-from runs/rules-s7.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkpoint import load_checkpoint  # noqa: E402
from cli import run_cli  # noqa: E402
from decision import rule_scores  # noqa: E402
from sources import split_sets  # noqa: E402

SIZES = (64, 56, 48, 40)


@torch.no_grad()
def read(model, gray: torch.Tensor, size: int, batch: int = 512) -> torch.Tensor:
    """Mean probabilities of each face and its mirror after passing through `size` px."""
    out = []
    for i in range(0, len(gray), batch):
        x = gray[i:i + batch].float().div(255).unsqueeze(1)  # (N, 1, 64, 64)
        if size != 64:
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
            x = F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)
        out.append(0.5 * (torch.softmax(model(x), 1) + torch.softmax(model(x.flip(-1)), 1)))
    return torch.cat(out)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--faces", default=".cache/faces")
    p.add_argument("--bias-from", default="", help="decision_rules.py JSON: read with its balanced rule's bias")
    p.add_argument("--json", default="")
    args = p.parse_args(argv)
    model, _ = load_checkpoint(args.checkpoint)
    model.eval()
    bias = torch.zeros(7)
    if args.bias_from:
        bias = torch.tensor(json.loads(Path(args.bias_from).read_text())["rules"]["balanced"]["bias"])
    parts = {k: v for k, v in split_sets(args.faces).items() if k != "Training"}
    pools = {"sources val": [k for k in parts if k.endswith(":val")], "sources test": [k for k in parts if k.endswith(":test")]}
    result: dict = {}
    print("| faces through | " + " | ".join([*pools, "posed-more:test", "expw:test", "sfew2:test"]) + " |  (accuracy / mean recall)")
    print("| --- |" + " --- |" * (len(pools) + 3))
    for size in SIZES:
        logp = {k: read(model, s.images, size).clamp(min=1e-7).log() for k, s in parts.items()}
        row = {}
        for pool, keys in pools.items():
            row[pool] = rule_scores(torch.cat([logp[k] for k in keys]), torch.cat([parts[k].labels for k in keys]), bias)
        for k in ("posed-more:test", "expw:test", "sfew2:test"):
            row[k] = rule_scores(logp[k], parts[k].labels, bias)
        result[size] = row
        print(f"| {size} px | " + " | ".join(f"{r['accuracy'] * 100:.1f} / {r['mean_recall'] * 100:.1f}" for r in row.values()) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    run_cli(main)
