"""Decision rules: the bias per class a model's logits get before the argmax (and the temperature
its bars are shown at). The argmax of softmax((z + c) / T) is the argmax of z + c, so a rule is a
vector c; T only calibrates the bars and is refitted by likelihood for whatever c a rule gives.

Four rules, each fitted on one set of faces (the pooled val set):
- natural: c by likelihood, then moved until each class is answered as often as it occurs in
  these faces (calibrate.fit_prior). Suits a feed of faces in their natural mix, which is mostly
  neutral and happy: it answers "neutral" for a face whose emotion it is unsure of.
- balanced: c by likelihood with every class weighing the same (each face weighted by the inverse
  of its class's count): the posterior under a uniform class prior.
- adjusted: logit adjustment at inference (Menon et al., 2021): c = c_natural - tau * log(prior),
  the prior being the class shares of these faces, tau the one number chosen on a grid.
- recall: c moved class by class (coordinate ascent from the balanced fit or, where that misses
  the floor, the natural one) to the largest mean class recall whose accuracy stays at or above a
  floor (`min_accuracy`).

`fit_rule` returns c and T; `rule_scores` gives what a rule does to a set of faces.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from metrics import confusion_matrix, summarize

RULES = ("natural", "balanced", "adjusted", "recall")
TAUS = tuple(round(0.05 * i, 2) for i in range(41))  # 0 .. 2


def class_shares(labels: torch.Tensor, k: int) -> torch.Tensor:
    return torch.bincount(labels, minlength=k).double() / len(labels)


def fit_weighted_bias(z: torch.Tensor, labels: torch.Tensor, steps: int = 200) -> torch.Tensor:
    """c (centred) maximising the class-balanced likelihood of softmax(a z + d): every class's faces
    weigh the same in total, whatever their count. Classes absent from `labels` get no push."""
    z = z.double()
    k = z.shape[1]
    count = torch.bincount(labels, minlength=k).double()
    weight = torch.where(count > 0, 1.0 / count.clamp(min=1), torch.zeros_like(count))
    a = torch.ones((), dtype=torch.float64, requires_grad=True)
    d = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([a, d], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(a * z + d, labels, weight=weight)
        loss.backward()
        return loss

    opt.step(closure)
    c = d.detach() / a.detach().clamp(min=1e-6)
    return c - c.mean()


def scores(z: torch.Tensor, labels: torch.Tensor, c: torch.Tensor) -> dict:
    return summarize(confusion_matrix(labels, (z.double() + c.double()).argmax(1), z.shape[1]))


def adjusted_bias(z: torch.Tensor, labels: torch.Tensor, c_natural: torch.Tensor, min_accuracy: float) -> tuple[torch.Tensor, float]:
    """c_natural - tau log(prior), tau on TAUS: the largest mean recall with accuracy >= the floor
    (tau 0, the natural rule itself, when no tau keeps the floor)."""
    log_prior = class_shares(labels, z.shape[1]).clamp(min=1e-6).log()
    best_tau, best = 0.0, -1.0
    for tau in TAUS:
        s = scores(z, labels, c_natural - tau * log_prior)
        if s["accuracy"] >= min_accuracy and s["mean_recall"] > best + 1e-12:
            best_tau, best = tau, s["mean_recall"]
    return c_natural - best_tau * log_prior, best_tau


def coordinate_ascent(start: torch.Tensor, score, movable: list[int], span: float, step: float, sweeps: int,
                      tol: float = 1e-12) -> torch.Tensor:
    """Raise `score(bias)` one class's bias at a time: each class in `movable` tries c_k + d for d in
    [-span, span] by `step`, keeping any value that scores more than `tol` higher; stops after
    `sweeps` passes or a pass that changes nothing. Never scores lower than `start`."""
    c = start.clone()
    best = score(c)
    deltas = torch.arange(-span, span + step / 2, step, dtype=torch.float64).tolist()
    for _ in range(sweeps):
        improved = False
        for j in movable:
            base = c[j].item()
            for d in deltas:
                trial = c.clone()
                trial[j] = base + d
                f = score(trial)
                if f > best + tol:
                    best, c, improved = f, trial, True
        if not improved:
            break
    return c


def recall_bias(z: torch.Tensor, labels: torch.Tensor, start: torch.Tensor, min_accuracy: float,
                span: float = 2.0, step: float = 0.05, sweeps: int = 8) -> torch.Tensor:
    """Coordinate ascent on mean class recall, one class's bias at a time over c_k + [-span, span],
    keeping only values whose accuracy stays >= the floor. `start` must keep the floor itself; the
    result then keeps it and never scores lower than `start`."""
    c = start.clone().double()

    def objective(bias: torch.Tensor) -> float:
        s = scores(z, labels, bias)
        return s["mean_recall"] if s["accuracy"] >= min_accuracy else -1.0

    if objective(c) < 0:
        raise ValueError(f"the starting bias gives accuracy below the floor {min_accuracy:.4f}")
    present = torch.bincount(labels, minlength=z.shape[1]) > 0
    c = coordinate_ascent(c, objective, [j for j in range(z.shape[1]) if present[j]], span, step, sweeps)
    return c - c.mean()


def fit_rule(rule: str, z: torch.Tensor, labels: torch.Tensor, min_accuracy: float = 0.0) -> dict:
    """{'bias': c, 'temperature': T, ...} for one rule, fitted on these logits and labels."""
    from calibrate import fit_prior, fit_temperature
    if rule not in RULES:
        raise ValueError(f"unknown decision rule {rule!r}; choose one of {', '.join(RULES)}")
    z = z.double()
    _, natural = fit_prior(z, labels)
    natural = natural.double()
    out: dict = {"rule": rule}
    if rule == "natural":
        c = natural
    elif rule == "balanced":
        c = fit_weighted_bias(z, labels)
    elif rule == "adjusted":
        c, out["tau"] = adjusted_bias(z, labels, natural, min_accuracy)
    else:
        balanced = fit_weighted_bias(z, labels)
        start = balanced if scores(z, labels, balanced)["accuracy"] >= min_accuracy else natural
        if scores(z, labels, start)["accuracy"] < min_accuracy:
            raise ValueError(f"no starting bias keeps accuracy >= {min_accuracy:.4f} on these faces")
        c = recall_bias(z, labels, start, min_accuracy)
    c = (c - c.mean()).float()
    out["bias"] = c
    out["temperature"] = fit_temperature(z + c.double(), labels)
    return out


def rule_scores(z: torch.Tensor, labels: torch.Tensor, c: torch.Tensor) -> dict:
    """Accuracy, macro-F1, mean class recall, the lowest recall of a class present, and how often
    each class is answered, for logits z read with bias c."""
    s = scores(z, labels, c)
    present = [cls for cls, row in zip(s["recall"], s["confusion"]) if sum(row) > 0]
    return {"n": s["n"], "accuracy": s["accuracy"], "macro_f1": s["macro_f1"], "mean_recall": s["mean_recall"],
            "min_recall": min(s["recall"][cls] for cls in present), "recall": s["recall"], "predicted": s["predicted"]}
