"""A trained ResEmoteNet made wider without changing what it computes (Net2WiderNet, Chen et al.,
2016): every channel of the narrow model is copied into the wide one (wide channel j is narrow
channel j mod C), and each layer's weights from a widened input are divided by how many copies
that input has, so the sums come out the same. BatchNorm statistics and biases are copied with
their channels. In eval mode the wide model's logits equal the narrow one's (a test pins it), so a
fine-tune of the wide model starts from the trained one instead of from scratch.

Copies of a unit would get identical gradients and stay identical; dropout breaks that in training,
and `--noise` (a fraction of each weight tensor's std, added to the widened weights) breaks it at
once, at the cost of a small change in the function.

  /usr/bin/python3 training/widen.py --checkpoint runs/s5-imported/trainable.pt --variant resemotenet_l \
      --out runs/l-from-s5/trainable.pt --noise 0.01
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from checkpoint import load_checkpoint, save_checkpoint
from cli import run_cli
from model import ResEmoteNet, create_model


def _index(narrow: int, wide: int) -> torch.Tensor:
    if wide % narrow:
        raise ValueError(f"cannot widen {narrow} channels to {wide}: not a multiple")
    return torch.arange(wide) % narrow


@torch.no_grad()
def widen(narrow: ResEmoteNet, wide: ResEmoteNet, noise: float = 0.0, generator: torch.Generator | None = None) -> ResEmoteNet:
    """Fill `wide` (same architecture, more channels) from `narrow`; returns `wide`."""
    wide_state = wide.state_dict()
    new = {}
    for name, w in narrow.state_dict().items():
        target = wide_state[name]
        if w.shape == target.shape:
            new[name] = w.clone()
            continue
        out = w
        if w.dim() >= 1 and w.shape[0] != target.shape[0]:  # output channels (or a BN's channels)
            out = out[_index(w.shape[0], target.shape[0])]
        if w.dim() >= 2 and w.shape[1] != target.shape[1]:  # input channels: split each among its copies
            out = out[:, _index(w.shape[1], target.shape[1])] / (target.shape[1] // w.shape[1])
        if out.shape != target.shape:
            raise ValueError(f"{name}: {tuple(w.shape)} does not widen to {tuple(target.shape)}")
        if noise and out.dim() >= 2:
            out = out + noise * out.std() * torch.randn(out.shape, generator=generator)
        new[name] = out.contiguous()
    wide.load_state_dict(new)
    return wide


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="the trained narrow model (its EMA weights when it has them)")
    p.add_argument("--variant", required=True, help="the wider variant to make (model.VARIANTS)")
    p.add_argument("--out", required=True, help="the checkpoint to write (for train.py --init)")
    p.add_argument("--noise", type=float, default=0.0, help="std of the noise added to widened weights, as a fraction of each tensor's std")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    narrow, ckpt = load_checkpoint(args.checkpoint)
    if ckpt.get("ema"):
        narrow.load_state_dict(ckpt["ema"])
    wide = widen(narrow, create_model(args.variant).eval(), args.noise, torch.Generator().manual_seed(args.seed))
    save_checkpoint(Path(args.out), wide, args.variant, widened_from=str(args.checkpoint), widen_noise=args.noise)
    print(f"wrote {args.out}: {args.variant} widened from {args.checkpoint} ({ckpt['variant']})")


if __name__ == "__main__":
    run_cli(main)
