"""Datasets: FER2013 and any folder dataset, read into memory as uint8 gray.

Readers (all return {usage: FaceSet}, usage in Training / PublicTest / PrivateTest):
  read_folder   <root>/<split>/<class>/*   (the common FER2013 layout; any folder dataset)
  read_csv      the original fer2013.csv   (emotion,pixels,Usage)
  read_packed   ../shared/data/fer2013-packed (mosaic of 48x48 tiles + index CSV)
  load_data     picks one of those from what the path is
Labels can be replaced by FER+ crowd votes (attach_ferplus): majority or soft.

Protocol: Training to train, PublicTest to select, PrivateTest to report.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from contract import CLASSES, INPUT_SIZE, to_gray_uint8, to_model_input

USAGES = ("Training", "PublicTest", "PrivateTest")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
# Folder split names -> protocol usage. FER2013's test folder holds both test usages, told apart
# by the file-name prefix; other datasets' val/test map to select/report.
SPLIT_USAGE = {"train": "Training", "training": "Training", "val": "PublicTest",
               "valid": "PublicTest", "validation": "PublicTest", "test": "PrivateTest"}
# FER+ vote columns -> our class names (contempt, unknown and NF have no class here).
FERPLUS_TO_CLASS = {"anger": "angry", "disgust": "disgust", "fear": "fear", "happiness": "happy",
                    "sadness": "sad", "surprise": "surprise", "neutral": "neutral"}


class DataError(ValueError):
    """Bad or missing data, with a message that says which file and what to do."""


@dataclass
class FaceSet:
    images: torch.Tensor  # (N, H, W) uint8 gray
    labels: torch.Tensor  # (N,) int64, index into CLASSES
    paths: list[str]  # relative path (or csv row) per image, for reports and leak checks
    soft: torch.Tensor | None = None  # (N, 7) float target distribution (FER+ soft labels)
    meta: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index) -> "FaceSet":
        index = torch.as_tensor(index, dtype=torch.long)
        return FaceSet(self.images[index], self.labels[index], [self.paths[i] for i in index.tolist()],
                       None if self.soft is None else self.soft[index], dict(self.meta))

    def class_counts(self) -> list[int]:
        return torch.bincount(self.labels, minlength=len(CLASSES)).tolist()

    def model_input(self, index=None) -> torch.Tensor:
        images = self.images if index is None else self.images[index]
        return to_model_input(images)


def _stack(images: list[torch.Tensor]) -> torch.Tensor:
    """Keep native size when all agree (FER2013: 48x48); otherwise bring each to the model size."""
    if len({tuple(i.shape) for i in images}) == 1:
        return torch.stack(images)
    resized = [to_model_input(i[None])[0, 0].mul(255).round().to(torch.uint8) for i in images]
    return torch.stack(resized)


def decode_image(path: Path) -> torch.Tensor:
    """Any image file -> (H, W) uint8 luma. Raises DataError naming the file when it cannot."""
    try:
        with Image.open(path) as im:
            im = im.convert("RGB") if im.mode not in ("L", "RGB") else im
            array = np.asarray(im)
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise DataError(f"cannot decode image {path}: {err}. Remove or replace the file.") from err
    return to_gray_uint8(torch.from_numpy(array.copy()))


def _usage_for(split: str, name: str) -> str:
    for usage in ("PublicTest", "PrivateTest", "Training"):
        if name.startswith(usage + "_"):
            return usage
    usage = SPLIT_USAGE.get(split.lower())
    if usage is None:
        raise DataError(f"unknown split folder {split!r}; expected one of {sorted(SPLIT_USAGE)}")
    return usage


def read_folder(root: str | Path) -> dict[str, FaceSet]:
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"data folder {root} does not exist (expected <root>/<split>/<class>/*)")
    splits = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not splits:
        raise DataError(f"{root} has no split folders (expected <root>/train/<class>/*, ...)")
    parts: dict[str, tuple[list, list, list]] = {u: ([], [], []) for u in USAGES}
    for split in splits:
        for class_dir in sorted(p for p in split.iterdir() if p.is_dir()):
            if class_dir.name not in CLASSES:
                raise DataError(f"unknown class folder {class_dir}: expected one of {list(CLASSES)}")
            label = CLASSES.index(class_dir.name)
            for file in sorted(class_dir.iterdir()):
                if file.suffix.lower() not in IMAGE_SUFFIXES:
                    continue
                images, labels, paths = parts[_usage_for(split.name, file.name)]
                images.append(decode_image(file))
                labels.append(label)
                paths.append(file.relative_to(root).as_posix())
    return _assemble(parts, source=str(root))


def _assemble(parts, source: str) -> dict[str, FaceSet]:
    out = {}
    for usage, (images, labels, paths) in parts.items():
        if images:
            out[usage] = FaceSet(_stack(images), torch.tensor(labels, dtype=torch.long), paths,
                                 meta={"source": source, "usage": usage})
    if not out:
        raise DataError(f"no images found in {source}")
    return out


def read_csv(path: str | Path) -> dict[str, FaceSet]:
    """The original fer2013.csv: emotion (0-6, FER2013 ids = CLASSES order), pixels, Usage."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"CSV file {path} does not exist")
    parts: dict[str, tuple[list, list, list]] = {u: ([], [], []) for u in USAGES}
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        missing = {"emotion", "pixels", "Usage"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path} lacks columns {sorted(missing)}; fer2013.csv has "
                            f"emotion,pixels,Usage (found {reader.fieldnames})")
        for row_number, row in enumerate(reader):
            try:
                pixels = np.array(row["pixels"].split(), dtype=np.uint8)
                side = int(round(len(pixels) ** 0.5))
                label = int(row["emotion"])
                if side * side != len(pixels) or not 0 <= label < len(CLASSES):
                    raise ValueError("pixels are not a square image or emotion is not 0-6")
            except ValueError as err:
                raise DataError(f"{path} row {row_number + 2}: {err}") from err
            if row["Usage"] not in parts:
                raise DataError(f"{path} row {row_number + 2}: Usage {row['Usage']!r} is not one of {USAGES}")
            images, labels, paths = parts[row["Usage"]]
            images.append(torch.from_numpy(pixels.reshape(side, side)))
            labels.append(label)
            paths.append(f"row{row_number}")
    return _assemble(parts, source=str(path))


def read_packed(folder: str | Path, tile: int = 48, per_row: int = 128) -> dict[str, FaceSet]:
    """The packed mosaic: <folder>/{train,test}.jpg hold 48x48 tiles, tile i at row i // 128,
    column i % 128; <folder>/{train,test}.csv give index,path,label,usage."""
    folder = Path(folder)
    parts: dict[str, tuple[list, list, list]] = {u: ([], [], []) for u in USAGES}
    for name in ("train", "test"):
        mosaic_path, index_path = folder / f"{name}.jpg", folder / f"{name}.csv"
        if not mosaic_path.is_file() or not index_path.is_file():
            raise DataError(f"packed data needs {mosaic_path} and {index_path}")
        mosaic = decode_image(mosaic_path)
        with index_path.open(newline="") as f:
            for row in csv.DictReader(f):
                i = int(row["index"])
                r, c = divmod(i, per_row)
                if row["label"] not in CLASSES:
                    raise DataError(f"{index_path}: unknown label {row['label']!r}")
                if row["usage"] not in parts:
                    raise DataError(f"{index_path}: usage {row['usage']!r} of tile {i} is not one of {USAGES}")
                images, labels, paths = parts[row["usage"]]
                images.append(mosaic[r * tile:(r + 1) * tile, c * tile:(c + 1) * tile].clone())
                labels.append(CLASSES.index(row["label"]))
                paths.append(row["path"])
    return _assemble(parts, source=str(folder))


def load_data(path: str | Path) -> dict[str, FaceSet]:
    """Pick the reader from what `path` is: a .csv file, a packed folder, or an image-folder root."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    if (path / "train.jpg").is_file() and (path / "train.csv").is_file():
        return read_packed(path)
    return read_folder(path)


def attach_ferplus(sets: dict[str, FaceSet], votes_csv: str | Path, mode: str) -> dict[str, FaceSet]:
    """Replace labels by FER+ votes joined on path. mode 'majority': the most-voted of our 7
    classes; 'soft': also keep the vote distribution as a soft target. Images without FER+
    votes for any of our classes are dropped (FER+ removed them as non-faces or unknown)."""
    if mode not in ("majority", "soft"):
        raise ValueError(f"FER+ mode must be 'majority' or 'soft', not {mode!r}")
    votes: dict[str, list[float]] = {}
    with Path(votes_csv).open(newline="") as f:
        reader = csv.DictReader(f)
        missing = {"path", *FERPLUS_TO_CLASS} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{votes_csv} lacks columns {sorted(missing)}")
        column_of = {cls: col for col, cls in FERPLUS_TO_CLASS.items()}
        for row in reader:
            votes[row["path"]] = [float(row[column_of[c]]) for c in CLASSES]
    out = {}
    for usage, s in sets.items():
        keep = [i for i, p in enumerate(s.paths) if sum(votes.get(p, [0.0])) > 0]
        if not keep:
            continue  # a split FER+ does not cover is left out rather than kept empty
        sub = s.subset(keep)
        v = torch.tensor([votes[p] for p in sub.paths])
        sub.labels = v.argmax(1)
        sub.soft = v / v.sum(1, keepdim=True) if mode == "soft" else None
        sub.meta.update(ferplus=mode, dropped=len(s) - len(keep))
        out[usage] = sub
    return out


def concat_sets(sets: list[FaceSet]) -> FaceSet:
    """One FaceSet from several (e.g. every split of a validation-only dataset)."""
    if not sets:
        raise DataError("no images to concatenate")
    shapes = {tuple(s.images.shape[1:]) for s in sets}
    images = [s.images for s in sets] if len(shapes) == 1 else \
        [to_model_input(s.images).mul(255).round().to(torch.uint8)[:, 0] for s in sets]
    return FaceSet(torch.cat(images), torch.cat([s.labels for s in sets]), [p for s in sets for p in s.paths],
                   meta={"source": sets[0].meta.get("source"), "usage": "+".join(s.meta.get("usage", "?") for s in sets)})


def pixel_hashes(images: torch.Tensor) -> list[str]:
    return [hashlib.blake2b(img.numpy().tobytes(), digest_size=12).hexdigest() for img in images]


def leak_free_mask(test: FaceSet, train: FaceSet) -> torch.Tensor:
    """True for test images with no pixel-identical twin in train (computed from the data)."""
    train_hashes = set(pixel_hashes(train.images)) if train.images.shape[1:] == test.images.shape[1:] else set()
    return torch.tensor([h not in train_hashes for h in pixel_hashes(test.images)], dtype=torch.bool)


def class_weights(labels: torch.Tensor, power: float) -> torch.Tensor:
    """(1 / frequency) ** power, scaled so the average weight per sample is 1. power 0 = none."""
    counts = torch.bincount(labels, minlength=len(CLASSES)).float()
    w = (counts.sum() / counts.clamp(min=1)) ** power
    return w / (w * counts).sum() * counts.sum()


__all__ = ["DataError", "FaceSet", "USAGES", "INPUT_SIZE", "read_folder", "read_csv", "read_packed",
           "load_data", "attach_ferplus", "concat_sets", "leak_free_mask", "class_weights", "decode_image"]
