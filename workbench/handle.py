"""The front door for library users: one :class:`Project` handle per open project.

Why a handle: the acting person used to travel as a loose string next to a loose database
(``actor=``, ``user=``, ``coder=``, ...), so a read could forget to check the role. A
``Project`` carries the database, the acting user, the language for messages and a lazily
loaded Dutch pipeline. Public package functions take the project first and begin with
``project.require(action)``; a function cannot reach the data without a handle that knows who
is asking.

    >>> import workbench
    >>> with workbench.open_project("projects/demo.db", user="onderzoeker") as project:
    ...     project.require("read")
    ...     project.role
    'onderzoeker'

The app and the command line hold one shared connection and make a handle per acting user
with :meth:`Project.for_user`; :meth:`Project.as_user` gives the same project seen by someone
else (a supervisor looking at a coder's work, a test acting as a co-researcher).

The role is read from the project at every check, not cached: on a shared project a
researcher may change someone's role in another session, and that takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from workbench import access, store
from workbench.i18n import t

if TYPE_CHECKING:  # spaCy takes about a second to import: only when the pipeline is used
    from spacy.language import Language


@dataclass
class Project:
    """An open project as seen by one acting user.

    ``role`` is read at every check (see the module docstring): a role change made in another
    session counts at once.
    """

    db: Database
    user: str
    lang: str = "nl"
    _nlp: Language | None = field(default=None, repr=False, compare=False)  # noqa: F821
    _owns_db: bool = field(default=False, repr=False, compare=False)

    @classmethod
    def for_user(cls, db: Database, user: str, *, lang: str | None = None) -> Project:
        """A handle on an already open connection, for ``user`` (who must exist).

        The handle does not own the connection: closing it leaves ``db`` open, since the app
        shares one connection between sessions.
        """
        access.role_of(db, user)  # an unknown user is refused here, not at the first check
        language = lang or str(store.get_setting(db, "language") or "nl")
        return cls(db=db, user=user, lang=language)

    def as_user(self, user: str) -> Project:
        """The same project, connection and pipeline, seen by ``user``."""
        other = Project.for_user(self.db, user, lang=self.lang)
        other._nlp = self._nlp
        return other

    @property
    def path(self) -> Path:
        """The project file (from SQLite, so it is the file actually open)."""
        for _, name, file in self.db.execute("PRAGMA database_list").fetchall():
            if name == "main":
                return Path(file)
        raise AssertionError("an SQLite connection always has a main database")

    @property
    def role(self) -> str:
        """The acting user's role, read now (see the module docstring for why not cached)."""
        return access.role_of(self.db, self.user)

    @property
    def nlp(self) -> Language:
        """The Dutch pipeline, loaded on first use (loading takes about a second)."""
        if self._nlp is None:
            from workbench.nlp import load_pipeline

            self._nlp = load_pipeline()
        return self._nlp

    def can(self, action: str) -> bool:
        """Whether the acting user's role allows ``action`` (see ``access.PERMISSIONS``)."""
        return access.can(self.db, self.user, action)

    def require(self, action: str, *, doing: str | None = None) -> None:
        """Raise ``PermissionDenied`` unless the acting user may perform ``action``
        (``doing``: the words for what was refused, see :func:`access.require`)."""
        access.require(self.db, self.user, action, doing=doing)

    def require_setting(self, key: str) -> None:
        """Raise ``PermissionDenied`` unless the acting user may change the setting ``key``."""
        access.require_setting(self.db, self.user, key)

    def require_original_text(self) -> None:
        """Raise ``PermissionDenied`` unless the acting user may take named text out."""
        access.require_original_text(self.db, self.user)

    def require_own(self, owner: str) -> None:
        """Raise ``PermissionDenied`` unless the acting user owns the item or is a researcher."""
        access.require_own(self.db, self.user, owner)

    def message(self, key: str, **params: Any) -> str:
        """A message from the catalogue in this project's language."""
        return t(key, lang=self.lang, **params)

    def close(self) -> None:
        """Close the connection if this handle opened it (see :meth:`for_user`)."""
        if self._owns_db:
            self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_project(
    path: str | Path,
    *,
    user: str = store.DEFAULT_USER,
    lang: str | None = None,
    create: bool = False,
) -> Project:
    """Open the project at ``path`` for ``user`` and return its :class:`Project` handle.

    ``create=False`` by default: a library user who mistypes a path gets ``NotFound``-style
    ``InputError`` instead of a new empty project. ``lang`` defaults to the project's
    language setting. An unknown ``user`` is refused (``NotFound``); the connection is closed
    again in that case so nothing stays open behind a failed call.
    """
    db = store.open_project(path, create=create)
    try:
        project = Project.for_user(db, user, lang=lang)
    except BaseException:
        db.close()
        raise
    project._owns_db = True
    return project
