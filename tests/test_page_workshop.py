"""The workshop page on a real project: a co-researcher sees only pseudonymised fragments."""


import pytest

from workbench import accounts, codings
from workbench.privacy import apply_pseudonyms, decide
from workbench.privacy.workshop import assign_fragments
from privacy_support import add_codes, add_document, segment_ids
from page_runner import run_page



@pytest.fixture
def prepared(db):
    add_codes(db)
    doc = add_document(db)
    accounts.add_user(db, "sanne", role="co-onderzoeker", actor="onderzoeker")
    for name in ("Kees", "Zwolle", "Ria van der Berg", "Jan de Vries", "Jan"):
        decide(db, name, accept=True, actor="onderzoeker", kind="place" if name == "Zwolle" else None)
    apply_pseudonyms(db, actor="onderzoeker")
    segs = segment_ids(db, doc)
    assign_fragments(db, user="sanne", segment_ids=[segs[1], segs[3]], group="buurtgroep",
                     actor="onderzoeker")
    return segs


def page(project_path, user="sanne"):
    return run_page("workshop", project_path, user=user)


def shown_text(at):
    return " ".join(m.value for m in at.markdown)


def test_co_researcher_sees_the_fragment_pseudonymised_and_nothing_else(db, prepared, project_path):
    at = page(project_path)
    text = shown_text(at)
    assert "[Naam 1] overleed woon ik alleen in [Plaats 1]" in text
    for real in ("Kees", "Zwolle", "Ria", "interview.txt"):
        assert real not in text and all(real not in c.value for c in at.caption)
    assert "display: none" in text  # the sidebar is hidden
    assert [s.value for s in at.subheader] == ["Verlies", "Schaamte", "Isolement"]


def test_choosing_a_card_records_it_for_the_group(db, prepared, project_path):
    at = page(project_path)
    at.button(key="workshop_pick_schaamte").click().run()
    stored = codings.list_codings(db, coders=["buurtgroep"])
    assert [(c["code"], c["segment_id"]) for c in stored] == [("schaamte", prepared[1])]
    assert "Jullie kozen: Schaamte" in shown_text(at)


def test_next_shows_the_following_fragment(db, prepared, project_path):
    at = page(project_path)
    at.button(key="workshop_next").click().run()
    assert ("[Naam 3] van Stichting Welzijn Oost komt op dinsdag. Dan praat ik met [Naam 4] "
            "over vroeger.") in shown_text(at)
    assert at.caption[0].value == "Stukje 2 van 2"


def test_without_assignments_the_page_says_to_ask_the_researcher(db, project_path):
    accounts.add_user(db, "kim", role="co-onderzoeker", actor="onderzoeker")
    at = page(project_path, user="kim")
    assert "Vraag het aan de onderzoeker" in at.info[0].value


def test_a_supervisor_cannot_open_the_workshop(db, project_path):
    accounts.add_user(db, "vera", role="supervisor", actor="onderzoeker")
    at = page(project_path, user="vera")
    assert at.error and "vera" in at.error[0].value
