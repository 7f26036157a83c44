"""Drift by week: every unit the figures compare is in exactly one batch, and each batch says
what it covers, on real project files (fictional documents of test_consistency)."""

from __future__ import annotations

import json

import pytest

from page_runner import run_page
from test_consistency import build_project, code
from workbench import consistency as cons
from workbench import done_marks
from workbench.cli import main
from workbench.handle import Project
from workbench.store import transaction

MONDAY_1, MONDAY_2 = "2026-11-02", "2026-11-09"


def dated(db, coder, doc, stamp):
    """Set when ``coder`` coded in and marked done ``doc`` (test set-up: a real history)."""
    with transaction(db):
        db.execute(
            "UPDATE codings SET created_at = ? WHERE coder = ? AND document_id = ?",
            [stamp, coder, doc],
        )
        db.execute(
            "UPDATE done_marks SET marked_at = ? WHERE coder = ? AND document_id = ?",
            [stamp, coder, doc],
        )


@pytest.fixture
def history(db):
    """Three documents in one sample for anna and bram: d1 both coded on Tuesday of week 1;
    d2 anna in week 1, bram (who differs) on Sunday of week 2; d3 nobody has opened."""
    layout = build_project(db, n_documents=3)
    d1, d2, d3 = layout
    cons.create_sample(
        Project.for_user(db, "sanne"), name="ronde 1", coders=["anna", "bram"], documents=[*layout]
    )
    for coder in ("anna", "bram"):
        code(db, coder, "verlies", layout[d1][0])
        code(db, coder, "verlies", layout[d2][0])
    code(db, "bram", "schaamte", layout[d2][1])
    done_marks.mark_done(Project.for_user(db, "anna"), [d1, d2], coder="anna")
    for coder in ("anna", "bram"):
        dated(db, coder, d1, "2026-11-03T10:00:00+00:00")
    dated(db, "anna", d2, "2026-11-04T10:00:00+00:00")
    dated(db, "bram", d2, "2026-11-15T23:00:00+00:00")
    return layout


def test_every_compared_unit_is_in_exactly_one_batch(db, history):
    sanne = Project.for_user(db, "sanne")
    report = cons.agreement_report(sanne, coders=["anna", "bram"], n_samples=50)
    assert report["n_units"] == 12  # the sample's three documents, four sentences each
    rows = cons.drift(sanne, coders=["anna", "bram"], n_samples=50)
    # d2 belongs to the week its comparison was complete: bram's Sunday, week 2;
    # d3, which nobody opened, is compared (the sample counts it as read) but has no date
    assert [(r["batch"], r["start"], r["end"], r["n_documents"], r["n_units"]) for r in rows] == [
        (MONDAY_1, MONDAY_1, "2026-11-08", 1, 4),
        (MONDAY_2, MONDAY_2, "2026-11-15", 1, 4),
        (None, None, None, 1, 4),
    ]
    assert sum(r["n_units"] for r in rows) == report["n_units"]
    assert rows[0]["alpha"] == 1.0 and rows[1]["alpha"] < 1.0


def test_every_document_counted_without_marks_has_no_date(db):
    """``all_documents`` compares documents nobody touched: they had no week at all."""
    layout = build_project(db, n_documents=2)
    d1, _ = layout
    code(db, "anna", "verlies", layout[d1][0])
    code(db, "bram", "verlies", layout[d1][0])
    sanne = Project.for_user(db, "sanne")
    rows = cons.drift(sanne, coders=["anna", "bram"], all_documents=True, n_samples=50)
    assert [r["n_units"] for r in rows] == [4, 4] and rows[-1]["batch"] is None


def test_weeks_follow_the_chosen_sample(db, history):
    """With a sample chosen, the weeks add up to the sample's figures, not the project's."""
    d1, d2, _ = history
    sanne = Project.for_user(db, "sanne")
    second = cons.create_sample(sanne, name="ronde 2", coders=["anna", "bram"], documents=[d1])
    report = cons.agreement_report(sanne, coders=["anna", "bram"], sample_id=second, n_samples=50)
    rows = cons.drift(sanne, coders=["anna", "bram"], sample_id=second, n_samples=50)
    assert [(r["batch"], r["n_units"]) for r in rows] == [(MONDAY_1, report["n_units"])]


@pytest.mark.parametrize(
    "lang, undated, covers",
    [
        (
            "nl",
            "zonder datum",
            "Samen zijn dat 12 fragmenten, net als bij de cijfers. Zonder datum:",
        ),
        ("en", "no date", "Together that is 12 segments, as in the figures. No date:"),
    ],
)
def test_page_lists_every_batch_and_says_what_a_week_covers(
    db, history, project_path, lang, undated, covers
):
    at = run_page("consistentie", project_path, user="sanne", lang=lang)
    table = next(d.value for d in at.dataframe if d.value.columns[0] == "week")
    assert list(table.iloc[:, 0]) == [MONDAY_1, MONDAY_2, undated]
    assert list(table.iloc[:, 3]) == [4, 4, 4]
    assert any(covers in c.value for c in at.caption)


@pytest.mark.parametrize(
    "lang, rows, note",
    [
        (
            "nl",
            ["2026-11-02    2026-11-02 t/m 2026-11-08", "zonder datum", "niet te berekenen"],
            "Samen zijn dat 12 fragmenten, net als bij de cijfers. Zonder datum:",
        ),
        (
            "en",
            ["2026-11-02  2026-11-02 to 2026-11-08", "no date", "cannot be computed"],
            "Together that is 12 segments, as in the figures. No date:",
        ),
    ],
)
def test_cli_prints_every_batch_with_what_it_covers(
    db, history, project_path, capsys, lang, rows, note
):
    run = ["--lang", lang, "agreement", "--project", str(project_path), "--user", "sanne"]
    assert main([*run, "--coders", "anna,bram", "--drift", "week"]) == 0
    out = capsys.readouterr().out
    assert all(row in out for row in rows) and note in out
    assert main([*run, "--coders", "anna,bram", "--drift", "week", "--json"]) == 0
    batches = json.loads(capsys.readouterr().out)
    assert [(b["batch"], b["n_units"]) for b in batches] == [
        (MONDAY_1, 4),
        (MONDAY_2, 4),
        (None, 4),
    ]
    assert main([*run, "--drift", "week", "--unitized"]) == 1
    assert "--drift" in capsys.readouterr().err
