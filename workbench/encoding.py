"""Turning the bytes of a text file into text, saying which encoding was used (core: the
transcript readers and the table reader both decode here).

Transcripts come from Word's "save as text" (cp1252 on Dutch Windows), from transcription
services (UTF-8, sometimes with a byte order mark) and from old tools (UTF-16). We never guess
silently: byte order marks decide first, then strict UTF-8, then charset-normalizer limited to
the western encodings Dutch text is written in. The encoding used is returned and stored with
the document so a person can check it. Binary data and broken UTF-8 are refused, not decoded
into rubbish.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import charset_normalizer

from workbench.errors import InputError


@dataclass
class Decoded:
    """Text decoded from bytes, with the encoding that was used (shown to the user)."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Encodings a Dutch transcript without a byte order mark can plausibly be in.
WESTERN = ["cp1252", "latin_1", "iso8859_15"]
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode(data: bytes, *, name: str) -> Decoded:
    """Decode ``data`` (the bytes of the file called ``name``) and report the encoding.

    Raises :class:`InputError` for an empty file, binary data and undecodable bytes.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError("files.empty_file", file=name)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, name=name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name=name)
    if _looks_binary(data):
        raise InputError("files.binary_file", file=name)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if len(_UTF8_MULTIBYTE.findall(data)) >= 3:
        # Mostly valid UTF-8 with a few broken bytes: a damaged file, not cp1252.
        raise InputError(
            "files.undecodable", file=name, encoding="utf-8", position=utf8_error.start
        )
    best = charset_normalizer.from_bytes(data, cp_isolation=WESTERN).best()
    if best is None:
        raise InputError("files.undecodable", file=name, encoding="cp1252", position=0)
    encoding = codecs.lookup(best.encoding).name
    return Decoded(data.decode(encoding), encoding)


def _strict(data: bytes, encoding: str, *, name: str) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            "files.undecodable", file=name, encoding=encoding, position=exc.start
        ) from None
    if _CONTROL_BYTES.search(text.encode("utf-8", "surrogatepass")):
        raise InputError("files.binary_file", file=name)
    return Decoded(text, encoding)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in UTF-16 Latin text."""
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """A NUL byte anywhere, or more than 1% control bytes that no text editor writes.

    NUL is checked in the whole file (one rule, wherever it is: no text editor writes it, and
    a NUL after the first 64 KB used to be stripped silently); the ratio on a sample.
    """
    if b"\x00" in data:
        return True
    sample = data[:65536]
    return len(_CONTROL_BYTES.findall(sample)) > 0.01 * len(sample)
