"""Undo of life-event changes (issue 12): each researcher action on events, mentions and links
is taken back whole by ``workbench.history.undo_last`` (Ctrl+Z on Coderen, ``workbench undo``),
leaving the three tables exactly as they were, and says in words what it undid.

On the small project of tests/test_patterns.py (a real SQLite file; see its docstring).
"""

from __future__ import annotations

import sqlite3

import pytest
from test_patterns import ME
from test_patterns_cascades import coding, event, project  # noqa: F401  (fixture)

from workbench import accounts, codings, life_events
from workbench.cli import main
from workbench.codebook import merge_codes
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.history import undo_last, undoable_actions
from workbench.i18n import t
from workbench.patterns import cascade_overview
from workbench.handle import Project

TABLES = ("life_events", "life_event_codings", "life_event_links", "codings")


def snapshot(db) -> dict[str, list[tuple]]:
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in TABLES}


def words(action: str, lang: str = "nl") -> str:
    return t("app.action." + action.replace(".", "_"), lang)


def undo_restores(db, change, action: str) -> None:
    """``change`` alters the tables; one undo puts every row back; the undo names ``action``."""
    before = snapshot(db)
    change()
    assert snapshot(db) != before
    undone = undo_last(Project.for_user(db, ME))
    assert snapshot(db) == before
    assert undone["action"] == action
    assert words(action) != "app.action." + action.replace(".", "_")  # it has words


def test_undo_takes_back_a_new_event_with_its_mentions(project):
    codings = [coding(project, "R03", pos, "verlies-woning") for pos in (2, 5)]
    undo_restores(
        project,
        lambda: life_events.create_event(Project.for_user(project, ME), codings, life_year=2015),
        "life_event.add",
    )
    with pytest.raises(NotFound):  # one undo was the whole action
        undo_last(Project.for_user(project, ME))


def test_undo_takes_back_a_re_mention_and_moves_it_back(project):
    first = event(project, "R03", 2, "verlies-woning")
    event(project, "R03", 5, "verlies-woning")  # a second event the coder later sees is the same
    again = coding(project, "R03", 5, "verlies-woning")
    undo_restores(
        project,
        lambda: life_events.attach(Project.for_user(project, ME), first, again),
        "life_event.mention_add",
    )


def test_undo_takes_back_a_link_with_the_events_it_confirmed_and_the_link_it_turned_down(project):
    life_events.propose(Project.for_user(project, ME))
    dierbare, werk = (
        int(
            project.execute(
                "SELECT event_id FROM life_event_codings WHERE coding_id = ?",
                [coding(project, "R02", pos, code)],
            ).fetchone()[0]
        )
        for pos, code in ((2, "verlies-dierbare"), (1, "verlies-werk"))
    )
    undo_restores(
        project,
        lambda: life_events.link(Project.for_user(project, ME), werk, dierbare),
        "life_event.link_add",
    )
    # the proposals themselves are not undone one by one: they are rejected instead
    with pytest.raises(NotFound):
        undo_last(Project.for_user(project, ME))


def test_undo_takes_back_a_link_between_two_events(project):
    home = event(project, "R01", 4, "verlies-woning")
    shame = event(project, "R01", 2, "schaamte")
    undo_restores(
        project,
        lambda: life_events.link(Project.for_user(project, ME), home, shame),
        "life_event.link_add",
    )


@pytest.mark.parametrize(
    "what,status",
    [
        ("event", "accepted"),
        ("event", "rejected"),
        ("mention", "accepted"),
        ("mention", "rejected"),
        ("link", "accepted"),
        ("link", "rejected"),
    ],
)
def test_undo_takes_back_a_decision_on_a_proposal(project, what, status):
    life_events.propose(Project.for_user(project, ME))
    table = {"event": "life_events", "mention": "life_event_codings", "link": "life_event_links"}[
        what
    ]
    found = project.execute(
        f"SELECT id FROM {table} WHERE status = 'suggested' ORDER BY id"
    ).fetchone()
    assert found, f"the test project has a proposed {what}"
    verb = {"accepted": "accept", "rejected": "reject"}[status]
    undo_restores(
        project,
        lambda: life_events.decide(Project.for_user(project, ME), what, found[0], status),
        f"life_event.{what}_{verb}",
    )


def test_undo_takes_back_setting_when_it_happened(project):
    wim = event(project, "R01", 1, "verlies-dierbare")
    home = event(project, "R01", 4, "verlies-woning")
    undo_restores(
        project,
        lambda: life_events.update_event(
            Project.for_user(project, ME), wim, life_year=2018, certainty="about"
        ),
        "life_event.edit",
    )
    undo_restores(
        project,
        lambda: life_events.update_event(
            Project.for_user(project, ME), home, relation="after", relative_to=wim
        ),
        "life_event.edit",
    )


def test_undo_puts_back_a_removed_event_with_its_mentions_links_and_anchors(project):
    wim = event(project, "R01", 1, "verlies-dierbare")
    home = event(project, "R01", 4, "verlies-woning", relation="after", relative_to=wim)
    life_events.link(Project.for_user(project, ME), wim, home)
    undo_restores(
        project,
        lambda: life_events.remove_event(Project.for_user(project, ME), wim),
        "life_event.remove",
    )


def test_repeated_undo_walks_back_action_by_action(project):
    start = snapshot(project)
    home = event(project, "R01", 4, "verlies-woning")
    after_first = snapshot(project)
    shame = event(project, "R01", 2, "schaamte")
    life_events.link(Project.for_user(project, ME), home, shame)
    assert [a["action"] for a in undoable_actions(Project.for_user(project, ME))][:3] == [
        "life_event.link_add",
        "life_event.add",
        "life_event.add",
    ]
    undo_last(Project.for_user(project, ME))
    undo_last(Project.for_user(project, ME))
    assert snapshot(project) == after_first
    undo_last(Project.for_user(project, ME))
    assert snapshot(project) == start


def test_undo_refuses_to_take_away_an_event_that_later_work_points_at(project):
    home = event(project, "R01", 4, "verlies-woning")
    accounts.add_user(Project.for_user(project, ME), "bram2", role="onderzoeker")
    shame = event(project, "R01", 2, "schaamte")
    life_events.link(Project.for_user(project, "bram2"), home, shame)  # someone else builds on it
    before = snapshot(project)
    with pytest.raises(InputError) as err:
        undo_last(Project.for_user(project, ME))  # ME's last action: making the shame event
    assert err.value.message("nl") and err.value.message("en")
    assert snapshot(project) == before  # nothing half undone


def test_undo_on_the_command_line_says_what_it_undid_in_words(project, project_path, capsys):
    event(project, "R01", 4, "verlies-woning")
    assert main(["undo", "--project", str(project_path), "--user", ME]) == 0
    assert words("life_event.add") in capsys.readouterr().out
    event(project, "R01", 4, "verlies-woning")
    assert main(["--lang", "en", "undo", "--project", str(project_path), "--user", ME]) == 0
    assert words("life_event.add", "en") in capsys.readouterr().out


@pytest.mark.slow  # starts the Coderen page in AppTest
def test_ctrl_z_on_the_coderen_page_takes_back_a_new_event_and_says_so(project, project_path):
    from page_runner import run_page

    start = snapshot(project)
    segment = project.segments["R01"][4]
    begin, end = project.execute(
        "SELECT start_char, end_char FROM segments WHERE id = ?", [segment]
    ).fetchone()
    event(project, "R01", 4, "verlies-woning")
    target = {
        "document_id": project.execute(
            "SELECT document_id FROM segments WHERE id = ?", [segment]
        ).fetchone()[0],
        "segment_id": segment,
        "start_char": begin,
        "end_char": end,
    }
    # Dutch only: AppTest formats the panel's radio labels outside the run, in Dutch; the
    # English words are checked on the command line above.
    at = run_page("coderen", project_path, coding_target=target)
    at.button(key="coding_undo").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [toast.value for toast in at.toast] == ["Teruggedraaid: " + words("life_event.add")]
    assert snapshot(project) == start


# --- a coding that goes, a code that is merged: the events and their mentions follow --------


def test_removing_a_coding_takes_its_mention_along_and_one_undo_brings_both_back(project):
    """The mention went with the coding by the database's cascade, unlogged: an undo brought
    the coding back but not the mention (issue: a confirmed cascade lost its text)."""
    homes = [coding(project, "R03", pos, "verlies-woning") for pos in (2, 5)]
    home = life_events.create_event(Project.for_user(project, ME), homes, label="het huis")
    life_events.link(Project.for_user(project, ME), home, event(project, "R03", 4, "isolement"))
    undo_restores(
        project,
        lambda: codings.remove_coding(Project.for_user(project, ME), homes[1]),
        "coding.remove",
    )


def test_the_last_confirmed_text_of_an_event_is_not_removed_in_silence(project):
    wim = event(project, "R01", 1, "verlies-dierbare", label="Wim")
    life_events.link(Project.for_user(project, ME), wim, event(project, "R01", 4, "verlies-woning"))
    before = snapshot(project)
    with pytest.raises(InputError) as refused:
        codings.remove_coding(
            Project.for_user(project, ME), coding(project, "R01", 1, "verlies-dierbare")
        )
    assert refused.value.key == "codings.last_mention"
    assert "'Wim' (verlies-dierbare)" in refused.value.message("nl")
    assert snapshot(project) == before


def test_a_coding_removed_with_its_event_comes_back_with_it_and_its_links(project):
    wim = event(project, "R01", 1, "verlies-dierbare", label="Wim")
    life_events.link(Project.for_user(project, ME), wim, event(project, "R01", 4, "verlies-woning"))
    last = coding(project, "R01", 1, "verlies-dierbare")
    before = snapshot(project)
    gone = codings.remove_coding(Project.for_user(project, ME), last, with_events=True)
    assert gone == [wim]
    assert project.execute("SELECT count(*) FROM life_event_links").fetchone()[0] == 0
    undo_last(Project.for_user(project, ME))
    assert snapshot(project) == before


def test_the_database_refuses_to_drop_a_mention_with_its_coding(project):
    home = coding(project, "R03", 2, "verlies-woning")
    life_events.create_event(Project.for_user(project, ME), [home])
    with pytest.raises(sqlite3.IntegrityError):
        project.execute("DELETE FROM codings WHERE id = ?", [home])


def _anna_twice_on_r01_s1(db) -> int:
    """anna codes R01's first sentence as woning too (she has dierbare there), and makes it
    an event in a cascade: a duplicate once woning is merged into dierbare."""
    twin = codings.add_coding(
        Project.for_user(db, "anna"), code="verlies-woning", segment_id=db.segments["R01"][1]
    )
    made = life_events.create_event(Project.for_user(db, ME), [twin], label="Wim", life_year=2019)
    life_events.link(Project.for_user(db, ME), made, event(db, "R01", 4, "verlies-woning"))
    return made


def test_a_merge_moves_a_duplicates_mention_to_the_coding_that_stays(project):
    made = _anna_twice_on_r01_s1(project)
    merge_codes(Project.for_user(project, ME), "verlies-woning", "verlies-dierbare", rationale="x")
    [(coder, status)] = project.execute(
        "SELECT c.coder, m.status FROM life_event_codings m JOIN codings c ON c.id = m.coding_id "
        "WHERE m.event_id = ?",
        [made],
    ).fetchall()
    assert (coder, status) == ("anna", "accepted")
    chains = cascade_overview(Project.for_user(project, ME)).chains
    assert chains["respondent"].tolist() == ["R01"]


def test_events_follow_a_merge_of_their_code_and_one_undo_takes_it_all_back(project):
    made = _anna_twice_on_r01_s1(project)
    before = snapshot(project)
    merge_codes(Project.for_user(project, ME), "verlies-woning", "verlies-dierbare", rationale="x")
    frame = life_events.events_frame(Project.for_user(project, ME), respondent="R01")
    assert set(frame["kind"]) == {"verlies-dierbare"}
    path = cascade_overview(Project.for_user(project, ME)).chains["path"].iloc[0]
    assert "verlies-woning" not in path
    undone = undo_last(Project.for_user(project, ME))
    assert undone["action"] == "codebook.merge" and snapshot(project) == before
    assert (
        life_events.events_frame(Project.for_user(project, ME)).set_index("event").loc[made, "kind"]
        == "verlies-woning"
    )
