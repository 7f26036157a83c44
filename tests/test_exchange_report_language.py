"""The data-loss report written next to an export reads in the user's language, and a .qdpx
report says which life events, mentions and links stayed behind (REFI-QDA has no place for
them).

Fictional Dutch stories, imported with the real pipeline into a real project with the
default codebook (the ``story`` fixture of tests/test_cascade_true_on_real_data.py).
"""

from __future__ import annotations

import pytest
from test_cascade_true_on_real_data import code, story  # noqa: F401  (fixture)

from workbench import life_events
from workbench.exchange import export_project
from workbench.handle import Project

STORY = [
    "In 2015 ging de bakkerij waar ik werkte failliet.",
    "Daardoor moest ik mijn huurhuis aan de Dorpsweg opgeven.",
    "Sindsdien kom ik bijna niemand meer tegen.",
]


def told(story) -> Project:
    """R41's job loss led to losing the house; the isolation is a proposed event."""
    me, s = story("R41", STORY)
    job = life_events.create_event(me, [code(me, s[1], "verlies-werk", 2015)])
    home = life_events.create_event(me, [code(me, s[2], "verlies-woning")])
    life_events.link(me, job, home)
    life_events.create_event(me, [code(me, s[3], "isolement")], origin="machine")
    return me


def report_next_to(path) -> str:
    return path.with_name(path.name + ".dataloss.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["qdpx", "qdc", "csv", "xlsx"])
def test_the_report_next_to_an_export_is_in_the_language_asked_for(story, tmp_path, fmt):
    me = told(story)
    english = tmp_path / f"en.{fmt}"
    export_project(me, english, format=fmt, lang="en")
    assert report_next_to(english).startswith(f"Export to en.{fmt} ({fmt})\nCarried over: ")
    dutch = tmp_path / f"nl.{fmt}"
    export_project(me, dutch, format=fmt)
    assert report_next_to(dutch).startswith(f"Export naar nl.{fmt} ({fmt})\nMeegenomen: ")


def test_the_original_text_warning_is_in_the_language_of_the_handle(story, tmp_path):
    me = told(story)
    english = Project.for_user(me.db, me.user, lang="en")  # what the English app passes
    export_project(english, tmp_path / "x.qdpx", format="qdpx", pseudonymise=False)
    text = report_next_to(tmp_path / "x.qdpx")
    assert "Do not share it." in text and "Deel hem niet" not in text


def test_a_qdpx_report_says_which_life_events_and_links_stayed_behind(story, tmp_path):
    me = told(story)
    report = export_project(me, tmp_path / "x.qdpx", format="qdpx")
    assert [line for line in report.loss_lines("en") if "life event" in line] == [
        "Not carried over: 3 × life event. Reason: REFI-QDA has no place for life events and "
        "their links. They stay in your project. (verlies-werk; verlies-woning; isolement)",
        "Not carried over: 3 × coding that mentions a life event. Reason: REFI-QDA has no "
        "place for life events and their links. They stay in your project.",
        "Not carried over: 1 × link between life events. Reason: REFI-QDA has no place for "
        "life events and their links. They stay in your project. (verlies-werk -> "
        "verlies-woning)",
    ]
    dutch = report_next_to(tmp_path / "x.qdpx")
    assert "- Niet meegenomen: 3 × gebeurtenis in het leven." in dutch
    assert "- Niet meegenomen: 1 × verband tussen gebeurtenissen." in dutch


def test_rejected_life_events_are_not_counted_as_lost(story, tmp_path):
    me = told(story)
    (proposed,) = me.db.execute("SELECT id FROM life_events WHERE origin = 'machine'")
    life_events.decide(me, "event", proposed[0], "rejected")
    report = export_project(me, tmp_path / "x.qdpx", format="qdpx")
    counts = {loss.kind: loss.count for loss in report.losses if "life_event" in loss.kind}
    assert counts == {"life_event": 2, "life_event_mention": 2, "life_event_link": 1}


def test_the_english_export_page_downloads_an_english_report(story, tmp_path):
    from page_runner import run_page

    told(story)
    at = run_page("export", tmp_path / "project.db", lang="en")
    at.button(key="export_make").click().run()
    assert not at.exception
    report = at.session_state["export_result"]["dataloss"].decode("utf-8")
    assert report.startswith("Export to project.qdpx (qdpx)\nCarried over: ")
    assert "- Not carried over: 1 × link between life events." in report
    shown = " ".join(m.value for m in at.markdown)
    assert "3 × life event" in shown


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_table_of_codings_keeps_the_life_moment_and_names_the_events_it_leaves(
    story, tmp_path, fmt
):
    import pandas as pd

    me = told(story)
    out = tmp_path / f"codings.{fmt}"
    report = export_project(me, out, format=fmt, pseudonymise=False)
    frame = (
        pd.read_csv(out, encoding="utf-8-sig")
        if fmt == "csv"
        else pd.read_excel(out, engine="openpyxl")
    )
    timed = frame[frame["code"] == "verlies-werk"]
    assert timed["life_year"].tolist() == [2015]
    assert frame.loc[frame["code"] == "verlies-woning", "life_year"].isna().all()
    if fmt == "csv":  # a whole year, not 2015.0 next to an empty cell
        assert ",2015," in out.read_text(encoding="utf-8-sig")
    counts = {loss.kind: loss.count for loss in report.losses if "life_event" in loss.kind}
    assert counts == {"life_event": 3, "life_event_mention": 3, "life_event_link": 1}
    dutch = report_next_to(out)
    assert "- Niet meegenomen: 1 × verband tussen gebeurtenissen." in dutch
    assert "Ze blijven in je project" in dutch
