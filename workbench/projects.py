"""Creating a project: a project file with the codebook(s) it codes against.

A new project starts with the default codebook (the mechanisms of social isolation); a team may
choose another, combine several, or start empty and build its own codebook inductively.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database

from workbench.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook
from workbench.store import open_project


def create_project(
    path: str | Path,
    *,
    codebooks: Iterable[str | Path] = (DEFAULT_CODEBOOK,),
    actor: str = "onderzoeker",
) -> Database:
    """Create (or open) the project at ``path`` and install ``codebooks`` in it.

    ``codebooks=()`` starts without codes. A codebook whose name is already installed in the
    project is skipped, so calling this again on the same file is harmless. All files are
    loaded and validated before anything is installed, so a broken file changes nothing.
    """
    loaded = [(Path(p), load_codebook(p)) for p in codebooks]
    db = open_project(path)
    installed = {r[0] for r in db.execute("SELECT name FROM codebooks").fetchall()}
    for file, book in loaded:
        if book.name not in installed:
            install_codebook(db, book, actor=actor, source=file.name)
            installed.add(book.name)
    return db
