import pytest

from workbench import accounts, codings
from workbench.cli import main
from workbench.codebook.editing import add_code
from workbench.ingest import list_speakers, set_speaker_role
from workbench.store import open_project
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
from built_once import copy_project
from privacy_support import add_codes, add_document, imported, segment_ids


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


# --------------------------------------------------------------- header lines (fictional)
# A transcript opens with lines about the interview, before the first speaker label: ingest
# stores them as a turn without a speaker. Residents must never see them.
WITH_HEADER = (
    "Gesprek 7 met mevrouw Ria van der Berg, 82 jaar, weduwe.\n"
    "Afgenomen op 12 maart 2024 in haar flat.\n"
    "\n"
    "I: Hoe gaat het nu met u?\n"
    "R: Het gaat wel. Ik woon hier al lang.\n"
    "Partner: Ze woont hier al veertig jaar.\n"
    "I: Wie komt er bij u langs?\n"
    "R: Mijn dochter komt op zondag. Soms neemt ze soep mee.\n"
    "Partner: Ze helpt ook met de was.\n"
)
# Without speaker labels: every paragraph is a turn without a speaker, and all of it is story.
UNLABELLED = (
    "Ik ben in dit dorp geboren. Mijn vader had een bakkerij.\n"
    "\n"
    "Later ging ik naar de stad. Daar vond ik werk in een fabriek.\n"
    "\n"
    "Nu woon ik weer hier. Het is stil geworden in de straat.\n"
)


def _seen(resident, segment_id):
    """Everything a resident is shown of one fragment: it and the sentences around it."""
    around = surroundings(resident, segment_id)
    return [around["before"], fragment(resident, segment_id)["text"], around["after"]]


def _segment(db, words):
    return db.execute("SELECT id FROM segments WHERE text LIKE ?", [f"%{words}%"]).fetchone()[0]


def test_on_the_demo_residents_never_see_a_header_line(demo_project, tmp_path):
    """R03 opens with lines giving the respondent code, age, status and interview date;
    the first spoken sentence ("Hallo ...") once showed the last of them as its sentence before."""
    path = copy_project(demo_project, tmp_path / "demo.db")
    assert main(["pseudonymise", "--project", str(path), "--accept", "all"]) == 0
    db = open_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "buurt", role="co-onderzoeker")
    (r03,) = db.execute("SELECT id FROM documents WHERE name LIKE 'R03%'").fetchone()
    offered = [s["segment_id"] for s in segments_for_assignment(researcher, r03)]
    headers = db.execute(  # the lines before the first speaker label
        "SELECT s.id FROM segments s JOIN turns t ON t.id = s.turn_id "
        "WHERE s.document_id = ? AND t.speaker_id IS NULL",
        [r03],
    ).fetchall()
    assert len(headers) == 5 and not {h for (h,) in headers} & set(offered)
    assign_fragments(researcher, co_researcher="buurt", segment_ids=offered[:3])
    buurt = Project.for_user(db, "buurt")
    seen = "\n".join(text for s in offered[:3] for text in _seen(buurt, s))
    for header in ("Fictief", "Levensverhaal", "R03", "31 jaar", "statushouder", "2025"):
        assert header not in seen
    first = _seen(buurt, offered[0])
    assert first[0] == "" and first[1].startswith("Hallo")
    db.close()


def test_header_lines_are_not_offered_nor_shown_around_a_fragment(db, tmp_path, nlp):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    (doc,) = imported(researcher, tmp_path, nlp, gesprek=WITH_HEADER)
    partner = next(s["id"] for s in list_speakers(researcher, doc) if s["label"] == "Partner")
    set_speaker_role(researcher, partner, "other")  # someone else: not the interview
    decide(researcher, "Ria van der Berg", accept=True)
    apply_pseudonyms(researcher)
    offered = segments_for_assignment(researcher, doc)
    assert [s["text"] for s in offered] == [
        "Hoe gaat het nu met u?",
        "Het gaat wel.",
        "Ik woon hier al lang.",
        "Wie komt er bij u langs?",
        "Mijn dochter komt op zondag.",
        "Soms neemt ze soep mee.",
    ]
    assert {s["speaker_role"] for s in offered} == {"interviewer", "respondent"}
    first, middle, last = (offered[i]["segment_id"] for i in (0, 3, -1))
    assign_fragments(researcher, co_researcher="sanne", segment_ids=[first, middle, last])
    sanne = Project.for_user(db, "sanne")
    assert _seen(sanne, first) == ["", "Hoe gaat het nu met u?", "Het gaat wel."]
    assert _seen(sanne, middle) == [
        "Ik woon hier al lang.",
        "Wie komt er bij u langs?",
        "Mijn dochter komt op zondag.",
    ]
    assert _seen(sanne, last) == ["Mijn dochter komt op zondag.", "Soms neemt ze soep mee.", ""]


def test_a_header_line_is_refused_and_one_given_earlier_is_not_shown(db, tmp_path, nlp):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    imported(researcher, tmp_path, nlp, gesprek=WITH_HEADER)
    decide(researcher, "Ria van der Berg", accept=True)
    apply_pseudonyms(researcher)
    header, spoken = _segment(db, "Afgenomen op"), _segment(db, "Het gaat wel")
    with pytest.raises(InputError) as refused:
        assign_fragments(researcher, co_researcher="sanne", segment_ids=[spoken, header])
    assert refused.value.key == "workshop.not_spoken"
    assert "gesprek" in refused.value.message("nl") and "header" in refused.value.message("en")
    assert assignments(researcher) == []  # nothing of the choice was given
    # a header line given before header lines were refused is not shown either
    accounts.add_group_coder(researcher, "buurtgroep")
    db.execute(
        "INSERT INTO workshop_assignments (user, segment_id, group_coder, position, "
        "assigned_at, assigned_by) VALUES ('sanne', ?, 'buurtgroep', 0, '', 'onderzoeker')",
        [header],
    )
    with pytest.raises(InputError, match="niet klaar|not ready"):
        fragment(Project.for_user(db, "sanne"), header)


def test_a_document_without_speaker_labels_still_works_in_the_workshop(db, tmp_path, nlp):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    (doc,) = imported(researcher, tmp_path, nlp, verhaal=UNLABELLED)
    apply_pseudonyms(researcher)
    offered = segments_for_assignment(researcher, doc)
    assert (
        len(offered)
        == db.execute("SELECT count(*) FROM segments WHERE document_id = ?", [doc]).fetchone()[0]
    )
    assert {s["speaker_role"] for s in offered} == {None}  # no speakers, not header lines
    middle = _segment(db, "Later ging ik")
    assign_fragments(researcher, co_researcher="sanne", segment_ids=[middle])
    assert _seen(Project.for_user(db, "sanne"), middle) == [
        "Mijn vader had een bakkerij.",
        "Later ging ik naar de stad.",
        "Daar vond ik werk in een fabriek.",
    ]


def test_a_card_without_a_card_set_shows_name_and_brief_with_names_replaced(db, tmp_path, nlp):
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    imported(researcher, tmp_path, nlp, gesprek=WITH_HEADER)
    add_code(
        researcher,
        name="Zorg van Ria van der Berg",
        rationale="test",
        slug="zorg",
        brief="Wat Ria van der Berg voor haar moeder doet.",
        examples=["Ria van der Berg komt op zondag."],
    )
    decide(researcher, "Ria van der Berg", accept=True, replacement="[Naam 1]")
    apply_pseudonyms(researcher)
    (card,) = workshop_codes(Project.for_user(db, "sanne"))
    assert card == {
        "code": "zorg",
        "name": "Zorg van [Naam 1]",
        "brief": "Wat [Naam 1] voor haar moeder doet.",
        "example": "[Naam 1] komt op zondag.",
    }
