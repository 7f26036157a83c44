import pytest

from workbench import access, accounts, codings
from workbench.errors import InputError, PermissionDenied
from workbench.privacy import apply_pseudonyms, candidates, pseudonymised_document, read_key
from workbench.privacy.backup import backup
from privacy_support import add_codes, add_document, segment_ids


@pytest.fixture
def team(db):
    accounts.set_password(db, "onderzoeker", "onderzoek-123", actor="onderzoeker")
    accounts.add_user(db, "sanne", role="co-onderzoeker", password="geheim-123", actor="onderzoeker")
    accounts.add_user(db, "vera", role="supervisor", password="geheim-456", actor="onderzoeker")
    accounts.add_user(db, "anna", role="onderzoeker", actor="onderzoeker")
    return db


def test_passwords_are_stored_as_argon2_hashes(team):
    stored = team.execute("SELECT password_hash FROM users WHERE name = 'sanne'").fetchone()[0]
    assert stored.startswith("$argon2") and "geheim-123" not in stored
    assert accounts.authenticate(team, "sanne", "geheim-123") == "sanne"


def test_wrong_password_and_unknown_user_give_the_same_error(team):
    with pytest.raises(PermissionDenied) as wrong:
        accounts.authenticate(team, "sanne", "fout-fout")
    with pytest.raises(PermissionDenied) as unknown:
        accounts.authenticate(team, "niemand", "fout-fout")
    assert wrong.value.key == unknown.value.key == "accounts.bad_login"


def test_default_account_logs_in_alone_until_someone_has_a_password(db):
    accounts.add_user(db, "bram", role="supervisor", actor="onderzoeker")
    assert accounts.auto_login_user(db) == "onderzoeker"
    accounts.set_password(db, "bram", "wachtwoord", actor="bram")
    assert accounts.auto_login_user(db) is None


def test_a_researcher_without_password_cannot_give_others_one(db):
    with pytest.raises(InputError) as err:
        accounts.add_user(db, "bram", role="supervisor", password="wachtwoord", actor="onderzoeker")
    assert err.value.key == "accounts.own_password_first"


def test_default_account_stops_auto_login_once_it_has_a_password(db):
    accounts.set_password(db, "onderzoeker", "lang-genoeg", actor="onderzoeker")
    assert accounts.auto_login_user(db) is None
    assert accounts.authenticate(db, "onderzoeker", "lang-genoeg") == "onderzoeker"


def test_short_passwords_and_bad_roles_are_refused(db):
    with pytest.raises(InputError):
        accounts.add_user(db, "kim", role="co-onderzoeker", password="kort", actor="onderzoeker")
    with pytest.raises(InputError):
        accounts.add_user(db, "kim", role="baas", actor="onderzoeker")


def test_the_last_onderzoeker_keeps_the_role(db):
    with pytest.raises(InputError):
        accounts.set_role(db, "onderzoeker", "supervisor", actor="onderzoeker")


def test_only_an_onderzoeker_manages_accounts(team):
    for actor in ("sanne", "vera"):
        with pytest.raises(PermissionDenied):
            accounts.add_user(team, "x" + actor, role="supervisor", actor=actor)
        with pytest.raises(PermissionDenied):
            accounts.set_role(team, "anna", "supervisor", actor=actor)
    accounts.set_password(team, "vera", "nieuw-wachtwoord", actor="vera")  # own password: fine


def test_account_events_never_hold_the_password(team):
    logged = " ".join(r[0] or "" for r in team.execute("SELECT after FROM events"))
    assert "geheim" not in logged and "argon2" not in logged


def test_co_onderzoeker_may_not_code_read_key_export_or_backup(team, tmp_path):
    add_codes(team)
    doc = add_document(team)
    seg = segment_ids(team, doc)[1]
    with pytest.raises(PermissionDenied):
        codings.add_coding(team, coder="sanne", code="verlies", segment_id=seg)
    with pytest.raises(PermissionDenied):
        read_key(team, actor="sanne")
    with pytest.raises(PermissionDenied):
        pseudonymised_document(team, doc, actor="sanne")
    with pytest.raises(PermissionDenied):
        backup(team, tmp_path / "copy.db", actor="sanne")
    for action in ("export", "attributes.view", "pseudonym.key", "read"):
        assert not access.can(team, "sanne", action)


def test_supervisor_reads_but_may_not_change_others_codings(team):
    add_codes(team)
    seg = segment_ids(team, add_document(team))[1]
    coding = codings.add_coding(team, coder="anna", code="verlies", segment_id=seg)
    pseudonymised_document(team, 1, actor="vera")
    with pytest.raises(PermissionDenied):
        codings.remove_coding(team, coding, actor="vera")
    with pytest.raises(PermissionDenied):
        codings.add_coding(team, coder="anna", code="schaamte", segment_id=seg, actor="vera")
    with pytest.raises(PermissionDenied):
        candidates(team, actor="vera")
    with pytest.raises(PermissionDenied):
        apply_pseudonyms(team, actor="vera")
    assert codings.add_coding(team, coder="vera", code="schaamte", segment_id=seg)


def test_pages_follow_the_permission_table(team):
    assert access.visible_pages(team, "sanne") == ["workshop"]
    assert "privacy" in access.visible_pages(team, "vera")
    assert "workshop" not in access.visible_pages(team, "vera")
    assert set(access.visible_pages(team, "anna")) == set(access.PAGE_ACTIONS)
