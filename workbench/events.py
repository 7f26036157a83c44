"""Every kind of event the workbench logs, declared once (issue 16).

An event is one row of the append-only ``events`` table: who did what (``action``) to which
row (``entity`` = its table, ``entity_id``), with the row ``before`` and ``after``. Each kind
is declared here, once, as an :class:`EventKind` constant; calling it is the named
constructor that every write uses, in the spirit of Taguette's ``Command.highlight_add``::

    record_event(db, actor, events.MEMO_ADD(memo_id, None, {**record, "id": memo_id}))

The declaration is also the one place that says how the event is undone
(``workbench.history`` reads it): the permission an undo needs, whether the action logs
several rows under one stamp that are undone together, what its row hangs on when no
foreign key says it (a memo's target), or why it is not undone (and what the way back
is). Undo applies the inverse of a logged row, so only a kind whose rows are whole rows of
its table can be declared undoable.

The action names are stored in every project database and name the words of the history
and of the undo toast (``app.action.<name>`` in ``workbench/locale/app.toml``): never rename
one. A kind no longer logged stays declared (``legacy=True``) so older logs still read.
``tests/test_events.py`` fails when a module records an event by a free string or an
undeclared name, and undoes every undoable kind on a real project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

# What an event's before/after hold: the whole row of its table (an undo can put it back),
# part of it (the columns that changed), or a summary of what the action did (counts, a file).
ROWS = ("whole", "part", "summary")


@dataclasses.dataclass(frozen=True)
class EventKind:
    """One kind of event: its action name, its table and how (or why not) it is undone."""

    action: str
    entity: str
    rows: str
    undo: str | None = None  # the permission an undo needs (access.PERMISSIONS); None: not here
    grouped: bool = False  # logged with other rows under one stamp, undone with them
    not_undone: str = ""  # why undo leaves it, and the way back
    legacy: bool = False  # no longer logged; kept so older projects' logs still read
    # What a row is about when no foreign key can say it: its ``target_type`` names one of
    # these tables and its ``target_id`` the row there. An undo that would put the row back
    # on a row gone since (or on a code merged away) is refused, as a blocked undo.
    targets: Mapping[str, str] | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.rows not in ROWS:
            raise ValueError(f"rows must be one of {ROWS}. Got {self.rows!r} instead.")
        if self.undo is not None and self.rows != "whole":
            raise ValueError(
                f"{self.action}: only an event with whole rows can be undone. "
                f"Got rows={self.rows!r} instead."
            )
        if (self.undo is None) == (not self.not_undone):
            raise ValueError(
                f"{self.action}: say either the permission its undo needs or why it is not "
                "undone, not both."
            )
        if self.grouped and self.undo is None:
            raise ValueError(f"{self.action}: only an undoable event is undone with a group.")

    def __call__(self, entity_id: Any, before: Any = None, after: Any = None) -> Event:
        """This kind of event about row ``entity_id``, with its row before and after."""
        return Event(self, entity_id, before, after)


@dataclasses.dataclass(frozen=True)
class Event:
    """One event to log (``store.record_event`` writes it inside the caller's transaction)."""

    kind: EventKind
    entity_id: Any
    before: Any = None
    after: Any = None


# Ways back for the kinds undo leaves alone.
_BY_HAND = "changed back by hand (the history shows what it was)"
_IMPORT = "an import is taken back by deleting what it brought in"
_LOG = "a record of what happened (an export, a backup, a note), nothing to take back"
_CODES = "undo never adds or deletes codes (their codings would go with them): use the codebook"

# --- codings (workbench.codings) -----------------------------------------------------------


def _coding(action: str, *, grouped: bool = False) -> EventKind:
    return EventKind(action, "codings", "whole", undo="code", grouped=grouped)


CODING_ADD = _coding("coding.add")
# Removed with the mentions of life events that pointed at it (one undo brings all back);
# also a duplicate a code merge or a recode removed.
CODING_REMOVE = _coding("coding.remove", grouped=True)
CODING_WHEN = _coding("coding.when")
# Moved to another code: after a split (several at once), or with its code in a merge.
CODING_RECODE = _coding("coding.recode", grouped=True)
SUGGESTION_ADD = _coding("suggestion.add")
SUGGESTION_ACCEPT = _coding("suggestion.accept")
SUGGESTION_REJECT = _coding("suggestion.reject")
SUGGESTION_REOPEN = _coding("suggestion.reopen")
CODING_LIFE_TIME = EventKind(  # the demo loader's, before it called codings.set_life_time
    "coding.life_time",
    "codings",
    "part",
    not_undone="logged only the two columns; now logged whole as coding.when",
    legacy=True,
)

# --- memos (workbench.memos) ---------------------------------------------------------------


# What a memo hangs on: the table of each target (a memo on the project hangs on nothing).
# workbench.memos refuses a memo on what is not there; undo refuses to put one back on it.
MEMO_TARGETS: Mapping[str, str] = {
    "document": "documents",
    "segment": "segments",
    "code": "codes",
    "coding": "codings",
    "respondent": "respondents",
}


def _memo(action: str, *, grouped: bool = False) -> EventKind:
    return EventKind(
        action, "memos", "whole", undo="memo.write", grouped=grouped, targets=MEMO_TARGETS
    )


MEMO_ADD = _memo("memo.add")
MEMO_EDIT = _memo("memo.edit")
MEMO_REMOVE = _memo("memo.remove")
# A memo follows what it is about into what stays: from a coding a merge or a recode removed
# as a duplicate to the coding that stays, from a merged code to the code it went into.
MEMO_MOVE_WITH_CODING = _memo("memo.move_with_coding", grouped=True)
MEMO_MOVE_WITH_CODE = _memo("memo.move_with_code", grouped=True)

# --- codebooks and codes (workbench.codebook; "whole" rows may carry the rationale too) ----


def _code_edit(action: str) -> EventKind:
    return EventKind(action, "codes", "whole", undo="codebook.edit")


CODEBOOK_EDIT = _code_edit("codebook.edit")
CODEBOOK_RENAME = _code_edit("codebook.rename")
# A move into another codebook takes the branch along: one row per code, one undo.
CODEBOOK_MOVE = EventKind("codebook.move", "codes", "whole", undo="codebook.edit", grouped=True)
CODEBOOK_ADD = EventKind("codebook.add", "codes", "whole", not_undone=_CODES)
CODE_ADD = EventKind("code.add", "codes", "whole", not_undone=_CODES)  # from another tool
# A merge: the merged code's row (made inactive) names the action; its codings, sub-codes,
# memos and life events move under the same stamp and one undo takes all of it back.
CODEBOOK_MERGE = EventKind("codebook.merge", "codes", "whole", undo="codebook.edit", grouped=True)
CODEBOOK_SPLIT = EventKind("codebook.split", "codes", "summary", not_undone=_CODES)
CODEBOOK_INSTALL = EventKind("codebook.install", "codebooks", "summary", not_undone=_IMPORT)
CODEBOOK_IMPORT = EventKind("codebook.import", "codebooks", "part", not_undone=_IMPORT)
CODEBOOK_CREATE = EventKind("codebook.create", "codebooks", "part", not_undone=_CODES)
CODEBOOK_REMOVE = EventKind("codebook.remove", "codebooks", "summary", not_undone=_CODES)
CODEBOOK_NOTE = EventKind("codebook.note", "codebook_changes", "whole", not_undone=_LOG)

# --- life events (workbench.life_events): one action, several rows, one undo --------------


def _life(action: str, table: str) -> EventKind:
    return EventKind(action, table, "whole", undo="code", grouped=True)


LIFE_EVENT_ADD = _life("life_event.add", "life_events")
LIFE_EVENT_EDIT = _life("life_event.edit", "life_events")
LIFE_EVENT_ACCEPT = _life("life_event.accept", "life_events")  # confirmed by an attach or link
LIFE_EVENT_REMOVE = _life("life_event.remove", "life_events")
LIFE_EVENT_EVENT_ACCEPT = _life("life_event.event_accept", "life_events")
LIFE_EVENT_EVENT_REJECT = _life("life_event.event_reject", "life_events")
LIFE_EVENT_EVENT_REOPEN = _life("life_event.event_reopen", "life_events")
# Rows that only follow from what happened to an event end in "_with_event"; the row that
# names the action is logged first (workbench.history shows that one).
LIFE_EVENT_EDIT_WITH_EVENT = _life("life_event.edit_with_event", "life_events")
LIFE_EVENT_MENTION_ADD = _life("life_event.mention_add", "life_event_codings")
LIFE_EVENT_MENTION_DECIDE = _life("life_event.mention_decide", "life_event_codings")
LIFE_EVENT_MENTION_MOVE = _life("life_event.mention_move", "life_event_codings")
LIFE_EVENT_MENTION_ACCEPT = _life("life_event.mention_accept", "life_event_codings")
LIFE_EVENT_MENTION_REJECT = _life("life_event.mention_reject", "life_event_codings")
LIFE_EVENT_MENTION_REOPEN = _life("life_event.mention_reopen", "life_event_codings")
LIFE_EVENT_MENTION_REJECT_WITH_EVENT = _life("life_event.reject_with_event", "life_event_codings")
LIFE_EVENT_MENTION_REMOVE_WITH_EVENT = _life("life_event.remove_with_event", "life_event_codings")
LIFE_EVENT_LINK_ADD = _life("life_event.link_add", "life_event_links")
LIFE_EVENT_LINK_ACCEPT = _life("life_event.link_accept", "life_event_links")
LIFE_EVENT_LINK_REJECT = _life("life_event.link_reject", "life_event_links")
LIFE_EVENT_LINK_REOPEN = _life("life_event.link_reopen", "life_event_links")
LIFE_EVENT_LINK_REMOVE = _life("life_event.link_remove", "life_event_links")
LIFE_EVENT_LINK_REJECT_WITH_EVENT = _life("life_event.reject_with_event", "life_event_links")
LIFE_EVENT_LINK_REMOVE_WITH_EVENT = _life("life_event.remove_with_event", "life_event_links")
# Rows that follow from what happened to their coding end in "_with_coding": a mention goes
# with a removed coding, or moves to the coding that stays when its own was a duplicate.
LIFE_EVENT_MENTION_REMOVE_WITH_CODING = _life("life_event.remove_with_coding", "life_event_codings")
LIFE_EVENT_MENTION_MOVE_WITH_CODING = _life("life_event.move_with_coding", "life_event_codings")
# The workbench's proposals: rejected (or confirmed) like suggestions, not undone.
_PROPOSED = "the workbench's proposals are rejected instead, and never proposed again"
LIFE_EVENT_PROPOSE = EventKind("life_event.propose", "life_events", "summary", not_undone=_PROPOSED)
LIFE_EVENT_PROPOSE_EVENTS = EventKind(
    "life_event.propose_events", "life_events", "whole", not_undone=_PROPOSED
)
LIFE_EVENT_PROPOSE_CODINGS = EventKind(
    "life_event.propose_codings", "life_event_codings", "whole", not_undone=_PROPOSED
)
LIFE_EVENT_PROPOSE_LINKS = EventKind(
    "life_event.propose_links", "life_event_links", "whole", not_undone=_PROPOSED
)

# --- documents, speakers, respondents (workbench.ingest, workbench.respondents) ------------
IMPORT_DOCUMENT = EventKind("import.document", "documents", "summary", not_undone=_IMPORT)
DOCUMENT_LINK = EventKind("document.link", "documents", "part", not_undone=_BY_HAND)
SPEAKER_ROLE = EventKind("speaker.role", "speakers", "part", not_undone=_BY_HAND)
RESPONDENT_ADD = EventKind("respondent.add", "respondents", "whole", not_undone=_BY_HAND)
RESPONDENT_UPDATE = EventKind("respondent.update", "respondents", "whole", not_undone=_BY_HAND)
RESPONDENTS_IMPORT = EventKind("respondents.import", "respondents", "summary", not_undone=_IMPORT)
ATTRIBUTE_ADD = EventKind("attribute.add", "attributes", "part", not_undone=_BY_HAND)
ATTRIBUTE_TYPE = EventKind("attribute.type", "attributes", "part", not_undone=_BY_HAND)
ATTRIBUTE_SET = EventKind("attribute.set", "attribute_values", "part", not_undone=_BY_HAND)

# --- exchange with other tools (workbench.exchange) ----------------------------------------
IMPORT_QDPX = EventKind("import.qdpx", "documents", "summary", not_undone=_IMPORT)
IMPORT_QDC = EventKind("import.qdc", "codebooks", "summary", not_undone=_IMPORT)
GUID_REMEMBER = EventKind("guid.remember", "exchange_guids", "part", not_undone=_LOG)
EXPORT_CSV = EventKind("export.csv", "project", "summary", not_undone=_LOG)
EXPORT_XLSX = EventKind("export.xlsx", "project", "summary", not_undone=_LOG)
EXPORT_QDPX = EventKind("export.qdpx", "project", "summary", not_undone=_LOG)
_OLD_EXCHANGE = "an older release's record of an exchange; now part of import.document"
EXCHANGE_GUID = EventKind(
    "exchange.guid", "exchange_guids", "part", not_undone=_OLD_EXCHANGE, legacy=True
)
DOCUMENT_EXCHANGE = EventKind(
    "document.exchange", "documents", "part", not_undone=_OLD_EXCHANGE, legacy=True
)
DOCUMENT_GUID = EventKind(
    "document.guid", "documents", "part", not_undone=_OLD_EXCHANGE, legacy=True
)

# --- consistency and workshops (workbench.consistency, done_marks, privacy.workshop, ...) --
CONSISTENCY_RESOLVE = EventKind("consistency.resolve", "resolutions", "whole", not_undone=_BY_HAND)


# A decision follows what it is about, in the action of a merge or a recode (undone with it):
# to the code its code was merged into, to the consensus coding that stayed when its own was
# a duplicate; of two decisions that meet on one unit of one code, the other goes.
def _follows(action: str) -> EventKind:
    return EventKind(action, "resolutions", "whole", undo="consistency.resolve", grouped=True)


CONSISTENCY_MOVE_WITH_CODE = _follows("consistency.move_with_code")
CONSISTENCY_REMOVE_WITH_CODE = _follows("consistency.remove_with_code")
CONSISTENCY_MOVE_WITH_CODING = _follows("consistency.move_with_coding")
CONSISTENCY_SAMPLE = EventKind("consistency.sample", "samples", "summary", not_undone=_BY_HAND)
CONSISTENCY_SAMPLE_CLOSE = EventKind(
    "consistency.sample_close", "samples", "part", not_undone=_BY_HAND
)
# A done mark ("klaar", workbench.done_marks): one whole row per document, one undo per click.
DONE_MARK = EventKind("done.mark", "done_marks", "whole", undo="code", grouped=True)
DONE_UNMARK = EventKind("done.unmark", "done_marks", "whole", undo="code", grouped=True)
_OLD_DONE = "an older release logged only which documents: set or remove the mark again"
CONSISTENCY_DONE = EventKind(
    "consistency.done", "done_marks", "summary", not_undone=_OLD_DONE, legacy=True
)
CONSISTENCY_UNDONE = EventKind(
    "consistency.undone", "done_marks", "summary", not_undone=_OLD_DONE, legacy=True
)
WORKSHOP_ASSIGN = EventKind(
    "workshop.assign", "workshop_assignments", "summary", not_undone=_BY_HAND
)
WORKSHOP_UNASSIGN = EventKind(
    "workshop.unassign", "workshop_assignments", "summary", not_undone=_BY_HAND
)
WORKSHOP_ANSWER = EventKind("workshop.answer", "workshop_answers", "part", not_undone=_BY_HAND)
WORKSHOP_CHOICE = EventKind("workshop.choice", "segments", "part", not_undone=_BY_HAND)

# --- people, settings, privacy, the project file -------------------------------------------
USER_ADD = EventKind("user.add", "users", "part", not_undone=_BY_HAND)
USER_PASSWORD = EventKind("user.password", "users", "part", not_undone=_BY_HAND)
USER_ROLE = EventKind("user.role", "users", "part", not_undone=_BY_HAND)
SETTING_SET = EventKind("setting.set", "settings", "part", not_undone=_BY_HAND)
PSEUDONYM_DECIDE = EventKind(
    "pseudonym.decide", "pseudonyms", "part", not_undone="change the decision in the key"
)
PSEUDONYMISE_APPLY = EventKind(
    "pseudonymise.apply",
    "pseudonym_spans",
    "summary",
    not_undone="change the decisions and apply them again",
)
PROJECT_BACKUP = EventKind("project.backup", "project", "summary", not_undone=_LOG)
PROJECT_RESTORE = EventKind(
    "project.restore", "project", "summary", not_undone="the replaced file is kept beside it"
)

# --- undo itself (workbench.history): entity_id is the undone event ------------------------
UNDO = EventKind("undo", "events", "part", not_undone="do the change again (no redo yet)")


def _declared() -> dict[tuple[str, str], EventKind]:
    found: dict[tuple[str, str], EventKind] = {}
    for kind in list(globals().values()):
        if not isinstance(kind, EventKind):
            continue
        key = (kind.action, kind.entity)
        if key in found:
            raise ValueError(f"{key} is declared twice in workbench.events")
        found[key] = kind
    return found


# Every declared kind by (action, entity): one action may be logged for two tables (the
# mentions and links that go with an event), each declared on its own.
KINDS: dict[tuple[str, str], EventKind] = _declared()


def kind_of(action: str, entity: str) -> EventKind | None:
    """The declared kind of a logged event (None for a name no release declared)."""
    return KINDS.get((action, entity))
