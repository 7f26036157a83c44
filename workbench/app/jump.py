"""Jumps into the transcript: every quote anywhere is one click from its place in the interview.

The coding page reads ``?doc=<document id>&seg=<segment id>`` (or ``&start=..&end=..`` for a
free span) from the URL, opens that interview, selects that place and scrolls to it. Other
pages make such a link with :func:`jump_link` (a same-tab link that keeps the session) or
:func:`jump_url` (a URL for a table's link column).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

CODING_PAGE = Path(__file__).parent / "pages" / "coderen.py"


def jump_params(
    document_id: int,
    segment_id: int | None = None,
    start_char: int | None = None,
    end_char: int | None = None,
) -> dict[str, str]:
    """The query parameters that open ``document_id`` at a segment or a span."""
    params = {"doc": str(document_id)}
    if segment_id is not None:
        params["seg"] = str(segment_id)
    if start_char is not None and end_char is not None:
        params["start"], params["end"] = str(start_char), str(end_char)
    return params


def jump_url(
    document_id: int,
    segment_id: int | None = None,
    start_char: int | None = None,
    end_char: int | None = None,
) -> str:
    """A relative URL of the coding page at that place (``coderen?doc=3&seg=120``)."""
    return "coderen?" + urlencode(jump_params(document_id, segment_id, start_char, end_char))


def jump_link(
    label: str,
    document_id: int,
    segment_id: int | None = None,
    start_char: int | None = None,
    end_char: int | None = None,
    **options,
) -> None:
    """A link to the coding page at that place, in the same tab and session.

    A page run on its own (``streamlit run workbench/app/pages/memos.py``, or a page test)
    has no coding page in its navigation; it gets a plain link to the same URL instead.
    """
    try:
        st.page_link(
            str(CODING_PAGE),
            label=label,
            icon=":material/open_in_new:",
            query_params=jump_params(document_id, segment_id, start_char, end_char),
            **options,
        )
    except StreamlitPageNotFoundError:
        st.markdown(f"[{label}]({jump_url(document_id, segment_id, start_char, end_char)})")


def read_jump(params: Mapping[str, str]) -> dict[str, int] | None:
    """The place asked for in the URL, or None when there is none or it is malformed."""
    try:
        place = {"document_id": int(params["doc"])}
        if "seg" in params:
            place["segment_id"] = int(params["seg"])
        if "start" in params and "end" in params:
            place["start_char"], place["end_char"] = int(params["start"]), int(params["end"])
    except (KeyError, ValueError):
        return None
    return place
