"""Issue 17: every quote on Patronen, and every cell of the matrix, is one click from its place
in the interview (the jump URL ``coderen?doc=&seg=`` of workbench.app.jump).

The page is opened through the app's navigation (so its links resolve to the coding page),
on the small project of tests/test_patterns.py plus one hand-selected span; a click on a
table row or cell is the selection state Streamlit keeps for it. The last tests follow a
link: the coding page opens that interview with that segment or span selected.
"""

from __future__ import annotations

import pytest
from test_page_memos import _walk, in_the_app
from test_page_patronen import TAB, story  # noqa: F401 (a fixture)
from test_patterns import build_project

from workbench.codings import add_coding
from workbench.handle import Project


def picked(rows=(), cells=()):
    """What Streamlit keeps for a click on a table row or cell."""
    return {"selection": {"rows": list(rows), "columns": [], "cells": [list(c) for c in cells]}}


def links(at) -> list[str]:
    return [
        e.proto.query_string
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "page_link"
    ]


def segment(db, text: str) -> tuple[int, int]:
    """(document id, segment id) of the segment with this text."""
    return tuple(
        db.execute("SELECT document_id, id FROM segments WHERE text = ?", [text]).fetchone()
    )


@pytest.fixture
def project(db, project_path):
    build_project(db)
    doc, start, end = db.execute(
        "SELECT document_id, start_char + 4, end_char FROM segments "
        "WHERE text = 'Zin 7 van interview-R04, verzonnen.'"
    ).fetchone()
    db.span = (doc, start, end)
    add_coding(
        Project.for_user(db, "anna"),
        code="isolement",
        document_id=doc,
        start_char=start,
        end_char=end,
    )
    return project_path, db


def test_a_cell_click_offers_its_first_place_and_each_quote_its_own(project):
    path, db = project
    at = in_the_app("patronen", path, patronen_matrix=picked(cells=[(2, "Verlies woning")]))
    doc, first = segment(db, "Zin 2 van interview-R03, verzonnen.")
    assert links(at) == [f"doc={doc}&seg={first}"]
    assert any("Klik op een rij" in c.value for c in at.caption)
    at = in_the_app(
        "patronen",
        path,
        patronen_matrix=picked(cells=[(2, "Verlies woning")]),
        patronen_matrix_quotes=picked(rows=[1]),
    )
    _, second = segment(db, "Zin 5 van interview-R03, verzonnen.")
    assert links(at) == [f"doc={doc}&seg={first}", f"doc={doc}&seg={second}"]
    labels = [
        e.proto.label
        for e in at.main.children.values()
        for e in _walk(e)
        if getattr(e, "type", None) == "page_link"
    ]
    assert labels[1] == "Open Verlies woning in het interview interview-R03"


def test_a_quote_jumps_to_its_segment_and_a_hand_selected_span_to_its_span(project):
    path, db = project
    state = {"patronen_tab": TAB["quotes"], "patronen_q_codes": ["isolement"]}
    at = in_the_app("patronen", path, **state, patronen_q_quotes=picked(rows=[0]))
    doc, seg = segment(db, "Zin 5 van interview-R01, verzonnen.")
    assert links(at) == [f"doc={doc}&seg={seg}"]
    at = in_the_app("patronen", path, **state, patronen_q_quotes=picked(rows=[3]))
    span_doc, start, end = db.span
    assert links(at) == [f"doc={span_doc}&start={start}&end={end}"]


def test_where_two_codes_meet_both_fragments_are_one_click_away(project):
    path, db = project
    at = in_the_app(
        "patronen",
        path,
        patronen_tab=TAB["cooccurrence"],
        patronen_co_scope="turn",
        patronen_co_pair=("verlies-woning", "isolement", 3),
        patronen_co_quotes=picked(rows=[0]),
    )
    doc, woning = segment(db, "Zin 4 van interview-R01, verzonnen.")
    _, isolement = segment(db, "Zin 5 van interview-R01, verzonnen.")
    assert links(at) == [f"doc={doc}&seg={woning}", f"doc={doc}&seg={isolement}"]


def test_a_profile_timeline_row_jumps_to_its_place(project):
    path, db = project
    at = in_the_app(
        "patronen",
        path,
        patronen_tab=TAB["profile"],
        patronen_profile="R02",
        patronen_prof_quotes=picked(rows=[0]),
    )
    doc, seg = segment(db, "Zin 2 van interview-R02, verzonnen.")  # 1985: first in life
    assert links(at) == [f"doc={doc}&seg={seg}"]


def _follow(at, query: str):
    """Follow a jump link: the coding page with the link's query parameters."""
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        at.query_params[name] = value
    at.switch_page("workbench/app/pages/coderen.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_following_a_quote_link_selects_that_segment_on_the_coding_page(project):
    path, db = project
    at = in_the_app(
        "patronen",
        path,
        patronen_matrix=picked(cells=[(2, "Verlies woning")]),
        patronen_matrix_quotes=picked(rows=[1]),
    )
    at = _follow(at, links(at)[1])
    doc, seg = segment(db, "Zin 5 van interview-R03, verzonnen.")
    assert at.selectbox(key="coding_document").value == doc
    target = at.session_state["coding_target"]
    assert (target["document_id"], target["segment_id"]) == (doc, seg)
    assert "> Zin 5 van interview\\-R03, verzonnen\\." in " ".join(m.value for m in at.markdown)


def test_following_a_span_link_selects_that_span(project):
    path, db = project
    at = in_the_app(
        "patronen",
        path,
        patronen_tab=TAB["quotes"],
        patronen_q_codes=["isolement"],
        patronen_q_quotes=picked(rows=[3]),
    )
    at = _follow(at, links(at)[0])
    doc, start, end = db.span
    target = at.session_state["coding_target"]
    assert target == {"document_id": doc, "segment_id": None, "start_char": start, "end_char": end}
    assert "7 van interview\\-R04, verzonnen\\." in " ".join(m.value for m in at.markdown)
    from test_page_coderen import drawn

    assert drawn(at)["focus"] == segment(db, "Zin 7 van interview-R04, verzonnen.")[1]


@pytest.mark.slow
def test_a_loss_events_quote_links_to_its_place(story, db):
    """The quotes behind a loss on the life line (the page run on its own: the link is a
    plain link to the same URL, see workbench.app.jump)."""
    story.session_state["patronen_cas_chart"] = {
        "selection": {"lifeline_pick": [{"element": f"event:{story.ids['werk']}"}]}
    }
    story.session_state["patronen_cas_quotes"] = picked(rows=[0])
    story.run()
    assert not story.exception
    doc, seg = segment(db, "Zin 1 van interview-R02, verzonnen.")
    assert any(f"(coderen?doc={doc}&seg={seg})" in m.value for m in story.markdown)


@pytest.mark.slow
def test_a_loss_or_reaction_row_links_to_where_it_was_first_told(story, db):
    story.session_state["patronen_cas_person"] = "R02"
    story.session_state["patronen_cas_events"] = picked(rows=[0])
    story.session_state["patronen_cas_reactions"] = picked(rows=[0])
    story.run()
    assert not story.exception, [e.message for e in story.exception]
    doc, dierbare = segment(db, "Zin 2 van interview-R02, verzonnen.")  # 1985, first in life
    _, isolement = segment(db, "Zin 5 van interview-R02, verzonnen.")
    text = " ".join(m.value for m in story.markdown)
    assert f"(coderen?doc={doc}&seg={dierbare})" in text
    assert f"(coderen?doc={doc}&seg={isolement})" in text
