"""The shipped workshop card sets: plain language, mapped to real codes, 6-8 by default."""

import re

import pytest

from workbench.codebook import CODEBOOK_DIR, load_codebook
from workbench.errors import InputError
from workbench.projects import create_project
from workbench.workshop_cards import MAX_CARDS, MIN_CARDS, card_sets, choose_cards

BOOKS = {load_codebook(path).name: load_codebook(path) for path in CODEBOOK_DIR.glob("*.yaml")}


def test_every_codebook_has_a_card_set_whose_codes_exist():
    sets = card_sets()
    assert set(sets) == set(BOOKS)
    for name, cards in sets.items():
        codes = {code.id for code in BOOKS[name].codes}
        assert {c["code"] for c in cards} <= codes, name
        assert len({c["id"] for c in cards}) == len(cards)
        assert MIN_CARDS <= sum(c["default"] for c in cards) <= MAX_CARDS


@pytest.mark.parametrize("card", [c for cards in card_sets().values() for c in cards],
                         ids=lambda c: c["id"])
def test_cards_are_short_everyday_sentences_with_an_icon(card):
    def sentences(text):
        return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]

    assert all(len(s.split()) <= 8 for s in sentences(card["text"])), card["text"]
    assert all(len(s.split()) <= 10 for s in sentences(card["help"])), card["help"]
    assert re.fullmatch(r"[a-z0-9_]+", card["icon"])
    words = set(re.findall(r"\w+", (card["text"] + " " + card["help"]).lower()))
    assert not words & {"stigma", "ontwricht", "spiraal", "brugfiguur", "cascade", "isolement",
                        "u", "uw"}


def test_the_researcher_chooses_six_to_eight_known_cards(tmp_path):
    db = create_project(tmp_path / "p.db")
    with pytest.raises(InputError) as few:
        choose_cards(db, ["alleen", "kwijt"], actor="onderzoeker")
    assert few.value.message("nl") == "Kies 6 tot 8 kaarten. Je koos er 2."
    with pytest.raises(InputError) as unknown:
        choose_cards(db, ["alleen", "kwijt", "moe", "schaamte", "praatje", "bestaat-niet"],
                     actor="onderzoeker")
    assert "bestaat-niet" in unknown.value.message("nl")
    choose_cards(db, ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"],
                 actor="onderzoeker")
    assert db.execute("SELECT value FROM settings WHERE key = 'workshop_codes'").fetchone()[0] \
        == '["isolement", "verlies", "energiebalans", "schaamte", "lichte-contacten", ' \
           '"brugfiguren"]'
