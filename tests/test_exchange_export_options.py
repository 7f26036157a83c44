"""Export choices a format cannot honour are refused, not dropped; a codebook (qdc) waits for
the names in its definitions like a qdpx (fictional text, real project files, real CLI).

Until December 8, ``export --format qdc --original-text`` wrote a qdc with the names replaced
and a report that said nothing of it, ``--for nvivo`` gave a csv like any other, and a qdc
went out with a name in a code's definition that nobody had decided on, while the qdpx of the
same project waited for it.
"""

from __future__ import annotations

import pytest

from test_privacy_codebook import researcher  # noqa: F401 (fixture: names in the codebook)
from workbench.cli import main
from workbench.errors import InputError
from workbench.exchange import export_project
from workbench.privacy import decide

REFUSED = [
    ("qdc", ["--original-text"], "--original-text", "qdpx, csv, xlsx"),
    ("qdc", ["--include-suggestions"], "--include-suggestions", "qdpx, csv, xlsx"),
    ("qdc", ["--coder-codes"], "--coder-codes", "qdpx, csv, xlsx"),
    ("qdc", ["--for", "nvivo"], "--for", "qdpx"),
    ("csv", ["--for", "nvivo"], "--for", "qdpx"),
    ("xlsx", ["--for", "maxqda"], "--for", "qdpx"),
]


@pytest.mark.parametrize(("fmt", "options", "option", "formats"), REFUSED)
def test_an_option_the_format_cannot_honour_is_refused_and_nothing_is_written(
    researcher,  # noqa: F811
    project_path,
    tmp_path,
    capsys,
    fmt,
    options,
    option,
    formats,
):
    decide(researcher, "Grietje", accept=True)
    decide(researcher, "Teun Wiersma", accept=True)
    out = tmp_path / f"uit.{fmt}"
    command = ["export", "--project", str(project_path), "--output", str(out), *options]
    assert main(["--lang", "en", *command]) == 1
    said = capsys.readouterr()
    assert said.err.strip() == (
        f"Error: {option} only works with {formats}, not with {fmt}. Nothing was written. "
        f"Leave out {option}, or choose such a format."
    )
    assert not said.out and not out.exists()
    assert not out.with_name(out.name + ".dataloss.txt").exists()
    assert main(command) == 1
    assert f"{option} werkt alleen bij {formats}, niet bij {fmt}." in capsys.readouterr().err
    assert main([*command[: -len(options)]]) == 0 and out.exists()  # without it: written
    honoured = tmp_path / f"uit.{formats.split(', ')[-1]}"  # a format it works with
    assert (
        main(["export", "--project", str(project_path), "--output", str(honoured), *options]) == 0
    )


def test_a_qdc_waits_for_a_name_in_a_definition_nobody_decided_on(
    researcher,  # noqa: F811
    project_path,
    tmp_path,
    capsys,
):
    """The qdc writes a code's definition as its Description: "zoals bij Teun Wiersma in de
    fabriek" left the project as written, though the qdpx refused until it was decided."""
    decide(researcher, "Grietje", accept=True)
    out = tmp_path / "codes.qdc"
    with pytest.raises(InputError) as refused:
        export_project(researcher, out, format="qdc")
    assert refused.value.key == "privacy.export_undecided_places"
    assert "Teun Wiersma" in refused.value.message("en") and not out.exists()
    project = ["--project", str(project_path), "--output", str(out)]
    for command in (["export", *project], ["codebook", "export", *project]):
        assert main(["--lang", "en", *command]) == 1
        assert "definition of code 'Isolement'" in capsys.readouterr().err
        assert not out.exists()
    decide(researcher, "Teun Wiersma", accept=True)
    assert main(["export", *project]) == 0
    written = out.read_text(encoding="utf-8")
    assert "zoals bij [Naam 2] in de fabriek" in written
    assert "wiersma" not in written.lower() and "grietje" not in written.lower()


def test_only_the_codebook_holds_a_codebook_back(researcher, tmp_path):  # noqa: F811
    """The check a codebook waits for looks at the codebook's sentences only: an interview
    nobody checked yet holds back the qdpx, which carries it, not the qdc, which does not.
    A supervisor's codebook download (names replaced) waits for the codebook's names too."""
    from privacy_support import add_document
    from workbench import accounts
    from workbench.codebook.export import export_bytes
    from workbench.handle import Project
    from workbench.privacy import apply_pseudonyms, require_pseudonymised

    decide(researcher, "Grietje", accept=True)
    accounts.add_user(researcher, "sanne", role="supervisor")
    sanne = Project.for_user(researcher.db, "sanne")
    with pytest.raises(InputError) as refused:
        export_bytes(sanne, format="md")
    assert "Teun Wiersma" in refused.value.message("en")
    decide(researcher, "Teun Wiersma", accept=True)
    apply_pseudonyms(researcher)
    add_document(researcher.db, "R: Hier woont Bertus Klaassen al jaren.")  # nobody checked it
    with pytest.raises(InputError):
        require_pseudonymised(researcher)  # the qdpx waits for the new interview
    export_project(researcher, tmp_path / "codes.qdc", format="qdc")  # the codebook does not
    assert "Teun" not in export_bytes(sanne, format="md").decode("utf-8")
