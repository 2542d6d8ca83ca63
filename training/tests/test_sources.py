"""The extra sources: folds never split a person or film, duplicates are dropped (held-out copy
kept), teacher soft labels are calibrated, weighted on val folds only, and train a student on
the union. Everything here runs on a synthetic prepared folder: no research data."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import synthetic_face
from contract import CLASSES
from losses import distillation_loss, soft_cross_entropy
from soft_labels import ensemble, fit_temperature
from soft_labels import main as soft_labels_main
from sources import fold_of, group_of, preparation, role_of, split_sets, summary
from train import TrainConfig, main


def write_prepared(root: Path, source: str, rows: list[tuple[str, int, np.ndarray]], teachers: dict | None = None) -> None:
    """rows: (file path under the source, label, 64x64 uint8 crop)."""
    folder = root / source
    folder.mkdir(parents=True, exist_ok=True)
    np.stack([r[2] for r in rows]).astype(np.uint8).tofile(folder / "gray64.u8")
    np.zeros((len(rows), 112, 112, 3), np.uint8).tofile(folder / "rgb112.u8")
    with (folder / "index.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["i", "path", "label", "status", "faces", "score", "width", "height"])
        for i, (path, label, _) in enumerate(rows):
            w.writerow([i, path, CLASSES[label], "found", 1, 0.9, 64, 64])
    for name, logp in (teachers or {}).items():
        np.asarray(logp, np.float32).tofile(folder / f"teacher-{name}.f32")


def people_rows(source: str, people: int, per_person: int, seed: int, name) -> list:
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(people):
        for k in range(per_person):
            label = (p + k) % len(CLASSES)
            rows.append((f"{CLASSES[label]}/{name(p, k)}", label, synthetic_face(label, rng, 64)))
    return rows


def mux_name(p, k):
    return f"Person_{p}_{k + 1:04d}.jpg"


def test_groups_come_from_the_names_of_each_source():
    assert group_of("muxspace", "happy/Aaron_Peirsol_0002.jpg") == "Aaron_Peirsol"
    assert group_of("sfew2", "sad/YouveGotAMail_004825734_00000001.png") == "YouveGotAMail"
    assert group_of("posed-mix", "angry/bu3dfe__M0030_SU04WH_F2D_png_jpg.rf.ef.jpg") == "bu3dfe__M0030"
    assert group_of("posed-mix", "angry/bosphorus__bs023_E_ANGER_0_png_jpg.rf.77.jpg") == "bosphorus__bs023"
    assert group_of("yale", "happy/01_happy.png") == "01"
    assert group_of("expw", "fear/angry_actor_120_f1.jpg") == "angry_actor_120"
    assert group_of("expw", "angry/angry_actor_120_f0.jpg") == group_of("expw", "fear/angry_actor_120_f1.jpg")
    # KDEF-dyn is morphed from KDEF's photos: one person, one group, whichever set the face came from
    assert group_of("posed-more", "happy/kdefdyn__F01__F01-NE-HA_last.jpg") == "kdef:F01"
    assert group_of("posed-more", "angry/kdef__F01__AF01ANS.jpg") == "kdef:F01"
    assert group_of("posed-more", "happy/nimstim__01F__01F_HA_C.jpg") == "nimstim:01F"


def test_folds_never_split_a_person_and_every_role_is_used(tmp_path):
    rows = people_rows("muxspace", people=40, per_person=3, seed=0, name=mux_name)
    write_prepared(tmp_path, "muxspace", rows)
    parts = split_sets(tmp_path, ["muxspace"])
    owner: dict[str, str] = {}
    for key, s in parts.items():
        for p in s.paths:
            person = group_of("muxspace", p.split("/", 1)[1])
            assert owner.setdefault(person, key) == key, f"{person} is in {owner[person]} and {key}"
    assert {"Training", "muxspace:val", "muxspace:test"} <= set(parts)
    assert sum(len(s) for s in parts.values()) == len(rows)
    assert role_of(fold_of("muxspace", "Person_3")) in ("train", "val", "test")


def test_a_duplicate_is_dropped_and_the_held_out_copy_is_kept(tmp_path):
    rows = people_rows("muxspace", people=20, per_person=2, seed=1, name=mux_name)
    held = next(r for r in rows if role_of(fold_of("muxspace", group_of("muxspace", r[0]))) != "train")
    # the same picture again, under a training-fold person of another source, with a pixel of noise
    train_person = next(f"bs{i:03d}" for i in range(100) if role_of(fold_of("posed-mix", f"bosphorus__bs{i:03d}")) == "train")
    copy = held[2].copy()
    copy[0, 0] ^= 1
    write_prepared(tmp_path, "muxspace", rows)
    write_prepared(tmp_path, "posed-mix", [(f"{CLASSES[held[1]]}/bosphorus__{train_person}_x.jpg", held[1], copy)])
    report = summary(tmp_path, ["muxspace", "posed-mix"])
    assert report["posed-mix"]["duplicates_dropped"] == 1 and report["muxspace"]["duplicates_dropped"] == 0
    parts = split_sets(tmp_path, ["muxspace", "posed-mix"])
    assert not any(p.startswith("posed-mix/") for p in parts["Training"].paths)


def test_teacher_temperature_and_ensemble_follow_the_val_folds():
    torch.manual_seed(0)
    logits = 2 * torch.randn(2000, 7)
    labels = torch.multinomial(torch.softmax(logits, 1), 1)[:, 0]  # calibrated at T = 1 by construction
    t = fit_temperature(torch.log_softmax(logits * 4, 1), labels)  # 4x over-confident
    assert 3 < t < 5.5
    good = torch.softmax(logits, 1)
    missing = torch.full_like(good, float("nan"))
    mixed = ensemble({"a": good, "b": missing}, {"a": 0.5, "b": 0.5})
    assert torch.allclose(mixed, good)  # a teacher missing on a row is left out of its mean


def test_distillation_weight_per_row_zero_is_plain_labels():
    logits, teacher = torch.randn(6, 7), torch.softmax(torch.randn(6, 7), 1)
    target = torch.nn.functional.one_hot(torch.arange(6) % 7, 7).float()
    w = torch.tensor([0.0, 0, 0, 1, 1, 1])
    mixed = soft_cross_entropy(logits, target, 1 - w) + distillation_loss(logits, teacher, 2.0, w)
    plain_half = soft_cross_entropy(logits[:3], target[:3]) / 2
    kl_half = distillation_loss(logits[3:], teacher[3:], 2.0) / 2
    assert mixed == pytest.approx(float(plain_half + kl_half), rel=1e-5)
    assert distillation_loss(logits, teacher, 2.0, torch.full((6,), 0.5)) == pytest.approx(
        0.5 * float(distillation_loss(logits, teacher, 2.0)), rel=1e-5)


def test_soft_labels_then_training_on_the_union(tiny_data, tmp_path):
    faces = tmp_path / "faces"
    rows = people_rows("muxspace", people=30, per_person=2, seed=2, name=mux_name)
    labels = np.array([r[1] for r in rows])
    rng = np.random.default_rng(0)
    right = np.log(np.full((len(rows), 7), 0.02) + 0.86 * np.eye(7)[labels])  # a good teacher
    noise = np.log(rng.dirichlet(np.ones(7), len(rows)))  # a useless one
    write_prepared(faces, "muxspace", rows, {"good": right, "noise": noise})
    out = tmp_path / "soft.pt"
    soft_labels_main(["--faces", str(faces), "--out", str(out)])
    state = torch.load(out)
    assert state["weights"]["good"] > state["weights"]["noise"]
    assert len(state["paths"]) == len(split_sets(faces, ["muxspace"])["Training"])

    cfg = TrainConfig(data=str(tiny_data), out=str(tmp_path / "run"), epochs=1, batch_size=16, lr=0.02,
                      warmup_epochs=0.5, progress=False, threads=1, extra=str(faces),
                      shares="fer2013=0.5,muxspace=0.5", soft_labels=str(out), distill=0.5, select="mean_f1")
    # the fixture holds only muxspace
    best = main(cfg)
    assert best["metric"] == "mean_f1"
    assert torch.load(tmp_path / "run" / "best.pt")["preprocessing"]["align"] is False  # cut straight
    header = (tmp_path / "run" / "log.csv").read_text().splitlines()[0].split(",")
    assert {"mean_f1", "muxspace:val_f1"} <= set(header)
    with pytest.raises(ValueError, match="--shares"):
        main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "r2"), extra=str(faces), shares="fer2013=1",
                         progress=False, epochs=1, batch_size=16))
    with pytest.raises(ValueError, match="--extra"):
        main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "r3"), select="mean_f1", progress=False))


def test_faces_prepared_aligned_make_an_aligned_card(tiny_data, tmp_path):
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=3, name=mux_name))
    assert preparation(faces) == {"align": False}  # a folder from before preparation.json: straight
    (faces / "preparation.json").write_text('{"align": true, "padFraction": null}\n')
    assert preparation(faces) == {"align": True}
    main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "run"), epochs=1, batch_size=16, progress=False,
                     threads=1, extra=str(faces), shares="fer2013=0.5,muxspace=0.5", select="mean_f1"))
    for name in ("best.pt", "last.pt"):
        assert torch.load(tmp_path / "run" / name)["preprocessing"]["align"] is True


def test_pooled_selection_logs_the_pool_and_last_keeps_every_epoch(tiny_data, tmp_path):
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=4, name=mux_name))
    run = tmp_path / "run"
    main(TrainConfig(data=str(tiny_data), out=str(run), epochs=2, batch_size=16, progress=False, threads=1,
                     extra=str(faces), shares="fer2013=0.5,muxspace=0.5", select="last", snapshots=True))
    with (run / "log.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["best"] for r in rows] == ["1", "2"]  # last: every epoch replaces best.pt
    assert all(0 <= float(r["pooled_f1"]) <= 1 for r in rows)
    best = torch.load(run / "best.pt")
    assert best["epoch"] == 2 and best["weights"] == "ema"
    assert sorted(p.name for p in (run / "epochs").iterdir()) == ["epoch-001.pt", "epoch-002.pt"]
    snapshot = torch.load(run / "epochs" / "epoch-002.pt")["state_dict"]
    assert all(torch.equal(snapshot[k], v) for k, v in best["state_dict"].items())  # the same weights
    first = torch.load(run / "epochs" / "epoch-001.pt")["state_dict"]
    assert not all(torch.equal(first[k], v) for k, v in snapshot.items())  # and a different epoch's


def test_the_pool_is_publictest_and_every_val_fold_in_their_natural_mix(tiny_data, tmp_path):
    from train import pooled_val
    from data import load_data
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=5, name=mux_name))
    parts = split_sets(faces, ["muxspace"])
    public = load_data(str(tiny_data))["PublicTest"]
    pool = pooled_val(public, {k: v for k, v in parts.items() if k != "Training"})
    assert len(pool) == len(public) + len(parts["muxspace:val"])  # the test fold stays out
    assert torch.equal(pool.labels, torch.cat([public.labels, parts["muxspace:val"].labels]))


def test_the_prior_fit_matches_answer_shares_and_keeps_calibration():
    from calibrate import answer_shares, fit_prior
    from metrics import expected_calibration_error

    def sample(n, seed):
        g = torch.Generator().manual_seed(seed)
        true_logits = 3.0 * torch.randn(n, 7, generator=g)
        true_logits[:, 3] += 1.0  # a natural mix: many happy faces
        labels = torch.multinomial(torch.softmax(true_logits, 1), 1, generator=g)[:, 0]
        # A model trained balanced (logit adjustment) and over-confident: it has lost the prior and
        # leans to "angry" (the failure seen on web photos), at T = 2.
        lean = torch.tensor([1.2, 0.0, 0.3, -1.0, 0.0, 0.0, -0.4])
        return 2.0 * (true_logits + lean), labels

    fit_logits, fit_labels = sample(20000, 0)
    t, c = fit_prior(fit_logits, fit_labels)
    assert t == pytest.approx(2.0, rel=0.15)
    assert abs(float(c.sum())) < 1e-4  # centred
    logits, labels = sample(20000, 1)  # faces the fit never saw
    before, after = answer_shares(logits, labels), answer_shares((logits + c) / t, labels)
    assert before["max_gap"] > 0.1 and after["max_gap"] < 0.02
    assert after["shares"]["angry"]["predicted"] == pytest.approx(after["shares"]["angry"]["true"], abs=0.02)
    assert expected_calibration_error(torch.softmax((logits + c) / t, 1), labels)["ece"] < 0.03
    assert expected_calibration_error(torch.softmax(logits, 1), labels)["ece"] > 0.05
    # likelihood alone calibrates but still over-answers the frequent class; share matching does not
    t0, c0 = fit_prior(fit_logits, fit_labels, match_shares=False)
    assert answer_shares((logits + c0) / t0, labels)["shares"]["happy"]["predicted"] > \
        after["shares"]["happy"]["predicted"]


def test_room_for_rare_classes_spends_the_share_tolerance_on_macro_f1_and_no_more():
    from calibrate import answer_shares, fit_prior, match_answer_shares, room_for_rare_classes
    from metrics import confusion_matrix, summarize

    g = torch.Generator().manual_seed(0)
    prior = torch.tensor([0.12, 0.02, 0.10, 0.30, 0.14, 0.10, 0.22])
    labels = torch.multinomial(prior, 20000, replacement=True, generator=g)
    logits = 1.2 * torch.randn(20000, 7, generator=g)
    logits[torch.arange(20000), labels] += torch.where(labels == 1, 1.2, 2.5)  # disgust rare and read weakly

    def f1(bias):
        return summarize(confusion_matrix(labels, (logits + bias).argmax(1)))["macro_f1"]

    matched = match_answer_shares(logits.double(), labels, torch.zeros(7, dtype=torch.float64))
    for tol in (0.01, 0.03, 0.05):
        roomy = room_for_rare_classes(logits.double(), labels, matched, tol)
        assert answer_shares(logits + roomy.float(), labels)["max_gap"] <= tol + 1e-6  # never past the tolerance
        assert f1(roomy.float()) >= f1(matched.float())  # never worse than share matching on what it fits
    # a wider tolerance is a larger feasible set: the search finds at least as much
    assert f1(room_for_rare_classes(logits.double(), labels, matched, 0.05).float()) >= \
        f1(room_for_rare_classes(logits.double(), labels, matched, 0.01).float()) - 1e-9
    # no tolerance, no room: fit_prior is the exact share matching
    assert torch.allclose(fit_prior(logits, labels, share_tol=0.0)[1], fit_prior(logits, labels)[1])


def test_calibrate_prior_fits_on_the_pooled_val_set_and_writes_both(tiny_data, tmp_path):
    from calibrate import calibrate_prior
    from checkpoint import load_checkpoint, save_checkpoint
    from testing import random_model
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=6, name=mux_name))
    model = random_model()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    result = calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, write=True, log=lambda *_: None)
    assert result["fitted_on"] == "pooled:val = PublicTest + muxspace:val"
    assert {"pooled:val", "pooled:test", "muxspace:test", "PrivateTest"} <= set(result["splits"])
    pool = result["splits"]["pooled:val"]
    assert pool["n"] == result["splits"]["PublicTest"]["n"] + result["splits"]["muxspace:val"]["n"]
    assert sum(v["true"] for v in pool["after"]["shares"].values()) == pytest.approx(1, abs=1e-3)
    _, ckpt = load_checkpoint(tmp_path / "m.pt")
    assert ckpt["temperature"] == pytest.approx(result["temperature"]) and len(ckpt["logit_bias"]) == 7
    assert ckpt["prior_fit"]["n"] == pool["n"]


def test_calibrate_prior_with_flip_scores_the_face_and_its_mirror(tiny_data, tmp_path):
    """--flip fits the priors on what a card with testTime.flip computes: a model that only ever
    sees the face's left half gives other logits on the mirror, so the fitted pools differ; the
    mirror of a left-right symmetric model changes nothing."""
    from calibrate import calibrate_prior
    from checkpoint import save_checkpoint
    from testing import random_model
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=6, name=mux_name))
    model = random_model()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    quiet = lambda *_: None  # noqa: E731
    plain = calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, log=quiet)
    flipped = calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, log=quiet, flip=True)
    assert plain["scoring"] == "the face" and flipped["scoring"].startswith("mean logits")
    assert flipped["splits"]["pooled:val"]["n"] == plain["splits"]["pooled:val"]["n"]
    assert flipped["logit_bias"] != plain["logit_bias"]  # a random network is not mirror-symmetric


def test_calibrate_prior_with_a_decision_rule_records_it_in_the_checkpoint(tiny_data, tmp_path):
    from calibrate import calibrate_prior
    from checkpoint import load_checkpoint, save_checkpoint
    from testing import random_model
    faces = tmp_path / "faces"
    write_prepared(faces, "muxspace", people_rows("muxspace", people=30, per_person=2, seed=6, name=mux_name))
    save_checkpoint(tmp_path / "m.pt", random_model(), "resemotenet_s", epoch=1)
    quiet = lambda *_: None  # noqa: E731
    natural = calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, log=quiet)
    balanced = calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, log=quiet, write=True, rule="balanced")
    assert balanced["rule"] == "balanced" and balanced["logit_bias"] != natural["logit_bias"]
    assert "mean_recall" in balanced["splits"]["pooled:val"]["after"]
    _, ckpt = load_checkpoint(tmp_path / "m.pt")
    assert ckpt["prior_fit"]["rule"] == "balanced"
    with pytest.raises(ValueError, match="natural rule only"):
        calibrate_prior(str(tmp_path / "m.pt"), str(tiny_data), str(faces), {}, log=quiet, rule="balanced", share_tol=0.03)


def test_soft_labels_per_group_take_each_teacher_where_it_is_strong(tmp_path):
    """Teacher 'posed' is right on posed-mix and useless on muxspace, 'wild' the other way round: one
    ensemble for all must split its weight, a mix per group gives each source its own teacher."""
    faces = tmp_path / "faces"
    rng = np.random.default_rng(1)

    def teachers(rows, good: str):
        labels = np.array([r[1] for r in rows])
        right = np.log(np.full((len(rows), 7), 0.02) + 0.86 * np.eye(7)[labels])
        noise = np.log(rng.dirichlet(np.ones(7), len(rows)))
        return {"posed": right, "wild": noise} if good == "posed" else {"posed": noise, "wild": right}

    mux = people_rows("muxspace", people=60, per_person=2, seed=3, name=mux_name)
    posed = people_rows("posed-mix", people=60, per_person=2, seed=4, name=lambda p, k: f"bu3dfe__M{p:04d}_{k}.jpg")
    write_prepared(faces, "muxspace", mux, teachers(mux, "wild"))
    write_prepared(faces, "posed-mix", posed, teachers(posed, "posed"))
    out = tmp_path / "soft.pt"
    soft_labels_main(["--faces", str(faces), "--out", str(out), "--criterion", "mean_recall",
                      "--groups", "posed=posed-mix;wild=muxspace"])
    state = torch.load(out)
    assert state["groups"]["posed"]["weights"]["posed"] == 1.0
    assert state["groups"]["wild"]["weights"]["wild"] == 1.0
    train = split_sets(faces, ["muxspace", "posed-mix"])["Training"]
    by_path = dict(zip(state["paths"], state["probs"]))
    right = [int(by_path[p].argmax()) == int(y) for p, y in zip(train.paths, train.labels)]
    assert sum(right) / len(right) > 0.95  # every training face labelled by the teacher right on its source
    from soft_labels import parse_groups
    with pytest.raises(ValueError, match="two groups"):
        parse_groups("a=muxspace;b=muxspace")
