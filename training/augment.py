"""Batched augmentation on tensors: one random affine (rescale, rotation, shift, flip) that also
resizes to the model input, then image-quality degradation (degrade.py), photometric jitter and
random erasing.

With every knob at zero the affine is exactly the preprocessing contract's resize
(bilinear, half-pixel centres, border clamp), so training sees what evaluation sees.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from contract import INPUT_SIZE
from degrade import DegradeConfig, degrade


@dataclass(frozen=True)
class AugmentConfig:
    scale: float = 0.15  # face size changes by a factor in [1 - scale, 1 + scale]
    rotate: float = 15.0  # degrees, uniform in [-rotate, rotate]
    shift: float = 0.10  # fraction of the image, per axis, uniform in [-shift, shift]
    flip: float = 0.5  # probability of a horizontal flip
    brightness: float = 0.15  # additive, uniform in [-b, b] (input range is [0, 1])
    contrast: float = 0.20  # multiplicative around 0.5, uniform in [1 - c, 1 + c]
    erase: float = 0.5  # probability of erasing one random rectangle
    erase_area: tuple[float, float] = (0.02, 0.20)  # fraction of the image the rectangle covers
    degrade: DegradeConfig = DegradeConfig()  # image-quality stages (degrade.py); off by default


def random_affine(gray: torch.Tensor, cfg: AugmentConfig, size: int = INPUT_SIZE,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """(N, 1, H, W) float in [0, 1] -> (N, 1, size, size)."""
    n, device = gray.shape[0], gray.device

    def uniform(lo, hi):
        return torch.rand(n, generator=generator).to(device) * (hi - lo) + lo

    zoom = uniform(1 - cfg.scale, 1 + cfg.scale)  # >1 enlarges the face
    angle = uniform(-cfg.rotate, cfg.rotate) * (math.pi / 180)
    flip = torch.rand(n, generator=generator).to(device) < cfg.flip
    tx, ty = uniform(-cfg.shift, cfg.shift), uniform(-cfg.shift, cfg.shift)
    return affine(gray, zoom, angle, flip, tx, ty, size)


def affine(gray: torch.Tensor, zoom, angle, flip, tx, ty, size: int = INPUT_SIZE) -> torch.Tensor:
    """(N, 1, H, W) -> (N, 1, size, size): zoom (>1 enlarges the face), rotation (radians), horizontal
    flip (bool), shift (fraction of the image), bilinear with half-pixel centres and edge clamp. Each
    parameter is a number or an (N,) tensor. Training's random affine and evaluation's test-time
    views (evaluate.py) are this one function."""
    n, device = gray.shape[0], gray.device

    def per_image(v) -> torch.Tensor:
        return torch.as_tensor(v, dtype=torch.float32, device=device).expand(n) if not torch.is_tensor(v) or v.ndim == 0 \
            else v.to(device=device, dtype=torch.float32)

    zoom, angle, tx, ty = per_image(zoom), per_image(angle), per_image(tx) * 2, per_image(ty) * 2  # shifts in normalised coords
    sign = torch.where(per_image(flip.float() if torch.is_tensor(flip) else float(flip)) > 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([
        torch.stack([cos * sign, -sin, tx], dim=1),
        torch.stack([sin * sign, cos, ty], dim=1),
    ], dim=1)  # (N, 2, 3): output coords -> input coords
    grid = F.affine_grid(theta, [n, 1, size, size], align_corners=False)
    return F.grid_sample(gray, grid, mode="bilinear", padding_mode="border", align_corners=False)


def photometric(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator | None = None) -> torch.Tensor:
    n = x.shape[0]
    shape = (n, 1, 1, 1)
    contrast = 1 + (torch.rand(shape, generator=generator) * 2 - 1).to(x.device) * cfg.contrast
    bright = (torch.rand(shape, generator=generator) * 2 - 1).to(x.device) * cfg.brightness
    return ((x - 0.5) * contrast + 0.5 + bright).clamp(0, 1)


def random_erase(x: torch.Tensor, cfg: AugmentConfig, generator: torch.Generator | None = None) -> torch.Tensor:
    """Erase one rectangle (aspect 1/3..3, area in cfg.erase_area) per chosen image with a random gray."""
    n, _, h, w = x.shape
    dev = x.device

    def rand(*shape):
        return torch.rand(*shape, generator=generator).to(dev)

    area = (rand(n) * (cfg.erase_area[1] - cfg.erase_area[0]) + cfg.erase_area[0]) * h * w
    aspect = torch.exp(rand(n) * (math.log(3) * 2) - math.log(3))
    eh = (area * aspect).sqrt().clamp(1, h)
    ew = (area / aspect).sqrt().clamp(1, w)
    top = rand(n) * (h - eh)
    left = rand(n) * (w - ew)
    ys = torch.arange(h, device=dev).view(1, h, 1)
    xs = torch.arange(w, device=dev).view(1, 1, w)
    inside = ((ys >= top.view(n, 1, 1)) & (ys < (top + eh).view(n, 1, 1))
              & (xs >= left.view(n, 1, 1)) & (xs < (left + ew).view(n, 1, 1)))
    chosen = (rand(n) < cfg.erase).view(n, 1, 1)
    mask = (inside & chosen).unsqueeze(1)  # (N, 1, H, W)
    fill = rand(n).view(n, 1, 1, 1).expand_as(x)
    return torch.where(mask, fill, x)


def augment(gray: torch.Tensor, cfg: AugmentConfig, size: int = INPUT_SIZE,
            generator: torch.Generator | None = None) -> torch.Tensor:
    return augment_pair(gray, cfg, size, generator)[0]


def augment_pair(gray: torch.Tensor, cfg: AugmentConfig, size: int = INPUT_SIZE,
                 generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(augmented, clean view): the clean view is the same geometry (crop, rotation, flip) before
    the image-quality, photometric and erasing stages, for a teacher that should see the face as
    well as it can while the student learns from the degraded one (train.py --distill-clean)."""
    clean = random_affine(gray, cfg, size, generator)
    x = degrade(clean, cfg.degrade, generator)
    x = photometric(x, cfg, generator)
    return random_erase(x, cfg, generator), clean
