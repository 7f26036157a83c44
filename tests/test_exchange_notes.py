"""REFI-QDA notes keep when and by whom they were written and their Description, there and back.

A researcher who moves a project from ATLAS.ti, MAXQDA or NVivo to the workbench and back
must still see when each memo was written; a note's Description is not part of its text.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from conftest import shared
from test_exchange_export import pseudonymise_rene
from test_exchange_roundtrip import rich  # noqa: F401 (the shared project fixture)
from workbench.exchange import export_qdpx, import_qdpx
from workbench.exchange.ids import schema_errors
from workbench.exchange.safety import parse_xml
from workbench.handle import Project
from workbench.memos import memo_overview
from workbench.store import open_project

ME = "onderzoeker"
ANNA, BRAM = "10000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000002"
SOURCE = "40000000-0000-0000-0000-000000000001"
N1, N2, N3 = (f"a0000000-0000-0000-0000-00000000000{i}" for i in (1, 2, 3))
# Fictional notes written for these tests: one on the interview, two with only a Description.
PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Buurt" origin="MAXQDA 24">
  <Users><User guid="{ANNA}" name="anna"/><User guid="{BRAM}" name="bram"/></Users>
  <Sources>
    <TextSource guid="{SOURCE}" name="r01.txt" plainTextPath="internal://{SOURCE}.txt">
      <NoteRef targetGUID="{N1}"/>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="{N1}" name="Na gesprek 2" creatingUser="{ANNA}"
          creationDateTime="2019-04-02T08:15:00Z" modifiedDateTime="2019-05-01T10:00:00Z">
      <Description>Geschreven na het tweede gesprek.</Description>
      <PlainTextContent>Verlies staat centraal.</PlainTextContent>
    </Note>
    <Note guid="{N2}" name="Opzet" creatingUser="{BRAM}"
          creationDateTime="2020-01-01T09:00:00Z" modifiedDateTime="2020-01-01T09:00:00Z">
      <Description>Alleen een beschrijving.</Description>
    </Note>
    <Note guid="{N3}" name="Opzet 2" creatingUser="{BRAM}"
          creationDateTime="2021-06-30T23:59:59Z" modifiedDateTime="2022-02-02T12:00:00Z">
      <Description>Nog een beschrijving.</Description>
    </Note>
  </Notes>
  <NoteRef targetGUID="{N2}"/><NoteRef targetGUID="{N3}"/>
</Project>"""


def qdpx(path: Path, xml: str, sources: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.encode("utf-8"))
        for guid, text in (sources or {}).items():
            zf.writestr(f"sources/{guid}.txt", text.encode("utf-8"))
    return path


def notes(path: Path, *, valid: bool = True) -> dict[str, tuple]:
    """Each Note of a .qdpx by guid: name, writer, dates, Description and text (checked
    against the schema unless ``valid`` is False: a vendor's file need not be)."""
    with zipfile.ZipFile(path) as zf:
        data = zf.read(next(n for n in zf.namelist() if n.lower().endswith(".qde")))
    assert not valid or schema_errors("Project", data) == []
    found = {}
    for note in parse_xml(data, file=path.name).iter("Note"):
        description, text = note.find("Description"), note.find("PlainTextContent")
        found[note.get("guid").lower()] = (
            note.get("name"),
            (note.get("creatingUser") or "").lower(),
            note.get("creationDateTime"),
            note.get("modifiedDateTime"),
            None if description is None else description.text.strip(),
            "" if text is None else (text.text or "").strip(),  # no text, or an empty one
        )
    return found


def there_and_back(db, tmp_path: Path, nlp) -> tuple[Path, Path]:
    """Export ``db``, import that into a new project and export it again."""
    first, second = tmp_path / "terug.qdpx", tmp_path / "nog-eens.qdpx"
    export_qdpx(Project.for_user(db, ME), first, pseudonymise=False)
    fresh = open_project(tmp_path / "fresh.db")
    import_qdpx(Project.for_user(fresh, ME), first, nlp=nlp)
    export_qdpx(Project.for_user(fresh, ME), second, pseudonymise=False)
    fresh.close()
    return first, second


def test_notes_keep_dates_writer_and_description_there_and_back(db, tmp_path, nlp):
    original = qdpx(tmp_path / "buurt.qdpx", PROJECT, {SOURCE: "R: Ik mis mijn buurvrouw.\n"})
    import_qdpx(Project.for_user(db, ME), original, nlp=nlp)
    first, second = there_and_back(db, tmp_path, nlp)
    assert notes(first) == notes(second) == notes(original)
    assert len(notes(original)) == 3  # two notes with only a Description stay two


def test_the_memo_page_shows_when_a_note_was_written_and_its_description(db, tmp_path, nlp):
    original = qdpx(tmp_path / "buurt.qdpx", PROJECT, {SOURCE: "R: Ik mis mijn buurvrouw.\n"})
    import_qdpx(Project.for_user(db, ME), original, nlp=nlp)
    shown = {
        m["text"]: (m["author"], m["created_at"], m["updated_at"], m["description"])
        for m in memo_overview(Project.for_user(db, ME), written_by="anna")
    }
    assert shown == {
        "Verlies staat centraal.": (
            "anna",
            "2019-04-02T08:15:00.000+00:00",
            "2019-05-01T10:00:00.000+00:00",
            "Geschreven na het tweede gesprek.",
        )
    }


def test_atlasti_notes_go_back_with_their_dates_writer_and_description(db, tmp_path, nlp):
    original = shared("refi", "samples", "atlasti-8.4-TestProject.qdpx")
    expected = notes(original, valid=False)
    assert any(note[4] for note in expected.values())  # the sample has a Description
    import_qdpx(Project.for_user(db, ME), original, nlp=nlp)
    first, second = there_and_back(db, tmp_path, nlp)
    assert notes(first) == notes(second) == expected


@pytest.mark.parametrize("target", [None, "qualcoder"])
def test_a_pseudonymised_export_holds_no_name_from_a_note_description(
    rich,  # noqa: F811
    tmp_path,
    nlp,
    target,
):
    pseudonymise_rene(rich, tmp_path / "rich.db")
    note = (  # no name: QualCoder's journal is named after the start of its text
        f'<Notes><Note guid="{N1}"><Description>Gesprek met René.</Description>'
        "<PlainTextContent>René belde terug.</PlainTextContent></Note></Notes>"
        f'<NoteRef targetGUID="{N1}"/>'
    )
    xml = f'<Project xmlns="urn:QDA-XML:project:1.0" name="p">{note}</Project>'
    import_qdpx(Project.for_user(rich, ME), qdpx(tmp_path / "n.qdpx", xml), nlp=nlp)
    out = tmp_path / "uit.qdpx"
    export_qdpx(Project.for_user(rich, ME), out, target=target)
    assert notes(out)[N1][4] == "Gesprek met [Naam 1]."
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if "René" in zf.read(n).decode("utf-8")]


def test_the_memos_page_shows_a_notes_description_and_its_own_date(db, project_path, tmp_path, nlp):
    from page_runner import run_page

    original = qdpx(tmp_path / "buurt.qdpx", PROJECT, {SOURCE: "R: Ik mis mijn buurvrouw.\n"})
    import_qdpx(Project.for_user(db, ME), original, nlp=nlp)
    page = run_page("memos", project_path, memos_author="anna")
    assert "Geschreven na het tweede gesprek." in [c.value for c in page.caption]
    # the note's own date (1 May 2019, 10:00 UTC), shown in the server's local time
    when = dt.datetime(2019, 5, 1, 10, 0, tzinfo=dt.timezone.utc).astimezone()
    month = {4: "april", 5: "mei"}[when.month]
    shown = f"{when.day} {month} {when.year}, {when:%H:%M}"  # "1 mei 2019, 10:00", not ISO
    assert any(f"anna_ · {shown}" in m.value for m in page.markdown)
