import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.text import convert_offset, count_words, normalise_text


def test_normalise_text_line_ends_bom_and_nfc():
    raw = "\ufeffI: Hoe gaat het?\r\nR: Goed,   \r\nCafe\u0301\r"
    assert normalise_text(raw) == "I: Hoe gaat het?\nR: Goed,\nCafé"


def test_count_words_counts_hyphenated_words_once():
    assert count_words("Mijn schoon-moeder zei: 'ik ga.'") == 5


def test_convert_offset_around_emoji():
    text = "ik 😊 ben"
    assert convert_offset(text, 4, "codepoint", "utf16") == 5
    assert convert_offset(text, 5, "utf16", "codepoint") == 4
    assert convert_offset(text, 4, "codepoint", "utf8") == 7
    with pytest.raises(ValueError):
        convert_offset(text, 4, "utf16", "codepoint")  # inside the surrogate pair


@given(st.text(), st.data())
def test_convert_offset_round_trips(text, data):
    offset = data.draw(st.integers(0, len(text)))
    for unit in ("utf16", "utf8"):
        there = convert_offset(text, offset, "codepoint", unit)
        assert convert_offset(text, there, unit, "codepoint") == offset
