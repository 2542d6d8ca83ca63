"""Evaluate a checkpoint: accuracy, macro-F1, per-class recall/precision, how often each class is
predicted, ECE (15 bins), confusion matrix.

  /usr/bin/python3 training/evaluate.py --checkpoint runs/resemotenet_s/best.pt \
      --cross ck48=../shared/data/ck48 --json runs/resemotenet_s/metrics.json --plots runs/resemotenet_s --quantize all

Splits: PublicTest, PrivateTest, and PrivateTest without the files that have a pixel-identical
twin in Training (computed from the data, so it needs the Training split too), plus each --cross
set (every split of it, e.g. CK+48: validation only, never for training or selection).
Probabilities are softmax(logits / T) with the checkpoint's calibrated temperature (calibrate.py),
as the exported graph computes them. --classes present takes the argmax over the classes a split
has (CK+48 has no neutral); the default, all, is how the app runs.
Optional test-time augmentation (flip, or ten views: 5 crops x flip) and the cost of each export
quantisation (the exported graph run in PyTorch with the weights exactly as the browser dequantises them).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from augment import affine
from calibrate import parse_cross
from checkpoint import load_checkpoint
from cli import run_cli
from contract import CLASSES, INPUT_SIZE
from data import DataError, concat_sets, load_data, leak_free_mask
from export import QUANTIZATIONS, build_graph, dequantized_graph
from graph_runtime import run_graph
from metrics import confusion_matrix, expected_calibration_error, format_report, plot_confusion, summarize

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fer2013"
LEAK_FREE = "PrivateTestLeakFree"


def tta_views(gray: torch.Tensor, mode: str) -> list[torch.Tensor]:
    """(N, H, W) uint8 -> list of (N, 1, 64, 64) views. 'none': the contract resize; 'flip': + mirror;
    'crops': centre and four corner crops at 90 % of the face, each also mirrored (ten views)."""
    x = gray.float().div(255).unsqueeze(1)

    def view(zoom: float, tx: float, ty: float, flip: bool) -> torch.Tensor:
        return affine(x, zoom, 0.0, flip, tx / 2, ty / 2, INPUT_SIZE)  # tx, ty in normalised coords

    if mode == "none":
        return [view(1, 0, 0, False)]
    if mode == "flip":
        return [view(1, 0, 0, False), view(1, 0, 0, True)]
    if mode == "crops":
        offsets = [(0, 0), (-0.1, -0.1), (0.1, -0.1), (-0.1, 0.1), (0.1, 0.1)]
        return [view(1 / 0.9, tx, ty, flip) for tx, ty in offsets for flip in (False, True)]
    raise ValueError(f"unknown --tta {mode!r}")


@torch.no_grad()
def predict(forward, gray: torch.Tensor, tta: str, batch: int = 512) -> torch.Tensor:
    """Mean probabilities over the TTA views: (N, 7)."""
    probs = []
    for i in range(0, len(gray), batch):
        views = tta_views(gray[i:i + batch], tta)
        probs.append(torch.stack([forward(v) for v in views]).mean(0))
    return torch.cat(probs)


def decide(probs: torch.Tensor, labels: torch.Tensor, classes: str) -> torch.Tensor:
    """Argmax over all classes (as the app runs), or only over those present in `labels`."""
    if classes == "all":
        return probs.argmax(1)
    present = torch.bincount(labels, minlength=len(CLASSES)) > 0
    return probs.masked_fill(~present, -1.0).argmax(1)


def calibrated_logits(model, ckpt: dict):
    """The checkpoint's model with its calibration applied, (logits + logit_bias) / temperature, as
    the exported graph computes them (export.py folds both into the last layer)."""
    temperature = float(ckpt.get("temperature", 1.0))
    bias = torch.tensor(ckpt["logit_bias"], dtype=torch.float32) if ckpt.get("logit_bias") is not None else torch.zeros(len(CLASSES))
    return lambda x: (model(x) + bias) / temperature


def evaluate(checkpoint: str, data: str, tta: str = "none", quantize: str = "none",
             plots: str = "", log=print, cross: dict[str, str] | None = None, classes: str = "all") -> dict:
    if classes not in ("all", "present"):
        raise ValueError(f"--classes must be all or present, not {classes!r}")
    model, ckpt = load_checkpoint(checkpoint)
    temperature = float(ckpt.get("temperature", 1.0))
    logits = calibrated_logits(model, ckpt)
    sets = load_data(data)
    splits = {u: sets[u] for u in ("PublicTest", "PrivateTest") if u in sets}
    if "PrivateTest" in sets and "Training" in sets:
        mask = leak_free_mask(sets["PrivateTest"], sets["Training"])
        splits[LEAK_FREE] = sets["PrivateTest"].subset(mask.nonzero().flatten())
    for name, path in (cross or {}).items():
        splits[name] = concat_sets(list(load_data(path).values()))
    if not splits:
        raise DataError(f"{data} has no split to evaluate (found only {sorted(sets)}); expected a test/ or val/ "
                        f"folder, FER2013's PublicTest_/PrivateTest_ files, or a --cross set")
    torch_forward = lambda v: torch.softmax(logits(v), dim=1)  # noqa: E731
    result = {"checkpoint": str(checkpoint), "variant": ckpt["variant"], "tta": tta, "classes": classes,
              "temperature": temperature, "splits": {}}
    for name, s in splits.items():
        probs = predict(torch_forward, s.images, tta)
        summary = summarize(confusion_matrix(s.labels, decide(probs, s.labels, classes)))
        summary["ece"] = expected_calibration_error(probs, s.labels)["ece"]
        result["splits"][name] = summary
        log(format_report(f"{name} ({ckpt['variant']}, tta={tta}, classes={classes})", summary)
            + f"\n  ECE (15 bins, T={temperature:.3f}): {summary['ece']:.4f}")
        if plots:
            where = "FER2013 " + name if name in ("PublicTest", "PrivateTest", LEAK_FREE) else name
            plot_confusion(summary, f"{ckpt['variant']} on {where}", Path(plots) / f"confusion-{name}.png")
    modes = QUANTIZATIONS if quantize == "all" else ([quantize] if quantize != "none" else [])
    if modes:
        graph = build_graph(model, temperature=temperature, logit_bias=ckpt.get("logit_bias"))
        result["quantization"] = {}
        for mode in modes:
            weights = dequantized_graph(graph, mode)
            graph_forward = lambda v, weights=weights: run_graph(graph, v.permute(0, 2, 3, 1), weights)  # noqa: E731
            row = {}
            for name, s in splits.items():
                probs = predict(graph_forward, s.images, tta)
                row[name] = summarize(confusion_matrix(s.labels, decide(probs, s.labels, classes)))["accuracy"]
            result["quantization"][mode] = row
            log(f"exported graph, weights {mode:>7}: " + "  ".join(f"{k} {v * 100:.2f}%" for k, v in row.items()))
    return result


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="image-folder root, fer2013.csv or packed folder")
    p.add_argument("--tta", default="none", choices=["none", "flip", "crops"], help="test-time augmentation")
    p.add_argument("--quantize", default="none", choices=["none", *QUANTIZATIONS, "all"],
                   help="also measure the exported graph with weights stored this way ('all': every way)")
    p.add_argument("--cross", action="append", default=[], help="name=folder of a cross-domain set to report (repeatable)")
    p.add_argument("--classes", default="all", choices=["all", "present"],
                   help="argmax over all 7 classes (as the app runs) or only those present in each split")
    p.add_argument("--json", default="", help="write the metrics here (export.py --metrics reads it)")
    p.add_argument("--plots", default="", help="folder for confusion-matrix PNGs")
    args = p.parse_args(argv)
    result = evaluate(args.checkpoint, args.data, args.tta, args.quantize, args.plots,
                      cross=parse_cross(args.cross), classes=args.classes)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    run_cli(main)
