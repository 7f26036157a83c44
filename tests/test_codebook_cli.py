"""``workbench codebook``: validate, import (yaml and qdc), export, list, edit."""

from __future__ import annotations

import pytest

import json
import sqlite3

import docx

from built_once import codebook
from workbench import codebook as cb
from workbench.cli import build_parser, main
from workbench.projects import create_project

N_DEFAULT = len(codebook(cb.DEFAULT_CODEBOOK).codes)
N_SOCIAL = len(codebook(cb.SOCIAL_QUALITY_CODEBOOK).codes)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_shipped_codebook_strictly_against_seeds(capsys, seeds):
    code, out, _ = run(
        capsys, "codebook", "validate", cb.DEFAULT_CODEBOOK, "--strict", "--seeds", seeds
    )
    assert code == 0 and f"{N_DEFAULT} codes" in out


def test_validate_reports_file_code_and_field(capsys, tmp_path):
    bad = tmp_path / "kapot.yaml"
    bad.write_text(
        'name: X\nversion: "1"\ncodes:\n  - {id: a, name: A, color: rood}\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "--lang", "en", "codebook", "validate", bad)
    assert code == 1
    assert err.startswith("Error: kapot.yaml, line 4, code a, field 'color'")


def test_validate_lists_quotes_missing_from_seeds(capsys, tmp_path, seeds):
    book = tmp_path / "b.yaml"
    book.write_text(
        'name: X\nversion: "1"\ncodes:\n  - {id: a, name: A, source: {file: '
        '001_e3a3822463fe73be.txt, quote: "staat er niet in"}}\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "codebook", "validate", book, "--seeds", seeds)
    assert code == 1 and "code a" in out and "001_e3a3822463fe73be.txt" in out


def test_import_yaml_then_list_as_json(capsys, tmp_path):
    project = tmp_path / "p.db"
    assert (
        run(capsys, "codebook", "import", cb.SOCIAL_QUALITY_CODEBOOK, "--project", project)[0] == 0
    )
    code, out, _ = run(capsys, "codebook", "list", "--project", project, "--json")
    slugs = [n["slug"] for n in json.loads(out)]
    assert code == 0 and slugs[0] == "sociale-empowerment" and len(slugs) == N_SOCIAL


def test_export_every_format(capsys, tmp_path):
    project = tmp_path / "p.db"
    create_project(project).close()
    for ext in ("yaml", "md", "docx", "qdc"):
        out = tmp_path / f"codeboek.{ext}"
        assert run(capsys, "codebook", "export", "--project", project, "--output", out)[0] == 0
        assert out.stat().st_size > 1000
    assert len(cb.load_codebook(tmp_path / "codeboek.yaml").codes) == N_DEFAULT
    assert docx.Document(str(tmp_path / "codeboek.docx")).paragraphs[0].text.startswith("De ")


def test_qdc_round_trip_keeps_the_tree(capsys, tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    create_project(first).close()
    run(capsys, "codebook", "export", "--project", first, "--output", tmp_path / "c.qdc")
    assert run(capsys, "codebook", "import", tmp_path / "c.qdc", "--project", second)[0] == 0
    _, out, _ = run(capsys, "codebook", "list", "--project", second, "--json")
    nodes = json.loads(out)
    names = {n["slug"]: n["name"] for n in nodes}
    parents = {n["name"]: names.get(n["parent"]) for n in nodes}
    assert parents["Verlies van woning"] == "Verlieservaring" and len(parents) == N_DEFAULT


def test_merge_and_log_from_the_command_line(capsys, tmp_path):
    project = tmp_path / "p.db"
    create_project(project).close()
    code, out, _ = run(
        capsys,
        "codebook",
        "merge",
        "stigma",
        "schaamte",
        "--why",
        "in de interviews niet te scheiden",
        "--project",
        project,
    )
    assert code == 0 and "stigma" in out
    _, log, _ = run(capsys, "codebook", "log", "--project", project)
    assert "in de interviews niet te scheiden" in log.splitlines()[1]  # under the header


def test_export_says_which_merged_codes_it_leaves_out(capsys, tmp_path):
    """A merged code is left out of the file by design, but the output did not say so."""
    project = tmp_path / "p.db"
    create_project(project).close()
    out_file = tmp_path / "codeboek.yaml"
    export = ["codebook", "export", "--project", project, "--output", out_file]
    assert "samengevoegd" not in run(capsys, *export)[1].lower()  # nothing merged yet
    run(capsys, "codebook", "merge", "stigma", "schaamte", "--why", "één", "--project", project)
    code, out, _ = run(capsys, "--lang", "en", *export)
    assert code == 0
    assert (
        "Merged codes are not in the file: 1 code. Their codings now belong to the code after "
        "the arrow: Stigma en vooroordelen → Schaamte en taboe."
    ) in out
    assert len(cb.load_codebook(out_file).codes) == N_DEFAULT - 1


def test_a_qdc_export_names_a_merged_code_once_with_where_it_went(capsys, tmp_path):
    """The exchange report and the codebook export's own note both named it."""
    project = tmp_path / "p.db"
    create_project(project).close()
    run(capsys, "codebook", "merge", "stigma", "schaamte", "--why", "één", "--project", project)
    out_file = tmp_path / "codeboek.qdc"
    export = ["codebook", "export", "--project", project, "--output", out_file]
    code, out, _ = run(capsys, *export, "--format", "qdc")
    assert code == 0
    assert out.count("Stigma en vooroordelen") == 1 and "samengevoegd" in out
    assert "Samengevoegde codes staan niet in het bestand" not in out  # the note, again
    assert "Stigma en vooroordelen → Schaamte en taboe" in out
    assert "Stigma en vooroordelen → Schaamte en taboe" in (
        tmp_path / "codeboek.qdc.dataloss.txt"
    ).read_text(encoding="utf-8")


def test_rename_and_move_say_what_was_done(capsys, tmp_path):
    """Both said "aangepast" (changed); the change log says "nieuwe naam" and "verplaatst"."""
    project = tmp_path / "p.db"
    create_project(project).close()
    edit = ["--why", "nodig", "--project", project]
    _, out, _ = run(capsys, "codebook", "rename", "schaamte", "Schaamte en schuld", *edit)
    assert out == "Code 'schaamte' heeft een nieuwe naam: 'Schaamte en schuld'.\n"
    _, out, _ = run(
        capsys, "--lang", "en", "codebook", "move", "stigma", "--parent", "schaamte", *edit
    )
    assert out == "Code 'stigma' was moved: it now falls under 'schaamte'.\n"
    _, out, _ = run(capsys, "codebook", "move", "stigma", "--top", *edit)
    assert out == "Code 'stigma' is verplaatst naar bovenaan: hij valt nu onder geen andere code.\n"
    _, log, _ = run(capsys, "codebook", "log", "--project", project)
    assert "nieuwe naam" in log and "verplaatst" in log


def test_edits_require_a_reason(capsys, tmp_path):
    try:
        main(["codebook", "rename", "schaamte", "Schaamte", "--project", str(tmp_path / "p.db")])
    except SystemExit as exc:
        assert exc.code == 2
    assert "--why" in capsys.readouterr().err


def test_every_codebook_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["codebook"]
    commands = next(a for a in sub._actions if a.dest == "codebook_command").choices
    assert {
        "validate",
        "init",
        "import",
        "export",
        "list",
        "log",
        "add",
        "rename",
        "move",
        "merge",
        "split",
        "remove",
    } <= set(commands)
    for name, command in commands.items():
        assert command.description, name


def test_init_chooses_combines_or_starts_empty(capsys, tmp_path):
    run(capsys, "codebook", "init", "--project", tmp_path / "a.db")
    run(capsys, "codebook", "init", "--project", tmp_path / "b.db", "--empty")
    code, out, _ = run(
        capsys,
        "codebook",
        "init",
        "--project",
        tmp_path / "c.db",
        "--codebook",
        "sociale-kwaliteit",
        "--codebook",
        cb.DEFAULT_CODEBOOK,
    )
    assert code == 0 and f"{N_DEFAULT + N_SOCIAL} codes" in out
    for name, n in (("a.db", N_DEFAULT), ("b.db", 0), ("c.db", N_DEFAULT + N_SOCIAL)):
        _, listed, _ = run(capsys, "codebook", "list", "--project", tmp_path / name, "--json")
        assert len(json.loads(listed)) == n


def test_remove_an_unused_codebook(capsys, tmp_path):
    project = tmp_path / "p.db"
    create_project(project).close()
    code, out, _ = run(
        capsys,
        "codebook",
        "remove",
        "De binnenkant van sociaal isolement",
        "--why",
        "eigen codeboek",
        "--project",
        project,
    )
    assert code == 0 and f"{N_DEFAULT} codes" in out


def test_a_date_that_does_not_exist_or_an_empty_indicator_gets_a_message_with_its_line(
    capsys, tmp_path
):
    """'2026-02-30' is read as a date and crashed with a traceback; an empty indicator said
    'expected list of texts. Got list instead.'"""
    bad = tmp_path / "datum.yaml"
    bad.write_text(
        'name: X\nversion: "1"\nchangelog:\n  - date: 2026-02-30\n    changes: x\ncodes: []\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--lang", "en", "codebook", "validate", bad)
    assert (code, err.strip()) == (
        1,
        "Error: datum.yaml, line 4: invalid YAML (day is out of range for month).",
    )
    empty = tmp_path / "leeg.yaml"
    empty.write_text(
        'name: X\nversion: "1"\ncodes:\n  - {id: a, name: A, indicators: [""]}\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--lang", "en", "codebook", "validate", empty)
    assert code == 1 and "Got an empty text in the list instead." in err


def test_list_and_log_check_the_role_of_the_user(capsys, tmp_path):
    path = tmp_path / "p.db"
    create_project(path).close()
    assert (
        run(capsys, "users", "add", "kees", "--role", "co-onderzoeker", "--project", path)[0] == 0
    )
    for command in ("list", "log"):
        code, out, err = run(capsys, "codebook", command, "--project", path, "--user", "kees")
        assert code == 1 and out == "" and "co-onderzoeker" in err


@pytest.mark.parametrize(
    "lang, header",
    [
        ("nl", ["gecodeerd", "totaal", "interviews", "voorstellen"]),
        ("en", ["coded", "total", "interviews", "proposed"]),
    ],
)
def test_list_names_its_count_columns(capsys, tmp_path, lang, header):
    project = tmp_path / "p.db"
    assert (
        run(capsys, "codebook", "import", cb.SOCIAL_QUALITY_CODEBOOK, "--project", project)[0] == 0
    )
    code, out, _ = run(capsys, "--lang", lang, "codebook", "list", "--project", project)
    first, second = out.splitlines()[:2]
    assert code == 0 and first.split()[2:6] == header
    # each count stands under the end of its header
    ends = [first.index(h) + len(h) for h in header]
    assert ends == [i + 1 for i, c in enumerate(second) if c == "0"][:4]


def test_the_log_says_a_codebook_was_added_in_the_language_asked_for(capsys, tmp_path):
    project = tmp_path / "p.db"
    assert (
        run(capsys, "codebook", "import", cb.SOCIAL_QUALITY_CODEBOOK, "--project", project)[0] == 0
    )
    _, dutch, _ = run(capsys, "codebook", "log", "--project", project)
    _, english, _ = run(capsys, "--lang", "en", "codebook", "log", "--project", project)
    assert "toegevoegd (uit" in dutch and "toegevoegd" not in english
    assert "added (from" in english


@pytest.mark.parametrize(
    "codes, message",
    [
        (
            "  - {id: a, name: A}\n  - {id: b, name: B, parent: c}\n  - {id: c, name: C, parent: b}\n",
            "kring.yaml, regel 5, code b, veld 'parent': de codes hangen in een kring",
        ),
        (
            "  - {id: a, name: A}\n  - {id: b, name: B, parent: zz}\n",
            "kring.yaml, regel 5, code b, veld 'parent': de bovenliggende code 'zz' bestaat niet",
        ),
    ],
)
def test_a_tree_error_names_the_line_and_writes_nothing(capsys, tmp_path, codes, message):
    """A cycle or a missing parent named the code but, unlike every other error of a file,
    not its line."""
    project = tmp_path / "p.db"
    create_project(project, codebooks=()).close()
    bad = tmp_path / "kring.yaml"
    bad.write_text('name: Kring\nversion: "1"\ncodes:\n' + codes, encoding="utf-8")
    code, out, err = run(capsys, "codebook", "import", bad, "--project", project)
    assert code == 1 and message in err
    with sqlite3.connect(project) as con:
        assert con.execute("SELECT count(*) FROM codebooks").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM codes").fetchone()[0] == 0
