"""Checks that run on a file's bytes before any parser sees them.

Word and OpenDocument files are zip archives: a hostile one can claim a member that unpacks
to gigabytes (a zip bomb) or carry member names that climb out of a folder. We read the zip's
directory first and refuse such files before python-docx or odfpy open them. A Word file
protected with a password is not a zip at all but an OLE compound file (as old .doc files
are); we recognise its signature and say so instead of reporting a vague parse error.
"""

from __future__ import annotations

import io
import zipfile

from workbench.errors import InputError

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MAX_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 1_000_000_000     # all members together
MAX_RATIO = 200                        # unpacked / packed, for members above 1 MB
RATIO_FLOOR_BYTES = 1_000_000


def check_zip(data: bytes, *, name: str) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking its directory; raise InputError if unsafe."""
    if data.startswith(CFB_MAGIC):
        raise InputError("ingest.encrypted_office", file=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError("ingest.corrupt_file", file=name, reason=str(exc) or type(exc).__name__)
    if len(members) > MAX_MEMBERS:
        raise InputError("ingest.zip_bomb", file=name, reason=f"{len(members)} parts")
    total = 0
    for member in members:
        _check_member_name(member.filename, name=name)
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise InputError(
                "ingest.zip_bomb", file=name,
                reason=f"{member.filename}: {member.file_size:,} bytes from "
                f"{member.compress_size:,} (x{ratio:,.0f})",
            )
    if total > MAX_UNPACKED_BYTES:
        raise InputError("ingest.zip_bomb", file=name, reason=f"{total:,} bytes unpacked")
    return archive


def _check_member_name(member: str, *, name: str) -> None:
    parts = member.replace("\\", "/").split("/")
    if (
        member.startswith(("/", "\\"))
        or (len(member) > 1 and member[1] == ":")
        or ".." in parts
        or "\x00" in member
    ):
        raise InputError("ingest.zip_unsafe_name", file=name, member=member[:80])
