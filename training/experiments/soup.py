"""Weight averaging ("model soup", Wortsman et al., 2022) of two checkpoints of the same model that
share their starting point, e.g. the shipped S (runs/s-shipped/trainable.pt) and a fine-tune of it:
is a point between them better than either end? Prints CK+48 (7-way), FER2013 PublicTest and
PrivateTest, and PublicTest through 24 px (the low-resolution probe), for each mixing weight.

  /usr/bin/python3 training/experiments/soup.py runs/s-shipped/trainable.pt runs/s-distill/best.pt --alphas 0 0.3 0.5 0.7 1
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkpoint import load_checkpoint  # noqa: E402
from contract import to_model_input  # noqa: E402
from data import concat_sets, load_data  # noqa: E402
from evaluate import calibrated_logits  # noqa: E402
from probe_inference import TRANSFORMS, log_probs, report  # noqa: E402


def mix(a: dict, b: dict, alpha: float) -> dict:
    """(1 - alpha)·a + alpha·b for every float tensor (BatchNorm statistics included); counters from b."""
    if a.keys() != b.keys():
        raise ValueError("the two checkpoints are not the same architecture")
    return {k: a[k] * (1 - alpha) + b[k] * alpha if a[k].is_floating_point() else b[k] for k in a}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--alphas", type=float, nargs="+", default=[0, 0.3, 0.5, 0.7, 1])
    p.add_argument("--fer", default="../shared/data/fer2013")
    p.add_argument("--ck", default="../shared/data/ck48")
    args = p.parse_args()
    model, ckpt = load_checkpoint(args.a)
    state_a = {k: v.clone() for k, v in model.state_dict().items()}
    state_b = load_checkpoint(args.b)[0].state_dict()
    fer = load_data(args.fer)
    sets = {"CK+48": concat_sets(list(load_data(args.ck).values())), "PublicTest": fer["PublicTest"],
            "PrivateTest": fer["PrivateTest"]}
    inputs = {k: to_model_input(s.images) for k, s in sets.items()}
    inputs["PublicTest via 24 px"] = TRANSFORMS["resample via 24 px"](inputs["PublicTest"])
    labels = {**{k: s.labels for k, s in sets.items()}, "PublicTest via 24 px": sets["PublicTest"].labels}
    print(f"{'alpha':>5}  " + "  ".join(f"{k:>26}" for k in inputs))
    for alpha in args.alphas:
        model.load_state_dict(mix(state_a, state_b, alpha))
        model.eval()
        logits = calibrated_logits(model, ckpt)
        rows = [report(log_probs(logits, x), labels[k]) for k, x in inputs.items()]
        print(f"{alpha:5.2f}  " + "  ".join(f"{r['accuracy'] * 100:7.2f}% F1 {r['macro_f1']:.3f} neutral {r['neutral_share'] * 100:4.1f}%"
                                            for r in rows), flush=True)


if __name__ == "__main__":
    main()
