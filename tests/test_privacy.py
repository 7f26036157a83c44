import json

import pytest

from workbench import codings
from workbench.errors import InputError
from workbench.handle import Project
from workbench.privacy import (
    add_known_name,
    apply_pseudonyms,
    candidates,
    decide,
    documents_not_checked,
    key_file,
    pseudonymise_free_text,
    pseudonymised_document,
)
from workbench.privacy.detect import heuristic_names, lowercase_vocabulary
from privacy_support import INTERVIEW, add_codes, add_document, segment_ids


def names(text):
    return [text[s:e] for s, e, _ in heuristic_names(text, lowercase_vocabulary([text]))]


def test_heuristics_keep_dutch_particles_inside_names():
    found = names("Mijn dochter Ria van der Berg woont in Den Haag bij mevrouw De Boer.")
    assert found == ["Ria van der Berg", "Den Haag", "De Boer"]


def test_sentence_initial_common_words_are_not_names():
    text = "Toen ging ik weg. Maar toen kwam Anna.\nAnna: ja. Nou, toen was het stil."
    assert names(text) == ["Anna", "Anna"]


def test_a_list_of_names_gives_one_candidate_per_name():
    # A run over commas gave "Fenna, Joost" as one name: two people, one pseudonym.
    text = "Op het feest waren Fenna, Joost en Brouwers, Ineke.\nWe woonden in Deventer, Zutphen."
    assert names(text) == ["Fenna", "Joost", "Brouwers", "Ineke", "Deventer", "Zutphen"]


def test_a_role_opening_a_sentence_is_not_part_of_the_name():
    # "Moeder Brouwers" and "moeder" elsewhere: the name is Brouwers, as in the next line.
    text = (
        "Moeder Brouwers kwam elke week. Mijn moeder vond dat fijn.\n"
        "Kapper Sander van der Wijk was daar. Hij is kapper.\n"
        "Jan de Vries opende de deur."
    )
    assert names(text) == ["Brouwers", "Sander van der Wijk", "Jan de Vries"]


def test_a_table_cell_opens_like_a_sentence():
    # A Word table arrives as tab-separated cells: "Per maand" heads a column.
    text = "Dit is mijn budget.\n\nPost\tPer maand\tOpmerking\nHuur\t€ 700\tvia Gerda"
    assert names(text) == ["Gerda"]


def test_places_and_organisations_get_their_kind():
    text = "Ik woon in Zwolle en ik ga naar Stichting Welzijn Oost of het UWV."
    kinds = {text[s:e]: k for s, e, k in heuristic_names(text, set())}
    assert kinds == {
        "Zwolle": "place",
        "Stichting Welzijn Oost": "organisation",
        "UWV": "organisation",
    }


def test_candidates_show_counts_and_context(db):
    add_document(db)
    found = {c["original"]: c for c in candidates(Project.for_user(db, "onderzoeker"))}
    assert found["Jan"]["count"] == 1 and found["Jan de Vries"]["count"] == 1
    assert found["Zwolle"]["kind"] == "place"
    assert found["Kees"]["contexts"][0]["left"].endswith("Sinds ")
    assert all(c["status"] == "new" for c in found.values())


def test_accepting_numbers_replacements_per_kind_and_keeps_them(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    assert decide(researcher, "Kees", accept=True).replacement == "[Naam 1]"
    assert decide(researcher, "Zwolle", accept=True, kind="place").replacement == "[Plaats 1]"
    assert decide(researcher, "Ria van der Berg", accept=True).replacement == "[Naam 2]"
    assert decide(researcher, "Kees", accept=True).replacement == "[Naam 1]"


def test_key_lives_next_to_the_project_and_not_in_the_database(db, project_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Ria van der Berg", accept=True, replacement="Petra")
    apply_pseudonyms(researcher)
    assert key_file(db) == project_path.with_name("project.key.json")
    key = json.loads(key_file(db).read_text())
    assert key["entries"][0]["original"] == "Ria van der Berg"
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tables = ("pseudonyms", "pseudonym_spans", "events")
    dumped = " ".join(str(r) for t in tables for r in db.execute(f"SELECT * FROM {t}"))
    assert "Petra" in dumped and "Ria" not in dumped and "Berg" not in dumped


def test_pseudonymised_document_replaces_names_consistently(db):
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(db)
    decide(researcher, "Jan de Vries", accept=True)
    decide(researcher, "Jan", accept=True, replacement="[Naam 1]")
    decide(researcher, "Zwolle", accept=True, kind="place")
    decide(researcher, "Kees", accept=False)
    result = apply_pseudonyms(researcher)
    assert result["added"] == 0 and result["spans"] == 3  # each decision applied at once
    text = pseudonymised_document(researcher, doc).text
    assert "Jan" not in text and "Zwolle" not in text and "Kees" in text
    assert text.count("[Naam 1]") == 2 and "in [Plaats 1]." in text


def test_offsets_of_codings_map_onto_the_pseudonymised_text(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db)
    seg = segment_ids(db, doc)[3]
    coding = codings.add_coding(researcher, code="verlies", segment_id=seg)
    decide(researcher, "Jan de Vries", accept=True, replacement="Piet")
    decide(researcher, "Stichting Welzijn Oost", accept=True, kind="organisation")
    apply_pseudonyms(researcher)
    text, map_offset = pseudonymised_document(researcher, doc)
    row = db.execute("SELECT start_char, end_char FROM codings WHERE id = ?", [coding]).fetchone()
    quote = text[map_offset(row[0]) : map_offset(row[1], side="end")]
    assert quote == "Piet van [Organisatie 1] komt op dinsdag. Dan praat ik met Jan over vroeger."


def test_an_offset_inside_a_name_moves_to_the_edge_of_its_replacement(db):
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(db)
    decide(researcher, "Zwolle", accept=True, kind="place")
    apply_pseudonyms(researcher)
    result = pseudonymised_document(researcher, doc)
    inside = INTERVIEW.index("Zwolle") + 2
    start, end = result.map_span(inside, inside + 1)
    assert result.text[start:end] == "[Plaats 1]"


def test_rejecting_later_removes_the_spans(db):
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(db)
    decide(researcher, "Kees", accept=True)
    apply_pseudonyms(researcher)
    assert db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0] == 1
    decide(researcher, "Kees", accept=False)  # applied at once
    assert db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0] == 0
    assert apply_pseudonyms(researcher)["removed"] == 0
    assert pseudonymised_document(researcher, doc).text == INTERVIEW


def test_applying_twice_changes_nothing(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    apply_pseudonyms(researcher)
    assert apply_pseudonyms(researcher)["added"] == 0


def test_new_documents_are_reported_until_applied_again(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    apply_pseudonyms(researcher)
    assert documents_not_checked(researcher) == []
    later = add_document(db, "R: Kees woont hier.", name="tweede.txt")
    assert documents_not_checked(researcher) == [later]


def test_known_names_per_respondent_become_candidates(db):
    researcher = Project.for_user(db, "onderzoeker")
    db.execute("INSERT INTO respondents (code, created_at) VALUES ('R01', 'nu')")
    add_document(db, "R: mijn buurman bolle gerrit zegt niks.")
    add_known_name(researcher, "R01", "bolle gerrit")
    found = {c["original"]: c for c in candidates(researcher)}
    assert found["bolle gerrit"]["source"] == "known" and found["bolle gerrit"]["count"] == 1


def test_free_text_such_as_memos_is_pseudonymised_with_the_key(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Ria van der Berg", accept=True)
    assert pseudonymise_free_text(researcher, "Bel Ria van der Berg.") == "Bel [Naam 1]."


def test_a_damaged_key_file_is_reported_not_overwritten(db):
    key_file(db).write_text("{kapot")
    with pytest.raises(InputError) as err:
        decide(Project.for_user(db, "onderzoeker"), "Kees", accept=True)
    assert "key.json" in err.value.message("en")
    assert key_file(db).read_text() == "{kapot"


def test_a_pipeline_with_ner_uses_its_entities():
    import spacy

    from workbench.privacy.detect import find_names

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("entity_ruler", name="ner")  # stands in for nl_core_news_sm's NER
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Kees"},
            {"label": "GPE", "pattern": "Zwolle"},
            {"label": "MISC", "pattern": "Nederlands"},
        ]
    )
    found = find_names({1: "R: Kees spreekt Nederlands.\nR: Hij woont in Zwolle."}, nlp=nlp)
    assert {name: c.kind for name, c in found.items()} == {"Kees": "person", "Zwolle": "place"}
    assert found["Zwolle"].occurrences[0].start_char == 44  # offsets into the whole text
