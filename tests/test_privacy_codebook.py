"""Names outside the interviews that the review used to miss: in the codebook's sentences
and in speaker labels (fictional text only).

A pseudonymised export replaces accepted names only, so a name nobody was asked about goes
out as written. Until December 8 the review never read the codebook (a definition or an
example quoting an interview: "Toen Grietje overleed ...") nor a speaker label that is also
a Dutch word ("Kim", the horizon), which the heuristics pass over at the start of a line: on
the demo, R09 went out as "R09-kim-..." with "Kim:" before each of her turns.
"""

import re
import zipfile

import pytest

from workbench import accounts
from workbench.codebook import edit_code
from workbench.errors import InputError
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, candidates, decide, require_pseudonymised
from workbench.privacy.pseudonyms import replace_names
from privacy_support import add_codes, add_document

PLAIN = "I: Hoe gaat het?\nR: Goed hoor. Ik fiets elke dag naar de markt."
EXAMPLE = "Toen Grietje overleed, bleef ik alleen achter."
DEFINITION = "Werk dat wegvalt, zoals bij Teun Wiersma in de fabriek."


@pytest.fixture
def researcher(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    add_document(db, PLAIN)
    edit_code(researcher, "verlies", rationale="uit een gesprek", examples=[EXAMPLE])
    edit_code(researcher, "isolement", rationale="uit een gesprek", definition=DEFINITION)
    return researcher


def test_a_name_only_in_the_codebook_is_offered_with_where_it_was_found(researcher):
    found = {c["original"]: c for c in candidates(researcher)}
    grietje = found["Grietje"]
    assert grietje["status"] == "new" and grietje["documents"] == []
    assert grietje["places"] == [
        {"key": "privacy.where.code_example", "params": {"code": "Verlies"}}
    ]
    assert (grietje["contexts"][0]["left"], grietje["contexts"][0]["match"]) == ("Toen ", "Grietje")
    assert found["Teun Wiersma"]["places"][0]["key"] == "privacy.where.code_definition"
    # a code's name is no sentence: "Verlies" and "Isolement" are not offered
    assert not {"Verlies", "Isolement", "Schaamte"} & set(found)


def test_an_export_waits_for_a_codebook_name_and_then_carries_it_nowhere(researcher, tmp_path):
    from workbench.exchange.qdc import export_qdc
    from workbench.exchange.qdpx_export import export_qdpx

    decide(researcher, "Grietje", accept=True)
    with pytest.raises(InputError) as refused:
        require_pseudonymised(researcher)
    assert "codebook, definition of code 'Isolement'" in refused.value.message("en")
    assert "codeboek, definitie van code 'Isolement'" in refused.value.message("nl")
    assert "Teun Wiersma" in refused.value.message("en")
    decide(researcher, "Teun Wiersma", accept=True)
    require_pseudonymised(researcher)
    export_qdpx(researcher, tmp_path / "project.qdpx")
    export_qdc(researcher, tmp_path / "codes.qdc")
    with zipfile.ZipFile(tmp_path / "project.qdpx") as zf:
        exported = " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    exported += (tmp_path / "codes.qdc").read_text(encoding="utf-8")
    assert "zoals bij [Naam 2] in de fabriek" in exported
    assert not re.search(r"grietje|teun|wiersma", exported, re.IGNORECASE)


def test_a_speaker_label_is_a_name_also_when_it_is_a_dutch_word(db, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(
        db,
        "I: Hoe gaat het?\nKim: Goed. Ik woon hier met mijn drie kinderen.\nI: En verder?\n"
        "Kim: Kim is er altijd voor ze.",
        name="R09-kim-buurt.txt",
    )
    apply_pseudonyms(researcher)
    found = {c["original"]: c for c in candidates(researcher)}
    assert found["Kim"]["places"] == [
        {
            "key": "privacy.where.speaker",
            "params": {"speaker": "Kim", "document": "R09-kim-buurt.txt"},
        },
        # "kim" in the document name is the same name (one row; since December 8)
        {"key": "privacy.where.document_name", "params": {"document": "R09-kim-buurt.txt"}},
    ]
    assert "I" not in found  # a role, not a name
    decide(researcher, "Kim", accept=True)
    require_pseudonymised(researcher)
    assert replace_names(researcher, ["R09-kim-buurt.txt", "Kim"]) == [
        "R09-[Naam 1]-buurt.txt",
        "[Naam 1]",
    ]


def test_a_supervisor_s_export_waits_for_a_speaker_label_nobody_decided_on(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db, "I: Hoe gaat het?\nKim: Goed.", name="R09-kim.txt")
    apply_pseudonyms(researcher)
    decide(researcher, "Hoe", accept=False)  # names were reviewed: exports check
    accounts.add_user(researcher, "vera", role="supervisor")
    with pytest.raises(InputError) as refused:
        require_pseudonymised(Project.for_user(db, "vera"))
    assert "('R09-kim.txt') still holds a possible name nobody decided on: 'Kim'." in (
        refused.value.message("en")
    )


def test_a_word_and_particles_before_a_known_name_are_not_part_of_it():
    """A code's brief "Hulp van Ria." once Ria is decided: the name is "Ria", not a new
    candidate "Hulp van Ria" that would hold every export back."""
    from workbench.privacy.detect import names_in_places

    found = names_in_places({"brief": "Hulp van Ria.", "other": "Hulp van Kees."}, set(), ["ria"])
    assert found == [("brief", 9, 12, "person"), ("other", 0, 13, "person")]
