"""Who may do what: roles enforced in the package, not only by hiding buttons.

Roles (issue 9):
- ``onderzoeker`` (researcher): everything.
- ``co-onderzoeker`` (resident co-researcher): workshop mode on pseudonymised fragments
  assigned to them; no attributes, no pseudonym key, no export.
- ``supervisor``: read everything, consistency review, no changes to others' codings.
- ``system``: technical coders such as ``consensus``; never logs in.

Every function that changes or reveals protected data calls :func:`require` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from workbench.i18n import Term
from workbench.errors import NotFound, PermissionDenied

ROLES = ("onderzoeker", "co-onderzoeker", "supervisor", "system")

# Action names are verbs on things; keep this table the single source of truth.
PERMISSIONS: dict[str, frozenset[str]] = {
    "onderzoeker": frozenset(
        {
            "project.settings",
            "import",
            "respondents.edit",
            "attributes.view",
            "codebook.edit",
            "code",
            "suggestion.decide",
            "memo.write",
            "export",
            "pseudonym.key",
            "pseudonymise",
            "users.manage",
            "consistency.review",
            "consistency.resolve",
            "workshop",
            "backup",
            "read",
            "workshop.manage",
            "project.open",
            "consistency.sample",  # issue 7: double-coding samples, blind mode
        }
    ),
    "supervisor": frozenset(
        {
            "attributes.view",
            "consistency.review",
            "consistency.resolve",
            "memo.write",
            "code",
            "suggestion.decide",
            "read",
            "export",
            "consistency.sample",
        }
    ),
    "co-onderzoeker": frozenset({"workshop"}),
    "system": frozenset({"code"}),
}


# Project-wide settings need ``project.settings`` (researchers) unless listed here.
SETTING_ACTIONS: dict[str, str] = {
    "blind_coding": "consistency.sample",  # supervisors run double-coding samples
    "workshop_codes": "workshop.manage",
    "workshop_cards": "workshop.manage",
}

# Text with the original names in it, in anything that leaves the project (exports, quote
# files): one rule for every command and page.
ORIGINAL_TEXT = "pseudonym.key"


# Which action a page of the app needs before it is shown (the package enforces the rest).
PAGE_ACTIONS: dict[str, str] = {
    "project": "read",
    "coderen": "read",
    "suggesties": "suggestion.decide",
    "zoeken": "read",
    "codeboek": "read",
    "patronen": "read",
    "consistentie": "consistency.review",
    "export": "export",
    "workshop": "workshop",
    "privacy": "read",
    "memos": "read",
}


def role_of(db: Database, actor: str) -> str:
    """The role of ``actor``; unknown users are refused rather than given a default."""
    found = db.execute("SELECT role FROM users WHERE name = ?", [actor]).fetchone()
    if found is None:
        raise NotFound("access.unknown_user", user=actor)
    return str(found[0])


def can(db: Database, actor: str, action: str) -> bool:
    """Whether ``actor`` may perform ``action``."""
    if action not in {a for actions in PERMISSIONS.values() for a in actions}:
        raise ValueError(f"Unknown action {action!r}; add it to access.PERMISSIONS")
    return action in PERMISSIONS.get(role_of(db, actor), frozenset())


def require(db: Database, actor: str, action: str, *, doing: str | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may perform ``action``.

    The message says what was refused in words, by default the permission's own
    (``access.action.<action>``); ``doing`` names another of those messages when the
    permission's words would mislead: a role change needs ``import`` but is no import.
    """
    if not can(db, actor, action):
        raise PermissionDenied(
            "access.original_text" if action == ORIGINAL_TEXT else "access.denied",
            user=actor,
            action=action,  # kept for code that reads it; the message says it in words
            what=Term(f"access.action.{doing or action}"),
            role=role_of(db, actor),
        )


def visible_pages(db: Database, actor: str) -> list[str]:
    """The app pages ``actor`` may open (see :data:`PAGE_ACTIONS`), in navigation order."""
    allowed = PERMISSIONS.get(role_of(db, actor), frozenset())
    return [page for page, action in PAGE_ACTIONS.items() if action in allowed]


def require_setting(db: Database, actor: str, key: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may change the project setting ``key``."""
    require(db, actor, SETTING_ACTIONS.get(key, "project.settings"))


def require_original_text(db: Database, actor: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may take original (named) text out."""
    require(db, actor, ORIGINAL_TEXT)


def require_own(db: Database, actor: str, owner: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` owns the item or is a researcher.

    Supervisors and co-researchers may change only their own codings and memos.
    """
    if owner != actor and role_of(db, actor) != "onderzoeker":
        raise PermissionDenied("access.not_own_coding", user=actor, coder=owner)


def require_own_memo(db: Database, actor: str, written_by: str) -> None:
    """:func:`require_own` for a memo, with the memo's words (``access.not_own_memo``)."""
    if written_by != actor and role_of(db, actor) != "onderzoeker":
        raise PermissionDenied("access.not_own_memo", user=actor, author=written_by)


def event_owner(event: Mapping[str, Any]) -> str | None:
    """Whose life event (a row of ``life_events``) it is: who recorded it, or who decided it
    when it was the workbench's proposal. An open proposal (``origin='machine'``, still
    ``suggested``) is nobody's yet: the workbench made it from every coder's codings for the
    team, so whoever may decide suggestions decides it, and the decision makes it theirs
    (``workbench.life_events.events``). Who asked the workbench is in the log, not a claim."""
    if event.get("origin") == "machine" and event.get("status") == "suggested":
        return None
    return str(event.get("created_by"))


def require_own_event(db: Database, actor: str, event: Mapping[str, Any]) -> None:
    """Raise :class:`PermissionDenied` (naming whose it is) unless ``actor`` may change this
    life event: its owner (:func:`event_owner`) or a researcher, the rule of codings."""
    owner = event_owner(event)
    if owner is not None and owner != actor and role_of(db, actor) != "onderzoeker":
        raise PermissionDenied("access.not_own_event", user=actor, owner=owner, event=event["id"])
