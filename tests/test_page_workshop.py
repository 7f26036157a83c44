"""The workshop page on a real project: a co-researcher sees only pseudonymised fragments."""

import pytest

from workbench import accounts, codings
from workbench.handle import Project
from workbench.privacy import apply_pseudonyms, decide
from workbench.privacy.workshop import assign_fragments
from workbench.workshop_cards import available_cards
from privacy_support import add_codes, add_document, segment_ids
from page_runner import run_page, switch_language, workshop_card
from workbench.handle import Project


@pytest.fixture
def names_replaced(db):
    """Names decided and replaced, a co-researcher 'sanne', nothing given to her yet."""
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db)
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    for name in ("Kees", "Zwolle", "Ria van der Berg", "Jan de Vries", "Jan"):
        decide(researcher, name, accept=True, kind="place" if name == "Zwolle" else None)
    decide(researcher, "Stichting Welzijn Oost", accept=True, kind="organisation")
    apply_pseudonyms(researcher)
    return segment_ids(db, doc)


@pytest.fixture
def prepared(db, names_replaced):
    """As names_replaced, with the second and fourth sentence given to sanne."""
    segs = names_replaced
    assign_fragments(
        Project.for_user(db, "onderzoeker"),
        co_researcher="sanne",
        segment_ids=[segs[1], segs[3]],
        group="buurtgroep",
    )
    return segs


def page(project_path, user="sanne"):
    return run_page("workshop", project_path, user=user)


def shown_text(at):
    return " ".join(m.value for m in at.markdown)


def card_labels(at):
    return [b.label for b in at.button if b.key.startswith("workshop_pick_")]


def test_co_researcher_sees_the_fragment_pseudonymised_and_nothing_else(db, prepared, project_path):
    at = page(project_path)
    text = shown_text(at)
    assert "[Naam 1] overleed woon ik alleen in [Plaats 1]" in text
    for real in ("Kees", "Zwolle", "Ria", "interview.txt"):
        assert real not in text and all(real not in c.value for c in at.caption)
    assert "display: none" in text  # the sidebar is hidden
    # a codebook without a card set: one card per offered code, plus the two fixed cards
    assert card_labels(at) == ["Verlies", "Schaamte", "Isolement", "Geen van deze", "Weet ik niet"]


def test_choosing_a_card_records_it_for_the_group(db, prepared, project_path):
    at = page(project_path)
    workshop_card(at, "Schaamte").click().run()
    stored = codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"])
    assert [(c["code"], c["segment_id"]) for c in stored] == [("schaamte", prepared[1])]
    assert "Jullie kozen: Schaamte" in shown_text(at)


def test_a_code_slug_made_of_a_name_never_reaches_the_residents_session(db, prepared, project_path):
    """A codebook without a card set gives one card per code; the code's slug (its id) can
    be made of a name. The card's widget key ends up in the page's HTML and the session
    state: it is the card's place, and the resident's session holds no slug anywhere (its
    values, widget ids, or the arguments of a card's click); the click still records the
    code."""
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db, ("steun-van-henk",))
    with db.conn:
        db.execute("UPDATE codes SET name = 'Steun van Henk' WHERE slug = 'steun-van-henk'")
    decide(researcher, "Henk", accept=True)
    at = page(project_path)
    assert card_labels(at)[3] == "Steun van [Naam 5]"
    for run in (at, workshop_card(at, "Steun van [Naam 5]").click().run()):
        assert not run.exception
        held = repr(run._session_state._state)  # values, widget ids and their callbacks
        assert "henk" not in held.lower() and "verlies" not in held
        assert all("henk" not in b.id.lower() for b in run.button)
    stored = codings.list_codings(researcher, coders=["buurtgroep"])
    assert [(c["code"], c["segment_id"]) for c in stored] == [("steun-van-henk", prepared[1])]
    assert "Jullie kozen: Steun van [Naam 5]" in shown_text(at)


def test_next_shows_the_following_fragment(db, prepared, project_path):
    at = page(project_path)
    at.button(key="workshop_next").click().run()
    assert (
        "[Naam 3] van [Organisatie 1] komt op dinsdag. Dan praat ik met [Naam 4] over vroeger."
    ) in shown_text(at)
    assert at.caption[0].value == "Stukje 2 van 2"


def test_without_assignments_the_page_says_to_ask_the_researcher(db, project_path):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "kim", role="co-onderzoeker")
    at = page(project_path, user="kim")
    assert "Vraag het aan de onderzoeker" in at.info[0].value


def test_a_supervisor_cannot_open_the_workshop(db, project_path):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    at = page(project_path, user="vera")
    assert at.error and "vera" in at.error[0].value


def test_the_sentences_around_the_fragment_show_in_grey_and_pseudonymised(
    db, prepared, project_path
):
    at = page(project_path)
    blocks = [m.value for m in at.markdown if m.value.startswith("<div class='werkplaats-")]
    assert blocks[:3] == [
        "<div class='werkplaats-rond'>Hoe gaat het nu met u?</div>",
        "<div class='werkplaats-tekst'>Sinds [Naam 1] overleed woon ik alleen in [Plaats 1]. "
        "Mijn dochter [Naam 2] belt soms.</div>",
        "<div class='werkplaats-rond'>En de buren?</div>",
    ]


def test_none_of_these_and_dont_know_are_recorded_without_a_code(db, prepared, project_path):
    from workbench.workshop_cards import current_card

    at = page(project_path)
    workshop_card(at, "Schaamte").click().run()
    at.button(key="workshop_pick_geen-van-deze").click().run()
    assert codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"]) == []
    assert current_card(Project.for_user(db, "sanne"), prepared[1]) == "geen-van-deze"
    assert "Jullie kozen: Geen van deze" in shown_text(at)
    at.button(key="workshop_pick_weet-ik-niet").click().run()
    assert current_card(Project.for_user(db, "sanne"), prepared[1]) == "weet-ik-niet"
    at.button(key="workshop_clear").click().run()  # taking it back is an action of its own
    assert current_card(Project.for_user(db, "sanne"), prepared[1]) is None


def test_a_second_tap_on_the_chosen_card_keeps_the_answer(db, prepared, project_path):
    """Residents tap twice (a touch screen, a slow mouse): the answer must stay. Another
    card changes it; only the small "Keuze wissen" takes it back."""
    from workbench.workshop_cards import current_card

    sanne = Project.for_user(db, "sanne")
    at = page(project_path)
    assert not [b for b in at.button if b.key == "workshop_clear"]  # nothing to clear yet
    workshop_card(at, "Schaamte").click().run()
    workshop_card(at, "Schaamte").click().run()
    assert current_card(sanne, prepared[1]) == "schaamte"
    assert "Jullie kozen: Schaamte" in shown_text(at)
    stored = codings.list_codings(Project.for_user(db, "onderzoeker"), coders=["buurtgroep"])
    assert [(c["code"], c["segment_id"]) for c in stored] == [("schaamte", prepared[1])]
    answers = db.execute("SELECT count(*) FROM events WHERE action = 'workshop.answer'")
    assert answers.fetchone()[0] == 1  # the second tap wrote nothing

    workshop_card(at, "Verlies").click().run()
    assert current_card(sanne, prepared[1]) == "verlies"
    at.button(key="workshop_pick_weet-ik-niet").click().run()
    at.button(key="workshop_pick_weet-ik-niet").click().run()
    assert current_card(sanne, prepared[1]) == "weet-ik-niet"

    clear = at.button(key="workshop_clear")
    assert clear.label == "Keuze wissen"
    clear.click().run()
    assert current_card(sanne, prepared[1]) is None
    assert "Kies samen een kaart" in shown_text(at)
    assert not [b for b in at.button if b.key == "workshop_clear"]


def test_the_last_piece_ends_with_thanks_and_a_logout(db, prepared, project_path):
    at = page(project_path)
    at.button(key="workshop_next").click().run()
    assert at.button(key="workshop_next").label == "Klaar"
    at.button(key="workshop_next").click().run()
    assert "Klaar! Dank je wel" in shown_text(at)
    at.session_state["_login_project"] = str(project_path)
    at.button(key="workshop_logout").click().run()
    assert "_login_project" not in at.session_state
    assert at.session_state["user"] != "sanne"


@pytest.fixture
def with_card_set(tmp_path, new_project):
    """A project with the shipped codebook (and so its card set) and two assigned pieces."""
    path = tmp_path / "kaarten.db"
    db = new_project(path)
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(
        db,
        "I: Hoe is het?\nR: Ik zie bijna nooit iemand.\n"
        "R: Mijn buurvrouw neemt me mee naar de markt.",
    )
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    apply_pseudonyms(researcher)
    segs = segment_ids(db, doc)
    assign_fragments(researcher, co_researcher="sanne", segment_ids=segs[1:], group="buurtgroep")
    return path, db, segs


def test_researcher_chooses_six_to_eight_plain_cards(with_card_set):
    path, db, segs = with_card_set
    at = run_page("workshop", path)
    default = at.multiselect(key="workshop_cards").value
    assert len(default) == 8  # the card set's defaults until the researcher chooses
    at.multiselect(key="workshop_cards").set_value(default[:5])
    at.button(key="workshop_cards_save").click().run()
    assert "Kies 6 tot 8 kaarten" in at.error[0].value
    at.multiselect(key="workshop_cards").set_value(
        ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"]
    )
    at.button(key="workshop_cards_save").click().run()
    assert at.success[0].value.startswith("6 kaarten opgeslagen")
    resident = page(path)
    assert card_labels(resident) == [
        "Ik ben vaak alleen.",
        "Ik ben iemand of iets kwijt.",
        "Ik ben moe. Alles kost veel kracht.",
        "Ik schaam me. Ik praat er liever niet over.",
        "Een praatje maken doet me goed.",
        "Iemand helpt me op weg.",
        "Geen van deze",
        "Weet ik niet",
    ]
    assert workshop_card(resident, "Ik ben vaak alleen.").icon == ":material/person_outline:"


def _two_answers(db, segs):
    """Six cards chosen; sanne's group answers a card and "geen van deze"."""
    from workbench.workshop_cards import choose_cards, record_card

    choose_cards(
        Project.for_user(db, "onderzoeker"),
        ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"],
    )
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    record_card(Project.for_user(db, "sanne"), segs[2], "geen-van-deze")


def test_researcher_sees_the_groups_cards_next_to_own_codes(with_card_set):
    path, db, segs = with_card_set
    _two_answers(db, segs)
    codings.add_coding(Project.for_user(db, "onderzoeker"), code="isolement", segment_id=segs[1])
    codings.add_coding(Project.for_user(db, "onderzoeker"), code="brugfiguren", segment_id=segs[2])
    at = run_page("workshop", path)
    table = at.dataframe[0].value
    assert list(table["Kaart van de groep"]) == ["Ik ben vaak alleen.", "Geen van deze"]
    assert list(table["Jouw codes"]) == ["Eenzaamheid en isolement", "Brugfiguren"]
    assert list(table["Eens?"]) == ["eens", "anders"]  # brugfiguren is a card's code
    assert at.metric[0].value == "50%"


def test_researcher_still_sees_an_answer_to_a_piece_she_took_away(with_card_set):
    path, db, segs = with_card_set
    from workbench.privacy.workshop import unassign_fragments
    from workbench.workshop_cards import record_card

    record_card(Project.for_user(db, "sanne"), segs[1], "geen-van-deze")
    unassign_fragments(
        Project.for_user(db, "onderzoeker"), co_researcher="sanne", segment_ids=[segs[1]]
    )
    at = run_page("workshop", path)
    table = at.dataframe[0].value
    assert list(table["Kaart van de groep"]) == ["", "Geen van deze"]
    assert list(table["Eens?"]) == ["", "weggehaald, telt niet mee"]
    assert any(
        "1 antwoord hoort bij een stukje dat je later weghaalde" in c.value for c in at.caption
    )


def test_researcher_who_read_nothing_gets_no_agreement_and_is_told_why(with_card_set):
    """No codes from a researcher who never read the interview is no judgement: no
    percentage; the page says how many pieces have an answer and why they do not count."""
    path, db, segs = with_card_set
    _two_answers(db, segs)
    at = run_page("workshop", path)
    assert not at.metric
    assert [c.value for c in at.caption] == [
        "De groepen kozen een kaart bij 2 van de 2 stukjes. 'Weet ik niet' telt hier ook als "
        "kaart.",
        "2 antwoorden tellen niet mee voor 'Eens met jouw codes'. Die stukjes komen uit een "
        "interview dat je nog niet las: je codeerde er niets in en zette het niet op klaar.",
    ]
    assert list(at.dataframe[0].value["Eens?"]) == ["", ""]


def test_card_sentences_wrap_instead_of_being_cut_off(db, prepared, project_path):
    """At 1,280 px four cards a row cut longer sentences off with "..." (the browser test's
    CUT_OFF check); the page lets them wrap and gives every card the same height."""
    at = page(project_path)
    style = next(m.value for m in at.markdown if "<style>" in m.value)
    assert "white-space: normal !important" in style
    assert "text-overflow: clip !important" in style
    assert '[class*="st-key-workshop_pick_"] button { min-height: 4.4rem; }' in style


def sent_together(at, choice: str, button: str) -> bool:
    """Whether the multiselect ``choice`` reaches the page with a click on ``button`` (one
    form), not in a rerun of its own before the click (where a quick click got lost)."""
    form = at.multiselect(key=choice).form_id
    return bool(form) and at.button(key=button).form_id == form


def test_fragments_picked_and_given_with_one_click_reach_the_group(
    db, names_replaced, project_path
):
    at = run_page("privacy", project_path)
    assert sent_together(at, "privacy_fragments", "privacy_assign")
    at.multiselect(key="privacy_fragments").set_value(names_replaced[1:3])
    at.button(key="privacy_assign").click().run()  # the same run as the pick
    assert any("2 fragmenten klaargezet voor sanne" in s.value for s in at.success)
    assert page(project_path).caption[0].value == "Stukje 1 van 2"


def test_cards_picked_and_saved_with_one_click_are_saved(with_card_set):
    path, db, segs = with_card_set
    at = run_page("workshop", path)
    assert sent_together(at, "workshop_cards", "workshop_cards_save")
    at.multiselect(key="workshop_cards").set_value(["alleen", "kwijt", "moe", "schaamte", "helpt"])
    at.multiselect(key="workshop_cards").select("praatje")
    at.button(key="workshop_cards_save").click().run()
    assert at.success[0].value.startswith("6 kaarten opgeslagen")


# Words a resident should not meet (B1, no jargon), and the technical caption of the sidebar.
JARGON = (
    "segment", "codering", "fragment", "pseudoniem", "respondent", "sessie", "consensus",
    "alpha", "code", "Taalverwerking", "pipeline", "simplemma",
)  # fmt: skip


def everything_shown(at) -> str:
    """Every text on the screen, the hidden sidebar included: titles, messages, buttons, help."""
    texts = [e.value for kind in ("title", "markdown", "caption", "info", "error", "success")
             for e in getattr(at, kind) if "<style>" not in e.value]  # fmt: skip
    texts += [f"{b.label} {b.help or ''}" for b in at.button]
    texts += [w.label for w in [*at.radio, *at.selectbox, *at.text_input]]
    return "\n".join(texts)


def test_a_resident_goes_through_the_whole_app_in_plain_words(with_card_set):
    """Login, the pieces, a card, the end, log out: no jargon, no code, id, file or group name."""
    import re
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    path, db, segs = with_card_set
    researcher = Project.for_user(db, "onderzoeker")
    accounts.set_password(researcher, "onderzoeker", "onderzoek-123")
    accounts.set_password(researcher, "sanne", "buurt-123")
    slugs = [c["code"] for c in available_cards(researcher)]
    app = AppTest.from_file(str(Path(__file__).parent.parent / "streamlit_app.py"))
    app.session_state["project_path"] = str(path)
    app.default_timeout = 60
    screens = []

    def look() -> None:
        app.run()
        assert not app.exception, [e.message for e in app.exception]
        screens.append(everything_shown(app))

    look()
    app.text_input(key="login_name").input("sanne")
    app.text_input(key="login_password").input("buurt-123")
    app.button[0].click()
    look()
    assert app.caption[0].value == "Stukje 1 van 2"
    workshop_card(app, "Ik ben vaak alleen.").click()
    look()
    app.button(key="workshop_next").click()
    look()
    app.button(key="workshop_next").click()
    look()
    assert "Klaar! Dank je wel voor je hulp." in screens[-1]
    app.button(key="workshop_logout").click()
    look()
    assert app.title[0].value == "Inloggen"
    shown = "\n".join(screens)
    assert "Ik ben vaak alleen." in shown and "Jullie kozen: Ik ben vaak alleen." in shown
    for word in (*JARGON, *slugs, "buurtgroep", "interview.txt", " u "):
        assert word.lower() not in shown.lower(), word
    assert not re.search(r"#\d|\b(R|id)\d+\b|\d{3,}", shown), shown


def test_researcher_sees_code_names_not_slugs_on_the_workshop_page(with_card_set):
    path, db, segs = with_card_set
    from workbench.workshop_cards import choose_cards, record_card

    choose_cards(
        Project.for_user(db, "onderzoeker"),
        ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"],
    )
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    codings.add_coding(Project.for_user(db, "onderzoeker"), code="isolement", segment_id=segs[1])
    at = run_page("workshop", path)
    assert (
        "Ik ben vaak alleen. → Eenzaamheid en isolement"
        in at.multiselect(key="workshop_cards").options
    )
    assert list(at.dataframe[0].value["Jouw codes"])[0] == "Eenzaamheid en isolement"


def test_a_resident_keeps_the_piece_and_the_card_when_switching_language(with_card_set):
    """The page's own language choice: the piece on screen and the group's card stay."""
    path, db, segs = with_card_set
    at = page(path)
    at.button(key="workshop_next").click().run()
    workshop_card(at, "Ik ben vaak alleen.").click().run()
    at.radio(key="workshop_lang").set_value("en").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["lang"] == "en"
    assert at.caption[0].value == "Piece 2 of 2"
    assert "You chose: Ik ben vaak alleen." in shown_text(at)
    at.radio(key="workshop_lang").set_value("nl").run()
    assert at.caption[0].value == "Stukje 2 van 2"
    assert "Jullie kozen: Ik ben vaak alleen." in shown_text(at)


def test_the_researcher_reads_the_codes_in_english_and_picks_cards(with_card_set):
    """The card picker and the comparison named codes in Dutch on an English page, though
    the codebook gives them an English name."""
    path, db, segs = with_card_set
    from workbench.workshop_cards import choose_cards, chosen_cards, record_card

    researcher = Project.for_user(db, "onderzoeker")
    choose_cards(researcher, ["alleen", "kwijt", "moe", "schaamte", "praatje", "helpt"])
    record_card(Project.for_user(db, "sanne"), segs[1], "alleen")
    codings.add_coding(researcher, code="isolement", segment_id=segs[1])
    at = run_page("workshop", path, lang="en")
    cards = at.multiselect(key="workshop_cards")
    assert "Ik ben vaak alleen. → Loneliness and social isolation" in cards.options
    assert at.dataframe[0].value["Your codes"][0] == "Loneliness and social isolation"
    cards.set_value(["alleen", "kwijt", "moe", "schaamte", "praatje", "kracht"])
    at.button(key="workshop_cards_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value.startswith("6 cards saved")
    assert {c["id"] for c in chosen_cards(researcher)} == {
        "alleen", "kwijt", "moe", "schaamte", "praatje", "kracht",
    }  # fmt: skip


def test_the_researchers_card_picks_stay_when_the_language_changes(with_card_set):
    """A guard: the card picker (in a form: picks wait in the browser until the click) keeps
    its id across a switch, names each card's code in the new language, and saves."""
    path, db, segs = with_card_set
    from workbench.workshop_cards import chosen_cards

    six = ["alleen", "kwijt", "moe", "schaamte", "praatje", "kracht"]
    at = switch_language(run_page("workshop", path, user="onderzoeker"))
    assert "Ik ben vaak alleen. → Loneliness and social isolation" in (
        at.multiselect(key="workshop_cards").options
    )
    at.multiselect(key="workshop_cards").set_value(six)
    at.button(key="workshop_cards_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    researcher = Project.for_user(db, "onderzoeker")
    assert {c["id"] for c in chosen_cards(researcher)} == set(six)
