"""Offsets into another tool's raw text map onto the same characters of the normalised text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.exchange.textmap import guess_unit, normalise_mapped, utf16_to_codepoints
from workbench.text import normalise_text

PIECES = ["a", "B", "é", "e\u0301", "\r\n", "\n", "\r", " ", "\t", "😊", "\ufeff", "‘", "ë"]
raw_texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@given(raw_texts)
def test_mapped_text_is_exactly_the_normalised_text(raw):
    assert normalise_mapped(raw).text == normalise_text(raw)


@given(raw_texts, st.data())
def test_a_span_keeps_exactly_the_characters_that_survived_normalisation(raw, data):
    mapped = normalise_mapped(raw)
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    new_start, new_end = mapped.map_span(start, end)
    kept = [k for k, o in enumerate(mapped.origin) if start <= o < end]
    assert list(range(new_start, new_end)) == kept


def test_crlf_counted_as_two_characters_is_remapped():
    raw = "Eerste regel\r\nTweede regel\r\nDerde"
    mapped = normalise_mapped(raw)
    start = raw.index("Derde")
    assert mapped.text[slice(*mapped.map_span(start, start + 5))] == "Derde"


def test_utf16_offsets_are_only_chosen_when_they_fit_words():
    text = "😊 hond en kat"
    units = utf16_to_codepoints(text)
    assert units[3] == 2  # the emoji is two UTF-16 units, one code point
    assert guess_unit(text, [3, 7]) == "utf16"
    assert guess_unit(text, [2, 6]) == "codepoint"
    assert guess_unit("geen emoji hier", [0, 4]) == "codepoint"
