"""Reading files from other people without trusting them.

A ``.qdpx`` is a zip and ``project.qde`` is XML: both can be built to hurt. Zip members are
checked before anything is read (no absolute paths, no ``..``, sizes declared up front and
capped, no runaway compression ratios) and are read in memory only, never extracted. XML is
parsed with defusedxml with DTDs forbidden: no entity declarations, no external entities,
ever. Every refusal is an :class:`InputError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from workbench.errors import InputError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one source (REFI allows 2 GB; interviews are far smaller)
MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # everything we might read from one archive
MAX_RATIO = 200  # deflate of real text reaches ~10x; bombs reach 1000x
RATIO_FLOOR_BYTES = 8 * 1024 * 1024  # small members may compress as well as they like
MAX_DEPTH = 200  # code trees are a few levels deep; this is far beyond any real file
# What a damaged archive can raise (found by fuzzing): all become one clear InputError.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
              RuntimeError, ValueError, KeyError)
_DRIVE = re.compile(r"^[A-Za-z]:")


def _member_problem(name: str) -> str | None:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "absolute"
    parts = re.split(r"[\\/]", name)
    if any(part == ".." for part in parts):
        return "parent"
    if "\x00" in name:
        return "absolute"
    return None


class SafeZip:
    """A zip archive whose members were all checked; read members by name."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except ZIP_ERRORS as exc:
            raise InputError("exchange.not_a_zip", file=self.path.name, error=str(exc)) from exc
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError("exchange.zip_too_many", file=self.path.name, count=len(infos),
                             limit=MAX_MEMBERS)
        total = 0
        for info in infos:
            problem = _member_problem(info.filename)
            if problem:
                raise InputError(f"exchange.zip_{problem}_path", file=self.path.name,
                                 member=info.filename)
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise InputError("exchange.zip_too_large", file=self.path.name,
                                 member=info.filename, size=info.file_size,
                                 limit=MAX_MEMBER_BYTES)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
                raise InputError("exchange.zip_bomb", file=self.path.name,
                                 member=info.filename, ratio=int(ratio))
        self.infos = {info.filename: info for info in infos if not info.is_dir()}

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeZip":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, name: str) -> str | None:
        """The member called ``name`` (case-insensitive folder, e.g. ``Sources/`` or
        ``sources/``; exact file name first)."""
        if name in self.infos:
            return name
        lowered = name.lower()
        for member in self.infos:
            if member.lower() == lowered:
                return member
        return None

    def read(self, member: str) -> bytes:
        """The member's bytes, never more than its declared (already checked) size."""
        info = self.infos[member]
        try:
            with self._zip.open(info) as f:
                data = f.read(info.file_size + 1)
        except ZIP_ERRORS as exc:
            raise InputError("exchange.zip_broken_member", file=self.path.name, member=member,
                             error=str(exc)) from exc
        if len(data) > info.file_size:
            raise InputError("exchange.zip_bomb", file=self.path.name, member=member, ratio="?")
        return data


def parse_xml(data: bytes, *, file: str) -> Element:
    """Parse untrusted XML: DTDs and entities refused, namespaces dropped from tags.

    Dropping namespaces lets us read hand-made files with a wrong or missing namespace,
    which occur in the wild; schema validation is reported separately.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError("exchange.xml_forbidden", file=file, error=type(exc).__name__) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InputError("exchange.xml_malformed", file=file, line=line, column=column,
                         error=str(exc)) from exc
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise InputError("exchange.xml_too_deep", file=file, depth=depth, limit=MAX_DEPTH)
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def _depth(root: Element) -> int:
    """How deeply elements nest (iteratively: a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in element)
    return deepest


def member_name(path_attr: str) -> str | None:
    """The flat file name inside ``Sources/`` named by an ``internal://`` path, else None."""
    if not path_attr.startswith("internal://"):
        return None
    name = path_attr[len("internal://"):].lstrip("/")
    if not name or _member_problem(name) or PurePosixPath(name).name != name.replace("\\", "/"):
        return None
    return name
