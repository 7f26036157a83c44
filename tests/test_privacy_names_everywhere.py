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
from test_privacy_exports import _ordinary_noun

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
    a resident could get holds no candidate, in any letter case (as replacing matches), but
    for an ordinary noun ("de jongens uit de werkplaats" in R01, where R05 goes to "de
    Werkplaats")."""
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
        seen = "\n".join(shown)
        assert not [m for m in name.finditer(seen) if not _ordinary_noun(seen, m)]
    wim = db.execute("SELECT id FROM segments WHERE text LIKE 'Wim is in 2018%'").fetchone()[0]
    assert given > 50 and wim not in [
        a for (a,) in db.execute("SELECT segment_id FROM workshop_assignments")
    ]
    db.close()


# Fictional: names that occur only outside the transcript (a memo, a document's name, an
# attribute value) leave with an export unless someone decides on them.
PLAIN = "I: Hoe gaat het?\nR: Goed hoor. Ik fiets elke dag naar de markt."


def outside_the_transcript(db, researcher):
    """A document named after its respondent, a memo and an attribute value with names."""
    from workbench import codings, memos, respondents
    from privacy_support import add_codes

    add_codes(db)
    doc = add_document(db, PLAIN, name="interview_Hendrika_de_Vries.docx")
    respondents.add_respondent(researcher, "R02")
    respondents.define_attribute(researcher, "woonsituatie", "text")
    respondents.set_value(researcher, "R02", "woonsituatie", "woont bij dochter Marieke")
    respondents.link_document(researcher, doc, "R02")
    memos.add_memo(
        researcher,
        target_type="document",
        target_id=doc,
        text="Gesprek met Hendrika over haar zoon Teun",
    )
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    return doc


OUTSIDE = ("Hendrika de Vries", "Hendrika", "Teun", "Marieke")


def test_names_outside_the_transcript_are_offered_for_review(db, researcher):
    outside_the_transcript(db, researcher)
    found = {c["original"]: c for c in candidates(researcher)}
    assert set(OUTSIDE) <= set(found)
    teun = found["Teun"]
    assert teun["status"] == "new" and teun["documents"] == []
    assert teun["places"] == [{"key": "privacy.where.memo", "params": {"memo": 1}}]
    assert teun["contexts"][0]["match"] == "Teun"
    assert found["Marieke"]["places"] == [
        {
            "key": "privacy.where.attribute",
            "params": {"attribute": "woonsituatie", "respondent": "R02"},
        }
    ]
    assert found["Hendrika de Vries"]["places"][0]["key"] == "privacy.where.document_name"


def test_an_export_waits_for_a_name_found_only_outside_the_transcript(db, researcher):
    outside_the_transcript(db, researcher)
    decide(researcher, "Hendrika de Vries", accept=True)
    decide(researcher, "Hendrika", accept=True)
    decide(researcher, "Teun", accept=True)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    english, dutch = refused.value.message("en"), refused.value.message("nl")
    assert "attribute woonsituatie of R02" in english and "Marieke" in english
    assert "kenmerk woonsituatie van R02" in dutch and "Marieke" in dutch


def test_accepted_names_outside_the_transcript_leave_no_export(db, researcher, tmp_path):
    from workbench.exchange.qdpx_export import export_qdpx
    from workbench.exchange.tables import export_codings_table

    outside_the_transcript(db, researcher)
    for name in decide_all(researcher, accept=True):  # as on the Privacy page, one by one
        assert name not in OUTSIDE or name in decided_names(researcher, "accepted")
    require_pseudonymised(researcher)
    export_codings_table(researcher, tmp_path / "codings.csv")
    table = (tmp_path / "codings.csv").read_text(encoding="utf-8-sig")
    export_qdpx(researcher, tmp_path / "project.qdpx")
    import zipfile

    with zipfile.ZipFile(tmp_path / "project.qdpx") as zf:
        exported = table + " ".join(
            zf.read(n).decode("utf-8", "replace") + n for n in zf.namelist()
        )
    assert "interview_[Naam" in table and "woont bij dochter [Naam" in table
    assert not re.search(r"hendrika|teun|marieke|vries", exported, re.IGNORECASE)


def test_rejecting_names_outside_the_transcript_lets_the_export_through(db, researcher):
    outside_the_transcript(db, researcher)
    decide(researcher, "Marieke", accept=False)  # names were reviewed: exports check
    with pytest.raises(InputError):
        require_pseudonymised(researcher)
    decided = decide_all(researcher, accept=False)  # "not a name", one by one
    assert {"Hendrika de Vries", "Hendrika", "Teun"} <= set(decided)
    require_pseudonymised(researcher)
    assert all(c["status"] == "rejected" for c in candidates(researcher))


def decide_all(researcher, *, accept: bool) -> list[str]:
    """Decide on every name the review lists as new, the way a researcher goes through it."""
    names = [c["original"] for c in candidates(researcher) if c["status"] == "new"]
    for name in names:
        decide(researcher, name, accept=accept)
    return names


def decided_names(researcher, status: str) -> set[str]:
    return {c["original"] for c in candidates(researcher) if c["status"] == status}


def test_without_the_key_an_export_goes_by_the_places_open_when_names_were_last_replaced(
    db, researcher, tmp_path
):
    from workbench.privacy import key_file

    outside_the_transcript(db, researcher)
    add_document(db, HUSBAND, name="b.txt")  # a marked name: the project knows the key is away
    for name in ("Hendrika de Vries", "Hendrika", "Teun", "Wim"):
        decide(researcher, name, accept=True)
    decide(researcher, "Deventer", accept=False)
    key, elsewhere = key_file(db), tmp_path / "elders.key.json"
    key.rename(elsewhere)  # kept apart, as the docs advise
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    # "Teun" is accepted, but only the key knows it: no transcript marks it
    assert refused.value.key == "privacy.export_places_need_key"
    assert "memo 1" in refused.value.message("en") and str(key) in refused.value.message("en")
    elsewhere.rename(key)
    decide(researcher, "Teun", accept=False)
    decide(researcher, "Hendrika", accept=False)
    decide(researcher, "Hendrika de Vries", accept=False)
    key.rename(elsewhere)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    assert refused.value.key == "privacy.export_undecided_places_no_key"
    assert "kenmerk woonsituatie van R02" in refused.value.message("nl")
    elsewhere.rename(key)
    decide(researcher, "Marieke", accept=False)
    key.rename(elsewhere)
    require_pseudonymised(researcher)


def test_a_refusal_names_five_places_and_documents_and_counts_the_rest(db, researcher):
    """Seven memos and seven documents with a name nobody decided on: the message names five
    of each (a memo in the message's language) and says how many more."""
    from workbench import memos

    for n in range(1, 8):
        doc = add_document(db, f"R: Mijn buurman Wim kwam uit Deventer, zei {n}.", name=f"{n}.txt")
        memos.add_memo(researcher, target_type="document", target_id=doc, text="Over Hendrika")
    decide(researcher, "Deventer", accept=False)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    assert "7 documents ('1.txt', '2.txt', '3.txt', '4.txt', '5.txt' and 2 more)" in (
        refused.value.message("en")
    )
    decide(researcher, "Wim", accept=True)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    assert refused.value.key == "privacy.export_undecided_places"
    assert "(memo 1, memo 2, memo 3, memo 4, memo 5 en nog 2)" in refused.value.message("nl")
    assert "(memo 1, memo 2, memo 3, memo 4, memo 5 and 2 more)" in refused.value.message("en")


def test_an_ordinary_noun_in_a_memo_does_not_need_the_key(db, researcher):
    """ "de bakker" is the baker, not the accepted name Bakker (as replacing reads it); the
    check of the places that need the key read it as the name and made the memo need it."""
    from workbench import memos

    doc = add_document(db, PLAIN, name="a.txt")
    for text in ("Mevrouw Bakker belde over haar buurvrouw", "Ze haalt brood bij de bakker"):
        memos.add_memo(researcher, target_type="document", target_id=doc, text=text)
    decide(researcher, "Bakker", accept=True)
    assert apply_pseudonyms(researcher)["places_need_key"] == ["memo:1"]


def test_a_supervisor_is_told_where_outside_the_transcript_a_name_waits(db, researcher):
    outside_the_transcript(db, researcher)
    accounts.add_user(researcher, "vera", role="supervisor")
    decide(researcher, "Hendrika de Vries", accept=True)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(Project.for_user(db, "vera"))
    assert refused.value.key == "privacy.export_undecided_places"
    assert "memo 1" in refused.value.message("en")


def test_a_respondent_named_after_the_person_is_a_place_too(db, researcher, tmp_path):
    """Some teams use a first name as the respondent code; it goes out as the respondent
    column of a table and as the case name of a .qdpx."""
    from workbench import codings, respondents
    from workbench.exchange.tables import export_codings_table

    outside_the_transcript(db, researcher)
    respondents.add_respondent(researcher, "Gerritje")
    doc = add_document(db, PLAIN, name="tweede.txt")
    respondents.link_document(researcher, doc, "Gerritje")
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    found = {c["original"]: c for c in candidates(researcher)}
    assert found["Gerritje"]["places"] == [
        {"key": "privacy.where.respondent", "params": {"respondent": "Gerritje"}}
    ]
    decide_all(researcher, accept=False)
    decide(researcher, "Gerritje", accept=True)
    require_pseudonymised(researcher)
    export_codings_table(researcher, tmp_path / "codings.csv")
    table = (tmp_path / "codings.csv").read_text(encoding="utf-8-sig")
    assert "tweede.txt,[Naam" in table and "Gerritje" not in table
