"""Codebook operations on a large project: tree with counts, exports, merge.

Builds a throwaway project with the default codebook, one long fictional document and
100,000 accepted codings spread over the codes (inserted directly: this measures the codebook
functions, not the importer), then times the calls the Codeboek page and CLI make.

    .venv/bin/python benchmarks/bench_codebook.py [--codings N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from workbench import codebook as cb
from workbench.projects import create_project
from workbench.store import now, transaction
from workbench.handle import Project


def build(path: Path, n_codings: int):
    db = create_project(path)
    codes = [r[0] for r in db.execute("SELECT id FROM codes ORDER BY id")]
    sentence = "Dit is een verzonnen zin uit een interview. "
    n_segments = 20_000
    text = sentence * n_segments
    stamp = now()
    with transaction(db):
        doc = (
            db["documents"]
            .insert(
                {
                    "name": "bench",
                    "source_name": "bench.txt",
                    "source_format": "txt",
                    "source_sha256": "bench",
                    "text": text,
                    "n_words": 8 * n_segments,
                    "imported_at": stamp,
                    "imported_by": "onderzoeker",
                }
            )
            .last_pk
        )
        turn = (
            db["turns"]
            .insert({"document_id": doc, "position": 0, "start_char": 0, "end_char": len(text)})
            .last_pk
        )
        step = len(sentence)
        db.conn.executemany(
            "INSERT INTO segments (document_id, turn_id, position, start_char, end_char, text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (doc, turn, i, i * step, (i + 1) * step - 1, sentence[:-1])
                for i in range(n_segments)
            ],
        )
        rows, coders = [], ("onderzoeker", "consensus")
        for i in range(n_codings):
            seg = i % n_segments
            code = codes[(i * 7 + i // n_segments) % len(codes)]
            rows.append(
                (
                    doc,
                    seg + 1,
                    seg * step,
                    (seg + 1) * step - 1,
                    sentence[:-1],
                    code,
                    coders[(i // (n_segments * len(codes))) % 2],
                    "human",
                    "accepted",
                    stamp,
                    stamp,
                )
            )
        db.conn.executemany(
            "INSERT OR IGNORE INTO codings (document_id, segment_id, start_char, end_char, text, "
            "code_id, coder, origin, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return db


def timed(label: str, func, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<40} {best * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder) / "bench.db", args.codings)
        n = db.execute("SELECT count(*) FROM codings").fetchone()[0]
        researcher = Project.for_user(db, "onderzoeker")
        print(f"project: {len(cb.code_tree(researcher))} codes, {n} codings")
        timed("code_tree (counts per status)", lambda: cb.code_tree(researcher))
        timed("codebook_from_project", lambda: cb.codebook_from_project(researcher))
        timed("export markdown", lambda: cb.export_bytes(researcher, format="md"))
        timed("export docx", lambda: cb.export_bytes(researcher, format="docx"))
        timed("export yaml", lambda: cb.export_bytes(researcher, format="yaml"))
        moved = db.execute(
            "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
            "WHERE k.slug = 'stigma'"
        ).fetchone()[0]
        start = time.perf_counter()
        cb.merge_codes(researcher, "stigma", "schaamte", rationale="benchmark")
        print(
            f"{'merge stigma -> schaamte (' + str(moved) + ' codings)':<40} "
            f"{(time.perf_counter() - start) * 1000:8.1f} ms"
        )
        db.close()


if __name__ == "__main__":
    main()
