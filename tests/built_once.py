"""What the tests build once per session instead of once per test.

Creating a project runs every migration (about 0.1 s) and installing a codebook parses its
YAML (about 0.3 s for the shipped one): over a thousand tests that adds up to most of the
fast loop. Tests that need a new project but do not test how one is created get a copy of
a project built once (``db`` and ``new_project`` in conftest.py). Each copy is its own file,
made with SQLite's backup API (never by copying the file), so tests stay isolated.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from workbench.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from workbench.projects import create_project
from workbench.store import open_project


@functools.cache
def codebook(path: Path) -> Codebook:
    """The codebook at ``path``, read once per session (for values a module computes)."""
    return load_codebook(path)


def copy_project(source: Path, target: Path) -> Path:
    """Copy the project file ``source`` to ``target`` with SQLite's backup API.

    The copy gets the mode a new project gets (owner only, as ``open_project`` sets it).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    os.chmod(target, 0o600)
    return target


class Templates:
    """Projects made once in ``folder``: one per set of codebooks, or migrated only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, ...] | None, Path] = {}

    def path(self, codebooks: Iterable[str | Path] | None) -> Path:
        """The template with ``codebooks`` installed (``None``: ``open_project`` only)."""
        key = None if codebooks is None else tuple(str(p) for p in codebooks)
        if key not in self.built:
            file = self.folder / f"template-{len(self.built)}.db"
            made = open_project(file) if key is None else create_project(file, codebooks=key)
            made.close()
            self.built[key] = file
        return self.built[key]

    def new(
        self, target: Path, codebooks: Iterable[str | Path] | None = (DEFAULT_CODEBOOK,)
    ) -> Path:
        """At ``target``, what ``create_project(target, codebooks=...)`` makes (closed)."""
        return copy_project(self.path(codebooks), Path(target))
