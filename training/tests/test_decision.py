"""The decision rules (decision.py): what each does to a model that leans to the frequent classes."""
import pytest
import torch

from metrics import confusion_matrix, summarize

PRIOR = torch.tensor([0.10, 0.02, 0.08, 0.28, 0.12, 0.10, 0.30])  # a natural mix: neutral and happy first


def sample(n: int, seed: int):
    """Logits of a model that reads rare classes weakly, on faces in PRIOR's mix."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.multinomial(PRIOR, n, replacement=True, generator=g)
    logits = 1.2 * torch.randn(n, 7, generator=g)
    logits[torch.arange(n), labels] += torch.where((labels == 1) | (labels == 2), 1.4, 2.4)
    return logits, labels


def stats(logits, labels, bias):
    return summarize(confusion_matrix(labels, (logits.double() + bias.double()).argmax(1)))


def test_mean_recall_is_the_mean_of_the_class_recalls_present():
    s = summarize(confusion_matrix(torch.tensor([6] * 9 + [2]), torch.tensor([6] * 10)))
    assert s["accuracy"] == pytest.approx(0.9) and s["mean_recall"] == pytest.approx(0.5)
    from metrics import mean_recall
    assert mean_recall(torch.tensor([6] * 10), torch.tensor([6] * 9 + [2])) == pytest.approx(0.5)


def test_the_balanced_rule_trades_accuracy_for_mean_recall_against_the_natural_mix():
    from decision import fit_rule
    fit_z, fit_y = sample(20000, 0)
    z, y = sample(20000, 1)  # faces no rule was fitted on
    natural, balanced = fit_rule("natural", fit_z, fit_y), fit_rule("balanced", fit_z, fit_y)
    n, b = stats(z, y, natural["bias"]), stats(z, y, balanced["bias"])
    assert b["mean_recall"] > n["mean_recall"] + 0.02
    assert b["accuracy"] < n["accuracy"]
    assert b["predicted"]["neutral"] < n["predicted"]["neutral"]  # the lean the rule is for
    assert abs(float(balanced["bias"].sum())) < 1e-4 and balanced["temperature"] > 0


@pytest.mark.parametrize("rule", ["adjusted", "recall"])
def test_a_floored_rule_keeps_accuracy_at_the_floor_where_it_was_fitted_and_gains_mean_recall(rule):
    from decision import fit_rule
    z, y = sample(20000, 2)
    natural = stats(z, y, fit_rule("natural", z, y)["bias"])
    floor = natural["accuracy"] - 0.02
    fitted = fit_rule(rule, z, y, min_accuracy=floor)
    s = stats(z, y, fitted["bias"])
    assert s["accuracy"] >= floor
    assert s["mean_recall"] > natural["mean_recall"]
    if rule == "adjusted":
        assert 0 < fitted["tau"] <= 2


def test_the_recall_rule_never_scores_below_its_start_and_refuses_a_start_under_the_floor():
    from decision import fit_weighted_bias, recall_bias
    z, y = sample(5000, 3)
    start = fit_weighted_bias(z, y)
    floor = stats(z, y, start)["accuracy"] - 0.01
    c = recall_bias(z, y, start, floor)
    assert stats(z, y, c)["mean_recall"] >= stats(z, y, start)["mean_recall"]
    with pytest.raises(ValueError, match="below the floor"):
        recall_bias(z, y, start, 0.999)


def test_an_unknown_rule_is_refused():
    from decision import fit_rule
    z, y = sample(100, 4)
    with pytest.raises(ValueError, match="unknown decision rule"):
        fit_rule("majority", z, y)
