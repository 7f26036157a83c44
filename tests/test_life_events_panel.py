"""The life events panel of the Coderen page, run as the page runs it (AppTest)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_patterns import build_project
from test_patterns_cascades import coding

from workbench import life_events
from workbench.handle import Project
from workbench.store import now, open_project
from page_runner import switch_language

pytestmark = pytest.mark.slow  # each test starts the panel in AppTest (seconds each)


def panel_app() -> None:
    """The panel on the segment chosen in session state, as the Coderen page calls it."""
    import streamlit as st

    from workbench.app.common import acting_project
    from workbench.app.life_events_panel import show

    project = acting_project()
    start, end, doc = project.db.execute(
        "SELECT start_char, end_char, document_id FROM segments WHERE id = ?",
        [st.session_state["segment"]],
    ).fetchone()
    show(
        project,
        {
            "document_id": doc,
            "segment_id": st.session_state["segment"],
            "start_char": start,
            "end_char": end,
        },
        others=st.session_state.get("others", True),
    )


@pytest.fixture
def project(db):
    db.segments = build_project(db)
    return db


def panel(
    project_path, segment: int, user: str = "onderzoeker", lang: str = "nl", others: bool = True
) -> AppTest:
    """The panel as the Coderen page shows it; ``others`` is its "Andere codeurs tonen"."""
    at = AppTest.from_function(panel_app, default_timeout=60)
    for key, value in {
        "project_path": str(project_path),
        "user": user,
        "lang": lang,
        "segment": segment,
        "others": others,
    }.items():
        at.session_state[key] = value
    return at.run()


def test_why_a_proposal_was_made_reads_in_the_panels_language(project, project_path):
    life_events.propose(Project.for_user(project, "onderzoeker"))
    at = panel(project_path, project.segments["R03"][5], lang="en")
    assert not at.exception, [e.message for e in at.exception]
    why = [c.value for c in at.caption if c.value.startswith("Why: ")]
    mention = "Why: same kind of loss (verlies-woning), the only one in this story; no time"
    assert why[0] == mention + " of its own"  # the re-mention, and below it the links:
    assert "Why: told after “Zin 2 van interview-R03, verzonnen.” (no time of its own)" in why


def test_a_proposed_re_mention_is_confirmed_with_one_click(project, project_path):
    life_events.propose(Project.for_user(project, "onderzoeker"))
    at = panel(project_path, project.segments["R03"][5])
    assert not at.exception, [e.message for e in at.exception]
    assert any("gaat over #" in m.value and "(voorstel)" in m.value for m in at.markdown)
    assert any("zelfde soort verlies" in c.value for c in at.caption)
    at.button(key=next(b.key for b in at.button if b.key.startswith("life_mc_"))).click().run()
    assert not at.exception
    second = coding(project, "R03", 5, "verlies-woning")
    status = (
        open_project(project_path)
        .execute("SELECT status FROM life_event_codings WHERE coding_id = ?", [second])
        .fetchone()[0]
    )
    assert status == "accepted"


def test_the_researcher_makes_an_event_and_links_it_to_an_earlier_one(project, project_path):
    earlier = life_events.create_event(
        Project.for_user(project, "onderzoeker"), [coding(project, "R02", 2, "verlies-dierbare")]
    )
    at = panel(project_path, project.segments["R02"][1])  # werk and verliescascade here
    werk = coding(project, "R02", 1, "verlies-werk")
    at.button(key=f"life_make_{werk}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    made = project.execute(
        "SELECT event_id FROM life_event_codings WHERE coding_id = ?", [werk]
    ).fetchone()[0]
    at.selectbox(key=f"life_cause_{made}").set_value(earlier).run()
    at.button(key=f"life_link_{made}").click().run()
    assert not at.exception
    assert project.execute(
        "SELECT status FROM life_event_links WHERE cause_id = ? AND effect_id = ?", [earlier, made]
    ).fetchone() == ("accepted",)


def test_a_co_researcher_sees_no_panel(project, project_path):
    project["users"].insert({"name": "buurvrouw", "role": "co-onderzoeker", "created_at": now()})
    at = panel(project_path, project.segments["R02"][1], user="buurvrouw")
    assert not at.exception and not at.markdown and not at.button


def test_a_supervisor_is_told_the_event_is_someone_elses_and_nothing_changes(project, project_path):
    wim = life_events.create_event(
        Project.for_user(project, "onderzoeker"), [coding(project, "R01", 1, "verlies-dierbare")]
    )
    project["users"].insert({"name": "sanne", "role": "supervisor", "created_at": now()})
    at = panel(project_path, project.segments["R01"][1], user="sanne")
    at.number_input(key=f"life_year_{wim}").set_value(2018).run()
    at.button(key=f"life_save_{wim}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    said = [e.value for e in at.error]
    assert said == [
        f"Je mag gebeurtenis #{wim} niet veranderen: 'onderzoeker' heeft die vastgelegd. "
        "Alleen 'onderzoeker' of een onderzoeker mag deze gebeurtenis en de koppelingen ervan "
        "veranderen of weghalen."
    ]
    assert project.execute("SELECT life_year FROM life_events").fetchall() == [(None,)]


def test_when_it_happened_stays_chosen_when_the_language_changes(project, project_path):
    """ "Before/after" and "how sure" read their words in format functions, which Streamlit's
    test harness calls outside the run: after a switch to English they read Dutch and the
    save click failed ("... is not in list")."""
    me = Project.for_user(project, "onderzoeker")
    earlier = life_events.create_event(me, [coding(project, "R02", 2, "verlies-dierbare")])
    werk = life_events.create_event(me, [coding(project, "R02", 1, "verlies-werk")])
    at = panel(project_path, project.segments["R02"][1])
    at.selectbox(key=f"life_rel_{werk}").set_value("after").run()
    at.selectbox(key=f"life_other_{werk}").set_value(earlier).run()
    at.radio(key=f"life_sure_{werk}").set_value("unsure").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key=f"life_rel_{werk}").options == ["not chosen", "before", "after"]
    assert at.selectbox(key=f"life_rel_{werk}").value == "after"
    assert at.selectbox(key=f"life_other_{werk}").value == earlier
    assert at.radio(key=f"life_sure_{werk}").options == ["sure", "about", "unsure"]
    assert at.radio(key=f"life_sure_{werk}").value == "unsure"
    at.button(key=f"life_save_{werk}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert project.execute(
        "SELECT relation, relative_to, certainty FROM life_events WHERE id = ?", [werk]
    ).fetchone() == ("after", earlier, "unsure")


def test_how_sure_is_chosen_in_the_english_panel(project, project_path):
    me = Project.for_user(project, "onderzoeker")
    wim = life_events.create_event(me, [coding(project, "R01", 1, "verlies-dierbare")])
    at = panel(project_path, project.segments["R01"][1], lang="en")
    at.radio(key=f"life_sure_{wim}").set_value("about").run()
    at.button(key=f"life_save_{wim}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert project.execute("SELECT certainty FROM life_events WHERE id = ?", [wim]).fetchone() == (
        "about",
    )


def test_the_event_pickers_stay_when_the_language_changes(project, project_path):
    """A guard: "same event as" and "came from" pick event ids with a key, and show the
    event's name made in this run's language."""
    me = Project.for_user(project, "onderzoeker")
    woning = life_events.create_event(me, [coding(project, "R03", 2, "verlies-woning")])
    later = coding(project, "R03", 5, "verlies-woning")
    at = panel(project_path, project.segments["R03"][5])
    at.selectbox(key=f"life_same_{later}").set_value(woning).run()
    switch_language(at)
    assert at.selectbox(key=f"life_same_{later}").value == woning
    assert at.selectbox(key=f"life_same_{later}").options == [f"#{woning} verlies-woning (no time)"]
    at.button(key=f"life_attach_{later}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert project.execute(
        "SELECT event_id FROM life_event_codings WHERE coding_id = ?", [later]
    ).fetchone() == (woning,)
    earlier = life_events.create_event(me, [coding(project, "R02", 2, "verlies-dierbare")])
    werk = life_events.create_event(me, [coding(project, "R02", 1, "verlies-werk")])
    at = panel(project_path, project.segments["R02"][1])
    at.selectbox(key=f"life_cause_{werk}").set_value(earlier).run()
    switch_language(at)
    assert at.selectbox(key=f"life_cause_{werk}").value == earlier
    at.button(key=f"life_link_{werk}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert project.execute(
        "SELECT status FROM life_event_links WHERE cause_id = ? AND effect_id = ?", [earlier, werk]
    ).fetchone() == ("accepted",)


def test_without_other_coders_the_panel_lists_only_the_users_codings(project, project_path):
    """With "Andere codeurs tonen" off the transcript shows only the user's codes, but the
    panel listed bram's coding too and offered to make an event of it. Events stay the
    team's: the one bram made of his coding is still offered as the same event."""
    seg = project.segments["R01"][5]  # isolement by anna and by bram, no event yet
    bram, anna = (coding(project, "R01", 5, "isolement", c) for c in ("bram", "anna"))
    at = panel(project_path, seg, user="anna", others=False)
    assert not at.exception, [e.message for e in at.exception]
    listed = [m.value for m in at.markdown]
    assert any(m.endswith(" · _anna_") for m in listed)
    assert not any("bram" in m for m in listed)
    assert not [b for b in at.button if b.key.endswith(f"_{bram}")]
    assert at.button(key=f"life_make_{anna}")
    at = panel(project_path, seg, user="anna", others=True)
    assert any(m.value.endswith(" · _bram_") for m in at.markdown)
    assert at.button(key=f"life_make_{bram}")

    theirs = coding(project, "R01", 1, "verlies-dierbare", "bram")
    life_events.create_event(Project.for_user(project, "bram"), [theirs], label="de zus")
    mine = coding(project, "R01", 1, "verlies-dierbare", "anna")
    at = panel(project_path, project.segments["R01"][1], user="anna", others=False)
    assert any("de zus" in o for o in at.selectbox(key=f"life_same_{mine}").options)
