"""A respondents sheet as a researcher brings it in: script-written XLSX cells, formula
results, and refusals that name the type in the reader's language."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from workbench.errors import InputError
from workbench.handle import Project
from workbench.respondents import (
    RowErrors,
    add_respondent,
    define_attribute,
    import_respondents,
    import_summary,
    list_respondents,
    set_value,
)


@pytest.fixture
def me(db):
    return Project.for_user(db, "onderzoeker")


def test_a_formula_result_is_stored_as_the_spreadsheet_shows_it(me, tmp_path):
    """Excel stores a formula's result with 17 digits (=0,1+0,2 as 0.30000000000000004)
    and shows 15 (0,3): the researcher meant 0.3, which a filter on 0,3 finds."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "aandeel", "inkomen"])
    sheet.append(["R01", 0.5, 1234.5])
    sheet.append(["R02", 0.25, 72])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # the values as Excel writes them
                data = data.replace(b"<v>0.5</v>", b"<v>0.30000000000000004</v>")
                data = data.replace(b"<v>1234.5</v>", b"<v>1234.5600000000002</v>")
            target.writestr(item, data)
    import_respondents(me, path)
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"aandeel": "0.3", "inkomen": "1234.56"},
        {"aandeel": "0.25", "inkomen": "72"},
    ]


def test_a_value_that_does_not_fit_names_the_type_in_the_readers_language(me, db, tmp_path):
    define_attribute(me, "leeftijd", "number")
    define_attribute(me, "woont_alleen", "boolean")
    define_attribute(me, "geboren", "date")
    path = tmp_path / "r.csv"
    path.write_text(
        "code;leeftijd;woont_alleen;geboren\nR05;zeventig;misschien;31-02-1950\n",
        encoding="utf-8",
    )
    with pytest.raises(RowErrors) as caught:
        import_respondents(me, path)
    dutch, english = caught.value.message("nl"), caught.value.message("en")
    assert "'zeventig' past niet bij het soort getal" in dutch
    assert "'misschien' past niet bij het soort ja/nee" in dutch
    assert "'31-02-1950' past niet bij het soort datum" in dutch
    assert "'misschien' does not fit the type yes/no" in english
    assert db.execute("SELECT count(*) FROM respondents").fetchone()[0] == 0

    add_respondent(me, "R01")
    with pytest.raises(InputError) as one:
        set_value(me, "R01", "woont_alleen", "soms")
    assert "past niet bij het soort ja/nee" in one.value.message("nl")
    define_attribute(me, "wijk", "text")
    set_value(me, "R01", "wijk", "Noord")
    with pytest.raises(InputError) as convert:
        define_attribute(me, "wijk", "number")
    assert "Kenmerk 'wijk' kan geen getal worden" in convert.value.message("nl")


def test_a_sheet_imported_again_counts_as_updated_only_the_respondents_that_changed(me, tmp_path):
    """Fictional: the edited sheet changes R01's age and adds R05; R02..R04 are written the
    same (other letter case, other date notation). The summary said "4 bijgewerkt"."""
    path = tmp_path / "r.csv"
    path.write_text(
        "respondent;leeftijd;woont_alleen;geboren;pseudoniem\n"
        "R01;67;ja;03-04-1951;Gerda\nR02;72;nee;15-11-1948;Henk\n"
        "R03;58;ja;01-01-1960;Mien\nR04;81;nee;29-02-1944;Kees\n",
        encoding="utf-8",
    )
    import_respondents(me, path)
    path.write_text(
        "respondent;leeftijd;woont_alleen;geboren;pseudoniem\n"
        "R01;68;ja;03-04-1951;Gerda\nR02;72,0;nee;15-11-1948;\n"
        "r03;58;JA;1-1-1960;Mien\nR04;81;Nee;1944-02-29;Kees\nR05;66;nee;02-02-1958;Piet\n",
        encoding="utf-8",
    )
    result = import_respondents(me, path)
    assert (result["added"], result["updated"], result["unchanged"]) == (1, 1, 3)
    assert result["values"] == 4  # R01's age, R05's three values
    assert import_summary(result)[0] == (
        "r.csv: 1 respondent toegevoegd, 1 bijgewerkt, 3 ongewijzigd, 4 waarden veranderd."
    )
    assert import_summary(result, "en")[0] == (
        "r.csv: 1 respondent added, 1 updated, 3 unchanged, 4 values changed."
    )
    path.write_text("respondent;pseudoniem\nR02;Hendrik\n", encoding="utf-8")
    renamed = import_respondents(me, path)
    assert (renamed["updated"], renamed["unchanged"], renamed["values"]) == (1, 0, 0)


def test_a_title_above_the_header_and_an_unnamed_column_are_named_by_their_cells(me, tmp_path):
    """A title row ("Respondentenlijst ...", merged over the columns) was read as the header
    and gave "kolom 2/3 heeft geen naam" only; after a dropped empty column the number was
    not the column in the file (C said "kolom 2")."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Respondentenlijst buurtonderzoek"
    sheet.merge_cells("A1:C1")
    sheet.append(["code", "leeftijd", "geboren"])
    sheet.append(["R01", 67, "03-04-1951"])
    book.save(tmp_path / "title.xlsx")
    with pytest.raises(RowErrors) as title:
        import_respondents(me, tmp_path / "title.xlsx")
    assert title.value.problems[0] == (
        "respondents.title_row",
        {"row": 1, "title": "Respondentenlijst buurtonderzoek"},
    )
    assert "Is dat een titel? Haal die rij weg" in title.value.message("nl")
    assert "cel B1: deze kolom heeft geen naam" in title.value.message("nl")
    path = tmp_path / "r.csv"
    path.write_text("code;;;leeftijd\nR01;;Oost;67\n", encoding="utf-8")
    with pytest.raises(RowErrors) as unnamed:
        import_respondents(me, path)
    assert unnamed.value.problems == [("respondents.empty_header", {"cell": "C1"})]
    assert unnamed.value.message("en").endswith("- cell C1: this column has no name")
    assert list_respondents(me) == []


def test_an_ods_sheet_from_libreoffice_is_imported_like_an_xlsx(me, tmp_path):
    """An .ods was refused ("use a .csv or .xlsx file"): LibreOffice users had to save
    again first. Its typed cells give the types, as an XLSX's do; a blank row keeps the row
    numbers a message names."""
    import datetime as dt

    import pandas as pd

    from workbench.respondents import list_attributes

    path = tmp_path / "respondenten.ods"
    pd.DataFrame(
        [
            ["code", "leeftijd", "vrijwilliger", "interview", "postcode"],
            [None] * 5,
            ["R01", 67.5, True, dt.datetime(2024, 3, 5, 14, 30), "0123"],
            ["R02", 70, False, dt.datetime(2024, 4, 1), "0456"],
        ]
    ).to_excel(path, engine="odf", header=False, index=False)
    result = import_respondents(me, path)
    assert result["added"] == 2 and result["sheet"] == "Sheet1"
    assert {a["name"]: a["type"] for a in list_attributes(me)} == {
        "leeftijd": "number",
        "vrijwilliger": "boolean",
        "interview": "date",
        "postcode": "text",
    }
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"leeftijd": "67.5", "vrijwilliger": "true", "interview": "2024-03-05", "postcode": "0123"},
        {"leeftijd": "70", "vrijwilliger": "false", "interview": "2024-04-01", "postcode": "0456"},
    ]
    pd.DataFrame([["code", "leeftijd"], [None, None], ["R03", "oud"]]).to_excel(
        path, engine="odf", header=False, index=False
    )
    with pytest.raises(RowErrors) as bad:
        import_respondents(me, path)
    assert "rij 3, kolom 'leeftijd'" in bad.value.message("nl")  # after the blank row 2


def test_a_date_with_a_time_of_day_is_read_as_the_date(me, tmp_path):
    """A date-time written to CSV by another program ("2024-03-05 14:30", Dutch Excel
    "5-3-2024 14:30") made the column text: no filter on dates, and no word why. The time
    is dropped (an attribute holds the day); a time that is no time refuses the cell."""
    from workbench.respondents import list_attributes

    path = tmp_path / "r.csv"
    path.write_text(
        "code;interview;terug\n"
        "R01;2024-03-05 14:30;5-3-2024 14:30\n"
        "R02;2024-03-06T09:05:00;6-3-2024\n",
        encoding="utf-8",
    )
    import_respondents(me, path)
    assert {a["name"]: a["type"] for a in list_attributes(me)} == {
        "interview": "date",
        "terug": "date",
    }
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"interview": "2024-03-05", "terug": "2024-03-05"},
        {"interview": "2024-03-06", "terug": "2024-03-06"},
    ]
    path.write_text("code;interview\nR01;5-3-2024 25:00\n", encoding="utf-8")
    with pytest.raises(RowErrors) as bad:
        import_respondents(me, path)
    assert bad.value.problems[0][0] == "respondents.cell_bad_value"
    assert list_respondents(me)[0]["attributes"]["interview"] == "2024-03-05"


def test_a_column_with_a_month_first_date_is_read_month_first_throughout(me, tmp_path):
    """English Excel saves 5 March as 03/05/2024: it came in as 3 May without a word, and a
    12/25/2024 further down made the column text. One value that can only be month first
    decides the whole column; ISO and dashed (Dutch, day first) dates stay as they are."""
    from workbench.respondents import list_attributes

    path = tmp_path / "export.csv"
    path.write_text(
        "code,startdatum,terug\n"
        "R01,03/05/2024,5-3-2024\n"
        "R02,12/25/2024 14:30,2024-03-06\n"
        "R03,,6-3-2024\n",
        encoding="utf-8",
    )
    result = import_respondents(me, path)
    assert {a["name"]: a["type"] for a in list_attributes(me)} == {
        "startdatum": "date",
        "terug": "date",
    }
    assert [r["attributes"] for r in list_respondents(me)] == [
        {"startdatum": "2024-03-05", "terug": "2024-03-05"},
        {"startdatum": "2024-12-25", "terug": "2024-03-06"},
        {"terug": "2024-03-06"},
    ]
    assert result["day_first"] == {}  # nothing left to guess: no note in the summary
    # an attribute that is a date already: an XLSX with the dates typed as text
    book = openpyxl.Workbook()
    book.active.append(["code", "startdatum"])
    book.active.append(["R03", "04/01/2025"])
    book.active.append(["R04", "04/30/2025"])
    book.save(tmp_path / "export.xlsx")
    import_respondents(me, tmp_path / "export.xlsx")
    assert [r["attributes"].get("startdatum") for r in list_respondents(me)] == [
        "2024-03-05",
        "2024-12-25",
        "2025-04-01",
        "2025-04-30",
    ]


def test_dates_that_could_be_read_either_way_are_read_day_first_and_the_summary_says_so(
    me, tmp_path
):
    """03/05/2024 and 04/06/2024 fit both orders: read day first (as the Dutch write them),
    and the summary shows how one was read and what to write when the month comes first. A
    column whose dates can only be day first, or have no slashes, gets no such line."""
    path = tmp_path / "r.csv"
    path.write_text(
        "code;startdatum;geboren;terug\n"
        "R01;03/05/2024;25/12/1950;5-3-2024\n"
        "R02;04/06/2024;01/02/1948;6-4-2024\n",
        encoding="utf-8",
    )
    result = import_respondents(me, path)
    assert [r["attributes"]["startdatum"] for r in list_respondents(me)] == [
        "2024-05-03",
        "2024-06-04",
    ]
    assert result["day_first"] == {"startdatum": (2, "03/05/2024")}
    assert import_summary(result, "nl")[2] == (
        "Kolom 'startdatum': 03/05/2024 is gelezen als 3 mei 2024 (dag eerst), en zo ook de "
        "andere datums met een / in die kolom. Staat de maand eerst? Schrijf dan 2024-03-05."
    )
    assert import_summary(result, "en")[2] == (
        "Column 'startdatum': 03/05/2024 was read as 3 May 2024 (day first), and so were the "
        "other dates with a / in that column. Is the month first? Then write 2024-03-05."
    )
    assert len(import_summary(result, "nl")) == 3


def test_a_column_with_day_first_and_month_first_dates_is_refused_with_one_of_each(me, tmp_path):
    """25/12/2024 and 12/25/2024 in one column: either order reads one of them wrongly, so
    nothing is imported and the refusal names a row of each (a new column became text)."""
    path = tmp_path / "r.csv"
    path.write_text(
        "code,startdatum\nR01,03/05/2024\nR02,25/12/2024\nR03,12/25/2024\nR04,12/26/2024\n",
        encoding="utf-8",
    )
    with pytest.raises(RowErrors) as bad:
        import_respondents(me, path)
    assert bad.value.problems == [
        (
            "respondents.date_order_mixed",
            {
                "column": "startdatum",
                "day_row": 3,
                "day": "25/12/2024",
                "month_row": 4,
                "month": "12/25/2024",
            },
        )
    ]
    assert "In rij 3 ('25/12/2024') staat de dag eerst, in rij 4 ('12/25/2024') de maand." in (
        bad.value.message("nl")
    )
    assert "Row 3 ('25/12/2024') has the day first, row 4 ('12/25/2024') the month." in (
        bad.value.message("en")
    )
    assert list_respondents(me) == []
    # a column of text that happens to hold both stays text: there is no date to get wrong
    path.write_text("code,wanneer\nR01,25/12/2024\nR02,12/25/2024\nR03,ergens in mei\n")
    assert import_respondents(me, path)["attributes"] == {"wanneer": "text"}


def test_the_summary_says_per_column_how_many_times_of_day_were_left_out(me, tmp_path):
    """A date with a time of day is stored as the date: the summary says the time went, in
    one line per column with the number of values (midnight, a plain date, is not counted)."""
    import datetime as dt

    book = openpyxl.Workbook()
    book.active.append(["code", "interview", "terug", "geboren"])
    book.active.append(["R01", dt.datetime(2024, 3, 5, 14, 30), "5-3-2024 09:15", "1-2-1950"])
    book.active.append(["R02", dt.datetime(2024, 3, 6), "2024-03-07T10:00:00", "2-2-1950"])
    book.active.append(["R03", dt.datetime(2024, 3, 8, 9, 0), "7-3-2024 00:00", "3-2-1950"])
    book.save(tmp_path / "r.xlsx")
    result = import_respondents(me, tmp_path / "r.xlsx")
    assert result["times"] == {"interview": 2, "terug": 2}
    assert import_summary(result, "nl")[2:] == [
        "Kolom 'interview': bij 2 waarden stond ook een tijd. Die tijd is weggelaten; alleen "
        "de datum is bewaard.",
        "Kolom 'terug': bij 2 waarden stond ook een tijd. Die tijd is weggelaten; alleen de "
        "datum is bewaard.",
    ]
    assert (
        "Column 'interview': 2 values also had a time. The time was left out"
        in import_summary(result, "en")[2]
    )
    assert list_respondents(me)[0]["attributes"]["interview"] == "2024-03-05"


def test_a_date_that_fits_no_order_is_a_bad_cell_not_a_clue_to_the_order(me, tmp_path):
    """32/05/2024 is no date day first nor month first: it is refused as a bad value and
    does not make the column's other dates month first or mixed."""
    path = tmp_path / "r.csv"
    path.write_text("code,startdatum\nR01,12/25/2024\nR02,32/05/2024\n", encoding="utf-8")
    define_attribute(me, "startdatum", "date")
    with pytest.raises(RowErrors) as bad:
        import_respondents(me, path)
    assert [key for key, _ in bad.value.problems] == ["respondents.cell_bad_value"]
    assert bad.value.problems[0][1]["row"] == 3
