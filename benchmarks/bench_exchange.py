"""Speed of REFI-QDA exchange on the real NVivo 12.6 export (2 sources, 1.2 M characters,
152 codes, 303 codings): read, import (with sentence segmentation), export qdpx and xlsx.

Run: .venv/bin/python benchmarks/bench_exchange.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from workbench.exchange import export_codings_table, export_qdpx, import_qdpx
from workbench.exchange.qdpx_read import read_qdpx
from workbench.exchange.report import ExchangeReport
from workbench.nlp import load_pipeline
from workbench.store import open_project

SAMPLE = (Path(__file__).resolve().parent.parent.parent / "shared" / "refi" / "samples"
          / "nvivo-12.6-oltas0517.qdpx")


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
        timed("read and check (zip, XML, schema, offsets)",
              lambda: read_qdpx(SAMPLE, ExchangeReport("import", "qdpx", str(SAMPLE))))
        db = open_project(folder / "bench.db")
        report = timed("import into a new project (incl. segmentation)",
                       lambda: import_qdpx(db, SAMPLE, actor="onderzoeker", nlp=nlp))
        print(f"    {report.counts}")
        timed("export qdpx (pseudonymised, schema-validated)",
              lambda: export_qdpx(db, folder / "out.qdpx", actor="onderzoeker"))
        timed("export xlsx", lambda: export_codings_table(db, folder / "out.xlsx",
                                                          actor="onderzoeker"))
        db.close()


if __name__ == "__main__":
    main()
