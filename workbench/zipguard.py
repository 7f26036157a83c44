"""One guard for every zip archive that comes from outside: docx, odt, xlsx and qdpx.

A hostile archive can declare members that unpack to gigabytes (a zip bomb), carry member
names that climb out of a folder, or be damaged so the zip reader itself fails in odd ways
(``NotImplementedError`` for a corrupt "version needed" field, ``zlib.error``, ``EOFError``).
We read the archive's directory first and refuse such files before any parser opens them:

- at most ``MAX_MEMBERS`` members, none with an absolute path, a drive letter, ``..`` or NUL;
- all members together unpack to at most ``TOTAL_FACTOR`` times the file limit, and the
  members that get parsed as XML (where python-docx, odfpy, openpyxl and ElementTree need
  several times the XML's size in memory) to at most ``XML_FACTOR`` times the file limit;
- no member above ``RATIO_FLOOR_BYTES`` compresses better than ``MAX_RATIO`` (real text and
  XML reach about 10-30x; bombs reach hundreds or thousands).

The caps follow the project's file limit (50 MB by default): a 4.8 MB Word file whose XML
unpacks to 419 MB is refused at once, while real files stay far below every cap. Reading is
bounded too: ``zipfile`` never unpacks more than a member's declared (checked) size. A
password-protected Office file is not a zip at all but an OLE compound file; we recognise its
signature and say so. Every refusal is an :class:`InputError` naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from workbench.errors import InputError, reason
from workbench.limits import FILE_LIMIT_BYTES, MB

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_MEMBERS = 10_000
TOTAL_FACTOR = 10  # everything unpacked: at most 10x the file limit
XML_FACTOR = 2  # XML to parse: at most 2x the file limit
MAX_RATIO = 100  # unpacked / packed, for members above the floor
RATIO_FLOOR_BYTES = 1 * MB
MAX_MEMBER_BYTES = TOTAL_FACTOR * FILE_LIMIT_BYTES  # one member can never be more than all
XML_SUFFIXES = (".xml", ".rels", ".qde", ".qdc", ".vml")
# What a damaged archive can raise (found by fuzzing): all become one clear InputError.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    KeyError,
    OverflowError,
)
_DRIVE = re.compile(r"^[A-Za-z]:")


def open_zip(
    source: bytes | str | Path, *, name: str, limit_bytes: int = FILE_LIMIT_BYTES
) -> zipfile.ZipFile:
    """Open ``source`` (bytes or a path) as a zip after checking its directory.

    ``name`` is the file name used in messages; ``limit_bytes`` the project's file limit.
    """
    head = source[:8] if isinstance(source, bytes) else _head(Path(source))
    if head.startswith(CFB_MAGIC):
        raise InputError("zip.encrypted", file=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        members = archive.infolist()
    except ZIP_ERRORS as exc:
        raise InputError("zip.damaged", file=name, ext=_ext(name), reason=reason(exc)) from None
    try:
        check_members(members, name=name, limit_bytes=limit_bytes)
    except BaseException:
        archive.close()
        raise
    return archive


def check_members(
    members: list[zipfile.ZipInfo], *, name: str, limit_bytes: int = FILE_LIMIT_BYTES
) -> None:
    """Refuse unsafe names, too many members, too much unpacked data or bomb-like ratios."""
    if len(members) > MAX_MEMBERS:
        raise InputError("zip.too_many", file=name, count=len(members), limit=MAX_MEMBERS)
    total = xml = 0
    for member in members:
        if unsafe_member(member.filename):
            raise InputError("zip.unsafe_path", file=name, member=member.filename[:120])
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise InputError(
                "zip.bomb", file=name, member=member.filename[:120], ratio=f"{ratio:.0f}"
            )
        total += member.file_size
        if member.filename.lower().endswith(XML_SUFFIXES):
            xml += member.file_size
    for size, cap in ((total, TOTAL_FACTOR * limit_bytes), (xml, XML_FACTOR * limit_bytes)):
        if size > cap:
            raise InputError(
                "zip.too_large", file=name, size=f"{size / MB:.0f}", limit=f"{cap / MB:.0f}"
            )


def unsafe_member(member: str) -> bool:
    """True for a member name that could point outside the folder it is unpacked in."""
    parts = re.split(r"[\\/]", member)
    return (
        member.startswith(("/", "\\"))
        or bool(_DRIVE.match(member))
        or ".." in parts
        or "\x00" in member
    )


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, name: str) -> bytes:
    """A member's bytes, never more than its declared (already checked) size."""
    try:
        with archive.open(member) as f:
            data = f.read(member.file_size + 1)
    except ZIP_ERRORS as exc:
        raise InputError(
            "zip.broken_member", file=name, member=member.filename[:120], error=reason(exc)
        ) from None
    if len(data) > member.file_size:
        raise InputError("zip.bomb", file=name, member=member.filename[:120], ratio="?")
    return data


class SafeZip:
    """A zip file on disk whose members were all checked; read members by name."""

    def __init__(self, path: str | Path, *, limit_bytes: int = FILE_LIMIT_BYTES) -> None:
        self.path = Path(path)
        self._zip = open_zip(self.path, name=self.path.name, limit_bytes=limit_bytes)
        self.infos = {info.filename: info for info in self._zip.infolist() if not info.is_dir()}

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
        return read_member(self._zip, self.infos[member], name=self.path.name)


def flat_member_name(name: str) -> str | None:
    """``name`` when it is a plain file name (no folders, nothing unsafe), else None."""
    if not name or unsafe_member(name) or PurePosixPath(name).name != name.replace("\\", "/"):
        return None
    return name


def _head(path: Path) -> bytes:
    """The first bytes of a file that is not a project database (a zip we were given)."""
    try:
        with path.open("rb") as f:
            return f.read(8)
    except OSError:
        return b""


def _ext(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".") or "zip"
