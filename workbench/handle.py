"""The front door for library users: one :class:`Project` handle per open project.

Why a handle: the acting person used to travel as a loose string next to a loose database
(``actor=``, ``user=``, ``coder=``, ...), so a read could forget to check the role. A
``Project`` carries the database, the acting user and that user's role (looked up once, when
the project is opened), the language for messages and a lazily loaded Dutch pipeline, so a
caller asks ``project.require("read")`` instead of repeating the lookup.

    >>> import workbench
    >>> with workbench.open_project("projects/demo.db", user="onderzoeker") as project:
    ...     project.require("read")
    ...     project.role
    'onderzoeker'

Package functions still take ``(db, ..., actor=...)``; pass ``project.db`` and
``project.actor``. Moving every public function to take the project first is the next step
of the redesign (see ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from workbench import access, store
from workbench.errors import PermissionDenied
from workbench.i18n import t

if TYPE_CHECKING:  # spaCy takes about a second to import: only when the pipeline is used
    from spacy.language import Language


@dataclass
class Project:
    """An open project as seen by one acting user.

    ``role`` is read once at open; a role change made elsewhere takes effect the next time the
    project is opened, as a login would.
    """

    db: Database
    path: Path
    user: str
    role: str
    lang: str
    _nlp: Language | None = field(default=None, repr=False, compare=False)  # noqa: F821

    @property
    def actor(self) -> str:
        """The acting user, under the name every package function takes it (``actor=``)."""
        return self.user

    @property
    def nlp(self) -> Language:
        """The Dutch pipeline, loaded on first use (loading takes about a second)."""
        if self._nlp is None:
            from workbench.nlp import load_pipeline

            self._nlp = load_pipeline()
        return self._nlp

    def can(self, action: str) -> bool:
        """Whether the acting user's role allows ``action`` (see ``access.PERMISSIONS``)."""
        known = {a for actions in access.PERMISSIONS.values() for a in actions}
        if action not in known:
            raise ValueError(f"Unknown action {action!r}; add it to access.PERMISSIONS")
        return action in access.PERMISSIONS.get(self.role, frozenset())

    def require(self, action: str) -> None:
        """Raise ``PermissionDenied`` unless the acting user may perform ``action``."""
        if not self.can(action):
            raise PermissionDenied("access.denied", user=self.user, action=action, role=self.role)

    def message(self, key: str, **params: Any) -> str:
        """A message from the catalogue in this project's language."""
        return t(key, lang=self.lang, **params)

    def close(self) -> None:
        """Close the database connection; the handle cannot be used afterwards."""
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
        role = access.role_of(db, user)
        language = lang or str(store.get_setting(db, "language") or "nl")
    except BaseException:
        db.close()
        raise
    return Project(db=db, path=Path(path), user=user, role=role, lang=language)
