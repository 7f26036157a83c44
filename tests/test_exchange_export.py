"""Exports: pseudonymised by default with remapped offsets, tables of codings, permissions."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest

from test_exchange_roundtrip import ME, rich  # noqa: F401 (the shared project fixture)
from workbench.accounts import add_user
from workbench.cli import main
from workbench.errors import InputError, PermissionDenied
from workbench.exchange import export_codings_table, export_project, export_qdpx
from workbench.exchange.safety import parse_xml
from workbench.handle import Project
from workbench.memos import add_memo
from workbench.privacy import apply_pseudonyms, candidates, decide
from workbench.privacy.key import KeyEntry, PseudonymKey, key_path, save_key
from workbench.store import now
from workbench.handle import Project


def pseudonymise_rene(db, project_file) -> None:
    """Mark every 'René' as [Naam 1], the way the privacy module stores it."""
    pid = (
        db["pseudonyms"]
        .insert(
            {"replacement": "[Naam 1]", "kind": "person", "created_at": now(), "created_by": ME}
        )
        .last_pk
    )
    for doc_id, text in db.execute("SELECT id, text FROM documents").fetchall():
        start = text.find("René")
        while start >= 0:
            db["pseudonym_spans"].insert(
                {
                    "document_id": doc_id,
                    "start_char": start,
                    "end_char": start + 4,
                    "pseudonym_id": pid,
                    "created_at": now(),
                    "created_by": ME,
                }
            )
            start = text.find("René", start + 1)
    key = PseudonymKey({"René": KeyEntry("René", "person", "accepted", "[Naam 1]")})
    save_key(key, key_path(project_file))
    researcher = Project.for_user(db, ME)
    for cand in candidates(researcher):  # no other name: an export waits for every decision
        if cand["status"] == "new":
            decide(researcher, cand["original"], accept=False, apply=False)
    apply_pseudonyms(researcher)


def _qde(path):
    with zipfile.ZipFile(path) as zf:
        root = parse_xml(zf.read("project.qde"), file="project.qde")
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".txt")}
    return root, texts


def test_export_is_pseudonymised_by_default_and_codings_still_fit(rich, tmp_path):
    pseudonymise_rene(rich, tmp_path / "rich.db")
    add_memo(
        Project.for_user(rich, "anna"),
        target_type="project",
        target_id=None,
        text="Vraag René later.",
    )
    out = tmp_path / "p.qdpx"
    export_qdpx(Project.for_user(rich, ME), out)
    root, texts = _qde(out)
    assert not any("René" in t for t in texts.values())
    assert any("Zonder [Naam 1] was ik" in t for t in texts.values())
    for source in root.iter("TextSource"):
        text = texts["sources/" + source.get("plainTextPath").split("//")[1]]
        for sel in source.iter("PlainTextSelection"):
            span = text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
            assert " ".join(span.split())[:99] == sel.get("name").rstrip("…")[:99]
    quotes = [s.get("name") for s in root.iter("PlainTextSelection")]
    assert "Een buurman die boodschappen doet." in quotes
    notes = [n.findtext("PlainTextContent") for n in root.iter("Note")]
    assert "Vraag [Naam 1] later." in notes and not any("René" in n for n in notes)


def test_original_text_needs_the_researcher_role(rich, tmp_path):
    add_user(Project.for_user(rich, ME), "sanne", role="supervisor")
    add_user(Project.for_user(rich, ME), "wijk", role="co-onderzoeker")
    with pytest.raises(PermissionDenied):
        export_qdpx(Project.for_user(rich, "sanne"), tmp_path / "x.qdpx", pseudonymise=False)
    # before anyone checked the names, "pseudonymised" would still hold them: refused too
    with pytest.raises(InputError, match="nobody has checked the names|niemand de namen"):
        export_qdpx(Project.for_user(rich, "sanne"), tmp_path / "x.qdpx")
    pseudonymise_rene(rich, tmp_path / "rich.db")
    export_qdpx(Project.for_user(rich, "sanne"), tmp_path / "ok.qdpx")
    with pytest.raises(PermissionDenied):
        export_qdpx(Project.for_user(rich, "wijk"), tmp_path / "y.qdpx")
    assert not (tmp_path / "x.qdpx").exists() and not (tmp_path / "y.qdpx").exists()


def test_codings_table_has_one_row_per_coding_with_context(rich, tmp_path):
    out = tmp_path / "codings.csv"
    export_codings_table(Project.for_user(rich, ME), out, pseudonymise=False)
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) == 7
    assert {
        "document",
        "respondent",
        "leeftijd",
        "woonvorm",
        "speaker",
        "start_char",
        "end_char",
        "text",
        "code",
        "coder",
        "status",
        "origin",
        "score",
        "time",
    } <= set(frame.columns)
    row = frame[frame["text"] == "Ik schaam me een beetje, ëcht waar."].iloc[0]
    assert (row["respondent"], row["leeftijd"], row["speaker"]) == ("R01", 71, "R")


def test_xlsx_with_suggestions_lists_suggested_and_rejected_rows(rich, tmp_path):
    out = tmp_path / "codings.xlsx"
    export_codings_table(Project.for_user(rich, ME), out, include_suggestions=True)
    frame = pd.read_excel(out, engine="openpyxl")
    assert sorted(frame["status"].value_counts().items()) == [
        ("accepted", 7),
        ("rejected", 1),
        ("suggested", 1),
    ]
    assert frame.loc[frame["status"] == "suggested", "score"].tolist() == [0.8]
    assert (tmp_path / "codings.xlsx.dataloss.txt").exists()


def test_cli_export_writes_each_format_and_its_report(rich, tmp_path, capsys):
    project = str(tmp_path / "rich.db")
    for fmt in ("qdpx", "qdc", "csv", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        assert main(["export", "--project", project, "--format", fmt, "--output", str(out)]) == 0
        assert out.exists() and (tmp_path / f"out.{fmt}.dataloss.txt").exists()
    assert "Export" in capsys.readouterr().out


def test_cli_refuses_original_text_for_a_supervisor(rich, tmp_path, capsys):
    add_user(Project.for_user(rich, ME), "sanne", role="supervisor")
    code = main(
        [
            "export",
            "--project",
            str(tmp_path / "rich.db"),
            "--format",
            "csv",
            "--output",
            str(tmp_path / "o.csv"),
            "--original-text",
            "--user",
            "sanne",
        ]
    )
    assert code == 1
    assert capsys.readouterr().err.startswith("Fout: ")


def test_failed_export_leaves_no_half_file(rich, tmp_path):
    target = tmp_path / "keep.qdpx"
    target.write_bytes(b"old export")
    add_user(Project.for_user(rich, ME), "wijk", role="co-onderzoeker")
    with pytest.raises(PermissionDenied):
        export_project(Project.for_user(rich, "wijk"), target, format="qdpx")
    assert target.read_bytes() == b"old export"
    assert [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []


def test_every_export_is_logged_with_its_choices(rich, tmp_path):
    export_qdpx(Project.for_user(rich, ME), tmp_path / "a.qdpx", pseudonymise=False)
    export_codings_table(Project.for_user(rich, ME), tmp_path / "a.csv")
    rows = rich.execute(
        "SELECT action, actor, after FROM events WHERE action LIKE 'export.%' ORDER BY id"
    ).fetchall()
    assert [(a, who) for a, who, _ in rows] == [("export.qdpx", ME), ("export.csv", ME)]
    assert '"pseudonymised": false' in rows[0][2]


def test_pseudonymised_export_coded_elsewhere_comes_back_onto_the_original(rich, tmp_path, nlp):
    from test_exchange_roundtrip import snapshot
    from workbench.codings import add_coding, remove_coding
    from workbench.exchange import import_qdpx

    from workbench.respondents import define_attribute, set_value

    define_attribute(Project.for_user(rich, ME), "contactpersoon", "text")
    set_value(Project.for_user(rich, ME), "R01", "contactpersoon", "René")
    pseudonymise_rene(rich, tmp_path / "rich.db")
    doc, text = rich.execute("SELECT id, text FROM documents WHERE text LIKE '%René%'").fetchone()
    for quote in ("Zonder René", "René was ik allang", "Wie is René?"):
        start = text.index(quote)
        add_coding(
            Project.for_user(rich, "bram"),
            code="brugfiguren",
            document_id=doc,
            start_char=start,
            end_char=start + len(quote),
        )
    before = snapshot(rich)["codings"]
    export_qdpx(Project.for_user(rich, ME), tmp_path / "p.qdpx")
    for (coding_id,) in rich.execute("SELECT id FROM codings WHERE status = 'accepted'").fetchall():
        remove_coding(Project.for_user(rich, ME), coding_id)
    report = import_qdpx(Project.for_user(rich, ME), tmp_path / "p.qdpx", nlp=nlp)
    assert snapshot(rich)["codings"] == before
    assert report.counts["documents_matched"] == 2 and "documents" not in report.counts
    assert "memos" not in report.counts and report.counts["memos_matched"] == 6
    # "[Naam 1]" is the pseudonym of the stored "René": the same value, no conflict
    assert not [loss for loss in report.losses if loss.reason == "kept_existing_value"]


def test_an_attribute_named_like_a_column_does_not_overwrite_it(rich, tmp_path):
    from workbench.exchange import codings_table
    from workbench.respondents import define_attribute, set_value

    researcher = Project.for_user(rich, ME)
    define_attribute(researcher, "text", "text")
    set_value(researcher, "R01", "text", "kenmerk")
    frame = codings_table(researcher, pseudonymise=False)
    assert "text (attribute)" in frame.columns
    assert "kenmerk" not in set(frame["text"])


def test_cli_needs_a_known_format(rich, tmp_path, capsys):
    code = main(
        ["export", "--project", str(tmp_path / "rich.db"), "--output", str(tmp_path / "out.pdf")]
    )
    assert code == 1
    assert "pdf" in capsys.readouterr().err


def test_codings_table_is_pseudonymised_by_default(rich, tmp_path):
    from workbench.codings import add_coding
    from workbench.exchange import codings_table

    pseudonymise_rene(rich, tmp_path / "rich.db")
    doc, text = rich.execute("SELECT id, text FROM documents WHERE text LIKE '%René%'").fetchone()
    start = text.index("Zonder René was ik")
    add_coding(
        Project.for_user(rich, "bram"),
        code="brugfiguren",
        document_id=doc,
        start_char=start,
        end_char=start + len("Zonder René was ik"),
    )
    frame = codings_table(Project.for_user(rich, ME))
    assert "Zonder [Naam 1] was ik" in set(frame["text"])
    assert not frame["text"].str.contains("René").any()


def test_control_characters_in_memos_and_codes_do_not_break_the_xml(rich, tmp_path):
    from workbench.exchange import export_qdc
    from workbench.exchange.ids import schema_errors

    add_memo(
        Project.for_user(rich, "anna"), target_type="project", target_id=None, text="a\x0bb\x01c"
    )
    rich.execute("UPDATE codes SET definition = 'x\x0cy' WHERE slug = 'schaamte'")
    export_qdpx(Project.for_user(rich, ME), tmp_path / "c.qdpx")
    export_qdc(Project.for_user(rich, ME), tmp_path / "c.qdc")
    root, _ = _qde(tmp_path / "c.qdpx")
    assert "abc" in [n.findtext("PlainTextContent") for n in root.iter("Note")]
    assert schema_errors("Codebook", (tmp_path / "c.qdc").read_bytes()) == []


def test_case_names_and_text_values_are_pseudonymised_and_still_match_on_return(
    rich, tmp_path, nlp
):
    from workbench.exchange import import_qdpx
    from workbench.respondents import set_value, update_respondent

    pseudonymise_rene(rich, tmp_path / "rich.db")
    update_respondent(Project.for_user(rich, ME), "R02", code="René")
    set_value(Project.for_user(rich, ME), "René", "woonvorm", "bij René in huis")
    export_qdpx(Project.for_user(rich, ME), tmp_path / "p.qdpx")
    root, _ = _qde(tmp_path / "p.qdpx")
    assert sorted(c.get("name") for c in root.iter("Case")) == ["R01", "[Naam 1]"]
    assert "bij [Naam 1] in huis" in [v.text for v in root.iter("TextValue")]
    report = import_qdpx(Project.for_user(rich, ME), tmp_path / "p.qdpx", nlp=nlp)
    assert rich.execute("SELECT code FROM respondents ORDER BY code").fetchall() == [
        ("R01",),
        ("René",),
    ]
    assert rich.execute(
        "SELECT value FROM attribute_values WHERE attribute = 'woonvorm' AND value LIKE 'bij%'"
    ).fetchall() == [("bij René in huis",)]
    # the file's "bij [Naam 1] in huis" is the pseudonym of the stored value: no conflict
    assert not [loss for loss in report.losses if loss.reason == "kept_existing_value"]
    assert report.counts["attribute_values_matched"] >= 1


def test_a_format_that_does_not_fit_the_file_name_is_refused_before_writing(rich, tmp_path, capsys):
    out = tmp_path / "codeboek.qdpx"
    args = ["--lang", "en", "export", "--project", str(tmp_path / "rich.db")]
    assert main([*args, "--format", "qdc", "--output", str(out)]) == 1
    assert "You chose qdc, but the file" in capsys.readouterr().err
    assert not out.exists()


def test_no_guid_of_a_pseudonymised_export_is_derived_from_a_name(rich, tmp_path, nlp):
    """Guids that were never stored are derived with UUID5 in a namespace the source code
    publishes: one derived from the code id "hulp-van-rene" or the respondent code "René"
    lets anyone who guesses the name check it (the privacy audit of December 7). A
    pseudonymised export derives them from the id and code with the names replaced, and
    reading the file back into the project still finds that code and that respondent."""
    import uuid

    from workbench.codebook import add_code
    from workbench.exchange import export_qdc, import_qdpx
    from workbench.respondents import add_respondent

    researcher = Project.for_user(rich, ME)
    add_code(researcher, name="Hulp van René", rationale="test")
    add_respondent(researcher, "René")
    pseudonymise_rene(rich, tmp_path / "rich.db")
    namespace = uuid.UUID("6f2b1c2e-3d53-4c9e-9a5d-7b0c1f2e8a41")  # workbench.exchange.ids
    guessed = {
        str(uuid.uuid5(namespace, f"{k}:{n}"))
        for k in ("code", "case")
        for n in (
            "hulp-van-rene",
            "René",
        )
    }
    export_qdpx(researcher, tmp_path / "p.qdpx")
    export_qdc(researcher, tmp_path / "p.qdc")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        written = zf.read("project.qde").decode("utf-8")
    written += (tmp_path / "p.qdc").read_text(encoding="utf-8")
    assert "Hulp van [Naam 1]" in written and 'name="[Naam 1]"' in written
    assert not [guid for guid in guessed if guid in written]
    counts = {
        t: rich.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("codes", "respondents")
    }
    report = import_qdpx(researcher, tmp_path / "p.qdpx", nlp=nlp)
    assert "codes" not in report.counts and "respondents" not in report.counts
    assert counts == {
        t: rich.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("codes", "respondents")
    }


@pytest.mark.parametrize("fmt", ["qdpx", "csv", "xlsx"])
def test_coder_codes_name_no_team_member(rich, tmp_path, fmt):
    """Coders and memo authors are the research team: by default an export names them (another
    tool shows who coded what). With ``coder_codes`` (``workbench export --coder-codes``) a
    file names nobody: every user is "[Codeur n]", in every export the same, and no user's
    guid is derived from a name (the privacy audit of December 7: there was no such option)."""
    import re
    import uuid

    from workbench.memos import add_memo

    add_memo(Project.for_user(rich, "anna"), target_type="project", target_id=None, text="Notitie.")
    users = [r[0] for r in rich.execute("SELECT name FROM users ORDER BY created_at, name")]
    coders = {r[0] for r in rich.execute("SELECT DISTINCT coder FROM codings")}
    assert {"anna", "bram"} <= coders | {"anna"}
    out = tmp_path / f"p.{fmt}"
    path = str(tmp_path / "rich.db")
    assert main(["export", "--project", path, "--output", str(out), "--coder-codes"]) == 0
    if fmt == "xlsx":
        written = pd.read_excel(out).to_csv()
    elif fmt == "csv":
        written = out.read_text(encoding="utf-8-sig")
    else:
        with zipfile.ZipFile(out) as zf:
            written = zf.read("project.qde").decode("utf-8")
    named = re.compile(r"\b(" + "|".join(map(re.escape, users)) + r")\b")
    assert named.findall(written) == []
    labels = {f"[Codeur {n}]": name for n, name in enumerate(users, 1)}
    assert {label for label in labels if label in written} >= {
        label for label, name in labels.items() if name in coders
    }
    namespace = uuid.UUID("6f2b1c2e-3d53-4c9e-9a5d-7b0c1f2e8a41")  # workbench.exchange.ids
    assert not [u for u in users if str(uuid.uuid5(namespace, f"user:{u}")) in written]
    # and without the option the coders are named, as before
    assert main(["export", "--project", path, "--output", str(out)]) == 0
    if fmt == "csv":
        assert "bram" in out.read_text(encoding="utf-8-sig")


def test_number_attributes_are_written_as_entered_in_the_csv(rich, tmp_path):
    # "leeftijd" holds 71 and 64, "inkomen" 1250.5 and 980: one column is all floats to
    # pandas, so the CSV said 71.0 and 980.0 where the researcher typed 71 and 980.
    researcher = Project.for_user(rich, ME)
    out = tmp_path / "codings.csv"
    export_codings_table(researcher, out, pseudonymise=False)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    by_respondent = {r["respondent"]: (r["leeftijd"], r["inkomen"]) for r in rows}
    assert by_respondent == {"R01": ("71", "1250.5"), "R02": ("64", "980")}
    xlsx = tmp_path / "codings.xlsx"
    export_codings_table(researcher, xlsx, pseudonymise=False)
    frame = pd.read_excel(xlsx, engine="openpyxl")
    assert sorted(set(frame["leeftijd"])) == [64, 71]
