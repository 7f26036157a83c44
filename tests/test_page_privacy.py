"""The privacy page on a real project (AppTest): names, workshop, accounts, history, backup."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench import accounts, codings
from workbench.handle import Project
from workbench.privacy import decide, read_key
from privacy_support import add_codes, add_document, segment_ids
from page_runner import run_page, switch_language
from workbench.handle import Project


@pytest.fixture
def project(db):
    add_codes(db)
    add_document(db)
    return db


def page(project_path, user="onderzoeker"):
    return run_page("privacy", project_path, user=user)


def test_researcher_sees_every_part(project, project_path):
    at = page(project_path)
    assert [t.label for t in at.tabs] == [
        "Namen vervangen",
        "Werkplaats klaarzetten",
        "Accounts",
        "Geschiedenis",
        "Reservekopie",
    ]


def test_accepting_a_candidate_with_a_pseudonym_and_applying(project, project_path):
    at = page(project_path)
    at.selectbox(key="privacy_candidate").set_value("Kees").run()
    at.text_input(key="privacy_repl_Kees").set_value("Karel").run()
    at.button(key="privacy_accept").click().run()
    assert "'Kees' wordt overal 'Karel'." in at.success[0].value
    at.button(key="privacy_apply").click().run()
    assert "1 plek vervangen" in at.success[0].value
    assert read_key(Project.for_user(project, "onderzoeker")).entries["Kees"].replacement == "Karel"
    assert project.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0] == 1


def test_adding_an_account_and_assigning_fragments(project, project_path):
    at = page(project_path)
    at.text_input(key="privacy_new_name").set_value("sanne")
    at.selectbox(key="privacy_new_role").set_value("co-onderzoeker")
    [b for b in at.button if b.label == "Maken"][0].click().run()
    assert accounts.list_users(project)[-1]["role"] == "co-onderzoeker"
    at.button(key="privacy_apply").click().run()  # the document must be checked for names
    at.multiselect(key="privacy_fragments").set_value(segment_ids(project, 1)[1:2])
    at.button(key="privacy_assign").click().run()
    # applied with nothing decided: the names around the fragment still wait for a decision
    assert "niemand over besliste: Kees, Ria van der Berg, Zwolle." in at.error[0].value
    researcher = Project.for_user(project, "onderzoeker")
    for name in ("Jan", "Jan de Vries", "Kees", "Ria van der Berg", "Stichting Welzijn Oost"):
        decide(researcher, name, accept=True)
    decide(researcher, "Zwolle", accept=False)
    at.button(key="privacy_apply").click().run()
    at.button(key="privacy_assign").click().run()
    assert "1 fragment klaargezet voor sanne" in at.success[0].value


def test_undo_from_the_history_tab(project, project_path):
    researcher = Project.for_user(project, "onderzoeker")
    codings.add_coding(
        researcher,
        code="verlies",
        segment_id=segment_ids(project, 1)[1],
    )
    at = page(project_path)
    mine = next(d.value for d in at.dataframe if "Wat" in d.value.columns)  # my last actions
    assert list(mine.columns)[:3] == ["Wanneer", "Wie", "Wat"]  # no internal number
    assert mine["Wat"].tolist() == ["code toegevoegd"]  # not "coding.add"
    at.button(key="privacy_undo").click().run()
    # the toast speaks to the user about their own action
    assert "Ongedaan gemaakt: de code die je toevoegde." in at.success[0].value
    assert codings.list_codings(researcher) == []


def test_undo_from_the_history_tab_past_an_action_someone_changed_since(project, project_path):
    """The memo anna changed since could not be undone, and neither could anything before it."""
    from workbench.memos import add_memo, update_memo

    researcher = Project.for_user(project, "onderzoeker")
    accounts.add_user(researcher, "anna", role="onderzoeker")
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(project, 1)[1])
    memo = add_memo(researcher, target_type="document", target_id=1, text="Hij mist zijn vrouw.")
    update_memo(Project.for_user(project, "anna"), memo, text="Hij mist haar elke dag.")
    at = page(project_path)
    at.button(key="privacy_undo").click().run()
    assert "anna heeft het daarna veranderd" in at.error[0].value
    assert codings.list_codings(researcher) != []
    at.button(key="privacy_undo_older_go").click().run()
    assert at.success[0].value == (
        "Ongedaan gemaakt: de code die je toevoegde. "
        "Blijft staan, want daarna veranderd: je nieuwe memo."
    )
    assert codings.list_codings(researcher) == []


def test_backup_offers_a_download(project, project_path):
    at = page(project_path)
    at.button(key="privacy_make_backup").click().run()
    assert at.get("download_button")


@pytest.mark.parametrize(
    "lang, said",
    [
        (
            "nl",
            "De reservekopie is compleet, maar staat nog niet in de geschiedenis van het project",
        ),
        ("en", "The backup is complete, but it is not in the project's history yet"),
    ],
)
def test_a_backup_while_another_program_writes_is_offered_and_says_it_is_not_logged(
    project, project_path, lang, said
):
    """The copy was done at once, but the click then waited up to a minute for the lock to
    log it (and failed): now the download is offered and the page says the history lacks it."""
    import sqlite3

    other = sqlite3.connect(str(project_path), isolation_level=None)  # another program
    try:
        other.execute("BEGIN IMMEDIATE")
        at = run_page("privacy", project_path, lang=lang)
        at.button(key="privacy_make_backup").click().run()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not at.exception and at.get("download_button")
    assert [w.value for w in at.warning if w.value.startswith(said)]


def test_supervisor_sees_history_but_not_names_or_accounts_admin(project, project_path):
    accounts.add_user(Project.for_user(project, "onderzoeker"), "vera", role="supervisor")
    at = page(project_path, user="vera")
    assert [t.label for t in at.tabs] == ["Accounts", "Geschiedenis"]
    assert "Kees" not in " ".join(m.value for m in at.markdown)


def test_co_researcher_is_refused(project, project_path):
    accounts.add_user(Project.for_user(project, "onderzoeker"), "sanne", role="co-onderzoeker")
    at = page(project_path, user="sanne")
    assert at.error and not at.tabs


APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def app(project_path):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["project_path"] = str(project_path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_single_use_logs_in_without_a_form(project, project_path):
    at = app(project_path)
    assert at.session_state["user"] == "onderzoeker"
    assert "login_name" not in [t.key for t in at.text_input]


def test_login_form_once_a_password_is_set_and_pages_follow_the_role(project, project_path):
    accounts.set_password(Project.for_user(project, "onderzoeker"), "onderzoeker", "onderzoek-123")
    accounts.add_user(
        Project.for_user(project, "onderzoeker"),
        "sanne",
        role="co-onderzoeker",
        password="bewoner-123",
    )
    at = app(project_path)
    assert "user" not in at.session_state
    at.text_input(key="login_name").set_value("sanne")
    at.text_input(key="login_password").set_value("fout-wachtwoord")
    at.button[0].click().run()
    assert at.error and "user" not in at.session_state
    at.text_input(key="login_password").set_value("bewoner-123")
    at.button[0].click().run()
    assert not at.exception and at.session_state["user"] == "sanne"
    assert "Vraag het aan de onderzoeker" in at.info[0].value  # the only page: the workshop


def test_fragment_list_has_no_english_select_all_but_our_own_button(project, project_path):
    db = project
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('sanne', 'co-onderzoeker', '')")
    at = page(project_path)
    fragments = at.multiselect(key="privacy_fragments")
    assert fragments.proto.select_all == 0  # Streamlit's "Select all" (English only) is hidden
    everything = [o for o in fragments.options]
    button = at.button(key="privacy_all_fragments")
    assert button.label == "Kies alle fragmenten"
    button.click().run()
    assert len(at.multiselect(key="privacy_fragments").value) == len(everything) > 1
    assert at.button(key="privacy_all_fragments").disabled


def test_fragment_button_speaks_english(project, project_path):
    project.execute(
        "INSERT INTO users (name, role, created_at) VALUES ('sanne', 'co-onderzoeker', '')"
    )
    at = run_page("privacy", project_path, lang="en")
    assert at.button(key="privacy_all_fragments").label == "Choose all fragments"


def test_a_name_found_only_in_a_memo_is_shown_with_where_it_is(project, project_path):
    from workbench.memos import add_memo

    researcher = Project.for_user(project, "onderzoeker")
    add_memo(researcher, target_type="project", target_id=None, text="Later bellen met Teun.")
    at = page(project_path)
    at.selectbox(key="privacy_candidate").set_value("Teun").run()
    assert "*memo 1*: …Later bellen met **Teun**.…" in [m.value for m in at.markdown]
    at.button(key="privacy_accept").click().run()
    assert "'Teun' wordt overal '[Naam 1]'." in at.success[0].value


def test_the_open_tab_and_the_choices_stay_when_the_language_changes(project, project_path):
    """The tabs had no key: the browser keeps the open tab by its label and, finding no tab
    of that label after a switch to English, opened the first one (Replace names)."""
    codes = add_codes(project, slugs=("steun",))  # not the first code in the list
    at = run_page("privacy", project_path, privacy_tab="Geschiedenis")
    at.radio(key="privacy_history_kind").set_value("code").run()
    at.selectbox(key="privacy_history_code").set_value(codes["steun"]).run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["privacy_tab"] == "History"
    assert at.radio(key="privacy_history_kind").value == "code"
    assert at.selectbox(key="privacy_history_code").value == codes["steun"]
    # a tab click reruns the page: the backup made on its tab is still offered afterwards
    at.session_state["privacy_tab"] = "Backup"
    at.run()
    at.button(key="privacy_make_backup").click().run()
    at.session_state["lang"] = "nl"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["privacy_tab"] == "Reservekopie"
    assert at.get("download_button")


def test_every_choice_on_each_tab_stays_when_the_language_changes(project, project_path):
    """Each picker gets something other than its first option, the language switches, and
    each keeps its pick and shows it in English. A picker in a form keeps a pick not yet
    sent in the browser, as long as it stays the same widget (same id). The user picker of
    the password form had no key: its id came from its label ("Naam", "Name"), so a switch
    made a new picker, back at the first user, and the password went to that user."""
    researcher = Project.for_user(project, "onderzoeker")
    accounts.set_password(researcher, "onderzoeker", "mijn eigen wachtwoord")  # login is on
    for helper in ("sanne", "teun"):
        accounts.add_user(researcher, helper, role="co-onderzoeker")
    second = add_document(project, name="tweede.txt")
    add_codes(project, slugs=("steun",))
    at = run_page("privacy", project_path)
    picks = {
        ("selectbox", "privacy_candidate"): "Zwolle",
        ("selectbox", "privacy_kind_Zwolle"): "organisation",
        ("selectbox", "privacy_helper"): "teun",
        ("selectbox", "privacy_doc"): second,
        ("multiselect", "privacy_workshop_codes"): ["steun"],
        ("radio", "privacy_history_kind"): "document",
        ("selectbox", "privacy_history_doc"): second,
    }
    for (widget, key), value in picks.items():
        getattr(at, widget)(key=key).set_value(value).run()
    switch_language(at)  # the pickers in forms too are the same widgets as before
    assert {key: getattr(at, widget)(key=key).value for widget, key in picks} == {
        key: value for (_, key), value in picks.items()
    }
    shown = {key: getattr(at, widget)(key=key).options for widget, key in picks}
    assert "Zwolle · to review · 2×" in shown["privacy_candidate"]
    assert shown["privacy_kind_Zwolle"][2] == "organisation"
    assert at.selectbox(key="privacy_new_role").options[:2] == ["researcher", "co-researcher"]
    assert shown["privacy_history_kind"] == ["a document", "a code"]
    at.selectbox(key="privacy_password_user").set_value("teun")
    next(i for i in at.text_input if i.form_id == "privacy_password").input("een lang wachtwoord")
    at.button(key="FormSubmitter:privacy_password-Save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert accounts.authenticate(project, "teun", "een lang wachtwoord") == "teun"


def test_a_name_found_only_in_the_codebook_is_shown_with_where_it_is(project, project_path):
    from workbench.codebook import edit_code

    researcher = Project.for_user(project, "onderzoeker")
    edit_code(
        researcher,
        "verlies",
        rationale="uit een gesprek",
        examples=["Toen Grietje overleed, bleef ik alleen achter."],
    )
    at = page(project_path)
    at.selectbox(key="privacy_candidate").set_value("Grietje").run()
    assert "*codeboek, voorbeeld bij code 'Verlies'*: …Toen **Grietje** overleed, bleef ik " in (
        " ".join(m.value for m in at.markdown)
    )
