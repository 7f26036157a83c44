"""Tabs that stay open when the reader switches the language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import streamlit as st

from workbench.app.common import tr
from workbench.i18n import LANGUAGES, t

if TYPE_CHECKING:  # a module of Streamlit's own, for the type only
    from streamlit.elements.lib.mutable_tab_container import TabContainer


def kept_tabs(key: str, messages: Mapping[str, str]) -> dict[str, TabContainer]:
    """Tabs named by ``messages`` (tab name -> message key), by tab name; the open one stays
    open when the language changes, and its container tells whether it is (``.open``).

    The browser keeps the open tab by its label and opens the first tab when that label is
    gone, as it is after a language switch; a tab with a key keeps its label in the session,
    where the other language's label matched no tab either. So the tabs have a key (the open
    tab reaches the script: ``on_change="rerun"``), and a label of another language is
    carried over to this one's before the tabs are made."""
    labels = {name: tr(message) for name, message in messages.items()}
    opened = st.session_state.get(key)
    if opened not in labels.values():
        for name, message in messages.items():
            if opened in {t(message, other) for other in LANGUAGES}:
                st.session_state[key] = labels[name]
    return dict(zip(labels, st.tabs(list(labels.values()), key=key, on_change="rerun")))
