import csv

import torch

from checkpoint import describe, load_checkpoint, save_checkpoint
from contract import CLASSES
from model import create_model
from train import TrainConfig, main


def run(tiny_data, out, epochs, **kw):
    cfg = TrainConfig(data=str(tiny_data), out=str(out), epochs=epochs, batch_size=16, lr=0.02,
                      warmup_epochs=0.5, aug_rotate=0, aug_erase=0, ema=0.9, progress=False, threads=1, **kw)
    return main(cfg)


def read_log(out):
    with (out / "log.csv").open() as f:
        return list(csv.DictReader(f))


def test_a_tiny_run_lowers_the_loss_and_keeps_the_best_checkpoint(tiny_data, tmp_path):
    torch.manual_seed(0)
    best = run(tiny_data, tmp_path / "run", epochs=8)
    log = read_log(tmp_path / "run")
    assert len(log) == 8
    assert float(log[-1]["train_loss"]) < float(log[0]["train_loss"])
    assert set(log[0]) >= {"epoch", "train_loss", "public_acc", "lr", "seconds"}
    model, ckpt = load_checkpoint(tmp_path / "run" / "best.pt")
    assert ckpt["epoch"] == best["epoch"] and ckpt["metrics"]["PublicTest"]["accuracy"] == best["public_acc"]


def test_resume_continues_where_it_stopped(tiny_data, tmp_path):
    run(tiny_data, tmp_path / "r", epochs=1)
    run(tiny_data, tmp_path / "r", epochs=2)
    assert [row["epoch"] for row in read_log(tmp_path / "r")] == ["1", "2"]
    assert torch.load(tmp_path / "r" / "last.pt")["epoch"] == 2


def test_checkpoint_round_trip_rebuilds_the_same_function(tmp_path):
    model = create_model("resemotenet_s").eval()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=3)
    loaded, ckpt = load_checkpoint(tmp_path / "m.pt")
    x = torch.rand(3, 1, 64, 64)
    with torch.no_grad():
        assert torch.equal(model(x), loaded(x))
    assert ckpt["classes"] == list(CLASSES) and ckpt["variant"] == "resemotenet_s" and ckpt["epoch"] == 3
    assert set(describe(model, "resemotenet_s")) <= set(ckpt)
    assert ckpt["config"]["width"] == 0.25 and ckpt["preprocessing"]["luma"] == [0.299, 0.587, 0.114]


def test_init_starts_from_given_weights_with_a_fresh_schedule(tiny_data, tmp_path):
    run(tiny_data, tmp_path / "a", epochs=2)
    run(tiny_data, tmp_path / "b", epochs=1, init=str(tmp_path / "a" / "last.pt"))
    log = read_log(tmp_path / "b")
    assert [row["epoch"] for row in log] == ["1"]
    # Started from trained weights: the first epoch's loss is below a fresh model's first epoch.
    assert float(log[0]["train_loss"]) < float(read_log(tmp_path / "a")[0]["train_loss"])
