"""The Patronen page's downloads, read byte for byte: the speakers actually used (issue 13's
rule, which the page still broke) and names replaced when asked (issue 20).

A download button builds its file only on click (a callable); the test records each
callable the page hands to Streamlit and calls it, so the bytes checked are the bytes a
user gets.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from page_runner import page_test
from streamlit.runtime.media_file_manager import MediaFileManager
from test_page_patronen import TAB
from test_patterns import build_project
from test_patterns_cascades import english_names
from test_privacy_exports import finder, found_names
from test_privacy_patterns import NAMES, _project

from workbench import accounts
from workbench.privacy import decide
from workbench.store import set_setting
from workbench.handle import Project


@pytest.fixture
def files(monkeypatch):
    """file name -> the callable that builds it, for every download the page offers."""
    made: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def settings_of(data: bytes) -> dict[str, list[str]]:
    about: dict[str, list[str]] = {}
    for line in data.decode("utf-8-sig").splitlines():
        if not line.startswith("# "):
            break
        name, _, value = line[2:].partition(": ")
        about.setdefault(name, []).append(value)
    return about


def xlsx_text(data: bytes) -> dict[str, str]:
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None)
    return {name: sheet.to_csv(index=False) for name, sheet in sheets.items()}


@pytest.mark.parametrize("setting", ["respondent", "all"])
def test_downloads_name_the_speakers_actually_used(db, project_path, files, setting):
    build_project(db)
    set_setting(db, "analysis_speakers", setting, actor="onderzoeker")
    at = page_test("patronen", project_path).run()
    assert not at.exception
    about = settings_of(files["matrix.csv"]())
    assert about["speakers"] == [setting] and about["pseudonymised"] == ["no"]
    filters = dict(
        pd.read_excel(io.BytesIO(files["matrix.xlsx"]()), sheet_name="filters").values.tolist()
    )
    assert filters["speakers"] == setting


@pytest.mark.parametrize(
    "tab, key",
    [
        ("matrix", "patronen_dl_matrix"),
        ("frequencies", "patronen_dl_freq"),
        ("cooccurrence", "patronen_dl_co"),
        ("cascades", "patronen_dl_cascades"),
    ],
)
def test_names_are_replaced_in_every_download_when_asked(db, project_path, files, tab, key):
    _project(db)
    at = page_test(
        "patronen",
        project_path,
        patronen_tab=TAB[tab],
        patronen_freq_by="wijk",
        patronen_attr_wijk=["Zwolle"],
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    plain = {name: make() for name, make in files.items()}
    assert any(
        found_names(finder(NAMES), {"f": data.decode("utf-8-sig", "replace")})
        for name, data in plain.items()
        if name.endswith(".csv")
    )
    files.clear()
    at.toggle(key=f"{key}_pseudonymise").set_value(True).run()
    assert not at.exception and not at.error
    assert files, "no download offered"
    for name, make in files.items():
        data = make()
        texts = xlsx_text(data) if name.endswith(".xlsx") else {name: data.decode("utf-8-sig")}
        assert found_names(finder(NAMES), {name: name, **texts}) == {}, name
        assert "[Plaats 1]" in "".join(texts.values())  # the filter, replaced


def test_quotes_download_follows_the_quotes_toggle(db, project_path, files):
    _project(db)
    at = page_test(
        "patronen",
        project_path,
        patronen_tab=TAB["quotes"],
        patronen_q_codes=["verlies", "schaamte"],
        patronen_q_pseudonymise=True,
    ).run()
    assert not at.exception
    data = files["citaten.xlsx"]()
    texts = xlsx_text(data)
    assert found_names(finder(NAMES), texts) == {}
    assert "pseudonymised,yes" in texts["filters"]


def test_a_profile_download_has_no_name_in_its_file_name(db, project_path, files):
    _project(db)
    at = page_test(
        "patronen",
        project_path,
        patronen_tab=TAB["profile"],
        patronen_profile="R01-kees-zwolle.txt",
        patronen_dl_profile_pseudonymise=True,
    ).run()
    assert not at.exception
    assert sorted(files) == [
        "persoon-R01-[Naam 1]-[Plaats 1].txt.csv",
        "persoon-R01-[Naam 1]-[Plaats 1].txt.xlsx",
    ]


def test_unapplied_decisions_refuse_the_download_with_a_plain_message(db, project_path, files):
    _project(db)
    decide(Project.for_user(db, "onderzoeker"), "Ria", accept=True, apply=False)
    at = page_test("patronen", project_path, patronen_dl_matrix_pseudonymise=True).run()
    assert not at.exception
    assert any("nog niet vervangen" in e.value for e in at.error)
    assert files == {} and not at.get("download_button")


def test_without_reviewed_names_the_page_warns_and_the_file_says_so(db, project_path, files):
    build_project(db)
    at = page_test("patronen", project_path, patronen_dl_matrix_pseudonymise=True).run()
    assert any(w.value.startswith("Niet gepseudonimiseerd") for w in at.warning)
    about = settings_of(files["matrix.csv"]())
    assert about["pseudonymised"] == ["no"]
    assert about["warning"][0].startswith("Niet gepseudonimiseerd")


def test_a_supervisor_downloads_only_with_names_replaced(db, project_path, files):
    _project(db)
    accounts.add_user(Project.for_user(db, "onderzoeker"), "vera", role="supervisor")
    at = page_test("patronen", project_path, user="vera").run()
    assert not at.exception
    switch = at.toggle(key="patronen_dl_matrix_pseudonymise")
    assert switch.value is True and switch.proto.disabled
    for name, make in files.items():
        data = make()
        texts = xlsx_text(data) if name.endswith(".xlsx") else {name: data.decode("utf-8-sig")}
        assert found_names(finder(NAMES), texts) == {}, name
    at = page_test(
        "patronen",
        project_path,
        user="vera",
        patronen_tab=TAB["quotes"],
        patronen_q_codes=["verlies"],
    ).run()
    assert found_names(finder(NAMES), xlsx_text(files["citaten.xlsx"]())) == {}


def test_english_downloads_name_codes_in_english_and_keep_their_ids(db, project_path, files):
    """On the English page the matrix, co-occurrence and quotes files read the codebook's
    English names (the Dutch name where a code has none), as the cascade files do; the id
    columns and the ``column: NAME = ID`` settings stay, so a script still joins on ids."""
    build_project(db)
    english_names(db)
    tabs = {"cooccurrence": "Co-occurrence", "quotes": "Quotes"}
    page_test("patronen", project_path, lang="en").run()
    matrix = pd.read_excel(io.BytesIO(files["matrix.xlsx"]()), sheet_name=None)
    assert {"Loss of a loved one", "Isolation", "Verlies woning"} <= set(matrix["matrix"].columns)
    assert "Verlies dierbare" not in matrix["matrix"].columns
    assert "Loss of a loved one = verlies-dierbare" in matrix["filters"]["value"].tolist()
    cells = matrix["citaten"].set_index("Code")["Name"]
    assert set(cells["isolement"]) == {"Isolation"} and set(cells["verlies-woning"]) == {
        "Verlies woning"
    }
    csv_settings = settings_of(files["matrix.csv"]())
    assert "Isolation = isolement" in csv_settings["column"]

    at = page_test(
        "patronen",
        project_path,
        lang="en",
        patronen_tab=tabs["cooccurrence"],
        patronen_co_scope="turn",
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    together = pd.read_excel(io.BytesIO(files["samen.xlsx"]()), sheet_name=None)
    rows = together["samen"].set_index("Code")
    assert rows.loc["isolement", "Name"] == "Isolation" and "Isolation" in rows.columns
    pairs = together["paren"]
    ends = [zip(pairs[f"Code {side}"], pairs[f"Name {side}"]) for side in "AB"]
    named = {code: name for end in ends for code, name in end}
    assert named["isolement"] == "Isolation" and named["verlies-woning"] == "Verlies woning"

    at = page_test(
        "patronen",
        project_path,
        lang="en",
        patronen_tab=tabs["quotes"],
        patronen_q_codes=["isolement", "verlies-dierbare"],
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    quotes = pd.read_excel(io.BytesIO(files["citaten.xlsx"]()), sheet_name="citaten")
    assert set(zip(quotes["Code"], quotes["Name"])) == {
        ("isolement", "Isolation"),
        ("verlies-dierbare", "Loss of a loved one"),
    }


@pytest.mark.parametrize("lang, header", [("nl", "Gecodeerd door"), ("en", "Coded by")])
def test_coders_as_numbers_in_the_download_as_on_the_command_line(
    db, project_path, files, lang, header
):
    """The page's downloads offer what `workbench patterns ... --coder-codes` does: every
    coder by number, in the coder column (under its name in the reader's language) and in
    the coders filter; without the box the user names stay."""
    build_project(db)
    at = page_test(
        "patronen",
        project_path,
        lang=lang,
        patronen_tab=TAB["quotes"] if lang == "nl" else "Quotes",
        patronen_q_codes=["isolement", "verlies-dierbare"],
        patronen_coders=["anna", "bram"],
    ).run()
    assert not at.exception, [e.message for e in at.exception]
    plain = pd.read_excel(io.BytesIO(files["citaten.xlsx"]()), sheet_name=None)
    assert "anna,bram" in plain["citaten"][header].tolist()
    files.clear()
    at.checkbox(key="patronen_dl_quotes_coder_codes").check().run()
    assert not at.exception, [e.message for e in at.exception]
    coded = pd.read_excel(io.BytesIO(files["citaten.xlsx"]()), sheet_name=None)
    coders = set(",".join(coded["citaten"][header]).split(","))
    assert coders and all(c.startswith("[Codeur ") for c in coders), coders
    texts = xlsx_text(files["citaten.xlsx"]())
    text = files["citaten.csv"]().decode("utf-8-sig")
    for found in [*texts.values(), text]:
        assert "anna" not in found and "bram" not in found
    assert settings_of(files["citaten.csv"]())["coders"] == [coded_filter(db)]


def coded_filter(db) -> str:
    """The coders filter (anna, bram) as the codings export numbers them."""
    from workbench.exchange.gather import coder_codes

    codes = coder_codes(Project.for_user(db, "onderzoeker"))
    return f"{codes['anna']}, {codes['bram']}"
