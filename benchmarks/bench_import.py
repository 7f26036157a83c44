"""Benchmark: import N synthetic Dutch interviews of 8,000 words into a temporary project.

The interviews are SYNTHETIC: random sentences built from the word lists below (no real
speech, no real people), labelled I:/R: turns like a real transcript. Prints words/second,
total time and peak memory (max resident set size of this process, including the pipeline).

    .venv/bin/python benchmarks/bench_import.py --n 85
    .venv/bin/python benchmarks/bench_import.py --n 1000

Targets (issue 2, on 2 cores): 85 interviews < 20 s, 1,000 < 4 min, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.handle import Project
from workbench.ingest import import_files  # noqa: E402
from workbench.nlp import load_pipeline, pipeline_info  # noqa: E402
from workbench.store import open_project  # noqa: E402

SUBJECTS = [
    "ik",
    "mijn man",
    "mijn dochter",
    "de buurvrouw",
    "we",
    "mijn zoon",
    "de dokter",
    "mijn vriendin",
    "de wijkagent",
    "mijn broer",
    "niemand",
    "iedereen",
]
VERBS = [
    "woonde",
    "werkte",
    "belde",
    "zag",
    "miste",
    "zocht",
    "hielp",
    "vertelde",
    "vond",
    "verloor",
    "schaamde me voor",
    "dacht aan",
    "wandelde naar",
    "sprak over",
    "wachtte op",
]
OBJECTS = [
    "het huis",
    "de kerk",
    "de hond",
    "het park",
    "mijn werk",
    "de rekeningen",
    "de buren",
    "het buurthuis",
    "de tuin",
    "de kat",
    "het geld",
    "de verhuizing",
    "mijn gezondheid",
    "de koffie",
    "de markt",
    "het vrijwilligerswerk",
    "de bus",
]
TAILS = [
    "elke dag",
    "na het overlijden",
    "in die tijd",
    "toen de fabriek sloot",
    "soms",
    "nooit meer",
    "al jaren",
    "op zondag",
    "zonder dat iemand het wist",
    "heel vaak",
    "met veel moeite",
    "eigenlijk altijd",
    "in de winter",
    "sinds de scheiding",
]
QUESTIONS = [
    "Hoe ging dat toen?",
    "Wat betekende dat voor u?",
    "Met wie had u contact?",
    "Kunt u daar iets meer over vertellen?",
    "Hoe voelde dat?",
    "Wat hielp u toen?",
    "Wie zag dat u het moeilijk had?",
    "Waar haalt u nu energie uit?",
]
WORDS_PER_INTERVIEW = 8000


def sentence(rng: random.Random) -> str:
    words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(TAILS)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "!", "..."])


def interview(rng: random.Random, index: int) -> str:
    lines = [f"SYNTHETISCH benchmark-interview {index} (gegenereerd, geen echte persoon).", ""]
    words = 0
    while words < WORDS_PER_INTERVIEW:
        question = rng.choice(QUESTIONS)
        answer = " ".join(sentence(rng) for _ in range(rng.randint(2, 9)))
        lines += [f"I: {question}", f"R: {answer}"]
        words += len(question.split()) + len(answer.split())
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=85, help="number of interviews (default 85)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        paths = []
        for i in range(args.n):
            path = root / f"synthetic-{i:04d}.txt"
            path.write_text(interview(rng, i), encoding="utf-8")
            paths.append(path)
        nlp = load_pipeline()
        db = open_project(root / "bench.db")
        start = time.perf_counter()
        report = import_files(Project.for_user(db, "onderzoeker"), paths, nlp=nlp)
        seconds = time.perf_counter() - start
        segments = db.execute("SELECT count(*) FROM segments").fetchone()[0]
        db.close()
        size_mb = (root / "bench.db").stat().st_size / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline:        {pipeline_info(nlp)['name']}")
    print(f"interviews:      {len(report.imported)} imported, {len(report.failed)} failed")
    print(f"words:           {report.n_words:,}  segments: {segments:,}")
    per_interview = seconds / max(args.n, 1) * 1000
    print(f"total time:      {seconds:.1f} s  ({per_interview:.0f} ms per interview)")
    print(f"words/second:    {report.n_words / seconds:,.0f}")
    print(f"peak memory:     {peak_mb:,.0f} MB (max RSS)")
    print(f"project file:    {size_mb:,.0f} MB")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
