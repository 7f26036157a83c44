"""Read a project's codebooks: the tree with counts, the codebook as edited, the change log.

Why a module of its own: the pages, the exports, the exchange and the editing functions all
read the same rows, and none of these reads may write. Keeping them apart from
:mod:`.editing` (the only writer) means a read can be used anywhere without pulling in the
rules for changes. In a project, codes live in the ``codes`` table; ``slug`` is the
codebook's stable ``id``.

The public reads take the :class:`~workbench.handle.Project` and need ``read``: the tree
carries counts from the data and the log the names of who changed what. Code names and
definitions are not personal data: the writers in :mod:`.editing`, which check their own
right first, look codes up with the private ``_code_row``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from workbench.codebook.model import LIST_FIELDS, Code, Codebook
from workbench.errors import NotFound
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE, Term, catalogue, t
from workbench.store import row


def codebooks(project: Project) -> list[dict[str, Any]]:
    """The codebooks installed in the project, oldest first."""
    project.require("read")
    return _codebooks(project.db)


def _codebooks(db: Database) -> list[dict[str, Any]]:
    books = _query(db, "SELECT * FROM codebooks ORDER BY id")
    for book in books:
        book["changelog"] = json.loads(book.get("changelog") or "[]")
    return books


def codebook_from_project(
    project: Project, name: str | None = None, *, include_inactive: bool = False
) -> Codebook:
    """The project's codebook as a :class:`Codebook` (as edited so far).

    ``name`` picks one installed codebook; without it all of them are combined (in install
    order), which is what a project that uses two codebooks codes against. Codes merged away
    are left out unless ``include_inactive``.
    """
    project.require("read")
    db = project.db
    books = _codebooks(db)
    if name is not None:
        books = [b for b in books if b["name"] == name]
        if not books:
            raise NotFound("codebook.unknown_codebook", name=name)
    if not books:
        return Codebook(name="", version="0", codes=[])
    rows = _query(
        db,
        "SELECT k.*, p.slug AS parent_slug FROM codes k LEFT JOIN codes p ON p.id = k.parent_id "
        f"WHERE k.codebook_id IN ({', '.join('?' * len(books))}) "
        + ("" if include_inactive else "AND k.active = 1 ")
        + "ORDER BY k.codebook_id, k.position, k.id",
        [b["id"] for b in books],
    )
    codes = [_code_from_row(r, r["parent_slug"]) for r in rows]
    ordered = _tree_order(codes)
    book = books[0] if len(books) == 1 else None
    changelog = [e for b in books for e in b["changelog"]]
    return Codebook(
        name=book["name"] if book else " + ".join(b["name"] for b in books),
        version=book["version"] if book else "+".join(b["version"] for b in books),
        description=book["description"]
        if book
        else "\n\n".join(b["description"] or "" for b in books).strip() or None,
        changelog=changelog
        + _project_changelog(db, [b["id"] for b in books], books[0]["language"]),
        codes=ordered,
    )


def _code_from_row(r: Mapping[str, Any], parent_slug: str | None) -> Code:
    return Code(
        id=r["slug"],
        name=r["name"],
        name_en=r["name_en"],
        parent=parent_slug,
        brief=r["brief"],
        definition=r["definition"],
        use_when=r["use_when"],
        dont_use_when=r["dont_use_when"],
        examples=json.loads(r["examples"] or "[]"),
        counterexamples=json.loads(r["counterexamples"] or "[]"),
        indicators=json.loads(r["indicators"] or "[]"),
        source=json.loads(r["source"]) if r["source"] else None,
        color=r["color"],
        sensitive=bool(r["sensitive"]),
    )


def _tree_order(codes: Sequence[Code]) -> list[Code]:
    """Depth-first order (parents before children), keeping the stored order of siblings."""
    children: dict[str | None, list[Code]] = {}
    ids = {c.id for c in codes}
    for code in codes:
        parent = code.parent if code.parent in ids else None
        children.setdefault(parent, []).append(code)
    out: list[Code] = []

    def walk(parent: str | None) -> None:
        for child in children.get(parent, []):
            out.append(child)
            walk(child.id)

    walk(None)
    return out


def _project_changelog(db: Database, book_ids: Sequence[int], lang: str) -> list[dict[str, Any]]:
    """Edits made in the project, grouped per day and author, as codebook changelog entries.

    Each line says in words, in the codebook's language ``lang`` like the rest of its text,
    what happened ("schaamte: nieuwe naam (waarom: ...)"), not the stored action: an export
    wrote "undo_rename schaamte: undo". A reader of the file sees only these lines; a file
    with the old lines still loads, since the reader keeps every line as it is written.
    """
    rows = (
        _query(
            db,
            f"SELECT c.*, b.version FROM codebook_changes c JOIN codebooks b ON b.id = c.codebook_id "
            f"WHERE c.codebook_id IN ({', '.join('?' * len(book_ids))}) AND c.action != 'note' "
            "ORDER BY c.id",
            book_ids,
        )
        if book_ids
        else []
    )
    entries: list[dict[str, Any]] = []
    for r in rows:
        day = r["at"][:10]
        words = {"code": r["code_slug"], "change": change_words(r["action"])}
        if r["action"].startswith("undo_"):  # its rationale is the internal "undo"
            text = t("codebook.changelog.undone", lang, **words)
        else:
            text = t("codebook.changelog.change", lang, **words, why=r["rationale"])
        if entries and entries[-1]["date"] == day and entries[-1]["author"] == r["author"]:
            entries[-1]["changes"].append(text)
        else:
            entries.append(
                {
                    "version": f"{r['version']}+project",
                    "date": day,
                    "author": r["author"],
                    "changes": [text],
                }
            )
    return entries


def code_tree(project: Project, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """All codes in tree order with depth and the number of codings per status.

    ``n_accepted``/``n_suggested``/``n_rejected`` count codings on the code itself, every
    coder's own (two coders on one fragment count twice); ``n_accepted_total`` adds those of
    every code below it (what a parent "holds"). ``n_documents_total`` and
    ``n_respondents_total`` say in how many interviews and of how many respondents the code
    or a code below it has an accepted coding: a code coded 40 times in one interview is
    not a theme of the whole study, and a count of codings alone cannot show that.
    """
    project.require("read")
    rows = _query(
        project.db,
        "SELECT k.*, p.slug AS parent_slug, b.name AS codebook, "
        "coalesce(sum(c.status = 'accepted'), 0) AS n_accepted, "
        "coalesce(sum(c.status = 'suggested'), 0) AS n_suggested, "
        "coalesce(sum(c.status = 'rejected'), 0) AS n_rejected "
        "FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "LEFT JOIN codes p ON p.id = k.parent_id LEFT JOIN codings c ON c.code_id = k.id "
        + ("" if include_inactive else "WHERE k.active = 1 ")
        + "GROUP BY k.id ORDER BY k.codebook_id, k.position, k.id",
    )
    # whose interview each is, apart: joined in SQL, the distinct pairs took twice as long
    # (80 ms on 100,000 codings), and pages that only want the names pay for this too
    person = dict(project.db.execute("SELECT id, respondent_id FROM documents").fetchall())
    used: dict[int, set[tuple[int, int | None]]] = {}
    for code_id, document_id in project.db.execute(
        "SELECT DISTINCT code_id, document_id FROM codings WHERE status = 'accepted'"
    ):
        used.setdefault(code_id, set()).add((document_id, person.get(document_id)))
    by_parent: dict[int | None, list[dict[str, Any]]] = {}
    ids = {r["id"] for r in rows}
    for r in rows:
        parent = r["parent_id"] if r["parent_id"] in ids else None
        by_parent.setdefault(parent, []).append(r)
    out: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> tuple[int, set[tuple[int, int | None]]]:
        total, where = 0, set()
        for r in by_parent.get(parent, []):
            node = code_data(r)
            node.update(
                slug=r["slug"],
                parent=r["parent_slug"],
                depth=depth,
                active=bool(r["active"]),
                sensitive=bool(r["sensitive"]),
            )
            out.append(node)
            below, below_where = walk(r["id"], depth + 1)
            node_where = used.get(r["id"], set()) | below_where
            node["n_accepted_total"] = node["n_accepted"] + below
            node["n_documents_total"] = len({d for d, _ in node_where})
            node["n_respondents_total"] = len({p for _, p in node_where if p is not None})
            total += node["n_accepted_total"]
            where |= node_where
        return total, where

    walk(None, 0)
    return out


def change_log(
    project: Project, *, code: str | None = None, lang: str = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    """The codebook changes made in this project, newest first (with who made them).

    A note the workbench wrote (a codebook added) reads in ``lang``; a person's own reason
    stays as it was written.
    """
    project.require("read")
    where, params = "", []
    if code is not None:
        where, params = "WHERE c.code_slug = ?", [code]
    rows = _query(
        project.db,
        "SELECT c.id, c.at, c.author, c.action, c.code_slug, c.rationale, c.details, "
        f"b.name AS codebook FROM codebook_changes c JOIN codebooks b ON b.id = c.codebook_id "
        f"{where} ORDER BY c.id DESC",
        params,
    )
    for r in rows:
        r["details"] = json.loads(r["details"]) if r["details"] else None
        message = r["details"].get("message") if isinstance(r["details"], dict) else None
        if message:
            r["rationale"] = t(message["key"], lang, **message["params"])
    return rows


def merged_into(project: Project) -> dict[int, int]:
    """Each code merged away (inactive) -> the active code that now holds its codings,
    following a merge into a code that was merged in turn.

    An import meets a merged code again when a file was made before the merge (a colleague
    coded our earlier export): its codings belong where the merge put the code's own. A
    merge that was undone left its code active again, so it is not here.
    """
    project.require("read")
    db = project.db
    into: dict[str, str] = {}
    for slug, details in db.execute(
        "SELECT code_slug, details FROM codebook_changes WHERE action = 'merge' ORDER BY id"
    ):
        target = json.loads(details or "{}").get("into")
        if slug and target:
            into[slug] = target  # the latest merge of a code counts
    codes = {
        r[0]: (int(r[1]), bool(r[2])) for r in db.execute("SELECT slug, id, active FROM codes")
    }
    out: dict[int, int] = {}
    for slug, (code_id, active) in codes.items():
        seen, current = {slug}, slug
        while not active and into.get(current) in codes and into[current] not in seen:
            current = into[current]
            seen.add(current)
            if codes[current][1]:
                out[code_id] = codes[current][0]
                break
    return out


def merged_away(project: Project, name: str | None = None) -> list[tuple[str, str | None]]:
    """The codes of the codebook ``name`` (default: all) that were merged away, each with the
    name of the code that now holds its codings (None when no merge leads to an active code).

    Exports leave these codes out (:func:`codebook_from_project`); this is what they say
    about it, so a reader does not look for a code that seems to have gone missing.
    """
    project.require("read")
    into = merged_into(project)
    names = dict(project.db.execute("SELECT id, name FROM codes").fetchall())
    rows = project.db.execute(
        "SELECT k.id, k.name FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "WHERE k.active = 0 AND (? IS NULL OR b.name = ?) ORDER BY k.codebook_id, k.position, k.id",
        [name, name],
    ).fetchall()
    return [(code, names[into[i]] if i in into else None) for i, code in rows]


def change_words(action: str) -> Term:
    """What an entry of the change log did, in words for the reader ("nieuwe naam"), not the
    stored action ("rename"); an action this release does not know reads as "a change"."""
    key = f"codebook.change.{action}"
    return Term(key if key in catalogue() else "codebook.change.other")


def reason_words(rationale: str | None) -> Term:
    """Why an entry of the change log was made, for the reader: what the person wrote, and
    for an entry that an undo wrote (stored as "undo", see :func:`workbench.history.undo`)
    words instead of that internal word."""
    if rationale == "undo":
        return Term("codebook.reason.undo")
    return Term("codebook.reason.written", {"text": rationale or ""})


def codings_of(
    project: Project, code: int | str, *, statuses: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The codings on one code (e.g. the ones left to recode after a split), in text order;
    needs the ``read`` right (the rows carry the coded text)."""
    project.require("read")
    db = project.db
    found = _code_row(db, code)
    where, params = "c.code_id = ?", [found["id"]]
    if statuses is not None:
        statuses = list(statuses)
        where += f" AND c.status IN ({', '.join('?' * len(statuses))})"
        params += statuses
    return _query(
        db,
        "SELECT c.id, c.document_id, d.name AS document, c.start_char, c.end_char, c.text, "
        "c.coder, c.origin, c.status FROM codings c JOIN documents d ON d.id = c.document_id "
        f"WHERE {where} ORDER BY c.document_id, c.start_char, c.id",
        params,
    )


def _code_row(db: Database, code: int | str) -> dict[str, Any]:
    """The stored ``codes`` row of a code by id or slug (NotFound otherwise); the editing
    functions start from it (after their own check) and log it whole."""
    column = "id" if isinstance(code, int) else "slug"
    found = row(db, "codes", code, column=column)
    if found is None:
        raise NotFound("codebook.unknown_code", code=code)
    return found


def code_data(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A code row as plain data for the event log and the tree (JSON columns decoded)."""
    out = dict(stored)
    for key in LIST_FIELDS:
        out[key] = json.loads(out.get(key) or "[]")
    out["source"] = json.loads(out["source"]) if out.get("source") else None
    return out


def _query(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]
