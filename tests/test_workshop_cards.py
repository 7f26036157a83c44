"""The shipped workshop card sets: plain language, mapped to real codes, 6-8 by default."""

import re

import pytest

from built_once import codebook
from workbench.codebook.yaml_io import CODEBOOK_DIR
from workbench.errors import InputError
from workbench.handle import Project
from workbench.workshop_cards import MAX_CARDS, MIN_CARDS, card_sets, choose_cards
from workbench.handle import Project

BOOKS = {codebook(path).name: codebook(path) for path in CODEBOOK_DIR.glob("*.yaml")}


def test_every_codebook_has_a_card_set_whose_codes_exist():
    sets = card_sets()
    assert set(sets) == set(BOOKS)
    for name, cards in sets.items():
        codes = {code.id for code in BOOKS[name].codes}
        assert {c["code"] for c in cards} <= codes, name
        assert len({c["id"] for c in cards}) == len(cards)
        assert MIN_CARDS <= sum(c["default"] for c in cards) <= MAX_CARDS


@pytest.mark.parametrize(
    "card", [c for cards in card_sets().values() for c in cards], ids=lambda c: c["id"]
)
def test_cards_are_short_everyday_sentences_with_an_icon(card):
    def sentences(text):
        return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]

    assert all(len(s.split()) <= 8 for s in sentences(card["text"])), card["text"]
    assert all(len(s.split()) <= 10 for s in sentences(card["help"])), card["help"]
    assert re.fullmatch(r"[a-z0-9_]+", card["icon"])
    words = set(re.findall(r"\w+", (card["text"] + " " + card["help"]).lower()))
    assert not words & {
        "stigma",
        "ontwricht",
        "spiraal",
        "brugfiguur",
        "cascade",
        "isolement",
        "u",
        "uw",
    }


def test_the_researcher_chooses_six_to_eight_known_cards(tmp_path, new_project):
    db = new_project(tmp_path / "p.db")
    with pytest.raises(InputError) as few:
        choose_cards(Project.for_user(db, "onderzoeker"), ["alleen", "kwijt"])
    assert few.value.message("nl") == "Kies 6 tot 8 kaarten. Je koos er 2."
    with pytest.raises(InputError) as unknown:
        choose_cards(
            Project.for_user(db, "onderzoeker"),
            ["alleen", "kwijt", "moe", "schaamte", "praatje", "bestaat-niet"],
        )
    assert "bestaat-niet" in unknown.value.message("nl")
    choose_cards(
        Project.for_user(db, "onderzoeker"),
        ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"],
    )
    assert (
        db.execute("SELECT value FROM settings WHERE key = 'workshop_codes'").fetchone()[0]
        == '["isolement", "verlies", "energiebalans", "schaamte", "lichte-contacten", '
        '"brugfiguren"]'
    )


@pytest.fixture
def workshop(tmp_path, new_project):
    """A project with the shipped codebook, two co-researchers and assigned pieces."""
    from workbench import accounts
    from workbench.privacy import apply_pseudonyms
    from workbench.privacy.workshop import assign_fragments
    from privacy_support import add_document, segment_ids

    path = tmp_path / "werkplaats.db"
    db = new_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(
        db,
        "I: Hoe is het?\nR: Ik zie bijna nooit iemand.\n"
        "R: Mijn buurvrouw neemt me mee naar de markt.",
    )
    for name in ("sanne", "piet"):
        accounts.add_user(researcher, name, role="co-onderzoeker")
    apply_pseudonyms(researcher)
    segs = segment_ids(db, doc)
    assign_fragments(researcher, co_researcher="sanne", segment_ids=segs[1:], group="buurtgroep")
    assign_fragments(researcher, co_researcher="piet", segment_ids=segs[:1], group="buurtgroep")
    choose_cards(
        researcher,
        ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"],
    )
    yield path, db, segs
    db.close()


def _answers(db):
    return db.execute(
        "SELECT group_coder, segment_id, card, answered_by FROM workshop_answers "
        "ORDER BY segment_id"
    ).fetchall()


def test_a_groups_cards_are_rows_of_their_own_table_not_a_setting(workshop):
    from workbench import codings, events
    from workbench.workshop_cards import current_card, record_card

    path, db, segs = workshop
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    record_card(Project.for_user(db, "sanne"), segs[2], "weet-ik-niet")
    assert _answers(db) == [
        ("buurtgroep", segs[1], "alleen", "sanne"),
        ("buurtgroep", segs[2], "weet-ik-niet", "sanne"),
    ]
    assert [
        (c["code"], c["segment_id"])
        for c in codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"])
    ] == [("isolement", segs[1])]
    assert (
        db.execute("SELECT count(*) FROM settings WHERE key = 'workshop_answers'").fetchone()[0]
        == 0
    )
    record_card(
        Project.for_user(db, "sanne"), segs[2], "geen-van-deze"
    )  # changes the answer in place
    record_card(Project.for_user(db, "sanne"), segs[1], None)  # takes the card back
    assert _answers(db) == [("buurtgroep", segs[2], "geen-van-deze", "sanne")]
    assert current_card(Project.for_user(db, "sanne"), segs[1]) is None
    assert current_card(Project.for_user(db, "sanne"), segs[2]) == "geen-van-deze"
    assert codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"]) == []
    events = db.execute(
        "SELECT actor, before, after FROM events WHERE action = 'workshop.answer' ORDER BY id"
    ).fetchall()
    assert [e[0] for e in events] == ["sanne"] * 4
    assert events[-1][1:] == ('{"card": "alleen"}', None)


def test_only_the_assigned_co_researcher_writes_and_researchers_read(workshop):
    from workbench.errors import PermissionDenied
    from workbench.workshop_cards import current_card, group_comparison, record_card

    path, db, segs = workshop
    record_card(Project.for_user(db, "sanne"), segs[2], "geen-van-deze")
    for user in ("piet", "onderzoeker"):  # not assigned this piece: neither writes nor reads
        with pytest.raises(PermissionDenied):
            record_card(Project.for_user(db, user), segs[2], "alleen")
        with pytest.raises(PermissionDenied):
            current_card(Project.for_user(db, user), segs[2])
    with pytest.raises(PermissionDenied):
        group_comparison(Project.for_user(db, "sanne"))
    assert _answers(db) == [("buurtgroep", segs[2], "geen-van-deze", "sanne")]
    rows = group_comparison(Project.for_user(db, "onderzoeker"))["rows"]
    assert [(r["user"], r["segment_id"], r["card"]) for r in rows] == [
        ("piet", segs[0], None),
        ("sanne", segs[1], None),
        ("sanne", segs[2], "geen-van-deze"),
    ]


def test_an_older_project_moves_its_answers_from_the_setting_into_the_table(workshop):
    """A project from before m013 (answers in the setting) upgrades in one step, with backup."""
    import json

    from workbench import codings, events
    from workbench.store import open_project, record_event, transaction
    from workbench.workshop_cards import current_card, group_comparison, record_card

    path, db, segs = workshop
    # a content card: the coding is the record
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    codings.add_coding(Project.for_user(db, "onderzoeker"), code="brugfiguren", segment_id=segs[2])
    old = {
        "buurtgroep": {str(segs[2]): "geen-van-deze", "999": "weet-ik-niet"},
        "weg": {str(segs[1]): "weet-ik-niet"},
    }
    with transaction(db):  # how the previous release left it
        db.execute("DROP TABLE workshop_answers")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_workshop_answers'")
        db.execute(
            "INSERT INTO settings (key, value) VALUES ('workshop_answers', ?)", [json.dumps(old)]
        )
        record_event(db, "sanne", events.SETTING_SET("workshop_answers", None, {"value": old}))
    at = db.execute("SELECT max(at) FROM events").fetchone()[0]
    db.close()

    upgraded = open_project(path)
    try:
        assert (path.parent / "werkplaats.db.before-m013_workshop_answers.bak").exists()
        assert upgraded.execute(
            "SELECT group_coder, segment_id, card, answered_by, answered_at FROM workshop_answers"
        ).fetchall() == [("buurtgroep", segs[2], "geen-van-deze", "sanne", at)]
        assert (
            upgraded.execute(
                "SELECT count(*) FROM settings WHERE key = 'workshop_answers'"
            ).fetchone()[0]
            == 0
        )
        assert (
            current_card(Project.for_user(upgraded, "sanne"), segs[1]) == "alleen"
        )  # from its coding
        assert current_card(Project.for_user(upgraded, "sanne"), segs[2]) == "geen-van-deze"
        compared = group_comparison(Project.for_user(upgraded, "onderzoeker"))
        assert [(r["card"], r["agrees"]) for r in compared["rows"][1:]] == [
            ("Ik ben vaak alleen.", False),
            ("geen-van-deze", False),
        ]  # brugfiguren is a card
        record_card(Project.for_user(upgraded, "sanne"), segs[2], "weet-ik-niet")
        assert current_card(Project.for_user(upgraded, "sanne"), segs[2]) == "weet-ik-niet"
    finally:
        upgraded.close()


def test_agreement_counts_only_pieces_the_researcher_read_and_each_answer_once(workshop):
    """A researcher who never read an interview has no codes there: that is no judgement, so
    a group's card is no disagreement and 'geen van deze' no agreement. A piece given to two
    members of one group has one answer, counted once."""
    from workbench import accounts, done_marks
    from workbench.privacy.workshop import assign_fragments
    from workbench.workshop_cards import group_comparison, record_card

    path, db, segs = workshop
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "ans", role="co-onderzoeker")
    assign_fragments(researcher, co_researcher="ans", segment_ids=[segs[2]], group="buurtgroep")
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    record_card(Project.for_user(db, "sanne"), segs[2], "geen-van-deze")

    unread = group_comparison(researcher)
    assert (unread["compared"], unread["agreed"]) == (0, 0)
    assert unread["not_read"] == 2
    assert (unread["pieces"], unread["answered"]) == (3, 2)
    assert [r["agrees"] for r in unread["rows"]] == [None, None, None, None]

    done_marks.mark_done(researcher, None, coder="onderzoeker")  # she read the interview
    read = group_comparison(researcher)
    # 'alleen' differs from her (no code there), 'geen van deze' agrees: once, not per member
    assert (read["compared"], read["agreed"]) == (2, 1)
    assert read["not_read"] == 0
    assert [(r["user"], r["agrees"]) for r in read["rows"]] == [
        ("ans", True),
        ("piet", None),
        ("sanne", False),
        ("sanne", True),
    ]


def test_an_answer_stays_in_the_comparison_when_its_card_leaves_the_set(workshop):
    """The researcher saves a new card set without the card a group already chose: the
    group's answer (its coding is still there) is still shown and counted, not blank."""
    from workbench import codings
    from workbench.workshop_cards import group_comparison, record_card

    path, db, segs = workshop
    researcher = Project.for_user(db, "onderzoeker")
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    codings.add_coding(researcher, code="isolement", segment_id=segs[1])
    choose_cards(researcher, ["kwijt", "moe", "schaamte", "praatje", "helpt", "geld"])
    compared = group_comparison(researcher)
    row = next(r for r in compared["rows"] if r["segment_id"] == segs[1])
    assert (row["card"], row["code"], row["agrees"]) == ("Ik ben vaak alleen.", "isolement", True)
    assert (compared["compared"], compared["agreed"]) == (1, 1)


def test_an_answer_to_a_piece_taken_away_later_is_listed_as_withdrawn(workshop):
    """The researcher takes a piece away after the group answered it: the answer (and its
    coding) stays in the project, so it stays in her table, marked as taken away and not
    counted; given back, it counts again."""
    from workbench import done_marks
    from workbench.privacy.workshop import assign_fragments, unassign_fragments
    from workbench.workshop_cards import group_comparison, record_card

    path, db, segs = workshop
    researcher = Project.for_user(db, "onderzoeker")
    done_marks.mark_done(researcher, None, coder="onderzoeker")  # she read the interview
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    record_card(Project.for_user(db, "sanne"), segs[2], "geen-van-deze")
    unassign_fragments(researcher, co_researcher="sanne", segment_ids=[segs[1]])

    compared = group_comparison(researcher)
    assert [
        (r["user"], r["segment_id"], r["card"], r["withdrawn"], r["agrees"])
        for r in compared["rows"]
    ] == [
        ("piet", segs[0], None, False, None),
        ("sanne", segs[2], "geen-van-deze", False, True),
        ("sanne", segs[1], "Ik ben vaak alleen.", True, None),
    ]
    assert compared["rows"][-1]["code"] == "isolement"
    assert (compared["pieces"], compared["answered"], compared["withdrawn"]) == (2, 1, 1)
    assert (compared["compared"], compared["agreed"]) == (1, 1)

    assign_fragments(researcher, co_researcher="sanne", segment_ids=[segs[1]], group="buurtgroep")
    again = group_comparison(researcher)
    assert [r["withdrawn"] for r in again["rows"]] == [False, False, False]
    assert (again["pieces"], again["answered"], again["compared"]) == (3, 2, 2)


def test_a_card_whose_code_the_researcher_left_out_later_is_not_shown(workshop):
    """Cards chosen on the Werkplaats page, then other codes saved for the workshop on the
    Privacy page: a card the group cannot record is not offered (it was, and every tap on it
    read "Deze kaart is er niet meer")."""
    from workbench.privacy.workshop import set_workshop_codes
    from workbench.workshop_cards import chosen_cards, current_card, record_card

    _, db, segs = workshop
    set_workshop_codes(Project.for_user(db, "onderzoeker"), ["verlies", "isolement"])
    sanne = Project.for_user(db, "sanne")
    assert [c["id"] for c in chosen_cards(sanne)] == ["alleen", "kwijt"]
    for card in chosen_cards(sanne):
        record_card(sanne, segs[1], card["id"])
        assert current_card(sanne, segs[1]) == card["id"]
