"""Pseudonymised text for exports, from the privacy module (workbench/privacy).

The stored transcripts keep their real names; accepted names are marked as spans and
replaced on the way out. The privacy module builds each text with its offset map, so the
codings of an export point at the same words in the pseudonymised text. Each function asks
for ``read``, like the privacy functions it calls: exports and imports both reach it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from workbench.handle import Project
from workbench.privacy.pseudonyms import (
    pseudonymise_free_text,
    pseudonymised_document,
    require_pseudonymised,
)


def pseudonymised_texts(
    project: Project, document_ids: list[int]
) -> dict[int, tuple[str, Callable[[int, int], tuple[int, int]]]]:
    """``{document_id: (text, map_span)}`` with every accepted name replaced.

    Refused while accepted names are not applied yet (privacy decides when it is safe).
    """
    project.require("read")
    require_pseudonymised(project)
    out = {}
    for doc_id in document_ids:
        pseudo = pseudonymised_document(project, doc_id)
        out[doc_id] = (pseudo.text, pseudo.map_span)
    return out


def free_text(project: Project, text: str | None) -> str | None:
    """A memo, a title or a document name with the key's accepted names replaced."""
    project.require("read")
    if not text:
        return text
    return pseudonymise_free_text(project, text)


def back_to_original(
    project: Project, document_id: int, text: str
) -> Callable[[int, int], tuple[int, int]] | None:
    """When ``text`` is this document's pseudonymised text, a map from its offsets back to
    the stored (original) text; else None.

    This lets a pseudonymised export be coded in another tool and come back onto the
    original transcript: a span that starts or ends inside a replacement covers the name.
    """
    project.require("read")
    pseudo = pseudonymised_document(project, document_id)
    if pseudo.text != text:
        return None
    spans = pseudo.spans
    ends = [s.new_end for s in spans]

    def back(offset: int, side: str) -> int:
        i = bisect.bisect_left(ends, offset)
        if i < len(spans) and spans[i].new_start <= offset:
            span = spans[i]
            if offset == span.new_end:
                return span.end_char
            if offset == span.new_start:
                return span.start_char
            return span.start_char if side == "start" else span.end_char
        if i == 0:
            return offset
        before = spans[i - 1]
        return before.end_char + (offset - before.new_end)

    return lambda start, end: (back(start, "start"), back(end, "end"))
