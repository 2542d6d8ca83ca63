"""The extra face sources, as prepared by `npm run prepare-data` (the app's detector and crop),
split person- or film-wise into folds, with duplicates dropped across sets.

  /usr/bin/python3 training/sources.py --faces .cache/faces --summary

Layout of a prepared source (scripts/prepare-data.ts): <faces>/<source>/gray64.u8 (N x 64 x 64
uint8), rgb112.u8, index.csv (i, path, label, status, ...), teacher-<name>.f32 (N x 7 log-probs).

Folds: every image belongs to the group of its person or film (GROUP_RULES; the names carry it),
and a group's fold is a hash of its name, so a person never spans two folds and the folds do not
move when files are added. Fold 0 is `val` (selects checkpoints, fits teacher temperatures and
ensemble weights), fold 1 is `test` (reported only), folds 2-4 train.
Duplicates: two images whose 64-px crops agree on a coarse 16 x 16 grid (near-identical pixels)
are one image; the copy in a held-out fold is kept, the training copy dropped, and within one role
the first in order is kept.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from contract import CLASSES
from data import DataError, FaceSet

SOURCES = ("muxspace", "sfew2", "posed-mix", "yale", "expw", "posed-more")
N_FOLDS = 5
ROLE_OF_FOLD = {0: "val", 1: "test"}  # the rest train
SIZE = 64


def group_of(source: str, path: str) -> str:
    """The person or film an image belongs to, from its file name (see each SOURCE.md)."""
    name = Path(path).name
    if source == "muxspace":  # Aaron_Peirsol_0002.jpg -> Aaron_Peirsol
        return re.sub(r"_\d+$", "", Path(name).stem)
    if source == "sfew2":  # YouveGotAMail_004825734_00000001.png -> YouveGotAMail (the film)
        return name.split("_")[0]
    if source == "posed-mix":  # bu3dfe__F0016_SU04..., bosphorus__bs023_E_...; web photos each alone
        kind, _, rest = name.partition("__")
        if kind in ("bu3dfe", "bosphorus"):
            return f"{kind}__{rest.split('_')[0]}"
        return f"{kind}__{Path(rest).stem.split('.rf.')[0]}"
    if source == "yale":  # 01_happy.png -> person 01
        return name.split("_")[0]
    if source == "expw":  # angry_actor_120_f1.jpg -> the photo angry_actor_120 (its faces stay together)
        return re.sub(r"_f\d+$", "", Path(name).stem)
    if source == "posed-more":  # kdefdyn__F01__F01-NE-HA_last.jpg -> kdef:F01 (KDEF-dyn is made of KDEF's people)
        kind, person = name.split("__")[:2]
        return f"{'kdef' if kind in ('kdef', 'kdefdyn') else kind}:{person}"
    raise DataError(f"unknown source {source!r}; known: {SOURCES}")


def fold_of(source: str, group: str) -> int:
    digest = hashlib.blake2b(f"{source}/{group}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") % N_FOLDS


def role_of(fold: int) -> str:
    return ROLE_OF_FOLD.get(fold, "train")


def near_duplicate_key(crop: np.ndarray) -> bytes:
    """(64, 64) uint8 -> a key equal for near-identical crops: 4x4 means, 32 gray levels."""
    coarse = crop.reshape(16, 4, 16, 4).mean(axis=(1, 3))
    return (coarse // 8).astype(np.uint8).tobytes()


@dataclass
class Prepared:
    source: str
    images: np.ndarray  # (N, 64, 64) uint8
    labels: np.ndarray  # (N,) int64
    paths: list[str]
    groups: list[str]
    folds: np.ndarray  # (N,) int
    status: list[str]  # found | padded | missed
    teachers: dict[str, np.ndarray]  # name -> (N, 7) log-probs (NaN rows where missed)

    @property
    def keep(self) -> np.ndarray:
        return np.array([s != "missed" for s in self.status])


def read_prepared(faces: str | Path, source: str) -> Prepared:
    folder = Path(faces) / source
    index = folder / "index.csv"
    if not index.is_file():
        raise DataError(f"{index} does not exist: run `npm run prepare-data` first")
    with index.open(newline="") as f:
        rows = list(csv.DictReader(f))
    n = len(rows)
    images = np.fromfile(folder / "gray64.u8", dtype=np.uint8)
    if images.size != n * SIZE * SIZE:
        raise DataError(f"{folder / 'gray64.u8'} holds {images.size} bytes, not {n} crops of {SIZE}x{SIZE}")
    labels = np.array([CLASSES.index(r["label"]) for r in rows], dtype=np.int64)
    paths = [f"{source}/{r['path']}" for r in rows]
    groups = [group_of(source, r["path"]) for r in rows]
    teachers = {}
    for file in sorted(folder.glob("teacher-*.f32")):
        values = np.fromfile(file, dtype=np.float32)
        if values.size == n * len(CLASSES):
            teachers[file.stem.removeprefix("teacher-")] = values.reshape(n, len(CLASSES))
    return Prepared(source, images.reshape(n, SIZE, SIZE), labels, paths, groups,
                    np.array([fold_of(source, g) for g in groups]), [r["status"] for r in rows], teachers)


def duplicate_mask(sets: list[Prepared]) -> list[np.ndarray]:
    """True where an image is a duplicate to drop. Held-out copies win over training copies."""
    order = []  # (priority, set index, row)
    for k, s in enumerate(sets):
        for i in np.flatnonzero(s.keep):
            order.append((0 if role_of(int(s.folds[i])) != "train" else 1, k, int(i)))
    order.sort()
    seen: set[bytes] = set()
    masks = [np.zeros(len(s.labels), dtype=bool) for s in sets]
    for _, k, i in order:
        key = near_duplicate_key(sets[k].images[i])
        if key in seen:
            masks[k][i] = True
        seen.add(key)
    return masks


def present(faces: str | Path) -> list[str]:
    """The known sources prepared in `faces`."""
    found = [s for s in SOURCES if (Path(faces) / s / "index.csv").is_file()]
    if not found:
        raise DataError(f"no prepared source in {faces}: run `npm run prepare-data` first")
    return found


def preparation(faces: str | Path) -> dict:
    """How `npm run prepare-data` cut these faces (<faces>/preparation.json; a folder prepared
    before that file existed was cut straight): {'align': bool}. A model trained on aligned faces
    must say so in its card, so that the app turns its crops the same way."""
    path = Path(faces) / "preparation.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    return {"align": bool(stored.get("align", False))}


def load_sources(faces: str | Path, sources=None) -> tuple[list[Prepared], list[np.ndarray]]:
    sets = [read_prepared(faces, s) for s in (sources or present(faces))]
    return sets, duplicate_mask(sets)


def split_sets(faces: str | Path, sources=None) -> dict[str, FaceSet]:
    """{'Training': every source's training folds, '<source>:val': ..., '<source>:test': ...}.
    Each FaceSet's `meta['teachers']` holds the teachers' log-probs of its rows, and
    `meta['sources']` the source of each row."""
    sets, dups = load_sources(faces, sources)
    out: dict[str, FaceSet] = {}
    parts: dict[str, list] = {}
    for s, dup in zip(sets, dups):
        usable = s.keep & ~dup
        for role in ("train", "val", "test"):
            rows = np.flatnonzero(usable & np.array([role_of(int(f)) == role for f in s.folds]))
            if not len(rows):
                continue
            key = "Training" if role == "train" else f"{s.source}:{role}"
            parts.setdefault(key, []).append((s, rows))
    names = sorted({t for s in sets for t in s.teachers})
    for key, chunks in parts.items():
        images = torch.from_numpy(np.concatenate([s.images[r] for s, r in chunks]))
        labels = torch.from_numpy(np.concatenate([s.labels[r] for s, r in chunks]))
        paths = [s.paths[i] for s, r in chunks for i in r]
        teachers = {t: torch.from_numpy(np.concatenate([
            s.teachers[t][r] if t in s.teachers else np.full((len(r), len(CLASSES)), np.nan, np.float32)
            for s, r in chunks])) for t in names}
        out[key] = FaceSet(images, labels, paths, meta={
            "source": ",".join(sorted({s.source for s, _ in chunks})), "usage": key,
            "sources": [s.source for s, r in chunks for _ in r], "teachers": teachers})
    return out


def summary(faces: str | Path, sources=None) -> dict:
    sets, dups = load_sources(faces, sources)
    report = {}
    for s, dup in zip(sets, dups):
        roles = {}
        for role in ("train", "val", "test"):
            rows = s.keep & ~dup & np.array([role_of(int(f)) == role for f in s.folds])
            roles[role] = {"faces": int(rows.sum()), "groups": len({g for g, r in zip(s.groups, rows) if r}),
                           "per_class": {c: int(((s.labels == k) & rows).sum()) for k, c in enumerate(CLASSES)}}
        report[s.source] = {
            "images": len(s.labels),
            "found": s.status.count("found"), "found_padded": s.status.count("padded"), "missed": s.status.count("missed"),
            "duplicates_dropped": int(dup.sum()), "groups": len(set(s.groups)), "teachers": sorted(s.teachers), **roles,
        }
    return report


def write_folds(faces: str | Path, sources=None) -> Path:
    """<faces>/folds.csv: source, row, role (train, val, test, missed or duplicate), for readers
    outside Python (npm run eval) that must use the same folds without computing them again."""
    sets, dups = load_sources(faces, sources)
    path = Path(faces) / "folds.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["source", "i", "role"])
        for s, dup in zip(sets, dups):
            for i in range(len(s.labels)):
                role = "missed" if not s.keep[i] else "duplicate" if dup[i] else role_of(int(s.folds[i]))
                writer.writerow([s.source, i, role])
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=".cache/faces", help="the folder npm run prepare-data wrote")
    parser.add_argument("--sources", default="", help="comma-separated (default: every source prepared there)")
    parser.add_argument("--summary", action="store_true", help="print and write <faces>/manifest.json")
    args = parser.parse_args(argv)
    report = summary(args.faces, [s for s in args.sources.split(",") if s] or None)
    if args.summary:
        (Path(args.faces) / "manifest.json").write_text(json.dumps(report, indent=1) + "\n")
        write_folds(args.faces, [s for s in args.sources.split(",") if s] or None)
    for source, r in report.items():
        print(f"{source:10s} {r['images']:6d} images: found {r['found']}, on the padded retry {r['found_padded']}, "
              f"missed {r['missed']}; {r['duplicates_dropped']} duplicates dropped; {r['groups']} people/films; "
              f"train {r['train']['faces']} / val {r['val']['faces']} / test {r['test']['faces']} faces")


if __name__ == "__main__":
    from cli import run_cli
    run_cli(main)
