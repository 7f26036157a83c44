"""Editing a project's codebook: every change asks why and lands in both logs."""

from __future__ import annotations

import json

import pytest

from built_once import codebook
from workbench import codebook as cb
from workbench.codings import add_coding, decide, list_codings
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.history import undo_last
from workbench.ingest import import_files
from workbench.memos import add_memo
from workbench.store import now

ACTOR = "onderzoeker"
N_DEFAULT = len(codebook(cb.DEFAULT_CODEBOOK).codes)
TRANSCRIPT = (
    "I: Hoe gaat het nu met u? (verzonnen interview)\n"
    "R: Sinds mijn vrouw overleden is, kom ik de deur niet meer uit.\n"
    "I: Wat helpt u?\n"
    "R: Door de hond moet ik naar buiten, en dan groet de buurman me.\n"
)


@pytest.fixture
def project(project_path, tmp_path, nlp, new_project):
    db = new_project(project_path)
    source = tmp_path / "interview.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    import_files(Project.for_user(db, ACTOR), [source], nlp=nlp)
    yield db
    db.close()


@pytest.fixture
def researcher(project):
    return Project.for_user(project, ACTOR)


def segment(db, words: str) -> int:
    return db.execute("SELECT id FROM segments WHERE text LIKE ?", [f"%{words}%"]).fetchone()[0]


def events(db, action: str) -> list[dict]:
    rows = db.execute("SELECT before, after FROM events WHERE action = ?", [action]).fetchall()
    return [{"before": json.loads(b) if b else None, "after": json.loads(a)} for b, a in rows]


def test_merge_moves_codings_and_deactivates_source(project, researcher):
    seg = segment(project, "overleden")
    researcher = Project.for_user(project, ACTOR)
    add_coding(researcher, code="verlies-woning", segment_id=seg)
    result = cb.merge_codes(
        researcher,
        "verlies-woning",
        "verlies-dierbare",
        rationale="Woning kwam niet los voor",
    )
    assert result["moved"] == 1
    assert [c["code"] for c in list_codings(researcher)] == ["verlies-dierbare"]
    assert "verlies-woning" not in [n["slug"] for n in cb.code_tree(researcher)]
    assert cb.change_log(researcher)[0]["action"] == "merge"
    assert events(project, "codebook.merge")[0]["after"]["rationale"] == "Woning kwam niet los voor"


def test_a_merged_code_takes_no_new_codings(project, researcher):
    """The pages offer only codes in use, but the package stored a coding on a merged code,
    where no overview, agreement or export looks."""
    seg = segment(project, "overleden")
    researcher = Project.for_user(project, ACTOR)
    cb.merge_codes(researcher, "verlies-woning", "verlies-dierbare", rationale="Eén verlies")
    with pytest.raises(InputError) as refused:
        add_coding(researcher, code="verlies-woning", segment_id=seg)
    assert refused.value.key == "codings.inactive_code"
    assert list_codings(researcher) == []


def test_merge_drops_exact_duplicates_but_keeps_them_in_the_event_log(project, researcher):
    seg = segment(project, "overleden")
    twin = add_coding(researcher, code="verlies-woning", segment_id=seg)
    add_coding(researcher, code="verlies-dierbare", segment_id=seg)
    result = cb.merge_codes(researcher, "verlies-woning", "verlies-dierbare", rationale="dubbel")
    assert result == {"moved": 0, "duplicates": 1, "children": 0}
    assert len(list_codings(researcher)) == 1
    [removed] = project.execute("SELECT before FROM events WHERE action = 'coding.remove'")
    assert {k: json.loads(removed[0])[k] for k in ("id", "segment_id")} == {
        "id": twin,
        "segment_id": seg,
    }


def snapshot(db) -> dict[str, list[tuple]]:
    tables = ("codes", "codings", "memos")
    return {t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}


def test_a_merge_keeps_an_accepted_coding_over_a_rejected_suggestion_of_the_target(
    project, researcher
):
    """The duplicate match ignored the status: the rejected suggestion stayed and the
    researcher's accepted coding was removed."""
    seg = segment(project, "overleden")
    mine = add_coding(researcher, code="verlies-woning", segment_id=seg)
    proposal = add_coding(researcher, code="verlies-dierbare", segment_id=seg, origin="machine")
    decide(researcher, proposal, "rejected")
    before = snapshot(project)
    cb.merge_codes(researcher, "verlies-woning", "verlies-dierbare", rationale="één verlies")
    [kept] = list_codings(researcher, statuses=None)
    assert (kept["id"], kept["code"], kept["status"]) == (mine, "verlies-dierbare", "accepted")
    assert undo_last(researcher)["action"] == "codebook.merge"
    assert snapshot(project) == before


def test_a_recode_after_a_split_keeps_the_accepted_coding(project, researcher):
    seg = segment(project, "hond")
    mine = add_coding(researcher, code="zingeving-dieren", segment_id=seg)
    [dog, _] = cb.split_code(
        researcher, "zingeving-dieren", [{"name": "Hond"}, {"name": "Kat"}], rationale="apart"
    )["codes"]
    proposal = add_coding(researcher, code=dog, segment_id=seg, origin="machine")
    decide(researcher, proposal, "rejected")
    before = snapshot(project)
    assert cb.recode_codings(researcher, [mine], dog) == 1
    [kept] = list_codings(researcher, statuses=None)
    assert (kept["id"], kept["code"], kept["status"]) == (mine, dog, "accepted")
    undo_last(researcher)
    assert snapshot(project) == before


def test_one_undo_takes_a_merge_back_with_its_sub_codes_codings_and_memos(project, researcher):
    add_coding(researcher, code="omgeving-buurt", segment_id=segment(project, "buurman"))
    add_coding(researcher, code="omgevingsfactoren", segment_id=segment(project, "hond"))
    source = project.execute("SELECT id FROM codes WHERE slug = 'omgevingsfactoren'").fetchone()[0]
    add_memo(researcher, target_type="code", target_id=source, text="Buurt en drempels?")
    before = snapshot(project)
    cb.merge_codes(researcher, "omgevingsfactoren", "drempels", rationale="samen")
    assert snapshot(project) != before
    undo_last(researcher)
    assert snapshot(project) == before
    assert "omgevingsfactoren" in [n["slug"] for n in cb.code_tree(researcher)]


def test_the_change_log_says_what_an_undo_took_back_once_per_action(project, researcher):
    """An undone merge or rename was logged as "description changed" ("uitleg aangepast"),
    once for every code the merge had touched: a supervisor read eight description changes
    and no word that the merge no longer stands."""
    from workbench.i18n import t

    cb.rename_code(researcher, "omgeving-buurt", "Buurt", rationale="korter")
    cb.merge_codes(researcher, "omgevingsfactoren", "drempels", rationale="samen")
    undo_last(researcher)
    undo_last(researcher)
    log = cb.change_log(researcher)
    assert [(c["action"], c["code_slug"]) for c in log[:4]] == [
        ("undo_rename", "omgeving-buurt"),
        ("undo_merge", "omgevingsfactoren"),
        ("merge", "omgevingsfactoren"),
        ("rename", "omgeving-buurt"),
    ]
    children = [
        r[0]
        for r in project.execute(
            "SELECT k.slug FROM codes k JOIN codes p ON p.id = k.parent_id "
            "WHERE p.slug = 'omgevingsfactoren' ORDER BY k.position"
        )
    ]
    assert children and log[1]["details"]["codes"] == ["omgevingsfactoren", *children]
    words = [t(cb.change_words(c["action"]).key, "nl") for c in log[:2]]
    assert words == ["nieuwe naam ongedaan gemaakt", "samenvoeging ongedaan gemaakt"]


def test_merge_moves_children_to_target(project, researcher):
    cb.merge_codes(researcher, "omgevingsfactoren", "drempels", rationale="samen")
    tree = {n["slug"]: n for n in cb.code_tree(researcher)}
    assert tree["omgeving-buurt"]["parent"] == "drempels"


def test_merge_into_own_child_is_refused(project, researcher):
    with pytest.raises(InputError) as caught:
        cb.merge_codes(researcher, "verlies", "verlies-werk", rationale="x")
    assert caught.value.key == "codebook.edit.merge_into_child"


def test_every_edit_needs_a_rationale(project, researcher):
    with pytest.raises(InputError) as caught:
        cb.rename_code(researcher, "schaamte", "Schaamte", rationale="  ")
    assert caught.value.key == "codebook.rationale_missing"


def test_every_edit_is_in_change_log_and_event_log(project, researcher):
    cb.add_code(
        researcher,
        name="Kracht uit buren",
        parent="zingeving",
        rationale="inductief",
        definition="Buren als bron van kracht.",
        indicators=["buur"],
    )
    cb.edit_code(researcher, "kracht-uit-buren", rationale="kleur", color="#AABBCC")
    cb.rename_code(researcher, "kracht-uit-buren", "Steun van buren", rationale="helder")
    cb.move_code(researcher, "kracht-uit-buren", "lichte-contacten", rationale="past beter")
    log = cb.change_log(researcher)
    assert [c["action"] for c in log[:4]] == ["move", "rename", "edit", "add"]
    assert [c["rationale"] for c in log[:4]] == ["past beter", "helder", "kleur", "inductief"]
    for action in ("add", "edit", "rename", "move"):
        assert len(events(project, f"codebook.{action}")) == 1
    node = {n["slug"]: n for n in cb.code_tree(researcher)}["kracht-uit-buren"]
    assert (node["name"], node["parent"], node["color"]) == (
        "Steun van buren",
        "lichte-contacten",
        "#aabbcc",
    )


def test_move_under_own_descendant_is_refused(project, researcher):
    with pytest.raises(InputError) as caught:
        cb.move_code(researcher, "zingeving", "zingeving-hoop", rationale="x")
    assert caught.value.key == "codebook.edit.move_cycle"


def test_split_keeps_codings_on_original_and_lists_them(project, researcher):
    seg = segment(project, "hond")
    researcher = Project.for_user(project, ACTOR)
    coding = add_coding(researcher, code="zingeving-dieren", segment_id=seg)
    result = cb.split_code(
        researcher,
        "zingeving-dieren",
        [{"name": "Kracht uit de hond"}, {"name": "Kracht uit de kat", "slug": "zingeving-kat"}],
        rationale="honden en katten apart",
    )
    assert result == {"codes": ["kracht-uit-de-hond", "zingeving-kat"], "codings": [coding]}
    assert [c["code"] for c in list_codings(researcher)] == ["zingeving-dieren"]
    tree = {n["slug"]: n for n in cb.code_tree(researcher)}
    assert tree["zingeving-kat"]["parent"] == "zingeving"
    assert tree["zingeving-kat"]["color"] == tree["zingeving-dieren"]["color"]
    assert cb.recode_codings(researcher, result["codings"], "kracht-uit-de-hond") == 1
    assert [c["code"] for c in list_codings(researcher)] == ["kracht-uit-de-hond"]
    assert events(project, "coding.recode")[0]["before"]["id"] == coding


def tree_order(researcher, parent: str | None) -> list[str]:
    """The codes under ``parent`` (None: the top level) in the order the tree shows them."""
    return [n["slug"] for n in cb.code_tree(researcher) if n["parent"] == parent]


def test_the_parts_of_a_split_come_right_after_the_code_they_came_from(project, researcher):
    """At the end of the list, the parts of a code high up the codebook were far from it."""
    top = tree_order(researcher, None)
    parts = [{"name": "Eerste deel"}, {"name": "Tweede deel"}]
    cb.split_code(researcher, top[0], parts, rationale="x")
    assert tree_order(researcher, None) == [top[0], "eerste-deel", "tweede-deel", *top[1:]]
    siblings = tree_order(researcher, "zingeving")
    first = siblings[0]
    cb.split_code(researcher, first, [{"name": "Derde deel"}], rationale="x")
    assert tree_order(researcher, "zingeving") == [first, "derde-deel", *siblings[1:]]
    # the codebook as exported keeps that order too
    exported = [c.id for c in cb.codebook_from_project(researcher).codes if c.parent is None]
    assert exported == [top[0], "eerste-deel", "tweede-deel", *top[1:]]


def test_a_colour_in_other_letters_is_no_change(project, researcher):
    """A REFI-QDA file writes "#AABBCC", the colour picker "#aabbcc": the same colour."""
    project.execute("UPDATE codes SET color = '#AABBCC' WHERE slug = 'schaamte'")
    project.conn.commit()
    before = len(cb.change_log(researcher))
    cb.edit_code(researcher, "schaamte", rationale="x", color="#aabbcc")
    assert len(cb.change_log(researcher)) == before  # nothing logged: nothing changed
    cb.edit_code(researcher, "schaamte", rationale="korter", brief="Kort.", color="#aabbcc")
    assert cb.change_log(researcher)[0]["details"] == {"fields": ["brief"]}
    cb.edit_code(researcher, "schaamte", rationale="rood", color="#aa0000")
    assert cb.change_log(researcher)[0]["details"] == {"fields": ["color"]}


def test_edit_validates_fields_like_the_loader(project, researcher):
    with pytest.raises(InputError) as caught:
        cb.edit_code(researcher, "schaamte", rationale="x", color="rood")
    assert caught.value.key == "codebook.edit.bad_color"
    assert "schaamte" in caught.value.message("nl")


def test_add_code_makes_unique_slugs(project, researcher):
    first = cb.add_code(researcher, name="Schaamte", rationale="x")
    assert first == "schaamte-2"
    long_name = "Verlies van het vertrouwen dat de buurt er voor je is als het nodig is"
    slug = cb.add_code(researcher, name=long_name, rationale="x")
    assert slug == "verlies-van-het-vertrouwen-dat-de-buurt-er-voor-je"
    assert cb.add_code(researcher, name=long_name, rationale="x") == f"{slug}-2"


def test_an_imported_code_gets_a_free_slug_when_its_own_is_taken(project, researcher):
    base = {"codebook_id": 1, "name": "Schaamte", "active": 1, "position": 99}
    taken = cb.add_imported_code(researcher, {**base, "slug": "schaamte"})
    nameless = cb.add_imported_code(researcher, base)
    slugs = dict(project.execute("SELECT id, slug FROM codes").fetchall())
    assert (slugs[taken], slugs[nameless]) == ("schaamte-2", "schaamte-3")


def test_code_tree_counts_codings_per_status(project, researcher):
    seg = segment(project, "overleden")
    researcher = Project.for_user(project, ACTOR)
    add_coding(researcher, code="verlies-dierbare", segment_id=seg)
    add_coding(
        researcher,
        code="verliescascade",
        segment_id=seg,
        origin="machine",
        score=0.7,
    )
    tree = {n["slug"]: n for n in cb.code_tree(researcher)}
    assert tree["verlies-dierbare"]["n_accepted"] == 1
    assert tree["verliescascade"]["n_suggested"] == 1 and tree["verliescascade"]["n_accepted"] == 0
    assert tree["verlies"]["n_accepted"] == 0 and tree["verlies"]["n_accepted_total"] == 1
    assert [n["depth"] for n in cb.code_tree(researcher)][:2] == [0, 1]


def test_supervisor_may_not_edit_the_codebook(project):
    project["users"].insert({"name": "sanne", "role": "supervisor", "created_at": now()})
    with pytest.raises(PermissionDenied):
        cb.rename_code(Project.for_user(project, "sanne"), "schaamte", "Schaamte", rationale="x")


def test_empty_project_gets_an_own_codebook_for_new_codes(tmp_path, new_project):
    db = new_project(tmp_path / "leeg.db", codebooks=())
    slug = cb.add_code(
        Project.for_user(db, ACTOR), name="Heimwee", rationale="uit eerste interview"
    )
    book = cb.codebook_from_project(Project.for_user(db, ACTOR))
    assert [c.id for c in book.codes] == [slug] and book.name == "Eigen codes"


def test_unused_codebook_can_be_removed_and_is_kept_in_the_event_log(project, researcher):
    assert (
        cb.remove_codebook(
            researcher,
            "De binnenkant van sociaal isolement",
            rationale="we bouwen zelf op",
        )
        == N_DEFAULT
    )
    assert cb.code_tree(researcher) == []
    before = events(project, "codebook.remove")[0]["before"]
    assert len(before["codes"]) == N_DEFAULT and before["codes"][0]["id"] == "verlies"


def test_codebook_in_use_cannot_be_removed(project, researcher):
    add_coding(researcher, code="verlies", segment_id=segment(project, "hond"))
    with pytest.raises(InputError) as caught:
        cb.remove_codebook(researcher, "De binnenkant van sociaal isolement", rationale="x")
    assert caught.value.key == "codebook.edit.remove_used" and caught.value.params["n"] == 1


OWN_BOOK = """name: Eigen codeboek (fictief, voor tests)
version: "1"
codes:
  - id: meedoen
    name: Meedoen in de buurt
"""


def test_undoing_a_move_into_another_codebook_brings_the_whole_branch_back(project, researcher):
    """The branch moved with its code, but undo put back only the code: its sub-codes stayed
    in the other codebook, whose export then named a parent that was not there."""
    from workbench.history import undo_last

    cb.install_codebook_text(researcher, OWN_BOOK, file="eigen.yaml")
    books = lambda: {  # noqa: E731
        r[0] for r in project.execute("SELECT codebook_id FROM codes WHERE slug LIKE 'zingeving%'")
    }
    before = books()
    cb.move_code(researcher, "zingeving", "meedoen", rationale="hoort bij meedoen")
    assert books() != before and len(books()) == 1
    undo_last(researcher)
    assert books() == before
    own = cb.codebook_from_project(researcher, "Eigen codeboek (fictief, voor tests)")
    assert [c.id for c in own.codes] == ["meedoen"]
    cb.parse_codebook(cb.codebook_to_yaml(own), file="export.yaml")  # loads again


def test_no_code_is_added_or_moved_under_a_merged_code(project, researcher):
    cb.merge_codes(researcher, "zingeving-dieren", "zingeving-hoop", rationale="samen")
    with pytest.raises(InputError) as added:
        cb.add_code(researcher, name="Katten", parent="zingeving-dieren", rationale="x")
    with pytest.raises(InputError) as moved:
        cb.move_code(researcher, "zingeving-hoop", "zingeving-dieren", rationale="x")
    assert added.value.key == moved.value.key == "codebook.edit.inactive"


def test_undo_says_when_it_went_past_a_codebook_change_it_cannot_take_back(project, researcher):
    from workbench.history import codebook_changes_passed, undo_last

    cb.rename_code(researcher, "zingeving-hoop", "Hoop houden", rationale="duidelijker")
    cb.add_code(researcher, name="Heimwee", rationale="uit eerste interview")
    undone = undo_last(researcher)
    assert undone["action"] == "codebook.rename"
    assert codebook_changes_passed(researcher, undone) == 1


def test_codebook_with_a_memo_on_a_code_cannot_be_removed(project, researcher):
    """A memo on a code of a removed codebook showed on an unrelated code of a codebook
    installed later (it was given the same code id)."""
    cb.install_codebook_text(researcher, OWN_BOOK, file="eigen.yaml")
    code = project.execute("SELECT id FROM codes WHERE slug = 'meedoen'").fetchone()[0]
    add_memo(researcher, target_type="code", target_id=code, text="Vraag naar de buurthuizen.")
    with pytest.raises(InputError) as caught:
        cb.remove_codebook(researcher, "Eigen codeboek (fictief, voor tests)", rationale="x")
    assert caught.value.key == "codebook.edit.remove_memos" and caught.value.params["n"] == 1
    assert "memo" in caught.value.message("nl") and "memo" in caught.value.message("en")
    assert project.execute("SELECT count(*) FROM codes WHERE id = ?", [code]).fetchone()[0] == 1
