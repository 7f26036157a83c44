"""How far learning alone gets on REAL text: a codebook without words, ../shared/dev-real.

Run:
  .venv/bin/python benchmarks/eval_learner_real.py [--min-examples 12,5] [--embeddings]
      [--no-guard] [--repeats 5]

A researcher who brings a codebook from another tool (names and descriptions, no indicator
words, no short examples) gets no cold suggestions: the rules have nothing to look for. What
is left is the learner (``Suggester``), trained on coded passages. This benchmark strips the
default codebook to names and definitions, switches our lexicon off, and measures the learner
on the unlocked part of the real set with the group splits of ``eval_suggest_real.py`` (about
60 % of the passages' groups to draw training passages from, the rest to test on). No hand
rule is involved, so the figures are fair although the rules were tuned on these passages.
The locked part is not used. Nothing of the set's text is written anywhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_suggest_real as real  # noqa: E402

from workbench.codebook import DEFAULT_CODEBOOK  # noqa: E402
from workbench.nlp import load_pipeline  # noqa: E402
from workbench.suggest import RuleScorer, Suggester, analyse, codes_from_file  # noqa: E402
from workbench.suggest.passages import label_matrix  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--min-examples", default="12,5")
    parser.add_argument("--embeddings", action="store_true", help="add USE sentence embeddings")
    parser.add_argument("--no-guard", action="store_true", help="let every model take over")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="20,40,80,160")
    args = parser.parse_args()
    if not (real.DEV / "passages.jsonl").is_file():
        raise SystemExit(f"no real development set at {real.DEV}: nothing to measure")
    passages, gold, coder_c = real.load()
    _, unlocked = real.labelled(passages, gold)
    nlp = load_pipeline()
    wordless = [
        dataclasses.replace(c, indicators=(), examples=(), counterexamples=())
        for c in codes_from_file(DEFAULT_CODEBOOK)
    ]
    rules = RuleScorer(use_lexicon=False).fit(wordless, nlp=nlp)
    analysed = analyse(nlp, rules, [p["text"] for p in unlocked], embeddings=args.embeddings)
    Y = label_matrix(rules.codes_, [p["codes"] for p in unlocked])
    minimums = [int(m) for m in args.min_examples.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(0)
    for i, p in enumerate(unlocked):
        p["row"] = i
    runs: dict[tuple[int, int], list[dict]] = {}
    cold: list[dict] = []
    started = time.perf_counter()
    for pool_passages, test_passages in real.group_splits(unlocked, args.repeats, rng):
        pool = [p["row"] for p in pool_passages]
        test = [p["row"] for p in test_passages]

        def figures(model: Suggester) -> dict:
            found = model.suggest([analysed[i] for i in test])
            return real.figures(test_passages, [{s.code for s in f} for f in found], coder_c)

        cold.append(figures(Suggester(rules).fit([], None)))
        for n in sizes:
            train = [pool[i] for i in rng.permutation(len(pool))[:n]]
            for m in minimums:
                model = Suggester(rules, min_examples=m, guard=not args.no_guard)
                model.fit([analysed[i] for i in train], Y[train])
                runs.setdefault((m, n), []).append(figures(model))
    print(
        f"LEARNER ONLY, codebook without words, unlocked part of {real.DEV}: "
        f"{len(unlocked)} passages; embeddings {'on' if args.embeddings else 'off'}; "
        f"guard {'off' if args.no_guard else 'on'}"
    )
    real.show("cold start (nothing to look for)", cold)
    for (m, n), found in sorted(runs.items()):
        real.show(f"trained on {n} passages, models from {m} examples", found)
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
