"""Self-describing checkpoints: any script rebuilds the model from the file alone."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import torch

from contract import CLASSES, INPUT_SIZE, PREPROCESSING
from model import ResEmoteNet, ResEmoteNetConfig

FORMAT = "resemote-checkpoint/1"


def describe(model: ResEmoteNet, variant: str) -> dict:
    """What a checkpoint says about itself besides its weights."""
    return {
        "format": FORMAT,
        "variant": variant,
        "config": asdict(model.config),
        "classes": list(CLASSES),
        "input": {"name": "gray", "shape": [None, 1, INPUT_SIZE, INPUT_SIZE], "dtype": "float32"},
        "preprocessing": PREPROCESSING,
    }


def save_checkpoint(path: str | Path, model: ResEmoteNet, variant: str, **extra) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {**describe(model, variant), "state_dict": model.state_dict(), **extra}
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def load_checkpoint(path: str | Path, map_location="cpu") -> tuple[ResEmoteNet, dict]:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    ckpt = torch.load(path, map_location=map_location)
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise ValueError(f"{path} is not a ResEmote checkpoint (format {FORMAT})")
    if tuple(ckpt["classes"]) != CLASSES:
        raise ValueError(f"{path} has classes {ckpt['classes']}, the contract says {list(CLASSES)}")
    model = ResEmoteNet(ResEmoteNetConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
