import pytest
import torch

from model import VARIANTS, count_parameters, create_model, round_channels


def test_full_model_has_the_reference_parameter_count():
    assert count_parameters(create_model("resemotenet")) == 80_238_599


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_variant_maps_a_batch_of_gray_faces_to_seven_logits(variant):
    model = create_model(variant).eval()
    with torch.no_grad():
        out = model(torch.rand(2, 1, 64, 64))
    assert out.shape == (2, 7)
    assert torch.isfinite(out).all()


def test_small_variant_channels_are_multiples_of_eight_and_quarter_width():
    model = create_model("resemotenet_s")
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(c.out_channels % 8 == 0 for c in convs)
    assert model.conv1.out_channels == 16 and model.res_block3.conv2.out_channels == 512
    assert model.se.fc[0].out_features == 8  # 64 / 16 = 4, rounded up to the multiple of 8


def test_round_channels():
    assert [round_channels(v) for v in (4, 12, 16, 20, 64 * 0.25)] == [8, 16, 16, 24, 16]


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown variant"):
        create_model("resnet50")


def test_widening_keeps_the_function_and_noise_breaks_the_copies():
    from widen import widen
    torch.manual_seed(0)
    narrow = create_model("resemotenet_s")
    # trained-looking BatchNorm statistics, so the test sees them copied with their channels
    for m in narrow.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    narrow.eval()
    x = torch.rand(4, 1, 64, 64)
    wide = widen(narrow, create_model("resemotenet_l").eval())
    assert count_parameters(wide) > 3 * count_parameters(narrow)
    assert torch.allclose(wide(x), narrow(x), atol=1e-4)
    noisy = widen(narrow, create_model("resemotenet_l").eval(), noise=0.01, generator=torch.Generator().manual_seed(1))
    w = noisy.conv2.weight
    half = w.shape[0] // 2
    assert not torch.equal(w[:half], w[half:])  # the copies differ, so they can learn apart
    assert (noisy(x) - narrow(x)).abs().max() < 0.5  # and the function barely moved


def test_widening_refuses_a_width_that_is_not_a_multiple():
    from widen import widen
    with pytest.raises(ValueError, match="not a multiple"):
        widen(create_model("resemotenet_s"), create_model("resemotenet_m"))
