"""Every change to a project's codebooks: install, import, add, edit, rename, move, merge,
split, recode, note and remove.

Why one module: it is the only writer of ``codebooks``, ``codes`` and ``codebook_changes``
(``TABLE_OWNERS`` in workbench/migrations.py), so the role check, the rationale and the event
of each change live in one place. Every change a person makes asks for a short rationale that
lands in ``codebook_changes`` and the event log, so a supervisor can see why the codebook
looks the way it does; the event keeps whole rows, so history can undo it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.codebook.model import (
    EDITABLE_FIELDS,
    LIST_FIELDS,
    SLUG,
    Code,
    Codebook,
    check_tree,
    validate_fields,
)
from workbench.codebook.views import _code_row, code_data, codebook_from_project
from workbench.codebook.yaml_io import codebook_to_dict, load_codebook, parse_codebook
from workbench.codings import merge_code_codings, recode
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.history import one_action
from workbench.life_events.events import events_follow_merge
from workbench.memos import memos_follow
from workbench.resolutions import resolutions_follow_merge
from workbench.store import now, record_event, row, transaction, unused_id
from workbench.text import id_words


def install_codebook(project: Project, codebook: Codebook, *, source: str | None = None) -> int:
    """Put a codebook's codes in the project and return the new ``codebooks.id``.

    A project may hold several codebooks side by side; their code ids must not collide
    (codings refer to codes by slug in exchange files and in the demo corpus).
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    check_tree(codebook.codes, file=codebook.name)
    with transaction(db):
        if db.execute("SELECT 1 FROM codebooks WHERE name = ?", [codebook.name]).fetchone():
            raise InputError("codebook.already_installed", name=codebook.name)
        slugs = [c.id for c in codebook.codes]
        clash = (
            db.execute(
                f"SELECT k.slug, b.name FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
                f"WHERE k.slug IN ({', '.join('?' * len(slugs))})",
                slugs,
            ).fetchall()
            if slugs
            else []
        )
        if clash:
            raise InputError(
                "codebook.id_collision",
                name=codebook.name,
                codes=", ".join(sorted(s for s, _ in clash)),
                other=clash[0][1],
            )
        stamp = now()
        book_id = int(
            db["codebooks"]
            .insert(
                {
                    "name": codebook.name,
                    "version": codebook.version,
                    "description": codebook.description,
                    "source": source,
                    "created_at": stamp,
                    "changelog": json.dumps(codebook.changelog, ensure_ascii=False),
                    "language": codebook.language,
                }
            )
            .last_pk
        )
        ids: dict[str, int] = {}
        for position, code in enumerate(codebook.codes):
            ids[code.id] = _insert_code(db, book_id, code, position)
        for code in codebook.codes:
            if code.parent:
                db.execute(
                    "UPDATE codes SET parent_id = ? WHERE id = ?", [ids[code.parent], ids[code.id]]
                )
        from workbench.i18n import t

        _log_change(
            db,
            book_id,
            actor,
            "note",
            None,
            t(
                "codebook.installed",
                "nl",
                name=codebook.name,
                version=codebook.version,
                source=source or "-",
            ),
            {
                "version": codebook.version,
                "source": source,
                "codes": len(slugs),
                # the note again as a message, so a log shows it in the reader's language
                "message": {
                    "key": "codebook.installed",
                    "params": {
                        "name": codebook.name,
                        "version": codebook.version,
                        "source": source or "-",
                    },
                },
            },
        )
        record_event(
            db,
            actor,
            events.CODEBOOK_INSTALL(
                book_id,
                None,
                {
                    "name": codebook.name,
                    "version": codebook.version,
                    "source": source,
                    "codes": slugs,
                },
            ),
        )
    return book_id


def install_codebook_file(project: Project, path: str | Path) -> int:
    """Load, validate and install a YAML codebook file."""
    path = Path(path)
    return install_codebook(project, load_codebook(path), source=path.name)


def install_codebook_text(project: Project, text: str | bytes, *, file: str) -> int:
    """Validate and install a codebook uploaded in the app (text or UTF-8 bytes)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("codebook.not_utf8", file=file, error=str(exc)) from exc
    return install_codebook(project, parse_codebook(text, file=file), source=file)


def _insert_code(db: Database, book_id: int, code: Code, position: int) -> int:
    return int(
        db["codes"]
        .insert(
            {
                "id": unused_id(db, "codes"),  # never a removed code's id
                "codebook_id": book_id,
                "slug": code.id,
                "name": code.name,
                "name_en": code.name_en,
                "parent_id": None,
                "brief": code.brief,
                "definition": code.definition,
                "use_when": code.use_when,
                "dont_use_when": code.dont_use_when,
                "examples": json.dumps(code.examples, ensure_ascii=False),
                "counterexamples": json.dumps(code.counterexamples, ensure_ascii=False),
                "indicators": json.dumps(code.indicators, ensure_ascii=False),
                "source": json.dumps(code.source, ensure_ascii=False) if code.source else None,
                "color": code.color,
                "sensitive": int(code.sensitive),
                "position": position,
                "active": 1,
                "guid": None,  # exchange derives a stable UUID5 from the slug
            }
        )
        .last_pk
    )


def ensure_imported_codebook(
    project: Project, name: str, *, description: str | None, source: str
) -> int:
    """The id of codebook ``name``, created (logged as ``codebook.import``) when the project
    does not have it: the home of codes that come from another tool (REFI-QDA)."""
    project.require("import")
    db = project.db
    with transaction(db):
        found = db.execute("SELECT id FROM codebooks WHERE name = ?", [name]).fetchone()
        if found:
            return int(found[0])
        record = {
            "name": name,
            "version": "1",
            "description": description,
            "source": source,
            "created_at": now(),
        }
        book_id = int(db["codebooks"].insert(record).last_pk)
        record_event(db, project.user, events.CODEBOOK_IMPORT(book_id, None, record))
    return book_id


def add_imported_code(project: Project, record: Mapping[str, Any]) -> int:
    """Add one code from another tool as it came (a ``codes`` row without its id; the
    exchange importer matches, names and places it). Logged as ``code.add``.

    The record's ``slug`` is a wish: when it is missing or taken, one is made from the name
    (with -2, -3 ... as for a code added by hand)."""
    project.require("import")
    db = project.db
    with transaction(db):
        record = {**record, "slug": _free_slug(db, record.get("slug") or slugify(record["name"]))}
        record["id"] = unused_id(db, "codes")  # never a removed code's id
        new_id = int(db["codes"].insert(record).last_pk)
        record_event(
            db,
            project.user,
            events.CODE_ADD(new_id, None, json.loads(json.dumps({**record, "id": new_id}))),
        )
    return new_id


def note_on_code(project: Project, code_id: int, note: str, *, details: Any) -> int:
    """A note in the change log of a code's codebook (why a disagreement was resolved so).

    The one entry someone who may not edit the codebook adds: supervisors resolve
    disagreements (``consistency.resolve``). Logged as ``codebook.note``; returns its id.
    """
    project.require("consistency.resolve")
    db, actor = project.db, project.user
    with transaction(db):
        code = row(db, "codes", code_id)
        if code is None:
            raise NotFound("codings.unknown_code", code=code_id)
        change = {
            "codebook_id": code["codebook_id"],
            "at": now(),
            "author": actor,
            "action": "note",
            "code_slug": code["slug"],
            "rationale": note.strip(),
            "details": json.dumps(details),
        }
        change_id = int(db["codebook_changes"].insert(change).last_pk)
        record_event(db, actor, events.CODEBOOK_NOTE(change_id, None, {**change, "id": change_id}))
    return change_id


def add_code(
    project: Project,
    *,
    name: str,
    rationale: str,
    slug: str | None = None,
    parent: str | None = None,
    codebook: str | None = None,
    position: int | None = None,
    **fields_: Any,
) -> str:
    """Add a code (under ``parent``, or at the top of ``codebook``) and return its slug.

    Without ``slug`` one is made from the name (with -2, -3 ... when taken). Other keyword
    arguments are code fields (definition, use_when, examples, ...), validated as on load.
    The code comes last among its siblings, or at ``position`` in the codebook's order
    (codes are shown by position, then by id, so a new code at a taken position comes right
    after the codes already there).
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    if not name or not name.strip():
        raise InputError("codebook.edit.name_missing")
    with transaction(db):
        if slug is not None:
            if not SLUG.match(slug):
                raise InputError("codebook.edit.bad_id", code=slug, field="id")
            if db.execute("SELECT 1 FROM codes WHERE slug = ?", [slug]).fetchone():
                raise InputError("codebook.edit.code_exists", code=slug)
        else:
            slug = _free_slug(db, slugify(name))
        values = _validated(fields_, slug)
        parent_row = _active_parent(db, parent) if parent else None
        if parent_row is not None:
            book_id = parent_row["codebook_id"]
        elif codebook is not None:
            found = db.execute("SELECT id FROM codebooks WHERE name = ?", [codebook]).fetchone()
            if found is None:
                raise NotFound("codebook.unknown_codebook", name=codebook)
            book_id = int(found[0])
        else:
            book_id = _own_codebook(db, actor)
        if position is None:
            position = db.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM codes WHERE codebook_id = ?",
                [book_id],
            ).fetchone()[0]
        code = Code(id=slug, name=name.strip(), parent=parent, **values)
        new_id = _insert_code(db, book_id, code, int(position))
        if parent_row is not None:
            db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [parent_row["id"], new_id])
        after = code_data(_code_row(db, new_id))
        _log_change(db, book_id, actor, "add", slug, rationale, {"parent": parent})
        record_event(
            db, actor, events.CODEBOOK_ADD(new_id, None, {**after, "rationale": rationale})
        )
    return slug


def edit_code(project: Project, code: int | str, *, rationale: str, **fields_: Any) -> None:
    """Change descriptive fields of a code (definition, examples, indicators, colour, ...)."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    with transaction(db):
        before = _code_row(db, code)
        values = _validated(fields_, before["slug"])
        if "color" in values and (values["color"] or "").lower() == (before["color"] or "").lower():
            # the same colour in other letters ("#AABBCC" from a REFI-QDA file, "#aabbcc" from
            # the colour picker): no change to log
            del values["color"]
        if not values:
            return
        stored = {
            k: (
                json.dumps(v, ensure_ascii=False)
                if k in LIST_FIELDS or k == "source" and v
                else int(v)
                if k == "sensitive"
                else v
            )
            for k, v in values.items()
        }
        db["codes"].update(before["id"], stored)
        after = _code_row(db, before["id"])
        changed = sorted(k for k in values if before[k] != after[k])
        _log_change(
            db, before["codebook_id"], actor, "edit", before["slug"], rationale, {"fields": changed}
        )
        record_event(
            db,
            actor,
            events.CODEBOOK_EDIT(
                before["id"], code_data(before), {**code_data(after), "rationale": rationale}
            ),
        )


def rename_code(
    project: Project,
    code: int | str,
    name: str,
    *,
    rationale: str,
    name_en: str | None = None,
) -> None:
    """Give a code a new name; its id (slug) stays, so codings and exports keep pointing at it."""
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    if not name or not name.strip():
        raise InputError("codebook.edit.name_missing")
    with transaction(db):
        before = _code_row(db, code)
        update = {"name": name.strip()}
        if name_en is not None:
            update["name_en"] = name_en.strip() or None
        db["codes"].update(before["id"], update)
        after = _code_row(db, before["id"])
        _log_change(
            db,
            before["codebook_id"],
            actor,
            "rename",
            before["slug"],
            rationale,
            {"from": before["name"], "to": after["name"]},
        )
        record_event(
            db,
            actor,
            events.CODEBOOK_RENAME(
                before["id"], code_data(before), {**code_data(after), "rationale": rationale}
            ),
        )


def move_code(project: Project, code: int | str, parent: str | None, *, rationale: str) -> None:
    """Hang a code (with everything below it) under another parent, or at the top (None).

    Moving under a code of another installed codebook moves the branch into that codebook.
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    with one_action(db, actor) as stamp:  # one undo per move, as for a merge
        before = _code_row(db, code)
        branch = _subtree(db, before["id"])
        parent_row = _active_parent(db, parent) if parent is not None else None
        if parent_row is not None and parent_row["id"] in branch:
            raise InputError(
                "codebook.edit.move_cycle", code=before["slug"], parent=parent_row["slug"]
            )
        book_id = parent_row["codebook_id"] if parent_row else before["codebook_id"]
        # Below the moved code only the codebook changes; each such row is logged with it
        # (one stamp, one undo), or an undo left the sub-codes in the other codebook.
        below = [] if book_id == before["codebook_id"] else branch[1:]
        rows_before = {i: code_data(_code_row(db, i)) for i in below}
        db.execute(
            "UPDATE codes SET parent_id = ? WHERE id = ?",
            [parent_row["id"] if parent_row else None, before["id"]],
        )
        if book_id != before["codebook_id"]:
            db.execute(
                f"UPDATE codes SET codebook_id = ? WHERE id IN ({', '.join('?' * len(branch))})",
                [book_id, *branch],
            )
        old_parent = row(db, "codes", before["parent_id"]) if before["parent_id"] else None
        details = {"from": old_parent["slug"] if old_parent else None, "to": parent}
        _log_change(db, book_id, actor, "move", before["slug"], rationale, details)
        for code_id, old in [(before["id"], code_data(before)), *rows_before.items()]:
            new = {**code_data(_code_row(db, code_id)), "rationale": rationale}
            record_event(db, actor, events.CODEBOOK_MOVE(code_id, old, new), at=stamp)


def merge_codes(
    project: Project, source: int | str, target: int | str, *, rationale: str
) -> dict[str, int]:
    """Merge ``source`` into ``target``: its codings, child codes, memos, life events and the
    team's decisions on disagreements (:func:`workbench.resolutions.resolutions_follow_merge`)
    move to the target.

    The source code stays in the project as inactive (its id is kept for the history). A
    coding that the same coder already made with the target on the same span becomes one
    with it: the accepted one stays and takes the other's memos and mentions of life events
    (see :func:`workbench.codings.merge_code_codings`). Every changed row is logged whole
    under one stamp, the source code's row first, so one undo takes the merge back.
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    with one_action(db, actor) as stamp:
        src, dst = _code_row(db, source), _code_row(db, target)
        if src["id"] == dst["id"]:
            raise InputError("codebook.edit.merge_self", code=src["slug"])
        if dst["id"] in _subtree(db, src["id"]):
            raise InputError("codebook.edit.merge_into_child", code=src["slug"], target=dst["slug"])
        if not src["active"] or not dst["active"]:
            raise InputError(
                "codebook.edit.inactive", code=src["slug"] if not src["active"] else dst["slug"]
            )
        db.execute("UPDATE codes SET active = 0 WHERE id = ?", [src["id"]])
        record_event(
            db,
            actor,
            events.CODEBOOK_MERGE(
                src["id"],
                code_data(src),
                {**code_data(_code_row(db, src["id"])), "rationale": rationale},
            ),
            at=stamp,
        )
        moved, duplicates = merge_code_codings(project, src["id"], dst["id"])
        children = [
            r[0]
            for r in db.execute(
                "SELECT slug FROM codes WHERE parent_id = ? ORDER BY position", [src["id"]]
            )
        ]
        for child in children:
            child_row = _code_row(db, child)
            branch = _subtree(db, child_row["id"])
            rows_before = {i: code_data(_code_row(db, i)) for i in branch}
            db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [dst["id"], child_row["id"]])
            db.execute(
                f"UPDATE codes SET codebook_id = ? WHERE id IN ({', '.join('?' * len(branch))})",
                [dst["codebook_id"], *branch],
            )
            for code_id, old in rows_before.items():
                new = code_data(_code_row(db, code_id))
                if new != old:
                    record_event(db, actor, events.CODEBOOK_MOVE(code_id, old, new), at=stamp)
        memos = memos_follow(project, "code", src["id"], dst["id"])
        life = events_follow_merge(project, src["slug"], dst["slug"])
        decisions = resolutions_follow_merge(project, src["id"], dst["id"])
        details = {
            "into": dst["slug"],
            "codings_moved": moved,
            "children": children,
            "duplicates_removed": [d["id"] for d in duplicates],
            "memos_moved": memos,
            "life_events": life,
            "resolutions_moved": decisions["moved"],
            "resolutions_removed": decisions["removed"],
        }
        _log_change(db, src["codebook_id"], actor, "merge", src["slug"], rationale, details)
    return {"moved": len(moved), "duplicates": len(duplicates), "children": len(children)}


def split_code(
    project: Project, code: int | str, parts: Sequence[Mapping[str, Any]], *, rationale: str
) -> dict[str, list[Any]]:
    """Create new codes out of one (as its siblings, right after it); codings stay until
    someone recodes them.

    ``parts`` are dicts with at least ``name`` (and optionally ``slug`` and code fields). The
    new codes inherit the original's colour and sensitivity unless given. They share the
    original's position and so follow it in the tree (by id): at the end of the list, a part
    of a code high up was far from the code it came from, and moving the codes after it up
    would change rows an undo of an earlier edit puts back whole. Returns the new slugs
    and the ids of the codings on the original that now need a decision (see
    :func:`recode_codings`).
    """
    project.require("codebook.edit")
    db, actor = project.db, project.user
    rationale = _require_rationale(rationale)
    if len(parts) < 1:
        raise InputError("codebook.edit.split_parts", code=str(code))
    with transaction(db):
        original = _code_row(db, code)
        parent = row(db, "codes", original["parent_id"]) if original["parent_id"] else None
        book = row(db, "codebooks", original["codebook_id"])
        slugs = []
        for part in parts:
            part = dict(part)
            part.setdefault("color", original["color"])
            part.setdefault("sensitive", bool(original["sensitive"]))
            slugs.append(
                add_code(
                    project,
                    rationale=rationale,
                    parent=parent["slug"] if parent else None,
                    codebook=None if parent else book["name"],
                    position=original["position"],
                    **part,
                )
            )
        to_recode = [
            r[0]
            for r in db.execute(
                "SELECT id FROM codings WHERE code_id = ? ORDER BY document_id, start_char",
                [original["id"]],
            )
        ]
        details = {"into": slugs, "codings_to_recode": to_recode}
        _log_change(
            db, original["codebook_id"], actor, "split", original["slug"], rationale, details
        )
        record_event(
            db,
            actor,
            events.CODEBOOK_SPLIT(
                original["id"], code_data(original), {**details, "rationale": rationale}
            ),
        )
    return {"codes": slugs, "codings": to_recode}


def recode_codings(project: Project, coding_ids: Iterable[int], target: int | str) -> int:
    """Move codings to another code (after a split); each move is logged with the full row,
    all under one stamp, so one undo moves them all back."""
    project.require("codebook.edit")
    db = project.db
    moved = 0
    with one_action(db, project.user):
        dst = _code_row(db, target)
        for coding_id in coding_ids:
            if recode(project, coding_id, dst["id"]):
                moved += 1
    return moved


def remove_codebook(project: Project, name: str, *, rationale: str) -> int:
    """Take a codebook that nobody has coded with out of the project; returns its code count.

    Lets a team that wants to build its codebook from the data start without the default
    one. Refused once any code of it has a coding (merge or move codes instead) or a memo
    (delete or keep it: the memo would be lost). The event keeps the whole codebook, so it
    can be installed again from the log.
    """
    project.require("codebook.edit")
    db = project.db
    rationale = _require_rationale(rationale)
    with transaction(db):
        found = db.execute("SELECT id FROM codebooks WHERE name = ?", [name]).fetchone()
        if found is None:
            raise NotFound("codebook.unknown_codebook", name=name)
        book_id = int(found[0])
        used = db.execute(
            "SELECT count(*) FROM codings c JOIN codes k ON k.id = c.code_id "
            "WHERE k.codebook_id = ?",
            [book_id],
        ).fetchone()[0]
        if used:
            raise InputError("codebook.edit.remove_used", name=name, n=used)
        # a memo on one of its codes would hang on nothing, and a codebook installed later
        # can be given the same code ids: the memo then showed on an unrelated code
        noted = db.execute(
            "SELECT count(*) FROM memos m JOIN codes k ON k.id = m.target_id "
            "WHERE m.target_type = 'code' AND k.codebook_id = ?",
            [book_id],
        ).fetchone()[0]
        if noted:
            raise InputError("codebook.edit.remove_memos", name=name, n=noted)
        before = codebook_to_dict(codebook_from_project(project, name, include_inactive=True))
        n = db.execute("SELECT count(*) FROM codes WHERE codebook_id = ?", [book_id]).fetchone()[0]
        db.execute("UPDATE codes SET parent_id = NULL WHERE codebook_id = ?", [book_id])
        db.execute("DELETE FROM codes WHERE codebook_id = ?", [book_id])
        db.execute("DELETE FROM codebooks WHERE id = ?", [book_id])
        record_event(
            db, project.user, events.CODEBOOK_REMOVE(book_id, before, {"rationale": rationale})
        )
    return int(n)


def _require_rationale(rationale: str | None) -> str:
    """Every change to a codebook says why; a supervisor reads these later."""
    if rationale is None or not str(rationale).strip():
        raise InputError("codebook.rationale_missing")
    return str(rationale).strip()


def _validated(fields_: Mapping[str, Any], slug: str) -> dict[str, Any]:
    unknown = set(fields_) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(
            "codebook.edit.unknown_field",
            code=slug,
            field=sorted(unknown)[0],
            expected=", ".join(EDITABLE_FIELDS),
        )
    return validate_fields(fields_, where={"code": slug}, keys="codebook.edit.")


def slugify(name: str) -> str:
    """A stable id from a Dutch name: 'Verlies van woning' -> 'verlies-van-woning'.

    At most 50 characters: a slug is typed on the command line and shown in tables.
    """
    return id_words(name)[:50].strip("-") or "code"


def _free_slug(db: Database, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` ... when a code already has it."""
    slug, n = base, 1
    while db.execute("SELECT 1 FROM codes WHERE slug = ?", [slug]).fetchone():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _own_codebook(db: Database, actor: str) -> int:
    """The codebook new codes go into when a project has none yet (inductive coding)."""
    found = db.execute("SELECT id FROM codebooks ORDER BY id LIMIT 1").fetchone()
    if found:
        return int(found[0])
    from workbench.i18n import t

    name = t("codebook.own_codebook", "nl")
    book_id = int(
        db["codebooks"]
        .insert(
            {
                "name": name,
                "version": "0.1",
                "description": None,
                "source": None,
                "created_at": now(),
                "changelog": "[]",
                "language": "nl",
            }
        )
        .last_pk
    )
    record_event(db, actor, events.CODEBOOK_CREATE(book_id, None, {"name": name}))
    return book_id


def _active_parent(db: Database, parent: int | str) -> dict[str, Any]:
    """The parent row for a new or moved code; a merged (inactive) code is no parent: codes
    under it vanish from the tree and its export names a parent that is not there."""
    found = _code_row(db, parent)
    if not found["active"]:
        raise InputError("codebook.edit.inactive", code=found["slug"])
    return found


def _subtree(db: Database, code_id: int) -> list[int]:
    """The code and all codes below it."""
    rows = db.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM codes c JOIN sub "
        "ON c.parent_id = sub.id) SELECT id FROM sub",
        [code_id],
    ).fetchall()
    return [int(r[0]) for r in rows]


def _log_change(
    db: Database,
    book_id: int,
    actor: str,
    action: str,
    slug: str | None,
    rationale: str,
    details: Any,
) -> int:
    return int(
        db["codebook_changes"]
        .insert(
            {
                "codebook_id": book_id,
                "at": now(),
                "author": actor,
                "action": action,
                "code_slug": slug,
                "rationale": rationale,
                "details": json.dumps(details, ensure_ascii=False, default=str),
            }
        )
        .last_pk
    )
