"""Does face geometry (a landmark model's mesh) add to the CNN? A measurement,
kept only if the pooled val set says so by more than the seed spread (docs/experiments.md
§5.3).

  P=/usr/bin/python3
  $P training/experiments/landmarks.py dump --out .cache/landmarks       # the faces as the model sees them
  npx tsx scripts/landmarks.ts --dir .cache/landmarks                     # facemesh on each: <set>.mesh.f32
  $P training/experiments/landmarks.py fuse --dir .cache/landmarks --checkpoint runs/s5-flip/best.pt --flip

`dump` writes every set the rule reads (FER2013 Training / PublicTest / PrivateTest and every
prepared source's train / val / test folds) as the 64x64 gray crops the classifier is fed
(`<set>.u8`, N x 64 x 64), with their labels. The mesh is computed on those same crops (upscaled to
192, gray in three channels), so the app could run it on the crop it already makes.

`fuse`: the mesh is made pose- and size-free (centred on the eyes' midpoint, turned so the eyes
are level, scaled by the eye distance; x and y of 468 points), a small MLP learns the 7 classes
from it on the training sets only (each source and class drawn as union7.sh draws them), and its
log-probabilities are added to the CNN's logits with a weight chosen on the pooled val set. Both
the CNN alone and the fusion then get the same prior fit (calibrate.fit_prior) on the pooled val
set; printed: pooled val and test macro-F1 of each, and the landmark head alone.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from calibrate import fit_prior, logits_of  # noqa: E402
from checkpoint import load_checkpoint  # noqa: E402
from contract import CLASSES, to_model_input  # noqa: E402
from data import concat_sets, load_data  # noqa: E402
from metrics import confusion_matrix, summarize  # noqa: E402
from sources import split_sets  # noqa: E402

# The facemesh points of the eyes' outer and inner corners (MediaPipe's canonical mesh).
RIGHT_EYE, LEFT_EYE = (33, 133), (263, 362)


def all_sets(data: str, faces: str, cross: str = "") -> dict:
    sets = {u: s for u, s in load_data(data).items() if u in ("Training", "PublicTest", "PrivateTest")}
    extra = split_sets(faces)
    sets["extra:Training"] = extra.pop("Training")
    sets.update(extra)
    if cross:  # CK+48: reported, never fitted on
        sets["CK+48"] = concat_sets(list(load_data(cross).values()))
    return sets


def dump(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, s in all_sets(args.data, args.faces, args.cross).items():
        crops = (to_model_input(s.images)[:, 0] * 255).round().clamp(0, 255).to(torch.uint8).numpy()
        file = name.replace(":", "__")
        crops.tofile(out / f"{file}.u8")
        np.save(out / f"{file}.labels.npy", s.labels.numpy())
        manifest[name] = {"file": file, "n": len(s)}
        print(f"{name}: {len(s)} faces")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))


def normalise(mesh: np.ndarray) -> np.ndarray:
    """(N, 468, 2) points -> (N, 936): eyes' midpoint at 0, eyes level, eye distance 1."""
    right = mesh[:, list(RIGHT_EYE)].mean(1)
    left = mesh[:, list(LEFT_EYE)].mean(1)
    centre = (right + left) / 2
    d = left - right
    dist = np.linalg.norm(d, axis=1, keepdims=True).clip(1e-6)
    cos, sin = (d / dist).T
    p = mesh - centre[:, None]
    rotated = np.stack([p[..., 0] * cos[:, None] + p[..., 1] * sin[:, None], -p[..., 0] * sin[:, None] + p[..., 1] * cos[:, None]], -1)
    return (rotated / dist[:, None]).reshape(len(mesh), -1).astype(np.float32)


def load_mesh(dir: Path, file: str, n: int) -> np.ndarray:
    raw = np.fromfile(dir / f"{file}.mesh.f32", dtype=np.float32).reshape(n, 468, 3)
    return normalise(raw[..., :2])


def macro_f1(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return summarize(confusion_matrix(labels, logits.argmax(1)))["macro_f1"]


def fuse(args) -> None:
    d = Path(args.dir)
    manifest = json.loads((d / "manifest.json").read_text())
    feats, labels = {}, {}
    for name, m in manifest.items():
        feats[name] = torch.from_numpy(load_mesh(d, m["file"], m["n"]))
        labels[name] = torch.from_numpy(np.load(d / f"{m['file']}.labels.npy"))
    train = [n for n in manifest if n in ("Training", "extra:Training")]
    val = ["PublicTest"] + [n for n in manifest if n.endswith(":val")]
    test = ["PrivateTest"] + [n for n in manifest if n.endswith(":test")]
    mean = torch.cat([feats[n] for n in train]).mean(0)
    std = torch.cat([feats[n] for n in train]).std(0).clamp(min=1e-4)
    x = {n: (f - mean) / std for n, f in feats.items()}

    # The landmark head: an MLP on the training sets, class-balanced draws, a fixed budget.
    torch.manual_seed(args.seed)
    xt, yt = torch.cat([x[n] for n in train]), torch.cat([labels[n] for n in train])
    counts = torch.bincount(yt, minlength=len(CLASSES)).double()
    weights = (1 / counts[yt]).double()
    head = torch.nn.Sequential(torch.nn.Linear(xt.shape[1], 256), torch.nn.ReLU(), torch.nn.Dropout(0.3),
                               torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(128, len(CLASSES)))
    opt = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-3)
    steps = args.steps
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    head.train()
    for step in range(steps):
        idx = torch.multinomial(weights, 256, replacement=True)
        xb = xt[idx] + 0.05 * torch.randn(256, xt.shape[1])
        loss = F.cross_entropy(head(xb), yt[idx], label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 1000 == 0:
            print(f"head step {step}: loss {loss.item():.3f}", flush=True)
    head.eval()
    with torch.no_grad():
        head_logp = {n: F.log_softmax(head(x[n]), 1) for n in manifest}

    # The CNN's logits on the same crops (its mirror too, as the shipped card reads them).
    model, _ = load_checkpoint(args.checkpoint)
    cnn = {}
    reported = val + test + [n for n in manifest if n == "CK+48"]
    with torch.no_grad():
        for n in reported:
            g = torch.from_numpy(np.fromfile(d / f"{manifest[n]['file']}.u8", dtype=np.uint8).reshape(-1, 64, 64))  # (N, H, W) uint8
            z = logits_of(model, g)
            cnn[n] = 0.5 * (z + logits_of(model, g.flip(-1))) if args.flip else z
    pool = lambda src, names: torch.cat([src[n] for n in names])  # noqa: E731
    yv, ys = pool(labels, val), pool(labels, test)
    result = {"head_alone": {"val": macro_f1(pool(head_logp, val), yv), "test": macro_f1(pool(head_logp, test), ys)}}
    rows = []
    for w in args.weights:
        zv, zs = pool(cnn, val) + w * pool(head_logp, val), pool(cnn, test) + w * pool(head_logp, test)
        t, c = fit_prior(zv, yv)
        rows.append({"weight": w, "val_f1": macro_f1((zv + c) / t, yv), "test_f1": macro_f1((zs + c) / t, ys)})
        print(f"weight {w}: pooled val F1 {rows[-1]['val_f1']:.4f}, pooled test F1 {rows[-1]['test_f1']:.4f}", flush=True)
    best = max(rows[1:], key=lambda r: r["val_f1"])
    # Each fold (and CK+48) with the CNN alone and with the chosen weight, each with its own prior fit.
    per_fold = {}
    for w in (0.0, best["weight"]):
        t, c = fit_prior(pool(cnn, val) + w * pool(head_logp, val), yv)
        for n in reported:
            z = (cnn[n] + w * head_logp[n] + c) / t
            m = summarize(confusion_matrix(labels[n], z.argmax(1)))
            per_fold.setdefault(n, {})["cnn" if w == 0 else "fused"] = {"acc": round(m["accuracy"], 4), "f1": round(m["macro_f1"], 4)}
    for n, r in per_fold.items():
        print(f"{n:>16}  CNN {r['cnn']['acc']:.3f} / {r['cnn']['f1']:.3f}   fused {r['fused']['acc']:.3f} / {r['fused']['f1']:.3f}")
    result["per_fold"] = per_fold
    result.update(cnn_alone=rows[0], fusion_rows=rows, chosen=best, gain_val=best["val_f1"] - rows[0]["val_f1"],
                  gain_test=best["test_f1"] - rows[0]["test_f1"])
    print(json.dumps({k: v for k, v in result.items() if k != "fusion_rows"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("dump")
    a.add_argument("--data", default="../shared/data/fer2013")
    a.add_argument("--faces", default=".cache/faces")
    a.add_argument("--out", default=".cache/landmarks")
    a.add_argument("--cross", default="../shared/data/ck48", help="a cross-domain set to report (CK+48); '' for none")
    b = sub.add_parser("fuse")
    b.add_argument("--dir", default=".cache/landmarks")
    b.add_argument("--checkpoint", required=True)
    b.add_argument("--flip", action="store_true")
    b.add_argument("--steps", type=int, default=6000)
    b.add_argument("--seed", type=int, default=0, help="the head's initialisation and draws (its own spread)")
    b.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0])
    b.add_argument("--json", default="")
    args = p.parse_args()
    dump(args) if args.cmd == "dump" else fuse(args)


if __name__ == "__main__":
    main()
