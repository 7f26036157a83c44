"""Stored times read as dates for people on every page that shows one ("7 december 2026,
10:31", in the reader's language and local time), never as the stored ISO string
("2026-12-07T10:31:44.123456+00:00"). AppTest on real project files."""

from __future__ import annotations

import datetime as dt

import pytest

from page_runner import run_page
from privacy_support import add_document
from workbench import codebook as cb
from workbench.handle import Project
from workbench.memos import add_memo
from workbench.store import open_project

STAMP = "2026-12-07T10:31:44.123456+00:00"
MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
    "december".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
}


def shown(stamp: str, lang: str) -> str:
    """What a reader should see for ``stamp``: the server's local time, the month in words."""
    when = dt.datetime.fromisoformat(stamp).astimezone()
    return f"{when.day} {MONTHS[lang][when.month - 1]} {when.year}, {when:%H:%M}"


@pytest.fixture
def memo_project(db, project_path):
    add_document(db)
    add_memo(Project.for_user(db, "onderzoeker"), target_type="document", target_id=1, text="Lang.")
    db.execute("UPDATE memos SET created_at = ?, updated_at = ?", [STAMP, STAMP])
    db.conn.commit()
    return project_path


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_memo_shows_when_it_was_written_as_a_date(memo_project, lang):
    at = run_page("memos", memo_project, lang=lang)
    [line] = [m.value for m in at.markdown if "Lang." not in m.value and "onderzoeker" in m.value]
    assert line.endswith(f"_onderzoeker_ · {shown(STAMP, lang)}")
    assert "2026-12-07" not in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize(("lang", "column"), [("nl", "Wanneer"), ("en", "When")])
def test_codebook_change_log_shows_dates_for_people(project_path, templates, lang, column):
    db = open_project(templates.new(project_path))
    cb.edit_code(
        Project.for_user(db, "onderzoeker"),
        "schaamte",
        definition="Zich schamen voor de eigen eenzaamheid.",
        rationale="past beter bij de interviews",
    )
    db.execute("UPDATE codebook_changes SET at = ?", [STAMP])
    db.conn.commit()
    db.close()
    at = run_page("codeboek", project_path, lang=lang)
    log = next(d.value for d in at.dataframe if column in d.value.columns)
    assert set(log[column]) == {shown(STAMP, lang)}
