import json

import numpy as np
import pytest
import torch

from checkpoint import save_checkpoint
from evaluate import LEAK_FREE, evaluate
from export import QUANTIZATIONS, SHARD_BYTES, build_graph, dequantized_graph, export, quantize_tensor
from graph_runtime import run_graph
from model import create_model
from testing import random_model


def test_graph_computes_the_model_including_the_last_block_shrink():
    model = random_model()
    x = torch.rand(4, 1, 64, 64)
    with torch.no_grad():
        expected = torch.softmax(model(x), 1)
        got = run_graph(build_graph(model), x.permute(0, 2, 3, 1))
    assert torch.allclose(got, expected, atol=1e-5), (got - expected).abs().max()
    # the check is not between near-uniform or input-independent vectors
    assert expected.max() > 0.5 and expected.std(0).max() > 0.05


def test_shrink_keeps_only_reachable_taps():
    model = random_model()
    g = dict(build_graph(model).weights)
    assert g["res3/conv1/filter"].shape[:2] == (2, 2) and g["res3/conv2/filter"].shape[:2] == (1, 1)
    assert g["res2/conv1/filter"].shape[:2] == (3, 3)


@pytest.mark.parametrize("dtype,bound", [("float16", 1e-3), ("uint8", 1.0 / 255 * 0.51)])
def test_quantisation_round_trip_error_is_bounded(dtype, bound):
    w = np.random.default_rng(0).normal(0, 0.1, 10000).astype(np.float32)
    data, spec, deq = quantize_tensor(w, dtype)
    assert spec["dtype"] == dtype
    assert len(data) == w.size * (2 if dtype == "float16" else 1)
    rel = np.abs(deq - w).max() / (np.abs(w).max() if dtype == "float16" else (w.max() - w.min()))
    assert rel <= bound
    if dtype == "uint8":
        assert 0.0 in quantize_tensor(np.array([-1.0, 0.0, 3.0], np.float32), "uint8")[2]


def test_quantised_graphs_stay_close_to_float32():
    model = random_model()
    g = build_graph(model)
    x = torch.rand(8, 1, 64, 64).permute(0, 2, 3, 1)
    ref = run_graph(g, x)
    for mode, bound in (("float16", 0.01), ("mixed", 0.1), ("uint8", 0.1)):
        diff = (run_graph(g, x, dequantized_graph(g, mode)) - ref).abs().max().item()
        assert diff < bound, (mode, diff)


def test_export_writes_a_complete_graph_model(tmp_path):
    model = create_model("resemotenet_s").eval()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    for mode in QUANTIZATIONS:
        out = tmp_path / mode
        js = export(tmp_path / "m.pt", out, mode, metrics={"splits": {"PrivateTest": {"accuracy": 0.5}}})
        assert js["format"] == "graph-model"
        ops = {n["op"] for n in js["modelTopology"]["node"]}
        assert {"Placeholder", "_FusedConv2D", "MaxPool", "Softmax"} <= ops and "FusedBatchNormV3" not in ops
        shards = js["weightsManifest"][0]["paths"]
        assert all((out / p).stat().st_size <= SHARD_BYTES for p in shards)
        meta = js["userDefinedMetadata"]["resemote"]
        for key in ("classes", "input", "output", "preprocessing", "architecture", "training", "metrics",
                    "exporter", "quantization", "weightBytes", "weightsSha256"):
            assert key in meta, key
        assert meta["architecture"]["exportedParameters"] < meta["architecture"]["parameters"]
        assert sum((out / p).stat().st_size for p in shards) == meta["weightBytes"]
        assert json.loads((out / "model.json").read_text()) == js
    sizes = {m: sum(f.stat().st_size for f in (tmp_path / m).glob("*.bin")) for m in QUANTIZATIONS}
    assert abs(sizes["none"] / sizes["float16"] - 2) < 1e-3 and sizes["uint8"] < sizes["mixed"] < sizes["float16"]


def test_evaluate_reports_every_split_and_quantisation(tiny_data, tmp_path):
    save_checkpoint(tmp_path / "m.pt", create_model("resemotenet_s").eval(), "resemotenet_s")
    result = evaluate(str(tmp_path / "m.pt"), str(tiny_data), tta="flip", quantize="all",
                      plots=str(tmp_path / "plots"), log=lambda *_: None)
    assert set(result["splits"]) == {"PublicTest", "PrivateTest", LEAK_FREE}
    s = result["splits"]["PrivateTest"]
    assert s["n"] == 14 and 0 <= s["accuracy"] <= 1 and len(s["confusion"]) == 7
    assert set(result["quantization"]) == set(QUANTIZATIONS)
    assert (tmp_path / "plots" / "confusion-PrivateTest.png").stat().st_size > 1000


def exported_and_imported(tmp_path):
    """A random model, and what import_graph.py makes of its float32 export."""
    from import_graph import import_graph
    model = random_model()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    export(tmp_path / "m.pt", tmp_path / "exported", "none")
    imported, _ = import_graph(str(tmp_path / "exported"), "resemotenet_s")
    return model, imported


def test_an_exported_model_imports_back_into_the_same_function(tmp_path):
    model, imported = exported_and_imported(tmp_path)
    x = torch.rand(4, 1, 64, 64)
    with torch.no_grad():
        assert torch.allclose(torch.softmax(imported(x), 1), torch.softmax(model(x), 1), atol=1e-5)


def test_an_import_can_carry_the_cards_training_record_into_its_re_export(tmp_path):
    from import_graph import main as import_main
    model = create_model("resemotenet_s").eval()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=20, training_data={"source": "fer2013"},
                    train_config={"lr": 0.01, "epochs": 20})
    export(tmp_path / "m.pt", tmp_path / "out", "float16")
    import_main(["--model", str(tmp_path / "out"), "--variant", "resemotenet_s", "--out", str(tmp_path / "plain.pt")])
    import_main(["--model", str(tmp_path / "out"), "--variant", "resemotenet_s", "--out", str(tmp_path / "kept.pt"),
                 "--carry-training"])
    plain = export(tmp_path / "plain.pt", tmp_path / "plain", "float16")["userDefinedMetadata"]["resemote"]["training"]
    kept = export(tmp_path / "kept.pt", tmp_path / "kept", "float16")["userDefinedMetadata"]["resemote"]["training"]
    assert plain["config"] is None and plain["weights"] == "imported"
    assert kept["config"] == {"lr": 0.01, "epochs": 20} and kept["epoch"] == 20 and kept["data"] == {"source": "fer2013"}


def test_imported_batchnorms_made_trainable_keep_the_function_and_sit_near_it_in_train_mode(tmp_path):
    from import_graph import trainable_batchnorm
    model, imported = exported_and_imported(tmp_path)
    x = torch.rand(64, 1, 64, 64)
    trainable_batchnorm(imported, [x[:32], x[32:]])
    with torch.no_grad():
        want = torch.softmax(model(x), 1)
        assert torch.allclose(torch.softmax(imported.eval()(x), 1), want, atol=1e-4)
        imported.train()
        imported.stem_dropout.p = imported.head_dropout.p = 0.0  # dropout aside, batch statistics ~ the running ones
        assert (torch.softmax(imported(x), 1) - want).abs().max() < 0.2


def test_the_model_card_is_written_from_the_checkpoint_and_checked_against_the_schema(tmp_path):
    import jsonschema

    from contract import MODEL_CARD_SCHEMA, PREPROCESSING
    from export import check_model_card

    model = create_model("resemotenet_s").eval()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    meta = export(tmp_path / "m.pt", tmp_path / "out", "float16")["userDefinedMetadata"]["resemote"]
    schema = json.loads(MODEL_CARD_SCHEMA.read_text())
    jsonschema.validate(meta, schema)  # what was written, as written
    assert meta["preprocessing"] == json.loads(json.dumps(PREPROCESSING))
    assert meta["preprocessing"]["crop"]["scale"] > 1 and meta["preprocessing"]["align"] is False
    assert "testTime" not in meta  # flip averaging only where it was measured and asked for
    flipped = export(tmp_path / "m.pt", tmp_path / "flip", "float16", flip=True)["userDefinedMetadata"]["resemote"]
    assert flipped["testTime"] == {"flip": True}
    assert "baseline" not in meta  # a resting-face reference only where it was measured
    reference = {"neutral": [0.07, 0.05, 0.05, 0.04, 0.13, 0.03, 0.63], "faces": 4441, "measured": "test"}
    based = export(tmp_path / "m.pt", tmp_path / "base", "float16", baseline=reference)["userDefinedMetadata"]["resemote"]
    assert based["baseline"] == reference
    with pytest.raises(ValueError, match="model card"):
        check_model_card({**meta, "baseline": {"neutral": [0.5, 0.5]}})
    with pytest.raises(ValueError, match="model card"):
        check_model_card({**meta, "testTime": {"flip": "yes"}})
    # the same schema refuses a card that would feed the app wrongly
    for broken in ({**meta, "preprocessing": {**meta["preprocessing"], "inputSize": "64"}},
                   {**meta, "preprocessing": {k: v for k, v in meta["preprocessing"].items() if k != "crop"}},
                   {**meta, "classes": meta["classes"][:6]}):
        with pytest.raises(ValueError, match="model card"):
            check_model_card(broken)


def test_one_layer_table_names_every_weight_the_exporter_writes_and_the_importer_reads(tmp_path):
    from model import graph_layers

    model = create_model("resemotenet_s").eval()
    g = build_graph(model)
    names = {n for n, _ in g.weights}
    table = graph_layers(model)
    expected = set()
    for name, module, bn in table:
        expected |= {f"{name}/filter", f"{name}/bias"} if bn is not None else \
            {f"{name}/weights"} | ({f"{name}/bias"} if module.bias is not None else set())
    structural = {"normalize/mean", "normalize/inv_std", "se/shape", "se/squeeze/axes", "head/pool/axes"}
    assert expected == names - structural
    weighted = {id(p) for _, m, bn in table for p in [*m.parameters(), *(bn.parameters() if bn is not None else [])]}
    assert weighted == {id(p) for p in model.parameters()}  # no weight left out of the table


def test_suite_metrics_keeps_the_card_figures_and_drops_the_rest(tmp_path):
    import json
    from suite_metrics import main
    suite = {"splits": {"PrivateTest": {"n": 3, "accuracy": 0.5, "macro_f1": 0.4, "ece": 0.1, "shares": {"x": 1}}}}
    (tmp_path / "s.json").write_text(json.dumps(suite))
    main([str(tmp_path / "s.json"), str(tmp_path / "m.json"), "--tta", "card"])
    m = json.loads((tmp_path / "m.json").read_text())
    assert m["tta"] == "card" and m["splits"] == {"PrivateTest": {"n": 3, "accuracy": 0.5, "macro_f1": 0.4, "ece": 0.1}}
