"""The model card's `metrics` from an `npm run eval -- --suite --json` file: every split's figures,
and how they were measured. Used by training/experiments/finish_*.sh before the second export.

  python3 training/suite_metrics.py SUITE.json METRICS.json [--tta none|card]
"""
import argparse
import json

KEEP = ("n", "accuracy", "macro_f1", "mean_recall", "recall", "precision", "predicted", "ece", "confusion")


def suite_metrics(suite: dict, tta: str) -> dict:
    splits = {k: {m: v[m] for m in KEEP if m in v} for k, v in suite["splits"].items()}
    return {"measured": "npm run eval -- --suite (tfjs wasm, the app's crop and classifier)", "tta": tta, "splits": splits}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("suite")
    p.add_argument("out")
    p.add_argument("--tta", default="none", help="'none', or 'card' where the card's testTime applies")
    args = p.parse_args(argv)
    with open(args.suite) as f:
        metrics = suite_metrics(json.load(f), args.tta)
    with open(args.out, "w") as f:
        json.dump(metrics, f, indent=1)


if __name__ == "__main__":
    main()
