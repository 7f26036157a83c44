"""Files of an exchange: exports written whole or not at all (a temporary file next to the
target, then a rename), untrusted XML read with a clear message for every refusal, and the
names in it read the way the workbench keeps names."""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

from workbench.errors import InputError
from workbench.text import normalise_text


def write_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` only when it succeeded."""
    path = Path(path)
    if path.is_dir():
        raise InputError("exchange.output_is_directory", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f".partial{path.suffix}", dir=path.parent
    )
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: str | Path, data: bytes) -> Path:
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(data))


def write_zip_atomically(path: str | Path, members: dict[str, bytes]) -> Path:
    def write(tmp: str) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)

    return write_atomically(path, write)


def read_xml(data: bytes, *, file: str):
    """Parse a ``.qde``/``.qdc`` with the safe parser; an XML declaration naming an encoding
    Python does not know is a clear refusal, not a LookupError traceback."""
    from workbench.exchange.safety import parse_xml

    try:
        return parse_xml(data, file=file)
    except LookupError as exc:
        found = re.search(rb'encoding=["\']([^"\']{1,40})', data[:200])
        encoding = found.group(1).decode("ascii", "replace") if found else str(exc)
        raise InputError("exchange.unknown_encoding", file=file, encoding=encoding) from None


def name_of(el: Element) -> str:
    """An element's ``name`` the way the workbench keeps text (NFC, see
    :func:`workbench.text.normalise_text`). ATLAS.ti on macOS writes some names decomposed
    ("e" + a combining accent); read as written, a coder "Zoë" became "Zoe" and a code
    "Café" was added next to the project's own "Café"."""
    return normalise_text(el.get("name") or "").strip()


def description_of(el: Element) -> str | None:
    """The text of an element's ``Description`` child, the same way for ``.qdc`` and
    ``.qdpx``: without the blank lines and the common indentation a pretty-printed file
    wraps around it (``<Description>`` on its own line, the text indented under it), but
    with the indentation inside the text (NVivo's ``"\\t•\\t"`` list items) kept."""
    found = next((c for c in el if c.tag == "Description"), None)
    text = found.text if found is not None else None
    if not (text or "").strip():
        return None
    lines = (text or "").strip("\r\n").splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).rstrip() or None
