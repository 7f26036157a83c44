"""A supervisor reads what happened to a document or a code: every action once, in both
codes' histories when it moved something between them, and in words that say what it was.

What the audit of December 7 found on a demo copy (each test here failed on the old code):

- a merge was only in the history of the code merged away: the code it went into did not
  list it, and the codings and memos it moved were only in the target's history (the history
  picked the code of the row after the change), so the merged code's history had no trace of
  where its 6 codings went; their undo, in turn, was only in the merged code's history;
- a life event made of a coding was in no history at all (not its document's, not its
  code's);
- the history said "codes samengevoegd", "eerdere actie ongedaan gemaakt", "code
  toegevoegd" and nothing more: not which codes, which document, or which action an undo
  took back. ``history_about.event_about`` now says it beside the words (names only).

Found on December 8: the history named codes as they are named today, so after a rename
"code toegevoegd: Rouw" stood where "Verlies" was added; and a code made by a split said
nothing of the code it came from.
"""

from __future__ import annotations

import pytest

from privacy_support import add_codes, add_document, segment_ids
from workbench import accounts, codings
from workbench.cli import main
from workbench.codebook.editing import add_code, merge_codes, move_code, rename_code, split_code
from workbench.errors import PermissionDenied
from workbench.handle import Project
from workbench.history import code_history, document_history, undo_last
from workbench.history_about import event_about
from workbench.i18n import t
from workbench.life_events import create_event
from workbench.memos import add_memo, update_memo

OTHER = "R: Een ander gesprek over de markt.\nR: Daar kwam ik elke week."


def about(project: Project, found: list[dict], lang: str = "nl") -> list[str]:
    return [t(w.key, lang, **w.params) for w in event_about(project, found)]


@pytest.fixture
def team(db):
    """Two documents, three codes, a researcher, a coder and a co-researcher."""
    ids = add_codes(db)
    first = add_document(db, name="gesprek-een.txt")
    second = add_document(db, OTHER, name="gesprek-twee.txt")
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "anna", role="onderzoeker")
    accounts.add_user(researcher, "buurt", role="co-onderzoeker")
    return db, ids, first, second


def test_a_merge_is_in_the_history_of_both_codes_with_what_it_moved(team):
    db, ids, first, second = team
    researcher, anna = Project.for_user(db, "onderzoeker"), Project.for_user(db, "anna")
    here = codings.add_coding(anna, code="verlies", segment_id=segment_ids(db, first)[1])
    there = codings.add_coding(anna, code="verlies", segment_id=segment_ids(db, second)[0])
    add_memo(anna, target_type="code", target_id=ids["verlies"], text="Lijkt op schaamte.")
    merge_codes(researcher, "verlies", "schaamte", rationale="overlap")

    into = code_history(researcher, ids["schaamte"])
    assert [e["action"] for e in into] == [
        "memo.move_with_code",
        "coding.recode",
        "coding.recode",
        "codebook.merge",
    ]
    assert about(researcher, into) == [
        "van Verlies naar Schaamte",
        "van Verlies naar Schaamte, in gesprek-twee.txt",
        "van Verlies naar Schaamte, in gesprek-een.txt",
        "Verlies samengevoegd met Schaamte (Schaamte blijft)",
    ]
    assert about(researcher, into[-1:], "en") == ["Verlies merged into Schaamte"]
    away = code_history(researcher, ids["verlies"])
    assert [e["action"] for e in away] == [
        "memo.move_with_code",
        "coding.recode",
        "coding.recode",
        "codebook.merge",
        "memo.add",
        "coding.add",
        "coding.add",
    ]
    assert {int(e["entity_id"]) for e in away if e["entity"] == "codings"} == {here, there}
    # the first document's history has its own coding's move, not the second's
    moves = [e for e in document_history(researcher, first) if e["action"] == "coding.recode"]
    assert [int(e["entity_id"]) for e in moves] == [here]

    undo_last(researcher)
    for code in ("schaamte", "verlies"):
        undos = [e for e in code_history(researcher, ids[code]) if e["action"] == "undo"]
        # the two codings and the memo moved back: in both codes' histories
        assert len(undos) >= 3, code
    undone = about(researcher, code_history(researcher, ids["schaamte"])[:1])
    assert undone == ["codes samengevoegd (door onderzoeker)"]


def test_an_undo_says_which_action_it_took_back_and_whose(team):
    db, ids, first, _ = team
    anna = Project.for_user(db, "anna")
    memo = add_memo(anna, target_type="document", target_id=first, text="Eerste indruk.")
    update_memo(anna, memo, text="Tweede indruk.")
    undo_last(anna)
    found = document_history(anna, first)
    assert [e["action"] for e in found][:3] == ["undo", "memo.edit", "memo.add"]
    assert about(anna, found[:1]) == ["memo gewijzigd (door anna)"]
    assert about(anna, found[:1], "en") == ["memo changed (by anna)"]
    assert not any("indruk" in words for words in about(anna, found))  # never a memo's text


def test_a_life_event_is_in_the_history_of_its_document_and_code_once(team):
    db, _, first, second = team
    anna = Project.for_user(db, "anna")
    coding = codings.add_coding(anna, code="isolement", segment_id=segment_ids(db, first)[1])
    create_event(anna, [coding], label="verhuizing naar de stad")
    in_document = [e["action"] for e in document_history(anna, first)]
    # made with its mention in one action: listed once, as the life event
    assert in_document == ["life_event.add", "coding.add"]
    code = codings.code_id(anna, "isolement")
    in_code = code_history(anna, code)
    assert [e["action"] for e in in_code] == ["life_event.mention_add", "coding.add"]
    assert about(anna, in_code)[0] == "Isolement, in gesprek-een.txt"
    assert "verhuizing" not in " ".join(about(anna, in_code))  # a label may hold a name
    assert "life_event.add" not in [e["action"] for e in document_history(anna, second)]


def test_a_rename_and_a_move_say_from_what_to_what(team):
    db, ids, _, _ = team
    researcher = Project.for_user(db, "onderzoeker")
    rename_code(researcher, "verlies", "Verlies van iets", rationale="duidelijker")
    move_code(researcher, "verlies", "schaamte", rationale="hoort erbij")
    found = code_history(researcher, ids["verlies"])
    assert about(researcher, found) == [
        "Verlies van iets: van het hoogste niveau naar onder Schaamte",
        "van Verlies naar Verlies van iets",
    ]
    assert about(researcher, found, "en") == [
        "Verlies van iets: from the top level to under Schaamte",
        "from Verlies to Verlies van iets",
    ]


def test_the_history_and_its_words_refuse_a_co_researcher(team, project_path, capsys):
    """A co-onderzoeker sees pseudonymised fragments only; the history names documents and
    codes as they are, so it is refused in the package, not only hidden by the app."""
    db, ids, first, _ = team
    anna = Project.for_user(db, "anna")
    codings.add_coding(anna, code="verlies", segment_id=segment_ids(db, first)[1])
    found = document_history(anna, first)
    resident = Project.for_user(db, "buurt")
    for call in (
        lambda: document_history(resident, first),
        lambda: code_history(resident, ids["verlies"]),
        lambda: event_about(resident, found),
    ):
        with pytest.raises(PermissionDenied):
            call()
    db.close()
    command = ["history", "--project", str(project_path), "--user", "buurt"]
    assert main([*command, "--document", str(first)]) != 0
    assert "gesprek" not in capsys.readouterr().out


def test_the_privacy_page_shows_a_merge_in_the_history_of_the_code_it_went_into(team, project_path):
    """The history tab (AppTest): a supervisor picks the code that stayed and reads the
    merge, naming both codes, and the coding it moved, naming where from and where to."""
    from page_runner import run_page

    db, ids, first, _ = team
    researcher = Project.for_user(db, "onderzoeker")
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, first)[1])
    merge_codes(researcher, "verlies", "schaamte", rationale="overlap")
    accounts.set_password(researcher, "onderzoeker", "geheim-genoeg")
    accounts.add_user(researcher, "vera", role="supervisor")
    at = run_page("privacy", project_path, user="vera")
    at.radio(key="privacy_history_kind").set_value("code").run()
    at.selectbox(key="privacy_history_code").set_value(ids["schaamte"]).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Waarover" in d.value.columns)
    assert table["Wat"].tolist() == ["code vervangen door een andere", "codes samengevoegd"]
    assert table["Waarover"].tolist() == [
        "van Verlies naar Schaamte, in gesprek-een.txt",
        "Verlies samengevoegd met Schaamte (Schaamte blijft)",
    ]
    assert table["Wie"].tolist() == ["onderzoeker", "onderzoeker"]


def test_old_entries_name_a_code_as_it_was_then_with_todays_name_beside_it(team):
    db, ids, first, _ = team
    researcher = Project.for_user(db, "onderzoeker")
    add_code(researcher, name="Gemis", slug="gemis", parent="schaamte", rationale="nieuw thema")
    codings.add_coding(researcher, code="gemis", segment_id=segment_ids(db, first)[1])
    add_memo(
        researcher,
        target_type="code",
        target_id=codings.code_id(researcher, "gemis"),
        text="Eerste gedachte.",
    )
    rename_code(researcher, "gemis", "Rouw", rationale="beter woord")
    rename_code(researcher, "gemis", "Rouw en gemis", rationale="breder")
    found = code_history(researcher, codings.code_id(researcher, "gemis"))
    assert [e["action"] for e in found] == [
        "codebook.rename",
        "codebook.rename",
        "memo.add",
        "coding.add",
        "codebook.add",
    ]
    assert about(researcher, found) == [
        "van Rouw naar Rouw en gemis",
        "van Gemis naar Rouw",
        "Gemis (nu: Rouw en gemis)",
        "Gemis (nu: Rouw en gemis), in gesprek-een.txt",
        "Gemis (nu: Rouw en gemis)",
    ]
    assert about(researcher, found[-1:], "en") == ["Gemis (now: Rouw en gemis)"]
    undo_last(researcher)  # the second rename: back to "Rouw"
    found = code_history(researcher, codings.code_id(researcher, "gemis"))
    assert about(researcher, found) == [
        "naam van een code veranderd (door onderzoeker)",
        "van Rouw naar Rouw en gemis",
        "van Gemis naar Rouw",
        "Gemis (nu: Rouw)",
        "Gemis (nu: Rouw), in gesprek-een.txt",
        "Gemis (nu: Rouw)",
    ]


def test_a_code_made_by_a_split_says_what_it_was_split_from(team):
    db, ids, _, _ = team
    researcher = Project.for_user(db, "onderzoeker")
    made = split_code(
        researcher,
        "verlies",
        [{"name": "Verlies van werk", "slug": "verlies-werk"}, {"name": "Verlies van huis"}],
        rationale="te breed",
    )
    part = codings.code_id(researcher, made["codes"][0])
    found = code_history(researcher, part)
    assert [e["action"] for e in found] == ["codebook.add"]
    assert about(researcher, found) == ["Verlies van werk, gesplitst uit Verlies"]
    assert about(researcher, found, "en") == ["Verlies van werk, split from Verlies"]
    rename_code(researcher, "verlies", "Verlies (oud)", rationale="gesplitst")
    assert about(researcher, code_history(researcher, part)) == [
        "Verlies van werk, gesplitst uit Verlies (nu: Verlies (oud))"
    ]
    split = code_history(researcher, ids["verlies"])[-1]
    assert about(researcher, [split]) == [
        "Verlies (nu: Verlies (oud)) gesplitst in Verlies van werk, Verlies van huis"
    ]
