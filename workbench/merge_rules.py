"""What a code merge makes of the life events and decisions that hang on the merged code:
the rules, on plain rows and the codebook tree, without writing anything.

Why in the core: two callers need the same rules. The writers of a merge
(:func:`workbench.life_events.events.events_follow_merge`,
:func:`workbench.resolutions.resolutions_follow_merge`) apply them to a merge being made;
migration ``m017`` (workbench/migrations.py) applies them to merges made before those
writers took these rows along. A migration runs inside ``store.open_project``, below every
domain module, and may import only the core, so the rules live here, once. The writes stay
with each table's owner (and, for the repair, in the migration).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

LOSS_ROOT = "verlies"
NOT_EVENTS = ("verliescascade",)  # names a chain, not a loss
FOLLOWERS = ("schaamte", "energiebalans", "isolement", "zingeving", "herstel")


@dataclasses.dataclass(frozen=True)
class Kinds:
    """Which codes are losses and which are reactions (and what a reaction counts as)."""

    losses: tuple[str, ...]
    reactions: dict[str, str]  # code -> the follower it counts as (zingeving-hoop -> zingeving)
    parents: dict[str, str | None]  # code -> parent code

    def role(self, code: str) -> str | None:
        if code in self.losses:
            return "loss"
        return "reaction" if code in self.reactions else None

    def same_kind(self, mention: str, event: str) -> bool:
        """A mention may join an event of its own kind, or (a headline) one of its sub-kinds."""
        return mention == event or self.parents.get(event) == mention


def read_kinds(
    db: Database,
    *,
    loss_root: str = LOSS_ROOT,
    exclude: Sequence[str] = NOT_EVENTS,
    followers: Sequence[str] = FOLLOWERS,
) -> Kinds:
    """The loss kinds (``verlies`` and its sub-codes but ``verliescascade``) and reaction
    kinds, read from the codebook tree. No handle: the caller has checked the right to read
    (:func:`workbench.life_events.kinds`) or is a migration."""
    rows = db.execute(
        """
        WITH RECURSIVE tree(id, root) AS (
            SELECT id, slug FROM codes WHERE parent_id IS NULL
            UNION ALL SELECT c.id, tree.root FROM codes c JOIN tree ON c.parent_id = tree.id
        )
        SELECT k.slug, p.slug, tree.root FROM codes k JOIN tree ON tree.id = k.id
        LEFT JOIN codes p ON p.id = k.parent_id ORDER BY k.codebook_id, k.position, k.id
        """
    ).fetchall()
    parents = {slug: parent for slug, parent, _ in rows}
    losses = tuple(s for s, _, root in rows if root == loss_root and s not in exclude)
    reactions = {}
    for slug, parent, root in rows:
        for name in (slug, parent, root):
            if name in followers:
                reactions[slug] = name
                break
    return Kinds(losses=losses, reactions=reactions, parents=parents)


def event_after_merge(kinds: Kinds, target: str) -> dict[str, str]:
    """The changes to an event whose kind was merged into code ``target``: it becomes of
    kind ``target``, so cascades, chains and life lines name the code the codings now
    carry, and takes the target's role when that is a loss or a reaction (else it keeps its
    own)."""
    role = kinds.role(target)
    return {"kind": target, **({"role": role} if role else {})}


# Of two decisions on one unit that meet on one code, the one that stays: "present" first, as
# the merged code covers what either code covered (and the consensus coding of a "present"
# moves with the merge, so the decision that stays agrees with the codings); on a tie the
# target's own, as with codings.
_PRESENT_FIRST = {"present": 1, "absent": 0}


def decisions_meet(
    moving: dict[str, Any], there: dict[str, Any], *, source: str, target: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Decision ``moving`` (on the merged code ``source``) meets ``there`` (the target
    ``target``'s decision on the same unit): which stays, which goes, and the changes to the
    one that stays (the target's id when it is the moving one; the other's note added to
    its own, marked with that decision's code and decision, so what the team wrote stays in
    view)."""
    if _PRESENT_FIRST[moving["decision"]] > _PRESENT_FIRST[there["decision"]]:
        stays, gone, gone_slug = moving, there, target
    else:
        stays, gone, gone_slug = there, moving, source
    changes: dict[str, Any] = {"code_id": there["code_id"]} if stays is moving else {}
    if gone["note"]:
        kept = f"{gone_slug} ({gone['decision']}): {gone['note']}"
        changes["note"] = "\n\n".join(n for n in (stays["note"], kept) if n)
    return stays, gone, changes
