"""An exported model back into a checkpoint: the graph's (dequantised) weights put into ResEmoteNet's
modules, with every BatchNorm set to the identity (the export folded BN into the convolutions) and
the last block's trimmed filters padded back with zeros (the cut taps only ever saw padding at
64x64). The checkpoint computes exactly what the shipped model computes, so the toolkit
(calibrate.py, evaluate.py, export.py, distillation) can work on a model whose training checkpoint
is gone.

  /usr/bin/python3 training/import_graph.py --model models/resemotenet-s --variant resemotenet_s --out runs/s-shipped.pt
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from checkpoint import save_checkpoint
from cli import run_cli
from graph_runtime import load_graph_model
from model import create_model, graph_layers


def _conv(conv, bn, w_hwio: np.ndarray, bias: np.ndarray) -> None:
    w = torch.from_numpy(w_hwio).permute(3, 2, 0, 1)  # HWIO -> OIHW
    full = torch.zeros_like(conv.weight)
    kh, kw = w.shape[2:]
    oh, ow = (full.shape[2] - kh + 1) // 2, (full.shape[3] - kw + 1) // 2  # centre a trimmed filter
    if (kh, kw) == (2, 2):
        oh, ow = 1, 1  # res3/conv1 kept taps [1:3, 1:3]
    full[:, :, oh:oh + kh, ow:ow + kw] = w
    conv.weight.data.copy_(full)
    conv.bias.data.copy_(torch.from_numpy(bias))
    bn.weight.data.fill_(1.0)
    bn.bias.data.zero_()
    bn.running_mean.zero_()
    bn.running_var.fill_(1.0 - bn.eps)  # so that (x - 0) / sqrt(var + eps) = x exactly


def import_graph(model_dir: str, variant: str):
    g = load_graph_model(model_dir)
    w = dict(g.weights)
    model = create_model(variant).eval()
    for name, module, bn in graph_layers(model):  # the exporter's own table (model.py)
        if bn is not None:
            _conv(module, bn, w[f"{name}/filter"], w[f"{name}/bias"])
        else:
            module.weight.data.copy_(torch.from_numpy(w[f"{name}/weights"]).T)
            if module.bias is not None:
                module.bias.data.copy_(torch.from_numpy(w[f"{name}/bias"]))
    return model, g


@torch.no_grad()
def trainable_batchnorm(model, gray_batches) -> None:
    """Make the identity BatchNorms fit for training: set each BN to the statistics of what flows
    into it (weight = std, bias = mean, running stats = the same), so the eval-mode function is
    unchanged (std * (x - mean) / std + mean = x) and train mode, which normalises by the batch,
    starts near it instead of far from it. `gray_batches`: model inputs (N, 1, 64, 64)."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    sums = {bn: [0.0, 0.0, 0] for bn in bns}

    def hook(bn):
        def record(_module, inputs, _output):
            x = inputs[0].double()
            s = sums[bn]
            s[0] = s[0] + x.sum(dim=(0, 2, 3))
            s[1] = s[1] + (x * x).sum(dim=(0, 2, 3))
            s[2] += x.numel() // x.shape[1]
        return record

    handles = [bn.register_forward_hook(hook(bn)) for bn in bns]
    model.eval()
    for x in gray_batches:
        model(x)
    for h in handles:
        h.remove()
    for bn, (total, squares, n) in sums.items():
        mean = total / n
        var = (squares / n - mean * mean).clamp(min=1e-6)
        bn.running_mean.copy_(mean.float())
        bn.running_var.copy_((var - bn.eps).clamp(min=1e-6).float())
        bn.weight.copy_(torch.sqrt(var).float())
        bn.bias.copy_(mean.float())


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="an exported model folder (model.json + shards)")
    p.add_argument("--variant", required=True, help="the architecture it was exported from (model.VARIANTS)")
    p.add_argument("--out", required=True, help="the checkpoint to write")
    p.add_argument("--bn-from", default="", help="a dataset whose Training images set the BatchNorms for fine-tuning")
    p.add_argument("--carry-training", action="store_true",
                   help="keep the model card's training record (data, epoch, weights, config) in the checkpoint, so a "
                        "re-export with another decision rule still says how the weights were trained")
    args = p.parse_args(argv)
    model, _ = import_graph(args.model, args.variant)
    extra = {}
    if args.carry_training:
        import json
        card = json.loads((Path(args.model) / "model.json").read_text())["userDefinedMetadata"]["resemote"]
        training = card.get("training") or {}
        extra = {"training_data": training.get("data"), "epoch": training.get("epoch"),
                 "train_config": training.get("config"), "preprocessing": card.get("preprocessing")}
    if args.bn_from:
        from data import load_data
        train = load_data(args.bn_from)["Training"]
        pick = torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[:2048]
        inputs = train.model_input(pick)
        trainable_batchnorm(model, [inputs[i:i + 256] for i in range(0, len(inputs), 256)])
    save_checkpoint(Path(args.out), model, args.variant, weights="imported", imported_from=str(args.model),
                    **{k: v for k, v in extra.items() if v is not None})
    print(f"wrote {args.out} from {args.model}")


if __name__ == "__main__":
    run_cli(main)
