"""The model contract shared with the app (src/engine/contract.json), and the one preprocessing
function that training, evaluation and export all use.

Model input: float32 gray in [0, 1], luma = 0.299 R + 0.587 G + 0.114 B, INPUT_SIZE square.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
import torch.nn.functional as F

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "src" / "engine" / "contract.json"
_CONTRACT = json.loads(CONTRACT_PATH.read_text())

CLASSES: tuple[str, ...] = tuple(_CONTRACT["classes"])
INPUT_SIZE: int = _CONTRACT["inputSize"]
LUMA: tuple[float, float, float] = tuple(_CONTRACT["luma"])
IMAGENET_MEAN: tuple[float, ...] = tuple(_CONTRACT["imagenetMean"])
IMAGENET_STD: tuple[float, ...] = tuple(_CONTRACT["imagenetStd"])
INPUT_NAME: str = _CONTRACT["inputName"]
OUTPUT_NAME: str = _CONTRACT["outputName"]

TIGHT_CROP_PADDING: float = _CONTRACT["tightCropPadding"]
CROP: dict = {"scale": _CONTRACT["crop"]["scale"], "offsetY": _CONTRACT["crop"]["offsetY"]}
MODEL_CARD_SCHEMA = CONTRACT_PATH.parent / "model-card.schema.json"

# The model card's `preprocessing` (src/engine/model-card.schema.json): how the app must cut and
# feed a face for a model trained with this toolkit. Checkpoints carry it; the exporter writes it.
PREPROCESSING = {
    "inputSize": INPUT_SIZE,
    "color": "gray",
    "luma": list(LUMA),
    "range": [0.0, 1.0],
    "crop": dict(CROP),
    "align": False,
    "tightCropPadding": TIGHT_CROP_PADDING,
    "resize": "bilinear, half-pixel centres, antialiased when downscaling",
    "inModel": "gray replicated to 3 channels, (x - imagenet_mean) / imagenet_std",
}


def to_gray_uint8(image: torch.Tensor) -> torch.Tensor:
    """(H, W) or (H, W, 3|4) uint8 -> (H, W) uint8 luma."""
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] in (3, 4):
        rgb = image[..., :3].float()
        gray = rgb @ torch.tensor(LUMA)
        return gray.round().clamp(0, 255).to(torch.uint8)
    raise ValueError(f"expected an (H, W) or (H, W, 3) image, got shape {tuple(image.shape)}")


def to_model_input(gray: torch.Tensor, size: int = INPUT_SIZE) -> torch.Tensor:
    """The preprocessing contract: gray uint8 (N, H, W) -> float32 (N, 1, size, size) in [0, 1].

    Bilinear with half-pixel centres (align_corners=False), antialiased when shrinking, which is
    what the app does to a face crop and what tf.image.resizeBilinear(halfPixelCenters) does
    when growing 48 -> 64.
    """
    if gray.ndim != 3:
        raise ValueError(f"expected (N, H, W) gray images, got shape {tuple(gray.shape)}")
    x = gray.float().div(255.0).unsqueeze(1)  # (N, 1, H, W)
    if x.shape[-2:] != (size, size):
        shrinking = x.shape[-1] > size or x.shape[-2] > size
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False,
                          antialias=shrinking)
    return x.clamp(0.0, 1.0)
