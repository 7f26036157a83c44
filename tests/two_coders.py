"""A two-coder project shaped like a real double-coded set of passages, small and fictional.

Like the real case of issue 13 (324 passages, each read by both coders, many rightly without
any code), but 40 passages written for this test. Each passage is one document with one turn
of two sentences (two segments); a coder's code covers the whole passage (one coding over
both segments), as when a whole answer is coded.
"""

from __future__ import annotations

import numpy as np

from workbench import agreement
from workbench.codings import add_coding
from workbench.handle import Project
from workbench.store import now, transaction

CODES = [
    ("verlies", "Verlies", "Iets of iemand kwijtraken."),
    ("schaamte", "Schaamte", "Zich schamen, iets verbergen."),
    ("isolement", "Isolement", "Zich alleen voelen."),
]
SLUGS = [slug for slug, _, _ in CODES]

# Per passage: (anna's codes, bram's codes). 18 passages rightly carry no code at all; in
# 6 only one coder saw a code, so the other coder coded nothing in that passage.
DESIGN: list[tuple[tuple[str, ...], tuple[str, ...]]] = (
    [((), ())] * 18
    + [(("verlies",), ("verlies",))] * 6
    + [(("verlies", "schaamte"), ("verlies", "schaamte"))] * 2
    + [(("schaamte",), ("schaamte",))] * 3
    + [(("isolement",), ("isolement",))] * 4
    + [(("verlies",), ())] * 2
    + [((), ("verlies",))]
    + [(("schaamte",), ())]
    + [((), ("isolement",))] * 2
    + [(("isolement",), ("verlies",))]
)

FIRST = [
    "Op zaterdag loop ik altijd even langs de markt.",
    "Mijn zus belt elke week, meestal op zondag.",
    "Sinds de verhuizing ken ik niemand in de straat.",
    "Het geld is aan het eind van de maand op.",
    "In de tuin staan nog de rozen van mijn vrouw.",
    "Ik vertel de buren niet dat ik hulp krijg.",
]
SECOND = [
    "Dan koop ik wat fruit en praat ik met de visboer.",
    "We hebben het dan over de kleinkinderen.",
    "De avonden zijn lang en het is stil in huis.",
    "Ik schaam me als ik weer moet vragen of het later mag.",
    "Ze is drie jaar geleden overleden.",
    "Niemand hoeft te weten hoe het echt gaat.",
    "Vroeger ging ik elke dinsdag naar het koor.",
]


def passage(i: int) -> tuple[str, str]:
    """The two sentences of fictional passage ``i`` (each pair once, for up to 42 passages)."""
    return FIRST[i % len(FIRST)], SECOND[(i // len(FIRST)) % len(SECOND)]


def build(db, design=DESIGN) -> list[int]:
    """Users anna, bram (researchers), sanne (supervisor), wijk (co-researcher); the codes;
    one document per passage; then each coder's codings. Returns the document ids."""
    stamp = now()
    docs = []
    with transaction(db):
        for name, role in [
            ("anna", "onderzoeker"),
            ("bram", "onderzoeker"),
            ("sanne", "supervisor"),
            ("wijk", "co-onderzoeker"),
        ]:
            db["users"].insert({"name": name, "role": role, "created_at": stamp})
        book = db["codebooks"].insert({"name": "test", "created_at": stamp}).last_pk
        for position, (slug, name, definition) in enumerate(CODES):
            db["codes"].insert(
                {
                    "codebook_id": book,
                    "slug": slug,
                    "name": name,
                    "definition": definition,
                    "position": position,
                }
            )
        for i in range(len(design)):
            first, second = passage(i)
            text = f"{first} {second}"
            doc = (
                db["documents"]
                .insert(
                    {
                        "name": f"Passage {i + 1:02d} (fictief)",
                        "source_name": f"p{i}.txt",
                        "source_format": "txt",
                        "source_sha256": f"sha-p{i}",
                        "text": text,
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
            for position, (start, end) in enumerate([(0, len(first)), (len(first) + 1, len(text))]):
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
            docs.append(doc)
    for doc, (by_anna, by_bram) in zip(docs, design):
        length = len(" ".join(passage(docs.index(doc))))
        for coder, codes in (("anna", by_anna), ("bram", by_bram)):
            for slug in codes:
                add_coding(
                    Project.for_user(db, coder),
                    code=slug,
                    document_id=doc,
                    start_char=0,
                    end_char=length,
                )
    return docs


def expected_alpha(design=DESIGN) -> dict[str, float | None]:
    """Alpha per code (and ``overall``) over the given passages, straight from the design."""
    per_code = {
        slug: [[float(slug in a) for a, _ in design], [float(slug in b) for _, b in design]]
        for slug in SLUGS
    }
    out = {slug: agreement.krippendorff_alpha(data) for slug, data in per_code.items()}
    out["overall"] = agreement.krippendorff_alpha(
        np.concatenate([np.asarray(d) for d in per_code.values()], axis=1)
    )
    return out


def both_coded(design=DESIGN):
    """The passages the old default kept: both coders applied some code."""
    return [(a, b) for a, b in design if a and b]
