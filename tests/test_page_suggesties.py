"""The Suggesties page on a real project (AppTest): review, decide, learn, evaluate."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.app.common import document_label
from workbench.codings import list_codings
from workbench.handle import Project
from workbench.ingest import import_files
from page_runner import run_page

PAGE = str(Path(__file__).resolve().parent.parent / "workbench" / "app" / "pages" / "suggesties.py")
INTERVIEW = """Fictief interview, geschreven voor de tests van de werkbank.

I: Hoe was dat jaar?
R: Na de dood van mijn vrouw was ik zo eenzaam. Ik schaamde me om hulp te vragen.
I: En nu?
R: Nu heb ik een hond. Die houdt me op de been, elke dag wandelen.
"""


def project_with(tmp_path, nlp, new_project, name: str, text: str):
    """A new project file holding one imported transcript ``name`` (fictional ``text``)."""
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    path = tmp_path / f"{name}.db"
    db = new_project(path)
    import_files(Project.for_user(db, "onderzoeker"), [source], nlp=nlp)
    return path, db


@pytest.fixture
def project(tmp_path, nlp, new_project):
    path, db = project_with(tmp_path, nlp, new_project, "R98-page", INTERVIEW)
    yield path, db
    db.close()


def page(path: Path, lang: str = "nl") -> AppTest:
    return run_page("suggesties", path, lang=lang)


def with_suggestions(path: Path) -> AppTest:
    at = page(path)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_empty_queue_says_what_to_do(project):
    at = page(project[0])
    assert any("geen suggesties" in i.value for i in at.info)
    # A document without a respondent is listed by its name, not behind a dash.
    assert at.selectbox[0].options == ["R98-page"]


def test_a_document_with_a_respondent_is_listed_with_its_code_first():
    assert document_label("R03", "gesprek.txt") == "R03 · gesprek.txt"
    assert document_label(None, "gesprek.txt") == "gesprek.txt"


def test_making_suggestions_shows_a_fragment_with_score_and_evidence(project):
    at = with_suggestions(project[0])
    assert "nieuwe suggesties" in at.success[0].value
    # The segment on one background, its evidence in bold inside it.
    fragment = next(m.value for m in at.markdown if ":orange-background[" in m.value)
    assert fragment.count(":orange-background[") == 1
    assert "**" in fragment.split(":orange-background[", 1)[1]
    # The score orders the queue and says it is no chance; nothing is decided yet.
    score = next(c.value for c in at.caption if c.value.startswith("Score "))
    assert 0 <= float(score.split()[1].rstrip(".").replace(",", ".")) <= 1 and "geen kans" in score
    assert at.metric[0].label == "Eerder overgenomen" and at.metric[0].value == "nog geen"
    assert any(c.value.startswith("Waarom:") for c in at.caption)
    # How to let the model learn from sentences without a code: the done mark.
    assert any("Zet het op klaar bij Coderen" in c.value for c in at.caption)


def test_accept_button_records_the_decision(project):
    path, db = project
    at = with_suggestions(path)
    at.button(key="suggest_accept").click().run()
    assert not at.exception
    accepted = list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"])
    assert len(accepted) == 1 and accepted[0]["origin"] == "machine"


TWO_OF_A_KIND = """Fictief interview, geschreven voor de tests van de werkbank.

I: Hoe ging het met geld?
R: Ik schaamde me om hulp te vragen.
I: En bij de buren?
R: Ik durfde niemand te vertellen dat ik schulden had, ik schaamde me diep.
"""


def test_the_card_counts_what_became_of_its_codes_suggestions(tmp_path, nlp, new_project):
    """Beside a proposal: this coder's own record with that code's suggestions, a count that
    says what it covers, not a score dressed up as certainty."""
    path, db = project_with(tmp_path, nlp, new_project, "R97-twee", TWO_OF_A_KIND)
    at = with_suggestions(path)
    at.selectbox(key="suggest_focus").set_value("schaamte").run()
    assert at.metric[0].label == "Eerder overgenomen" and at.metric[0].value == "nog geen"
    at.button(key="suggest_accept").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(m.value == "Voorstel: **Schaamte en taboe**" for m in at.markdown)
    assert at.metric[0].value == "1 van 1"
    english = run_page("suggesties", path, lang="en", suggest_focus="schaamte")
    assert (english.metric[0].label, english.metric[0].value) == ("Accepted before", "1 of 1")
    db.close()


def test_reject_then_flip_in_last_decisions(project):
    path, db = project
    at = with_suggestions(path)
    at.button(key="suggest_reject").click().run()
    rejected = list_codings(Project.for_user(db, "onderzoeker"), statuses=["rejected"])[0]
    at.button(key=f"flip_{rejected['id']}").click().run()
    assert db["codings"].get(rejected["id"])["status"] == "accepted"


def test_skip_moves_to_the_next_suggestion_without_deciding(project):
    path, db = project
    at = with_suggestions(path)
    before = [m.value for m in at.markdown]
    at.button(key="suggest_skip").click().run()
    assert [m.value for m in at.markdown] != before
    assert (
        list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted", "rejected"]) == []
    )


def test_buttons_have_keyboard_shortcuts(project):
    at = with_suggestions(project[0])
    shortcuts = {
        b.key: b.proto.shortcut.upper()
        for b in at.button
        if b.key in ("suggest_accept", "suggest_reject", "suggest_skip")
    }
    assert shortcuts == {"suggest_accept": "A", "suggest_reject": "X", "suggest_skip": "S"}


def test_evaluation_panel_shows_per_code_table(project):
    path, db = project
    at = with_suggestions(path)
    for _ in range(3):
        at.button(key="suggest_accept").click().run()
    at.button(key="suggest_evaluate").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert {
        "Precisie",
        "Gevonden (recall)",
        "F1",
        "Alpha",
        "Voorgesteld",
        "Zijn de voorstellen het bekijken waard?",
    } <= set(table.columns)
    # what the figures cover, said above the table: every sentence of the coded interviews
    sentences = db.execute(
        "SELECT count(*) FROM segments s JOIN turns t ON t.id = s.turn_id "
        "JOIN speakers sp ON sp.id = t.speaker_id "
        "WHERE sp.role = 'respondent'"
    ).fetchone()[0]
    assert any(f"Gemeten op {sentences} zinnen in 1 interview " in c.value for c in at.caption)
    # a precision is shown with its interval
    assert any("[" in str(v) for v in table["Precisie"])


def test_the_evaluation_says_when_decisions_came_after_it(project):
    """The figures are computed on a button; a decision after that changes them. The panel
    says so instead of showing the old figures as the project's, and says the rule behind
    its verdict."""
    path, _ = project
    at = with_suggestions(path)
    at.button(key="suggest_accept").click().run()
    at.button(key="suggest_evaluate").click().run()
    stale = "Na deze berekening is er gecodeerd of beslist."
    assert not any(stale in w.value for w in at.warning)
    assert any(
        "Ja: met 95% zekerheid klopt minstens de helft van de voorstellen" in c.value
        and "Nog niet: ook de bovengrens ligt onder 0,5." in c.value
        for c in at.caption
    )
    at.button(key="suggest_reject").click().run()
    assert any(stale in w.value for w in at.warning)
    at.button(key="suggest_evaluate").click().run()  # computed again: up to date
    assert not any(stale in w.value for w in at.warning)


def test_english_interface(project):
    at = page(project[0], lang="en")
    assert any("No suggestions" in i.value for i in at.info)


def test_refused_decision_is_shown_not_lost(project, nlp):
    from workbench.handle import Project
    from workbench.store import now
    from workbench.suggest import suggest_document

    path, db = project
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('robot', 'system', ?)", [now()])
    suggest_document(Project.for_user(db, "robot"), 1, nlp=nlp)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["project_path"] = str(path)
    at.session_state["user"] = "robot"
    at.run()
    # a technical coder may not even read the documents (issue 20): a message, no crash
    assert at.error and not at.exception
    assert list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"]) == []


def test_other_proposals_for_the_same_sentence_are_announced(project):
    at = with_suggestions(project[0])
    first = [m.value for m in at.markdown if m.value.startswith("Voorstel:")]
    captions = [c.value for c in at.caption if c.value.startswith("Daarna voor dezelfde zin")]
    assert captions  # "dood van mijn vrouw ... zo eenzaam": loss and isolation
    at.button(key="suggest_skip").click().run()
    nxt = [m.value for m in at.markdown if m.value.startswith("Voorstel:")]
    assert nxt != first and nxt[0].split("**")[1] in captions[0]


def test_one_code_at_a_time_most_likely_first_with_its_share_accepted(project):
    path, db = project
    at = with_suggestions(path)
    open_ = list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])
    code = max({r["code"] for r in open_}, key=lambda c: sum(r["code"] == c for r in open_))
    at.selectbox(key="suggest_focus").set_value(code).run()
    assert not at.exception
    name = db.execute("SELECT name FROM codes WHERE slug = ?", [code]).fetchone()[0]
    assert at.markdown and any(f"**{name}**" in m.value or name in m.value for m in at.markdown)
    # before any decision it says so in words, not with a bare "-" as the share
    none_yet = f"Je hebt nog geen voorstellen van de werkbank voor {name} beoordeeld."
    assert none_yet in [c.value for c in at.caption]
    best = max((r for r in open_ if r["code"] == code), key=lambda r: r["score"])
    at.button(key="suggest_accept").click().run()
    assert db["codings"].get(best["id"])["status"] == "accepted"  # the most likely one
    share = f"Voorstellen van de werkbank voor {name}: van de 1 die je beoordeelde, nam je er 1"
    assert any(c.value == f"{share} over (100%)." for c in at.caption)


def test_the_examples_table_counts_this_coders_work_and_says_so(project):
    path, db = project
    at = with_suggestions(path)
    name = next(m.value.split("**")[1] for m in at.markdown if m.value.startswith("Voorstel: **"))
    at.button(key="suggest_accept").click().run()
    assert any(c.value.startswith("Alleen jouw werk in dit project.") for c in at.caption)
    # not "Examples": the evaluation's examples count every coder, and children for parents
    assert "Jouw werk per code" in [e.label for e in at.expander]
    assert any("een code eronder telt niet mee" in c.value for c in at.caption)
    table = at.dataframe[0].value.set_index("Code")
    slug = db.execute("SELECT slug FROM codes WHERE name = ?", [name]).fetchone()[0]
    assert (table.loc[slug, "Klopt"], table.loc[slug, "Deel overgenomen"]) == (1, "100%")
    # another coder's decisions are not in this coder's table
    from workbench.accounts import add_user

    add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    other = run_page("suggesties", path, user="anna")
    rows = other.dataframe[0].value.set_index("Code")
    assert rows.loc[slug, "Klopt"] == 0 and rows.loc[slug, "Deel overgenomen"] == "-"


def test_after_two_rejections_a_word_alone_no_longer_counts_and_the_card_says_so(
    tmp_path, nlp, new_project
):
    """Learning from the first decisions: the third funeral of a stranger goes to the back
    of the queue, and the card says why, in plain words."""
    from test_suggest_project import FUNERALS

    path, db = project_with(tmp_path, nlp, new_project, "R96-begrafenis", FUNERALS)
    at = with_suggestions(path)
    at.selectbox(key="suggest_focus").set_value("verlies-dierbare").run()
    assert not any(c.value.startswith("Eerdere voorstellen met") for c in at.caption)
    for _ in range(2):
        at.button(key="suggest_reject").click().run()
        assert not at.exception, [e.message for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("Eerdere voorstellen met begrafenis voor deze code zijn afgewezen.")
        for c in captions
    ), captions
    assert any(c.startswith("De werkbank stelt dit nu niet meer voor") for c in captions)
    fragment = next(m.value for m in at.markdown if ":orange-background[" in m.value)
    assert "dominee" in fragment or "burgemeester" in fragment or "buurman" in fragment
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["verlies-dierbare", "Telt niet meer alleen"] == "begrafenis (2 keer afgewezen)"
    assert not any("stond vaak in zinnen" in c for c in captions)
    assert table.loc["schaamte", "Telt niet meer alleen"] == ""
    english = run_page("suggesties", path, lang="en", suggest_focus="verlies-dierbare")
    assert any(
        c.value.startswith("Earlier suggestions of this code with begrafenis were rejected.")
        for c in english.caption
    )
    db.close()


def test_a_word_that_stopped_counting_by_silence_is_not_called_rejected(tmp_path, nlp, new_project):
    """Nobody rejected the strangers' funerals: they were left uncoded in an interview read
    in full. The card and the examples table say that, not "rejected"."""
    from test_suggest_project import funerals_read_in_full

    db, path = funerals_read_in_full(tmp_path, nlp, new_project)
    at = run_page("suggesties", path, suggest_focus="verlies-dierbare")
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith(
            "Het woord begrafenis stond vaak in zinnen die mensen niet met deze code codeerden."
            " Zo'n woord alleen is daarom geen reden meer voor een voorstel."
        )
        for c in captions
    ), captions
    assert not any("afgewezen" in c for c in captions)
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["verlies-dierbare", "Telt niet meer alleen"] == (
        "begrafenis (3 zinnen zonder deze code)"
    )
    english = run_page("suggesties", path, lang="en", suggest_focus="verlies-dierbare")
    assert any(
        c.value.startswith("The word begrafenis often came up in sentences that people did not")
        for c in english.caption
    )
    assert english.dataframe[0].value.set_index("Code").loc[
        "verlies-dierbare", "No longer counts alone"
    ] == ("begrafenis (3 sentences without this code)")
    db.close()


def test_a_code_that_proposed_nothing_is_not_called_unsure(tmp_path, nlp, new_project):
    from test_suggest_project import funerals_read_in_full

    db, path = funerals_read_in_full(tmp_path, nlp, new_project)
    for lang, column, nothing, unsure in (
        (
            "nl",
            "Zijn de voorstellen het bekijken waard?",
            "Nee: stelt niets voor",
            "Nog onzeker: meer beslissingen nodig",
        ),
        ("en", "Worth looking at?", "No: proposes nothing", "Unsure: needs more decisions"),
    ):
        at = run_page("suggesties", path, lang=lang)
        at.button(key="suggest_evaluate").click().run()
        assert not at.exception, [e.message for e in at.exception]
        verdicts = at.dataframe[-1].value.set_index("Code")[column]
        # people coded omgeving-digitaal once and it proposed no sentence; isolement proposed
        # one, rightly, and one proposal cannot tell
        assert (verdicts["omgeving-digitaal"], verdicts["isolement"]) == (nothing, unsure)
    db.close()


def test_codes_without_words_are_named_on_the_page(tmp_path, nlp):
    """A codebook from another tool (names and descriptions): the page says which codes the
    workbench cannot propose yet, and what helps."""
    from test_suggest_cli import OWN_CODEBOOK
    from workbench.cli import main

    path = tmp_path / "eigen.db"
    assert main(["codebook", "init", "--project", str(path), "--empty"]) == 0
    (tmp_path / "eigen.qdc").write_text(OWN_CODEBOOK, encoding="utf-8")
    assert main(["codebook", "import", "--project", str(path), str(tmp_path / "eigen.qdc")]) == 0
    source = tmp_path / "R95-eigen.txt"
    source.write_text(INTERVIEW, encoding="utf-8")
    assert main(["import", "--project", str(path), str(source)]) == 0
    at = page(path)
    assert any(
        i.value.startswith("2 codes hebben geen signaalwoorden of korte voorbeelden: Rouw, ")
        and "Codeboek" in i.value
        for i in at.info
    ), [i.value for i in at.info]
    english = page(path, lang="en")
    assert any(i.value.startswith("2 codes have no indicator words") for i in english.info)


def test_the_shipped_codebook_has_no_codes_without_words(project):
    at = page(project[0])
    assert not any("signaalwoorden" in i.value for i in at.info)


def test_figures_in_the_text_follow_the_language(project):
    """Dutch writes a decimal comma, English a point; one page never mixes them."""
    import re

    path, db = project
    dutch = with_suggestions(path)
    score = next(c.value for c in dutch.caption if c.value.startswith("Score "))
    assert re.match(r"Score \d,\d\d\. ", score) and re.search(r"Vanaf \d,\d\d ", score)
    assert not re.search(r"\d\.\d", score)
    english = run_page("suggesties", path, lang="en")
    score = next(c.value for c in english.caption if c.value.startswith("Score "))
    assert re.match(r"Score \d\.\d\d\. ", score) and re.search(r"From \d\.\d\d on", score)
    assert not re.search(r"\d,\d", score)


def test_last_decisions_give_their_buttons_room(project):
    """At [5, 2, 1, 1] the buttons read "Omdr…" and "Terug …" at 1,280 px."""
    path, db = project
    at = with_suggestions(path)
    at.button(key="suggest_reject").click().run()
    [rejected] = list_codings(Project.for_user(db, "onderzoeker"), statuses=["rejected"])
    flip = f"flip_{rejected['id']}"
    row = next(
        block
        for block in _blocks(at.main)
        if getattr(block, "type", None) == "flex_container"
        and any(getattr(c, "type", None) == "column" for c in block.children.values())
        and any(getattr(e, "key", None) == flip for e in _blocks(block))
    )
    weights = [c.weight for c in row.children.values()]
    share = [w / sum(weights) for w in weights]
    assert share[2] >= 0.18 and share[3] >= 0.25  # "Omdraaien", "Terug naar de lijst"


def _blocks(node):
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _blocks(child)


def test_the_evaluation_table_says_what_measured_each_figure_as_the_cli(tmp_path, nlp, new_project):
    """The page shows the figures as `workbench evaluate` prints them: two decimals for F1
    and alpha too (not 0.277 beside 0.33, nor -0.000), and beside where a code's
    suggestions come from now, what measured its figures when that differed per fold."""
    import re

    from test_suggest_project import work_lost_once
    from workbench.cli.suggest import evaluation_lines
    from workbench.suggest.evaluate import evaluate

    db, path = work_lost_once(tmp_path, nlp, new_project)
    at = run_page("suggesties", path)
    at.button(key="suggest_evaluate").click().run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[-1].value.set_index("Code")
    assert table.loc["verlies-werk", "Werkt met"] == (
        "woordregels; gemeten: 2× woordregels, 1× uit (nooit gebruikt)"
    )
    assert table.loc["verlies", "Werkt met"] == "woordregels"
    lines = evaluation_lines(evaluate(Project.for_user(db, "onderzoeker"), nlp=nlp), "nl")
    cli = {cells[0]: cells for cells in (re.split(r"\s{2,}", line) for line in lines[2:])}
    for code, row in table.iterrows():
        assert [row[c] for c in ("Precisie", "F1", "Alpha")] == [cli[code][i] for i in (3, 5, 6)]
    assert any("elke codeur telt mee" in c.value for c in at.caption)
    assert any("(of die iemand op klaar zette)" in c.value for c in at.caption)
    # the codes nobody used are named, as the CLI lists them, not silently left out
    unused = next(c.value for c in at.caption if c.value.startswith("Niet in de tabel"))
    assert "schaamte" in unused and "verlies," not in unused and "schaamte" not in table.index
    db.close()


def test_the_count_of_what_is_left_covers_the_chosen_code(tmp_path, nlp, new_project):
    """With one code chosen the queue shows only its suggestions: what is left says how many
    of those, and of all codes together, without the ones skipped (it said the number of
    all codes, as if all were in this queue)."""
    path, db = project_with(tmp_path, nlp, new_project, "R97-twee", TWO_OF_A_KIND)
    at = with_suggestions(path)
    open_ = list_codings(Project.for_user(db, "onderzoeker"), statuses=["suggested"])
    mine = sum(r["code"] == "schaamte" for r in open_)
    assert len(open_) > mine >= 2
    at.selectbox(key="suggest_focus").set_value("schaamte").run()
    for left in (mine, mine - 1):
        assert any(
            c.value.endswith(
                f"Nog {left} {'suggestie' if left == 1 else 'suggesties'} voor Schaamte en taboe"
                f" te bekijken. Voor alle codes samen: {len(open_) - (mine - left)}."
            )
            for c in at.caption
        ), [c.value for c in at.caption]
        at.button(key="suggest_skip").click().run()
    db.close()


@pytest.fixture
def two_interviews(tmp_path, nlp, new_project):
    """A project with two interviews: a picker that falls back to the first shows it."""
    path = tmp_path / "twee.db"
    db = new_project(path)
    for name, text in (("R01-eerste", TWO_OF_A_KIND), ("R02-tweede", INTERVIEW)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        import_files(Project.for_user(db, "onderzoeker"), [tmp_path / f"{name}.txt"], nlp=nlp)
    yield path, db
    db.close()


def test_the_interview_and_the_code_stay_chosen_when_the_language_changes(two_interviews):
    """The code picker read its words in a format function, which Streamlit's test harness
    calls outside the run: after a switch to English it read Dutch and the next click failed
    ("... is not in list"). The interview picker has a key now, as every picker whose label
    is translated (its label happens to be one word in both languages)."""
    path, db = two_interviews
    at = page(path)
    at.selectbox[0].set_value(2).run()
    at.button[0].click().run()  # suggestions for the second interview only
    at.selectbox(key="suggest_focus").set_value("schaamte").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox[0].value == 2
    assert at.selectbox(key="suggest_focus").value == "schaamte"
    assert at.selectbox(key="suggest_focus").options[0].startswith("All codes")
    at.button(key="suggest_accept").click().run()
    assert not at.exception, [e.message for e in at.exception]
    accepted = list_codings(Project.for_user(db, "onderzoeker"), statuses=["accepted"])
    assert [(c["document_id"], c["code"]) for c in accepted] == [(2, "schaamte")]


def test_a_code_is_chosen_on_the_english_page(project):
    path, db = project
    at = page(path, lang="en")
    at.button[0].click().run()
    at.selectbox(key="suggest_focus").set_value("schaamte").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(m.value == "Proposal: **Schaamte en taboe**" for m in at.markdown)
    at.selectbox(key="suggest_focus").set_value(None).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="suggest_focus").value is None


def test_too_little_coded_is_said_plainly_not_shown_as_figures(tmp_path, nlp, new_project):
    from test_suggest_project import tiny_project

    db, path = tiny_project(tmp_path, nlp, new_project)
    for lang, words in (("nl", "te weinig gecodeerd"), ("en", "too little has been coded")):
        at = run_page("suggesties", path, lang=lang)
        at.button(key="suggest_evaluate").click().run()
        assert not at.exception, [e.message for e in at.exception]
        assert any(words in i.value for i in at.info), [i.value for i in at.info]
        assert not any("Alpha" in d.value.columns for d in at.dataframe)  # no figures table
    db.close()


def test_a_code_finished_on_search_hits_stays_chosen(project, nlp):
    """One code at a time: a researcher who turned search hits into omgeving-digitaal
    suggestions and decided them all expects the menu to keep that code, as it keeps a code
    whose workbench suggestions are all decided, not to jump to all codes and show other
    codes' cards; the caption says why its share is empty (hits are no proposals of the
    workbench)."""
    from workbench.search import search_segment_ids, suggest_code_for_hits

    path, db = project
    researcher = Project.for_user(db, "onderzoeker")
    at = with_suggestions(path)  # other codes get the workbench's own suggestions
    hits = search_segment_ids(researcher, nlp, "hond")
    suggest_code_for_hits(researcher, hits, "omgeving-digitaal", query="hond")
    at.run()
    at.selectbox(key="suggest_focus").set_value("omgeving-digitaal").run()
    for _ in hits:
        at.button(key="suggest_accept").click().run()
        assert not at.exception, [e.message for e in at.exception]
    hit = [c for c in list_codings(researcher) if c["code"] == "omgeving-digitaal"]
    assert len(hit) == len(hits) == 1 and hit[0]["score"] is None  # the hit, accepted
    assert at.selectbox(key="suggest_focus").value == "omgeving-digitaal"  # still chosen
    said = (
        "Je beoordeelde 1 zoekresultaat voor Digitale uitsluiting. Die tellen niet mee in het"
        " deel overgenomen"
    )
    assert any(c.value.startswith(said) for c in at.caption), [c.value for c in at.caption]
    assert not any(b.key == "suggest_accept" for b in at.button)  # no other code's card
    menu = page(path).selectbox(key="suggest_focus")  # opened again: drawn afresh
    assert "Alleen Digitale uitsluiting: de meest waarschijnlijke eerst" in menu.options
