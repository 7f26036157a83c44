import pytest

from workbench import access, accounts, codings
from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.patterns import framework_matrix
from workbench.privacy import apply_pseudonyms, candidates, pseudonymised_document, read_key
from workbench.privacy.backup import backup
from workbench.handle import Project
from privacy_support import add_codes, add_document, segment_ids
from workbench.handle import Project


@pytest.fixture
def team(db):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "sanne", role="co-onderzoeker")
    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    accounts.add_user(Project.for_user(db, "onderzoeker"), "anna", role="onderzoeker")
    return db


@pytest.fixture
def with_passwords(team):
    accounts.set_password(Project.for_user(team, "onderzoeker"), "onderzoeker", "onderzoek-123")
    accounts.set_password(Project.for_user(team, "onderzoeker"), "sanne", "geheim-123")
    return team


def test_passwords_are_stored_as_argon2_hashes(with_passwords):
    stored = with_passwords.execute(
        "SELECT password_hash FROM users WHERE name = 'sanne'"
    ).fetchone()[0]
    assert stored.startswith("$argon2") and "geheim-123" not in stored
    assert accounts.authenticate(with_passwords, "sanne", "geheim-123") == "sanne"


def test_wrong_password_and_unknown_user_give_the_same_error(with_passwords):
    with pytest.raises(PermissionDenied) as wrong:
        accounts.authenticate(with_passwords, "sanne", "fout-fout")
    with pytest.raises(PermissionDenied) as unknown:
        accounts.authenticate(with_passwords, "niemand", "fout-fout")
    assert wrong.value.key == unknown.value.key == "accounts.bad_login"


def test_default_account_logs_in_alone_until_someone_has_a_password(db):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "bram", role="supervisor")
    assert accounts.auto_login_user(db) == "onderzoeker"
    accounts.set_password(Project.for_user(db, "onderzoeker"), "onderzoeker", "onderzoek-123")
    accounts.set_password(Project.for_user(db, "bram"), "bram", "wachtwoord")
    assert accounts.auto_login_user(db) is None


@pytest.mark.parametrize("role", ["co-onderzoeker", "supervisor"])
def test_nobody_but_a_researcher_can_switch_login_on(db, role):
    """Login on while no researcher has a password would lock every researcher out."""
    accounts.add_user(Project.for_user(db, "onderzoeker"), "bram", role=role)
    with pytest.raises(InputError) as err:
        accounts.set_password(Project.for_user(db, "bram"), "bram", "wachtwoord")
    assert err.value.key == "accounts.researcher_password_first"
    assert accounts.auto_login_user(db) == "onderzoeker"  # nothing changed
    assert not any(u["has_password"] for u in accounts.list_users(db))


def test_the_last_researcher_with_a_password_keeps_it_while_others_log_in(team):
    accounts.set_password(Project.for_user(team, "onderzoeker"), "onderzoeker", "onderzoek-123")
    accounts.set_password(Project.for_user(team, "vera"), "vera", "supervisie-123")
    for change in (
        lambda: accounts.set_password(Project.for_user(team, "onderzoeker"), "onderzoeker", None),
        lambda: accounts.set_role(Project.for_user(team, "anna"), "onderzoeker", "supervisor"),
    ):
        with pytest.raises(InputError) as err:
            change()
        assert err.value.key == "accounts.researcher_password_first"
    assert accounts.authenticate(team, "onderzoeker", "onderzoek-123") == "onderzoeker"


def test_a_researcher_without_password_cannot_give_others_one(db):
    with pytest.raises(InputError) as err:
        accounts.add_user(
            Project.for_user(db, "onderzoeker"), "bram", role="supervisor", password="wachtwoord"
        )
    assert err.value.key == "accounts.own_password_first"


def test_default_account_stops_auto_login_once_it_has_a_password(db):
    accounts.set_password(Project.for_user(db, "onderzoeker"), "onderzoeker", "lang-genoeg")
    assert accounts.auto_login_user(db) is None
    assert accounts.authenticate(db, "onderzoeker", "lang-genoeg") == "onderzoeker"


def test_short_passwords_and_bad_roles_are_refused(db):
    with pytest.raises(InputError):
        accounts.add_user(
            Project.for_user(db, "onderzoeker"), "kim", role="co-onderzoeker", password="kort"
        )
    with pytest.raises(InputError):
        accounts.add_user(Project.for_user(db, "onderzoeker"), "kim", role="baas")


def test_the_last_onderzoeker_keeps_the_role(db):
    with pytest.raises(InputError):
        accounts.set_role(Project.for_user(db, "onderzoeker"), "onderzoeker", "supervisor")


def test_only_an_onderzoeker_manages_accounts(team):
    for actor in ("sanne", "vera"):
        with pytest.raises(PermissionDenied):
            accounts.add_user(Project.for_user(team, actor), "x" + actor, role="supervisor")
        with pytest.raises(PermissionDenied):
            accounts.set_role(Project.for_user(team, actor), "anna", "supervisor")
    accounts.set_password(Project.for_user(team, "onderzoeker"), "onderzoeker", "onderzoek-123")
    accounts.set_password(
        Project.for_user(team, "vera"), "vera", "nieuw-wachtwoord"
    )  # own password: fine


def test_account_events_never_hold_the_password(with_passwords):
    logged = " ".join(r[0] or "" for r in with_passwords.execute("SELECT after FROM events"))
    assert "geheim" not in logged and "argon2" not in logged


def test_co_onderzoeker_may_not_code_read_key_export_or_backup(team, tmp_path):
    add_codes(team)
    doc = add_document(team)
    seg = segment_ids(team, doc)[1]
    with pytest.raises(PermissionDenied):
        codings.add_coding(Project.for_user(team, "sanne"), code="verlies", segment_id=seg)
    with pytest.raises(PermissionDenied):
        read_key(Project.for_user(team, "sanne"))
    with pytest.raises(PermissionDenied):
        pseudonymised_document(Project.for_user(team, "sanne"), doc)
    with pytest.raises(PermissionDenied):
        backup(Project.for_user(team, "sanne"), tmp_path / "copy.db")
    for action in ("export", "attributes.view", "pseudonym.key", "read"):
        assert not access.can(team, "sanne", action)


def test_supervisor_reads_but_may_not_change_others_codings(team):
    add_codes(team)
    seg = segment_ids(team, add_document(team))[1]
    coding = codings.add_coding(Project.for_user(team, "anna"), code="verlies", segment_id=seg)
    pseudonymised_document(Project.for_user(team, "vera"), 1)
    with pytest.raises(PermissionDenied):
        codings.remove_coding(Project.for_user(team, "vera"), coding)
    with pytest.raises(PermissionDenied):
        codings.add_coding(
            Project.for_user(team, "vera"), coder="anna", code="schaamte", segment_id=seg
        )
    with pytest.raises(PermissionDenied):
        candidates(Project.for_user(team, "vera"))
    with pytest.raises(PermissionDenied):
        apply_pseudonyms(Project.for_user(team, "vera"))
    assert codings.add_coding(Project.for_user(team, "vera"), code="schaamte", segment_id=seg)
    assert framework_matrix(Project.for_user(team, "vera")).loc[:, "verlies"].sum() == 1


def test_pages_follow_the_permission_table(team):
    assert access.visible_pages(team, "sanne") == ["workshop"]
    assert "privacy" in access.visible_pages(team, "vera")
    assert "workshop" not in access.visible_pages(team, "vera")
    assert set(access.visible_pages(team, "anna")) == set(access.PAGE_ACTIONS)


FORBIDDEN = {
    "co-onderzoeker": [
        "code",
        "decide",
        "memo",
        "import",
        "export",
        "codebook",
        "key",
        "names",
        "history",
        "users",
        "backup",
        "assign",
        "patterns",
        "quotes",
    ],
    "supervisor": ["import", "codebook", "key", "names", "users", "assign"],
}


def attempt_action(db, actor, what, tmp_path):
    from workbench.codebook.editing import edit_code
    from workbench.exchange import export_project
    from workbench.history import document_history
    from workbench.ingest import import_files
    from workbench.memos import add_memo
    from workbench.patterns import quotes
    from workbench.privacy.workshop import assign_fragments

    seg = segment_ids(db, 1)[1]
    calls = {
        "code": lambda: codings.add_coding(
            Project.for_user(db, actor), code="verlies", segment_id=seg
        ),
        "decide": lambda: codings.decide(Project.for_user(db, actor), 1, "accepted"),
        "memo": lambda: add_memo(
            Project.for_user(db, actor), target_type="document", target_id=1, text="x"
        ),
        "import": lambda: import_files(Project.for_user(db, actor), [("a.txt", b"R: hallo")]),
        "export": lambda: export_project(
            Project.for_user(db, actor), tmp_path / "e.csv", format="csv"
        ),
        "codebook": lambda: edit_code(
            Project.for_user(db, actor), "verlies", rationale="r", brief="b"
        ),
        "key": lambda: read_key(Project.for_user(db, actor)),
        "names": lambda: candidates(Project.for_user(db, actor)),
        "history": lambda: document_history(Project.for_user(db, actor), 1),
        "users": lambda: accounts.add_user(Project.for_user(db, actor), "nieuw", role="supervisor"),
        "backup": lambda: backup(Project.for_user(db, actor), tmp_path / "b.db"),
        "assign": lambda: assign_fragments(
            Project.for_user(db, actor), co_researcher="sanne", segment_ids=[seg]
        ),
        "patterns": lambda: framework_matrix(Project.for_user(db, actor)),
        "quotes": lambda: quotes(Project.for_user(db, actor), ["schaamte"]),
    }
    calls[what]()


@pytest.mark.parametrize("role, what", [(r, w) for r, ws in FORBIDDEN.items() for w in ws])
def test_each_forbidden_action_is_refused_by_the_package(team, tmp_path, role, what):
    add_codes(team)
    add_document(team)
    codings.add_coding(
        Project.for_user(team, "anna"),
        code="schaamte",
        segment_id=segment_ids(team, 1)[2],
        origin="machine",
    )
    actor = {"co-onderzoeker": "sanne", "supervisor": "vera"}[role]
    with pytest.raises(PermissionDenied):
        attempt_action(team, actor, what, tmp_path)


def test_a_refusal_says_in_words_what_the_role_may_not_do(team):
    with pytest.raises(PermissionDenied) as refused:
        access.require(team, "vera", "codebook.edit")
    assert refused.value.message("nl") == (
        "'vera' heeft de rol supervisor en mag dit niet: het codeboek veranderen."
    )
    assert refused.value.message("en") == (
        "'vera' has the role supervisor and may not change the codebook."
    )


def test_a_supervisor_asking_for_real_names_is_told_to_take_the_pseudonymised_version(team):
    with pytest.raises(PermissionDenied) as refused:
        access.require_original_text(team, "vera")
    for lang in ("nl", "en"):
        assert "--pseudonymise" in refused.value.message(lang)
        assert "pseudonym.key" not in refused.value.message(lang)
