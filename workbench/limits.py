"""How much of a file from outside we are willing to read, checked before reading it.

Every import (transcripts, respondent tables, codebooks, REFI-QDA) refuses a file above the
project's file limit by its size on disk, before a single byte is read: a 2 GB table must not
be read whole into memory only to be refused afterwards. The default limit is the project
setting ``max_file_mb`` (50 MB); :mod:`workbench.zipguard` scales its unpacking caps from it.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import InputError
from workbench.i18n import Term, decimal

MB = 1024 * 1024
FILE_LIMIT_BYTES = 50 * MB  # the default of the project setting max_file_mb


def check_size(size: int, *, name: str, limit_bytes: int = FILE_LIMIT_BYTES) -> None:
    """Refuse ``size`` bytes of the file called ``name`` when above the limit (the sizes in
    the message with the reader's decimal sign: "1,1 MB" in Dutch)."""
    if size > limit_bytes:
        raise InputError(
            "files.too_large",
            file=name,
            size=decimal(size / MB),
            max_mb=megabytes(limit_bytes),
        )


def megabytes(limit_bytes: int) -> str | Term:
    """A size limit in MB as a message parameter, with the reader's decimal sign: "50",
    "0,1" in Dutch (0.1 MB, not 0.0999994). Every refusal names its limit this way."""
    return decimal(f"{round(limit_bytes / MB, 2):g}")


def read_limited(path: str | Path, *, limit_bytes: int = FILE_LIMIT_BYTES) -> bytes:
    """The bytes of ``path`` after checking its size on disk (never read a huge file)."""
    path = Path(path)
    check_size(path.stat().st_size, name=path.name, limit_bytes=limit_bytes)
    return path.read_bytes()
