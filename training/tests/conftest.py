import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

TRAINING = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TRAINING))
sys.path.insert(0, str(TRAINING / "experiments"))  # the experiment scripts' helpers are tested too

from contract import CLASSES  # noqa: E402


def synthetic_face(label: int, rng: np.random.Generator, size: int = 48) -> np.ndarray:
    """A learnable stand-in for a face: a bright block whose position encodes the class."""
    img = rng.normal(90, 20, (size, size))
    r, c = divmod(label, 3)
    y, x = 4 + r * 14, 4 + c * 14
    img[y:y + 12, x:x + 12] += 120
    return np.clip(img, 0, 255).astype(np.uint8)


def make_folder_dataset(root: Path, per_class: int = 12, test_per_class: int = 4, seed: int = 0) -> Path:
    """<root>/train/<class>/Training_<i>.png and <root>/test/<class>/{PublicTest,PrivateTest}_<i>.png"""
    rng = np.random.default_rng(seed)
    i = 0
    for label, name in enumerate(CLASSES):
        for split, count in (("train", per_class), ("test", test_per_class)):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for k in range(count):
                prefix = "Training" if split == "train" else ("PublicTest" if k % 2 == 0 else "PrivateTest")
                Image.fromarray(synthetic_face(label, rng)).save(folder / f"{prefix}_{i}.png")
                i += 1
    return root


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    return make_folder_dataset(tmp_path / "data")
