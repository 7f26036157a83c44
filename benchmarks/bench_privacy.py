"""Privacy benchmarks: name detection, applying pseudonyms, pseudonymised text, undo, backup.

Run: .venv/bin/python benchmarks/bench_privacy.py [--documents 85] [--words 8000]
Builds a temporary project of N documents of about W words each from the fictional demo
transcripts (stored directly, without the importer, to time only this area) and prints figures.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench import codings  # noqa: E402
from workbench.handle import Project  # noqa: E402
from workbench.history import undo_last  # noqa: E402
from workbench.privacy import (  # noqa: E402
    apply_pseudonyms,
    candidates,
    decide,
    detect,
    pseudonymised_document,
)
from workbench.privacy.pseudonyms import require_pseudonymised  # noqa: E402
from workbench.privacy.backup import backup  # noqa: E402
from workbench.store import now, open_project, transaction  # noqa: E402


def build(db, n_docs: int, words: int) -> None:
    source = " ".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in sorted((REPO / "corpora" / "demo").glob("*.txt"))
    )
    lines = source.split("\n")
    with transaction(db):
        book = db["codebooks"].insert({"name": "bench", "created_at": now()}).last_pk
        db["codes"].insert({"codebook_id": book, "slug": "bench-code", "name": "Bench"})
        for n in range(n_docs):
            chosen, count, i = [], 0, n * 7
            while count < words:
                line = lines[i % len(lines)]
                chosen.append(line)
                count += len(line.split())
                i += 1
            text = "\n".join(chosen)
            doc = (
                db["documents"]
                .insert(
                    {
                        "name": f"doc{n}",
                        "source_name": f"doc{n}.txt",
                        "source_format": "txt",
                        "source_sha256": hashlib.sha256(f"{n}".encode()).hexdigest(),
                        "text": text,
                        "n_words": count,
                        "imported_at": now(),
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
            pos = 0
            for k, line in enumerate(text.split("\n")):
                if line.strip():
                    db["segments"].insert(
                        {
                            "document_id": doc,
                            "turn_id": turn,
                            "position": k,
                            "start_char": pos,
                            "end_char": pos + len(line),
                            "text": line,
                        }
                    )
                pos += len(line) + 1


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - start:.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=85)
    parser.add_argument("--words", type=int, default=8000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    db = open_project(folder / "bench.db")
    researcher = Project.for_user(db, "onderzoeker")
    timed(
        f"build {args.documents} documents x {args.words} words",
        lambda: build(db, args.documents, args.words),
    )
    detected = timed("detect candidate names (heuristic)", lambda: detect(researcher))
    found = timed(
        "candidates with status and context (detection cached)",
        lambda: candidates(researcher, detected=detected),
    )
    print(f"  {len(found)} candidates, {sum(c['count'] for c in found)} occurrences")
    top = [c["original"] for c in found[:40]]
    timed(
        "decide 20 candidates, each applied at once (the app's Accepteren)",
        lambda: [decide(researcher, name, accept=True) for name in top[:20]],
    )
    timed(
        "decide 20 more without applying (the command line's batch)",
        lambda: [decide(researcher, name, accept=True, apply=False) for name in top[20:]],
    )
    rest = [c["original"] for c in found[40:]]
    timed(
        f"decide the other {len(rest)} as not a name, without applying",
        lambda: [decide(researcher, name, accept=False, apply=False) for name in rest],
    )
    result = timed("apply pseudonyms to all documents", lambda: apply_pseudonyms(researcher))
    print(f"  {result['spans']} spans")
    timed(
        "export check: decisions applied, no name left undecided (require_pseudonymised)",
        lambda: require_pseudonymised(researcher),
    )
    ids = [r[0] for r in db.execute("SELECT id FROM documents")]
    start = time.perf_counter()
    for doc in ids:
        pseudonymised_document(researcher, doc)
    print(
        f"pseudonymised_document: {1000 * (time.perf_counter() - start) / len(ids):.1f} ms per document"
    )
    segs = [r[0] for r in db.execute("SELECT id FROM segments LIMIT 2000")]
    start = time.perf_counter()
    for seg in segs:
        codings.add_coding(Project.for_user(db, "onderzoeker"), code="bench-code", segment_id=seg)
    print(
        f"add_coding: {1000 * (time.perf_counter() - start) / len(segs):.2f} ms each ({len(segs)})"
    )
    start = time.perf_counter()
    for _ in range(20):
        undo_last(researcher)
    print(
        f"undo_last with {len(segs)} codings in the log: {1000 * (time.perf_counter() - start) / 20:.1f} ms each"
    )
    size = (folder / "bench.db").stat().st_size / 1e6
    timed(f"backup ({size:.1f} MB)", lambda: backup(researcher, folder / "copy.db"))


if __name__ == "__main__":
    main()
