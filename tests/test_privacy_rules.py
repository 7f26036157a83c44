"""Issue 20: names in any case, unapplied decisions, a missing key, crash leftovers, roles.

Real project files and the real exporters; the interview text is fictional
(tests/privacy_support.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import accounts, codings, memos
from workbench.cli import main
from workbench.codebook.export import export_codebook
from workbench.documents import list_documents
from workbench.errors import InputError, PermissionDenied
from workbench.exchange import codings_table, export_project
from workbench.handle import Project
from workbench.privacy import (
    apply_pseudonyms,
    candidates,
    decide,
    documents_not_checked,
    key_file,
    pseudonymise_free_text,
    pseudonymised_document,
)
from workbench.privacy.key import load_key
from workbench.privacy.workshop import assign_fragments, assignments
from workbench.projects import open_in_folder, path_in_folder
from workbench.store import get_setting, set_setting
from workbench.handle import Project
from privacy_support import INTERVIEW, add_codes, add_document, segment_ids
from workbench.handle import Project


def accept_the_rest(researcher: Project) -> None:
    """Accept every possible name nobody decided on: a pseudonymised export waits for them."""
    for cand in candidates(researcher):
        if cand["status"] == "new":
            decide(researcher, cand["original"], accept=True, kind=cand["kind"])


@pytest.fixture
def team(db):
    accounts.add_user(Project.for_user(db, "onderzoeker"), "sanne", role="co-onderzoeker")
    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    return db


def test_names_are_replaced_in_any_case_and_inside_joined_words(db):
    researcher = Project.for_user(db, "onderzoeker")
    doc = add_document(
        db,
        INTERVIEW + "\nR: KEES zei het, en kees_de_vries ook. Keesje niet.",
        name="R01-kees-zwolle.txt",
    )
    decide(researcher, "Kees", accept=True)
    decide(researcher, "Zwolle", accept=True, kind="place")
    text = pseudonymised_document(researcher, doc).text
    assert "[Naam 1] zei het, en [Naam 1]_de_vries ook. Keesje niet." in text
    assert "kees" not in text.lower().replace("keesje", "")
    assert pseudonymise_free_text(researcher, "R01-kees-ZWOLLE") == "R01-[Naam 1]-[Plaats 1]"


def test_multiword_names_match_across_spaces_underscores_and_dashes(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Jan de Vries", accept=True)
    assert (
        pseudonymise_free_text(researcher, "jan_de_vries en JAN-DE VRIES") == "[Naam 1] en [Naam 1]"
    )


def test_an_unapplied_decision_blocks_a_pseudonymised_export(db, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db)
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    apply_pseudonyms(researcher)
    decide(researcher, "Kees", accept=True, apply=False)  # killed before applying
    assert documents_not_checked(researcher) == [doc]
    for fmt in ("qdpx", "csv", "xlsx"):
        with pytest.raises(InputError) as err:
            export_project(researcher, tmp_path / f"uit.{fmt}", format=fmt)
        assert err.value.key == "privacy.not_applied"
        assert not (tmp_path / f"uit.{fmt}").exists()
    apply_pseudonyms(researcher)
    assert documents_not_checked(researcher) == []
    accept_the_rest(researcher)
    frame = codings_table(researcher)
    assert "Kees" not in frame.to_csv()


def test_an_export_without_any_reviewed_name_says_so(db, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db)
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    report = export_project(researcher, tmp_path / "uit.csv", format="csv")
    assert [w["key"] for w in report.warnings] == ["privacy.warn.not_pseudonymised"]
    assert "Niet gepseudonimiseerd" in report.text("nl")
    decide(researcher, "Kees", accept=True)
    accept_the_rest(researcher)
    report = export_project(researcher, tmp_path / "uit.csv", format="csv")
    assert [w["key"] for w in report.warnings] == ["exchange.warn.pseudonymised"]


def test_without_the_key_nothing_is_dropped_and_exports_still_replace(db, tmp_path):
    researcher = Project.for_user(db, "onderzoeker")
    add_codes(db)
    doc = add_document(db, name="kees-interview.txt")
    codings.add_coding(researcher, code="verlies", segment_id=segment_ids(db, doc)[1])
    memos.add_memo(
        researcher,
        target_type="project",
        target_id=None,
        text="Kees klinkt eenzaam.",
    )
    decide(researcher, "Kees", accept=True)
    accept_the_rest(researcher)
    spans = db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0]
    key_file(db).unlink()  # kept apart, as the docs advise
    with pytest.raises(InputError) as err:
        apply_pseudonyms(researcher)
    assert err.value.key == "privacy.key_missing" and str(key_file(db)) in err.value.message()
    with pytest.raises(InputError):
        decide(researcher, "Zwolle", accept=True, apply=False)
    assert not key_file(db).exists()  # no fresh key that would later drop the others
    project = str(Path(db.execute("PRAGMA database_list").fetchone()[2]))
    assert main(["pseudonymise", "--project", project]) == 1  # was: "0 new, N removed"
    assert db.execute("SELECT count(*) FROM pseudonym_spans").fetchone()[0] == spans
    out = tmp_path / "uit.qdpx"
    export_project(researcher, out, format="qdpx")
    import zipfile

    with zipfile.ZipFile(out) as zf:
        everything = b" ".join(zf.read(n) for n in zf.namelist()).decode()
    assert "kees" not in everything.lower() and "[Naam 1]-interview" in everything


def test_a_crash_leaves_no_key_copy_and_no_decision_without_its_event(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    key = key_file(db)
    copy = key.with_name(key.name + "abc123.tmp")  # what save_key leaves when killed
    copy.write_text(key.read_text())
    data = json.loads(key.read_text())  # a decision that reached the key but not the log
    data["entries"].append(
        {
            "original": "Zwolle",
            "kind": "place",
            "status": "accepted",
            "replacement": "[Plaats 1]",
            "decided_by": "onderzoeker",
            "decided_at": "2026-12-04T10:00:00.000+00:00",
        }
    )
    key.write_text(json.dumps(data))
    assert documents_not_checked(researcher)  # Zwolle is accepted but not marked
    apply_pseudonyms(researcher)
    assert not copy.exists()
    logged = [
        json.loads(a)
        for (a,) in db.execute("SELECT after FROM events WHERE action = 'pseudonym.decide'")
    ]
    assert {"replacement": "[Plaats 1]", "recovered": True}.items() <= logged[-1].items()
    assert len(logged) == len(load_key(key).entries)
    assert documents_not_checked(researcher) == []


def test_key_and_its_lock_are_readable_by_the_owner_only(db):
    add_document(db)
    decide(Project.for_user(db, "onderzoeker"), "Kees", accept=True)
    key = key_file(db)
    assert key.stat().st_mode & 0o777 == 0o600
    assert key.with_name(key.name + ".lock").stat().st_mode & 0o777 == 0o600


def test_a_replacement_may_not_hold_a_name(db):
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    decide(researcher, "Kees", accept=True)
    for replacement in ("Kees", "meneer kees", "Zwolle-Kees"):
        with pytest.raises(InputError) as err:
            decide(researcher, "Zwolle", accept=True, replacement=replacement)
        assert err.value.key == "privacy.replacement_is_a_name"


def test_settings_need_the_right_role(team):
    with pytest.raises(PermissionDenied):
        set_setting(team, "analysis_speakers", "all", actor="vera")
    with pytest.raises(PermissionDenied):
        set_setting(team, "blind_coding", False, actor="sanne")
    set_setting(team, "blind_coding", True, actor="vera")  # supervisors run samples
    set_setting(team, "analysis_speakers", "all", actor="onderzoeker")
    assert get_setting(team, "analysis_speakers") == "all" and get_setting(team, "blind_coding")


def test_reads_of_codings_memos_documents_and_the_codebook_check_the_role(team, tmp_path):
    add_codes(team)
    doc = add_document(team)
    codings.add_coding(
        Project.for_user(team, "onderzoeker"), code="verlies", segment_id=segment_ids(team, doc)[1]
    )
    for read in (
        lambda u: codings.list_codings(Project.for_user(team, u)),
        lambda u: memos.list_memos(Project.for_user(team, u)),
        lambda u: list_documents(Project.for_user(team, u)),
        lambda u: export_codebook(Project.for_user(team, u), tmp_path / f"{u}.md", format="md"),
    ):
        with pytest.raises(PermissionDenied):
            read("sanne")
        read("vera")
    assert not (tmp_path / "sanne.md").exists()
    assert codings.list_codings(Project.for_user(team, "vera"))[0]["code"] == "verlies"


def test_only_researchers_open_projects_and_only_inside_the_folder(team, tmp_path):
    folder = tmp_path / "projecten"
    folder.mkdir()
    with pytest.raises(PermissionDenied):
        open_in_folder(Project.for_user(team, "vera"), folder, "ander")
    for bad in (
        "../ander.db",
        "/nonexistent_dir/x.db",
        "sub/x.db",
        "~/x.db",
        ".verborgen",
        "..",
        "C:\\x.db",
        "",
    ):
        with pytest.raises(InputError):
            open_in_folder(Project.for_user(team, "onderzoeker"), folder, bad)
    assert not Path("/nonexistent_dir").exists()
    assert sorted(p.name for p in folder.iterdir()) == []
    path, created = open_in_folder(Project.for_user(team, "onderzoeker"), folder, "ander")
    assert (path, created) == (folder / "ander.db", True)
    assert open_in_folder(Project.for_user(team, "onderzoeker"), folder, "ander.db") == (
        path,
        False,
    )
    assert path_in_folder(folder, "x") == folder / "x.db"


def test_original_quotes_follow_the_export_rule(team, tmp_path):
    add_codes(team)
    doc = add_document(team)
    codings.add_coding(
        Project.for_user(team, "onderzoeker"), code="verlies", segment_id=segment_ids(team, doc)[1]
    )
    decide(Project.for_user(team, "onderzoeker"), "Kees", accept=True)
    accept_the_rest(Project.for_user(team, "onderzoeker"))
    project = str(Path(team.execute("PRAGMA database_list").fetchone()[2]))
    base = ["patterns", "quotes", "--project", project, "--code", "verlies"]
    assert main([*base, "--user", "vera", "--output", str(tmp_path / "a.csv")]) == 1
    assert (
        main(
            [
                "export",
                "--project",
                project,
                "--user",
                "vera",
                "--original-text",
                "--format",
                "csv",
                "--output",
                str(tmp_path / "b.csv"),
            ]
        )
        == 1
    )
    assert (
        main([*base, "--user", "vera", "--pseudonymise", "--output", str(tmp_path / "c.csv")]) == 0
    )
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert "[Naam 1]" in text and "Kees" not in text
    assert main([*base, "--output", str(tmp_path / "d.csv")]) == 0  # researcher: originals


def test_a_fragment_label_instead_of_its_id_gets_a_message_not_a_crash(team):
    researcher = Project.for_user(team, "onderzoeker")
    doc = add_document(team)
    apply_pseudonyms(researcher)
    stale = "2. R: Sinds Kees overleed woon ik alleen in Zwolle."
    with pytest.raises(InputError) as err:
        assign_fragments(
            researcher,
            co_researcher="sanne",
            segment_ids=[segment_ids(team, doc)[0], stale],
        )
    assert err.value.key == "workshop.fragment_changed"
    assert assignments(researcher) == []
