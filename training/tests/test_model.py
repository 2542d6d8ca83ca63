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
