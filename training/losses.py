"""Training objectives, as pure functions on tensors (train.py wires them to flags).

- soft_cross_entropy: cross-entropy against a target distribution (one-hot, smoothed, FER+ votes
  or a mix of two images' targets), with an optional per-sample weight.
- logit adjustment (Menon et al., 2021, "Long-tail learning via logit adjustment"; the same loss is
  "balanced softmax", Ren et al., 2020): train on logits + tau * log(prior). The network then
  learns class scores *without* the training prior, so at inference (plain logits, nothing added)
  it no longer answers the majority classes (happy, neutral) whenever it is unsure.
- mix_batch: mixup (Zhang et al., 2018) or cutmix (Yun et al., 2019) of a batch with a shuffled copy
  of itself; targets are mixed in the same proportion.
- distillation: KL divergence to a teacher's tempered distribution (Hinton et al., 2015).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def log_prior(targets: torch.Tensor) -> torch.Tensor:
    """(N, K) target distributions (one-hot or soft) -> (K,) log of the class prior."""
    prior = targets.float().mean(0).clamp(min=1e-6)
    return (prior / prior.sum()).log()


def soft_cross_entropy(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None = None,
                       adjust: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over the batch of -sum(target * log_softmax(logits + adjust)) * weight."""
    z = logits.float() if adjust is None else logits.float() + adjust
    per_sample = -(target * F.log_softmax(z, dim=1)).sum(1)
    if weight is not None:
        per_sample = per_sample * weight
    return per_sample.mean()


def distillation_loss(student_logits: torch.Tensor, teacher_probs_t: torch.Tensor, temperature: float,
                      weight: torch.Tensor | None = None) -> torch.Tensor:
    """T^2 * KL(teacher_T || student_T), batch mean (each row times `weight` when given, e.g. 0
    for rows no teacher covers); teacher_probs_t already softened at T."""
    log_s = F.log_softmax(student_logits.float() / temperature, dim=1)
    kl = (teacher_probs_t * (teacher_probs_t.clamp(min=1e-8).log() - log_s)).sum(1)
    if weight is not None:
        kl = kl * weight
    return kl.mean() * temperature ** 2


def mix_batch(x: torch.Tensor, target: torch.Tensor, mode: str, alpha: float,
              generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Mix a batch with a permutation of itself. Returns (x, target, permutation, lam), where
    lam is the share of the original image (cutmix: the exact share of pixels kept)."""
    n = x.shape[0]
    perm = torch.randperm(n, generator=generator).to(x.device)
    lam = float(torch.distributions.Beta(alpha, alpha).sample()) if alpha > 0 else 1.0
    if mode == "mixup":
        mixed = lam * x + (1 - lam) * x[perm]
    elif mode == "cutmix":
        h, w = x.shape[-2:]
        cut = math.sqrt(1 - lam)
        ch, cw = int(round(h * cut)), int(round(w * cut))
        cy = int(torch.randint(h, (1,), generator=generator))
        cx = int(torch.randint(w, (1,), generator=generator))
        y0, y1 = max(cy - ch // 2, 0), min(cy + (ch + 1) // 2, h)
        x0, x1 = max(cx - cw // 2, 0), min(cx + (cw + 1) // 2, w)
        mixed = x.clone()
        mixed[..., y0:y1, x0:x1] = x[perm][..., y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    else:
        raise ValueError(f"unknown mix mode {mode!r}")
    return mixed, lam * target + (1 - lam) * target[perm], perm, lam
