"""Quality of the code suggestions: per-code precision, recall and F1, cold and trained.

Run: .venv/bin/python benchmarks/eval_suggest.py [--repeats 10] [--train 150] [--no-embeddings]

Data: the corpus writer's fictional labelled passages (corpora/eval/passages.jsonl, six
headline codes). A fixed 30% of it (by a hash of the passage id) is HELD OUT: it was not looked
at while the rules, lexicon and model were built, and is only reported here. The other 70%
("dev") was used for design decisions. Our own test passages (tests/test_suggest_passages.jsonl)
are a third, small check. Every figure is the mean and standard deviation over random draws
of the training passages.

(a) cold start: no training data, rules only (codebook indicators + our lexicon).
(b) trained: ``n`` random passages as --train, as ``workbench suggest --train`` does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.codebook import DEFAULT_CODEBOOK  # noqa: E402
from workbench.nlp import load_pipeline  # noqa: E402
from workbench.suggest import RuleScorer, codes_from_file  # noqa: E402
from workbench.suggest.benchmark import evaluate_passages  # noqa: E402
from workbench.suggest.embed import available  # noqa: E402

EVAL = REPO / "corpora" / "eval" / "passages.jsonl"
OWN = REPO / "tests" / "test_suggest_passages.jsonl"


def held_out(item: dict) -> bool:
    """The fixed held-out 30%: decided by the id's hash, never by content."""
    return int(hashlib.sha256(item["id"].encode()).hexdigest(), 16) % 10 < 3


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def show(title: str, result: dict) -> None:
    print(f"\n{title}")
    for mode in ("cold", "trained"):
        print(f"  {mode}")
        for code, m in result[mode].items():
            print(
                f"    {code:20s} P {m['precision']:.2f} ±{m['precision_sd']:.2f}   "
                f"R {m['recall']:.2f} ±{m['recall_sd']:.2f}   F1 {m['f1']:.2f} ±{m['f1_sd']:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--train", type=int, default=150)
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    embeddings = available() and not args.no_embeddings
    nlp = load_pipeline()
    codes = codes_from_file(DEFAULT_CODEBOOK)
    rules = RuleScorer().fit(codes, nlp=nlp)
    started = time.perf_counter()
    print(f"embeddings: {'on' if embeddings else 'off'}; repeats: {args.repeats}")
    if EVAL.is_file():
        data = read(EVAL)
        dev = [d for d in data if not held_out(d)]
        held = [d for d in data if held_out(d)]
        show(
            f"eval passages, HELD-OUT {len(held)} (train: {args.train} drawn from the dev "
            f"{len(dev)})",
            evaluate_passages(
                codes,
                nlp,
                dev,
                test_data=held,
                n_train=args.train,
                repeats=args.repeats,
                rules=rules,
                embeddings=embeddings,
            ),
        )
        show(
            f"eval passages, dev {len(dev)} (train {args.train}, test the rest)",
            evaluate_passages(
                codes,
                nlp,
                dev,
                n_train=args.train,
                repeats=args.repeats,
                rules=rules,
                embeddings=embeddings,
            ),
        )
        show(
            f"eval passages, whole file {len(data)} (train {args.train}, test the rest)",
            evaluate_passages(
                codes,
                nlp,
                data,
                n_train=args.train,
                repeats=args.repeats,
                rules=rules,
                embeddings=embeddings,
            ),
        )
    own = read(OWN)
    show(
        f"our own test passages {len(own)} (train 36, test the rest; written with the "
        "lexicon, so optimistic)",
        evaluate_passages(
            codes, nlp, own, n_train=36, repeats=args.repeats, rules=rules, embeddings=embeddings
        ),
    )
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
