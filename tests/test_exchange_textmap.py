"""Offsets into another tool's raw text map onto the same characters of the normalised text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import pytest

from workbench.exchange.textmap import AmbiguousReading, guess_reading
from workbench.text import STANDARD, Reading, normalise_mapped, normalise_text, reading_map

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
    assert reading_map(text, Reading("utf16"))(3) == 2  # the emoji is two UTF-16 units
    assert reading_map(text, Reading("utf16"))(1) is None  # inside the surrogate pair
    assert guess_reading(text, [(3, 7, None)]) == Reading("utf16")
    assert guess_reading(text, [(2, 6, None)]) == STANDARD
    assert guess_reading("geen emoji hier", [(0, 4, None)]) == STANDARD


def _as_one(raw: str, quote: str) -> tuple[int, int]:
    """Offsets of ``quote`` counted the way ATLAS.ti and QualCoder's MAXQDA option do."""
    start = raw.replace("\r\n", "\n").index(quote)
    return start, start + len(quote)


def test_crlf_counted_as_one_character_is_recognised_by_words_and_names():
    raw = "I: Hoe gaat het?\r\nR: Slecht, sinds mijn vrouw er niet meer is.\r\nI: Wanneer?\r\n"
    spans = [(*_as_one(raw, q), q) for q in ("Slecht", "mijn vrouw", "Wanneer")]
    reading = guess_reading(raw, spans)
    assert reading == Reading("codepoint", crlf_one=True)
    to_raw = reading_map(raw, reading)
    assert [raw[to_raw(s) : to_raw(e)] for s, e, _ in spans] == ["Slecht", "mijn vrouw", "Wanneer"]
    # The same spans counted in the file as written (two characters) stay standard.
    two = [(raw.index(q), raw.index(q) + len(q), None) for q in ("mijn vrouw", "Wanneer")]
    assert guess_reading(raw, two) == STANDARD


def test_crlf_readings_that_fit_equally_well_but_differ_are_refused():
    raw = "x\r\ny z w"
    # One selection over "z" read with \r\n as one, over " " as two: neither is better.
    with pytest.raises(AmbiguousReading):
        guess_reading(raw, [(4, 5, None)])
    # Its quoted text settles it.
    assert guess_reading(raw, [(4, 5, "z")]) == Reading("codepoint", crlf_one=True)


@given(
    st.lists(st.sampled_from(["ab", " ", "\r\n", "😊", "é"]), max_size=30).map("".join), st.data()
)
def test_reading_maps_every_boundary_of_the_tools_text_back_to_the_raw_text(raw, data):
    for reading in (Reading("utf16", True), Reading("codepoint", True), Reading("utf16")):
        tool_text = raw.replace("\r\n", "\n") if reading.crlf_one else raw
        i = data.draw(st.integers(0, len(tool_text)))
        offset = len(tool_text[:i].encode("utf-16-le")) // 2 if reading.unit == "utf16" else i
        at = reading_map(raw, reading)(offset)
        expected = tool_text[:i]
        assert (
            raw[:at].replace("\r\n", "\n") == expected if reading.crlf_one else raw[:at] == expected
        )
