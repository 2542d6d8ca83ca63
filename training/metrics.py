"""Classification metrics shared by evaluate.py and mirrored by scripts/lib/metrics.ts (same
definitions, same printout), so that PyTorch and the shipped tfjs model are compared like for like."""
from __future__ import annotations

from pathlib import Path

import torch

from contract import CLASSES


def confusion_matrix(labels: torch.Tensor, preds: torch.Tensor, k: int = len(CLASSES)) -> torch.Tensor:
    """(k, k) counts: row = true class, column = predicted class."""
    return torch.bincount(labels * k + preds, minlength=k * k).reshape(k, k)


def summarize(conf: torch.Tensor) -> dict:
    conf = conf.double()
    tp = conf.diag()
    support, predicted = conf.sum(1), conf.sum(0)
    recall = torch.where(support > 0, tp / support.clamp(min=1), torch.zeros_like(tp))
    precision = torch.where(predicted > 0, tp / predicted.clamp(min=1), torch.zeros_like(tp))
    f1 = torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall).clamp(min=1e-12),
                     torch.zeros_like(tp))
    present = support > 0
    return {
        "n": int(conf.sum()),
        "accuracy": float(tp.sum() / conf.sum()),
        "macro_f1": float(f1[present].mean()),
        # Mean class recall over the classes present: balanced accuracy, what RAF-DB and AffectNet report.
        "mean_recall": float(recall[present].mean()),
        "recall": {c: round(float(r), 4) for c, r in zip(CLASSES, recall)},
        "precision": {c: round(float(p), 4) for c, p in zip(CLASSES, precision)},
        # How often each class is the answer (columns of the confusion matrix / n).
        "predicted": {c: round(float(v), 4) for c, v in zip(CLASSES, predicted / conf.sum().clamp(min=1))},
        "confusion": conf.long().tolist(),
    }


def mean_recall(preds: torch.Tensor, labels: torch.Tensor, k: int = len(CLASSES)) -> float:
    """Mean class recall of `preds` over the classes present in `labels`: summarize's mean_recall
    without the rest (the experiments' bootstraps call it thousands of times)."""
    return summarize(confusion_matrix(labels, preds, k))["mean_recall"]


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = 15) -> dict:
    """ECE (Guo et al., 2017): equal-width confidence bins over (0, 1]; the mean |accuracy - confidence|
    weighted by the share of samples in each bin. Also the per-bin table for a reliability diagram."""
    conf, pred = probs.max(1)
    correct = (pred == labels).double()
    edges = torch.linspace(0, 1, bins + 1, dtype=torch.float64)
    rows, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf.double() > lo) & (conf.double() <= hi)
        count = int(inside.sum())
        if count:
            acc, mean_conf = float(correct[inside].mean()), float(conf[inside].double().mean())
            ece += count / len(labels) * abs(acc - mean_conf)
        else:
            acc, mean_conf = 0.0, 0.0
        rows.append({"lo": round(float(lo), 4), "hi": round(float(hi), 4), "count": count,
                     "accuracy": round(acc, 4), "confidence": round(mean_conf, 4)})
    return {"ece": ece, "bins": rows}


def plot_reliability(curves: dict[str, dict], title: str, path: str | Path) -> None:
    """Reliability diagram: one line per labelled ECE result (accuracy against confidence per bin)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 5.2), dpi=100)
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="perfect calibration")
    for label, result in curves.items():
        pts = [(b["confidence"], b["accuracy"]) for b in result["bins"] if b["count"] >= 10]
        if pts:
            xs, ys = zip(*pts)
            ax.plot(xs, ys, marker="o", markersize=3, label=f"{label} (ECE {result['ece']:.3f})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def format_report(title: str, s: dict) -> str:
    lines = [f"{title}: n={s['n']} accuracy={s['accuracy'] * 100:.2f}% macro-F1={s['macro_f1']:.4f}"
             + (f" mean-recall={s['mean_recall'] * 100:.2f}%" if "mean_recall" in s else ""),
             "  " + " ".join(f"{c[:8]:>8}" for c in ("class", "recall", "precision")) ]
    for c in CLASSES:
        lines.append(f"  {c:>8} {s['recall'][c] * 100:7.2f}% {s['precision'][c] * 100:8.2f}%")
    if "predicted" in s:
        lines.append("  predicted share: " + " ".join(f"{c[:3]} {s['predicted'][c] * 100:.1f}%" for c in CLASSES))
    lines.append("  confusion (rows true, columns predicted): " + " ".join(c[:3] for c in CLASSES))
    for c, row in zip(CLASSES, s["confusion"]):
        lines.append(f"  {c:>8} " + " ".join(f"{v:5d}" for v in row))
    return "\n".join(lines)


def plot_confusion(s: dict, title: str, path: str | Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conf = torch.tensor(s["confusion"], dtype=torch.float64)
    norm = conf / conf.sum(1, keepdim=True).clamp(min=1)
    fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=100)
    im = ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(CLASSES)), CLASSES, rotation=45, ha="right")
    ax.set_yticks(range(len(CLASSES)), CLASSES)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(len(CLASSES)):
        for j in range(len(CLASSES)):
            ax.text(j, i, f"{norm[i, j] * 100:.0f}%\n{int(conf[i, j])}", ha="center", va="center", fontsize=7,
                    color="white" if norm[i, j] > 0.5 else "black")
    ax.set_title(f"{title}\naccuracy {s['accuracy'] * 100:.2f}%, macro-F1 {s['macro_f1']:.3f}", fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
