"""Workshop card sets: 6-8 plain-language cards per codebook, each mapped to one code.

Residents in a workshop choose between a few cards in everyday Dutch ("Ik ben vaak alleen.")
instead of the researcher's codes ("Eenzaamheid en isolement"). Each shipped codebook has a
card set in ``codebooks/werkplaats/<codebook file>.yaml``; the researcher picks 6 to 8 of its
cards (:func:`choose_cards`), and a card chosen by the group is stored as an ordinary coding
of its code through :func:`workbench.privacy.workshop.record_choice`. Two fixed cards, "geen
van deze" and "weet ik niet", record that no code applies or that the group does not know.
Every card a group picks (a content card or a fixed one) is kept in the table
``workshop_answers``, one row per group and fragment; only this module writes it.
:func:`group_comparison` puts the group's choices next to the researcher's own codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

from workbench import events
from workbench.codebook.yaml_io import CODEBOOK_DIR
from workbench.consistency import seen_by
from workbench.errors import InputError
from workbench.handle import Project
from workbench.privacy.workshop import (
    fragment,
    my_fragments,
    offered_codes,
    record_choice,
    set_workshop_codes,
    workshop_codes,
)
from workbench.store import get_setting, now, record_event, set_setting, transaction

CARD_DIR = CODEBOOK_DIR / "werkplaats"
CARDS_SETTING = "workshop_cards"
NONE, UNSURE = "geen-van-deze", "weet-ik-niet"  # the two fixed cards
FIXED = (NONE, UNSURE)
MIN_CARDS, MAX_CARDS = 6, 8


def card_sets(directory: Path = CARD_DIR) -> dict[str, list[dict[str, Any]]]:
    """The shipped card sets: codebook name -> its cards (id, text, help, icon, code, default)."""
    sets = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sets[data["codebook"]] = [
            {
                "id": c["id"],
                "text": c["text"],
                "help": c.get("help", ""),
                "icon": c.get("icon", "label"),
                "code": c["code"],
                "default": bool(c.get("default")),
            }
            for c in data["cards"]
        ]
    return sets


def available_cards(project: Project) -> list[dict[str, Any]]:
    """Cards of the card sets of the project's codebooks whose code is in the project."""
    project.require("workshop.manage")
    db = project.db
    books = {name for (name,) in db.execute("SELECT name FROM codebooks")}
    codes = {slug for (slug,) in db.execute("SELECT slug FROM codes WHERE active = 1")}
    return [
        card
        for book, cards in card_sets().items()
        if book in books
        for card in cards
        if card["code"] in codes
    ]


def choose_cards(project: Project, card_ids: list[str]) -> None:
    """The researcher's 6 to 8 cards for the workshop, in the order given.

    The cards' codes become the codes the groups may choose (``workshop_codes``).
    """
    project.require("workshop.manage")
    db = project.db
    by_id = {card["id"]: card for card in available_cards(project)}
    unknown = [i for i in card_ids if i not in by_id]
    if unknown:
        raise InputError("workshop_cards.unknown", cards=", ".join(unknown))
    if not MIN_CARDS <= len(card_ids) <= MAX_CARDS:
        raise InputError("workshop_cards.count", n=len(card_ids), low=MIN_CARDS, high=MAX_CARDS)
    chosen = [by_id[i] for i in card_ids]
    with transaction(db):
        set_setting(db, CARDS_SETTING, chosen, actor=project.user)
        set_workshop_codes(project, list(dict.fromkeys(c["code"] for c in chosen)))


def chosen_cards(project: Project) -> list[dict[str, Any]]:
    """The cards the group sees (without the two fixed ones).

    The researcher's choice; without one, the default cards of the project's card sets; for
    a codebook without a card set, one card per code the researcher offered (its name).
    A chosen card whose code a group can no longer record is not offered: merged away or
    switched off since (the group would get the researcher's words for why), or left out of
    the codes for the workshop that the researcher saved on the Privacy page after choosing
    the cards (until December 8 such a card stayed, and every tap on it read "Deze kaart is
    er niet meer").
    """
    project.require("workshop")
    db = project.db
    chosen = get_setting(db, CARDS_SETTING)
    if chosen:
        recordable = set(offered_codes(project))
        return [c for c in chosen if c["code"] in recordable]
    books = {name for (name,) in db.execute("SELECT name FROM codebooks")}
    defaults = [
        c for book, cards in card_sets().items() if book in books for c in cards if c["default"]
    ]
    offered = workshop_codes(project)
    codes = {c["code"] for c in offered}
    defaults = [c for c in defaults if c["code"] in codes]
    if defaults:
        return defaults[:MAX_CARDS]
    return [
        {
            "id": c["code"],
            "text": c["name"],
            "help": c["brief"],
            "icon": "label",
            "code": c["code"],
            "default": False,
        }
        for c in offered
    ]


def _answer(db: Database, group: str, segment_id: int) -> str | None:
    found = db.execute(
        "SELECT card FROM workshop_answers WHERE group_coder = ? AND segment_id = ?",
        [group, segment_id],
    ).fetchone()
    return str(found[0]) if found else None


def current_card(project: Project, segment_id: int) -> str | None:
    """The card the group chose for this fragment (a card id, NONE, UNSURE) or None.

    The stored answer counts while the group's coding still carries its card's code; a
    coding without an answer (recorded through :func:`record_choice` directly) shows the
    first card with that code. Only the co-onderzoeker the fragment is assigned to can ask.
    """
    project.require("workshop")
    db = project.db
    current = fragment(project, segment_id)  # checks the assignment
    answer = _answer(db, current["group"], segment_id)
    if answer in FIXED:
        return answer
    cards = chosen_cards(project)
    by_id = {c["id"]: c for c in cards}
    if answer in by_id and current["choice"] == by_id[answer]["code"]:
        return answer
    return next((c["id"] for c in cards if c["code"] == current["choice"]), None)


def record_card(project: Project, segment_id: int, card: str | None) -> None:
    """Record the group's card for a fragment (None clears the choice: "Keuze wissen").

    A content card is also stored as a coding of its code by the group coder; "geen van
    deze" and "weet ik niet" remove that coding. Only an assigned co-onderzoeker can record.
    Recording the card that is already chosen changes nothing: residents tap twice on a
    touch screen or with a slow mouse, and a second tap must keep the answer, not take it
    back (nor write a new coding and event for the same answer).
    """
    cards = {c["id"]: c for c in chosen_cards(project)}  # checks "workshop"
    if card is not None and card not in cards and card not in FIXED:
        raise InputError("workshop.code_not_offered", code=card)
    db = project.db
    with transaction(db):
        group = fragment(project, segment_id)["group"]  # checks the assignment
        if card is not None and current_card(project, segment_id) == card:
            return
        record_choice(project, segment_id, cards[card]["code"] if card in cards else None)
        before = _answer(db, group, segment_id)
        if card is None:
            db.execute(
                "DELETE FROM workshop_answers WHERE group_coder = ? AND segment_id = ?",
                [group, segment_id],
            )
        else:
            db.execute(
                "INSERT INTO workshop_answers (group_coder, segment_id, card, answered_by, "
                "answered_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_coder, segment_id) "
                "DO UPDATE SET card = excluded.card, answered_by = excluded.answered_by, "
                "answered_at = excluded.answered_at",
                [group, segment_id, card, project.user, now()],
            )
        if before != card:
            record_event(
                db,
                project.user,
                events.WORKSHOP_ANSWER(
                    f"{group}/{segment_id}", before and {"card": before}, card and {"card": card}
                ),
            )


def progress(project: Project) -> dict[str, Any]:
    """How many of the acting user's fragments have an answer (a card, none or unsure).

    ``open`` lists the fragments the group can still answer, in order, so the end screen
    can say how many are left and take the group to the first. A fragment held back while a
    possible name in it is undecided (``workshop.piece_not_ready``) counts as neither.
    """
    project.require("workshop")
    fragments = my_fragments(project)
    done, open_ = 0, []
    for segment_id in fragments:
        try:
            answered = current_card(project, segment_id) is not None
        except InputError as exc:
            if exc.key != "workshop.piece_not_ready":
                raise
            continue
        done += answered
        if not answered:
            open_.append(segment_id)
    return {"done": done, "total": len(fragments), "open": open_}


def group_comparison(project: Project) -> dict[str, Any]:
    """Each group answer next to the acting user's own codes on that fragment, with agreement.

    A card agrees when its code, or a code below it in the codebook, is one of the
    researcher's accepted codes on the fragment's text; "geen van deze" agrees when the
    researcher used none of the cards' codes there. Only fragments the researcher has read
    count, by the rule of the agreement figures (:func:`workbench.consistency.seen_by`: she
    marked the interview done, coded in it, or has it in a double-coding sample): no code
    from someone who never read the text is no judgement, so a card there would count as a
    disagreement and "geen van deze" as agreement. "Weet ik niet", open fragments and those
    not read are listed but not counted; ``not_read`` counts the answers left out for that.
    A group's answer counts once, also when the piece was given to two of its members.
    ``pieces`` counts each group's pieces once, ``answered`` those with any card (also "weet
    ik niet").

    An answer to a fragment the researcher took away from the group later (the answer and
    its coding stay) is listed too, after the others, with ``withdrawn`` True and the
    person who answered as ``user``: what residents said is data, and a researcher looking
    for it must find it. It is not counted in ``pieces``, ``answered`` or the agreement
    figure: taking a piece away is her judgement that it no longer belongs to the workshop
    (given by mistake, shown too early, or moved to another group), so the figure stays the
    one over the pieces the groups have now; given back, the answer counts again.
    ``withdrawn`` counts these rows. Returns ``{"rows": [...], "pieces", "answered",
    "agreed", "compared", "not_read", "withdrawn"}``.
    """
    project.require("workshop.manage")
    db = project.db
    seen = seen_by(project, project.user)
    cards = {c["id"]: c for c in get_setting(db, CARDS_SETTING) or []}
    card_codes = {c["code"] for c in cards.values()}
    parent = dict(
        db.execute(
            "SELECT k.slug, p.slug FROM codes k LEFT JOIN codes p ON p.id = k.parent_id"
        ).fetchall()
    )
    rows, agreed, compared, not_read = [], 0, 0, 0
    counted: set[tuple[str, int]] = set()
    pieces = (
        db.execute(
            "SELECT a.user, a.group_coder, a.segment_id, s.document_id, s.text, d.name, 0 "
            "FROM workshop_assignments a "
            "JOIN segments s ON s.id = a.segment_id JOIN documents d ON d.id = s.document_id "
            "ORDER BY a.user, a.position"
        ).fetchall()
        + db.execute(  # answers to pieces taken away from the group since
            "SELECT w.answered_by, w.group_coder, w.segment_id, s.document_id, s.text, d.name, 1 "
            "FROM workshop_answers w "
            "JOIN segments s ON s.id = w.segment_id JOIN documents d ON d.id = s.document_id "
            "WHERE NOT EXISTS (SELECT 1 FROM workshop_assignments a "
            " WHERE a.group_coder = w.group_coder AND a.segment_id = w.segment_id) "
            "ORDER BY w.group_coder, d.id, s.position"
        ).fetchall()
    )
    for user, group, segment_id, document_id, text, document, withdrawn in pieces:
        group_code = db.execute(
            "SELECT k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
            "WHERE c.segment_id = ? AND c.coder = ? AND c.status = 'accepted' "
            "ORDER BY c.id DESC LIMIT 1",
            [segment_id, group],
        ).fetchone()
        own = [
            slug
            for (slug,) in db.execute(
                "SELECT DISTINCT k.slug FROM codings c JOIN codes k ON k.id = c.code_id "
                "JOIN segments s ON s.id = ? "
                "WHERE c.document_id = s.document_id AND c.coder = ? AND c.status = 'accepted' "
                "AND c.start_char < s.end_char AND s.start_char < c.end_char",
                [segment_id, project.user],
            )
        ]
        answer = _answer(db, group, segment_id)
        matching = [c for c in cards.values() if group_code and c["code"] == group_code[0]]
        card = next((c for c in matching if c["id"] == answer), matching[0] if matching else None)
        if card is None and group_code:  # a card taken out of the set after the group chose it
            card = _former_card(db, answer, group_code[0])
        if answer not in FIXED:
            answer = None  # a content card whose coding was taken back elsewhere
        lineage = {slug for code in own for slug in _ancestors(code, parent)}
        read = document_id in seen.documents or segment_id in seen.units.get(document_id, ())
        match: bool | None = None
        if withdrawn:
            if card is None and answer is None:
                continue  # its card's coding was taken back elsewhere: nothing to show
        elif not read and (card is not None or answer == NONE):
            not_read += (group, segment_id) not in counted
        elif card is not None:
            match = card["code"] in lineage
        elif answer == NONE:
            match = not (lineage & card_codes)
        if match is not None and (group, segment_id) not in counted:
            compared += 1
            agreed += match
        if not withdrawn:
            counted.add((group, segment_id))  # one answer, also when two members have it
        rows.append(
            {
                "user": user,
                "group": group,
                "segment_id": segment_id,
                "document": document,
                "text": text,
                "card": card["text"] if card else answer,
                "code": card and card["code"],
                "own": own,
                "agrees": match,
                "withdrawn": bool(withdrawn),
            }
        )
    answered = {
        (r["group"], r["segment_id"]) for r in rows if r["card"] is not None and not r["withdrawn"]
    }
    return {
        "rows": rows,
        "pieces": len(counted),
        "answered": len(answered),
        "agreed": agreed,
        "compared": compared,
        "not_read": not_read,
        "withdrawn": sum(r["withdrawn"] for r in rows),
    }


def _former_card(db: Database, card_id: str | None, code: str) -> dict[str, Any]:
    """The card a group chose that is no longer in the set: the shipped card's sentence when
    it still stands for the group's code, else the code's name (a card made from a code).
    Without it the group's answer would show as no answer, and go uncounted."""
    shipped = {c["id"]: c for cards in card_sets().values() for c in cards}
    if card_id in shipped and shipped[card_id]["code"] == code:
        return shipped[card_id]
    (name,) = db.execute("SELECT name FROM codes WHERE slug = ?", [code]).fetchone()
    return {"id": card_id, "text": name, "code": code}


def _ancestors(slug: str, parent: dict[str, str | None]) -> list[str]:
    out = []
    while slug and slug not in out:
        out.append(slug)
        slug = parent.get(slug)
    return out
