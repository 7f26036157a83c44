"""Pseudonymised text for exports, from the privacy module (workbench/privacy).

The stored transcripts keep their real names; accepted names are marked as spans and
replaced on the way out. The privacy module builds each text with its offset map, so the
codings of an export point at the same words in the pseudonymised text.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from workbench.privacy.pseudonyms import pseudonymise_free_text, pseudonymised_document



def pseudonymised_texts(
    db: Database, document_ids: list[int], *, actor: str
) -> dict[int, tuple[str, Callable[[int, int], tuple[int, int]]]]:
    """``{document_id: (text, map_span)}`` with every accepted name replaced."""
    out = {}
    for doc_id in document_ids:
        pseudo = pseudonymised_document(db, doc_id, actor=actor)
        out[doc_id] = (pseudo.text, pseudo.map_span)
    return out


def free_text(db: Database, text: str | None, *, actor: str) -> str | None:
    """A memo, a title or a document name with the key's accepted names replaced."""
    if not text:
        return text
    return pseudonymise_free_text(db, text, actor=actor)
