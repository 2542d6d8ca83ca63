"""Inference-time probes of the causes of "neutral on real faces" (docs/experiments.md).

Runs an exported model (models/<name>, weights as the browser holds them) on CK+48 (all 7 classes
allowed, as the app runs) and FER2013 PublicTest, each image transformed one way at a time:
detail (sharpen / blur / a down-and-up resample through a small size), framing (zoom out, zoom in),
tone (gamma, contrast, each face standardized to FER2013's average tone), and the neutral prior
(logit adjustment at inference). Prints accuracy, macro-F1 and how often "neutral" is the answer.

  /usr/bin/python3 training/experiments/probe_inference.py --model models/resemotenet-s [--json out.json]
  /usr/bin/python3 training/experiments/probe_inference.py --checkpoint runs/x/best.pt   # a checkpoint instead
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from contract import CLASSES, to_model_input  # noqa: E402
from data import concat_sets, load_data  # noqa: E402
from degrade import gaussian_blur, resample  # noqa: E402
from graph_runtime import load_graph_model, run_graph  # noqa: E402
from metrics import confusion_matrix, summarize  # noqa: E402

NEUTRAL = CLASSES.index("neutral")


def zoom(x: torch.Tensor, factor: float) -> torch.Tensor:
    """factor > 1 zooms in (tighter crop), < 1 zooms out (edge pixels repeat, as the app's border)."""
    n = x.shape[0]
    theta = torch.tensor([[1 / factor, 0, 0], [0, 1 / factor, 0]], dtype=torch.float32).expand(n, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


# FER2013 Training's average per-image mean and standard deviation of the model input, over its first
# 5,000 images: to_model_input(images).mean((1, 2, 3)).mean() and .std((1, 2, 3)).mean().
FER_MEAN, FER_STD = 0.502, 0.207


def standardize_tone(x: torch.Tensor) -> torch.Tensor:
    """Each face's brightness and contrast set to FER2013's average (a per-face tone normalisation)."""
    mu = x.mean((1, 2, 3), keepdim=True)
    sd = x.std((1, 2, 3), keepdim=True).clamp(min=1e-3)
    return ((x - mu) / sd * FER_STD + FER_MEAN).clamp(0, 1)


TRANSFORMS = {
    "as is": lambda x: x,
    "sharpen (unsharp 1.0)": lambda x: (x + 1.0 * (x - gaussian_blur(x, torch.full((x.shape[0],), 1.0)))).clamp(0, 1),
    "blur (sigma 1)": lambda x: gaussian_blur(x, torch.full((x.shape[0],), 1.0)),
    "resample via 32 px": lambda x: resample(x, [32] * x.shape[0]),
    "resample via 24 px": lambda x: resample(x, [24] * x.shape[0]),
    "zoom out 0.85": lambda x: zoom(x, 0.85),
    "zoom in 1.15": lambda x: zoom(x, 1.15),
    "gamma 0.7 (brighter)": lambda x: x.clamp(min=1e-6) ** 0.7,
    "gamma 1.4 (darker)": lambda x: x.clamp(min=1e-6) ** 1.4,
    "contrast x0.7": lambda x: ((x - 0.5) * 0.7 + 0.5).clamp(0, 1),
    "tone standardized": lambda x: standardize_tone(x),
    "tone standardized, half": lambda x: 0.5 * standardize_tone(x) + 0.5 * x,
}


@torch.no_grad()
def log_probs(graph, x: torch.Tensor, batch: int = 256) -> torch.Tensor:
    """`graph`: an exported Graph, or a callable model (a checkpoint's) giving logits."""
    if callable(graph):
        return torch.cat([torch.log_softmax(graph(x[i:i + batch]), 1) for i in range(0, len(x), batch)])
    out = [run_graph(graph, x[i:i + batch].permute(0, 2, 3, 1)).clamp(min=1e-9).log() for i in range(0, len(x), batch)]
    return torch.cat(out)


def report(lp: torch.Tensor, labels: torch.Tensor) -> dict:
    s = summarize(confusion_matrix(labels, lp.argmax(1)))
    return {"accuracy": round(s["accuracy"], 4), "macro_f1": round(s["macro_f1"], 4), "neutral_share": s["predicted"]["neutral"],
            "recall": s["recall"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="models/resemotenet-s")
    p.add_argument("--checkpoint", default="", help="probe this checkpoint instead of an exported model")
    p.add_argument("--fer", default="../shared/data/fer2013")
    p.add_argument("--ck", default="../shared/data/ck48")
    p.add_argument("--json", default="")
    args = p.parse_args()
    if args.checkpoint:
        from checkpoint import load_checkpoint
        from evaluate import calibrated_logits
        graph = calibrated_logits(*load_checkpoint(args.checkpoint))
    else:
        graph = load_graph_model(args.model)
    ck = concat_sets(list(load_data(args.ck).values()))
    public = load_data(args.fer)["PublicTest"]
    sets = {"CK+48": ck, "PublicTest": public}
    base = {name: to_model_input(s.images) for name, s in sets.items()}
    out: dict = {"model": args.checkpoint or args.model, "probes": {}}
    print(f"{'probe':<28} " + "  ".join(f"{n:>26}" for n in sets))
    print(f"{'':<28} " + "  ".join(f"{'acc':>8} {'F1':>7} {'neutral':>9}" for _ in sets))
    priors = None
    for name, fn in TRANSFORMS.items():
        row = {}
        for set_name, s in sets.items():
            lp = log_probs(graph, fn(base[set_name]))
            row[set_name] = report(lp, s.labels)
            if name == "as is":
                row[set_name]["_lp"] = lp
        if name == "as is":
            # The model's own prior on FER2013 PublicTest: how often it answers each class there.
            priors = row["PublicTest"]["_lp"].softmax(1).mean(0)
        out["probes"][name] = {k: {kk: vv for kk, vv in v.items() if kk != "_lp"} for k, v in row.items()}
        print(f"{name:<28} " + "  ".join(f"{r['accuracy'] * 100:7.2f}% {r['macro_f1']:7.3f} {r['neutral_share'] * 100:8.1f}%" for r in row.values()))
        if name == "as is":
            base_lp = {k: v["_lp"] for k, v in row.items()}
    for tau in (0.5, 1.0):
        row = {k: report(base_lp[k] - tau * priors.log(), sets[k].labels) for k in sets}
        label = f"logit adjust -{tau} log prior"
        out["probes"][label] = row
        print(f"{label:<28} " + "  ".join(f"{r['accuracy'] * 100:7.2f}% {r['macro_f1']:7.3f} {r['neutral_share'] * 100:8.1f}%" for r in row.values()))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
