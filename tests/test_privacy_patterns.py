"""Issue 20: pattern exports (matrix, co-occurrence, cascades, frequencies, quotes) can be
pseudonymised like every other export, with the same rule.

Real project files, the real CLI and exporters; the interview text is fictional
(tests/privacy_support.py). Names sit in the text, in a document name that doubles as the
respondent of an unlinked interview ("R01-kees-zwolle.txt"), in an attribute value
(wijk = Zwolle) and in a speaker label; every byte of each file is searched for them.
"""

from __future__ import annotations

import pandas as pd
import pytest

from test_privacy_exports import finder, found_names, texts_of
from workbench import accounts, codebook, codings, respondents
from workbench.cli import main
from workbench.errors import InputError
from workbench.handle import Project
from workbench.patterns import about_rows, export_tables, read_csv_export
from workbench.privacy import apply_pseudonyms, decide
from privacy_support import INTERVIEW, add_codes, add_document, segment_ids
from workbench.handle import Project

ME = "onderzoeker"
NAMES = ["Kees", "Zwolle", "Jan de Vries"]
OVERVIEWS = {
    "matrix": [],
    "cooccurrence": [],
    "cascades": [],
    "frequencies": ["--by", "wijk"],
    "quotes": ["--code", "verlies", "--code", "schaamte"],
}


def _project(db, *, decided: bool = True):
    """Two interviews: one unlinked and named after Kees in Zwolle, one of R02 in wijk Zwolle
    whose respondent speaks under the label "Kees"; codings on the sentences with names."""
    me = Project.for_user(db, ME)
    add_codes(db)
    unlinked = add_document(db, name="R01-kees-zwolle.txt")
    linked = add_document(db, INTERVIEW.replace("R: ", "Kees: "), name="interview-twee.txt")
    researcher = Project.for_user(db, ME)
    respondents.add_respondent(researcher, "R02")
    respondents.define_attribute(researcher, "wijk", "text")
    respondents.set_value(researcher, "R02", "wijk", "Zwolle")
    respondents.link_document(researcher, linked, "R02")
    for doc in (unlinked, linked):
        segments = segment_ids(db, doc)
        for position, code in (
            (1, "verlies"),
            (1, "schaamte"),
            (3, "isolement"),
            (3, "verlies"),
            (4, "schaamte"),
        ):
            codings.add_coding(me, code=code, segment_id=segments[position])
    if decided:  # every possible name, or a pseudonymised export is refused
        for name, kind in (("Kees", "person"), ("Zwolle", "place"), ("Jan de Vries", "person")):
            decide(me, name, accept=True, kind=kind)
        decide(me, "Jan", accept=True, replacement="[Naam 2]")  # Jan de Vries again
        decide(me, "Ria van der Berg", accept=False)  # tests below accept "Ria" on her own
        decide(me, "Stichting Welzijn Oost", accept=True, kind="organisation")
    return db


def _export(project_path, overview: str, out, *extra: str) -> int:
    return main(
        [
            "patterns",
            overview,
            "--project",
            str(project_path),
            "--output",
            str(out),
            *OVERVIEWS[overview],
            *extra,
        ]
    )


def test_the_names_are_there_without_the_option(db, project_path, tmp_path):
    """The control: the files these tests search do carry the names when not pseudonymised."""
    _project(db)
    for overview in ("matrix", "frequencies", "quotes"):
        out = tmp_path / f"{overview}.xlsx"
        assert _export(project_path, overview, out) == 0
        found = found_names(finder(NAMES), texts_of(out))
        assert found, overview
    table, about = read_csv_export(_csv(project_path, tmp_path, "matrix"))
    assert "R01-kees-zwolle.txt" in table["respondent"].tolist()
    assert about["pseudonymised"] == ["no"]


def _csv(project_path, tmp_path, overview: str, *extra: str):
    out = tmp_path / f"{overview}.csv"
    assert _export(project_path, overview, out, *extra) == 0
    return out


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("overview", list(OVERVIEWS))
def test_a_pseudonymised_pattern_export_holds_no_accepted_name(
    db, project_path, tmp_path, overview, suffix
):
    _project(db)
    out = tmp_path / f"{overview}.{suffix}"
    assert (
        _export(
            project_path,
            overview,
            out,
            "--pseudonymise",
            "--filter",
            "wijk=zwolle",
            "--filter",
            "respondent=R01-kees-zwolle.txt",
            "--filter",
            "wijk=Zwolle",
        )
        == 0
    )
    texts = texts_of(out)
    assert found_names(finder(NAMES), texts) == {}
    assert "[Plaats 1]" in "".join(texts.values())  # the filters were replaced, not dropped


def test_pseudonymised_tables_keep_their_numbers_and_say_so(db, project_path, tmp_path):
    _project(db)
    table, about = read_csv_export(_csv(project_path, tmp_path, "matrix", "--pseudonymise"))
    assert table["respondent"].tolist() == ["R01-[Naam 1]-[Plaats 1].txt", "R02"]
    assert table.set_index("respondent").loc["R02", "Verlies"] == 2
    assert about["pseudonymised"] == ["yes"] and "warning" not in about
    sheets = pd.read_excel(_export_xlsx(project_path, tmp_path, "frequencies"), sheet_name=None)
    assert set(sheets["frequencies"]["group"]) == {"[Plaats 1]", "(geen waarde)"}
    quotes = pd.read_excel(_export_xlsx(project_path, tmp_path, "quotes"), sheet_name="quotes")
    assert set(quotes["speaker"]) == {"R", "[Naam 1]"}
    assert quotes["text"].str.contains(r"\[Naam 1\] overleed").any()


def _export_xlsx(project_path, tmp_path, overview: str):
    out = tmp_path / f"{overview}-p.xlsx"
    assert _export(project_path, overview, out, "--pseudonymise") == 0
    return out


@pytest.mark.parametrize("overview", list(OVERVIEWS))
def test_an_unapplied_decision_refuses_the_pseudonymised_export(
    db, project_path, tmp_path, overview, capsys
):
    me = Project.for_user(db, ME)
    _project(db)
    decide(me, "Ria", accept=True, apply=False)  # accepted, killed before applying
    out = tmp_path / f"{overview}.xlsx"
    assert _export(project_path, overview, out, "--pseudonymise") == 1
    assert "nog niet vervangen" in capsys.readouterr().err
    assert not out.exists()
    apply_pseudonyms(me)
    assert _export(project_path, overview, out, "--pseudonymise") == 0
    assert found_names(finder([*NAMES, "Ria"]), texts_of(out)) == {}


def test_without_reviewed_names_the_file_says_plainly_it_is_not_pseudonymised(db, tmp_path):
    _project(db, decided=False)
    path = export_tables(
        Project.for_user(db, ME),
        tmp_path / "m.csv",
        {"m": pd.DataFrame({"a": ["x"]})},
        about_rows("matrix", None, []),
        pseudonymise=True,
    )
    _, about = read_csv_export(path)
    assert about["pseudonymised"] == ["no"]
    assert about["warning"][0].startswith("Niet gepseudonimiseerd")


def test_the_package_refuses_too_and_writes_nothing(db, tmp_path):
    me = Project.for_user(db, ME)
    _project(db)
    decide(me, "Ria", accept=True, apply=False)
    with pytest.raises(InputError) as err:
        export_tables(
            me,
            tmp_path / "m.csv",
            {"m": pd.DataFrame({"a": ["Ria"]})},
            about_rows("matrix", None, []),
            pseudonymise=True,
        )
    assert err.value.key == "privacy.not_applied"
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize("overview", list(OVERVIEWS))
def test_a_supervisor_exports_patterns_only_pseudonymised(
    db, project_path, tmp_path, overview, capsys
):
    """One rule with `export --original-text`: original names leave only with a researcher."""
    _project(db)
    accounts.add_user(Project.for_user(db, ME), "vera", role="supervisor")
    out = tmp_path / f"{overview}.csv"
    assert _export(project_path, overview, out, "--user", "vera") == 1
    assert "supervisor" in capsys.readouterr().err and not out.exists()
    assert _export(project_path, overview, out, "--user", "vera", "--pseudonymise") == 0
    assert found_names(finder(NAMES), texts_of(out)) == {}


def test_pseudonymised_quotes_carry_offsets_that_fit_the_pseudonymised_text(
    db, project_path, tmp_path
):
    """Next to '[Naam 1] ...' the offsets of the original text pointed nowhere; they are
    moved into the pseudonymised document, as the codings export does."""
    from workbench.privacy.pseudonyms import pseudonymised_document

    _project(db)
    apply_pseudonyms(Project.for_user(db, ME))
    out = tmp_path / "quotes.csv"
    assert _export(project_path, "quotes", out, "--pseudonymise") == 0
    table, _ = read_csv_export(out)
    documents = dict(db.execute("SELECT name, id FROM documents").fetchall())
    me = Project.for_user(db, ME)
    checked = 0
    for row in table.itertuples():
        doc = documents.get(row.document)
        if doc is None:  # the unlinked interview's name holds names and is replaced
            continue
        text = pseudonymised_document(me, doc).text
        assert text[row.start_char : row.end_char] == row.text
        checked += "[" in row.text
    assert checked  # at least one quote with a pseudonym in it


@pytest.mark.parametrize("overview", ["matrix", "cooccurrence"])
def test_a_code_named_after_someone_with_an_accent_leaves_no_trace_in_its_id(
    db, project_path, tmp_path, overview
):
    """A code id drops accents: "Hulp van René" is hulp-van-rene, and "rene" is no word."""
    me = Project.for_user(db, ME)
    _project(db)
    slug = codebook.add_code(me, name="Hulp van René", rationale="Nieuw.")
    assert slug == "hulp-van-rene"
    doc = db.execute("SELECT id FROM documents ORDER BY id").fetchone()[0]
    for position in (1, 3):
        codings.add_coding(me, code=slug, segment_id=segment_ids(db, doc)[position])
    decide(me, "René", accept=True, replacement="Piet")
    out = _csv(project_path, tmp_path, overview, "--pseudonymise")
    text = out.read_text(encoding="utf-8-sig")
    assert "hulp-van-Piet" in text or "Hulp van Piet" in text
    assert "rene" not in text.lower() and "René" not in text


def test_a_name_only_in_a_life_events_label_waits_for_a_decision(db, project_path, tmp_path):
    """A life event's label is typed by a researcher and goes out in the cascades tables. A
    name only there ("Opa Joop") was never offered for review, so the pseudonymised export
    carried it (the privacy audit of December 7); a possessive of an accepted name ("Kees'
    zus", "Jans broer") went out too. Now the label is a place like a memo: the export waits
    for a decision on "Joop", and once it is accepted the label has none of the names."""
    from workbench.life_events.events import create_event

    _project(db)
    me = Project.for_user(db, ME)
    coding = db.execute("SELECT id FROM codings ORDER BY id LIMIT 1").fetchone()[0]
    create_event(me, [coding], label="Opa Joop overleden, Jans broer", life_year=2019)
    out = tmp_path / "cascades.csv"
    args = ["--pseudonymise", "--table", "events", "--stored-only"]
    assert _export(project_path, "cascades", out, *args) == 1  # refused: "Joop" waits
    decide(me, "Joop", accept=True)
    assert _export(project_path, "cascades", out, *args) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "overleden" in text
    assert found_names(finder([*NAMES, "Joop", "Jans"]), {"cascades": text}) == {}
