"""The REFI-QDA guids other tools gave our coders, respondents and attributes.

Kept in ``exchange_guids`` so that a project that came from NVivo or ATLAS.ti goes back with
the same identities; rows without one get a guid derived from their name on export.
Reading them needs ``read`` (exports and imports both do); remembering one is part of an
``import``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench import events
from workbench.exchange import ids
from workbench.handle import Project
from workbench.store import record_event

COLUMNS = {"user": "user", "respondent": "respondent_id", "attribute": "attribute"}


@dataclass
class Identities:
    """guid by entity key, and entity key by guid, for users, respondents and attributes."""

    guid: dict[str, dict] = field(default_factory=lambda: {k: {} for k in COLUMNS})
    key: dict[str, dict] = field(default_factory=lambda: {k: {} for k in COLUMNS})

    def user(self, name: str) -> str:
        return self.guid["user"].get(name) or ids.derived("user", name)

    def case(self, respondent_id: int, code: str) -> str:
        return self.guid["respondent"].get(respondent_id) or ids.derived("case", code)

    def variable(self, name: str) -> str:
        return self.guid["attribute"].get(name) or ids.derived("variable", name)


def load(project: Project) -> Identities:
    project.require("read")
    found = Identities()
    for r in project.db.query("SELECT * FROM exchange_guids"):
        for kind, column in COLUMNS.items():
            if r[column] is not None:
                found.guid[kind][r[column]] = r["guid"]
                found.key[kind][r["guid"]] = r[column]
    return found


def remember(project: Project, known: Identities, kind: str, key: object, guid: str) -> None:
    """Store ``guid`` for this user/respondent/attribute unless either already has one."""
    project.require("import")
    db = project.db
    if (
        key in known.guid[kind]
        or guid in known.key[kind]
        or db.execute("SELECT 1 FROM exchange_guids WHERE guid = ?", [guid]).fetchone()
    ):
        return
    db.execute(f"INSERT INTO exchange_guids (guid, {COLUMNS[kind]}) VALUES (?, ?)", [guid, key])
    record_event(db, project.user, events.GUID_REMEMBER(guid, None, {kind: key}))
    known.guid[kind][key] = guid
    known.key[kind][guid] = key
