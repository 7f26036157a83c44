"""Life events, mentions and links: writes, rights, bad input and the workbench's proposals
(on the small project of tests/test_patterns.py; its docstring says what is coded where)."""

from __future__ import annotations

import json

import pytest
from test_patterns import ME
from test_patterns_cascades import coding, event, project  # noqa: F401  (fixture)

from workbench import life_events
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.store import now


def counts(db) -> tuple[int, ...]:
    return tuple(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("life_events", "life_event_codings", "life_event_links", "events")
    )


def test_every_write_is_logged_with_its_row(project):
    before = counts(project)
    wim = event(project, "R01", 1, "verlies-dierbare", label="haar man", life_year=2018)
    after = counts(project)
    assert after[:2] == (before[0] + 1, before[1] + 1)
    logged = project.execute(
        "SELECT action, entity FROM events WHERE id > (SELECT max(id) - 2 FROM events) ORDER BY id"
    ).fetchall()
    assert logged == [
        ("life_event.add", "life_events"),
        ("life_event.mention_add", "life_event_codings"),
    ]
    life_events.update_event(Project.for_user(project, ME), wim, certainty="about")
    last = project.execute(
        "SELECT action, before, after FROM events ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert last[0] == "life_event.edit" and '"sure"' in last[1] and '"about"' in last[2]


def test_bad_input_is_refused_and_nothing_is_half_written(project):
    wim = event(project, "R01", 1, "verlies-dierbare")
    before = counts(project)
    bad = [
        lambda: event(project, "R01", 4, "verlies-woning", certainty="misschien"),
        lambda: event(project, "R01", 4, "verlies-woning", relation="after"),  # after what?
        lambda: event(project, "R01", 4, "verlies-woning", life_year=1800),
        lambda: life_events.create_event(Project.for_user(project, ME), []),
        lambda: life_events.link(Project.for_user(project, ME), wim, wim),
        lambda: life_events.link(
            Project.for_user(project, ME), wim, event(project, "R02", 2, "verlies-dierbare")
        ),
        lambda: life_events.update_event(
            Project.for_user(project, ME), wim, relation="before", relative_to=wim
        ),
    ]
    for attempt in bad:
        with pytest.raises(InputError) as err:
            attempt()
        assert err.value.message("nl") and err.value.message("en")
    r02 = project.execute("SELECT count(*) FROM life_events").fetchone()[0] - before[0]
    assert counts(project)[0] == before[0] + r02 == before[0] + 1  # only R02's valid event
    with pytest.raises(InputError):  # verliescascade names a chain: it is no event
        life_events.create_event(
            Project.for_user(project, ME), [coding(project, "R02", 1, "verliescascade")]
        )


def test_a_reaction_cannot_cause_a_loss(project):
    shame = event(project, "R01", 2, "schaamte")
    home = event(project, "R01", 4, "verlies-woning")
    with pytest.raises(InputError):
        life_events.link(Project.for_user(project, ME), shame, home)


def test_rights_are_checked_in_the_package(project):
    project["users"].insert({"name": "buurvrouw", "role": "co-onderzoeker", "created_at": now()})
    with pytest.raises(PermissionDenied):
        life_events.create_event(
            Project.for_user(project, "buurvrouw"), [coding(project, "R01", 1, "verlies-dierbare")]
        )
    with pytest.raises(PermissionDenied):
        life_events.events_frame(Project.for_user(project, "buurvrouw"))
    with pytest.raises(PermissionDenied):
        life_events.propose(Project.for_user(project, "buurvrouw"))
    with pytest.raises(PermissionDenied):
        life_events.codings_at(Project.for_user(project, "buurvrouw"), 1, 0, 10)


def test_linking_confirms_both_ends_and_turns_the_opposite_link_down(project):
    made = life_events.propose(Project.for_user(project, ME))
    assert made["events"] > 0
    dierbare, werk = (
        int(
            project.execute(
                "SELECT m.event_id FROM life_event_codings m WHERE m.coding_id = ?",
                [coding(project, "R02", pos, code)],
            ).fetchone()[0]
        )
        for pos, code in ((2, "verlies-dierbare"), (1, "verlies-werk"))
    )
    link = life_events.link(
        Project.for_user(project, ME), werk, dierbare
    )  # the researcher knows better
    status = dict(
        project.execute(
            "SELECT id, status FROM life_events WHERE id IN (?, ?)", [werk, dierbare]
        ).fetchall()
    )
    assert status == {werk: "accepted", dierbare: "accepted"}
    links = dict(
        project.execute(
            "SELECT cause_id, status FROM life_event_links WHERE "
            "(cause_id, effect_id) IN (VALUES (?, ?), (?, ?))",
            [werk, dierbare, dierbare, werk],
        ).fetchall()
    )
    assert links == {werk: "accepted", dierbare: "rejected"}
    assert link > 0


def test_rejecting_an_event_rejects_its_open_proposals(project):
    life_events.propose(Project.for_user(project, ME))
    event_id = project.execute(
        "SELECT event_id FROM life_event_codings WHERE coding_id = ?",
        [coding(project, "R02", 2, "verlies-dierbare")],
    ).fetchone()[0]
    life_events.decide(Project.for_user(project, ME), "event", event_id, "rejected")
    open_rows = project.execute(
        "SELECT count(*) FROM life_event_links WHERE (cause_id = ? OR effect_id = ?) AND "
        "status = 'suggested'",
        [event_id, event_id],
    ).fetchone()[0]
    assert open_rows == 0
    assert (
        project.execute(
            "SELECT count(*) FROM life_event_codings WHERE event_id = ? AND status = 'suggested'",
            [event_id],
        ).fetchone()[0]
        == 0
    )


def test_attach_moves_a_mention_to_the_event_the_researcher_names(project):
    first = event(project, "R03", 2, "verlies-woning")
    second = event(project, "R03", 5, "verlies-woning")
    life_events.attach(
        Project.for_user(project, ME), first, coding(project, "R03", 5, "verlies-woning")
    )
    rows = project.execute(
        "SELECT event_id, status FROM life_event_codings WHERE coding_id = ? ORDER BY event_id",
        [coding(project, "R03", 5, "verlies-woning")],
    ).fetchall()
    assert rows == [(first, "accepted"), (second, "rejected")]


def test_proposals_join_a_re_mention_to_its_event(project):
    made = life_events.propose(Project.for_user(project, ME))
    place = {
        c: project.execute(
            "SELECT event_id, status, evidence FROM life_event_codings WHERE coding_id = ?", [c]
        ).fetchone()
        for c in (
            coding(project, "R03", 2, "verlies-woning"),
            coding(project, "R03", 5, "verlies-woning"),
        )
    }
    (first, _, _), (second, status, why) = place.values()
    assert first == second and status == "suggested"
    assert "zelfde soort verlies" in life_events.evidence_text(why)
    # One mention of one span by two coders is one mention: R01's dierbare (anna and bram)
    both = project.execute(
        "SELECT count(DISTINCT m.event_id) FROM life_event_codings m JOIN codings c "
        "ON c.id = m.coding_id WHERE c.segment_id = ?",
        [project.segments["R01"][1]],
    ).fetchone()[0]
    assert both == 1
    assert made == {"events": made["events"], "mentions": made["mentions"], "links": made["links"]}
    assert life_events.propose(Project.for_user(project, ME)) == {
        "events": 0,
        "mentions": 0,
        "links": 0,
    }


def test_the_verliescascade_code_proposes_links_in_life_order_with_its_evidence(project):
    life_events.propose(Project.for_user(project, ME))
    links = life_events.links_frame(Project.for_user(project, ME), respondent="R02")
    loss = links[links["effect_role"] == "loss"].set_index(["cause_kind", "effect_kind"])
    # werk (1990) was told before dierbare (1985): the link still runs 1985 -> 1990
    assert ("verlies-dierbare", "verlies-werk") in loss.index
    assert ("verlies-werk", "verlies-dierbare") not in loss.index
    why = life_events.evidence_text(loss.loc[("verlies-dierbare", "verlies-werk"), "evidence"])
    assert why.startswith("code verliescascade")
    assert loss.loc[("verlies-dierbare", "verlies-werk"), "status"] == "suggested"


def test_proposals_store_their_reasons_as_keys_and_read_in_either_language(project):
    life_events.propose(Project.for_user(project, ME))
    stored = [
        reason
        for table in ("life_events", "life_event_codings", "life_event_links")
        for (evidence,) in project.execute(f"SELECT evidence FROM {table} WHERE origin = 'machine'")
        for reason in json.loads(evidence)
    ]
    assert stored and all(r["key"].startswith("life_events.evidence.") for r in stored)
    cascade = next(r for r in stored if r["key"].endswith(".cascade_code"))
    quote = "Zin 1 van interview-R02, verzonnen."  # what the coder coded: as it was said
    assert life_events.evidence_text([cascade], "en") == f"coded as verliescascade: “{quote}”"
    assert life_events.evidence_text([cascade]) == f"code verliescascade: “{quote}”"


def test_no_link_is_proposed_for_losses_far_apart_without_other_evidence(project):
    life_events.propose(Project.for_user(project, ME))
    r01 = life_events.links_frame(Project.for_user(project, ME), respondent="R01")
    assert r01[r01["effect_role"] == "loss"].empty  # no times, no connective, no cascade code


@pytest.mark.parametrize(
    "text, word",
    [
        ("Daardoor kon ik de huur niet meer betalen.", "daardoor"),
        ("Sindsdien kom ik de deur niet meer uit.", "sindsdien"),
        ("Toen hij weg was, moest ik het huis uit.", "toen ... moest"),
        ("Na de dood van mijn vrouw ging het mis.", "na de dood van"),
        ("Ik ging elke week naar het koor.", None),
    ],
)
def test_connectives(text, word):
    assert life_events.connective_in(text) == word


def test_anchors_are_names_and_people_or_places_not_pronouns():
    assert life_events.anchors("Mijn beste vriend Hasan is in 2019 teruggegaan.") == {
        "vriend",
        "hasan",
    }
    assert life_events.anchors("Als ik verhuis, dan laat ik haar ook achter.") == set()
    assert "moeder" in life_events.anchors("In 2019 is mijn moeder overleden.")
