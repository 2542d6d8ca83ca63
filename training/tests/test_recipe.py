"""The recipe that makes the model read real faces: degradation, mixing, logit adjustment,
distillation, calibration. Each test pins a behaviour that a broken implementation would lose."""
import math

import pytest
import torch
import torch.nn.functional as F

from augment import AugmentConfig, augment, augment_pair, random_affine
from calibrate import calibrate, fit_temperature
from checkpoint import load_checkpoint, save_checkpoint
from degrade import DegradeConfig, degrade, gaussian_blur, jpeg_round_trip, resample
from evaluate import decide, evaluate
from export import build_graph
from graph_runtime import run_graph
from losses import distillation_loss, log_prior, mix_batch, soft_cross_entropy
from metrics import expected_calibration_error
from probe_inference import FER_MEAN, FER_STD, standardize_tone
from soup import mix
from testing import random_model
from train import TrainConfig, main

OFF = dict(scale=0, rotate=0, shift=0, flip=0, brightness=0, contrast=0, erase=0)


def high_freq_energy(x: torch.Tensor) -> float:
    """Mean squared response to a Laplacian: the fine detail in an image."""
    lap = torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=x.dtype).view(1, 1, 3, 3)
    return float(F.conv2d(x, lap).pow(2).mean())


def faces(n=16, seed=0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 64, 64, generator=g)


def test_degrade_off_is_the_identity_and_on_keeps_shape_and_range():
    x = faces()
    assert torch.equal(degrade(x, DegradeConfig(p=0.0)), x)
    y = degrade(x, DegradeConfig(p=1.0), torch.Generator().manual_seed(1))
    assert y.shape == x.shape and y.min() >= 0 and y.max() <= 1
    assert not torch.equal(y, x)


def test_resample_through_a_small_size_removes_detail_as_a_far_face_does():
    x = faces()
    assert high_freq_energy(resample(x, [24] * 16)) < 0.2 * high_freq_energy(x)
    assert torch.equal(resample(x, [64] * 16), x)  # the native size is a no-op


def test_blur_sharpen_and_jpeg_move_detail_the_expected_way():
    x = F.interpolate(faces(), scale_factor=0.5, mode="bilinear", align_corners=False)
    x = F.interpolate(x, size=(64, 64), mode="bilinear", align_corners=False)  # a soft, FER-like image
    base = high_freq_energy(x)
    assert high_freq_energy(gaussian_blur(x, torch.full((16,), 1.0))) < 0.5 * base
    sharp = degrade(x, DegradeConfig(p=1.0, resample=0, blur=0, sharpen=1.0, noise=0, gamma=0, light=0, jpeg=0))
    assert high_freq_energy(sharp) > 1.5 * base
    j = jpeg_round_trip(x[:2], [20, 20])
    assert 0 < (j - x[:2]).abs().mean() < 0.1


def test_each_image_draws_its_own_degradation():
    x = faces(1).expand(32, 1, 64, 64).clone()
    y = degrade(x, DegradeConfig(p=0.5), torch.Generator().manual_seed(3))
    changed = [(y[i] - x[i]).abs().max() > 1e-6 for i in range(32)]
    assert 4 < sum(changed) < 28  # some images untouched, most not: p is per image
    assert len({round(float((y[i] - x[i]).abs().mean()), 5) for i in range(32) if changed[i]}) > 3


def test_augment_runs_degrade_between_affine_and_photometric():
    x = faces(8)[:, :, :48, :48]
    plain = augment(x, AugmentConfig(**OFF), generator=torch.Generator().manual_seed(0))
    deg = augment(x, AugmentConfig(**OFF, degrade=DegradeConfig(p=1.0)), generator=torch.Generator().manual_seed(0))
    assert plain.shape == deg.shape == (8, 1, 64, 64) and not torch.allclose(plain, deg)


def test_logit_adjustment_removes_the_training_prior_from_what_the_model_learns():
    # A bias-only "model" trained on labels with a 90/10 prior: plain CE learns the prior, the
    # adjusted loss learns equal scores (the prior is added back only inside the loss).
    labels = torch.tensor([0] * 90 + [1] * 10)
    target = F.one_hot(labels, 2).float()
    adjust = log_prior(target)
    for adj, expect_gap in ((None, math.log(9)), (adjust, 0.0)):
        b = torch.zeros(2, requires_grad=True)
        opt = torch.optim.SGD([b], lr=1.0)
        for _ in range(500):
            opt.zero_grad()
            soft_cross_entropy(b.expand(100, 2), target, adjust=adj).backward()
            opt.step()
        assert abs(float(b[0] - b[1]) - expect_gap) < 0.05


def test_soft_cross_entropy_equals_cross_entropy_on_one_hot_targets():
    logits, labels = torch.randn(10, 7), torch.randint(0, 7, (10,))
    assert torch.allclose(soft_cross_entropy(logits, F.one_hot(labels, 7).float()), F.cross_entropy(logits, labels))


def test_mixup_and_cutmix_mix_targets_in_the_proportion_of_the_images():
    x = torch.zeros(4, 1, 8, 8)
    x[1:] = 1.0
    target = F.one_hot(torch.tensor([0, 1, 1, 1]), 7).float()
    g = torch.Generator().manual_seed(0)
    for mode in ("mixup", "cutmix"):
        mixed, t, perm, lam = mix_batch(x, target, mode, 1.0, g)
        assert torch.allclose(t.sum(1), torch.ones(4))
        # the share of image 0 kept equals the weight of its label in the mixed target
        kept = 1 - mixed[0].mean() if perm[0] != 0 else torch.tensor(1.0)
        assert abs(float(kept) - float(t[0, 0])) < 1e-5 or perm[0] == 0
        assert 0 <= lam <= 1


def test_distillation_is_zero_only_when_student_matches_teacher():
    t_logits = torch.randn(5, 7)
    probs = torch.softmax(t_logits / 2, 1)
    assert distillation_loss(t_logits, probs, 2.0) < 1e-6
    assert distillation_loss(torch.randn(5, 7), probs, 2.0) > 0.01


def test_fit_temperature_recovers_the_overconfidence_factor():
    g = torch.Generator().manual_seed(0)
    true_logits = torch.randn(20000, 7, generator=g) * 1.5
    labels = torch.multinomial(torch.softmax(true_logits, 1), 1, generator=g).squeeze(1)
    t = fit_temperature(true_logits * 2.5, labels)  # a model 2.5x too confident
    assert abs(t - 2.5) < 0.15
    before = expected_calibration_error(torch.softmax(true_logits * 2.5, 1), labels)["ece"]
    after = expected_calibration_error(torch.softmax(true_logits * 2.5 / t, 1), labels)["ece"]
    assert before > 0.1 and after < 0.02


def test_ece_bins_match_a_hand_computed_case():
    probs = torch.tensor([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    labels = torch.tensor([0, 1, 0, 0])
    r = expected_calibration_error(probs, labels, bins=10)
    # bin (0.8, 0.9]: conf 0.9, acc 0.5; bin (0.5, 0.6]: conf 0.6, acc 1.0 -> 0.5*0.4 + 0.5*0.4
    assert abs(r["ece"] - 0.4) < 1e-6 and sum(b["count"] for b in r["bins"]) == 4


def test_present_classes_decision_ignores_absent_classes():
    probs = torch.tensor([[0.1, 0.2, 0.0, 0.0, 0.0, 0.0, 0.7]])
    labels = torch.tensor([1])
    assert decide(probs, labels, "all").item() == 6 and decide(probs, labels, "present").item() == 1


def test_calibration_is_stored_evaluated_and_folded_into_the_graph(tiny_data, tmp_path):
    model = random_model()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    result = calibrate(str(tmp_path / "m.pt"), str(tiny_data), {"cross": str(tiny_data)},
                       plots=str(tmp_path / "plots"), write=True, log=lambda *_: None)
    t = result["temperature"]
    assert t != 1.0 and (tmp_path / "plots" / "reliability-PrivateTest.png").stat().st_size > 1000
    _, ckpt = load_checkpoint(tmp_path / "m.pt")
    assert ckpt["temperature"] == pytest.approx(t)
    x = torch.rand(4, 1, 64, 64)
    with torch.no_grad():
        want = torch.softmax(model(x) / t, 1)
    got = run_graph(build_graph(model, temperature=t), x.permute(0, 2, 3, 1))
    assert torch.allclose(got, want, atol=1e-5)
    ev = evaluate(str(tmp_path / "m.pt"), str(tiny_data), log=lambda *_: None, cross={"cross": str(tiny_data)})
    assert ev["temperature"] == pytest.approx(t) and "ece" in ev["splits"]["PrivateTest"]
    assert set(ev["splits"]["cross"]["predicted"]) == set(ev["splits"]["cross"]["recall"])


def test_training_with_the_whole_recipe_runs_and_logs_the_watched_set(tiny_data, tmp_path):
    teacher = tmp_path / "teacher.pt"
    save_checkpoint(teacher, random_model(), "resemotenet_s", epoch=1)
    cfg = TrainConfig(data=str(tiny_data), out=str(tmp_path / "run"), epochs=2, batch_size=16, lr=0.02,
                      warmup_epochs=0.5, progress=False, threads=1, degrade=0.5, mixup=0.2, cutmix=1.0,
                      mix_prob=1.0, logit_adjust=1.0, teacher=str(teacher), distill=0.5,
                      watch=str(tiny_data), select="macro_f1")
    best = main(cfg)
    assert best["metric"] == "macro_f1"
    log = (tmp_path / "run" / "log.csv").read_text().splitlines()
    assert {"watch_acc", "watch_neutral", "public_f1"} <= set(log[0].split(",")) and len(log) == 3


def test_the_clean_view_has_the_same_geometry_without_the_quality_stages():
    gray = torch.rand(6, 1, 48, 48)
    cfg = AugmentConfig(scale=0.1, rotate=10, shift=0.08, flip=0.5, brightness=0.3, contrast=0.3, erase=0.5,
                        degrade=DegradeConfig(p=1.0))
    x, clean = augment_pair(gray, cfg, generator=torch.Generator().manual_seed(3))
    assert torch.equal(clean, random_affine(gray, cfg, 64, torch.Generator().manual_seed(3)))
    assert x.shape == clean.shape == (6, 1, 64, 64)
    assert not torch.allclose(x, clean, atol=1e-3)  # degraded, jittered, erased: not the teacher's view
    assert torch.equal(augment(gray, cfg, generator=torch.Generator().manual_seed(3)), x)


def test_distilling_from_clean_views_trains(tiny_data, tmp_path):
    teacher = tmp_path / "teacher.pt"
    save_checkpoint(teacher, random_model(), "resemotenet_s", epoch=1)
    cfg = TrainConfig(data=str(tiny_data), out=str(tmp_path / "run"), epochs=1, batch_size=16, lr=0.02,
                      warmup_epochs=0.5, progress=False, threads=1, degrade=1.0, teacher=str(teacher),
                      distill=0.7, distill_clean=True)
    assert main(cfg)["metric"] == "accuracy"
    with pytest.raises(ValueError, match="distill-clean"):
        main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "y"), distill_clean=True, progress=False))
    with pytest.raises(ValueError, match="distill-clean"):
        main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "z"), teacher=str(teacher), distill_clean=True,
                         mixup=0.2, progress=False))


def test_bad_settings_are_refused_before_anything_is_written(tiny_data, tmp_path):
    with pytest.raises(ValueError, match="select"):
        main(TrainConfig(data=str(tiny_data), out=str(tmp_path / "x"), select="loss", progress=False))
    assert not (tmp_path / "x").exists()


def test_test_time_views_are_the_training_affine_and_the_identity_view_is_the_contract_resize():
    from contract import to_model_input
    from evaluate import tta_views
    gray = (torch.rand(3, 48, 48) * 255).round().to(torch.uint8)
    (identity,) = tta_views(gray, "none")
    assert torch.allclose(identity, to_model_input(gray), atol=1e-5)
    plain, mirrored = tta_views(gray, "flip")
    assert torch.allclose(mirrored, plain.flip(-1), atol=1e-5)
    assert len(tta_views(gray, "crops")) == 10


def test_prior_correction_is_chosen_on_macro_f1_and_folded_into_the_graph(tiny_data, tmp_path):
    from calibrate import choose_prior_correction
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 7, (2000,), generator=g)
    # A model that knows the class but leans hard to class 6 ("neutral") when unsure.
    logits = torch.randn(2000, 7, generator=g) + 2.0 * F.one_hot(labels, 7)
    logits[:, 6] += 2.0
    tau, bias, table = choose_prior_correction(logits, labels)
    assert tau > 0 and bias[6] < bias[:6].min()  # the lean is taken out
    f1 = {r["tau"]: r["macro_f1"] for r in table}
    assert f1[tau] >= f1[0.0] + 0.05

    model = random_model()
    save_checkpoint(tmp_path / "m.pt", model, "resemotenet_s", epoch=1)
    result = calibrate(str(tmp_path / "m.pt"), str(tiny_data), {}, write=True, log=lambda *_: None, balance=True)
    _, ckpt = load_checkpoint(tmp_path / "m.pt")
    c = torch.tensor(ckpt["logit_bias"])
    assert len(result["logit_bias"]) == 7
    x = torch.rand(4, 1, 64, 64)
    with torch.no_grad():
        want = torch.softmax((model(x) + c) / ckpt["temperature"], 1)
    got = run_graph(build_graph(model, temperature=ckpt["temperature"], logit_bias=ckpt["logit_bias"]), x.permute(0, 2, 3, 1))
    assert torch.allclose(got, want, atol=1e-5)


def test_soup_mixes_float_weights_linearly_and_keeps_counters():
    a, b = random_model("resemotenet_s", seed=1).state_dict(), random_model("resemotenet_s", seed=2).state_dict()
    b = {k: v + 1 if not v.is_floating_point() else v for k, v in b.items()}  # counters that differ
    for alpha in (0.0, 1.0, 0.3):
        m = mix(a, b, alpha)
        for k in a:
            if a[k].is_floating_point():
                assert torch.allclose(m[k], a[k] + alpha * (b[k] - a[k]), atol=1e-6), k
            else:
                assert torch.equal(m[k], b[k]), k
    with pytest.raises(ValueError, match="not the same architecture"):
        mix(a, {k: v for k, v in b.items() if "fc" not in k}, 0.5)


def test_tone_standardization_gives_every_face_the_reference_mean_and_contrast():
    g = torch.Generator().manual_seed(0)
    dark = 0.2 + 0.05 * torch.rand(4, 1, 64, 64, generator=g)  # dim, flat faces
    out = standardize_tone(dark)
    assert torch.allclose(out.mean((1, 2, 3)), torch.full((4,), FER_MEAN), atol=0.01)
    assert torch.allclose(out.std((1, 2, 3)), torch.full((4,), FER_STD), atol=0.01)
    assert torch.equal(out.flatten(1).argsort(1), dark.flatten(1).argsort(1))  # a monotone map: no detail changed
