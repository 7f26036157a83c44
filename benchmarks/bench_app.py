"""Benchmark: server time of the coding screens and of search on a large project.

Builds (once, cached in bench-out/) a project of N SYNTHETIC interviews of 8,000 words
(generator of benchmarks/bench_import.py) and measures what a click costs on the server:
opening a transcript (document view + transcript HTML), accepting a suggestion, and a
search query (lemma word family, phrase, boolean), median and worst of repeated runs.

    .venv/bin/python benchmarks/bench_app.py --n 85      # coding screens (issue 5: < 300 ms)
    .venv/bin/python benchmarks/bench_app.py --n 1000    # search (issue 5: < 300 ms a query)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_import import interview  # noqa: E402

from workbench.app.transcript import transcript_html  # noqa: E402
from workbench.codings import add_coding, decide  # noqa: E402
from workbench.documents import document_view  # noqa: E402
from workbench.handle import Project  # noqa: E402
from workbench.ingest import import_files  # noqa: E402
from workbench.nlp import load_pipeline  # noqa: E402
from workbench.projects import create_project  # noqa: E402
from workbench.search import search  # noqa: E402
from workbench.store import open_project  # noqa: E402

QUERIES = [
    "schamen",
    "verhuizen",
    '"het huis"',
    "kerk OF hond",
    "geld NIET rekeningen",
    "dochter EN park",
]
USER = "onderzoeker"


def build(path: Path, n: int, nlp) -> None:
    db = create_project(path)
    researcher = Project.for_user(db, USER)
    rng = random.Random(7)
    batch = 50
    for start in range(0, n, batch):
        files = [
            (f"bench-{i:04d}.txt", interview(rng, i).encode("utf-8"))
            for i in range(start, min(n, start + batch))
        ]
        report = import_files(researcher, files, nlp=nlp)
        if not report.ok:
            raise SystemExit(f"import failed: {report}")
        print(f"  imported {min(n, start + batch)}/{n}", file=sys.stderr)
    db.close()


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=85, help="number of interviews")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    nlp = load_pipeline()
    path = REPO / "bench-out" / f"app-{args.n}.db"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        print(f"Building {path} with {args.n} synthetic interviews (once) ...", file=sys.stderr)
        build(path, args.n, nlp)
    db = open_project(path)
    me = Project.for_user(db, USER)  # the handle a page holds for its session's user
    n_docs, n_segments = db.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM segments)"
    ).fetchone()
    print(f"Project: {n_docs} interviews, {n_segments} segments ({path})")
    rng = random.Random(1)
    doc_ids = [r[0] for r in db.execute("SELECT id FROM documents")]

    def open_transcript() -> None:
        view = document_view(me, rng.choice(doc_ids))
        transcript_html(view)

    median, worst = timed(open_transcript, args.runs)
    print(f"open a transcript (view + HTML): median {median:.0f} ms, worst {worst:.0f} ms")

    segments = [
        r[0]
        for r in db.execute(  # segments nobody coded yet, so every run is fresh
            "SELECT id FROM segments WHERE id NOT IN "
            "(SELECT segment_id FROM codings WHERE segment_id IS NOT NULL) LIMIT ?",
            [args.runs],
        )
    ]
    suggestions = [
        add_coding(
            me,
            code="isolement",
            segment_id=s,
            origin="machine",
            score=0.6,
            evidence=["bench"],
        )
        for s in segments
    ]
    pending = iter(suggestions)
    median, worst = timed(lambda: decide(me, next(pending), "accepted"), len(suggestions))
    print(f"accept a suggestion: median {median:.1f} ms, worst {worst:.1f} ms")

    for query in QUERIES:
        search(me, nlp, query)  # warm the page cache once
        median, worst = timed(lambda: search(me, nlp, query), 5)
        total = search(me, nlp, query).total
        print(f"search {query!r}: {total} hits, median {median:.0f} ms, worst {worst:.0f} ms")
    roles = ["respondent"]
    median, worst = timed(lambda: search(me, nlp, "schamen", speaker_roles=roles), 5)
    print(f"search 'schamen', respondents only: median {median:.0f} ms, worst {worst:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
