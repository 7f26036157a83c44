"""Filters read as the attribute's type, refuse a value nobody has, and exported ages stay
whole numbers (a tester's findings: `--filter uitkering=ja` and `wijk=Vogelwjk` gave an
empty file with exit code 0; ages came out as 52.0).

The small project of tests/test_patterns.py, with two typed attributes set through the real
respondents API: leeftijd (number) and uitkering (yes/no, typed in as "ja"/"nee").
"""

from __future__ import annotations

import pytest
from test_patterns import build_project

from workbench import respondents
from workbench.cli import main
from workbench.errors import InputError
from workbench.handle import Project
from workbench.patterns import Selection, code_frequencies, framework_matrix, read_csv_export

ME = "onderzoeker"
TYPED = {"R01": (52, "ja"), "R02": (67, "nee"), "R03": (38, "ja")}  # R04: no values


def add_typed_attributes(db) -> Project:
    me = Project.for_user(db, ME)
    respondents.define_attribute(me, "leeftijd", "number")
    respondents.define_attribute(me, "uitkering", "boolean")
    for code, (age, benefit) in TYPED.items():
        respondents.set_value(me, code, "leeftijd", age)
        respondents.set_value(me, code, "uitkering", benefit)
    return me


@pytest.fixture
def me(db):
    build_project(db)
    return add_typed_attributes(db)


def rows(me: Project, *filters: str) -> list[str]:
    return list(framework_matrix(me, Selection.build(filters=filters)).index)


def test_a_yes_no_filter_takes_ja_nee_and_yes_no(me):
    assert rows(me, "uitkering=ja") == ["R01", "R03"]
    assert rows(me, "uitkering=Yes") == ["R01", "R03"]
    assert rows(me, "uitkering=nee") == ["R02"]


def test_a_number_or_date_filter_reads_the_value_as_its_type(me):
    assert rows(me, "leeftijd=52,0") == ["R01"]
    respondents.define_attribute(me, "start", "date")
    respondents.set_value(me, "R02", "start", "2024-03-01")
    assert rows(me, "start=1-3-2024") == ["R02"]


def test_a_value_nobody_has_is_refused_with_the_values_that_exist(me):
    with pytest.raises(InputError) as typo:
        rows(me, "wijk=Noordd")
    assert "Noordd" in typo.value.message("nl") and "Noord, Zuid" in typo.value.message("nl")
    with pytest.raises(InputError) as unsure:
        rows(me, "uitkering=misschien")
    assert unsure.value.message("nl").endswith("ja, nee")
    assert unsure.value.message("en").startswith("The value for uitkering must be")
    assert "yes, no" in unsure.value.message("en")


def test_respondent_filter_refuses_an_unknown_case_code(me):
    assert rows(me, "respondent=r02") == ["R02"]
    with pytest.raises(InputError) as err:
        rows(me, "respondent=R09")
    assert "R01, R02, R03, R04" in err.value.message("nl")


def test_yes_no_values_read_ja_nee_in_groups_and_labels(me):
    from workbench.patterns.fragments import value_label

    groups = set(code_frequencies(me, by="uitkering")["group"])
    assert groups == {"ja", "nee", "(geen waarde)"}
    assert set(code_frequencies(me, by="uitkering", lang="en")["group"]) == {
        "yes",
        "no",
        "(no value)",
    }
    assert (value_label("true", "boolean", "nl"), value_label("false", "boolean", "en")) == (
        "ja",
        "no",
    )
    assert value_label("true", "text", "nl") == "true"  # a text value stays as typed


def test_number_groups_come_in_number_order(me):
    respondents.set_value(me, "R04", "leeftijd", 101)
    groups = list(dict.fromkeys(code_frequencies(me, by="leeftijd")["group"]))
    assert groups == ["38", "52", "67", "101"]


def _cli(project_path, out, *extra: str) -> int:
    return main(
        ["patterns", "matrix", "--project", str(project_path), *extra, "--output", str(out)]
    )


def test_cli_filter_typo_exits_1_with_the_known_values_and_writes_nothing(
    me, project_path, tmp_path, capsys
):
    out = tmp_path / "m.csv"
    assert _cli(project_path, out, "--filter", "wijk=Nord") == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "Nord" in err and "Noord, Zuid" in err
    assert not out.exists()
    assert _cli(project_path, out, "--filter", "uitkering=ja") == 0
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R01", "R03"] and about["filter"] == ["uitkering=ja"]


def test_ages_stay_whole_numbers_in_a_csv_export(me, project_path, tmp_path):
    out = tmp_path / "q.csv"
    args = ["patterns", "quotes", "--project", str(project_path), "--code", "isolement"]
    assert main([*args, "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "52.0" not in text and "67.0" not in text
    table, _ = read_csv_export(out)
    assert table.set_index("respondent").loc["R01", "leeftijd"] == 52


def test_a_number_or_date_filter_compares_with_greater_and_less(me, project_path, tmp_path):
    """`leeftijd>=65` said "the attribute 'leeftijd>' does not exist": a researcher could
    only list every age. Numbers compare as numbers (52 < 100, which as text it is not);
    bounds of one attribute form a range; an equal value of it may hold instead."""
    assert rows(me, "leeftijd>=50") == ["R01", "R02"]
    assert rows(me, "leeftijd > 52") == ["R02"]
    assert rows(me, "leeftijd<100") == ["R01", "R02", "R03"]  # R04 has no age
    assert rows(me, "leeftijd>=40", "leeftijd<=60") == ["R01"]
    assert rows(me, "leeftijd<40", "leeftijd=67") == ["R02", "R03"]
    assert rows(me, "leeftijd>=50", "uitkering=ja") == ["R01"]
    assert rows(me, "leeftijd>52,5") == ["R02"]
    respondents.define_attribute(me, "start", "date")
    respondents.set_value(me, "R02", "start", "2024-03-01")
    respondents.set_value(me, "R03", "start", "31-12-2023")
    assert rows(me, "start>=1-1-2024") == ["R02"]
    assert rows(me, "start<2024-03-01") == ["R03"]
    with pytest.raises(InputError) as bad:
        rows(me, "leeftijd>=oud")
    assert bad.value.message("nl").startswith("Bij 'leeftijd' staat 'oud', en dat is geen getal.")
    assert "is not a number" in bad.value.message("en")
    out = tmp_path / "m.csv"
    assert _cli(project_path, out, "--filter", "leeftijd>=50") == 0
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R01", "R02"] and about["filter"] == ["leeftijd>=50"]


def test_equals_before_less_or_greater_is_at_most_or_at_least(me, project_path, tmp_path):
    """`leeftijd=<52` read as the value "<52" after "=", that is less than 52: the
    52-year-old was left out without a word. People write =< and => for <= and >=."""
    assert rows(me, "leeftijd=<52") == rows(me, "leeftijd<=52") == ["R01", "R03"]
    assert rows(me, "leeftijd =< 52") == ["R01", "R03"]
    assert rows(me, "leeftijd=>67") == rows(me, "leeftijd>=67") == ["R02"]
    assert rows(me, "leeftijd<52") == ["R03"] and rows(me, "leeftijd>52") == ["R02"]
    assert Selection.build(filters=["leeftijd=>67"]).describe()[0] == ("filter", "leeftijd>=67")
    out = tmp_path / "m.csv"
    assert _cli(project_path, out, "--filter", "leeftijd=<52") == 0
    table, about = read_csv_export(out)
    assert table["respondent"].tolist() == ["R01", "R03"] and about["filter"] == ["leeftijd<=52"]


def test_the_filter_menus_list_numbers_in_number_order(me):
    """The menus of Patronen and Zoeken listed a number attribute's values as text: 100
    before 38, and 9 after 67."""
    from workbench.patterns import attribute_values

    respondents.set_value(me, "R04", "leeftijd", 100)
    values = attribute_values(me)
    ages = values[values["attribute"] == "leeftijd"]["value"].tolist()
    assert ages == ["38", "52", "67", "100"]
    assert values[values["attribute"] == "uitkering"]["value"].tolist() == ["false", "true"]


def test_a_bound_on_a_text_or_yes_no_attribute_says_only_numbers_and_dates_compare(me):
    """`wijk>=a` said that nobody has wijk '>=a', as if it were a typo of a value."""
    with pytest.raises(InputError) as text:
        rows(me, "wijk>=N")
    assert text.value.key == "patterns.bound_on_text"
    assert "alleen bij een getal of een datum" in text.value.message("nl")
    assert "'wijk' is tekst" in text.value.message("nl")
    assert "only works for a number or a date" in text.value.message("en")
    with pytest.raises(InputError) as yes_no:
        rows(me, "uitkering>ja")
    assert "'uitkering' is ja/nee" in yes_no.value.message("nl")
