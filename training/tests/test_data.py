import numpy as np
import pytest
import torch
from PIL import Image

from augment import AugmentConfig, augment, random_affine
from contract import CLASSES, to_gray_uint8, to_model_input
from data import DataError, attach_ferplus, class_weights, leak_free_mask, load_data, read_csv, read_folder, read_packed


def test_folder_reader_splits_by_file_prefix(tiny_data):
    sets = read_folder(tiny_data)
    assert {k: len(v) for k, v in sets.items()} == {"Training": 84, "PublicTest": 14, "PrivateTest": 14}
    assert sets["Training"].images.dtype == torch.uint8 and sets["Training"].images.shape[1:] == (48, 48)
    assert sets["Training"].class_counts() == [12] * 7
    assert all(p.startswith("test/") and "PublicTest_" in p for p in sets["PublicTest"].paths)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_folder(tmp_path / "nope")


def test_unknown_class_folder_is_a_clear_error(tiny_data):
    (tiny_data / "train" / "contempt").mkdir()
    with pytest.raises(DataError, match="unknown class folder .*contempt"):
        read_folder(tiny_data)


def test_corrupt_image_names_the_file(tiny_data):
    bad = tiny_data / "train" / "happy" / "Training_broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    with pytest.raises(DataError, match="Training_broken.jpg"):
        read_folder(tiny_data)


def test_csv_reader_and_wrong_columns(tmp_path):
    good = tmp_path / "fer2013.csv"
    pixels = " ".join(["7"] * 48 * 48)
    good.write_text(f"emotion,pixels,Usage\n3,{pixels},Training\n6,{pixels},PublicTest\n0,{pixels},PrivateTest\n")
    sets = read_csv(good)
    assert sets["Training"].labels.tolist() == [3] and sets["PrivateTest"].images.shape == (1, 48, 48)
    assert load_data(good)["PublicTest"].labels.tolist() == [6]
    bad = tmp_path / "bad.csv"
    bad.write_text("label,image\n3,1 2 3\n")
    with pytest.raises(DataError, match="lacks columns"):
        read_csv(bad)


def test_packed_mosaic_reader(tmp_path):
    rng = np.random.default_rng(1)
    tiles = [rng.integers(0, 255, (48, 48), dtype=np.uint8) for _ in range(3)]
    for name, usage in (("train", "Training"), ("test", "PrivateTest")):
        mosaic = np.zeros((48, 128 * 48), np.uint8)
        for i, t in enumerate(tiles):
            mosaic[:, i * 48:(i + 1) * 48] = t
        Image.fromarray(mosaic).save(tmp_path / f"{name}.png")
        (tmp_path / f"{name}.jpg").write_bytes((tmp_path / f"{name}.png").read_bytes())  # lossless stand-in
        rows = "".join(f"{i},{name}/happy/x{i}.jpg,happy,{usage}\n" for i in range(3))
        (tmp_path / f"{name}.csv").write_text("index,path,label,usage\n" + rows)
    sets = load_data(tmp_path)
    assert torch.equal(sets["Training"].images[2], torch.from_numpy(tiles[2]))
    assert sets["PrivateTest"].labels.tolist() == [CLASSES.index("happy")] * 3
    (tmp_path / "test.csv").unlink()
    with pytest.raises(DataError, match="test.csv"):
        read_packed(tmp_path)


def test_ferplus_majority_and_soft_labels(tiny_data, tmp_path):
    sets = read_folder(tiny_data)
    votes = tmp_path / "votes.csv"
    header = "path,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
    first, second = sets["Training"].paths[:2]
    votes.write_text(header + f"{first},1,8,0,0,1,0,0,0,0,0\n{second},0,0,0,0,0,0,0,0,0,10\n")
    out = attach_ferplus(sets, votes, "soft")
    train = out["Training"]
    assert train.paths == [first]  # the NF-only image and the unvoted ones are dropped
    assert train.labels.tolist() == [CLASSES.index("happy")]
    assert torch.allclose(train.soft[0, CLASSES.index("happy")], torch.tensor(0.8))
    assert attach_ferplus(sets, votes, "majority")["Training"].soft is None


def test_leak_free_mask_finds_pixel_identical_twins(tiny_data):
    sets = read_folder(tiny_data)
    private = sets["PrivateTest"]
    private.images[3] = sets["Training"].images[10]
    mask = leak_free_mask(private, sets["Training"])
    assert mask.tolist().count(False) == 1 and not mask[3]


def test_contract_preprocessing():
    rgb = torch.zeros(2, 2, 3, dtype=torch.uint8)
    rgb[..., 1] = 200
    assert to_gray_uint8(rgb)[0, 0].item() == round(0.587 * 200)
    x = to_model_input(torch.full((1, 48, 48), 255, dtype=torch.uint8))
    assert x.shape == (1, 1, 64, 64) and x.dtype == torch.float32 and torch.allclose(x, torch.ones_like(x))
    big = to_model_input(torch.randint(0, 256, (1, 256, 256), dtype=torch.uint8))
    assert big.shape == (1, 1, 64, 64) and 0 <= big.min() and big.max() <= 1


def test_augmentation_at_zero_strength_is_the_contract_resize():
    gray = torch.randint(0, 256, (4, 48, 48), dtype=torch.uint8)
    off = AugmentConfig(scale=0, rotate=0, shift=0, flip=0, brightness=0, contrast=0, erase=0)
    ident = random_affine(gray.float().div(255).unsqueeze(1), off)
    assert torch.allclose(ident, to_model_input(gray), atol=1e-6)
    full = augment(gray.float().div(255).unsqueeze(1), AugmentConfig())
    assert full.shape == (4, 1, 64, 64) and not torch.allclose(full, ident)
    assert 0 <= full.min() and full.max() <= 1


def test_class_weights_average_one_per_sample_and_favour_rare_classes():
    labels = torch.tensor([0] * 90 + [1] * 10)
    w = class_weights(labels, 0.5)
    assert w[1] > w[0]
    assert torch.isclose((w[labels]).mean(), torch.tensor(1.0))
    assert torch.allclose(class_weights(labels, 0.0)[:2], torch.ones(2))
