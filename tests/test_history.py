import pytest

from workbench import accounts, codings
from workbench.errors import InputError, NotFound, PermissionDenied
from workbench.handle import Project
from workbench.history import code_history, document_history, undo_last, undoable_actions
from workbench.codebook.editing import add_code, edit_code, merge_codes
from workbench.memos import add_memo, update_memo
from workbench.store import row
from workbench.handle import Project
from privacy_support import add_codes, add_document, segment_ids
from workbench.handle import Project


@pytest.fixture
def doc(db):
    add_codes(db)
    return add_document(db)


def count(db, table="codings"):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_undo_removes_the_coding_just_added_and_logs_an_undo(db, doc):
    codings.add_coding(
        Project.for_user(db, "onderzoeker"), code="verlies", segment_id=segment_ids(db, doc)[1]
    )
    undone = undo_last(Project.for_user(db, "onderzoeker"))
    assert undone["action"] == "coding.add" and count(db) == 0
    assert db.execute("SELECT count(*) FROM events WHERE action = 'undo'").fetchone()[0] == 1


def test_undo_puts_back_a_removed_coding_with_its_id(db, doc):
    researcher = Project.for_user(db, "onderzoeker")
    cid = codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    codings.remove_coding(researcher, cid)
    undo_last(researcher)
    assert row(db, "codings", cid)["coder"] == "onderzoeker"


def test_repeated_undo_walks_back_through_the_users_actions(db, doc):
    segs = segment_ids(db, doc)
    researcher = Project.for_user(db, "onderzoeker")
    first = codings.add_coding(researcher, code="verlies", segment_id=segs[1])
    second = codings.add_coding(researcher, code="schaamte", segment_id=segs[3])
    assert [e["entity_id"] for e in undoable_actions(researcher)] == [
        str(second),
        str(first),
    ]
    undo_last(Project.for_user(db, "onderzoeker"))
    undo_last(Project.for_user(db, "onderzoeker"))
    assert count(db) == 0
    with pytest.raises(NotFound):
        undo_last(Project.for_user(db, "onderzoeker"))


def test_undo_only_touches_the_users_own_actions(db, doc):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    seg = segment_ids(db, doc)[1]
    researcher = Project.for_user(db, "onderzoeker")
    codings.add_coding(researcher, code="verlies", segment_id=seg)
    codings.add_coding(Project.for_user(db, "anna"), code="schaamte", segment_id=seg)
    undo_last(researcher)
    assert [c["coder"] for c in codings.list_codings(researcher)] == ["anna"]


def test_undo_restores_a_suggestion_decision(db, doc):
    researcher = Project.for_user(db, "onderzoeker")
    cid = codings.add_coding(
        researcher,
        coder="onderzoeker",
        code="verlies",
        origin="machine",
        segment_id=segment_ids(db, doc)[1],
        score=0.8,
    )
    codings.decide(researcher, cid, "accepted")
    undo_last(researcher)
    assert row(db, "codings", cid)["status"] == "suggested"


def test_undo_restores_a_memo_text(db, doc):
    memo = add_memo(
        Project.for_user(db, "onderzoeker"), target_type="document", target_id=doc, text="eerste"
    )
    update_memo(Project.for_user(db, "onderzoeker"), memo, text="tweede")
    undo_last(Project.for_user(db, "onderzoeker"))
    assert row(db, "memos", memo)["text"] == "eerste"


def test_undo_restores_a_code_edit_made_in_the_codebook(db, doc):
    before = row(db, "codes", 1)
    edit_code(
        Project.for_user(db, "onderzoeker"),
        "verlies",
        rationale="scherper",
        definition="Iets of iemand kwijtraken.",
        examples=["Ik ben mijn huis kwijt."],
    )
    undo_last(Project.for_user(db, "onderzoeker"))
    after = row(db, "codes", 1)
    assert (after["definition"], after["examples"]) == (before["definition"], before["examples"])
    assert (
        db.execute("SELECT rationale FROM codebook_changes ORDER BY id DESC").fetchone()[0]
        == "undo"
    )


def test_actions_that_cannot_be_undone_are_passed_over(db, doc):
    cid = codings.add_coding(
        Project.for_user(db, "onderzoeker"), code="verlies", segment_id=segment_ids(db, doc)[1]
    )
    add_code(Project.for_user(db, "onderzoeker"), name="Nieuwe code", rationale="inductief")
    assert undo_last(Project.for_user(db, "onderzoeker"))["entity_id"] == str(cid)


def test_undo_refuses_when_someone_changed_the_row_since(db, doc):
    cid = codings.add_coding(
        Project.for_user(db, "onderzoeker"),
        coder="onderzoeker",
        code="verlies",
        origin="machine",
        segment_id=segment_ids(db, doc)[1],
    )
    accounts.add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    codings.add_coding(
        Project.for_user(db, "anna"), code="schaamte", segment_id=segment_ids(db, doc)[2]
    )
    codings.decide(Project.for_user(db, "anna"), cid, "rejected")
    with pytest.raises(InputError) as refused:
        undo_last(Project.for_user(db, "onderzoeker"))
    assert row(db, "codings", cid)["status"] == "rejected"
    # in words, not "(suggestion.add, number 1)"
    assert refused.value.message("en") == (
        "You can no longer undo a new suggestion: anna changed it afterwards."
    )


@pytest.fixture
def blocked(db, doc):
    """The researcher applied a code, then wrote a memo; anna edited that memo since."""
    me = Project.for_user(db, "onderzoeker")
    accounts.add_user(me, "anna", role="onderzoeker")
    coding = codings.add_coding(me, code="verlies", segment_id=segment_ids(db, doc)[1])
    memo = add_memo(me, target_type="coding", target_id=coding, text="Zijn vrouw is overleden.")
    update_memo(Project.for_user(db, "anna"), memo, text="Zijn vrouw en zijn broer.")
    return me, coding, memo


def test_a_blocked_last_action_is_named_with_who_changed_it_and_the_one_before_offered(db, blocked):
    """Undo only tried the newest action: refused as changed since, it kept the user from
    undoing anything older, and the refusal did not say by whom or that older ones exist."""
    me, coding, memo = blocked
    for _ in range(2):  # asked again, the same answer: nothing is undone behind the user's back
        with pytest.raises(InputError) as refused:
            undo_last(me)
        assert refused.value.key == "history.undo_blocked"
        assert refused.value.message("en") == (
            "You can no longer undo your new memo: anna changed it afterwards. You can still "
            "undo your action before it: the code you applied. What you just tried then stays "
            "as it is."
        )
    assert count(db) == 1 and row(db, "memos", memo)["text"] == "Zijn vrouw en zijn broer."
    assert count_undos(db) == 0  # trying the older one left nothing behind


def test_past_blocked_leaves_the_blocked_action_and_undoes_the_one_before(db, blocked):
    me, coding, memo = blocked
    undone = undo_last(me, past_blocked=True)
    assert (undone["action"], undone["entity_id"]) == ("coding.add", str(coding))
    assert [(a["action"], a["reason"].key) for a in undone["passed"]] == [
        ("memo.add", "history.undo_conflict_by")
    ]
    assert count(db) == 0
    assert row(db, "memos", memo)["text"] == "Zijn vrouw en zijn broer."  # anna's, untouched
    # the blocked memo is still the newest: refused with its own reason, nothing older is left
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.key == "history.undo_conflict_by"
    with pytest.raises(NotFound):
        undo_last(me, past_blocked=True)


def test_passing_over_never_undoes_an_older_action_on_a_row_changed_since(db, doc):
    """The older action (writing the memo) touched the row anna changed: it is blocked too,
    so passing over the newest one does not put back a text over anna's."""
    me = Project.for_user(db, "onderzoeker")
    accounts.add_user(me, "anna", role="onderzoeker")
    memo = add_memo(me, target_type="document", target_id=doc, text="eerste")
    update_memo(me, memo, text="tweede")
    update_memo(Project.for_user(db, "anna"), memo, text="derde")
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.message("nl") == (
        "Je kunt de wijziging in je memo niet meer ongedaan maken: anna heeft het daarna veranderd."
    )
    with pytest.raises(NotFound):
        undo_last(me, past_blocked=True)
    assert row(db, "memos", memo)["text"] == "derde" and count_undos(db) == 0


def count_undos(db):
    return db.execute("SELECT count(*) FROM events WHERE action = 'undo'").fetchone()[0]


def test_undo_of_a_coding_in_a_life_event_says_what_holds_it(db, doc):
    from workbench.life_events import create_event

    me = Project.for_user(db, "onderzoeker")
    cid = codings.add_coding(me, code="verlies", segment_id=segment_ids(db, doc)[1])
    accounts.add_user(me, "anna", role="onderzoeker")
    create_event(Project.for_user(db, "anna"), [cid])  # someone else's event holds it
    with pytest.raises(InputError) as refused:
        undo_last(me)
    assert refused.value.message("en") == (
        "This cannot be undone (the code you applied): the coding now belongs to an event in "
        "a life story (a proposal counts too). Take it out of the event first."
    )
    assert count(db) == 1


def test_history_of_a_document_and_of_a_code(db, doc):
    researcher = Project.for_user(db, "onderzoeker")
    cid = codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    add_memo(researcher, target_type="document", target_id=doc, text="notitie")
    undo_last(researcher)
    actions = [e["action"] for e in document_history(researcher, doc)]
    assert actions == ["undo", "memo.add", "coding.add"]
    events = code_history(researcher, codings.code_id(researcher, "verlies"))
    assert [e["action"] for e in events] == ["coding.add"] and events[0]["entity_id"] == str(cid)
    assert code_history(researcher, codings.code_id(researcher, "schaamte")) == []


def test_co_onderzoeker_cannot_read_history(db, doc):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "sanne", role="co-onderzoeker")
    with pytest.raises(PermissionDenied):
        document_history(Project.for_user(db, "sanne"), doc)


def test_history_of_an_imported_document_starts_with_its_import(db, nlp):
    from workbench.ingest import import_files

    report = import_files(
        Project.for_user(db, "onderzoeker"),
        [("gesprek.txt", "I: Hoe gaat het?\nR: Goed hoor.".encode())],
        nlp=nlp,
    )
    events = document_history(Project.for_user(db, "onderzoeker"), report.results[0].document_id)
    assert [(e["action"], e["actor"]) for e in events] == [("import.document", "onderzoeker")]


def snapshot(db) -> list[tuple]:
    return db.execute("SELECT * FROM codings ORDER BY id").fetchall()


def test_undo_of_a_merge_of_many_codings_puts_all_back(db):
    """A merge that moved 1,200 codings (and made one a duplicate) is undone whole: every
    coding as it was, in one undo. And it is all or nothing: when one coding deep in the run
    was changed since, the undo is refused and no coding moves. (One row at a time: 3.5 s
    for 5,000 codings, a rare action; a set-based undo took 1.3 s and was not worth its
    extra code.)"""
    ids = add_codes(db)
    doc = add_document(db, "R: " + "woord " * 300, name="lang.txt")
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "anna", role="onderzoeker")
    anna = Project.for_user(db, "anna")
    with db.conn:  # one transaction for the setup only: 1,200 codings, each logged
        made = [
            codings.add_coding(
                anna, code="verlies", document_id=doc, start_char=3 + i, end_char=8 + i
            )
            for i in range(1200)
        ]
    codings.add_coding(anna, code="schaamte", document_id=doc, start_char=3, end_char=8)
    add_memo(anna, target_type="code", target_id=ids["verlies"], text="Veel verlies.")
    before = snapshot(db)
    per_code = dict(db.execute("SELECT code_id, count(*) FROM codings GROUP BY code_id"))
    assert per_code == {ids["verlies"]: 1200, ids["schaamte"]: 1}

    merge_codes(researcher, "verlies", "schaamte", rationale="samen")
    merged = snapshot(db)
    assert dict(db.execute("SELECT code_id, count(*) FROM codings GROUP BY code_id")) == {
        ids["schaamte"]: 1200  # 1,199 moved, one was a duplicate of the one there
    }
    codings.set_life_time(anna, made[-1], year=1990, age=None)  # changed since, by anna
    with pytest.raises(InputError):
        undo_last(researcher)
    assert [r for r in snapshot(db) if r[0] != made[-1]] == [r for r in merged if r[0] != made[-1]]
    undo_last(anna)  # anna takes her change back: the merge can go back now

    undone = undo_last(researcher)
    assert undone["action"] == "codebook.merge"
    assert snapshot(db) == before
    logged = db.execute("SELECT count(*) FROM events WHERE action = 'undo'").fetchone()[0]
    assert logged == 1 + 1 + 1200 + 1  # anna's, the code, every coding, the memo
