"""Respondents, typed attributes, CSV/XLSX import with per-row errors, document links."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from workbench.errors import InputError, PermissionDenied
from workbench.handle import Project
from workbench.respondents import (
    RowErrors,
    add_respondent,
    define_attribute,
    import_respondents,
    import_summary,
    infer_type,
    link_document,
    list_attributes,
    list_respondents,
    parse_value,
    respondents_table,
    save_table,
    set_value,
)

CSV = (
    "respondent;leeftijd;woont_alleen;interview_datum;wijk;pseudoniem\n"
    "R01;72;ja;12-03-2025;Spoorzicht;Gerda\n"
    "R02;45,5;nee;2025-03-14;Ter Aa;Henk\n"
)


@pytest.fixture
def me(db):
    """The project as the researcher sees it."""
    return Project.for_user(db, "onderzoeker")


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize(
    "values,expected",
    [
        (["ja", "Nee", ""], "boolean"),
        (["1", "2,5", None], "number"),
        (["2025-01-02", "03-04-2024"], "date"),
        (["1", "een"], "text"),
        ([], "text"),
        ([dt.date(2024, 1, 1)], "date"),
        ([True, False], "boolean"),
    ],
)
def test_attribute_types_are_inferred(values, expected):
    assert infer_type(values) == expected


def test_values_are_stored_canonically():
    assert parse_value("2,50", "number") == "2.5"
    assert parse_value(7.0, "number") == "7"
    assert parse_value("12-03-2025", "date") == "2025-03-12"
    assert parse_value("Ja", "boolean") == "true"
    with pytest.raises(ValueError):
        parse_value("veel", "number")


def test_csv_import_adds_respondents_with_typed_attributes(me, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(CSV.encode("cp1252"))
    result = import_respondents(me, path)
    assert (result["added"], result["updated"]) == (2, 0)
    assert {a["name"]: a["type"] for a in list_attributes(me)} == {
        "leeftijd": "number",
        "woont_alleen": "boolean",
        "interview_datum": "date",
        "wijk": "text",
    }
    gerda = list_respondents(me)[0]
    assert gerda["pseudonym"] == "Gerda"
    assert gerda["attributes"] == {
        "leeftijd": "72",
        "woont_alleen": "true",
        "interview_datum": "2025-03-12",
        "wijk": "Spoorzicht",
    }


def test_importing_again_updates_instead_of_duplicating(me, db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    import_respondents(me, path)
    path.write_text(CSV.replace("Spoorzicht", "Oude Kern"), encoding="utf-8")
    result = import_respondents(me, path)
    assert (result["added"], result["updated"], result["values"]) == (0, 1, 1)
    assert result["unchanged"] == 1  # R02: the same row again is no update
    assert count(db, "respondents") == 2


def test_xlsx_import_reads_numbers_and_dates(me, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "leeftijd", "sinds"])
    sheet.append(["R09", 81, dt.datetime(2019, 5, 1)])
    book.save(tmp_path / "r.xlsx")
    import_respondents(me, tmp_path / "r.xlsx")
    assert list_respondents(me)[0]["attributes"] == {
        "leeftijd": "81",
        "sinds": "2019-05-01",
    }


def test_bad_rows_are_all_reported_and_nothing_is_written(me, db, tmp_path):
    define_attribute(me, "leeftijd", "number")
    path = tmp_path / "r.csv"
    path.write_text("respondent,leeftijd\nR01,70\n,71\nR01,72\nR03,oud\n", encoding="utf-8")
    events = count(db, "events")
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    message = caught.value.message("en")
    assert "row 3" in message and "row 4" in message and "row 5, column 'leeftijd'" in message
    assert count(db, "respondents") == 0 and count(db, "events") == events


def test_changing_a_type_converts_values_or_refuses(me):
    add_respondent(me, "R01")
    define_attribute(me, "kinderen", "text")
    set_value(me, "R01", "kinderen", "2")
    define_attribute(me, "kinderen", "number")
    assert list_attributes(me)[0]["type"] == "number"
    set_value(me, "R01", "kinderen", "")
    define_attribute(me, "kinderen", "text")
    set_value(me, "R01", "kinderen", "twee")
    with pytest.raises(InputError, match="R01"):
        define_attribute(me, "kinderen", "number")
    assert list_attributes(me)[0]["type"] == "text"


def test_edited_table_is_saved_with_events(me, db):
    add_respondent(me, "R01")
    define_attribute(me, "leeftijd", "number")
    table = respondents_table(me)
    table.loc[0, "leeftijd"] = 64
    records = table.to_dict("records") + [{"code": "R02", "pseudonym": "Kees", "leeftijd": 50}]
    assert save_table(me, records) == 3
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"leeftijd": "64"},
        {"leeftijd": "50"},
    ]
    after = [
        json.loads(r[0])
        for r in db.execute("SELECT after FROM events WHERE action = 'attribute.set'")
    ]
    assert after == [{"value": "64"}, {"value": "50"}]


def test_documents_are_linked_and_unlinked(me, tmp_path):
    from workbench.ingest import import_files

    (tmp_path / "a.txt").write_text("I: Vraag?\nR: Antwoord.", encoding="utf-8")
    import_files(me, [tmp_path / "a.txt"])
    add_respondent(me, "R01")
    link_document(me, 1, "R01")
    assert list_respondents(me)[0]["n_documents"] == 1
    link_document(me, 1, None)
    assert list_respondents(me)[0]["n_documents"] == 0


def test_supervisors_may_not_edit_respondents(db):
    db.execute("INSERT INTO users (name, role, created_at) VALUES ('sup', 'supervisor', '')")
    with pytest.raises(PermissionDenied):
        add_respondent(Project.for_user(db, "sup"), "R01")


def test_saving_an_unchanged_table_with_gaps_changes_nothing(me):
    add_respondent(me, "R01")
    add_respondent(me, "R02")
    for name, type_ in [("datum", "date"), ("alleen", "boolean"), ("leeftijd", "number")]:
        define_attribute(me, name, type_)
    set_value(me, "R01", "datum", "2024-01-02")
    set_value(me, "R01", "alleen", "ja")
    assert save_table(me, respondents_table(me).to_dict("records")) == 0


def test_a_damaged_xlsx_is_reported_by_name(me, tmp_path):
    (tmp_path / "kapot.xlsx").write_bytes(b"PK\x03\x04 niet echt")
    with pytest.raises(InputError, match="kapot.xlsx"):
        import_respondents(me, tmp_path / "kapot.xlsx")


def test_a_co_researcher_may_not_read_attributes(db):
    import pytest

    from workbench.errors import PermissionDenied

    db["users"].insert({"name": "buurvrouw", "role": "co-onderzoeker", "created_at": "x"})
    for read in (list_respondents, list_attributes, respondents_table):
        with pytest.raises(PermissionDenied):
            read(Project.for_user(db, "buurvrouw"))


def test_saving_a_new_respondent_counts_as_a_change(me):
    assert save_table(me, [{"code": "R07", "pseudonym": None, "notes": None}]) == 1
    assert save_table(me, [{"code": "R07", "pseudonym": None, "notes": None}]) == 0


def _documents(db, tmp_path, *names):
    from workbench.ingest import import_files

    for name in names:
        (tmp_path / name).write_text("I: Vraag?\nR: Antwoord over " + name + ".", encoding="utf-8")
    assert import_files(Project.for_user(db, "onderzoeker"), [tmp_path / n for n in names]).ok


def test_many_links_in_one_save_report_unknown_codes(me, db, tmp_path):
    from workbench.respondents import link_documents

    _documents(db, tmp_path, "a.txt", "b.txt", "c.txt")
    add_respondent(me, "R01")
    done = link_documents(me, {1: "R01", 2: "R99", 3: None})
    assert done == {"changed": 1, "unknown": [(2, "R99")], "created": []}
    linked = dict(db.execute("SELECT id, respondent_id FROM documents").fetchall())
    assert linked == {1: 1, 2: None, 3: None}
    done = link_documents(me, {2: "R99"}, create=True)
    assert done == {"changed": 1, "unknown": [], "created": ["R99"]}
    assert [r["code"] for r in list_respondents(me)] == ["R01", "R99"]


def test_documents_are_matched_to_respondents_by_file_name(me, db, tmp_path):
    from workbench.respondents import match_by_file_name

    _documents(db, tmp_path, "R03_interview.txt", "gesprek-P12.txt", "r4-deel2.txt", "dagboek.txt")
    add_respondent(me, "P12")
    assert match_by_file_name(me) == {1: "R03", 2: "P12", 3: "R4"}
    link_document(me, 2, "P12")
    assert 2 not in match_by_file_name(me)  # linked ones are left alone


def test_a_sheet_as_dutch_excel_writes_it_keeps_zeros_and_ignores_empty_columns(me, tmp_path):
    """Fictional: a phone number and a postcode with a leading zero were stored as numbers
    (612345678, 123), and the empty columns Excel leaves ("...;;") refused the whole file."""
    path = tmp_path / "r.csv"
    path.write_text(
        "code;telefoon;postcode;leeftijd;;\nR01;0612345678;0123;74,5;;\nR02;0698765432;1234;68;;\n",
        encoding="utf-8",
    )
    import_respondents(me, path)
    types = {a["name"]: a["type"] for a in list_attributes(me)}
    assert types == {"telefoon": "text", "postcode": "text", "leeftijd": "number"}
    assert list_respondents(me)[0]["attributes"]["postcode"] == "0123"


def test_a_row_with_an_extra_cell_in_a_semicolon_file_is_named_not_read_as_one_column(me, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("code;leeftijd\nR01;70;extra\nR02;71\n", encoding="utf-8")
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    assert [key for key, _ in caught.value.problems] == ["respondents.row_too_long"]
    assert list_respondents(me) == []


def test_codes_match_in_any_letter_case(me, tmp_path):
    add_respondent(me, "R02")
    path = tmp_path / "r.csv"
    path.write_text("code;wijk\nr02;Oost\n", encoding="utf-8")
    assert import_respondents(me, path)["updated"] == 1
    assert [r["code"] for r in list_respondents(me)] == ["R02"]
    path.write_text("code;wijk\nR20;Oost\nr20;West\n", encoding="utf-8")
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    assert [key for key, _ in caught.value.problems] == ["respondents.row_duplicate"]


def test_turning_an_attribute_into_text_keeps_the_stored_text(me):
    add_respondent(me, "R01")
    define_attribute(me, "leeftijd", "number")
    define_attribute(me, "alleen", "boolean")
    set_value(me, "R01", "leeftijd", 74)
    set_value(me, "R01", "alleen", "ja")
    define_attribute(me, "leeftijd", "text")
    define_attribute(me, "alleen", "text")
    assert list_respondents(me)[0]["attributes"] == {"leeftijd": "74", "alleen": "true"}


def test_dutch_excel_numbers_keep_their_thousands(me, tmp_path):
    """Dutch Excel saves "Opslaan als CSV" with semicolons, decimal commas, points between
    thousands and cp1252: 1.234,50 is 1234.5, and "1.000" (a thousand, or one in an English
    file) is kept as the text it is rather than stored as 1."""
    path = tmp_path / "respondenten.csv"
    path.write_bytes(
        "Respondent;Inkomen;Uren;Reiskosten\n"
        "R01;1.234,50;1,5;0,75\n"
        "R02;2.000.000;1.000;12\n"
        "R03;950;2;1.000\n".encode("cp1252")
    )
    result = import_respondents(me, path)
    assert result["attributes"] == {"Inkomen": "number", "Uren": "text", "Reiskosten": "text"}
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"Inkomen": "1234.5", "Uren": "1,5", "Reiskosten": "0,75"},
        {"Inkomen": "2000000", "Uren": "1.000", "Reiskosten": "12"},
        {"Inkomen": "950", "Uren": "2", "Reiskosten": "1.000"},
    ]


def test_an_ambiguous_thousand_for_a_number_attribute_is_refused(me, db, tmp_path):
    add_respondent(me, "R01")
    define_attribute(me, "inkomen", "number")
    set_value(me, "R01", "inkomen", "1.500,25")
    path = tmp_path / "r.csv"
    path.write_text("code;inkomen\nR01;1.000\nR02;1,000\n", encoding="utf-8")
    events = count(db, "events")
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    message = caught.value.message("en")
    assert "row 2, column 'inkomen': '1.000'" in message
    assert "row 3, column 'inkomen': '1,000'" in message
    assert count(db, "respondents") == 1 and count(db, "events") == events
    assert list_respondents(me)[0]["attributes"] == {"inkomen": "1500.25"}
    with pytest.raises(InputError):
        set_value(me, "R01", "inkomen", "1.000")
    define_attribute(me, "notitie_bedrag", "text")
    set_value(me, "R01", "notitie_bedrag", "1.000")
    with pytest.raises(InputError, match="1.000"):
        define_attribute(me, "notitie_bedrag", "number")


def test_long_digit_codes_are_not_rounded(me, tmp_path):
    """A float keeps 15 digits: a 20-digit ID as a number came back with other digits."""
    book = openpyxl.Workbook()
    book.active.append(["code", "dossier", "jaarinkomen"])
    book.active.append(["R01", "12345678901234567890", "34500"])
    book.save(tmp_path / "r.xlsx")
    result = import_respondents(me, tmp_path / "r.xlsx")
    assert result["attributes"] == {"dossier": "text", "jaarinkomen": "number"}
    assert list_respondents(me)[0]["attributes"] == {
        "dossier": "12345678901234567890",
        "jaarinkomen": "34500",
    }
    assert respondents_table(me)["dossier"].tolist() == ["12345678901234567890"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.234,50", "1234.5"),
        ("1,234.50", "1234.5"),
        ("-12.345.678,9", "-12345678.9"),
        ("0,125", "0.125"),
        ("1000.000", "1000"),
        ("123456789012345", "123456789012345"),
    ],
)
def test_grouped_numbers_are_read(text, expected):
    assert parse_value(text, "number") == expected


@pytest.mark.parametrize("text", ["1.000", "-1,000", "1.234.5", "1,234,5", "1234567890123456"])
def test_ambiguous_or_too_long_numbers_are_refused(text):
    with pytest.raises(ValueError):
        parse_value(text, "number")


def test_a_capitalised_header_fills_the_existing_attribute(me, tmp_path):
    """Excel capitalises: "Wijk" in the sheet is the attribute wijk (as "r01 " is R01),
    not a second attribute beside it that filters and groups never read."""
    add_respondent(me, "R01")
    define_attribute(me, "wijk", "text")
    define_attribute(me, "vrijwilliger", "boolean")
    set_value(me, "R01", "wijk", "Spoorzicht")
    path = tmp_path / "r.csv"
    path.write_bytes("Code,Wijk ,VRIJWILLIGER,Café\nr01 ,Oost,Ja,x\n".encode("utf-8-sig"))
    result = import_respondents(me, path)
    assert (result["added"], result["updated"]) == (0, 1)
    assert [a["name"] for a in list_attributes(me)] == ["wijk", "vrijwilliger", "Café"]
    assert list_respondents(me)[0]["attributes"] == {
        "wijk": "Oost",
        "vrijwilliger": "true",
        "Café": "x",
    }
    path.write_text("code,wijk,Wijk\nR01,Oost,West\n", encoding="utf-8")
    with pytest.raises(RowErrors, match="Wijk"):
        import_respondents(me, path)


# --- importing an updated sheet again: what stays, and what the summary says --------------


def stored(me):
    return {r["code"]: (r["pseudonym"], r["attributes"]) for r in list_respondents(me)}


def test_an_empty_cell_in_a_sheet_imported_again_keeps_the_stored_value_and_says_so(me, tmp_path):
    """Fictional: the updated sheet left leeftijd and pseudoniem of R01 empty; both were
    deleted without a word ("1 waarde veranderd" was all the summary said)."""
    path = tmp_path / "r.csv"
    path.write_text("code;leeftijd;wijk;pseudoniem\nR01;72;Spoorzicht;Gerda\n", encoding="utf-8")
    import_respondents(me, path)
    path.write_text("code;leeftijd;wijk;pseudoniem\nR01;;Oost;\n", encoding="utf-8")
    result = import_respondents(me, path)
    assert stored(me) == {"R01": ("Gerda", {"leeftijd": "72", "wijk": "Oost"})}
    assert (result["values"], result["kept"]) == (1, {"leeftijd": 1, "pseudoniem": 1})
    summary = import_summary(result)
    assert summary[0] == (
        "r.csv: 0 respondenten toegevoegd, 1 bijgewerkt, 0 ongewijzigd, 1 waarde veranderd."
    )
    assert summary[1].startswith(
        "2 bewaarde waarden zijn gebleven, omdat de cel in het bestand leeg was "
        "('leeftijd': 1, 'pseudoniem': 1)."
    )
    assert "klik op 'Tabel opslaan'" in summary[1]
    # the way to remove a value it names: an empty cell in the table on the Project page
    table = respondents_table(me)
    table.loc[0, "leeftijd"] = None
    assert save_table(me, table.to_dict("records")) == 1
    assert stored(me) == {"R01": ("Gerda", {"wijk": "Oost"})}


def formula_book(path, *rows, sheets=()):
    """An XLSX as a script writes it: formulas without a stored result (openpyxl computes
    nothing, and no spreadsheet program has opened the file)."""
    book = openpyxl.Workbook()
    book.active.title = "Respondenten"
    for values in rows:
        book.active.append(values)
    for name in sheets:
        book.create_sheet(name).append(["niet", "gelezen"])
    book.save(path)
    return path


def test_a_formula_without_a_stored_result_is_named_and_keeps_the_stored_value(me, tmp_path):
    add_respondent(me, "R01")
    define_attribute(me, "score", "number")
    set_value(me, "R01", "score", 14)
    path = formula_book(
        tmp_path / "r.xlsx",
        ["code", "punten", "score"],
        ["R01", 7, "=B2*2"],
        ["R02", 8, "=B3*2"],
    )
    result = import_respondents(me, path)
    assert stored(me) == {
        "R01": (None, {"score": "14", "punten": "7"}),
        "R02": (None, {"punten": "8"}),
    }
    assert result["formulas"] == {"score": [2, 3]}
    assert result["kept"] == {"score": 1}
    summary = import_summary(result, "en")
    assert (
        "Column 'score', rows 2, 3: formulas without a result in the file. Those cells were "
        "read as empty: a value stored before stays." in summary[3]
    )


def test_a_workbook_says_which_sheet_was_read_and_which_were_not(me, tmp_path):
    path = formula_book(
        tmp_path / "r.xlsx", ["code", "wijk"], ["R01", "Oost"], sheets=["Toelichting", "Oud"]
    )
    result = import_respondents(me, path)
    assert (result["sheet"], result["unread"]) == ("Respondenten", ["Toelichting", "Oud"])
    assert import_summary(result)[1].startswith(
        "Alleen het eerste werkblad is gelezen: 'Respondenten'. Niet gelezen: 'Toelichting', 'Oud'."
    )
    one = formula_book(tmp_path / "een.xlsx", ["code", "wijk"], ["R02", "West"])
    assert not any("werkblad" in line for line in import_summary(import_respondents(me, one)))


def test_a_column_that_became_text_names_the_values_that_made_it_text(me, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "code;leeftijd;telefoon;wijk\n"
        "R01;72;0612345678;Oost\n"
        "\n"  # a blank row: the numbers below are the rows the researcher sees
        "R02;68 jaar;onbekend;West\n"
        "R03;81;0698765432;12\n",
        encoding="utf-8",
    )
    result = import_respondents(me, path)
    assert result["attributes"] == {"leeftijd": "text", "telefoon": "text", "wijk": "text"}
    assert result["text"] == {"leeftijd": ("number", [(4, "68 jaar")])}
    assert import_summary(result)[2] == (
        "Kolom 'leeftijd' is tekst geworden, en niet het soort getal, door deze waarde: "
        "'68 jaar' (rij 4). Verbeter dat in het bestand en lees het opnieuw in. "
        "Zet het kenmerk daarna op het soort getal."
    )


def test_row_numbers_are_the_rows_of_the_file_also_below_a_blank_row(me, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("code,leeftijd\n\nR01,70\nR01,71\n", encoding="utf-8")
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    assert caught.value.problems == [
        ("respondents.row_duplicate", {"row": 4, "code": "R01", "first": 3})
    ]


def test_new_respondents_are_named_the_first_few_and_a_count(me, tmp_path):
    add_respondent(me, "R01")
    path = tmp_path / "r.csv"
    path.write_text("code\n" + "".join(f"R{n:02}\n" for n in range(1, 10)), encoding="utf-8")
    result = import_respondents(me, path)
    assert result["new"] == [f"R{n:02}" for n in range(2, 10)]
    assert import_summary(result)[1] == "Nieuwe respondenten: R02, R03, R04, R05, R06 en nog 3."
    path.write_text("code\nR01\nR10\n", encoding="utf-8")
    assert import_summary(import_respondents(me, path), "en")[1] == "New respondent: R10."


# --- a formula without a stored result where a name or a code must be -------------------


def test_a_code_that_is_a_formula_without_a_result_is_named_with_its_cell(me, tmp_path):
    """It said 'row 3: the code in column 'code' is empty', and not that a formula was there."""
    path = formula_book(
        tmp_path / "r.xlsx",
        ["code", "wijk"],
        ["R01", "Oost"],
        ['="R"&"02"', "West"],
        ["R03", "Noord"],
    )
    with pytest.raises(RowErrors) as refused:
        import_respondents(me, path)
    assert refused.value.problems == [
        ("respondents.row_code_formula", {"row": 3, "column": "code", "cell": "A3"})
    ]
    assert refused.value.message("nl").splitlines() == [
        "r.xlsx: er is niets ingelezen, want er is 1 probleem:",
        "  - rij 3: de code in kolom 'code' (cel A3) is een formule zonder uitkomst in het bestand",
        "",
        "Een formule zonder uitkomst: het programma dat het bestand maakte, heeft de formule "
        "niet uitgerekend. Open het bestand in Excel of LibreOffice en sla het op; dan staat de "
        "uitkomst erin. Of typ de waarde zelf in de cel.",
    ]
    assert "(cell A3) is a formula without a result" in refused.value.message("en")
    assert "Open the file in Excel or LibreOffice and save it" in refused.value.message("en")
    assert list_respondents(me) == []  # all rows, or none


def test_a_column_name_that_is_a_formula_without_a_result_is_named_with_its_cell(me, tmp_path):
    """It said 'column 2 has no name'; the cell is the file's, past a blank row and column."""
    path = formula_book(
        tmp_path / "r.xlsx",
        [],
        [None, "code", '="wi"&"jk"', "leeftijd"],
        [None, "R01", "Oost", 71],
    )
    with pytest.raises(RowErrors) as refused:
        import_respondents(me, path)
    assert refused.value.problems == [("respondents.header_formula", {"cell": "C2"})]
    message = refused.value.message("en")
    assert "cell C2: the name of this column is a formula without a result in the file" in message
    assert message.endswith("Or type the value in the cell yourself.")
    # a column without a name that is no formula says what it said, without the advice
    plain = formula_book(tmp_path / "p.xlsx", ["code", None], ["R01", "Oost"])
    with pytest.raises(RowErrors) as unnamed:
        import_respondents(me, plain)
    assert unnamed.value.problems == [("respondents.empty_header", {"cell": "B1"})]
    assert "Excel" not in unnamed.value.message("nl")
    assert list_respondents(me) == []


def test_a_code_column_named_by_a_formula_without_a_result_says_so(me, tmp_path):
    """'The first column ... has no name', with the formula unsaid. A header row of nothing
    but such formulas was taken for a blank row: the first respondent became the header and
    the sheet was imported without them, with 'Oost' as a column."""
    for header in (['="co"&"de"', "wijk"], ['="code"', '="wijk"']):
        path = formula_book(
            tmp_path / "r.xlsx", header, ["R01", "Oost"], ["R02", "West"], ["R03", "Zuid"]
        )
        with pytest.raises(InputError) as refused:
            import_respondents(me, path)
        assert refused.value.key == "respondents.code_header_formula"
        assert refused.value.message("nl") == (
            "r.xlsx: de eerste kolom moet de code van de respondent zijn, maar de naam van die "
            "kolom (cel A1) is een formule zonder uitkomst in het bestand. Open het bestand in "
            "Excel of LibreOffice en sla het op; dan staat de uitkomst erin. Of typ de naam zelf "
            "in de cel."
        )
        assert "(cell A1) is a formula without a result" in refused.value.message("en")
        assert list_respondents(me) == [] and list_attributes(me) == []
