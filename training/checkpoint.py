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
    save_payload(path, {**describe(model, variant), "state_dict": model.state_dict(), **extra})


def save_payload(path: str | Path, payload: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)  # never leave a half-written checkpoint behind


def read_checkpoint(path: str | Path, map_location="cpu") -> dict:
    """The raw checkpoint dict; a file that is not one is a ValueError naming it, not a traceback."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    try:
        ckpt = torch.load(path, map_location=map_location)
    except Exception as err:  # torch.load raises UnpicklingError, RuntimeError, EOFError, ... on garbage
        raise ValueError(f"{path} is not a readable PyTorch checkpoint ({type(err).__name__}: "
                         f"{str(err).splitlines()[0] if str(err) else 'unreadable'})") from err
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise ValueError(f"{path} is not a ResEmote checkpoint (format {FORMAT})")
    return ckpt


def load_checkpoint(path: str | Path, map_location="cpu") -> tuple[ResEmoteNet, dict]:
    ckpt = read_checkpoint(path, map_location)
    if tuple(ckpt["classes"]) != CLASSES:
        raise ValueError(f"{path} has classes {ckpt['classes']}, the contract says {list(CLASSES)}")
    model = ResEmoteNet(ResEmoteNetConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model, ckpt
