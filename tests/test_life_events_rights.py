"""Whose life event it is: its recorder, or a researcher, changes, links or removes it; the
rule codings and memos follow (``access.require_own``). Two users on the small project of
tests/test_patterns.py (a real SQLite file; its docstring says what is coded where): the
researcher ``onderzoeker`` (ME) and the supervisors ``sanne`` and ``piet``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from test_life_events_undo import snapshot
from test_patterns import ME
from test_patterns_cascades import coding, event, project  # noqa: F401  (fixture)

from workbench import accounts, codings, life_events
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last, undoable_actions


@pytest.fixture
def sanne(project) -> Project:
    for name in ("sanne", "piet"):
        accounts.add_user(Project.for_user(project, ME), name, role="supervisor")
    return Project.for_user(project, "sanne")


def log_size(db) -> int:
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


def refused(db, change: Callable[[], object], owner: str) -> None:
    """``change`` is refused naming ``owner`` in both languages, and nothing is written."""
    before, logged = snapshot(db), log_size(db)
    with pytest.raises(PermissionDenied) as err:
        change()
    assert err.value.key == "access.not_own_event"
    assert f"'{owner}'" in err.value.message("nl") and "Je mag" in err.value.message("nl")
    assert f"'{owner}' recorded it" in err.value.message("en")
    assert snapshot(db) == before and log_size(db) == logged


def test_a_supervisor_cannot_change_link_or_remove_a_researchers_event(project, sanne):
    wim = event(project, "R01", 1, "verlies-dierbare", label="haar man")
    home = event(project, "R01", 4, "verlies-woning")
    shame = event(project, "R01", 2, "schaamte")
    made = life_events.link(Project.for_user(project, ME), wim, home)
    for change in (
        lambda: life_events.update_event(sanne, wim, certainty="about"),
        lambda: life_events.remove_event(sanne, wim),
        lambda: life_events.link(sanne, home, shame),
        lambda: life_events.remove_link(sanne, made),
        lambda: life_events.decide(sanne, "event", wim, "rejected"),
        lambda: life_events.decide(sanne, "link", made, "rejected"),
        lambda: life_events.attach(sanne, home, coding(project, "R01", 5, "isolement")),
    ):
        refused(project, change, ME)
    # a coding already in the researcher's event is not moved into sanne's own event either
    refused(
        project,
        lambda: life_events.create_event(sanne, [coding(project, "R01", 1, "verlies-dierbare")]),
        ME,
    )


def test_a_coder_changes_her_own_event_and_the_researcher_anyones(project, sanne):
    mine = life_events.create_event(sanne, [coding(project, "R02", 4, "verlies-woning")])
    after = life_events.create_event(sanne, [coding(project, "R02", 5, "isolement")])
    life_events.update_event(sanne, mine, life_year=2001, certainty="about")
    made = life_events.link(sanne, mine, after)
    refused(
        project,
        lambda: life_events.update_event(Project.for_user(project, "piet"), mine, life_year=2002),
        "sanne",
    )
    refused(
        project, lambda: life_events.remove_link(Project.for_user(project, "piet"), made), "sanne"
    )
    life_events.update_event(Project.for_user(project, ME), mine, life_year=2002)  # researcher
    life_events.remove_link(sanne, made)
    life_events.remove_event(sanne, after)
    left = project.execute("SELECT id, life_year, created_by FROM life_events").fetchall()
    assert left == [(mine, 2002, "sanne")]
    assert project.execute("SELECT count(*) FROM life_event_links").fetchone()[0] == 0


def test_events_of_two_coders_are_linked_only_by_a_researcher(project, sanne):
    wim = event(project, "R02", 2, "verlies-dierbare")  # the researcher's
    work = life_events.create_event(sanne, [coding(project, "R02", 1, "verlies-werk")])
    refused(project, lambda: life_events.link(sanne, wim, work), ME)
    made = life_events.link(Project.for_user(project, ME), wim, work)
    refused(project, lambda: life_events.remove_link(sanne, made), ME)
    assert project.execute("SELECT status FROM life_event_links").fetchall() == [("accepted",)]


def test_removing_her_coding_does_not_take_someone_elses_event_along(project, sanne):
    own = codings.add_coding(sanne, code="verlies-werk", segment_id=project.segments["R01"][7])
    theirs = life_events.create_event(Project.for_user(project, ME), [own])  # the last text
    with pytest.raises(InputError):  # as before: the event would be left without text
        codings.remove_coding(sanne, own)
    refused(project, lambda: codings.remove_coding(sanne, own, with_events=True), ME)
    assert project.execute("SELECT id FROM life_events").fetchall() == [(theirs,)]


def test_refusals_leave_undo_with_her_own_actions(project, sanne):
    wim = event(project, "R03", 1, "verlies-dierbare")
    mine = life_events.create_event(sanne, [coding(project, "R03", 2, "verlies-woning")])
    life_events.update_event(sanne, mine, certainty="unsure")
    refused(project, lambda: life_events.update_event(sanne, wim, certainty="unsure"), ME)
    refused(project, lambda: life_events.link(sanne, wim, mine), ME)
    assert [a["action"] for a in undoable_actions(sanne)] == ["life_event.edit", "life_event.add"]
    undo_last(sanne)
    undo_last(sanne)
    assert project.execute("SELECT id, certainty FROM life_events").fetchall() == [(wim, "sure")]


def proposed_event(db, respondent: str, position: int, code: str) -> int:
    """The event the workbench proposed for that coding (after ``life_events.propose``)."""
    return db.execute(
        "SELECT event_id FROM life_event_codings WHERE coding_id = ?",
        [coding(db, respondent, position, code)],
    ).fetchone()[0]


def test_a_proposal_is_decided_by_whoever_decides_suggestions_not_only_who_asked(project, sanne):
    """The workbench proposes from every coder's codings, for the team: the researcher who
    pressed the button does not own the proposals. A supervisor decides them as she decides
    code suggestions; her decision is hers, so another supervisor cannot overturn it."""
    life_events.propose(Project.for_user(project, ME))
    wim = proposed_event(project, "R02", 2, "verlies-dierbare")
    work = proposed_event(project, "R02", 1, "verlies-werk")
    assert project.execute(
        "SELECT origin, status, created_by FROM life_events WHERE id = ?", [wim]
    ).fetchone() == ("machine", "suggested", ME)
    life_events.decide(sanne, "event", wim, "accepted")
    life_events.decide(sanne, "event", work, "rejected")
    assert project.execute(
        "SELECT id, status, created_by FROM life_events WHERE id IN (?, ?) ORDER BY id",
        [wim, work],
    ).fetchall() == sorted([(wim, "accepted", "sanne"), (work, "rejected", "sanne")])
    piet = Project.for_user(project, "piet")
    refused(project, lambda: life_events.decide(piet, "event", work, "accepted"), "sanne")
    refused(project, lambda: life_events.update_event(piet, wim, certainty="about"), "sanne")
    life_events.update_event(sanne, wim, certainty="about")  # hers now
    life_events.decide(Project.for_user(project, ME), "event", work, "suggested")  # researcher
    life_events.decide(piet, "event", work, "accepted")  # open again: anyone decides it
    assert project.execute(
        "SELECT created_by FROM life_events WHERE id = ?", [work]
    ).fetchone() == ("piet",)


def test_undoing_a_decision_on_a_proposal_gives_it_back_to_the_team(project, sanne):
    life_events.propose(Project.for_user(project, ME))
    wim = proposed_event(project, "R02", 2, "verlies-dierbare")
    life_events.decide(sanne, "event", wim, "accepted")
    undo_last(sanne)
    assert project.execute(
        "SELECT status, created_by FROM life_events WHERE id = ?", [wim]
    ).fetchone() == ("suggested", ME)
    life_events.decide(Project.for_user(project, "piet"), "event", wim, "rejected")


def test_a_researcher_made_supervisor_cannot_undo_her_change_to_someone_elses_event(project, sanne):
    mine = life_events.create_event(sanne, [coding(project, "R02", 4, "verlies-woning")])
    accounts.add_user(Project.for_user(project, ME), "lotte", role="onderzoeker")
    anna = Project.for_user(project, "lotte")
    life_events.update_event(anna, mine, life_year=1999)
    accounts.set_role(Project.for_user(project, ME), "lotte", "supervisor")
    refused(project, lambda: undo_last(anna), "sanne")
    life_events.update_event(sanne, mine, life_year=2001)  # sanne's own work goes on
