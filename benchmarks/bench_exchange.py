"""Speed of REFI-QDA exchange on the real NVivo 12.6 export (2 sources, 1.2 M characters,
152 codes, 303 codings): read, import (with sentence segmentation), export qdpx and xlsx.
Then the round trip of issue 14 on the demo project (10 interviews, 688 codings): export,
re-shape the file the way QualCoder writes it (every GUID new, BOM, ``\\r\\n`` counted as one
character with its MAXQDA option), import back into the original, count documents and
codings before and after, and how the documents were recognised.

Run: .venv/bin/python benchmarks/bench_exchange.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from workbench.exchange import export_codings_table, export_qdpx, import_qdpx
from workbench.exchange.qdpx_read import read_qdpx
from workbench.exchange.report import ExchangeReport
from workbench.nlp import load_pipeline
from workbench.store import open_project
from workbench.handle import Project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_exchange_tools import as_qualcoder  # noqa: E402 (the shape QualCoder writes)

SAMPLE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "refi"
    / "samples"
    / "nvivo-12.6-oltas0517.qdpx"
)


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"  {label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    if not SAMPLE.exists():
        raise SystemExit(f"sample missing: {SAMPLE}")
    nlp = load_pipeline()
    print(f"exchange: {SAMPLE.name}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        timed(
            "read and check (zip, XML, schema, offsets)",
            lambda: read_qdpx(SAMPLE, ExchangeReport("import", "qdpx", str(SAMPLE))),
        )
        db = open_project(folder / "bench.db")
        report = timed(
            "import into a new project (incl. segmentation)",
            lambda: import_qdpx(Project.for_user(db, "onderzoeker"), SAMPLE, nlp=nlp),
        )
        print(f"    {report.counts}")
        timed(
            "export qdpx (pseudonymised, schema-validated)",
            lambda: export_qdpx(Project.for_user(db, "onderzoeker"), folder / "out.qdpx"),
        )
        timed(
            "export xlsx",
            lambda: export_codings_table(Project.for_user(db, "onderzoeker"), folder / "out.xlsx"),
        )
        db.close()
        round_trip(folder, nlp)


def _counts(db) -> tuple[int, int]:
    return tuple(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "codings")
    )


def round_trip(folder: Path, nlp) -> None:
    from workbench.demo import load_demo

    print("round trip demo -> qdpx -> QualCoder shape -> import into the demo:")
    load_demo(folder / "demo.db")
    db = open_project(folder / "demo.db")
    for crlf in (False, True):
        before = _counts(db)
        out = folder / f"demo-{crlf}.qdpx"
        export_qdpx(Project.for_user(db, "onderzoeker"), out, pseudonymise=False)
        shaped = as_qualcoder(out, folder / f"qc-{crlf}.qdpx", crlf_as_one=crlf)
        label = "CRLF counted as one character" if crlf else "new GUIDs, BOM"
        report = timed(
            f"import back ({label})",
            lambda: import_qdpx(Project.for_user(db, "onderzoeker"), shaped, nlp=nlp),
        )
        after = _counts(db)
        how = Counter(m["how"] for m in report.matches)
        print(
            f"    documents {before[0]} -> {after[0]}, codings {before[1]} -> {after[1]}; "
            f"matched {dict(how)}; new codings {report.counts.get('codings', 0)}, "
            f"already there {report.counts.get('codings_matched', 0)}"
        )
    db.close()


if __name__ == "__main__":
    main()
