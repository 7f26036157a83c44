"""One voice on every screen: all Dutch (no Streamlit English placeholders), "je" not "u",
no raw message keys, no ": " before a turn without a speaker."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from workbench.handle import Project
from workbench.i18n import catalogue, t
from workbench.ingest import import_files
from page_runner import run_page

APP = Path(__file__).resolve().parent.parent / "workbench" / "app"


def _empty_choice_without_placeholder(path: Path) -> list[int]:
    """Lines of widgets that would show Streamlit's English "Choose an option(s)"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("selectbox", "multiselect")
        ):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        empty = node.func.attr == "multiselect" or (
            isinstance(keywords.get("index"), ast.Constant) and keywords["index"].value is None
        )
        if empty and "placeholder" not in keywords:
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: p.stem)
def test_empty_choices_have_a_dutch_placeholder(path):
    assert _empty_choice_without_placeholder(path) == []


def test_the_placeholder_check_finds_a_missing_one(tmp_path):
    page = tmp_path / "p.py"
    page.write_text(
        "import streamlit as st\nst.multiselect('a', [1])\n"
        "st.selectbox('b', [1], index=None, placeholder='Kies')\n"
    )
    assert _empty_choice_without_placeholder(page) == [2]


def test_dutch_texts_say_je_not_u():
    formal = {
        key: entry["nl"]
        for key, entry in catalogue().items()
        if re.search(r"\b(u|uw|U|Uw)\b(?!-)", entry.get("nl", ""))
    }  # u-alpha is a measure
    assert formal == {}


def test_a_message_with_sub_messages_resolves_both():
    assert t("privacy.page.kind.person") == "persoon"
    assert t("privacy.page.kind") != "privacy.page.kind"


def test_a_turn_without_a_speaker_has_no_colon_in_the_review_queue(tmp_path, nlp, new_project):
    path = tmp_path / "p.db"
    db = new_project(path)
    (tmp_path / "dagboek.txt").write_text(
        "Sinds de dood van mijn vrouw ben ik zo eenzaam.\n\nIk schaam me om hulp te vragen.\n",
        encoding="utf-8",
    )
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / "dagboek.txt"], nlp=nlp).ok
    at = run_page("suggesties", path)
    at.button[0].click().run()
    shown = [m.value for m in at.markdown]
    assert any("eenzaam" in m or "schaam" in m for m in shown), shown
    assert not [m for m in shown if re.match(r"\*{1,2}:\*{1,2} ", m)]  # was "**:** Sinds ..."
