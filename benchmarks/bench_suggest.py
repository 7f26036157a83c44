"""Speed of the suggestion engine (issue 4 targets), on fictional interviews built from the demo.

Run: .venv/bin/python benchmarks/bench_suggest.py [--interviews 85] [--words 8000]

Figures: pipeline load (target < 3 s), suggestions for one 8,000-word interview once loaded
(< 1 s), retraining on 5,000 labelled segments (< 2 s), suggesting over 85 interviews (< 60 s),
and how long after a decision the review queue ranks with a refit model (< 1 s).
Timings are wall-clock on this machine; others may be using the CPU at the same time.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.codings import add_coding  # noqa: E402
from workbench.done_marks import mark_done  # noqa: E402
from workbench.handle import Project  # noqa: E402
from workbench.ingest import import_files  # noqa: E402
from workbench.nlp import load_pipeline  # noqa: E402
from workbench.projects import create_project  # noqa: E402
from workbench.store import transaction  # noqa: E402
from workbench.suggest import retrain, suggest_document, suggest_project  # noqa: E402
from workbench.suggest.review import Learner, decide_and_learn, review_queue  # noqa: E402

DEMO = REPO / "corpora" / "demo"
LOAD = (
    "import time; t = time.perf_counter(); "
    "from workbench.nlp import load_pipeline; nlp = load_pipeline(); "
    "list(nlp.pipe(['Ik schaamde me.'])); p = time.perf_counter() - t; "
    "from workbench.suggest import RuleScorer, codes_from_file; "
    "from workbench.codebook import DEFAULT_CODEBOOK; "
    "RuleScorer().fit(codes_from_file(DEFAULT_CODEBOOK), nlp=nlp); "
    "print(p, time.perf_counter() - t)"
)


def interview_text(words: int, seed: int) -> str:
    """A fictional interview of about ``words`` words: demo turns in a shuffled order."""
    lines = []
    for path in sorted(DEMO.glob("*.txt")):
        lines += [
            ln
            for ln in path.read_bytes().decode("utf-8", errors="replace").splitlines()
            if ln[:1] in "[IR"
        ]
    rng = random.Random(seed)
    out, count = [f"Fictief benchmarkinterview {seed}, samengesteld uit de demo."], 0
    while count < words:
        line = rng.choice(lines)
        out.append(line)
        count += len(line.split())
    return "\n".join(out) + "\n"


def timed(label: str, call: Callable[[], T], target: str = "") -> T:
    """Run ``call``, print how long it took after ``label``; return its result."""
    started = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - started:.2f} s   {target}".rstrip())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interviews", type=int, default=85)
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--labelled", type=int, default=5000)
    parser.add_argument("--done", type=int, default=10, help="interviews marked done")
    args = parser.parse_args()

    out = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout.split()
    print(
        f"Dutch pipeline load incl. first doc (fresh process): {float(out[0]):.2f} s"
        "   (target < 3 s)"
    )
    print(f"... plus scikit-learn import and codebook rules compiled: {float(out[1]):.2f} s")

    nlp = load_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for i in range(args.interviews):
            path = folder / f"B{i:03d}.txt"
            path.write_text(interview_text(args.words, i), "utf-8")
            files.append(path)
        db = create_project(folder / "bench.db")
        started = time.perf_counter()
        import_files(Project.for_user(db, "onderzoeker"), files, nlp=nlp)
        print(
            f"import of {args.interviews} interviews x {args.words} words: "
            f"{time.perf_counter() - started:.1f} s   (setup, not a target here)"
        )

        researcher = Project.for_user(db, "onderzoeker")
        model = retrain(researcher, nlp=nlp)
        started = time.perf_counter()
        n = len(suggest_document(researcher, 1, nlp=nlp, model=model))
        print(
            f"suggestions for one {args.words}-word interview: "
            f"{time.perf_counter() - started:.2f} s, {n} stored   (target < 1 s)"
        )

        started = time.perf_counter()
        counts = suggest_project(researcher, nlp=nlp, model=model)
        print(
            f"suggestions over {args.interviews} interviews: {time.perf_counter() - started:.1f} s,"
            f" {sum(counts.values())} stored   (target < 60 s)"
        )

        segments = [
            r[0] for r in db.execute("SELECT id FROM segments ORDER BY id LIMIT ?", [args.labelled])
        ]
        codes = [
            "verlies",
            "schaamte",
            "energiebalans",
            "zingeving",
            "isolement",
            "bestaansonzekerheid",
            "verlies-dierbare",
            "zingeving-dieren",
        ]
        rng = random.Random(0)
        with transaction(db):
            for seg in segments:
                add_coding(
                    Project.for_user(db, "onderzoeker"), code=rng.choice(codes), segment_id=seg
                )
        n = len(segments)
        first = timed(
            f"retraining on {n} labelled segments, first time (NLP + fit)",
            lambda: retrain(researcher, nlp=nlp),
            "(target < 2 s)",
        )
        timed(
            f"retraining on {n} labelled segments, after a decision (fit only)",
            lambda: retrain(researcher, nlp=nlp, previous=first),
        )
        # Documents read in full ("klaar"): their uncoded sentences become negatives too.
        done = list(range(1, args.done + 1))
        if done:
            mark_done(researcher, done, coder="onderzoeker")
            with_done = timed(
                f"retraining after {len(done)} interviews were marked done "
                "(NLP of their new segments + fit)",
                lambda: retrain(researcher, nlp=nlp, previous=first),
            )
            timed(
                f"retraining with {len(done)} interviews done ({len(with_done.passages)} "
                "segments), after a decision (fit only)",
                lambda: retrain(researcher, nlp=nlp, previous=with_done),
                "(target < 1 s)",
            )

        learner = Learner(folder / "bench.db", nlp)
        learner.refit()
        waits = []
        for item in review_queue(researcher, limit=5, model=learner.model, nlp=nlp):
            started = time.perf_counter()
            decide_and_learn(researcher, item["coding_id"], "accepted", learner=learner)
            learner.wait(60)
            waits.append(time.perf_counter() - started)
        print(
            f"decision -> queue ranks with the refit model ({len(waits)} decisions, "
            f"{len(segments)} labelled): median {sorted(waits)[len(waits) // 2]:.2f} s, "
            f"worst {max(waits):.2f} s   (target < 1 s)"
        )
        db.close()


if __name__ == "__main__":
    main()
