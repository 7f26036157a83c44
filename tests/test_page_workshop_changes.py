"""The resident's workshop page while the researcher changes things, and its own language
choice (the sidebar with the app's choice is hidden there)."""

import pytest

from workbench import accounts
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, decide
from workbench.privacy.workshop import assign_fragments, unassign_fragments
from workbench.workshop_cards import choose_cards, current_card
from privacy_support import add_document, segment_ids
from page_runner import run_page, workshop_card

# Fictional pieces of an interview, one a line.
PIECES = (
    "I: Hoe is het?\nR: Ik zie bijna nooit iemand.\n"
    "R: Mijn buurvrouw neemt me mee naar de markt.\nR: Daarna drinken we koffie."
)
CARDS = ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"]


@pytest.fixture
def workshop(tmp_path, new_project):
    """The shipped codebook and its cards, names checked, three pieces given to 'sanne'."""
    path = tmp_path / "werkplaats.db"
    db = new_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    segs = segment_ids(db, add_document(db, PIECES))
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    apply_pseudonyms(researcher)
    choose_cards(researcher, CARDS)
    assign_fragments(researcher, co_researcher="sanne", segment_ids=segs[1:], group="buurtgroep")
    return path, db, segs


def shown(at):
    return " ".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.error])


def test_a_card_taken_away_while_the_group_chooses_gives_a_plain_message(workshop):
    path, db, segs = workshop
    at = run_page("workshop", path, user="sanne")
    # the researcher swaps a card while the group still sees the old set
    choose_cards(Project.for_user(db, "onderzoeker"), [*CARDS[:1], "geld", *CARDS[2:]])
    workshop_card(at, "Ik ben iemand of iets kwijt.").click().run()
    assert [e.value for e in at.error] == [
        "Deze kaart is er niet meer. De kaarten zijn veranderd. Kies opnieuw een kaart."
    ]
    assert not any(b.label == "Ik ben iemand of iets kwijt." for b in at.button)  # new cards
    assert current_card(Project.for_user(db, "sanne"), segs[1]) is None


def test_a_piece_taken_away_while_the_group_chooses_moves_on_without_ids(workshop):
    path, db, segs = workshop
    at = run_page("workshop", path, user="sanne")
    unassign_fragments(
        Project.for_user(db, "onderzoeker"), co_researcher="sanne", segment_ids=[segs[1]]
    )
    workshop_card(at, "Ik ben vaak alleen.").click().run()
    assert [e.value for e in at.error] == [
        "Dit stukje is niet meer voor jou. Wat je koos, is niet bewaard."
    ]
    assert "Het stukje van net is weggehaald" in at.info[0].value
    assert at.caption[0].value == "Stukje 1 van 2"
    assert "Mijn buurvrouw neemt me mee naar de markt." in shown(at)


def test_the_group_stays_on_its_piece_when_an_earlier_one_is_taken_away(workshop):
    path, db, segs = workshop
    at = run_page("workshop", path, user="sanne")
    at.button(key="workshop_next").click().run()
    assert "Mijn buurvrouw neemt me mee" in shown(at)
    unassign_fragments(
        Project.for_user(db, "onderzoeker"), co_researcher="sanne", segment_ids=[segs[1]]
    )
    at.run()
    assert at.caption[0].value == "Stukje 1 van 2"
    assert "<div class='werkplaats-tekst'>Mijn buurvrouw neemt me mee" in shown(at)
    assert not at.info and not at.error


def test_a_piece_with_a_new_possible_name_is_held_back_and_the_group_goes_on(workshop):
    """A document imported later makes "Wim" a possible name: the piece that opens with it
    (given before, when nothing pointed at a name) is not shown until someone decides."""
    path, db, _ = workshop
    researcher = Project.for_user(db, "onderzoeker")
    early = segment_ids(
        db,
        add_document(
            db, "R: Wim belt elke avond.\nR: Dat is fijn.\nR: Ik kijk ernaar uit.", name="b"
        ),
    )
    apply_pseudonyms(researcher)
    assign_fragments(researcher, co_researcher="sanne", segment_ids=early[::2], group="buurtgroep")
    add_document(db, "R: Mijn broer Wim woont in Deventer.", name="c")
    decide(researcher, "Deventer", accept=False)  # checks the new document too
    at = run_page("workshop", path, user="sanne")
    for _ in range(3):
        at.button(key="workshop_next").click().run()
    assert at.caption[0].value == "Stukje 4 van 5"
    assert [e.value for e in at.error] == ["Dit stukje is nog niet klaar. Sla het over."]
    assert "Wim" not in shown(at) and not any(b.key.startswith("workshop_pick_") for b in at.button)
    at.button(key="workshop_next").click().run()
    assert at.caption[0].value == "Stukje 5 van 5" and not at.error
    assert "Ik kijk ernaar uit." in shown(at)


def test_the_resident_switches_the_workshop_to_english(workshop):
    path, db, _ = workshop
    at = run_page("workshop", path, user="sanne")
    assert at.radio(key="workshop_lang").value == "nl"
    at.radio(key="workshop_lang").set_value("en").run()
    assert at.session_state["lang"] == "en"
    assert at.caption[0].value == "Piece 1 of 3"
    labels = [b.label for b in at.button]
    assert "None of these" in labels and "Next" in labels
    assert "Ik ben vaak alleen." in labels  # the cards are Dutch content: they stay Dutch
    at.radio(key="workshop_lang").set_value("nl").run()
    assert at.caption[0].value == "Stukje 1 van 3"


def test_the_workshop_language_choice_is_the_whole_app_s(workshop):
    """In the app (not the page alone) the hidden sidebar's choice follows the page's."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    path, _, _ = workshop
    app = Path(__file__).parent.parent / "streamlit_app.py"
    at = AppTest.from_file(str(app), default_timeout=60)
    at.session_state["project_path"] = str(path)
    at.session_state["user"] = "sanne"
    at.session_state["_login_project"] = str(path)
    at.run()
    at.radio(key="workshop_lang").set_value("en").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="lang").value == "en"
    assert "Piece 1 of 3" in [c.value for c in at.caption]


def test_a_held_back_last_piece_does_not_point_at_a_next_button_that_is_not_there(workshop):
    """On the last piece the button reads "Klaar": the message may not say "Klik op Volgende"."""
    path, db, _ = workshop
    researcher = Project.for_user(db, "onderzoeker")
    early = segment_ids(db, add_document(db, "R: Wim belt elke avond.\nR: Dat is fijn.", name="b"))
    apply_pseudonyms(researcher)
    assign_fragments(researcher, co_researcher="sanne", segment_ids=early[:1], group="buurtgroep")
    add_document(db, "R: Mijn broer Wim woont in Deventer.", name="c")
    decide(researcher, "Deventer", accept=False)  # "Wim" is now a possible name, undecided
    at = run_page("workshop", path, user="sanne")
    for _ in range(3):
        at.button(key="workshop_next").click().run()
    assert at.caption[0].value == "Stukje 4 van 4"
    assert at.button(key="workshop_next").label == "Klaar"
    assert [e.value for e in at.error] == ["Dit stukje is nog niet klaar. Sla het over."]
    at.button(key="workshop_next").click().run()
    assert "Klaar! Dank je wel" in shown(at) and not at.error
    # the held-back piece is not one the group can still do
    assert at.info[0].value.startswith("Jullie kozen nog geen kaart bij 3 stukjes.")


def test_when_every_piece_is_taken_away_the_group_reads_there_is_nothing_now(workshop):
    """Not "nog geen" (not yet any) to a group that just did three pieces."""
    path, db, _ = workshop
    at = run_page("workshop", path, user="sanne")
    unassign_fragments(Project.for_user(db, "onderzoeker"), co_researcher="sanne")
    at.button(key="workshop_next").click().run()
    assert [i.value for i in at.info] == [
        "Er staan nu geen stukjes tekst voor je klaar. Vraag het aan de onderzoeker."
    ]
    assert at.button(key="workshop_logout").label == "Stoppen en uitloggen"


def test_the_end_says_how_many_pieces_have_no_card_and_back_goes_to_the_first(workshop):
    path, db, _ = workshop
    at = run_page("workshop", path, user="sanne")
    workshop_card(at, "Ik ben vaak alleen.").click().run()
    for _ in range(3):  # past pieces 2 and 3 without a card, then "Klaar"
        at.button(key="workshop_next").click().run()
    assert "Klaar! Dank je wel voor je hulp." in shown(at)
    assert [i.value for i in at.info] == [
        "Jullie kozen nog geen kaart bij 2 stukjes. Wil je dat nog doen? "
        "Klik dan op 'Terug naar de stukjes'."
    ]
    at.button(key="workshop_back").click().run()
    assert at.caption[0].value == "Stukje 2 van 3"
    at.button(key="workshop_pick_geen-van-deze").click().run()
    at.button(key="workshop_next").click().run()
    at.button(key="workshop_pick_weet-ik-niet").click().run()
    at.button(key="workshop_next").click().run()
    assert "Klaar! Dank je wel voor je hulp." in shown(at) and not at.info  # all answered


def test_a_card_whose_code_was_merged_away_is_gone_with_a_plain_message(workshop):
    """The researcher merges a card's code into another while the group chooses: the group
    gets the plain message (not the researcher's words about codes) and the card is gone."""
    from workbench.codebook.editing import merge_codes

    path, db, segs = workshop
    at = run_page("workshop", path, user="sanne")
    merge_codes(Project.for_user(db, "onderzoeker"), "isolement", "verlies", rationale="samen")
    workshop_card(at, "Ik ben vaak alleen.").click().run()
    assert [e.value for e in at.error] == [
        "Deze kaart is er niet meer. De kaarten zijn veranderd. Kies opnieuw een kaart."
    ]
    assert "code" not in shown(at).lower()
    assert [b.key for b in at.button if b.key.startswith("workshop_pick_")] == [
        *(f"workshop_pick_{n}" for n in range(1, 6)),
        "workshop_pick_geen-van-deze",
        "workshop_pick_weet-ik-niet",
    ]
    assert workshop_card(at, "Ik ben iemand of iets kwijt.").key == "workshop_pick_1"
    workshop_card(at, "Ik ben iemand of iets kwijt.").click().run()  # the other cards still record
    assert not at.error
    assert current_card(Project.for_user(db, "sanne"), segs[1]) == "kwijt"
