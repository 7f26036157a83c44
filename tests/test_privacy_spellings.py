"""Other spellings of a name: transcribers type fast ("marieke", "MARIEKE", "de vries").

Another letter case of a name is the name, unless it reads as an ordinary noun there ("een
roos uit de tuin" once the dog Roos is accepted); a lower-case name after "mijn buurvrouw"
is offered for review; and the workshop looks in the transcripts for a name found only in a
memo. Documents go in through the real importer and the real Dutch pipeline.
"""

import pytest

from workbench import accounts, memos
from workbench.errors import InputError
from workbench.handle import Project
from workbench.privacy import (
    apply_pseudonyms,
    candidates,
    decide,
    pseudonymised_document,
    require_pseudonymised,
)
from workbench.privacy.pseudonyms import replace_names
from workbench.privacy.workshop import assign_fragments, fragment
from privacy_support import imported

# Fictional interviews, written for these tests.
NEIGHBOURS = (
    "I: Wie helpt u in huis?\n"
    "R: Mijn buurvrouw Marieke komt elke week. Ze neemt haar hond Roos mee.\n"
    "I: En de buren aan de andere kant?\n"
    "R: Dat is meneer De Vries. Die zie ik bijna nooit.\n"
)
VISIT = (
    "I: Wat gebeurde er gisteren?\n"
    "R: marieke kwam langs met een roos uit de tuin. Ik zei tegen MARIEKE dat de roos mooi was.\n"
    "R: Toen belde de vries aan, met brood van de bakker.\n"
    "R: Roos blafte de hele middag.\n"
)


@pytest.fixture
def researcher(db):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "bewoner", role="co-onderzoeker")
    return researcher


def segment_with(db, words: str) -> int:
    return db.execute("SELECT id FROM segments WHERE text LIKE ?", [f"%{words}%"]).fetchone()[0]


def test_another_letter_case_of_an_accepted_name_is_the_name_but_an_ordinary_noun_is_not(
    db, researcher, tmp_path, nlp
):
    neighbours, visit = imported(researcher, tmp_path, nlp, a=NEIGHBOURS, b=VISIT)
    decide(researcher, "Marieke", accept=True, replacement="Petra", apply=False)
    decide(researcher, "Roos", accept=True, replacement="Bobbie", apply=False)
    decide(researcher, "De Vries", accept=True, apply=False)
    for c in candidates(researcher):
        if c["status"] == "new":
            decide(researcher, c["original"], accept=False, apply=False)
    apply_pseudonyms(researcher)
    assert pseudonymised_document(researcher, visit).text == (
        "I: Wat gebeurde er gisteren?\n"
        "R: Petra kwam langs met een roos uit de tuin. Ik zei tegen PETRA dat de roos mooi was.\n"
        "R: Toen belde [Naam 1] aan, met brood van de bakker.\n"
        "R: Bobbie blafte de hele middag."
    )
    assert "Bobbie mee" in pseudonymised_document(researcher, neighbours).text
    # "MARIEKE" was a candidate of its own: accepting "Marieke" settled it (replaced alike)
    status = {c["original"]: (c["status"], c["replacement"]) for c in candidates(researcher)}
    assert status["MARIEKE"] == ("accepted", "Petra")
    require_pseudonymised(researcher)  # every name decided and replaced
    # what else leaves the project (memos, tables) follows the same rule
    assert replace_names(researcher, ["Bel marieke, ze heeft een roos voor MARIEKE."]) == [
        "Bel Petra, ze heeft een roos voor PETRA."
    ]
    # and a resident sees the same text
    segment = segment_with(db, "marieke kwam")
    assign_fragments(researcher, co_researcher="bewoner", segment_ids=[segment])
    assert fragment(Project.for_user(db, "bewoner"), segment)["text"] == (
        "Petra kwam langs met een roos uit de tuin."
    )


def test_an_ordinary_noun_does_not_keep_a_fragment_back_while_its_name_waits(
    db, researcher, tmp_path, nlp
):
    imported(researcher, tmp_path, nlp, a=NEIGHBOURS, b=VISIT)
    decide(researcher, "Marieke", accept=True)
    decide(researcher, "De Vries", accept=True)
    flower = segment_with(db, "Ik zei tegen")  # "de roos", "een roos" before it
    assign_fragments(researcher, co_researcher="bewoner", segment_ids=[flower])
    # "Roos" itself (the dog) still waits for a decision
    with pytest.raises(InputError, match="Roos"):
        assign_fragments(
            researcher, co_researcher="bewoner", segment_ids=[segment_with(db, "blafte")]
        )


def test_a_lower_case_name_after_a_role_word_is_offered_and_the_demo_gets_none(
    demo_project, tmp_path, nlp
):
    from built_once import copy_project
    from workbench.store import open_project

    db = open_project(copy_project(demo_project, tmp_path / "demo.db"))
    researcher = Project.for_user(db, "onderzoeker")
    lower = [c["original"] for c in candidates(researcher) if c["original"].islower()]
    assert lower == []  # the ten demo interviews: no lower-case candidate, no new noise
    text = "I: Wie komt er langs?\nR: Mijn buurvrouw ineke, en mijn kleinzoon joep soms.\n"
    imported(researcher, tmp_path, nlp, c=text)
    found = {c["original"]: c["kind"] for c in candidates(researcher) if c["original"].islower()}
    assert found == {"ineke": "person", "joep": "person"}
    db.close()


def test_the_workshop_looks_in_the_transcripts_for_a_name_found_only_in_a_memo(
    db, researcher, tmp_path, nlp
):
    text = "I: Wie kwam er?\nR: Gisteren was ineke er weer, met soep.\nR: Dat vond ik fijn.\n"
    (document,) = imported(researcher, tmp_path, nlp, a=text)
    apply_pseudonyms(researcher)
    soup = segment_with(db, "ineke")
    assign_fragments(researcher, co_researcher="bewoner", segment_ids=[soup])
    resident = Project.for_user(db, "bewoner")
    assert fragment(resident, soup)["text"] == "Gisteren was ineke er weer, met soep."
    memos.add_memo(
        researcher, target_type="document", target_id=document, text="Na het gesprek belde Ineke."
    )
    # the resident may not read memos; what they are shown is checked against them anyway
    with pytest.raises(InputError) as refused:
        fragment(resident, soup)
    assert refused.value.key == "workshop.piece_not_ready"
    with pytest.raises(InputError, match="Ineke"):
        assign_fragments(researcher, co_researcher="bewoner", segment_ids=[soup])
    decide(researcher, "Ineke", accept=True)
    assert fragment(resident, soup)["text"] == "Gisteren was [Naam 1] er weer, met soep."


def test_a_fragment_is_not_shown_when_its_assigner_may_no_longer_read_the_memos(
    db, researcher, tmp_path, nlp
):
    """The memos are read with the rights of the researcher who gave the fragment: when that
    person is no researcher any more, nothing says the fragment is free of their names."""
    imported(researcher, tmp_path, nlp, a="I: Hoe was het?\nR: Rustig.\nR: Ik las veel.\n")
    apply_pseudonyms(researcher)
    accounts.add_user(researcher, "lies", role="onderzoeker")
    quiet = segment_with(db, "Rustig")
    assign_fragments(Project.for_user(db, "lies"), co_researcher="bewoner", segment_ids=[quiet])
    resident = Project.for_user(db, "bewoner")
    assert fragment(resident, quiet)["text"] == "Rustig."
    accounts.set_role(researcher, "lies", "co-onderzoeker")
    with pytest.raises(InputError) as refused:
        fragment(resident, quiet)
    assert refused.value.key == "workshop.piece_not_ready"


# Fictional, written for this test: a name with a possessive "s", the Dutch way.
OWNERS = (
    "I: Wie is er nog over van de familie?\n"
    "R: Mijn broer Henk woont in de stad. Henks zoon belt me elke zondag.\n"
    "R: Gerda's kleinkinderen komen soms, en Henk ook.\n"
    "R: We eten dan Turks brood bij de Turk op de hoek.\n"
)


def test_a_possessive_is_the_name_it_belongs_to(db, researcher, tmp_path, nlp):
    """ "Henks zoon" is Henk's son: once "Henk" is accepted its possessive is replaced too
    (the "s" stays), in the transcript, in a memo and in a table, and neither the review nor
    the export check asks about "Henks" again. Before, "Henks" went out as written wherever
    nobody decided on it apart (a life event's label, a code's definition) and, decided
    apart, got a pseudonym of its own. An "s" that makes an ordinary word ("Turks") is not a
    possessive."""
    (owners,) = imported(researcher, tmp_path, nlp, a=OWNERS)
    decide(researcher, "Henk", accept=True, replacement="Piet", apply=False)
    decide(researcher, "Gerda", accept=True, replacement="Ans", apply=False)
    decide(researcher, "Turk", accept=True, replacement="[Anders 1]", apply=False)
    status = {c["original"]: (c["status"], c["replacement"]) for c in candidates(researcher)}
    assert status["Henks"] == ("accepted", "Piet")
    for c in candidates(researcher):
        if c["status"] == "new":
            decide(researcher, c["original"], accept=False, apply=False)
    apply_pseudonyms(researcher)
    require_pseudonymised(researcher)
    text = pseudonymised_document(researcher, owners).text
    assert "Piets zoon belt" in text and "Ans's kleinkinderen" in text
    assert "Turks brood bij de [Anders 1]" in text
    assert replace_names(researcher, ["Henks broer Kees, HENKS dochter, henks fiets"]) == [
        "Piets broer Kees, PIETS dochter, Piets fiets"
    ]
    memos.add_memo(researcher, target_type="project", target_id=None, text="Henks verhaal.")
    require_pseudonymised(researcher)  # the memo's "Henks" is Henk's, decided
