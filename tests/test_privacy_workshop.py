import pytest

from workbench import accounts, codings
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, decide
from workbench.privacy.workshop import (
    assign_fragments,
    assignments,
    fragment,
    my_fragments,
    record_choice,
    segments_for_assignment,
    set_workshop_codes,
    surroundings,
    workshop_codes,
)
from privacy_support import add_codes, add_document, segment_ids


@pytest.fixture
def workshop(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db)
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    decide(researcher, "Jan de Vries", accept=True)
    decide(researcher, "Jan", accept=True, replacement="[Naam 1]")
    decide(researcher, "Stichting Welzijn Oost", accept=True, kind="organisation")
    decide(researcher, "Kees", accept=True)
    decide(researcher, "Ria van der Berg", accept=True)
    decide(researcher, "Zwolle", accept=False)  # decided: a place that may stay
    apply_pseudonyms(researcher)
    segs = segment_ids(db, doc)
    assign_fragments(
        researcher,
        co_researcher="sanne",
        segment_ids=[segs[3], segs[1]],
        group="buurtgroep",
    )
    return db, segs


def test_co_researcher_sees_only_assigned_fragments_pseudonymised(workshop):
    db, segs = workshop
    sanne = Project.for_user(db, "sanne")
    assert my_fragments(sanne) == [segs[3], segs[1]]
    text = fragment(sanne, segs[3])["text"]
    assert (
        text
        == "[Naam 1] van [Organisatie 1] komt op dinsdag. Dan praat ik met [Naam 1] over vroeger."
    )
    with pytest.raises(PermissionDenied):
        fragment(sanne, segs[0])


def test_a_fragment_near_a_name_nobody_decided_on_is_not_given(db):
    """Applying with nothing decided replaces nothing: 'checked' is not enough. The fragment
    (line 3) holds no name, but the sentences around it do and the co-researcher sees them."""
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(db)
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    apply_pseudonyms(researcher)
    segs = segment_ids(db, doc)
    with pytest.raises(InputError) as refused:
        assign_fragments(researcher, co_researcher="sanne", segment_ids=[segs[2]])
    names = "Jan, Jan de Vries, Kees, Ria van der Berg, Stichting Welzijn Oost, Zwolle"
    assert f"decided on: {names}." in refused.value.message("en")
    assert assignments(researcher) == []
    for name in names.split(", ")[:-1]:
        decide(researcher, name, accept=True)
    decide(researcher, "Zwolle", accept=False)
    apply_pseudonyms(researcher)
    assert assign_fragments(researcher, co_researcher="sanne", segment_ids=[segs[2]]) == 1
    sanne = Project.for_user(db, "sanne")
    assert "Kees" not in surroundings(sanne, segs[2])["before"]


def test_the_sentences_around_a_fragment_are_pseudonymised_and_only_for_its_holder(workshop):
    db, segs = workshop
    researcher, sanne = Project.for_user(db, "onderzoeker"), Project.for_user(db, "sanne")
    assign_fragments(researcher, co_researcher="sanne", segment_ids=[segs[4]], group="buurtgroep")
    assert surroundings(sanne, segs[4]) == {
        "before": "[Naam 1] van [Organisatie 1] komt op dinsdag. Dan praat ik met [Naam 1] over "
        "vroeger.",
        "after": "",
    }
    with pytest.raises(PermissionDenied):
        surroundings(sanne, segs[0])


def test_a_choice_is_stored_under_the_group_coder_and_can_change(workshop):
    db, segs = workshop
    sanne = Project.for_user(db, "sanne")
    record_choice(sanne, segs[3], "verlies")
    record_choice(sanne, segs[3], "isolement")
    stored = codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"])
    assert [(c["code"], c["segment_id"]) for c in stored] == [("isolement", segs[3])]
    assert fragment(sanne, segs[3])["choice"] == "isolement"
    assert (
        db.execute("SELECT actor FROM events WHERE action = 'workshop.choice'").fetchone()[0]
        == "sanne"
    )


def test_only_offered_codes_can_be_chosen(workshop):
    db, segs = workshop
    sanne = Project.for_user(db, "sanne")
    set_workshop_codes(Project.for_user(db, "onderzoeker"), ["schaamte", "verlies"])
    assert [c["code"] for c in workshop_codes(sanne)] == ["schaamte", "verlies"]
    assert workshop_codes(sanne)[0]["example"] == "Een voorbeeld over schaamte."
    with pytest.raises(InputError):
        record_choice(sanne, segs[3], "isolement")


def test_fragments_of_unchecked_documents_are_refused(workshop):
    db, _ = workshop
    later = add_document(db, "R: Kees woont hier.", name="later.txt")
    with pytest.raises(InputError):
        assign_fragments(
            Project.for_user(db, "onderzoeker"),
            co_researcher="sanne",
            segment_ids=segment_ids(db, later),
        )


def test_only_researchers_assign_and_only_to_co_researchers(workshop):
    db, segs = workshop
    researcher = Project.for_user(db, "onderzoeker")
    with pytest.raises(PermissionDenied):
        assign_fragments(
            Project.for_user(db, "sanne"), co_researcher="sanne", segment_ids=[segs[2]]
        )
    with pytest.raises(InputError):
        assign_fragments(researcher, co_researcher="onderzoeker", segment_ids=[segs[2]])
    assert [a["segment_id"] for a in assignments(researcher)] == [segs[3], segs[1]]


def test_the_group_coder_cannot_log_in(workshop):
    db, _ = workshop
    with pytest.raises(PermissionDenied):
        accounts.authenticate(db, "buurtgroep", "")
    assert "buurtgroep" not in [u["name"] for u in accounts.list_users(db)]


def test_segments_for_assignment_are_shown_pseudonymised(workshop):
    db, _ = workshop
    texts = [s["text"] for s in segments_for_assignment(Project.for_user(db, "onderzoeker"), 1)]
    assert not any("Jan" in t for t in texts) and any("[Naam 1]" in t for t in texts)
