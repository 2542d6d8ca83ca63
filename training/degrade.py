"""Image-quality augmentation: what a face crop looks like when it reaches the model in the app.

FER2013 faces are 48x48 JPEGs upsampled to 64: soft, one fixed resolution. In the app a face is
cut from a camera frame or a photo at any size: a far face is 20-40 px (blocky once scaled up), a
near one a sharp antialiased downscale with more fine detail than FER2013 ever had; webcams add
noise, blur and JPEG/H.264 blocks; rooms light faces from one side. Each stage below draws its own
strength per image, so a batch covers the whole range, and is off with probability 1 - p.

Batched on (N, 1, S, S) float tensors in [0, 1]; the stages are pure functions of (x, generator).
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


@dataclass(frozen=True)
class DegradeConfig:
    p: float = 0.0  # probability that an image gets the degradation pipeline at all; 0 = off
    resample: float = 0.5  # probability of a down-and-up resample through a random size
    resample_sizes: tuple[int, int] = (24, 64)  # the intermediate size, uniform in this range (px)
    blur: float = 0.25  # probability of a Gaussian blur ...
    blur_sigma: float = 1.2  # ... with sigma uniform in [0.3, blur_sigma] px (at 64x64)
    sharpen: float = 0.25  # probability of an unsharp mask (the crisp detail of a sharp downscale) ...
    sharpen_amount: float = 1.5  # ... with amount uniform in [0.3, sharpen_amount]
    noise: float = 0.3  # probability of Gaussian sensor noise ...
    noise_sigma: float = 0.04  # ... with sigma uniform in [0, noise_sigma]
    gamma: float = 0.4  # probability of a gamma change ...
    gamma_log: float = 0.5  # ... gamma = exp(uniform(-gamma_log, gamma_log))
    light: float = 0.3  # probability of a linear illumination gradient ...
    light_amount: float = 0.25  # ... peak-to-peak amplitude uniform in [0, light_amount]
    jpeg: float = 0.25  # probability of a JPEG round trip ...
    jpeg_quality: tuple[int, int] = (25, 90)  # ... at a quality uniform in this range

    @property
    def enabled(self) -> bool:
        return self.p > 0


def _rand(n: int, generator, device) -> torch.Tensor:
    return torch.rand(n, generator=generator).to(device)


def _chosen(n: int, prob: float, generator, device) -> torch.Tensor:
    return _rand(n, generator, device) < prob


def resample(x: torch.Tensor, sizes: list[int]) -> torch.Tensor:
    """Each image i down to sizes[i] (antialiased area-like bilinear) and back up bilinearly."""
    out = x.clone()
    side = x.shape[-1]
    for size in sorted(set(sizes)):
        if size >= side:
            continue
        idx = torch.tensor([i for i, s in enumerate(sizes) if s == size], device=x.device)
        small = F.interpolate(x[idx], size=(size, size), mode="bilinear", align_corners=False, antialias=True)
        out[idx] = F.interpolate(small, size=(side, side), mode="bilinear", align_corners=False)
    return out


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Separable Gaussian blur with a per-image sigma (N,), reflect padding."""
    n = x.shape[0]
    radius = max(1, int(math.ceil(3 * float(sigma.max()))))
    t = torch.arange(-radius, radius + 1, device=x.device, dtype=x.dtype)
    k = torch.exp(-0.5 * (t[None] / sigma[:, None].clamp(min=1e-3)) ** 2)
    k = k / k.sum(1, keepdim=True)  # (N, 2r+1)
    y = x.reshape(1, n, *x.shape[-2:])  # images as channels: one grouped conv for the batch
    y = F.pad(y, (radius, radius, radius, radius), mode="reflect")
    y = F.conv2d(y, k[:, None, None, :], groups=n)
    y = F.conv2d(y, k[:, None, :, None], groups=n)
    return y.reshape_as(x)


def jpeg_round_trip(x: torch.Tensor, quality: list[int]) -> torch.Tensor:
    out = torch.empty_like(x)
    for i, q in enumerate(quality):
        img = Image.fromarray((x[i, 0].detach().cpu().numpy() * 255).round().clip(0, 255).astype(np.uint8))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=int(q))
        buf.seek(0)
        out[i, 0] = torch.from_numpy(np.asarray(Image.open(buf), dtype=np.float32) / 255).to(x.device)
    return out


def degrade(x: torch.Tensor, cfg: DegradeConfig, generator: torch.Generator | None = None) -> torch.Tensor:
    """(N, 1, S, S) in [0, 1] -> same shape, each image degraded with probability cfg.p."""
    if not cfg.enabled:
        return x
    n, dev = x.shape[0], x.device
    on = _chosen(n, cfg.p, generator, dev)

    def pick(prob: float) -> torch.Tensor:
        return on & _chosen(n, prob, generator, dev)

    def where(mask: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.where(mask.view(n, 1, 1, 1), y, x)

    lo, hi = cfg.resample_sizes
    sizes = (torch.rand(n, generator=generator) * (hi - lo + 1) + lo).long().clamp(max=hi).tolist()
    m = pick(cfg.resample)
    if m.any():
        x = where(m, resample(x, [s if k else x.shape[-1] for s, k in zip(sizes, m.tolist())]))
    sigma = 0.3 + _rand(n, generator, dev) * max(cfg.blur_sigma - 0.3, 0)
    m = pick(cfg.blur)
    if m.any():
        x = where(m, gaussian_blur(x, torch.where(m, sigma, torch.full_like(sigma, 0.3))))
    amount = 0.3 + _rand(n, generator, dev) * max(cfg.sharpen_amount - 0.3, 0)
    m = pick(cfg.sharpen)
    if m.any():
        soft = gaussian_blur(x, torch.full((n,), 1.0, device=dev))
        x = where(m, (x + amount.view(n, 1, 1, 1) * (x - soft)).clamp(0, 1))
    m = pick(cfg.gamma)
    gamma = torch.exp((_rand(n, generator, dev) * 2 - 1) * cfg.gamma_log).view(n, 1, 1, 1)
    x = where(m, x.clamp(min=1e-6) ** gamma)
    m = pick(cfg.light)
    if m.any():
        s = x.shape[-1]
        angle = _rand(n, generator, dev) * 2 * math.pi
        amp = _rand(n, generator, dev) * cfg.light_amount
        coords = (torch.arange(s, device=dev, dtype=x.dtype) + 0.5) / s - 0.5  # (S,) in [-0.5, 0.5]
        ramp = (torch.cos(angle).view(n, 1, 1) * coords.view(1, 1, s)
                + torch.sin(angle).view(n, 1, 1) * coords.view(1, s, 1))  # (N, S, S)
        x = where(m, (x + amp.view(n, 1, 1, 1) * ramp.unsqueeze(1)).clamp(0, 1))
    m = pick(cfg.noise)
    noise = torch.randn(x.shape, generator=generator).to(dev) * (_rand(n, generator, dev) * cfg.noise_sigma).view(n, 1, 1, 1)
    x = where(m, (x + noise).clamp(0, 1))
    m = pick(cfg.jpeg)
    if m.any():
        qlo, qhi = cfg.jpeg_quality
        idx = m.nonzero().flatten()
        quality = (torch.rand(len(idx), generator=generator) * (qhi - qlo) + qlo).round().long().tolist()
        y = x.clone()
        y[idx] = jpeg_round_trip(x[idx], quality)
        x = y
    return x
