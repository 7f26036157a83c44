"""A possible name counts wherever replacing would find it, not only where the detector
flagged it: the workshop and pseudonymised exports never show a name nobody decided on."""

import re

import pytest

from workbench import accounts
from workbench.errors import InputError
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, candidates, decide, require_pseudonymised
from workbench.privacy.workshop import assign_fragments, fragment, surroundings
from privacy_support import add_document, segment_ids

# Fictional: "Wim" is flagged inside a sentence only; at a sentence start the detector passes
# it over ("wim" is a Dutch dictionary word), but replacing it would catch it there too.
HUSBAND = "I: Woont u hier al lang?\nR: Mijn man Wim kwam uit Deventer."
DEATH = "I: En nu?\nR: Wim is vorig jaar overleden.\nR: Ik ben vaak alleen."


@pytest.fixture
def researcher(db):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "bewoner", role="co-onderzoeker")
    return researcher


def test_a_name_at_the_start_of_a_sentence_keeps_the_fragment_back(db, researcher):
    add_document(db, HUSBAND, name="a.txt")
    later = segment_ids(db, add_document(db, DEATH, name="b.txt"))
    decide(researcher, "Deventer", accept=False, apply=False)
    apply_pseudonyms(researcher)
    with pytest.raises(InputError) as refused:
        assign_fragments(researcher, co_researcher="bewoner", segment_ids=[later[1]])
    assert "decided on: Wim." in refused.value.message("en")
    decide(researcher, "Wim", accept=True)
    assign_fragments(researcher, co_researcher="bewoner", segment_ids=[later[1]])
    assert fragment(Project.for_user(db, "bewoner"), later[1])["text"] == (
        "[Naam 1] is vorig jaar overleden."
    )


def test_a_possible_name_counts_in_any_letter_case(db, researcher):
    add_document(db, HUSBAND, name="a.txt")
    mail = segment_ids(db, add_document(db, "R: Mail hem maar op wim@voorbeeld.nl.", name="b"))
    decide(researcher, "Deventer", accept=False)
    with pytest.raises(InputError) as refused:
        assign_fragments(researcher, co_researcher="bewoner", segment_ids=mail)
    assert "decided on: Wim." in refused.value.message("en")


def test_a_pseudonymised_export_waits_for_a_name_seen_only_at_a_sentence_start(db, researcher):
    add_document(db, HUSBAND, name="a.txt")
    add_document(db, DEATH, name="b.txt")
    decide(researcher, "Deventer", accept=False)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    assert "2 documents ('a.txt', 'b.txt')" in refused.value.message("en")
    decide(researcher, "Wim", accept=True)
    require_pseudonymised(researcher)  # decided and replaced everywhere: no refusal


def test_on_the_demo_no_fragment_given_to_a_resident_shows_a_possible_name(demo_project, tmp_path):
    """R01 holds "Mijn man. | Wim is in 2018 overleden": with nothing decided, every fragment
    a resident could get holds no candidate, in any letter case (as replacing matches)."""
    from built_once import copy_project
    from workbench.store import open_project

    db = open_project(copy_project(demo_project, tmp_path / "demo.db"))
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "bew", role="co-onderzoeker")
    apply_pseudonyms(researcher)  # "Vervang in alle documenten" with nothing decided
    names = [c["original"] for c in candidates(researcher) if c["status"] == "new"]
    name = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
    resident, given = Project.for_user(db, "bew"), 0
    for (segment,) in db.execute("SELECT id FROM segments WHERE document_id = 1").fetchall():
        try:
            assign_fragments(researcher, co_researcher="bew", segment_ids=[segment])
        except InputError:
            continue
        given += 1
        shown = [fragment(resident, segment)["text"], *surroundings(resident, segment).values()]
        assert not name.search(" | ".join(shown)), shown
    wim = db.execute("SELECT id FROM segments WHERE text LIKE 'Wim is in 2018%'").fetchone()[0]
    assert given > 50 and wim not in [
        a for (a,) in db.execute("SELECT segment_id FROM workshop_assignments")
    ]
    db.close()
