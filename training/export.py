"""Export a trained checkpoint as a TF.js graph model, without TensorFlow.

  /usr/bin/python3 training/export.py --checkpoint runs/resemotenet_s/best.pt \
      --out models/resemotenet-s --quantize float16 --metrics runs/resemotenet_s/metrics.json

Writes <out>/model.json (GraphDef JSON + weightsManifest + userDefinedMetadata) and weight shards
of at most 4 MiB. The graph, for input `gray` float32 [N, 64, 64, 1] in [0, 1]:
  (x - mean) / std over 3 channels -> 3 x (_FusedConv2D[BN folded, Relu] -> MaxPool)
  -> SE (Mean, MatMul, Relu, MatMul, Sigmoid, Mul) -> 3 residual blocks -> Mean
  -> 4 x _FusedMatMul -> Softmax `probs` [N, 7].
Tensors are NHWC, filters HWIO; 3x3 convolutions use EXPLICIT padding (TF's SAME pads a stride-2
convolution asymmetrically, PyTorch's padding=1 does not). At 64x64 the last residual block maps
2x2 -> 1x1, so only filter taps that can see real pixels are kept: exact, and 2.2x smaller.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from checkpoint import load_checkpoint
from contract import (CLASSES, IMAGENET_MEAN, IMAGENET_STD, INPUT_NAME, INPUT_SIZE, MODEL_CARD_SCHEMA, OUTPUT_NAME,
                      PREPROCESSING)
from model import ResEmoteNet, count_parameters, graph_layers

EXPORTER_VERSION = "resemote-export 1.0"
SHARD_BYTES = 4 * 1024 * 1024
QUANTIZATIONS = ("none", "float16", "uint8", "mixed")
MIXED_UINT8_MIN_SIZE = 16384  # in 'mixed', tensors this large go uint8, the rest float16


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _ints(values) -> dict:
    return {"list": {"i": [str(int(v)) for v in values]}}


def _shape(shape) -> dict:
    return {"dim": [{"size": str(int(d))} for d in shape]}


T_FLOAT = {"type": "DT_FLOAT"}


@dataclass
class Graph:
    """GraphDef JSON nodes plus the constant tensors they reference, in manifest order."""
    nodes: list = field(default_factory=list)
    weights: list = field(default_factory=list)  # (name, np.ndarray)

    def node(self, name: str, op: str, inputs=(), **attr) -> str:
        self.nodes.append({"name": name, "op": op, "input": list(inputs), "attr": attr})
        return name

    def const(self, name: str, value: np.ndarray) -> str:
        value = np.ascontiguousarray(value)
        dtype = {np.dtype("float32"): "DT_FLOAT", np.dtype("int32"): "DT_INT32"}[value.dtype]
        self.weights.append((name, value))
        return self.node(name, "Const", dtype={"type": dtype},
                         value={"tensor": {"dtype": dtype, "tensorShape": _shape(value.shape)}})

    def placeholder(self, name: str, shape) -> str:
        return self.node(name, "Placeholder", dtype=T_FLOAT, shape={"shape": _shape(shape)})

    def binary(self, name: str, op: str, a: str, b: str) -> str:
        return self.node(name, op, [a, b], T=T_FLOAT)

    def unary(self, name: str, op: str, x: str) -> str:
        return self.node(name, op, [x], T=T_FLOAT)

    def conv(self, name: str, x: str, w_hwio: np.ndarray, bias: np.ndarray, stride: int, pad: int,
             relu: bool) -> str:
        w = self.const(f"{name}/filter", w_hwio.astype(np.float32))
        b = self.const(f"{name}/bias", bias.astype(np.float32))
        padding = {"padding": {"s": _b64("EXPLICIT")}, "explicit_paddings": _ints([0, 0, pad, pad, pad, pad, 0, 0])} \
            if pad else {"padding": {"s": _b64("VALID")}}
        ops = ["BiasAdd", "Relu"] if relu else ["BiasAdd"]
        return self.node(name, "_FusedConv2D", [x, w, b], T=T_FLOAT, strides=_ints([1, stride, stride, 1]),
                         data_format={"s": _b64("NHWC")}, dilations=_ints([1, 1, 1, 1]),
                         fused_ops={"list": {"s": [_b64(o) for o in ops]}}, num_args={"i": "1"},
                         epsilon={"f": 0.0}, use_cudnn_on_gpu={"b": True}, **padding)

    def dense(self, name: str, x: str, w_io: np.ndarray, bias: np.ndarray | None, relu: bool) -> str:
        w = self.const(f"{name}/weights", w_io.astype(np.float32))
        common = dict(T=T_FLOAT, transpose_a={"b": False}, transpose_b={"b": False})
        if bias is None:
            y = self.node(name, "MatMul", [x, w], **common)
            return self.unary(f"{name}/relu", "Relu", y) if relu else y
        b = self.const(f"{name}/bias", bias.astype(np.float32))
        ops = ["BiasAdd", "Relu"] if relu else ["BiasAdd"]
        return self.node(name, "_FusedMatMul", [x, w, b], fused_ops={"list": {"s": [_b64(o) for o in ops]}},
                         num_args={"i": "1"}, epsilon={"f": 0.0}, **common)

    def mean_hw(self, name: str, x: str) -> str:
        axes = self.const(f"{name}/axes", np.array([1, 2], dtype=np.int32))
        return self.node(name, "Mean", [x, axes], T=T_FLOAT, Tidx={"type": "DT_INT32"}, keep_dims={"b": False})

    def max_pool(self, name: str, x: str) -> str:
        return self.node(name, "MaxPool", [x], T=T_FLOAT, ksize=_ints([1, 2, 2, 1]), strides=_ints([1, 2, 2, 1]),
                         padding={"s": _b64("VALID")}, data_format={"s": _b64("NHWC")})


def fold_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> tuple[np.ndarray, np.ndarray]:
    """Conv + inference BatchNorm -> one conv. Returns (HWIO filter, bias)."""
    scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().double()
    w = conv.weight.detach().double() * scale[:, None, None, None]  # (O, I, kh, kw)
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros_like(scale)
    b = (b - bn.running_mean.double()) * scale + bn.bias.detach().double()
    return w.permute(2, 3, 1, 0).float().numpy(), b.float().numpy()


def build_graph(model: ResEmoteNet, input_size: int = INPUT_SIZE, temperature: float = 1.0,
                logit_bias=None) -> Graph:
    """The graph of `model`; the calibration (calibrate.py) is folded into the last layer:
    softmax((W x + b + c) / T) = softmax((W / T) x + (b + c) / T), exact and free at run time,
    with c the per-class logit bias (the prior correction) and T the temperature."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, not {temperature}")
    if input_size != 64:
        raise ValueError("the last-block shrink below assumes a 64x64 input (2x2 -> 1x1)")
    g = Graph()
    layers = {name: (module, bn) for name, module, bn in graph_layers(model)}

    def folded(name: str) -> tuple[np.ndarray, np.ndarray]:
        return fold_bn(*layers[name])

    def fc_weight(name: str) -> np.ndarray:  # Linear (out, in) -> MatMul (in, out)
        return layers[name][0].weight.detach().double().numpy().T

    x = g.placeholder(INPUT_NAME, [-1, input_size, input_size, 1])
    # (x - mean) / std broadcasts the gray channel to 3: the paper's preprocessing, in the graph.
    x = g.binary("normalize/sub", "Sub", x, g.const("normalize/mean", np.array(IMAGENET_MEAN, np.float32)))
    x = g.binary("normalize/mul", "Mul", x, g.const("normalize/inv_std", 1 / np.array(IMAGENET_STD, np.float32)))
    for i in (1, 2, 3):
        x = g.conv(f"stem{i}/conv", x, *folded(f"stem{i}/conv"), stride=1, pad=1, relu=True)
        x = g.max_pool(f"stem{i}/pool", x)  # (N, 32|16|8, ., C)
    # Squeeze-and-excitation on (N, 8, 8, C).
    s = g.mean_hw("se/squeeze", x)
    s = g.dense("se/fc1", s, fc_weight("se/fc1").astype(np.float32), None, relu=True)
    s = g.unary("se/gate", "Sigmoid", g.dense("se/fc2", s, fc_weight("se/fc2").astype(np.float32), None, relu=False))
    channels = layers["se/fc2"][0].weight.shape[0]
    s = g.node("se/reshape", "Reshape", [s, g.const("se/shape", np.array([-1, 1, 1, channels], np.int32))],
               T=T_FLOAT, Tshape={"type": "DT_INT32"})
    x = g.binary("se/scale", "Mul", x, s)
    for i in (1, 2, 3):
        name = f"res{i}"
        w1, b1 = folded(f"{name}/conv1")
        w2, b2 = folded(f"{name}/conv2")
        ws, bs = folded(f"{name}/shortcut")
        if i < 3:
            h = g.conv(f"{name}/conv1", x, w1, b1, stride=2, pad=1, relu=True)  # (N, H/2, W/2, C')
            h = g.conv(f"{name}/conv2", h, w2, b2, stride=1, pad=1, relu=False)
        else:
            # 2x2 in, 1x1 out: conv1's output pixel reads input rows/cols {-1, 0, 1}; row/col -1 is
            # padding, so taps [1:3, 1:3] over the unpadded 2x2 input give the same value. conv2 on
            # 1x1 with padding 1 only ever multiplies its centre tap by a real value.
            h = g.conv(f"{name}/conv1", x, w1[1:3, 1:3], b1, stride=1, pad=0, relu=True)  # (N, 1, 1, C')
            h = g.conv(f"{name}/conv2", h, w2[1:2, 1:2], b2, stride=1, pad=0, relu=False)
        sc = g.conv(f"{name}/shortcut", x, ws, bs, stride=2, pad=0, relu=False)
        x = g.unary(f"{name}/relu", "Relu", g.binary(f"{name}/add", "AddV2", h, sc))
    x = g.mean_hw("head/pool", x)  # (N, C)
    bias = np.zeros(len(CLASSES)) if logit_bias is None else np.asarray(logit_bias, dtype=np.float64)
    for i in (1, 2, 3, 4):
        fc = layers[f"head/fc{i}"][0]
        scale = 1.0 / temperature if i == 4 else 1.0
        b = fc.bias.detach().double().numpy() + (bias if i == 4 else 0.0)
        x = g.dense(f"head/fc{i}", x, (fc_weight(f"head/fc{i}") * scale).astype(np.float32),
                    (b * scale).astype(np.float32), relu=i < 4)
    g.unary(OUTPUT_NAME, "Softmax", x)
    return g


def graph_parameters(g: Graph) -> int:
    return sum(int(v.size) for _, v in g.weights if v.dtype == np.float32)


# ----------------------------------------------------------------------------- quantisation
def quantize_tensor(value: np.ndarray, dtype: str) -> tuple[bytes, dict | None, np.ndarray]:
    """-> (bytes as stored, manifest quantization entry, what the browser dequantises to)."""
    if value.dtype != np.float32 or dtype == "float32":
        return value.tobytes(), None, value
    if dtype == "float16":
        q = value.astype(np.float16)
        return q.tobytes(), {"dtype": "float16"}, q.astype(np.float32)
    if dtype in ("uint8", "uint16"):
        levels = 255 if dtype == "uint8" else 65535
        lo, hi = float(min(value.min(), 0.0)), float(max(value.max(), 0.0))
        scale = (hi - lo) / levels if hi > lo else 1.0
        zero = round(-lo / scale)  # nudge so that 0.0 is exactly representable
        lo = -zero * scale
        q = np.clip(np.round((value - lo) / scale), 0, levels).astype(np.uint8 if levels == 255 else np.uint16)
        lo32, scale32 = np.float32(lo), np.float32(scale)
        return q.tobytes(), {"dtype": dtype, "scale": float(scale32), "min": float(lo32)}, \
            (q.astype(np.float32) * scale32 + lo32).astype(np.float32)
    raise ValueError(f"unknown quantisation {dtype!r}")


def choose_dtype(name: str, value: np.ndarray, mode: str) -> str:
    if value.dtype != np.float32 or mode == "none":
        return "float32"
    if mode == "mixed":
        return "uint8" if value.size >= MIXED_UINT8_MIN_SIZE else "float16"
    return mode


def dequantized_graph(g: Graph, mode: str) -> dict[str, np.ndarray]:
    """The weights exactly as the browser will hold them after loading a `mode` export."""
    return {n: quantize_tensor(v, choose_dtype(n, v, mode))[2] for n, v in g.weights}


# ----------------------------------------------------------------------------- writing
def write_graph_model(g: Graph, out: Path, mode: str, metadata: dict, shard_bytes: int = SHARD_BYTES) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("group1-shard*.bin"):
        old.unlink()
    specs, blobs = [], []
    for name, value in g.weights:
        data, quant, _ = quantize_tensor(value, choose_dtype(name, value, mode))
        spec = {"name": name, "shape": list(value.shape), "dtype": "float32" if value.dtype == np.float32 else "int32"}
        if quant:
            spec["quantization"] = quant
        specs.append(spec)
        blobs.append(data)
    data = b"".join(blobs)
    count = max(1, math.ceil(len(data) / shard_bytes))
    paths = [f"group1-shard{i + 1}of{count}.bin" for i in range(count)]
    for i, path in enumerate(paths):
        (out / path).write_bytes(data[i * shard_bytes:(i + 1) * shard_bytes])
    model_json = {
        "format": "graph-model",
        "generatedBy": "PyTorch " + torch.__version__,
        "convertedBy": EXPORTER_VERSION,
        "signature": {
            "inputs": {INPUT_NAME: {"name": f"{INPUT_NAME}:0", "dtype": "DT_FLOAT",
                                    "tensorShape": _shape([-1, INPUT_SIZE, INPUT_SIZE, 1])}},
            "outputs": {OUTPUT_NAME: {"name": f"{OUTPUT_NAME}:0", "dtype": "DT_FLOAT",
                                      "tensorShape": _shape([-1, len(CLASSES)])}},
        },
        "modelTopology": {"node": g.nodes, "library": {}, "versions": {"producer": 1}},
        "weightsManifest": [{"paths": paths, "weights": specs}],
        "userDefinedMetadata": {"resemote": {**metadata, "quantization": mode, "weightBytes": len(data),
                                             "weightsSha256": hashlib.sha256(data).hexdigest()}},
    }
    (out / "model.json").write_text(json.dumps(model_json, separators=(",", ":")))
    return model_json


REPO = Path(__file__).resolve().parent.parent


def portable(value):
    """Metadata without the build machine's absolute paths: each becomes relative to the repository."""
    if isinstance(value, dict):
        return {k: portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [portable(v) for v in value]
    if isinstance(value, str) and value.startswith("/"):
        parts = [Path(p) for p in value.split(",")]
        return ",".join(os.path.relpath(p, REPO) if p.is_absolute() else str(p) for p in parts)
    return value


def export(checkpoint: str | Path, out: str | Path, mode: str = "float16", metrics: dict | None = None,
           name: str | None = None, flip: bool = False, baseline: dict | None = None) -> dict:
    if mode not in QUANTIZATIONS:
        raise ValueError(f"--quantize must be one of {QUANTIZATIONS}")
    model, ckpt = load_checkpoint(checkpoint)
    temperature = float(ckpt.get("temperature", 1.0))
    logit_bias = ckpt.get("logit_bias")
    g = build_graph(model, temperature=temperature, logit_bias=logit_bias)
    out = Path(out)
    metadata = {
        "name": name or out.name,
        "classes": list(CLASSES),
        "input": {"name": INPUT_NAME, "shape": [-1, INPUT_SIZE, INPUT_SIZE, 1], "dtype": "float32", "range": [0, 1]},
        "output": {"name": OUTPUT_NAME, "shape": [-1, len(CLASSES)], "activation": "softmax",
                   "temperature": temperature, "logitBias": None if logit_bias is None else [round(float(v), 6) for v in logit_bias],
                   "calibration": "logit bias (prior correction) and temperature folded into the last layer (calibrate.py)"},
        "preprocessing": card_preprocessing(ckpt.get("preprocessing")),
        # The app classifies each crop and its mirror in one batch and averages them (classifier.ts).
        **({"testTime": {"flip": True}} if flip else {}),
        # The model's mean reading of neutral faces: the app reads a face relative to the person's resting face against it.
        **({"baseline": baseline} if baseline else {}),
        "architecture": {"family": "ResEmoteNet", "variant": ckpt["variant"], **ckpt["config"],
                         "parameters": count_parameters(model), "exportedParameters": graph_parameters(g)},
        "training": portable({"data": ckpt.get("training_data"), "epoch": ckpt.get("epoch"),
                              "weights": ckpt.get("weights"), "config": ckpt.get("train_config")}),
        "metrics": metrics or {},
        "exporter": EXPORTER_VERSION,
    }
    check_model_card(metadata)  # before anything is written
    return write_graph_model(g, out, mode, metadata)


def card_preprocessing(stored: dict | None) -> dict:
    """The checkpoint's preprocessing when it is a model card's (train.py stores it); checkpoints
    older than the card were all trained with the contract's defaults, which are used for them."""
    return dict(stored) if isinstance(stored, dict) and "inputSize" in stored else dict(PREPROCESSING)


def check_model_card(metadata: dict) -> None:
    """Validate against src/engine/model-card.schema.json (the app's vitest checks the same file)."""
    import jsonschema  # Debian: python3-jsonschema

    schema = json.loads(MODEL_CARD_SCHEMA.read_text())
    try:
        jsonschema.validate(json.loads(json.dumps(portable(metadata))), schema)  # tuples -> arrays, as written
    except jsonschema.ValidationError as err:
        path = "/".join(str(p) for p in err.absolute_path) or "(root)"
        raise ValueError(f"the model card does not match {MODEL_CARD_SCHEMA.name} at {path}: {err.message}") from None


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="a checkpoint written by train.py")
    p.add_argument("--out", required=True, help="output folder, e.g. models/resemotenet-s")
    p.add_argument("--quantize", default="float16", choices=QUANTIZATIONS,
                   help="weight storage: none = float32; mixed = uint8 for tensors of >= 16384 values, float16 for the rest")
    p.add_argument("--metrics", default="", help="JSON of measured metrics (evaluate.py --json) to embed")
    p.add_argument("--name", default=None, help="display name in the metadata (default: the folder name)")
    p.add_argument("--flip", action="store_true", help="the card asks the app to average each crop with its mirror (testTime.flip)")
    p.add_argument("--baseline", default="", help="JSON with the model's mean reading of neutral faces "
                                                 "(scripts/baseline-check.ts --write-neutral) to embed as the card's baseline")
    args = p.parse_args(argv)
    metrics = json.loads(Path(args.metrics).read_text()) if args.metrics else None
    baseline = json.loads(Path(args.baseline).read_text()) if args.baseline else None
    model_json = export(args.checkpoint, args.out, args.quantize, metrics, args.name, args.flip, baseline)
    meta = model_json["userDefinedMetadata"]["resemote"]
    shards = model_json["weightsManifest"][0]["paths"]
    print(f"wrote {args.out}/model.json + {len(shards)} shard(s), {meta['weightBytes'] / 1e6:.2f} MB of weights "
          f"({meta['architecture']['exportedParameters']:,} exported parameters, {args.quantize})")


if __name__ == "__main__":
    from cli import run_cli
    run_cli(main)
