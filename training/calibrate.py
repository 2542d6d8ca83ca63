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
    args = p.parse_args(argv)
    result = calibrate(args.checkpoint, args.data, parse_cross(args.cross), args.plots, args.write, balance=args.balance)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    run_cli(main)
