"""ResEmoteNet (Roy et al., 2024) as a small family of named variants.

Only modules live here: no I/O, no training logic. The layer layout follows the reference
implementation (ArnabKumarRoy02/ResEmoteNet, approach/ResEmoteNet.py) exactly at width 1.0:
80,238,599 parameters.

The network takes the model input of the app contract, gray float32 in [0, 1] shaped
(N, 1, 64, 64), and does the paper's own preprocessing itself (gray replicated to 3 channels,
ImageNet mean/std), so that training, evaluation and the exported graph all start from the
same tensor.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from contract import CLASSES, IMAGENET_MEAN, IMAGENET_STD


def round_channels(channels: float, divisor: int = 8) -> int:
    """Round a scaled channel count to a multiple of `divisor`, never below it."""
    return max(divisor, int(channels + divisor / 2) // divisor * divisor)


@dataclass(frozen=True)
class ResEmoteNetConfig:
    width: float = 1.0  # multiplier on every channel count (stem, SE, residual blocks, head)
    num_classes: int = len(CLASSES)  # logits out; index order = contract.CLASSES
    se_reduction: int = 16  # SE bottleneck = channels / reduction
    stem_dropout: float = 0.2  # after the first two stem stages, as in the reference
    head_dropout: float = 0.5  # after each hidden FC layer, as in the reference

    def ch(self, base: int) -> int:
        return base if self.width == 1.0 else round_channels(base * self.width)


class SEBlock(nn.Module):
    """Squeeze-and-excitation: per-channel gates from global context (no biases, as referenced)."""

    def __init__(self, channels: int, hidden: int):
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(channels, hidden, bias=False),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, channels, bias=False),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.fc(x.mean(dim=(2, 3)))  # (N, C)
        return x * gate[:, :, None, None]


class ResidualBlock(nn.Module):
    """conv3x3(stride)-BN-ReLU-conv3x3-BN + (1x1 conv(stride)-BN shortcut), add, ReLU."""

    def __init__(self, in_ch: int, out_ch: int, stride: int = 2):
        super().__init__()
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(out_ch)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(out_ch)
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_ch, out_ch, 1, stride=stride),
            nn.BatchNorm2d(out_ch),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResEmoteNet(nn.Module):
    def __init__(self, config: ResEmoteNetConfig | None = None):
        super().__init__()
        config = ResEmoteNetConfig() if config is None else config
        self.config = config
        c = config.ch
        # The paper's preprocessing, as buffers so it travels with the weights.
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        self.conv1 = nn.Conv2d(3, c(64), 3, padding=1)
        self.bn1 = nn.BatchNorm2d(c(64))
        self.conv2 = nn.Conv2d(c(64), c(128), 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c(128))
        self.conv3 = nn.Conv2d(c(128), c(256), 3, padding=1)
        self.bn3 = nn.BatchNorm2d(c(256))
        self.stem_dropout = nn.Dropout(config.stem_dropout)
        self.se = SEBlock(c(256), round_channels(c(256) / config.se_reduction))  # 256/16 = 16 at width 1
        self.res_block1 = ResidualBlock(c(256), c(512))
        self.res_block2 = ResidualBlock(c(512), c(1024))
        self.res_block3 = ResidualBlock(c(1024), c(2048))
        self.fc1 = nn.Linear(c(2048), c(1024))
        self.fc2 = nn.Linear(c(1024), c(512))
        self.fc3 = nn.Linear(c(512), c(256))
        self.head_dropout = nn.Dropout(config.head_dropout)
        self.fc4 = nn.Linear(c(256), config.num_classes)

    def normalize(self, gray: torch.Tensor) -> torch.Tensor:
        """(N, 1, H, W) gray in [0, 1] -> (N, 3, H, W) ImageNet-normalised, as the paper feeds it."""
        return (gray - self.mean) / self.std

    def forward(self, gray: torch.Tensor) -> torch.Tensor:
        x = self.normalize(gray)  # (N, 3, 64, 64)
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)  # (N, 64w, 32, 32)
        x = self.stem_dropout(x)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)  # (N, 128w, 16, 16)
        x = self.stem_dropout(x)
        x = F.max_pool2d(F.relu(self.bn3(self.conv3(x))), 2)  # (N, 256w, 8, 8)
        x = self.se(x)
        x = self.res_block1(x)  # (N, 512w, 4, 4)
        x = self.res_block2(x)  # (N, 1024w, 2, 2)
        x = self.res_block3(x)  # (N, 2048w, 1, 1)
        x = x.mean(dim=(2, 3))
        x = self.head_dropout(F.relu(self.fc1(x)))
        x = self.head_dropout(F.relu(self.fc2(x)))
        x = self.head_dropout(F.relu(self.fc3(x)))
        return self.fc4(x)  # logits (N, num_classes)


# Named variants: one family, one factory.
HEAD_DROPOUT_S = 0.25
VARIANTS: dict[str, ResEmoteNetConfig] = {
    "resemotenet": ResEmoteNetConfig(width=1.0),
    # At width 0.25 the head is 64 units wide; the reference's 0.5 dropout after each hidden FC
    # layer slows it badly (measured, same seed and recipe: 38.1 % vs 44.8 % PublicTest after 3 epochs).
    "resemotenet_s": ResEmoteNetConfig(width=0.25, head_dropout=HEAD_DROPOUT_S),
    # Wider members for the 2-core CPU budget (measured, batch 64, 2 threads: 0.25 -> 344 img/s,
    # 0.375 -> 250 img/s, 0.5 -> 139 img/s).
    "resemotenet_m": ResEmoteNetConfig(width=0.375, head_dropout=HEAD_DROPOUT_S),
    "resemotenet_l": ResEmoteNetConfig(width=0.5, head_dropout=HEAD_DROPOUT_S),
}


def create_model(variant: str, **overrides) -> ResEmoteNet:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(VARIANTS)}")
    return ResEmoteNet(ResEmoteNetConfig(**{**asdict(VARIANTS[variant]), **overrides}))


def graph_layers(model: ResEmoteNet) -> list[tuple[str, nn.Module, nn.BatchNorm2d | None]]:
    """Every weighted layer with its name in the exported graph and the BatchNorm folded into it,
    in graph order: the one table that export.py (build_graph) and import_graph.py walk, so the
    names and the pairing of each conv with its BatchNorm are written once."""
    layers: list[tuple[str, nn.Module, nn.BatchNorm2d | None]] = [
        (f"stem{i}/conv", conv, bn)
        for i, (conv, bn) in enumerate([(model.conv1, model.bn1), (model.conv2, model.bn2), (model.conv3, model.bn3)], 1)]
    layers += [("se/fc1", model.se.fc[0], None), ("se/fc2", model.se.fc[2], None)]
    for i, block in enumerate([model.res_block1, model.res_block2, model.res_block3], 1):
        layers += [(f"res{i}/conv1", block.conv1, block.bn1), (f"res{i}/conv2", block.conv2, block.bn2),
                   (f"res{i}/shortcut", block.shortcut[0], block.shortcut[1])]
    layers += [(f"head/fc{i}", fc, None) for i, fc in enumerate([model.fc1, model.fc2, model.fc3, model.fc4], 1)]
    return layers


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

