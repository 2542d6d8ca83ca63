"""Helpers for tests on both sides (pytest and the Node export-parity test)."""
from __future__ import annotations

import torch

from model import ResEmoteNet, create_model


def random_model(variant: str = "resemotenet_s", seed: int = 0) -> ResEmoteNet:
    """A random model whose outputs depend strongly on its input: BatchNorm statistics calibrated on
    random images (so that folding them matters and activations do not collapse), affine BN
    parameters away from identity, and a final layer scaled to give peaked probabilities."""
    torch.manual_seed(seed)
    model = create_model(variant)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average over the calibration batches
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(16, 1, 64, 64))
    model.eval()
    with torch.no_grad():
        logits = model(torch.rand(16, 1, 64, 64))
        model.fc4.weight.mul_(4 / logits.std())
        model.fc4.bias.zero_()
    return model
