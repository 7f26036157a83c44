"""What the role audit of December 7 found: reads that did not honour the user's role.

A codebook download leaves the project: a supervisor's has the accepted names replaced.

Examples in a codebook are often quotes from the interviews, and every field is free text. A
supervisor may not take original text out (``pseudonym.key``), and her qdc export already had
the names replaced; her Markdown, Word and YAML downloads (Codeboek page, ``workbench codebook
export``) carried them as written. A researcher's download stays as written, so a YAML file
still loads into another project unchanged.

``workbench sample list`` took no ``--user`` and always read as the local researcher account,
so the samples' names, coders and documents were listed for anyone; it now reads as ``--user``
(default still the local account), and a co-researcher is refused as on the Consistentie page.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import yaml

from privacy_support import add_codes, add_document
from workbench import accounts, consistency
from workbench.cli import main
from workbench.codebook import edit_code, export_bytes
from workbench.handle import Project
from workbench.privacy import decide

RESEARCHER = "onderzoeker"
SUPERVISOR = "bea"
RESIDENT = "sanne"


@pytest.fixture
def project(db):
    """A project with the name 'Kees' accepted, and in a code's example, brief and indicator."""
    researcher = Project.for_user(db, RESEARCHER)
    accounts.add_user(researcher, SUPERVISOR, role="supervisor")
    accounts.add_user(researcher, RESIDENT, role="co-onderzoeker")
    add_document(db)  # the transcript mentions Kees
    add_codes(db)
    edit_code(
        researcher,
        "verlies",
        rationale="a quote from the interview",
        brief="Verlies zoals bij Kees.",
        examples=["Sinds Kees overleed woon ik alleen."],
        indicators=["kees", "overleed", "alleen"],
    )
    assert decide(researcher, "Kees", accept=True).replacement == "[Naam 1]"
    return db


def text_of(data: bytes, fmt: str) -> str:
    if fmt != "docx":
        return data.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("fmt", ["md", "yaml", "docx"])
def test_a_supervisors_codebook_download_has_the_names_replaced(project, fmt):
    text = text_of(export_bytes(Project.for_user(project, SUPERVISOR), format=fmt), fmt)
    assert "kees" not in text.lower()
    assert "Sinds [Naam 1] overleed woon ik alleen." in text
    assert "Verlies zoals bij [Naam 1]." in text


def test_a_researchers_codebook_download_keeps_the_text_and_the_ids(project):
    researcher = Project.for_user(project, RESEARCHER)
    book = yaml.safe_load(export_bytes(researcher, format="yaml"))
    verlies = next(c for c in book["codes"] if c["id"] == "verlies")
    assert verlies["examples"] == ["Sinds Kees overleed woon ik alleen."]
    supervised = yaml.safe_load(export_bytes(Project.for_user(project, SUPERVISOR), format="yaml"))
    # only the describing text changes: the ids and the tree stay, so codings still match
    assert [(c["id"], c.get("parent")) for c in supervised["codes"]] == [
        (c["id"], c.get("parent")) for c in book["codes"]
    ]
    assert next(c for c in supervised["codes"] if c["id"] == "verlies")["indicators"] == [
        "[Naam 1]",
        "overleed",
        "alleen",
    ]


def test_the_command_line_export_of_a_supervisor_has_the_names_replaced(project, tmp_path):
    path = project.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "codeboek.md"
    assert (
        main(["codebook", "export", "--project", path, "--user", SUPERVISOR, "--output", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "Kees" not in text and "[Naam 1]" in text


def test_sample_list_reads_as_the_user_and_refuses_a_co_researcher(project, capsys):
    path = project.execute("PRAGMA database_list").fetchone()[2]
    researcher = Project.for_user(project, RESEARCHER)
    accounts.add_user(researcher, "anna", role="onderzoeker")
    consistency.create_sample(
        researcher, name="ronde 1", coders=[RESEARCHER, "anna"], documents=[1]
    )
    capsys.readouterr()
    assert main(["sample", "list", "--project", path, "--user", RESIDENT, "--json"]) == 1
    refused = capsys.readouterr()
    assert "co-onderzoeker" in refused.err and "ronde 1" not in refused.out + refused.err
    assert main(["sample", "list", "--project", path, "--user", SUPERVISOR, "--json"]) == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["ronde 1"]


@pytest.mark.parametrize("fmt", ["md", "yaml", "docx"])
def test_a_code_id_made_of_a_name_is_replaced_in_a_supervisors_download(project, fmt):
    """A code's id is made of its name: "Steun van Kees" is ``steun-van-kees``. The ids were
    kept as they are, so the name went out in every md, yaml and docx download of a
    supervisor (the privacy audit of December 7); it is now the id of the replacement, still
    a valid id, and a sub-code's parent and the counts follow it."""
    from workbench.codebook import add_code

    researcher = Project.for_user(project, RESEARCHER)
    add_code(researcher, name="Steun van Kees", rationale="test", parent="verlies")
    add_code(researcher, name="Bezoek", slug="bezoek", rationale="test", parent="steun-van-kees")
    data = export_bytes(Project.for_user(project, SUPERVISOR), format=fmt)
    text = text_of(data, fmt)
    assert "kees" not in text.lower()
    assert "steun-van-naam-1" in text
    if fmt == "yaml":
        codes = {c["id"]: c for c in yaml.safe_load(data)["codes"]}
        assert codes["bezoek"]["parent"] == "steun-van-naam-1"
        assert codes["steun-van-naam-1"]["name"] == "Steun van [Naam 1]"
