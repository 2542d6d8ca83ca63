"""Every bad input to the command-line tools: exit status 2, one line on stderr, no traceback,
and no output folder left behind."""
import subprocess
import sys
from pathlib import Path

import pytest

from checkpoint import save_checkpoint
from testing import random_model

TRAINING = Path(__file__).resolve().parent.parent


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TRAINING / script), *args], capture_output=True, text=True, timeout=300)


def assert_one_line_error(r: subprocess.CompletedProcess, *needles: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in r.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture
def only_train(tiny_data, tmp_path):
    """A folder dataset with a train/ split and nothing to select on."""
    import shutil
    root = tmp_path / "only-train"
    shutil.copytree(tiny_data / "train", root / "train")
    return root


def test_train_without_a_selection_split(only_train, tmp_path):
    out = tmp_path / "run"
    r = run("train.py", "--data", str(only_train), "--out", str(out), "--epochs", "1", "--no-progress")
    assert_one_line_error(r, "no PublicTest split")
    assert not out.exists()


def test_train_on_a_packed_csv_with_an_unknown_usage(tmp_path):
    import numpy as np
    from PIL import Image
    folder = tmp_path / "packed"
    folder.mkdir()
    for name in ("train", "test"):
        Image.fromarray(np.zeros((48, 48 * 2), np.uint8)).save(folder / f"{name}.jpg")
        (folder / f"{name}.csv").write_text("index,path,label,usage\n0,a.jpg,happy,Bogus\n")
    out = tmp_path / "run"
    r = run("train.py", "--data", str(folder), "--out", str(out), "--epochs", "1", "--no-progress")
    assert_one_line_error(r, "'Bogus'")
    assert not out.exists()


def test_train_on_a_missing_folder_and_with_a_bad_flag_value(tmp_path):
    out = tmp_path / "run"
    assert_one_line_error(run("train.py", "--data", str(tmp_path / "nope"), "--out", str(out)), "does not exist")
    assert_one_line_error(run("train.py", "--data", str(tmp_path), "--out", str(out), "--select", "loss"), "--select")
    assert not out.exists()


def test_train_from_a_garbage_init_checkpoint(tiny_data, tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint at all")
    out = tmp_path / "run"
    r = run("train.py", "--data", str(tiny_data), "--out", str(out), "--init", str(junk), "--epochs", "1", "--no-progress")
    assert_one_line_error(r, "junk.pt")


def test_evaluate_with_no_test_split_fails_with_a_message(only_train, tmp_path):
    ckpt = tmp_path / "m.pt"
    save_checkpoint(ckpt, random_model(), "resemotenet_s", epoch=1)
    r = run("evaluate.py", "--checkpoint", str(ckpt), "--data", str(only_train), "--json", str(tmp_path / "m.json"))
    assert_one_line_error(r, "no split to evaluate")
    assert not (tmp_path / "m.json").exists()


def test_evaluate_and_export_refuse_a_garbage_checkpoint(tiny_data, tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x80\x02garbage")
    assert_one_line_error(run("evaluate.py", "--checkpoint", str(junk), "--data", str(tiny_data)), "junk.pt")
    out = tmp_path / "model"
    assert_one_line_error(run("export.py", "--checkpoint", str(junk), "--out", str(out)), "junk.pt")
    assert not out.exists()
    assert_one_line_error(run("calibrate.py", "--checkpoint", str(tmp_path / "missing.pt"), "--data", str(tiny_data)), "missing.pt")
