"""Creating a project: a project file with the codebook(s) it codes against.

A new project starts with the default codebook (the mechanisms of social isolation); a team may
choose another, combine several, or start empty and build its own codebook inductively.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database

from workbench.codebook.editing import install_codebook
from workbench.codebook.yaml_io import DEFAULT_CODEBOOK, load_codebook
from workbench.errors import InputError
from workbench.handle import Project
from workbench.store import open_project

SUFFIX = ".db"


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

    Takes a path and ``actor``, not a handle: there is no project to ask before it exists. A new
    project's one account is the default researcher; installing a codebook checks ``actor``
    (``codebook.edit``) in the project as it is then.
    """
    loaded = [(Path(p), load_codebook(p)) for p in codebooks]
    db = open_project(path)
    installed = {r[0] for r in db.execute("SELECT name FROM codebooks").fetchall()}
    project = Project.for_user(db, actor)  # the first handle on the new project
    for file, book in loaded:
        if book.name not in installed:
            install_codebook(project, book, source=file.name)
            installed.add(book.name)
    return db


def path_in_folder(folder: str | Path, name: str) -> Path:
    """The project file ``name`` inside ``folder``; anything that could leave it is refused.

    ``name`` is a plain file name as typed on the Project page ("interviews-2026" or
    "interviews-2026.db"): no folders, no ``..``, no absolute path, no hidden file. Names
    without ``.db`` get it, so the page can never open or overwrite another kind of file.
    """
    name = (name or "").strip()
    if not name:
        raise InputError("projects.name_empty")
    if (
        Path(name).is_absolute()
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or name.startswith("~")
        or any(ch in name for ch in "\0:")
    ):
        raise InputError("projects.outside_folder", name=name, folder=str(folder))
    if not name.endswith(SUFFIX):
        name += SUFFIX
    return Path(folder) / name


def open_in_folder(project: Project, folder: str | Path, name: str) -> tuple[Path, bool]:
    """Open or create project ``name`` in ``folder``; returns (path, created).

    Only researchers of the project they are working in (``project``) may do this
    (``project.open``): a supervisor or co-researcher must not reach another project, where
    login may be off and the default account a researcher.
    """
    project.require("project.open")
    path = path_in_folder(folder, name)
    if not Path(folder).is_dir():
        raise InputError("projects.no_folder", folder=str(folder))
    created = not path.exists()
    opened = create_project(path) if created else open_project(path, create=False)
    opened.close()
    return path, created
