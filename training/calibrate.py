"""Temperature scaling (Guo et al., 2017): one scalar T, fitted on FER2013 PublicTest, that makes the
bars' numbers read as probabilities. softmax(logits / T) keeps every argmax (accuracy unchanged)
and only changes confidence.

  /usr/bin/python3 training/calibrate.py --checkpoint runs/x/best.pt --cross ck48=../shared/data/ck48 \
      --plots docs/model --json docs/model/calibration.json --write

--write stores T in the checkpoint (key `temperature`); evaluate.py then scores the calibrated
probabilities and export.py folds 1/T into the last layer of the graph, so the app needs nothing.
ECE (15 equal-width bins) is reported before and after, on PublicTest (where T was fitted),
PrivateTest and each --cross set.

--balance also corrects the model's class prior: logits + c with c = -tau * log(prior), the prior
being the model's own mean prediction on PublicTest, tau chosen on a grid to maximise PublicTest
macro-F1 (every class counts the same; accuracy would favour FER2013's frequent classes). c is
stored as `logit_bias` and folded into the graph with T. Chosen on PublicTest only.

--prior FACES fits the class priors to real photos instead (since ResEmoteNet-S5P): one temperature and one
bias per class on the pooled val set (FER2013 PublicTest and every val fold of the sources
prepared in FACES, each in its natural class mix): first jointly by likelihood (softmax((z + c) / T)
is softmax(a z + d) with a = 1/T, d = c/T, a convex multinomial logistic regression on the
logits), then c moved until each class is answered as often as it occurs there, and T refitted
(fit_prior); `--share-tol S` then lets each answer's share move up to S from its true share where
that raises pooled val macro-F1 (room_for_rare_classes). Both are stored (`temperature`, `logit_bias`) and folded into the graph. Reported
for every fold and for the pools (PublicTest + val folds; PrivateTest + test folds): ECE, and the
share of each answer beside the true share of each class.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F

from checkpoint import load_checkpoint, save_payload
from cli import run_cli
from data import DataError, concat_sets, load_data
from metrics import expected_calibration_error, plot_reliability

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "fer2013"
T_RANGE = (0.05, 20.0)


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, steps: int = 100) -> float:
    """The T > 0 that minimises the mean negative log-likelihood of softmax(logits / T)."""
    logits = logits.double()
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().clamp(*T_RANGE))


@torch.no_grad()
def logits_of(model, gray: torch.Tensor, batch: int = 512) -> torch.Tensor:
    from contract import to_model_input
    return torch.cat([model(to_model_input(gray[i:i + batch])) for i in range(0, len(gray), batch)])


def fit_prior(logits: torch.Tensor, labels: torch.Tensor, steps: int = 200, match_shares: bool = True,
              share_tol: float = 0.0) -> tuple[float, torch.Tensor]:
    """(T, c) for softmax((logits + c) / T), c centred (softmax ignores a common shift).

    First T and c jointly by likelihood (convex: a multinomial logistic regression on the logits).
    Likelihood calibrates the probabilities, but the argmax of calibrated probabilities still
    answers the frequent classes more often than they occur (the Bayes decision under doubt). With
    `match_shares`, c is then moved until each class is the answer as often as it is the truth
    on these faces (the aim: each answer's share near its true share), and T refitted
    for that c. The argmax does not depend on T, so the shares hold whatever T comes out.
    With `share_tol` > 0, c is then given room for the rare classes (`room_for_rare_classes`)
    before T is refitted."""
    z = logits.double()
    a = torch.ones((), dtype=torch.float64, requires_grad=True)  # 1 / T
    d = torch.zeros(z.shape[1], dtype=torch.float64, requires_grad=True)  # c / T
    opt = torch.optim.LBFGS([a, d], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(a * z + d, labels)
        loss.backward()
        return loss

    opt.step(closure)
    t = float((1 / a.detach()).clamp(*T_RANGE))
    c = d.detach() * t
    if match_shares:
        c = match_answer_shares(z, labels, c)
        if share_tol > 0:
            c = room_for_rare_classes(z, labels, c, share_tol)
        t = fit_temperature(z + c, labels, steps)
    return t, (c - c.mean()).float()


def match_answer_shares(z: torch.Tensor, labels: torch.Tensor, c: torch.Tensor, iters: int = 2000,
                        tol: float = 0.002) -> torch.Tensor:
    """Move the bias c until argmax(z + c) gives each class as often as `labels` holds it (within
    `tol`), by steps on log(true share / answered share); classes absent from `labels` get none."""
    k = z.shape[1]
    true = torch.bincount(labels, minlength=k).double() / len(labels)
    c = c.clone().double()
    step = 0.5
    for i in range(iters):
        pred = torch.bincount((z + c).argmax(1), minlength=k).double() / len(labels)
        if (pred - true).abs().max() < tol:
            break
        c += step * ((true + 1e-4).log() - (pred + 1e-4).log())
        if i % 200 == 199:
            step /= 2  # damp an oscillation between two neighbouring faces' answers
    return c


def room_for_rare_classes(z: torch.Tensor, labels: torch.Tensor, c: torch.Tensor, share_tol: float,
                          span: float = 2.0, step: float = 0.05, sweeps: int = 6) -> torch.Tensor:
    """Share matching makes each answer exactly as frequent as its class, which leaves a rare class
    that the model reads poorly (disgust) with low recall. A share may be off by
    a few points; this spends that room on macro-F1 (every class counts the same): coordinate
    ascent, one class's bias at a time over c_k + [-span, span] in `step`s, keeping only values
    where every answer's share stays within `share_tol` of the true share on these faces. Starts
    from share-matched c (feasible), so the result is feasible and never scores lower than it."""
    from decision import coordinate_ascent
    from metrics import confusion_matrix, summarize
    k = z.shape[1]
    true = torch.bincount(labels, minlength=k).double() / len(labels)
    c = c.clone().double()

    def score(bias: torch.Tensor) -> float:
        pred = (z + bias).argmax(1)
        if (torch.bincount(pred, minlength=k).double() / len(labels) - true).abs().max() > share_tol + 1e-9:
            return -1.0
        return summarize(confusion_matrix(labels, pred, k))["macro_f1"]

    return coordinate_ascent(c, score, [j for j in range(k) if true[j] > 0], span, step, sweeps, tol=1e-9)


def answer_shares(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """{class: {'predicted': share of answers, 'true': share of faces}} and the largest gap."""
    k = logits.shape[1]
    pred = torch.bincount(logits.argmax(1), minlength=k).double() / len(labels)
    true = torch.bincount(labels, minlength=k).double() / len(labels)
    from contract import CLASSES
    return {"shares": {c: {"predicted": round(float(p), 4), "true": round(float(t), 4)} for c, p, t in zip(CLASSES, pred, true)},
            "max_gap": round(float((pred - true).abs().max()), 4)}


def pooled_sets(data: str, faces: str) -> dict:
    """{'PublicTest', 'PrivateTest', '<source>:val', '<source>:test', ...} FaceSets: FER2013's test
    splits and every prepared source's held-out folds (the training folds are not read here)."""
    from sources import split_sets
    sets = load_data(data)
    out = {u: sets[u] for u in ("PublicTest", "PrivateTest") if u in sets}
    out.update({k: v for k, v in sorted(split_sets(faces).items()) if k != "Training"})
    return out


def pooled_logits(checkpoint: str, data: str, faces: str, cross: dict[str, str], flip: bool = False):
    """(model checkpoint dict, logits by set, labels by set, val set names, test set names): every
    pooled set and --cross set scored by the checkpoint, each face alone or, with `flip`, by the
    mean of its logits and its mirror's (the app averages the two calibrated probabilities; `npm
    run eval` measures that exactly). The pools `pooled:val` and `pooled:test` are added."""
    model, ckpt = load_checkpoint(checkpoint)
    evals = pooled_sets(data, faces)
    for name, path in cross.items():
        evals[name] = concat_sets(list(load_data(path).values()))
    scored = (lambda g: 0.5 * (logits_of(model, g) + logits_of(model, g.flip(-1)))) if flip else (lambda g: logits_of(model, g))
    logits = {name: scored(s.images) for name, s in evals.items()}
    labels = {name: s.labels for name, s in evals.items()}
    val = ["PublicTest"] + [n for n in evals if n.endswith(":val")]
    test = ["PrivateTest"] + [n for n in evals if n.endswith(":test")]
    for pool, names in (("pooled:val", val), ("pooled:test", test)):
        logits[pool] = torch.cat([logits[n] for n in names])
        labels[pool] = torch.cat([labels[n] for n in names])
    return ckpt, logits, labels, val, test


def calibrate_prior(checkpoint: str, data: str, faces: str, cross: dict[str, str], write: bool = False,
                    log=print, flip: bool = False, share_tol: float = 0.0, rule: str = "natural",
                    min_accuracy: float = 0.0) -> dict:
    """Fit T and the class bias on the pooled val set by a decision rule (decision.py; `natural`:
    the likelihood fit and share matching of fit_prior); report every fold and both pools."""
    from decision import fit_rule
    from metrics import confusion_matrix, summarize
    ckpt, logits, labels, val, _ = pooled_logits(checkpoint, data, faces, cross, flip)
    if rule == "natural":
        t, bias = fit_prior(logits["pooled:val"], labels["pooled:val"], share_tol=share_tol)
    else:
        if share_tol:
            raise ValueError("--share-tol goes with the natural rule only")
        fitted = fit_rule(rule, logits["pooled:val"], labels["pooled:val"], min_accuracy)
        t, bias = fitted["temperature"], fitted["bias"]
    result: dict = {"checkpoint": str(checkpoint), "fitted_on": "pooled:val = " + " + ".join(val), "bins": 15,
                    "share_tol": share_tol, "rule": rule, "min_accuracy": min_accuracy,
                    "scoring": "mean logits of the face and its mirror" if flip else "the face",
                    "temperature": t, "logit_bias": [round(float(v), 6) for v in bias], "splits": {}}
    log(f"rule {rule}, fitted on the pooled val set (n={len(labels['pooled:val'])}): T {t:.4f}, bias "
        + ", ".join(f"{c} {float(v):+.3f}" for c, v in zip(ckpt["classes"], bias)))
    log(f"{'':>16}  {'acc':>6} {'F1':>6} {'recall':>6} -> {'acc':>6} {'F1':>6} {'recall':>6}  {'ECE':>6} -> {'ECE':>6}  max share gap -> after")
    for name in logits:
        z, y = logits[name], labels[name]
        fitted = (z + bias) / t
        before, after = summarize(confusion_matrix(y, z.argmax(1))), summarize(confusion_matrix(y, fitted.argmax(1)))
        r = {"n": len(y), "before": {"accuracy": before["accuracy"], "macro_f1": before["macro_f1"],
                                     "mean_recall": before["mean_recall"], **answer_shares(z, y),
                                     "ece": expected_calibration_error(torch.softmax(z, 1), y)["ece"]},
             "after": {"accuracy": after["accuracy"], "macro_f1": after["macro_f1"], "mean_recall": after["mean_recall"],
                       "recall": after["recall"], **answer_shares(fitted, y),
                       "ece": expected_calibration_error(torch.softmax(fitted, 1), y)["ece"]}}
        result["splits"][name] = r
        b, a = r["before"], r["after"]
        log(f"{name:>16}  {b['accuracy']:6.3f} {b['macro_f1']:6.3f} {b['mean_recall']:6.3f} -> {a['accuracy']:6.3f} "
            f"{a['macro_f1']:6.3f} {a['mean_recall']:6.3f}  {b['ece']:6.3f} -> {a['ece']:6.3f}  {b['max_gap']:.3f} -> {a['max_gap']:.3f}")
    for pool in ("pooled:val", "pooled:test"):
        a = result["splits"][pool]["after"]
        log(f"{pool} after the fit, class: recall, answered / true share: " + ", ".join(
            f"{c} {a['recall'][c]:.2f} {v['predicted']:.3f}/{v['true']:.3f}" for c, v in a["shares"].items()))
    if write:
        save_payload(checkpoint, {**ckpt, "temperature": t, "logit_bias": [float(v) for v in bias],
                                  "prior_fit": {"fitted_on": result["fitted_on"], "n": len(labels["pooled:val"]), "rule": rule,
                                                **({"min_accuracy": min_accuracy} if rule in ("adjusted", "recall") else {}),
                                                **({"share_tol": share_tol} if share_tol else {})}})
        log(f"wrote the temperature and class bias into {checkpoint}")
    return result


def parse_cross(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise ValueError(f"--cross takes name=path, not {item!r}")
        out[name] = path
    return out


TAUS = (-0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


def choose_prior_correction(logits: torch.Tensor, labels: torch.Tensor) -> tuple[float, torch.Tensor, list]:
    """(tau, bias, table): bias = -tau * log(mean softmax), tau maximising macro-F1 on these logits."""
    from metrics import confusion_matrix, summarize
    log_prior = torch.softmax(logits.double(), 1).mean(0).clamp(min=1e-6).log()
    table = []
    for tau in TAUS:
        s = summarize(confusion_matrix(labels, (logits.double() - tau * log_prior).argmax(1)))
        table.append({"tau": tau, "macro_f1": round(s["macro_f1"], 4), "accuracy": round(s["accuracy"], 4)})
    best = max(table, key=lambda r: (r["macro_f1"], -abs(r["tau"])))
    return best["tau"], (-best["tau"] * log_prior).float(), table


def calibrate(checkpoint: str, data: str, cross: dict[str, str], plots: str = "", write: bool = False,
              log=print, balance: bool = False) -> dict:
    model, ckpt = load_checkpoint(checkpoint)
    sets = load_data(data)
    if "PublicTest" not in sets:
        raise DataError(f"{data} has no PublicTest split to fit the temperature on")
    evals = {u: sets[u] for u in ("PublicTest", "PrivateTest") if u in sets}
    for name, path in cross.items():
        evals[name] = concat_sets(list(load_data(path).values()))
    logits = {name: logits_of(model, s.images) for name, s in evals.items()}
    bias = torch.zeros(logits["PublicTest"].shape[1])
    result: dict = {"checkpoint": str(checkpoint), "fitted_on": "PublicTest", "bins": 15, "splits": {}}
    if balance:
        tau, bias, table = choose_prior_correction(logits["PublicTest"], evals["PublicTest"].labels)
        result.update(prior_tau=tau, logit_bias=[round(float(v), 6) for v in bias], prior_table=table)
        log("prior correction on PublicTest (tau: macro-F1, accuracy): "
            + ", ".join(f"{r['tau']}: {r['macro_f1']:.4f}, {r['accuracy'] * 100:.2f}%" for r in table) + f" -> tau {tau}")
        logits = {k: v + bias for k, v in logits.items()}
    t = fit_temperature(logits["PublicTest"], evals["PublicTest"].labels)
    result["temperature"] = t
    for name, s in evals.items():
        before = expected_calibration_error(torch.softmax(logits[name], 1), s.labels)
        after = expected_calibration_error(torch.softmax(logits[name] / t, 1), s.labels)
        result["splits"][name] = {"ece_before": before["ece"], "ece_after": after["ece"],
                                  "nll_before": F.cross_entropy(logits[name], s.labels).item(),
                                  "nll_after": F.cross_entropy(logits[name] / t, s.labels).item(),
                                  "bins_before": before["bins"], "bins_after": after["bins"]}
        log(f"{name:>12}: ECE {before['ece']:.4f} -> {after['ece']:.4f}  "
            f"NLL {result['splits'][name]['nll_before']:.4f} -> {result['splits'][name]['nll_after']:.4f}")
        if plots:
            plot_reliability({"T = 1 (uncalibrated)": before, f"T = {t:.3f}": after},
                             f"{ckpt['variant']} on {name}: reliability (15 bins)", Path(plots) / f"reliability-{name}.png")
    log(f"temperature {t:.4f} (fitted on PublicTest, n={len(evals['PublicTest'])})")
    if write:
        payload = {**ckpt, "temperature": t}
        if balance:
            payload["logit_bias"] = [float(v) for v in bias]
        save_payload(checkpoint, payload)
        log(f"wrote the calibration into {checkpoint}")
    return result


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="FER2013: PublicTest fits T, PrivateTest is reported")
    p.add_argument("--cross", action="append", default=[], help="name=folder of a cross-domain set to report (repeatable)")
    p.add_argument("--plots", default="", help="folder for reliability-diagram PNGs")
    p.add_argument("--json", default="", help="write the result here")
    p.add_argument("--write", action="store_true", help="store the fitted temperature in the checkpoint")
    p.add_argument("--balance", action="store_true", help="also choose a class-prior correction on PublicTest macro-F1")
    p.add_argument("--prior", default="", metavar="FACES",
                   help="fit T and a bias per class on the pooled val set of these prepared faces (e.g. .cache/faces)")
    p.add_argument("--flip", action="store_true", help="with --prior: score each face with its mirror (a card with testTime.flip)")
    p.add_argument("--rule", default="natural", choices=("natural", "balanced", "adjusted", "recall"),
                   help="with --prior: the decision rule (training/decision.py): natural = the pooled mix's shares, "
                        "balanced = every class weighs the same, adjusted = logit adjustment by one tau, "
                        "recall = the largest mean class recall with accuracy >= --min-accuracy")
    p.add_argument("--min-accuracy", type=float, default=0.0,
                   help="with --rule adjusted|recall: the pooled val accuracy (0-1) the rule may not go below")
    p.add_argument("--share-tol", type=float, default=0.0,
                   help="with --prior: after share matching, move each class's bias to raise pooled val macro-F1 "
                        "while every answer's share stays within this of its true share (0 = exact share matching)")
    args = p.parse_args(argv)
    if args.prior and args.balance:
        raise ValueError("use --prior or --balance, not both")
    if args.prior:
        result = calibrate_prior(args.checkpoint, args.data, args.prior, parse_cross(args.cross), args.write, flip=args.flip,
                                 share_tol=args.share_tol, rule=args.rule, min_accuracy=args.min_accuracy)
    else:
        result = calibrate(args.checkpoint, args.data, parse_cross(args.cross), args.plots, args.write, balance=args.balance)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    run_cli(main)
