"""REFI-QDA selections keep their guids: the tool that made a file recognises its own
selections (quotations) when the project comes back from the workbench."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from test_exchange_notes import qdpx
from workbench.codings import add_coding
from workbench.exchange import export_qdpx, import_qdpx
from workbench.exchange.ids import schema_errors
from workbench.exchange.safety import parse_xml
from workbench.handle import Project
from workbench.store import open_project

ME = "onderzoeker"
ANNA, BRAM = "10000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000002"
C1, C2 = "20000000-0000-0000-0000-000000000001", "20000000-0000-0000-0000-000000000002"
SOURCE = "40000000-0000-0000-0000-000000000001"
SA, SB, SC, SD, SE = (f"50000000-0000-0000-0000-00000000000{i}" for i in range(1, 6))
N1, N2 = "a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002"
TEXT = "R: Ik mis mijn buurvrouw. Zij belde elke dag.\n"  # fictional


def at(quote: str) -> str:
    start = TEXT.index(quote)
    return f'startPosition="{start}" endPosition="{start + len(quote)}"'


def coding(n: int, user: str, code: str) -> str:
    guid = f"60000000-0000-0000-0000-00000000000{n}"
    return f'<Coding guid="{guid}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'


# Two selections by one coder on one span (as NVivo writes them), one without codings that a
# note is about, one coded by two coders, and a note with a selection of its own (QualCoder).
PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Buurt" origin="NVivo 14">
  <Users><User guid="{ANNA}" name="anna"/><User guid="{BRAM}" name="bram"/></Users>
  <CodeBook><Codes>
    <Code guid="{C1}" name="Verlies" isCodable="true"/>
    <Code guid="{C2}" name="Contact" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{SOURCE}" name="r01.txt" plainTextPath="internal://{SOURCE}.txt">
      <PlainTextSelection guid="{SA}" {at("Ik mis mijn buurvrouw.")} creatingUser="{ANNA}">
        {coding(1, ANNA, C1)}</PlainTextSelection>
      <PlainTextSelection guid="{SB}" {at("Ik mis mijn buurvrouw.")} creatingUser="{ANNA}">
        {coding(2, ANNA, C2)}</PlainTextSelection>
      <PlainTextSelection guid="{SC}" {at("Zij belde elke dag.")} creatingUser="{ANNA}">
        <NoteRef targetGUID="{N1}"/></PlainTextSelection>
      <PlainTextSelection guid="{SD}" {at("belde")} creatingUser="{ANNA}">
        {coding(3, ANNA, C2)}{coding(4, BRAM, C2)}</PlainTextSelection>
      <NoteRef targetGUID="{N2}"/>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{N1}" creatingUser="{ANNA}"><PlainTextContent>Dagelijks.</PlainTextContent></Note>
    <Note guid="{N2}" creatingUser="{BRAM}"><PlainTextContent>Buurvrouw!</PlainTextContent>
      <PlainTextSelection guid="{SE}" {at("buurvrouw")}/></Note>
  </Notes>
</Project>"""


def selection_guids(path: Path) -> Counter:
    """How often each PlainTextSelection guid occurs in a (schema-valid) .qdpx."""
    with zipfile.ZipFile(path) as zf:
        data = zf.read("project.qde")
    assert schema_errors("Project", data) == []
    root = parse_xml(data, file=path.name)
    return Counter(s.get("guid") for s in root.iter("PlainTextSelection"))


@pytest.fixture
def imported(db, tmp_path, nlp):
    import_qdpx(
        Project.for_user(db, ME), qdpx(tmp_path / "b.qdpx", PROJECT, {SOURCE: TEXT}), nlp=nlp
    )
    return db


@pytest.mark.parametrize("pseudonymise", [False, True])
def test_each_selection_comes_back_once_with_its_own_guid(imported, tmp_path, nlp, pseudonymise):
    first, second = tmp_path / "terug.qdpx", tmp_path / "nog-eens.qdpx"
    export_qdpx(Project.for_user(imported, ME), first, pseudonymise=pseudonymise)
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), first, nlp=nlp)
    export_qdpx(Project.for_user(fresh, ME), second, pseudonymise=pseudonymise)
    fresh.close()
    kept = {guid: 1 for guid in (SA, SB, SC, SD, SE)}
    assert {g: n for g, n in selection_guids(first).items() if g in kept} == kept
    assert selection_guids(second) == selection_guids(first)


def test_a_coding_made_here_on_an_imported_selection_goes_back_inside_it(imported, tmp_path):
    start = TEXT.index("belde")
    add_coding(
        Project.for_user(imported, "anna"),
        code="verlies",
        document_id=imported.execute("SELECT id FROM documents").fetchone()[0],
        start_char=start,
        end_char=start + len("belde"),
    )
    out = tmp_path / "terug.qdpx"
    export_qdpx(Project.for_user(imported, ME), out, pseudonymise=False)
    with zipfile.ZipFile(out) as zf:
        root = parse_xml(zf.read("project.qde"), file=out.name)
    selection = next(s for s in root.iter("PlainTextSelection") if s.get("guid") == SD)
    assert len(selection.findall("Coding")) == 2  # anna's C2 and her new Verlies
