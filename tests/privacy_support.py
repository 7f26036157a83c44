"""Small builders for the privacy, history, backup and workshop tests (fictional text only).

Most write real rows through ``store.transaction``, so a test can place a name exactly; each
document gets turns and segments like an import. :func:`imported` goes through the real
importer, for tests about what an import stores (speakers, header lines).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from workbench.handle import Project
from workbench.imports import import_files
from workbench.store import now, transaction

# Fictional interview text, written for these tests.
INTERVIEW = (
    "I: Hoe gaat het nu met u?\n"
    "R: Sinds Kees overleed woon ik alleen in Zwolle. Mijn dochter Ria van der Berg belt soms.\n"
    "I: En de buren?\n"
    "R: Jan de Vries van Stichting Welzijn Oost komt op dinsdag. Dan praat ik met Jan over vroeger.\n"
    "R: Toen ik nog werkte, kende ik iedereen. Nu schaam ik me een beetje."
)


def add_document(db, text: str = INTERVIEW, *, name: str = "interview.txt") -> int:
    """A document with one turn and one segment per line (labels 'X: ' stripped)."""
    with transaction(db):
        doc = (
            db["documents"]
            .insert(
                {
                    "name": name,
                    "source_name": name,
                    "source_format": "txt",
                    "source_sha256": hashlib.sha256((name + text).encode()).hexdigest(),
                    "text": text,
                    "n_words": len(text.split()),
                    "imported_at": now(),
                    "imported_by": "onderzoeker",
                }
            )
            .last_pk
        )
        pos = 0
        for position, line in enumerate(text.split("\n")):
            label, _, rest = line.partition(": ")
            start = pos + (len(label) + 2 if rest else 0)
            end = pos + len(line)
            speaker = db.execute(
                "INSERT INTO speakers (document_id, label, role) VALUES (?, ?, ?) "
                "ON CONFLICT(document_id, label) DO UPDATE SET label = excluded.label "
                "RETURNING id",
                [doc, label if rest else "?", "respondent"],
            ).fetchone()[0]
            turn = (
                db["turns"]
                .insert(
                    {
                        "document_id": doc,
                        "speaker_id": speaker,
                        "position": position,
                        "start_char": start,
                        "end_char": end,
                    }
                )
                .last_pk
            )
            if end > start:
                db["segments"].insert(
                    {
                        "document_id": doc,
                        "turn_id": turn,
                        "position": position,
                        "start_char": start,
                        "end_char": end,
                        "text": text[start:end],
                    }
                )
            pos = end + 1
    return int(doc)


def add_codes(db, slugs=("verlies", "schaamte", "isolement")) -> dict[str, int]:
    """A tiny codebook whose codes have a Dutch name, a brief and an example (fictional)."""
    with transaction(db):
        book = (
            db["codebooks"]
            .insert({"name": f"test-{len(slugs)}-{now()}", "created_at": now()})
            .last_pk
        )
        ids = {}
        for i, slug in enumerate(slugs):
            ids[slug] = (
                db["codes"]
                .insert(
                    {
                        "codebook_id": book,
                        "slug": slug,
                        "name": slug.capitalize(),
                        "brief": f"Over {slug} in het leven.",
                        "position": i,
                        "examples": json.dumps([f"Een voorbeeld over {slug}."]),
                    }
                )
                .last_pk
            )
    return ids


def segment_ids(db, document_id: int) -> list[int]:
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM segments WHERE document_id = ? ORDER BY position", [document_id]
        )
    ]


def imported(project: Project, folder: Path, nlp, **texts: str) -> list[int]:
    """Import ``name=text`` transcripts as .txt files through the real importer; their
    document ids."""
    paths = []
    for name, text in texts.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    report = import_files(project, paths, nlp=nlp)
    assert report.ok
    return [r.document_id for r in report.results]
