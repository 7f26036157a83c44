"""Broken codebook files give messages that name the file, the code and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook.yaml_io import load_codebook, parse_codebook
from workbench.errors import InputError

HEADER = (
    'name: Proef\nversion: "1.0"\nlanguage: nl\ndescription: Verzonnen proefcodeboek.\ncodes:\n'
)


def write(tmp_path: Path, body: str, name: str = "proef.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    return caught.value


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "  - id: a\n    name: A\n    brief: kapot: hier\n")
    err = error_of(path)
    assert err.key == "codebook.yaml_syntax"
    assert "proef.yaml" in err.message("nl") and "regel 8" in err.message("nl")


def test_missing_name_names_code_and_field(tmp_path):
    err = error_of(write(tmp_path, "  - id: verdriet\n    brief: zonder naam\n"))
    assert err.key == "codebook.missing_field"
    assert err.params["code"] == "verdriet" and err.params["field"] == "name"
    assert "proef.yaml" in err.message("nl") and "verdriet" in err.message("en")


def test_wrong_type_names_field_expected_and_got(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    indicators: verhuizen\n"))
    assert err.key == "codebook.wrong_type"
    assert err.params["field"] == "indicators" and str(err.params["got"]) == "tekst"


def test_unknown_parent_is_refused(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    parent: bestaat-niet\n"))
    assert err.key == "codebook.unknown_parent"
    assert err.params == {
        "file": "proef.yaml",
        "line": 6,
        "code": "a",
        "field": "parent",
        "parent": "bestaat-niet",
    }


def test_duplicate_id_names_both_lines(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n  - id: a\n    name: B\n"))
    assert err.key == "codebook.duplicate_id"
    assert err.params["line"] == 8 and err.params["first"] == 6


def test_parent_cycle_is_refused(tmp_path):
    body = "  - id: a\n    name: A\n    parent: b\n  - id: b\n    name: B\n    parent: a\n"
    err = error_of(write(tmp_path, body))
    assert err.key == "codebook.parent_cycle" and "a -> b -> a" in err.params["cycle"]


@pytest.mark.parametrize("color", ["red", "#12345", "#gg0000", "aa3355"])
def test_bad_colour_is_refused(tmp_path, color):
    err = error_of(write(tmp_path, f'  - id: a\n    name: A\n    color: "{color}"\n'))
    assert err.key == "codebook.bad_color" and err.params["got"] == color


def test_unknown_field_is_refused_so_typos_do_not_vanish(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    use_wen: typo\n"))
    assert err.key == "codebook.unknown_field" and err.params["field"] == "use_wen"


def test_duplicate_key_is_refused(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    brief: een\n    brief: twee\n"))
    assert err.key == "codebook.duplicate_key" and err.params["field"] == "brief"


def test_bad_slug_is_refused(tmp_path):
    err = error_of(write(tmp_path, "  - id: Verlies Woning\n    name: A\n"))
    assert err.key == "codebook.bad_id"


def test_unquoted_version_number_is_refused_with_hint(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("name: X\nversion: 1.0\ncodes:\n  - {id: a, name: A}\n", encoding="utf-8")
    err = error_of(path)
    assert err.key == "codebook.wrong_top_type" and err.params["field"] == "version"


def test_source_must_have_file_and_quote(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    source: {file: x.txt}\n"))
    assert err.key == "codebook.wrong_type" and err.params["field"] == "source"


def test_strict_mode_demands_macqueen_fields(tmp_path):
    path = write(tmp_path, "  - id: a\n    name: A\n    brief: kort\n")
    assert load_codebook(path).codes[0].brief == "kort"
    with pytest.raises(InputError) as caught:
        load_codebook(path, strict=True)
    assert caught.value.params["field"] == "definition"


def test_strict_mode_demands_three_indicators():
    text = HEADER + (
        "  - id: a\n    name: A\n    brief: b\n    definition: d\n    use_when: u\n"
        "    dont_use_when: n\n    examples: [e]\n    indicators: [x, y]\n"
        "    source: {file: f.txt, quote: q}\n"
    )
    with pytest.raises(InputError) as caught:
        parse_codebook(text, file="t.yaml", strict=True)
    assert caught.value.key == "codebook.too_few" and caught.value.params["got"] == 2


def test_missing_file_is_a_user_error(tmp_path):
    assert error_of(tmp_path / "nergens.yaml").key == "codebook.file_missing"


def test_every_message_is_filled_in_both_languages(tmp_path):
    err = error_of(write(tmp_path, "  - id: a\n    name: A\n    sensitive: ja\n"))
    for lang in ("nl", "en"):
        assert "{" not in err.message(lang) and "proef.yaml" in err.message(lang)


def test_windows_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "windows.yaml"
    path.write_bytes(b'\xef\xbb\xbfname: B\r\nversion: "1"\r\ncodes:\r\n  - {id: a, name: A}\r\n')
    assert load_codebook(path).codes[0].name == "A"


def test_non_utf8_file_is_a_user_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes('name: B\nversion: "1"\ncodes:\n  - {id: a, name: Café}\n'.encode("latin-1"))
    err = error_of(path)
    assert err.key == "codebook.not_utf8" and "latin1.yaml" in err.message("en")
