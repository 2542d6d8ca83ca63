"""Run an exported graph (export.Graph) in PyTorch, op by op, with the weights the browser will hold.

Two uses: it proves on the Python side that the graph means what the model means, and it measures
what each quantisation costs (evaluate.py --quantize) without a browser.
"""
from __future__ import annotations

import base64

import numpy as np
import torch
import torch.nn.functional as F

from export import Graph


def _s(attr: dict, key: str) -> str:
    return base64.b64decode(attr[key]["s"]).decode()


def _ints(attr: dict, key: str) -> list[int]:
    return [int(v) for v in attr[key]["list"]["i"]]


def _fused(attr: dict) -> list[str]:
    return [base64.b64decode(s).decode() for s in attr["fused_ops"]["list"]["s"]]


def run_graph(g: Graph, x_nhwc: torch.Tensor, weights: dict[str, np.ndarray] | None = None) -> torch.Tensor:
    """x (N, H, W, 1) -> the output of the last node. `weights` overrides constants by name."""
    consts = {n: torch.from_numpy(np.asarray((weights or {}).get(n, v))) for n, v in g.weights}
    values: dict[str, torch.Tensor] = {}
    for node in g.nodes:
        op, attr, name = node["op"], node["attr"], node["name"]
        ins = [values[i] for i in node["input"]]
        if op == "Placeholder":
            y = x_nhwc.float()
        elif op == "Const":
            y = consts[name]
        elif op in ("Sub", "Mul", "AddV2"):
            y = {"Sub": torch.sub, "Mul": torch.mul, "AddV2": torch.add}[op](ins[0], ins[1])
        elif op == "Relu":
            y = F.relu(ins[0])
        elif op == "Sigmoid":
            y = torch.sigmoid(ins[0])
        elif op == "Softmax":
            y = torch.softmax(ins[0], dim=-1)
        elif op == "Reshape":
            y = ins[0].reshape(ins[1].tolist())
        elif op == "Mean":
            y = ins[0].mean(dim=ins[1].tolist(), keepdim=attr["keep_dims"]["b"])
        elif op == "MaxPool":
            k, s = _ints(attr, "ksize"), _ints(attr, "strides")
            y = F.max_pool2d(ins[0].permute(0, 3, 1, 2), k[1:3], s[1:3]).permute(0, 2, 3, 1)
        elif op == "_FusedConv2D":
            x, w, b = ins
            stride = _ints(attr, "strides")[1:3]
            if _s(attr, "padding") == "EXPLICIT":
                p = _ints(attr, "explicit_paddings")  # [0, 0, top, bottom, left, right, 0, 0]
                x = F.pad(x, (0, 0, p[4], p[5], p[2], p[3]))
            y = F.conv2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), b, stride=stride).permute(0, 2, 3, 1)
            if "Relu" in _fused(attr):
                y = F.relu(y)
        elif op in ("MatMul", "_FusedMatMul"):
            y = ins[0] @ ins[1]
            if op == "_FusedMatMul":
                y = y + ins[2]
                if "Relu" in _fused(attr):
                    y = F.relu(y)
        else:
            raise NotImplementedError(f"graph_runtime has no op {op}")
        values[name] = y
    return values[g.nodes[-1]["name"]]


def load_graph_model(folder) -> Graph:
    """An exported TF.js graph model (model.json + shards) back into a Graph, with the weights
    dequantised exactly as the browser does (float16, or affine uint8/uint16: q * scale + min)."""
    import json
    from pathlib import Path

    folder = Path(folder)
    model = json.loads((folder / "model.json").read_text())
    data = b"".join((folder / p).read_bytes() for group in model["weightsManifest"] for p in group["paths"])
    specs = [w for group in model["weightsManifest"] for w in group["weights"]]
    weights, offset = [], 0
    for spec in specs:
        count = int(np.prod(spec["shape"])) if spec["shape"] else 1
        q = spec.get("quantization")
        if q is None:
            dtype = np.float32 if spec["dtype"] == "float32" else np.int32
            value = np.frombuffer(data, dtype, count, offset)
            offset += count * 4
        elif q["dtype"] == "float16":
            value = np.frombuffer(data, np.float16, count, offset).astype(np.float32)
            offset += count * 2
        else:
            dtype, size = (np.uint8, 1) if q["dtype"] == "uint8" else (np.uint16, 2)
            value = (np.frombuffer(data, dtype, count, offset).astype(np.float32) * np.float32(q["scale"])
                     + np.float32(q["min"])).astype(np.float32)
            offset += count * size
        weights.append((spec["name"], value.reshape(spec["shape"]).copy()))
    return Graph(nodes=model["modelTopology"]["node"], weights=weights)
