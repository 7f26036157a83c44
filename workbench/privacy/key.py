"""The pseudonym key: which original string became which replacement.

It lives in its own JSON file next to the project (``demo.db`` -> ``demo.key.json``), never
in the SQLite file and never in an export, so that pseudonymised material handed to others
(exports, workshop screens) can only be traced back by someone who also holds this file.
Written atomically (temporary file + rename) with owner-only permissions.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:  # POSIX; on Windows two researchers deciding at the same second could lose one decision
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

from sqlite_utils import Database

from workbench.errors import InputError

FORMAT = "workbench-pseudonym-key"
VERSION = 1


@dataclass
class KeyEntry:
    """A reviewed candidate: ``status`` accepted (with a replacement) or rejected."""

    original: str
    kind: str
    status: str  # accepted | rejected
    replacement: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass
class PseudonymKey:
    entries: dict[str, KeyEntry] = field(default_factory=dict)
    known_names: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # respondent ->

    def accepted(self) -> list[KeyEntry]:
        return [e for e in self.entries.values() if e.status == "accepted" and e.replacement]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "entries": [asdict(e) for e in sorted(self.entries.values(), key=lambda e: e.original)],
            "known_names": self.known_names,
        }


def project_file(db: Database) -> Path:
    """The file behind the ``main`` database of this connection (a path, no data: no handle)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    raise ValueError("The project is an in-memory database; a key file needs a project file.")


def key_path(project_path: str | Path) -> Path:
    """``<project>.key.json`` next to the project file (``demo.db`` -> ``demo.key.json``)."""
    project_path = Path(project_path)
    return project_path.with_name(f"{project_path.stem}.key.json")


def load_key(path: str | Path) -> PseudonymKey:
    """The key in ``path``; an empty key when the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        return PseudonymKey()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(data.get("format"))
        entries = {e["original"]: KeyEntry(**e) for e in data.get("entries", [])}
        known = {str(k): list(v) for k, v in data.get("known_names", {}).items()}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError("privacy.bad_key_file", path=str(path), problem=str(exc)) from None
    return PseudonymKey(entries, known)


def save_key(key: PseudonymKey, path: str | Path) -> Path:
    """Write the key atomically, readable by the owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(key.to_json(), f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _copies(path: Path) -> list[Path]:
    """Temporary copies :func:`save_key` leaves when it is killed before the rename."""
    return [p for p in path.parent.glob(f"{glob.escape(path.name)}*.tmp") if p.is_file()]


def remove_stale_copies(path: str | Path) -> int:
    """Delete temporary key copies left by a crash (they hold every original name).

    Taken under the key lock, so a copy another process is writing right now is never hit.
    """
    path = Path(path)
    if not path.parent.is_dir() or not _copies(path):
        return 0
    with _locked(path):
        found = _copies(path)
        for copy in found:
            copy.unlink(missing_ok=True)
    return len(found)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        os.chmod(lock.name, 0o600)
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def editing_key(path: str | Path) -> Iterator[PseudonymKey]:
    """Load, change and save the key under an exclusive lock (``<key>.lock``).

    Two researchers deciding at the same time would otherwise each write their own copy and
    one decision would be lost. The key is saved only when the block ends without error.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        key = load_key(path)
        yield key
        save_key(key, path)
