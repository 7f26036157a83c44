"""Importing .qdpx files: offsets survive text normalisation; hostile files are refused whole."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from workbench.accounts import auto_login_user
from workbench.errors import InputError
from workbench.exchange import export_qdpx, import_qdpx
from workbench.handle import Project
from workbench.store import get_setting, open_project

ME = "onderzoeker"
U = "10000000-0000-0000-0000-00000000000{}"
PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Test">
  <Users><User guid="{u1}" name="anna"/><User guid="{u2}" name="bram"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="Schaamte" isCodable="true">
      <Code guid="20000000-0000-0000-0000-000000000002" name="Verbergen" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="40000000-0000-0000-0000-000000000001" name="r01.txt"
                plainTextPath="internal://50000000-0000-0000-0000-000000000001.txt">
      {selections}
    </TextSource>
  </Sources>
  <Notes><Note guid="a0000000-0000-0000-0000-000000000001" name="memo">
    <PlainTextContent>Een memo.</PlainTextContent></Note></Notes>
  <NoteRef targetGUID="a0000000-0000-0000-0000-000000000001"/>
</Project>"""
SELECTION = """<PlainTextSelection guid="5{n}000000-0000-0000-0000-000000000001" startPosition="{s}"
  endPosition="{e}"><Coding guid="6{n}000000-0000-0000-0000-000000000001"
  creatingUser="{user}"><CodeRef targetGUID="20000000-0000-0000-0000-00000000000{code}"/>
  </Coding></PlainTextSelection>"""


def qdpx(
    path: Path,
    text_bytes: bytes,
    spans: list[tuple[int, int, str, int]],
    *,
    extra: dict[str, bytes] | None = None,
    qde_name: str = "project.qde",
) -> Path:
    selections = "".join(
        SELECTION.format(n=i, s=s, e=e, user=user, code=code)
        for i, (s, e, user, code) in enumerate(spans)
    )
    xml = PROJECT.format(u1=U.format(1), u2=U.format(2), selections=selections)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, xml.encode("utf-8"))
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", text_bytes)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def nothing_written(db) -> bool:
    return all(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == 0
        for t in ("documents", "codes", "codings", "memos")
    )


# A fictional fragment: BOM, CRLF line ends, a decomposed é, trailing spaces, an emoji.
RAW = "\ufeffI: Hoe gaat het?  \r\nR: Ik schaam me 😊 voor de cafe\u0301.\r\n\r\nR: Echt waar.\r\n"


def _offsets(quote: str) -> tuple[int, int]:
    body = RAW.lstrip("\ufeff")  # positions count characters of the text, not the BOM
    start = body.index(quote)
    return start, start + len(quote)


def test_crlf_bom_and_decomposed_accents_keep_codings_on_the_same_words(db, tmp_path, nlp):
    a = _offsets("Ik schaam me 😊")
    b = _offsets("cafe\u0301.\r\n\r\nR: Echt")
    path = qdpx(
        tmp_path / "t.qdpx",
        RAW.encode("utf-8"),
        [(a[0], a[1], U.format(1), 1), (b[0], b[1], U.format(2), 2)],
    )
    import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    assert "\r" not in text and "\ufeff" not in text
    rows = db.execute("SELECT coder, text, start_char, end_char FROM codings ORDER BY start_char")
    rows = rows.fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("anna", "Ik schaam me 😊"),
        ("bram", "café.\n\nR: Echt"),
    ]
    assert all(text[s:e] == t for _, t, s, e in rows)


def test_utf16_offsets_are_recognised_when_they_fit_words_better(db, tmp_path, nlp):
    raw = "R: 😊😊😊 Ik ben blij met mijn hond.\nR: Ja."
    cp = raw.index("mijn hond")
    units = len(raw[:cp].encode("utf-16-le")) // 2
    path = qdpx(
        tmp_path / "t.qdpx",
        raw.encode("utf-8"),
        [(units, units + len("mijn hond"), U.format(1), 1)],
    )
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute("SELECT text FROM codings").fetchone()[0] == "mijn hond"
    assert any(w["key"] == "exchange.warn.utf16_offsets" for w in report.warnings)


def test_any_single_qde_name_is_accepted(db, tmp_path, nlp):
    path = qdpx(
        tmp_path / "t.qdpx",
        b"R: Hallo daar.",
        [(3, 8, U.format(1), 1)],
        qde_name="Mijn project.qde",
    )
    import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute("SELECT text FROM codings").fetchone()[0] == "Hallo"


def test_several_coders_become_users_and_notes_become_memos(db, tmp_path, nlp):
    path = qdpx(
        tmp_path / "t.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1), (3, 8, U.format(2), 1)]
    )
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute("SELECT coder FROM codings ORDER BY coder").fetchall() == [
        ("anna",),
        ("bram",),
    ]
    assert db.execute("SELECT role FROM users WHERE name = 'bram'").fetchone() == ("system",)
    assert auto_login_user(db) == ME  # still a single-user project that opens without login
    assert db.execute("SELECT target_type, text FROM memos").fetchall() == [
        ("project", "Een memo.")
    ]
    assert report.counts["coders"] == 2


def test_the_report_says_what_each_user_of_the_file_became(db, tmp_path, nlp):
    """Every user of a file became a coder without an account (role ``system``), a user
    named like an account here silently coded as that account, and a coding without a user
    as the importer; the report only counted "nieuwe codeurs: 2"."""
    xml = (
        PROJECT.format(
            u1=U.format(1),
            u2=U.format(2),
            selections=SELECTION.format(n=1, s=3, e=8, user=U.format(2), code=1)
            + SELECTION.format(n=2, s=9, e=13, user=U.format(1), code=1)
            + SELECTION.format(n=3, s=3, e=8, user="", code=2),
        )
        .replace('name="bram"', f'name="{ME}"')
        .replace(' creatingUser=""', "")
    )
    path = tmp_path / "t.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", "R: Hallo daar.")
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute(
        "SELECT name, role FROM users WHERE name IN ('anna', ?) ORDER BY name", [ME]
    ).fetchall() == [
        ("anna", "system"),
        (ME, "onderzoeker"),
    ]
    assert db.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall() == [
        ("anna", 1),
        (ME, 2),
    ]
    said = report.warning_lines("nl")
    assert said == [
        "Deze gebruiker uit het bestand staat nu in het project als codeur, niet als account: "
        "anna. Die kan niet inloggen, dus ook niet zelf coderen of suggesties beoordelen.",
        f"De gebruiker '{ME}' uit het bestand heeft dezelfde naam als een account in dit "
        f"project (rol: onderzoeker). De coderingen van '{ME}' staan nu op dat account. Is het "
        "niet dezelfde persoon? Geef die persoon dan in het andere programma een andere naam "
        "en lees het bestand opnieuw in, in een nieuw project.",
        f"1 codering in het bestand heeft geen gebruiker. Die staat nu op jouw naam ({ME}).",
    ]
    # our own export of the account, read back: the same person, no doubt to raise
    out = tmp_path / "terug.qdpx"
    export_qdpx(Project.for_user(db, ME), out)
    again = import_qdpx(Project.for_user(db, ME), out, nlp=nlp).warning_lines("en")
    assert (
        f"The user '{ME}' from the file is the account '{ME}' in this project (role: onderzoeker). The codings of '{ME}' are under that account."
        in again
    )
    assert not any("same name" in line for line in again)


@pytest.mark.parametrize(
    "start, end, reason", [(3, 800, "outside_text"), (3, 3, "empty_selection")]
)
def test_a_selection_outside_the_text_or_of_nothing_is_reported_not_imported(
    db, tmp_path, nlp, start, end, reason
):
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo.", [(start, end, U.format(1), 1)])
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == 0
    assert [(l.kind, l.reason) for l in report.losses] == [("selection", reason)]


def test_an_error_while_writing_leaves_the_project_untouched(db, tmp_path, nlp):
    # A real trigger makes the last step (the memo) fail inside the import's transaction.
    db.execute(
        "CREATE TRIGGER no_memos BEFORE INSERT ON memos "
        "BEGIN SELECT RAISE(ABORT, 'memos refused'); END"
    )
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1)])
    with pytest.raises(sqlite3.IntegrityError):
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert nothing_written(db)
    assert db.execute("SELECT count(*) FROM users WHERE name = 'anna'").fetchone()[0] == 0


@pytest.mark.parametrize(
    "member, key",
    [
        ("/etc/evil.txt", "zip.unsafe_path"),
        ("C:/evil.txt", "zip.unsafe_path"),
        ("Sources/../../evil.txt", "zip.unsafe_path"),
        ("..\\evil.txt", "zip.unsafe_path"),
    ],
)
def test_zip_members_with_absolute_or_parent_paths_are_refused(db, tmp_path, nlp, member, key):
    path = qdpx(
        tmp_path / "t.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1)], extra={member: b"x"}
    )
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert err.value.key == key
    assert member in err.value.message("nl")
    assert nothing_written(db)


def test_decompression_bomb_is_refused_before_reading(db, tmp_path, nlp):
    path = qdpx(
        tmp_path / "t.qdpx",
        b"R: Hallo daar.",
        [(3, 8, U.format(1), 1)],
        extra={"Sources/bomb.txt": bytes(40 * 1024 * 1024)},
    )
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert err.value.key == "zip.bomb"
    assert nothing_written(db)


def _with_qde(tmp_path: Path, xml: bytes) -> Path:
    path = tmp_path / "t.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
    return path


def test_a_qdpx_of_only_the_qde_says_its_sources_folder_is_missing(db, tmp_path, nlp):
    """A .qde zipped without its sources folder (as ATLAS.ti's sample file is) imported the
    codes and said per source "the text file is not inside the .qdpx": that the whole
    folder was missing, and what to do, was not said."""
    xml = PROJECT.format(u1=U.format(1), u2=U.format(2), selections="")
    report = import_qdpx(Project.for_user(db, ME), _with_qde(tmp_path, xml.encode()), nlp=nlp)
    assert report.warning_lines("nl")[0] == (
        "In t.qdpx zit alleen het projectbestand (.qde), zonder tekstbestanden: de map "
        "'sources' ontbreekt of is leeg. Daarom zijn de teksten en hun coderingen niet "
        "ingelezen. Maak het zip-bestand opnieuw, met het .qde-bestand en de map 'sources' met "
        "de bestanden erin, en lees het opnieuw in."
    )
    missing_one = xml.replace(
        "</Sources>",
        '<TextSource guid="40000000-0000-0000-0000-000000000002" name="weg.txt" '
        'plainTextPath="internal://weg.txt"/></Sources>',
    )
    with_text = tmp_path / "met.qdpx"  # one text missing, the folder is there
    with zipfile.ZipFile(with_text, "w") as zf:
        zf.writestr("project.qde", missing_one)
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", "R: Hallo.")
    report = import_qdpx(Project.for_user(db, ME), with_text, nlp=nlp)
    assert [(l.kind, l.reason, l.count) for l in report.losses] == [("source", "file_missing", 1)]
    assert not any("alleen het projectbestand" in line for line in report.warning_lines("nl"))


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>"""
DOCTYPE_ONLY = b"""<?xml version="1.0"?><!DOCTYPE Project><Project name="p"/>"""


@pytest.mark.parametrize("xml", [LAUGHS, EXTERNAL, DOCTYPE_ONLY])
def test_xml_with_doctype_or_entities_is_refused(db, tmp_path, nlp, xml):
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), _with_qde(tmp_path, xml), nlp=nlp)
    assert err.value.key == "exchange.xml_forbidden"
    assert nothing_written(db)


def test_malformed_project_xml_gives_line_and_column(db, tmp_path, nlp):
    with pytest.raises(InputError) as err:
        import_qdpx(
            Project.for_user(db, ME),
            _with_qde(tmp_path, b"<Project name='x'><Users></Project>"),
            nlp=nlp,
        )
    assert err.value.key == "exchange.xml_malformed"
    assert err.value.params["line"] == 1
    assert nothing_written(db)


def test_a_file_that_is_not_a_zip_or_has_no_qde_is_refused(db, tmp_path, nlp):
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_text("hallo")
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), not_zip, nlp=nlp)
    assert err.value.key == "zip.damaged"
    empty = tmp_path / "y.qdpx"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("Sources/a.txt", "x")
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), empty, nlp=nlp)
    assert err.value.key == "exchange.no_qde"


def test_relative_source_next_to_the_qdpx_is_read_but_never_outside_it(db, tmp_path, nlp):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "r01.txt").write_text("R: Hallo daar.", encoding="utf-8")
    xml = PROJECT.format(u1=U.format(1), u2=U.format(2), selections="").replace(
        "internal://50000000-0000-0000-0000-000000000001.txt", "relative:///media/r01.txt"
    )
    import_qdpx(Project.for_user(db, ME), _with_qde(tmp_path, xml.encode()), nlp=nlp)
    assert db.execute("SELECT text FROM documents").fetchone() == ("R: Hallo daar.",)
    sneaky = xml.replace("relative:///media/r01.txt", "relative:///../secret.txt")
    (tmp_path.parent / "secret.txt").write_text("geheim", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    report = import_qdpx(Project.for_user(db, ME), _with_qde(other, sneaky.encode()), nlp=nlp)
    assert ("source", "file_missing") in [(l.kind, l.reason) for l in report.losses]


def test_absurdly_nested_xml_is_refused_without_exhausting_the_stack(db, tmp_path, nlp):
    deep = (
        b'<Project name="p"><CodeBook><Codes>' + b'<Code guid="x" name="c" isCodable="true">' * 5000
    )
    deep += b"</Code>" * 5000 + b"</Codes></CodeBook></Project>"
    with pytest.raises(InputError) as err:
        import_qdpx(Project.for_user(db, ME), _with_qde(tmp_path, deep), nlp=nlp)
    assert err.value.key == "exchange.xml_too_deep"
    assert nothing_written(db)


def test_a_source_description_becomes_a_document_memo_once(db, tmp_path, nlp):
    xml = (
        PROJECT.format(u1=U.format(1), u2=U.format(2), selections="")
        .replace('name="r01.txt"', 'name="r01.txt" creatingUser="' + U.format(2) + '"')
        .replace(
            "      \n    </TextSource>",
            "<Description>Interview bij de buren.</Description></TextSource>",
        )
    )
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo daar.", [])
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Hallo daar.")
    for _ in range(2):
        import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute(
        "SELECT target_type, author, text FROM memos WHERE target_type = 'document'"
    ).fetchall() == [("document", "bram", "Interview bij de buren.")]


def test_a_value_that_does_not_fit_an_existing_attribute_is_reported(
    db, tmp_path, nlp, refi_samples
):
    from workbench.respondents import define_attribute

    define_attribute(Project.for_user(db, ME), "Age", "date")
    folder = refi_samples
    path = tmp_path / "h.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(folder / "hand-authored" / "project.qde", "project.qde")
        for f in (folder / "hand-authored" / "sources").iterdir():
            zf.write(f, f"Sources/{f.name}")
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert ("attribute_value", "value_not_of_type") in [(l.kind, l.reason) for l in report.losses]
    assert db.execute("SELECT type FROM attributes WHERE name = 'Age'").fetchone() == ("date",)


def test_two_sources_with_the_same_guid_keep_their_own_sentences(db, tmp_path, nlp):
    xml = PROJECT.format(u1=U.format(1), u2=U.format(2), selections="")
    second = xml[xml.index("<TextSource") : xml.index("</TextSource>") + len("</TextSource>")]
    xml = xml.replace(
        "</Sources>",
        second.replace("50000000-0000-0000-0000-000000000001.txt", "b.txt") + "</Sources>",
    )
    path = tmp_path / "t.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", "R: Eerste tekst.")
        zf.writestr("Sources/b.txt", "R: Een heel andere, langere tweede tekst. Met twee zinnen.")
    import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    bad = db.execute(
        "SELECT count(*) FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE substr(d.text, s.start_char + 1, s.end_char - s.start_char) != s.text"
    )
    assert bad.fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 2


SAME_NAMES = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Test">
  <Users><User guid="{u1}" name="Piet"/><User guid="{u2}" name="Piet"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="Zelfde" isCodable="true"/>
    <Code guid="20000000-0000-0000-0000-000000000002" name="Zelfde" isCodable="true"/>
  </Codes></CodeBook>
  <Cases>
    <Case guid="30000000-0000-0000-0000-000000000001" name="R1">
      <SourceRef targetGUID="40000000-0000-0000-0000-000000000001"/></Case>
    <Case guid="30000000-0000-0000-0000-000000000002" name="R1"/>
  </Cases>
  <Sources>
    <TextSource guid="40000000-0000-0000-0000-000000000001" name="r01.txt"
                plainTextPath="internal://50000000-0000-0000-0000-000000000001.txt">
      {selections}
    </TextSource>
  </Sources>
</Project>"""


def test_two_users_codes_or_cases_with_one_name_stay_apart_and_are_counted_once(db, tmp_path, nlp):
    """Two people called Piet who each coded the same words with their own code "Zelfde":
    merged by name, one coding was lost while the report counted both."""
    spans = [(3, 8, U.format(1), 1), (3, 8, U.format(2), 2), (3, 8, U.format(1), 1)]
    selections = "".join(
        SELECTION.format(n=i, s=s, e=e, user=user, code=code)
        for i, (s, e, user, code) in enumerate(spans)
    )
    path = tmp_path / "t.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        xml = SAME_NAMES.format(u1=U.format(1), u2=U.format(2), selections=selections)
        zf.writestr("project.qde", xml.encode("utf-8"))
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Hallo daar.")
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert db.execute(
        "SELECT c.coder, k.guid FROM codings c JOIN codes k ON k.id = c.code_id ORDER BY 1"
    ).fetchall() == [
        ("Piet", "20000000-0000-0000-0000-000000000001"),
        ("Piet-2", "20000000-0000-0000-0000-000000000002"),
    ]
    assert db.execute("SELECT code FROM respondents ORDER BY code").fetchall() == [
        ("R1",),
        ("R1-2",),
    ]
    assert (report.counts["codings"], report.counts["codings_matched"]) == (2, 1)
    assert report.counts["codes"] == 2 and report.counts["respondents"] == 2
    said = report.text("en")
    assert "Two different users in the file are called 'Piet'" in said
    assert "Two different cases in the file are called 'R1'" in said


def test_a_note_listed_on_the_project_and_linked_to_a_selection_becomes_one_memo(db, tmp_path, nlp):
    """Tools list every note at project level and tie it to a selection with a Link: that
    made two memos, and an export wrote the note twice."""
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1)])
    link = (
        '<Links><Link guid="b0000000-0000-0000-0000-000000000001" direction="OneWay"'
        ' originGUID="a0000000-0000-0000-0000-000000000001"'
        ' targetGUID="50000000-0000-0000-0000-000000000001"/></Links>'
    )
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    qde = members["project.qde"].decode("utf-8").replace("</Notes>", "</Notes>" + link)
    members["project.qde"] = qde.encode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    me = Project.for_user(db, ME)
    import_qdpx(me, path, nlp=nlp)
    assert db.execute("SELECT target_type, text FROM memos").fetchall() == [("coding", "Een memo.")]
    out = tmp_path / "out.qdpx"
    export_qdpx(me, out, pseudonymise=False)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("project.qde").decode("utf-8").count("<Note ") == 1


def test_coding_guids_of_another_tool_come_back_in_the_export(db, tmp_path, nlp):
    """A tool that gets its own project back recognises its codings by their guid; a new
    guid on every round trip made each coding look new there."""
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1)])
    me = Project.for_user(db, ME)
    import_qdpx(me, path, nlp=nlp)
    out = tmp_path / "out.qdpx"
    export_qdpx(me, out, pseudonymise=False)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert '<Coding guid="60000000-0000-0000-0000-000000000001"' in qde
    import_qdpx(me, path, nlp=nlp)  # the same file again: nothing new, no clash
    assert db.execute("SELECT count(*) FROM codings").fetchone()[0] == 1


def test_codings_keep_when_they_were_coded_in_the_other_tool(db, tmp_path, nlp):
    """A Coding's creationDateTime is when its coder coded it (NVivo, ATLAS.ti and QualCoder
    write it). Before, every imported coding was dated at the import, and an export sent
    the import's time back as when it was coded."""
    plain = qdpx(tmp_path / "plain.qdpx", b"R: Hallo daar.", [(3, 8, U.format(1), 1)])
    path = tmp_path / "dated.qdpx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as dated:
        for name in source.namelist():
            data = source.read(name)
            if name == "project.qde":
                data = data.replace(
                    b"<Coding ", b'<Coding creationDateTime="2019-05-04T10:11:12Z" '
                )
            dated.writestr(name, data)
    me = Project.for_user(db, ME)
    import_qdpx(me, path, nlp=nlp)
    assert db.execute("SELECT created_at FROM codings").fetchall() == [
        ("2019-05-04T10:11:12.000+00:00",)
    ]
    out = tmp_path / "out.qdpx"
    export_qdpx(me, out, pseudonymise=False)
    with zipfile.ZipFile(out) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert re.search(r'<Coding [^>]*creationDateTime="2019-05-04T10:11:12Z"', qde)


def test_a_file_from_before_a_merge_puts_its_codings_on_the_code_merged_into(db, tmp_path, nlp):
    """A colleague codes our export while we merge two codes: their file still names the
    merged-away code's guid. It used to stop the import with sqlite3.IntegrityError (the
    inactive code keeps its guid); its codings now go where the merge put the code's own."""
    from workbench.codebook.editing import merge_codes

    me = Project.for_user(db, ME)
    first = qdpx(tmp_path / "eerst.qdpx", b"R: Ik schaam me.", [(3, 15, U.format(1), 2)])
    import_qdpx(me, first, nlp=nlp)
    merge_codes(me, "verbergen", "schaamte", rationale="zelfde idee")
    later = qdpx(
        tmp_path / "later.qdpx",
        b"R: Ik schaam me.",
        [(3, 15, U.format(1), 2), (3, 5, U.format(2), 2)],
    )
    report = import_qdpx(me, later, nlp=nlp)
    assert db.execute(
        "SELECT k.slug, c.coder, c.text FROM codings c JOIN codes k ON k.id = c.code_id "
        "ORDER BY c.coder"
    ).fetchall() == [("schaamte", "anna", "Ik schaam me"), ("schaamte", "bram", "Ik")]
    assert db.execute("SELECT slug, active FROM codes ORDER BY slug").fetchall() == [
        ("schaamte", 1),
        ("verbergen", 0),
    ]
    assert {
        "key": "exchange.warn.code_merged",
        "params": {"code": "Verbergen", "into": "Schaamte"},
    } in report.warnings
    assert report.counts["codings"] == 1 and report.counts["codings_matched"] == 1


CODEBOOK = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>"""


def test_a_merged_code_whose_target_is_gone_comes_back_as_a_new_code(db, tmp_path):
    """Schaamte merged into a code of a second codebook that was then removed unused: the
    inactive code keeps its guid, so the codebook read again gets a new Schaamte (it used to
    stop with sqlite3.IntegrityError)."""
    from workbench.codebook.editing import merge_codes, remove_codebook
    from workbench.exchange import import_qdc

    me = Project.for_user(db, ME)
    eigen, later = tmp_path / "eigen.qdc", tmp_path / "later.qdc"
    code = '<Code guid="20000000-0000-0000-0000-00000000000{}" name="{}" isCodable="true"/>'
    eigen.write_text(CODEBOOK.format(codes=code.format(1, "Schaamte")), encoding="utf-8")
    later.write_text(CODEBOOK.format(codes=code.format(2, "Trots")), encoding="utf-8")
    import_qdc(me, eigen)
    import_qdc(me, later)
    merge_codes(me, "schaamte", "trots", rationale="proef")
    remove_codebook(me, "later", rationale="toch niet")
    report = import_qdc(me, eigen)
    assert report.counts == {"codes": 1}
    assert db.execute("SELECT slug, active, guid FROM codes ORDER BY id").fetchall() == [
        ("schaamte", 0, "20000000-0000-0000-0000-000000000001"),
        ("schaamte-2", 1, None),
    ]


def test_a_code_without_guid_keeps_its_sub_codes_and_their_codings(db, tmp_path, nlp):
    """A hand-made file whose parent code has no guid: it used to be dropped with everything
    below it, and the report blamed the sub-code's coding on a code "not in the codebook"."""
    from workbench.exchange import import_qdc

    with_guid = qdpx(tmp_path / "met-id.qdpx", b"R: Ik schaam me.", [(3, 15, U.format(1), 2)])
    with zipfile.ZipFile(with_guid) as zf:
        xml = zf.read("project.qde").decode("utf-8")
    no_guid = xml.replace('guid="20000000-0000-0000-0000-000000000001" ', "")
    path = _with_qde(tmp_path, no_guid.encode("utf-8"))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Ik schaam me.")
    me = Project.for_user(db, ME)
    report = import_qdpx(me, path, nlp=nlp)
    assert report.losses == []
    assert db.execute(
        "SELECT k.name, p.name, c.text FROM codings c JOIN codes k ON k.id = c.code_id "
        "JOIN codes p ON p.id = k.parent_id"
    ).fetchall() == [("Verbergen", "Schaamte", "Ik schaam me")]
    no_guid_warning = next(w for w in report.warnings if "examples" in w["params"])
    assert no_guid_warning["params"]["examples"] == "'Schaamte'"
    again = import_qdpx(me, path, nlp=nlp)  # the same file finds the same codes
    assert again.counts["codes_matched"] == 2 and "codes" not in again.counts
    codebook = tmp_path / "eigen.qdc"
    codebook.write_text(
        CODEBOOK.format(
            codes='<Code name="Zorg" isCodable="true"><Code guid="20000000-0000-0000-0000-'
            '000000000009" name="Mantelzorg" isCodable="true"/></Code>'
        ),
        encoding="utf-8",
    )
    report = import_qdc(me, codebook)
    assert report.losses == [] and report.counts == {"codes": 2}
    assert db.execute(
        "SELECT p.name FROM codes k JOIN codes p ON p.id = k.parent_id WHERE k.name = 'Mantelzorg'"
    ).fetchall() == [("Zorg",)]


def test_a_comment_on_a_selection_in_a_missing_source_is_reported(db, tmp_path, nlp):
    path = qdpx(tmp_path / "met.qdpx", b"R: Ik schaam me.", [(3, 15, U.format(1), 2)])
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("project.qde").decode("utf-8")
    comment = '<Description>Waarom zegt ze dit?</Description><Coding guid="6'
    path = _with_qde(tmp_path, xml.replace('<Coding guid="6', comment, 1).encode("utf-8"))
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)  # without Sources/
    assert [(loss.kind, loss.reason, loss.count) for loss in report.losses] == [
        ("source", "file_missing", 1),
        ("coding", "source_not_read", 1),
        ("memo", "source_not_read", 1),
    ]


def test_decomposed_names_are_read_composed(db, tmp_path, nlp):
    """ATLAS.ti on macOS writes names decomposed (see the ATLAS.ti sample's 'Mabêl 2ième.txt'):
    a coder "Zoë" used to become "Zoe", and a code "Café" a second code next to the project's
    own "Café"."""
    from workbench.exchange import import_qdc

    me = Project.for_user(db, ME)
    own = tmp_path / "eigen.qdc"
    own.write_text(
        CODEBOOK.format(
            codes='<Code guid="20000000-0000-0000-0000-000000000009" name="Café" isCodable="true"/>'
        ),
        encoding="utf-8",
    )
    import_qdc(me, own)
    path = qdpx(tmp_path / "mac.qdpx", b"R: Ik schaam me.", [(3, 15, U.format(1), 1)])
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("project.qde").decode("utf-8")
    decomposed = "Zoe\u0308", "Cafe\u0301", "Mabe\u0302l.txt"
    xml = xml.replace('name="anna"', f'name="{decomposed[0]}"')
    xml = xml.replace('name="Schaamte"', f'name="{decomposed[1]}"')
    xml = xml.replace('name="r01.txt"', f'name="{decomposed[2]}"')
    path = _with_qde(tmp_path, xml.encode("utf-8"))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Ik schaam me.")
    import_qdpx(me, path, nlp=nlp)
    assert db.execute(
        "SELECT c.coder, k.name, d.name FROM codings c JOIN codes k ON k.id = c.code_id "
        "JOIN documents d ON d.id = c.document_id"
    ).fetchall() == [("Zoë", "Café", "Mabêl")]
    assert db.execute("SELECT count(*) FROM codes WHERE name = 'Café'").fetchone() == (1,)


# A code description as NVivo writes it (a list with tab-indented bullets) and as a
# pretty-printed file wraps it (on its own lines, indented under the tag).
LISTED = "Wat iemand verzwijgt.\n\t•\tvoor familie\n\t•\tvoor buren"
PRETTY = "\n        " + LISTED.replace("\n", "\n        ") + "\n      "


@pytest.mark.parametrize("written", [LISTED, PRETTY], ids=["as_written", "pretty_printed"])
def test_qdc_and_qdpx_read_a_code_description_the_same_way(db, tmp_path, nlp, written):
    """The indentation inside a description stays (a .qdc import trimmed every line, so
    NVivo's bullets lost their tab); the indentation of a pretty-printed file goes (a
    .qdpx import kept it)."""
    from workbench.exchange import import_qdc

    code = (
        '<Code guid="20000000-0000-0000-0000-000000000001" name="Schaamte" isCodable="true">'
        f"<Description>{written}</Description></Code>"
    )
    book = tmp_path / "eigen.qdc"
    book.write_text(CODEBOOK.format(codes=code), encoding="utf-8")
    import_qdc(Project.for_user(db, ME), book)
    fresh = open_project(tmp_path / "fresh.db")
    xml = PROJECT.format(u1=U.format(1), u2=U.format(2), selections="")
    xml = re.sub(r'<Code guid="20000000-0000-0000-0000-000000000001".*?</Code>', code, xml, 1, re.S)
    import_qdpx(Project.for_user(fresh, ME), _with_qde(tmp_path, xml.encode("utf-8")), nlp=nlp)
    read = "SELECT definition FROM codes WHERE name = 'Schaamte'"
    assert db.execute(read).fetchone() == fresh.execute(read).fetchone() == (LISTED,)


PICTURE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Beeld">
  <Users><User guid="{u1}" name="anna"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="Schaamte" isCodable="true"/>
    <Code guid="20000000-0000-0000-0000-000000000002" name="Trots" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <PictureSource guid="40000000-0000-0000-0000-000000000001" name="keuken.jpg"
                   path="internal://40000000-0000-0000-0000-000000000001.jpg">
      <PictureSelection guid="50000000-0000-0000-0000-000000000001" name="Tafel"
                        firstX="1" firstY="2" secondX="30" secondY="40">
        <Coding guid="60000000-0000-0000-0000-000000000001" creatingUser="{u1}">
          <CodeRef targetGUID="20000000-0000-0000-0000-000000000001"/></Coding>
        <Coding guid="60000000-0000-0000-0000-000000000002" creatingUser="{u1}">
          <CodeRef targetGUID="20000000-0000-0000-0000-000000000002"/></Coding>
      </PictureSelection>
      <PictureSelection guid="50000000-0000-0000-0000-000000000002" name="Raam"
                        firstX="5" firstY="5" secondX="9" secondY="9"/>
    </PictureSource>
  </Sources>
  <Notes><Note guid="a0000000-0000-0000-0000-000000000001" name="Mooie foto">
    <PlainTextContent>Hier zit veel in.</PlainTextContent></Note></Notes>
  <Links><Link guid="b0000000-0000-0000-0000-000000000001" name="Memo-Quotation"
    originGUID="a0000000-0000-0000-0000-000000000001"
    targetGUID="50000000-0000-0000-0000-000000000001"/></Links>
</Project>"""


def test_report_counts_codings_in_a_picture_and_names_a_note_by_its_name(db, tmp_path, nlp):
    """One picture area with two codes is '2 × coding in a picture' (it said '2 × picture
    selection'), an area without codes is counted as an area; the lost link names the note
    (it named its GUID)."""
    path = _with_qde(tmp_path, PICTURE.format(u1=U.format(1)).encode("utf-8"))
    report = import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    lost = {loss.kind: (loss.count, loss.examples) for loss in report.losses}
    assert lost["picture_coding"] == (2, ["keuken.jpg"])
    assert lost["picture_selection"] == (1, ["keuken.jpg"])
    assert lost["link"] == (1, ["Mooie foto"])
    text = report.text("en")
    assert "2 × coding in a picture." in text and "1 × picture area without codes." in text
    assert "Niet meegenomen: 2 × codering in een afbeelding." in report.text("nl")


def test_a_qdpx_float_is_read_the_xml_way(db, tmp_path, nlp):
    """A REFI-QDA Float is xs:double: "1.000" is one, not the Dutch spreadsheet thousand."""
    cases = """<Variables>
    <Variable guid="70000000-0000-0000-0000-000000000001" name="uren" typeOfVariable="Float"/>
  </Variables>
  <Cases>{}</Cases>
  <Sources>""".format(
        "".join(
            f'<Case guid="8000000{i}-0000-0000-0000-000000000001" name="R0{i}"><VariableValue>'
            '<VariableRef targetGUID="70000000-0000-0000-0000-000000000001"/>'
            f"<FloatValue>{value}</FloatValue></VariableValue></Case>"
            for i, value in enumerate(["1.000", "2.500", "3"], start=1)
        )
    )
    path = qdpx(tmp_path / "t.qdpx", b"R: Hallo daar.", [])
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("project.qde").decode("utf-8")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.replace("<Sources>", cases, 1))
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Hallo daar.")
    import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    rows = db.execute(
        "SELECT r.code, v.value FROM attribute_values v "
        "JOIN respondents r ON r.id = v.respondent_id ORDER BY r.code"
    ).fetchall()
    assert rows == [("R01", "1"), ("R02", "2.5"), ("R03", "3")]


def test_a_project_without_a_name_is_named_after_the_qdpx_file(db, tmp_path, nlp):
    """The .qde inside a .qdpx is often just "project.qde": a Project element without a name
    gave the project the name "project" instead of the file the researcher chose."""
    path = tmp_path / "Interviews Zuid.qdpx"
    xml = PROJECT.replace(' name="Test">', ">", 1).format(
        u1=U.format(1), u2=U.format(2), selections=""
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.encode("utf-8"))
        zf.writestr("Sources/50000000-0000-0000-0000-000000000001.txt", b"R: Hallo daar.")
    import_qdpx(Project.for_user(db, ME), path, nlp=nlp)
    assert get_setting(db, "project_name") == "Interviews Zuid"
