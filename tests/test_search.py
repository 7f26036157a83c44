import pytest

from workbench.codebook.editing import install_codebook_file
from workbench.codebook.yaml_io import DEFAULT_CODEBOOK
from workbench.codings import list_codings
from workbench.errors import InputError
from workbench.handle import Project
from workbench.imports import import_files
from workbench.respondents import import_respondents
from workbench.search import (
    CONTEXT_CHARS,
    build_match,
    filter_options,
    search,
    suggest_code_for_hits,
)
from workbench.word_family import regular_forms, verb_stems

U = "onderzoeker"
INTERVIEW = """I: Hoe was dat voor u?
R: Ik schaamde me kapot. Ik schaam me nog steeds als ik eraan denk.
I: En uw familie?
R: Die schaamte zat diep. Mijn zus wist van niets. We zijn toen verhuisd naar de flat.
I: Hoe was de verhuizing?
R: Zwaar. Ik kende niemand in de nieuwe buurt.
"""


@pytest.fixture
def project(db, nlp, tmp_path):
    path = tmp_path / "R01-interview.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    report = import_files(Project.for_user(db, "onderzoeker"), [path], respondent="R01", nlp=nlp)
    assert report.ok, report
    return db


def test_verb_stems_cover_doubled_vowel_devoicing_and_double_consonants():
    assert {"scham", "schaam"} <= verb_stems("schamen")
    assert "verhuis" in verb_stems("verhuizen")
    assert {"zitt", "zit"} <= verb_stems("zitten")
    assert verb_stems("gaan") == set()  # too short to have a stem of its own
    assert {"mist", "miste", "gemist"} <= regular_forms("missen")
    assert {"leeft", "leefde", "geleefd"} <= regular_forms("leven")


# Fictional sentences, written for these tests.
VERBS = """I: Wat deed u toen?
R: Ik zat de hele dag binnen. We zaten vaak samen aan tafel.
R: Ik heb daar jaren gezeten. Nu wil ik niet meer zitten.
R: Hij liep elke ochtend naar de bakker. Ik ben vroeger veel gelopen.
R: Ik wil weer lopen. Hij mist zijn vrouw elke dag.
R: Misschien kom ik morgen. Ik werd misselijk van de boot. Ik mis mijn broer.
R: Op mijn leeftijd ga je niet meer uit. Het leven is stil geworden.
R: Die eenzaamheid kwam langzaam. Ik voel me eenzaam.
R: Als mantelzorger heb ik weinig tijd voor mezelf. Ik schaamde me ervoor.
"""


def _researcher_with(db, nlp, tmp_path, respondent: str, text: str) -> Project:
    """The researcher, after importing ``text`` as the interview of ``respondent``."""
    path = tmp_path / f"{respondent}-interview.txt"
    path.write_text(text, encoding="utf-8")
    researcher = Project.for_user(db, U)
    assert import_files(researcher, [path], respondent=respondent, nlp=nlp).ok
    return researcher


@pytest.fixture
def verbs(db, nlp, tmp_path):
    return _researcher_with(db, nlp, tmp_path, "R05", VERBS)


def _keywords(project, nlp, query):
    return sorted(h.keyword.lower() for h in search(project, nlp, query).hits)


def test_an_infinitive_finds_the_irregular_forms_of_its_verb(verbs, nlp):
    """Out of context "zitten" was read as the plural of the noun "zit": 1 hit of 4."""
    assert _keywords(verbs, nlp, "zitten") == ["gezeten", "zat", "zaten", "zitten"]
    assert _keywords(verbs, nlp, "zat") == _keywords(verbs, nlp, "zitten")
    assert _keywords(verbs, nlp, "lopen") == ["gelopen", "liep", "lopen"]


def test_a_verb_form_the_lemmatiser_misreads_is_still_found(verbs, nlp):
    """simplemma reads "mist" as a form of "misten"; "hij mist" is a form of "missen"."""
    assert _keywords(verbs, nlp, "missen") == ["mis", "mist"]


def test_a_word_family_leaves_out_words_that_only_start_the_same(verbs, nlp):
    """ "miss*" found "misschien" and "misselijk", "leef*" found "leeftijd"."""
    assert "misschien" not in _keywords(verbs, nlp, "missen")
    assert "misselijk" not in _keywords(verbs, nlp, "missen")
    assert _keywords(verbs, nlp, "leven") == ["leven"]


def test_a_word_family_holds_derived_words_of_any_word_class(verbs, nlp):
    assert _keywords(verbs, nlp, "eenzaam") == ["eenzaam", "eenzaamheid"]
    assert _keywords(verbs, nlp, "eenzaamheid") == ["eenzaam", "eenzaamheid"]
    assert _keywords(verbs, nlp, "mantelzorg") == ["mantelzorger"]
    assert _keywords(verbs, nlp, "schaamte") == ["schaamde"]


def test_search_segment_ids_gives_every_hit_not_only_the_first_page(verbs, nlp):
    from workbench.search import search_segment_ids

    page = search(verbs, nlp, "zitten", limit=2)
    every = search_segment_ids(verbs, nlp, "zitten")
    assert (page.total, len(page.hits), len(every)) == (4, 2, 4)
    assert every[:2] == [h.segment_id for h in page.hits]
    assert search_segment_ids(verbs, nlp, "zitten", speaker_roles=["interviewer"]) == []


def test_lemma_search_finds_the_whole_word_family(project, nlp):
    result = search(Project.for_user(project, U), nlp, "schamen")
    keywords = {h.keyword.lower() for h in result.hits}
    assert result.total == 3
    assert {"schaamde", "schaam", "schaamte"} == keywords


def test_word_mode_finds_only_that_word(project, nlp):
    result = search(Project.for_user(project, U), nlp, "schaamte", mode="word")
    assert [h.keyword for h in result.hits] == ["schaamte"]


def test_boolean_and_phrase_queries(project, nlp):
    researcher = Project.for_user(project, U)
    assert search(researcher, nlp, "schamen NIET schaamte", mode="word").total == 0
    assert search(researcher, nlp, "schamen EN diep").total == 1  # within one sentence
    assert search(researcher, nlp, "zus OF buurt").total == 2
    assert search(researcher, nlp, '"nieuwe buurt"').total == 1


def test_a_phrase_in_quotes_is_exact_in_lemma_mode_too(db, nlp, tmp_path):
    """The page promises an exact phrase. By lemma, "niet meer" also found "niet veel"."""
    path = tmp_path / "R03-interview.txt"
    path.write_text(
        "R: Ik kan het niet meer.\nR: Ik had niet veel geld.\nR: Ik schaam me.\n"
        "R: Ik schaamde me.\n",
        encoding="utf-8",
    )
    researcher = Project.for_user(db, U)
    assert import_files(researcher, [path], respondent="R03", nlp=nlp).ok
    exact = search(researcher, nlp, '"Niet meer"')
    assert [h.keyword for h in exact.hits] == ["niet meer"]
    assert [h.keyword for h in search(researcher, nlp, '"schaam me"').hits] == ["schaam me"]
    # Without quotes a word still finds its family: both sentences of shame.
    assert search(researcher, nlp, "schamen").total == 2


def test_hits_carry_respondent_speaker_and_context(project, nlp):
    hits = search(Project.for_user(project, U), nlp, "verhuizen").hits
    assert [(h.respondent, h.speaker) for h in hits] == [("R01", "R"), ("R01", "I")]
    hit = hits[1]
    assert hit.left + hit.keyword + hit.right == hit.text


def test_a_context_cut_short_is_marked(db, nlp, tmp_path):
    """Before and after the hit at most CONTEXT_CHARS of the sentence, with "…" where it is
    cut: without it a cut-off word read as the start or end of what was said."""
    path = tmp_path / "R04-interview.txt"
    before = "Na de verhuizing naar de flat aan de overkant van het kanaal bij de oude fabriek "
    after = " me elke ochtend weer als ik de buren in het trappenhuis tegenkwam op weg naar de bus."
    path.write_text(f"R: {before}schaamde{after}\n", encoding="utf-8")
    researcher = Project.for_user(db, U)
    assert import_files(researcher, [path], respondent="R04", nlp=nlp).ok
    (hit,) = search(researcher, nlp, "schamen").hits
    assert hit.keyword == "schaamde"
    assert hit.left == "…" + before[-CONTEXT_CHARS:]
    assert hit.right == after[:CONTEXT_CHARS] + "…"
    assert hit.text.endswith(before + "schaamde" + after)


def test_speaker_role_filter(project, nlp):
    researcher = Project.for_user(project, U)
    assert search(researcher, nlp, "verhuizen").total == 2
    assert search(researcher, nlp, "verhuizen", speaker_roles=["respondent"]).total == 1


def test_a_document_without_speaker_labels_counts_as_one_respondent_speaking(
    project, nlp, tmp_path
):
    essay = tmp_path / "R02-dagboek.txt"
    essay.write_text(
        "Sinds de verhuizing ken ik niemand.\n\nIk schaam me daarvoor.\n", encoding="utf-8"
    )
    researcher = Project.for_user(project, U)
    assert import_files(researcher, [essay], respondent="R02", nlp=nlp).ok
    every = search(researcher, nlp, "verhuizen")
    spoken = search(researcher, nlp, "verhuizen", speaker_roles=["respondent"])
    assert every.total == 3
    # the interviewer's question drops out, the unlabelled diary stays in
    assert sorted((h.respondent, h.speaker) for h in spoken.hits) == [("R01", "R"), ("R02", None)]
    assert search(researcher, nlp, "verhuizen", speaker_roles=["interviewer"]).total == 1


def test_attribute_filter(project, nlp):
    project.execute("INSERT INTO attributes (name, type) VALUES ('wijk', 'text')")
    project.execute("INSERT INTO attribute_values VALUES (1, 'wijk', 'Centrum')")
    researcher = Project.for_user(project, U)
    assert filter_options(researcher) == {"wijk": ["Centrum"]}
    assert search(researcher, nlp, "buurt", filters={"wijk": "Centrum"}).total == 1
    with pytest.raises(InputError, match="Centrum"):  # nobody has Oost: not "no hits"
        search(researcher, nlp, "buurt", filters={"wijk": "Oost"})


def test_an_attribute_filter_reads_values_as_the_patronen_filters_do(db, nlp, tmp_path):
    """Zoeken offered "Noord" and "noord" (R02 typed it so); choosing "Noord" found R01's
    interview only, where Patronen counts both. "ja" found nothing (stored "true")."""
    me = Project.for_user(db, U)
    for code in ("R01", "R02", "R03"):
        path = tmp_path / f"{code}-interview.txt"
        path.write_text(INTERVIEW + f"I: Dank u, {code}.\n", encoding="utf-8")
        assert import_files(me, [path], respondent=code, nlp=nlp).ok
    sheet = tmp_path / "r.csv"
    sheet.write_text(
        "code;wijk;woont_alleen;leeftijd\nR01;Noord;ja;67\nR02;noord ;nee;72\nR03;Zuid;ja;58\n",
        encoding="utf-8",
    )
    import_respondents(me, sheet)
    assert filter_options(me)["wijk"] == ["Noord", "Zuid"]  # one choice finds both

    def documents(**filters):
        return search(me, nlp, "buurt", filters=filters).documents

    assert documents() == 3
    assert documents(wijk="Noord") == documents(wijk="noord") == 2
    assert documents(woont_alleen="true") == documents(woont_alleen="ja") == 2
    assert documents(leeftijd=">=65") == 2
    assert documents(leeftijd="<65", wijk="Zuid") == 1


def test_bad_queries_get_a_clear_message(project, nlp):
    for query in ["", "EN schaamte", "schaamte OF", "(schaamte"]:
        with pytest.raises(InputError):
            build_match(nlp, query)


def test_code_all_hits_makes_suggestions_never_codings(project, nlp):
    install_codebook_file(Project.for_user(project, "onderzoeker"), DEFAULT_CODEBOOK)
    researcher = Project.for_user(project, U)
    hits = search(researcher, nlp, "schamen").hits
    made = suggest_code_for_hits(
        researcher,
        [h.segment_id for h in hits],
        "schaamte",
        query="schamen",
    )
    assert made.made == 3
    assert list_codings(researcher, statuses=["accepted"]) == []
    suggested = list_codings(researcher, statuses=["suggested"])
    assert {c["code"] for c in suggested} == {"schaamte"}
    again = suggest_code_for_hits(
        researcher,
        [h.segment_id for h in hits],
        "schaamte",
        query="schamen",
    )
    assert (again.made, again.had, again.rejected) == (0, 3, 0)


def test_code_all_hits_sees_a_span_selected_by_hand(project, nlp):
    """A span over part of one sentence and across two more: those sentences already have
    the code from this researcher, and one she rejected keeps her no. Before, only a coding
    on the sentence row itself counted, so all three got a new suggestion."""
    from workbench.codings import add_coding, decide

    researcher = Project.for_user(project, U)
    install_codebook_file(researcher, DEFAULT_CODEBOOK)
    text = project.execute("SELECT text FROM documents").fetchone()[0]
    hits = {h.text: h for h in search(researcher, nlp, "schamen").hits}
    assert sorted(hits) == [
        "Die schaamte zat diep.",
        "Ik schaam me nog steeds als ik eraan denk.",
        "Ik schaamde me kapot.",
    ]
    first = hits["Ik schaamde me kapot."]
    start = text.index("kapot")  # "kapot. Ik schaam me": the end of one sentence, part of the next
    add_coding(
        researcher,
        code="schaamte",
        document_id=first.document_id,
        start_char=start,
        end_char=text.index(" nog steeds"),
    )
    third = hits["Die schaamte zat diep."]
    no = add_coding(
        researcher,
        code="schaamte",
        document_id=third.document_id,
        start_char=third.start_char + 4,
        end_char=third.start_char + 12,  # "schaamte"
    )
    decide(researcher, no, "rejected")
    done = suggest_code_for_hits(
        researcher, [h.segment_id for h in hits.values()], "schaamte", query="schamen"
    )
    assert list_codings(researcher, statuses=["suggested"]) == []  # old code: 3
    assert (done.made, done.had, done.rejected) == (0, 2, 1)


def test_the_result_says_in_how_many_interviews_of_all_hits(project, nlp, tmp_path):
    """The count of interviews covers every hit, not only the page shown, and follows the
    filters."""
    researcher = Project.for_user(project, U)
    for name, code in (("R02-a.txt", "R02"), ("R03-a.txt", "R03")):
        (tmp_path / name).write_text(
            f"R: {code}: ik schaamde me voor de buren.\n", encoding="utf-8"
        )
        assert import_files(researcher, [tmp_path / name], respondent=code, nlp=nlp).ok
    every = search(researcher, nlp, "schamen", limit=1)
    assert (every.total, every.documents, len(every.hits)) == (5, 3, 1)
    page_two = search(researcher, nlp, "schamen", limit=2, offset=3)
    assert (page_two.total, page_two.documents) == (5, 3)
    project.execute("INSERT INTO attributes (name, type) VALUES ('wijk', 'text')")
    for code in ("R01", "R02"):
        rid = project.execute("SELECT id FROM respondents WHERE code = ?", [code]).fetchone()[0]
        project.execute("INSERT INTO attribute_values VALUES (?, 'wijk', 'Centrum')", [rid])
    centrum = search(researcher, nlp, "schamen", filters={"wijk": "Centrum"}, limit=1)
    assert (centrum.total, centrum.documents) == (4, 2)
    spoken = search(researcher, nlp, "verhuizing", mode="word", speaker_roles=["respondent"])
    assert (spoken.total, spoken.documents) == (0, 0)


def test_a_co_researcher_cannot_search_the_full_transcripts(project, nlp):
    from workbench.errors import PermissionDenied

    project["users"].insert({"name": "buurman", "role": "co-onderzoeker", "created_at": "x"})
    with pytest.raises(PermissionDenied):
        search(Project.for_user(project, "buurman"), nlp, "schamen")


# Fictional sentences, written for these tests.
FAMILIES = """I: Wie hielp u toen?
R: Ze vroeg of ik mee wilde naar de koffieochtend.
R: Vroeger woonde ik in een dorp. Ik wilde niets vragen.
R: De mantelzorg viel me zwaar. Ik had ook geldzorgen.
R: De zorg in het dorp was goed. Het pakket werd bezorgd.
R: Ik voel me eenzaam. Die eenzaamheid kwam langzaam.
R: Soms ben ik eenzaam op zondag.
"""


@pytest.fixture
def families(db, nlp, tmp_path):
    return _researcher_with(db, nlp, tmp_path, "R06", FAMILIES)


def test_a_strong_verb_finds_a_past_form_stored_as_another_word(families, nlp):
    """ "Ze vroeg" was stored under the adjective "vroeg" (early): "vragen" missed it. The
    form as written is searched, not the lemma "vroeg", so "vroeger" stays out."""
    assert _keywords(families, nlp, "vragen") == ["vragen", "vroeg"]


def test_a_compound_that_ends_in_the_word_is_of_its_family(families, nlp):
    """ "mantelzorg" is a kind of care; "bezorgd" (delivered) starts with a prefix."""
    assert _keywords(families, nlp, "zorg") == ["geldzorgen", "mantelzorg", "zorg"]


def test_not_takes_away_only_what_it_names(families, nlp):
    """ "eenzaamheid" came with its root "eenzaam", so the NOT took every hit away."""
    assert _keywords(families, nlp, "eenzaam NOT eenzaamheid") == ["eenzaam", "eenzaam"]
    assert _keywords(families, nlp, "eenzaam -eenzaamheid") == ["eenzaam", "eenzaam"]
    assert _keywords(families, nlp, "zorg NIET (mantelzorg OF eenzaamheid)") == [
        "geldzorgen",
        "zorg",
    ]


def test_not_on_a_form_of_the_searched_word_takes_away_that_form_only(verbs, nlp):
    """ "zat" has the lemma of "zitten", so by lemma "zitten NOT zat" took every hit away."""
    assert _keywords(verbs, nlp, "zitten NOT zat") == ["gezeten", "zaten", "zitten"]
    assert _keywords(verbs, nlp, "zitten -zat") == ["gezeten", "zaten", "zitten"]
    assert _keywords(verbs, nlp, "zat NOT zitten") == ["gezeten", "zat", "zaten"]


# Fictional sentences, written for these tests: "lopen" and the noun "loop" it shares a
# stem with.
WALKING = """I: Wat doet u overdag?
R: Ik loop elke ochtend naar de markt. Daar wil ik blijven lopen.
R: Mijn jas komt van de kringloop. Mijn schoenen gaan stuklopen.
R: Hij is mantelzorger voor zijn vader. De thuiszorg komt twee keer.
"""


@pytest.fixture
def walking(db, nlp, tmp_path):
    return _researcher_with(db, nlp, tmp_path, "R07", WALKING)


def test_a_compound_joins_only_when_its_last_part_is_the_searched_word(walking, nlp):
    """ "lopen" came with "loop" (the lemma stored for "ik loop"), and so with "kringloop",
    a second-hand shop: the lemmatiser reads "loop" as a form of "lopen", not a word of
    its own. A verb keeps its own compounds, a noun its compounds."""
    assert _keywords(walking, nlp, "lopen") == ["loop", "lopen", "stuklopen"]
    assert _keywords(walking, nlp, "loop") == ["loop", "lopen", "stuklopen"]
    assert _keywords(walking, nlp, "zorg") == ["mantelzorger", "thuiszorg"]


# Fictional sentences: "vroeg" as the past of "vragen" (asked) and as "early".
ASKED = [
    "Ze vroeg of ik mee wilde.",
    "Toen vroeg hij naar mijn moeder.",
    "Niemand vroeg me iets.",
    "Ik vroeg het te laat.",
    "Hij vroeg heel vriendelijk of ik koffie wilde.",
    "Zo vroeg ze het elke week.",
    "'s Avonds vroeg ze altijd hoe mijn dag was.",
    "Ik vroeg op de markt naar verse vis.",
    "vroeg de dokter.",  # after "Is dat erg?": a sentence, and a segment, of its own
]
EARLY_TOLD = [  # after a degree word: told apart
    "Ze is te vroeg geboren.",
    "Het was heel vroeg in de ochtend.",
    "Ze overleed veel te vroeg.",
    "Ik was er erg vroeg bij.",
]
EARLY_NOT_TOLD = [  # nothing cheap tells these from asking ("vroeg op de markt" is asking)
    "Ik sta altijd vroeg op.",
    "Daarom ging ze vroeg naar bed.",
    "Vroeg of laat moet je iemand bellen.",
    "'s Ochtends vroeg loop ik met de hond.",
]


@pytest.fixture
def asked(db, nlp, tmp_path):
    path = tmp_path / "R08-interview.txt"
    sentences = [*ASKED, *EARLY_TOLD, *EARLY_NOT_TOLD, "Vroeger had ik een hond."]
    lines = "".join(f"R: {s}\n" for s in sentences).replace("R: vroeg", "R: Is dat erg? vroeg")
    path.write_text(f"I: Hoe ging dat?\nR: Ik heb het gevraagd.\n{lines}", encoding="utf-8")
    researcher = Project.for_user(db, U)
    assert import_files(researcher, [path], respondent="R08", nlp=nlp).ok
    return researcher


def _texts(project, nlp, query):
    return {h.text for h in search(project, nlp, query).hits}


def test_a_verb_leaves_out_its_past_form_after_a_degree_word(asked, nlp):
    """ "vragen" found "te vroeg geboren" (early) with every "ze vroeg". A past tense never
    follows "te", and "heel", "erg" go before an adjective; what has no such word before
    it stays in, asking or not."""
    assert _texts(asked, nlp, "vragen") == {*ASKED, *EARLY_NOT_TOLD, "Ik heb het gevraagd."}


def test_a_form_of_two_words_finds_both_and_says_so(asked, nlp):
    """ "vroeg" is early and the past of "vragen": it found only early ("vroeger") and the
    forms written "vroeg", not "gevraagd". Now both words, and the result says so."""
    result = search(asked, nlp, "vroeg")
    assert {h.text for h in result.hits} == {
        *ASKED,
        *EARLY_TOLD,
        *EARLY_NOT_TOLD,
        "Vroeger had ik een hond.",
        "Ik heb het gevraagd.",
    }
    assert result.also_forms_of == {"vroeg": ["vragen"]}
    assert search(asked, nlp, "vragen").also_forms_of == {}
    assert search(asked, nlp, "vroeg", mode="word").also_forms_of == {}
    # a NOT on a form of either word takes away that form as written
    assert _texts(asked, nlp, "vroeg NOT gevraagd") == {
        *ASKED,
        *EARLY_TOLD,
        *EARLY_NOT_TOLD,
        "Vroeger had ik een hond.",
    }


# Fictional sentences, written for these tests: compounds with the word first, words for a
# thing that is missing, and words that only look like them.
WORD_FIRST = """I: Hoe gaat het nu?
R: De kinderwagen staat nog in de schuur. Mijn kinderen komen zondag.
R: Mijn moeder zei niks. Ik was toen heel moedeloos.
R: Na de brand voelde ik me hopeloos. Die hopeloosheid ging nooit helemaal weg.
R: Ik heb nog hoop.
R: Ik was twee jaar dakloos. Ik sliep in de daklozenopvang. Het dak van de schuur lekt.
R: Het was een zinloze ruzie.
R: Mijn zoon kreeg een werkervaringsplaats. De werkgelegenheid is hier slecht.
R: Waarschijnlijk komt het goed. Ik zeg je de waarheid.
R: Zij is een harde werkster. Hij is een harde werker. Het was een wonder dat ik bleef.
R: Ik was een tijdje thuisloos. Hij was lang werkloos. We leefden zorgeloos.
"""


@pytest.fixture
def word_first(db, nlp, tmp_path):
    return _researcher_with(db, nlp, tmp_path, "R09", WORD_FIRST)


def test_a_compound_with_the_word_first_joins_through_its_linking_sound(word_first, nlp):
    """ "kind" missed "kinderwagen": the "-er-" of its plural "kinderen" joins the parts.
    Only after a word whose plural has it: "moed" does not find "moeder"."""
    assert _keywords(word_first, nlp, "kind") == ["kinderen", "kinderwagen"]
    assert _keywords(word_first, nlp, "kinderen") == ["kinderen", "kinderwagen"]
    assert _keywords(word_first, nlp, "moed") == ["moedeloos"]


def test_a_compound_whose_second_part_the_dictionary_does_not_know(word_first, nlp):
    """ "werkervaringsplaats" is "werk" + "ervaringsplaats", which the dictionary does not
    know; it knows "ervaring" and "plaats". A word and an ending are no such pair: "waar" +
    "schijn" + "lijk" stays out of "waarheid"."""
    assert _keywords(word_first, nlp, "werk") == [
        "werker",
        "werkervaringsplaats",
        "werkgelegenheid",
        "werkloos",
        "werkster",
    ]
    assert _keywords(word_first, nlp, "waarheid") == ["waarheid"]


def test_a_person_word_is_found_whichever_form_the_lemmatiser_stored(word_first, nlp):
    """The lemmatiser stores "werkster" as "werker" and "werker" as "werkster"; "werk" found
    "werker" only as "werk" + "ster" (a star) and missed "werkster". A four-letter word
    takes "-er" and "-ster" only as such a pair: "wond" does not find "wonder"."""
    texts = _texts(word_first, nlp, "werk")
    assert {"Zij is een harde werkster.", "Hij is een harde werker."} <= texts
    assert _texts(word_first, nlp, "wond") == set()


def test_a_word_for_a_thing_missing_is_of_its_family(word_first, nlp):
    """ "-loos" after a changed spelling ("hoop": "hopeloos") or a word of three letters
    ("dak": "dakloos") was missed; "thuisloos", "werkloos" and "zorgeloos" were found."""
    assert _keywords(word_first, nlp, "hoop") == ["hoop", "hopeloos", "hopeloosheid"]
    assert _keywords(word_first, nlp, "dak") == ["dak", "dakloos", "daklozenopvang"]
    assert _keywords(word_first, nlp, "zin") == ["zinloze"]
    assert _keywords(word_first, nlp, "thuis") == ["thuisloos"]
    assert _keywords(word_first, nlp, "zorg") == ["zorgeloos"]


# Fictional sentences, written for these tests.
SEAMS_AND_ENDINGS = """I: Waar gaat u overdag heen?
R: Op dinsdag ga ik naar het buurthuis. Daar is een buurtkamer. Ook is er een buurtwinkel.
R: De buurt is rustig. Mijn huis is klein. Thuis is het stil. Mijn buurvrouw groet nooit.
R: Ze doet welzijnswerk in de wijk. Het welzijn van ouderen is haar vak. Mijn werk is fijn.
R: Werkelijk, dat had ik niet verwacht. Natuurlijk ga ik. De natuur hier is mooi.
R: Ik blijf hopen. Soms voel ik me hopeloos. Nu ben ik hoopvol.
R: Ik was weken slapeloos. Dat gesprek was zinvol.
R: Ik wil meeleven met mijn zus. Het leven is zwaar.
R: Eerst wantrouwde ik haar, want ik kende haar niet. Zij moest toen rouwen om haar man.
R: Volgend jaar gaan we trouwen.
"""


@pytest.fixture
def seams(db, nlp, tmp_path):
    return _researcher_with(db, nlp, tmp_path, "R11", SEAMS_AND_ENDINGS)


def test_a_compound_is_read_at_the_seam_its_project_uses(seams, nlp):
    """ "thuis" found "buurthuis" as "buur" + "thuis"; it is "buurt" + "huis", and the
    texts use "buurt" and "huis" as words, not "buur". Where they do not tell, the reading
    stays: "mee" + "leven", not "meel" + "even". A function word weighs nothing: the texts
    say "want" (because) and "rouwen" (to mourn), yet "wantrouwen" is "wan" + "trouwen"."""
    assert _keywords(seams, nlp, "thuis") == ["thuis"]
    assert _keywords(seams, nlp, "huis") == ["buurthuis", "huis"]
    assert _keywords(seams, nlp, "buurt") == ["buurt", "buurthuis", "buurtkamer", "buurtwinkel"]
    assert _keywords(seams, nlp, "leven") == ["leven", "meeleven"]
    assert _keywords(seams, nlp, "trouwen") == ["trouwen", "wantrouwde"]


def test_a_compound_whose_first_part_only_the_project_knows(seams, nlp):
    """ "werk" missed "welzijnswerk": the dictionary does not know "welzijn", the project
    does."""
    assert _keywords(seams, nlp, "werk") == ["welzijnswerk", "werk"]


def test_an_ending_that_makes_a_word_of_its_own_is_no_family(seams, nlp):
    """ "-lijk" mostly makes a new word: "natuurlijk" (of course) is not about nature, nor
    "werkelijk" (really) about work; "lijk" (a corpse) is no second part either."""
    assert _keywords(seams, nlp, "natuur") == ["natuur"]
    assert "werkelijk" not in _keywords(seams, nlp, "werk")


def test_a_thing_missing_or_full_after_a_verb_stem_or_a_short_word(seams, nlp):
    """ "hopen" missed "hopeloos" and "hoopvol", "hoop" missed "hoopvol": "-loos" and "-vol"
    keep the sense, after the verb's stem ("slapen": "slapeloos") and after a word of three
    letters ("zin": "zinvol")."""
    assert _keywords(seams, nlp, "hopen") == ["hoopvol", "hopeloos", "hopen"]
    assert "hoopvol" in _keywords(seams, nlp, "hoop")
    assert "slapeloos" in _keywords(seams, nlp, "slapen")
    assert _keywords(seams, nlp, "zin") == ["zinvol"]


def test_code_all_hits_follows_the_analysis_setting(project, nlp):
    """Search finds the interviewer's "Hoe was de verhuizing?" and shows it, but the
    interviewer asking is no sign of a move: by default analysis reads only what
    respondents say, so no suggestion is made there (before, both sentences got one). With
    the setting 'all' the question counts too."""
    from workbench.store import set_setting

    researcher = Project.for_user(project, U)
    install_codebook_file(researcher, DEFAULT_CODEBOOK)
    found = search(researcher, nlp, "verhuizen")
    ids = [h.segment_id for h in found.hits]
    done = suggest_code_for_hits(researcher, ids, "isolement", query="verhuizen")
    suggested = list_codings(researcher, statuses=["suggested"])
    assert [c["text"] for c in suggested] == ["We zijn toen verhuisd naar de flat."]
    assert (done.made, done.had, done.rejected, done.outside) == (1, 0, 0, 1)
    assert (found.total, found.analysed) == (2, 1)
    assert sorted((h.role, h.analysed) for h in found.hits) == [
        ("interviewer", False),
        ("respondent", True),
    ]
    set_setting(project, "analysis_speakers", "all", actor=U)
    assert search(researcher, nlp, "verhuizen").analysed == 2
    done = suggest_code_for_hits(researcher, ids, "isolement", query="verhuizen")
    assert (done.made, done.had, done.outside) == (1, 1, 0)


def test_the_words_searched_for_leave_out_phrases_and_words_after_not(project, nlp):
    """The page lists these as "searched for these words and all their forms": a phrase is
    found as written, and a word after NOT is taken away, so neither belongs there (before,
    '"nog steeds"' listed 'nog, steeds' and 'schamen NIET schaamte' listed 'schaamte')."""
    researcher = Project.for_user(project, U)
    assert search(researcher, nlp, '"nog steeds"').terms == []
    assert search(researcher, nlp, "schamen").terms == ["schaamte", "schamen"]
    narrowed = search(researcher, nlp, "schamen NIET schaamte")
    assert narrowed.total == 2
    assert narrowed.terms == ["schamen"]
    assert search(researcher, nlp, "verhuizen OF schamen").terms == sorted(
        search(researcher, nlp, "verhuizen").terms + ["schaamte", "schamen"]
    )
