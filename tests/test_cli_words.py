"""`workbench history`, `undo` and `codebook log` speak the reader's language, as the app does.

Times in words ("7 december 2026, 10:31", :func:`workbench.i18n.moment`), actions in words
(:func:`workbench.history.event_words`, :func:`workbench.codebook.change_words`), columns under
headers; no ISO times, internal action names or ``entity:id``. ``--json`` keeps the stored
values for scripts.
"""

from __future__ import annotations

import json
import re

import pytest

from privacy_support import add_codes, add_document, segment_ids
from workbench import codebook as cb
from workbench import accounts, codings, history
from workbench.cli import main
from workbench.handle import Project
from workbench.i18n import moment, t
from workbench.memos import add_memo, update_memo
from workbench.projects import create_project
from workbench.store import open_project

ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
INTERNAL = re.compile(r"\b(coding|codings|memo|codes|rename|edit)[.:]\w*")


@pytest.fixture
def project(db, project_path):
    add_codes(db)
    add_document(db)
    me = Project.for_user(db, "onderzoeker")
    codings.add_coding(me, code="verlies", segment_id=segment_ids(db, 1)[1])
    codings.add_coding(me, code="verlies", segment_id=segment_ids(db, 1)[2])
    db.close()
    return str(project_path)


def run(capsys, *argv: str) -> str:
    assert main([str(a) for a in argv]) == 0
    return capsys.readouterr().out


def stored_events(project: str) -> list[dict]:
    db = open_project(project)
    try:
        me = Project.for_user(db, "onderzoeker")
        return history.code_history(me, cb.code_tree(me)[0]["id"])
    finally:
        db.close()


def aligned(lines: list[str], cells: list[list[str]]) -> bool:
    """Each row's cells start where their header starts."""
    header = lines[0]
    starts = [header.index(h) for h in cells[0]]
    return all(
        line[start:].startswith(cell)
        for line, row in zip(lines[1:], cells[1:])
        for start, cell in zip(starts, row)
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_history_shows_when_who_and_what_in_words_under_headers(project, capsys, lang):
    run(capsys, "undo", "--project", project, "--user", "onderzoeker")
    events = stored_events(project)
    assert [(e["action"], e["undone"]) for e in events] == [
        ("undo", False),
        ("coding.add", True),  # the newest coding, taken back
        ("coding.add", False),
    ]
    out = run(capsys, "--lang", lang, "history", "--project", project, "--code", "verlies")
    lines = out.splitlines()
    headers = [t(f"cli.privacy.history_col.{c}", lang) for c in ("at", "actor", "action", "undone")]
    yes, no = t("cli.privacy.yes", lang), t("cli.privacy.no", lang)
    rows = [
        [moment(e["at"], lang), "onderzoeker", t(history.event_words(e["action"]).key, lang)]
        for e in events
    ]
    assert all(h in lines[0] for h in headers)
    assert len(lines) == 1 + len(events)
    assert aligned(lines, [headers[:3], *rows])
    assert [line.rstrip().rsplit("  ", 1)[-1].strip() for line in lines[1:]] == [no, yes, no]
    words = {"nl": ["code toegevoegd", "ongedaan"], "en": ["code added", "undone"]}[lang]
    assert all(w in out.lower() for w in words)
    assert not ISO.search(out) and not INTERNAL.search(out), out
    assert not re.search(r"\bundo\b", out)
    # JSON keeps the stored times, actions and rows for scripts
    out = run(
        capsys, "--lang", lang, "history", "--project", project, "--code", "verlies", "--json"
    )
    assert json.loads(out) == json.loads(json.dumps(events, default=str))
    assert [e["action"] for e in json.loads(out)] == ["undo", "coding.add", "coding.add"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", e["at"]) for e in events)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_undo_says_what_it_undid_and_when_in_words(project, capsys, lang):
    last = stored_events(project)[0]
    out = run(capsys, "--lang", lang, "undo", "--project", project, "--user", "onderzoeker")
    words = t(history.action_words("coding.add").key, lang)
    assert out.strip() == t(
        "cli.privacy.undo_done", lang, action=words, at=moment(last["at"], lang)
    )
    assert moment(last["at"], lang) in out and words in out
    assert not ISO.search(out) and f"({last['entity_id']})" not in out


def test_undo_past_a_blocked_action_is_asked_for_and_says_what_stayed(project, capsys):
    """Refused because anna changed the memo since, undo said nothing of older actions, and
    there was no way past it."""
    db = open_project(project)
    me = Project.for_user(db, "onderzoeker")
    accounts.add_user(me, "anna", role="onderzoeker")
    memo = add_memo(me, target_type="document", target_id=1, text="Hij woont alleen.")
    update_memo(Project.for_user(db, "anna"), memo, text="Hij woont alleen, sinds kort.")
    db.close()
    undo = ["--lang", "en", "undo", "--project", project, "--user", "onderzoeker"]
    assert main(undo) == 1
    err = capsys.readouterr().err
    assert "You can no longer undo your new memo: anna changed it afterwards." in err
    assert "Use --past-blocked to undo that action before it." in err
    out = run(capsys, *undo, "--past-blocked")
    assert out.splitlines()[1:] == [
        "You can no longer undo your new memo: anna changed it afterwards."
    ]
    assert [(e["action"], e["undone"]) for e in stored_events(project)][:2] == [
        ("undo", False),
        ("coding.add", True),
    ]


@pytest.mark.parametrize(
    "lang, header, words",
    [
        ("nl", ["Wanneer", "Wie", "Wat", "Code", "Waarom"], ["nieuwe naam", "notitie"]),
        ("en", ["When", "Who", "What", "Code", "Why"], ["renamed", "note"]),
    ],
)
def test_codebook_log_shows_time_and_action_in_words(capsys, tmp_path, lang, header, words):
    path = tmp_path / "p.db"
    create_project(path).close()
    why = "breder dan schaamte alleen"
    run(capsys, "codebook", "rename", "schaamte", "Schaamte", "--why", why, "--project", path)
    log = json.loads(run(capsys, "codebook", "log", "--project", path, "--json"))
    assert [c["action"] for c in log] == ["rename", "note"]  # JSON keeps the stored action
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", c["at"]) for c in log)
    out = run(capsys, "--lang", lang, "codebook", "log", "--project", path)
    lines = out.splitlines()
    rows = [
        [moment(c["at"], lang), "onderzoeker", w, c["code_slug"] or "-"] for c, w in zip(log, words)
    ]
    assert len(lines) == 3 and aligned(lines, [header[:4], *rows])
    assert lines[0].split() == header and lines[1].endswith(why)
    assert not ISO.search(out) and not re.search(r"\brename\b", out)


@pytest.mark.parametrize("lang, words", [("nl", "ongedaan gemaakt"), ("en", "undone")])
def test_codebook_log_says_in_words_that_an_undo_wrote_an_entry(capsys, tmp_path, lang, words):
    path = tmp_path / "p.db"
    create_project(path).close()
    run(capsys, "codebook", "rename", "schaamte", "Schaamte", "--why", "breder", "--project", path)
    run(capsys, "undo", "--project", path, "--user", "onderzoeker")
    log = json.loads(run(capsys, "codebook", "log", "--project", path, "--json"))
    assert "undo" in [c["rationale"] for c in log]  # JSON keeps what is stored
    out = run(capsys, "--lang", lang, "codebook", "log", "--project", path)
    assert out.splitlines()[1].endswith(words)  # newest first
    assert not re.search(r"\bundo\b", out)


def test_moment_is_one_function_for_the_app_and_the_command_line():
    assert moment("2026-12-07T10:31:00", "nl") == "7 december 2026, 10:31"
    assert moment("2026-12-07T10:31:00", "en") == "7 December 2026, 10:31"
    assert moment(None, "nl") == moment("", "en") == ""
    assert cb.change_words("rename").key == "codebook.change.rename"
    assert t(cb.change_words("no-such-action").key, "en") == "change"
