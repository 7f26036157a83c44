"""The save button of a memo box: the memo goes on what the page showed beside the button.

The button saves in a callback whose arguments (the target) are bound when the button is
drawn, so the click writes on that target even when it went in another session before the
click: ``add_memo`` then refuses, and the page says so. Saving in the page run instead read
the target as the page drew it anew: the "code" choice of a merged code fell back to the
interview (the memo was written there), and the box of a removed coding was not drawn, so
the click did nothing and said nothing.

A callback may not draw: what it has to say is kept until the page shows it at the box's
``place`` (:func:`show_outcome`), a place still drawn when the target is gone.
"""

from __future__ import annotations

import streamlit as st

from workbench.app.common import acting_project, lang
from workbench.errors import WorkbenchError
from workbench.memos import add_memo

OUTCOME = "memo_box_outcome"  # (place, "error" or "toast", text) of the last save


def save_button(
    label: str,
    *,
    key: str,
    text_key: str,
    place: str,
    target_type: str,
    target_id: int | None,
    saved: str | None = None,
) -> None:
    """A button that writes the text of the text area ``text_key`` as a memo on
    ``target_type``/``target_id``; ``saved`` is a toast when it is written. Call
    :func:`show_outcome` with its ``place`` where the page should say how it went."""
    st.button(
        label,
        key=key,
        on_click=_save,
        args=(text_key, place, target_type, target_id, saved),
    )


def _save(
    text_key: str, place: str, target_type: str, target_id: int | None, saved: str | None
) -> None:
    try:
        add_memo(
            acting_project(),
            target_type=target_type,
            target_id=target_id,
            text=st.session_state.get(text_key) or "",
        )
    except WorkbenchError as exc:  # the text stays in the box, to save elsewhere or copy
        st.session_state[OUTCOME] = (place, "error", exc.message(lang()))
        return
    st.session_state[text_key] = ""  # saved: an empty box, no second copy
    if saved is not None:
        st.session_state[OUTCOME] = (place, "toast", saved)


def show_outcome(place: str) -> None:
    """Show what the last save at ``place`` said (a refusal, or its toast), once."""
    outcome = st.session_state.get(OUTCOME)
    if outcome is None or outcome[0] != place:
        return
    del st.session_state[OUTCOME]
    if outcome[1] == "error":
        st.error(outcome[2])
    else:
        st.toast(outcome[2])
