import io
import json

import pytest

from workbench import accounts, codings
from workbench.cli import build_parser, main
from workbench.handle import Project
from workbench.store import open_project
from privacy_support import add_codes, add_document, segment_ids


@pytest.fixture
def project(db, project_path):
    add_codes(db)
    add_document(db)
    db.close()
    return str(project_path)


def candidates_json(project, capsys, *extra):
    assert main(["pseudonymise", "--project", project, "--json", *extra]) == 0
    return {c["original"]: c for c in json.loads(capsys.readouterr().out)}


def test_pseudonymise_lists_candidates_with_numbers(project, capsys):
    assert main(["pseudonymise", "--project", project]) == 0
    out = capsys.readouterr().out
    assert "  1. " in out and "Zwolle (place" in out


def test_pseudonymise_accepts_by_number_and_by_replacement(project, capsys):
    listed = list(candidates_json(project, capsys))
    number = listed.index("Zwolle") + 1
    found = candidates_json(project, capsys, "--accept", str(number), "--replacement", "Kees=Karel")
    assert found["Zwolle"]["replacement"] == "[Plaats 1]"
    assert found["Kees"]["replacement"] == "Karel" and found["Kees"]["status"] == "accepted"
    db = open_project(project)
    assert db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0] == 2


def test_pseudonymise_review_reads_answers(project, capsys, monkeypatch):
    first = next(iter(candidates_json(project, capsys)))
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    found = candidates_json(project, capsys, "--review")
    assert found[first]["status"] == "rejected"


def test_bad_accept_numbers_are_an_error(project, capsys):
    assert main(["pseudonymise", "--project", project, "--accept", "999"]) == 1
    assert "999" in capsys.readouterr().err


def test_users_add_list_role_and_passwd(project, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("mijn-eigen-wachtwoord\n"))
    assert main(["users", "passwd", "onderzoeker", "--project", project, "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    assert (
        main(
            [
                "users",
                "add",
                "sanne",
                "--role",
                "co-onderzoeker",
                "--project",
                project,
                "--password-stdin",
            ]
        )
        == 0
    )
    assert main(["users", "role", "sanne", "supervisor", "--project", project]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--project", project, "--json"]) == 0
    users = {u["name"]: u for u in json.loads(capsys.readouterr().out)}
    assert users["sanne"] == {**users["sanne"], "role": "supervisor", "has_password": True}
    assert (
        main(
            [
                "users",
                "add",
                "piet",
                "--role",
                "supervisor",
                "--project",
                project,
                "--user",
                "sanne",
            ]
        )
        == 1
    )


def test_users_list_has_headers_and_the_role_names_people_read(project, capsys):
    """Not "onderzoeker" in English, nor bare tab-separated values without a header: the same
    words for a role as the app's accounts table; --json keeps the stored role for scripts."""
    db = open_project(project)
    researcher = Project.for_user(db, "onderzoeker")
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    accounts.add_user(researcher, "vera", role="supervisor")
    db.close()
    capsys.readouterr()
    assert main(["users", "list", "--project", project]) == 0
    dutch = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert dutch[0] == ["Naam", "Rol", "Wachtwoord"]
    assert [row[:2] for row in dutch[1:]] == [
        ["onderzoeker", "onderzoeker"],
        ["sanne", "co-onderzoeker"],
        ["vera", "supervisor"],
    ]
    assert main(["--lang", "en", "users", "list", "--project", project]) == 0
    lines = capsys.readouterr().out.splitlines()
    english = [line.split() for line in lines]
    assert english[0] == ["Name", "Role", "Password"]
    assert [row[:2] for row in english[1:]] == [
        ["onderzoeker", "researcher"],
        ["sanne", "co-researcher"],
        ["vera", "supervisor"],
    ]
    assert "onderzoeker" not in " ".join(row[1] for row in english[1:])
    # the columns line up under their headers
    assert len({line.index(row[1]) for line, row in zip(lines, english)}) == 1
    assert main(["users", "list", "--project", project, "--json"]) == 0
    stored = {u["name"]: u["role"] for u in json.loads(capsys.readouterr().out)}
    assert stored == {"onderzoeker": "onderzoeker", "sanne": "co-onderzoeker", "vera": "supervisor"}


def test_history_and_undo_commands(project, capsys):
    db = open_project(project)
    codings.add_coding(
        Project.for_user(db, "onderzoeker"), code="verlies", segment_id=segment_ids(db, 1)[1]
    )
    db.close()
    assert main(["undo", "--project", project, "--user", "onderzoeker"]) == 0
    assert main(["history", "--project", project, "--code", "verlies"]) == 0
    out = capsys.readouterr().out
    assert "code toegevoegd" in out and "coding.add" not in out
    (added,) = [line for line in out.splitlines() if "  code toegevoegd  " in line]
    assert added.endswith("  ja")  # undone, in the column "Ongedaan gemaakt"
    (undo,) = [line for line in out.splitlines() if "ongedaan gemaakt  " in line]
    assert "code toegevoegd (door onderzoeker)" in undo  # what the undo took back, and whose
    assert main(["undo", "--project", project, "--user", "onderzoeker"]) == 1


def test_every_privacy_command_has_help():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name in ("backup", "restore", "pseudonymise", "users", "history", "undo"):
        assert commands[name].format_help()
        assert commands[name].description or parser._subparsers._group_actions[0]._choices_actions


def test_a_kind_for_a_name_nobody_decided_on_is_said_not_dropped(project, capsys):
    """A kind is stored with a decision; for an undecided name --kind did nothing, unsaid."""
    assert main(["pseudonymise", "--project", project, "--kind", "Zwolle=organisation"]) == 0
    err = capsys.readouterr().err
    assert "--kind niet gebruikt voor Zwolle" in err and "--accept of --replacement" in err
    found = candidates_json(
        project, capsys, "--replacement", "Zwolle=Stad", "--kind", "Zwolle=organisation"
    )
    assert found["Zwolle"]["kind"] == "organisation" and found["Zwolle"]["status"] == "accepted"
    assert "--kind niet gebruikt" not in capsys.readouterr().err
