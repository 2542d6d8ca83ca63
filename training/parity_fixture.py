"""Write the fixtures of the Node export-parity test (scripts/export-parity.test.ts):
a random model exported in every quantisation, inputs, and the expected outputs.

  /usr/bin/python3 training/parity_fixture.py <out-dir>

expected[mode] = the exported graph run in PyTorch with the weights exactly as the browser
dequantises them (tfjs must match it to ~1e-5); reference = the PyTorch model in float32.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from checkpoint import save_checkpoint
from export import QUANTIZATIONS, build_graph, dequantized_graph, export
from graph_runtime import run_graph
from testing import random_model


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model = random_model("resemotenet_s", seed=1)
    save_checkpoint(out / "model.pt", model, "resemotenet_s")
    torch.manual_seed(2)
    # Five inputs of different brightness and contrast, so the outputs differ from one another.
    x = (torch.rand(5, 1, 64, 64) * torch.linspace(0.2, 1.0, 5).view(5, 1, 1, 1)
         + torch.linspace(0.0, 0.6, 5).view(5, 1, 1, 1)).clamp(0, 1)
    with torch.no_grad():
        reference = torch.softmax(model(x), 1)
        graph = build_graph(model)
        expected = {m: run_graph(graph, x.permute(0, 2, 3, 1), dequantized_graph(graph, m)).tolist()
                    for m in QUANTIZATIONS}
    for mode in QUANTIZATIONS:
        export(out / "model.pt", out / mode, mode)
    (out / "io.json").write_text(json.dumps({
        "shape": [5, 64, 64, 1],
        "input": x.permute(0, 2, 3, 1).flatten().tolist(),
        "reference": reference.tolist(),
        "expected": expected,
        "modes": list(QUANTIZATIONS),
    }))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
