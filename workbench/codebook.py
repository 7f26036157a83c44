"""Codebooks: load and validate YAML files, install them in a project, edit and export them.

Why a codebook is more than a list of labels: coders agree only when every code says what it
means, when to use it and when NOT to use it, with examples (MacQueen et al. 1998). So a
code here carries exactly those fields (see Appendix A of the team brief), files are checked on
load with errors that name the file, the code and the field, and every later change in a
project asks for a short rationale that lands in ``codebook_changes`` and the event log, so a
supervisor can see why the codebook looks the way it does.

In a project, codes live in the ``codes`` table; ``slug`` is the codebook's stable ``id``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

from workbench import access
from workbench.codings import merge_code_codings, recode
from workbench.errors import InputError, NotFound
from workbench.i18n import Term
from workbench.limits import check_size
from workbench.resources import shipped
from workbench.store import now, record_event, row, transaction

CODEBOOK_DIR = shipped("codebooks")
DEFAULT_CODEBOOK = CODEBOOK_DIR / "binnenkant-isolement.yaml"
SOCIAL_QUALITY_CODEBOOK = CODEBOOK_DIR / "sociale-kwaliteit.yaml"
SHIPPED_CODEBOOKS = (DEFAULT_CODEBOOK, SOCIAL_QUALITY_CODEBOOK)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT_FIELDS = ("name_en", "brief", "definition", "use_when", "dont_use_when")
LIST_FIELDS = ("examples", "counterexamples", "indicators")
# Fields a person may change with edit_code (id/name/parent have their own operations).
EDITABLE_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "source", "color", "sensitive")
# What a methods supervisor expects of every code (checked with strict=True).
MACQUEEN_FIELDS = ("brief", "definition", "use_when", "dont_use_when", "examples", "source")
MIN_INDICATORS = 3
TOP_LEVEL_KEYS = ("name", "version", "language", "description", "changelog", "codes")
CHANGELOG_KEYS = ("version", "date", "author", "changes")


@dataclass
class Code:
    """One code; the fields are exactly the YAML keys (``id`` is the stable slug)."""

    id: str
    name: str
    name_en: str | None = None
    parent: str | None = None
    brief: str | None = None
    definition: str | None = None
    use_when: str | None = None
    dont_use_when: str | None = None
    examples: list[str] = field(default_factory=list)
    counterexamples: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    source: dict[str, str] | None = None
    color: str | None = None
    sensitive: bool = False


CODE_KEYS = tuple(f.name for f in fields(Code))


@dataclass
class Codebook:
    """A named, versioned set of codes (flat list; hierarchy through ``Code.parent``)."""

    name: str
    version: str
    description: str | None = None
    changelog: list[dict[str, Any]] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    language: str = "nl"

    def code(self, code_id: str) -> Code:
        """The code with this id (KeyError when absent)."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codes]


# --------------------------------------------------------------------------- loading


def load_codebook(path: str | Path, *, strict: bool = False) -> Codebook:
    """Read and validate a YAML codebook.

    Every problem raises :class:`InputError` naming the file, the code id and the field.
    ``strict=True`` also demands what a methods supervisor would (all MacQueen fields filled
    in, a source, at least three indicators); shipped codebooks are tested that way, while a
    team's first draft may load without.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("codebook.file_missing", file=str(path))
    check_size(path.stat().st_size, name=path.name)  # before reading: never a 2 GB read
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from Windows editors is fine
    except UnicodeDecodeError as exc:
        raise InputError("codebook.not_utf8", file=path.name, error=str(exc)) from exc
    return parse_codebook(text, file=path.name, strict=strict)


def parse_codebook(
    text: str, *, file: str | Term = Term("codebook.type.pasted"), strict: bool = False
) -> Codebook:
    """Validate YAML text as a codebook (see :func:`load_codebook`).

    Anchors and aliases are refused before the YAML is composed: a few hundred bytes of
    nested aliases expand to billions of nodes (the "billion laughs"), and a codebook never
    needs them. Scanning tokens is linear in the text, so the refusal is immediate.
    """
    check_size(len(text), name=file)
    try:
        _refuse_aliases(text, file)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError("codebook.yaml_syntax", file=file, line=line, error=problem) from exc
    if not isinstance(data, dict):
        raise InputError("codebook.not_a_mapping", file=file, got=_type_name(data))
    _check_duplicate_keys(node, file)
    lines = _code_lines(node)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(
                "codebook.unknown_top_field",
                file=file,
                field=key,
                expected=", ".join(TOP_LEVEL_KEYS),
            )
    for key in ("name", "version", "codes"):
        if data.get(key) in (None, ""):
            raise InputError("codebook.missing_top_field", file=file, field=key)
    for key in ("name", "version", "description", "language"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(
                "codebook.wrong_top_type",
                file=file,
                field=key,
                expected=Term("codebook.type.text"),
                got=_type_name(value),
                value=value,
            )
    if data.get("language", "nl") != "nl":
        raise InputError("codebook.language", file=file, got=data.get("language"))
    changelog = _changelog(data.get("changelog") or [], file)
    raw_codes = data["codes"]
    if not isinstance(raw_codes, list):
        raise InputError(
            "codebook.wrong_top_type",
            file=file,
            field="codes",
            expected=Term("codebook.type.list"),
            got=_type_name(raw_codes),
            value="",
        )
    codes: list[Code] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_codes):
        where = {"file": file, "line": lines[index] if index < len(lines) else "?"}
        code = _code(raw, index, where, strict=strict)
        if code.id in seen:
            raise InputError("codebook.duplicate_id", **where, code=code.id, first=seen[code.id])
        seen[code.id] = where["line"]
        codes.append(code)
    check_tree(codes, file=file)
    return Codebook(
        name=data["name"],
        version=data["version"],
        description=data.get("description"),
        changelog=changelog,
        codes=codes,
        language=data.get("language", "nl"),
    )


def _refuse_aliases(text: str, file: str) -> None:
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
            raise InputError("codebook.yaml_alias", file=file, line=token.start_mark.line + 1)


def _type_name(value: Any) -> Term | str:
    """What the reader found instead, in the message's language (codebook.type.*)."""
    kind = {
        str: "text",
        int: "number",
        float: "number",
        bool: "yes_no",
        list: "list",
        dict: "mapping",
        type(None): "empty",
    }.get(type(value))
    return Term(f"codebook.type.{kind}") if kind else type(value).__name__


def _check_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    """PyYAML silently keeps the last of two equal keys; a typo'd copy must not vanish."""
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in keys:
                    raise InputError(
                        "codebook.duplicate_key",
                        file=file,
                        line=key.start_mark.line + 1,
                        field=key.value,
                    )
                keys.add(key.value)
            _check_duplicate_keys(value, file)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, file)


def _code_lines(node: yaml.Node | None) -> list[int]:
    """Line number (1-based) of each item of the top-level ``codes`` list."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "codes" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _changelog(raw: Any, file: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise InputError(
            "codebook.wrong_top_type",
            file=file,
            field="changelog",
            expected=Term("codebook.type.list"),
            got=_type_name(raw),
            value="",
        )
    entries = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise InputError(
                "codebook.bad_changelog", file=file, entry=index, field="-", got=_type_name(entry)
            )
        for key in CHANGELOG_KEYS:
            if entry.get(key) in (None, ""):
                raise InputError(
                    "codebook.bad_changelog", file=file, entry=index, field=key, got="leeg"
                )
        changes = entry["changes"]
        if isinstance(changes, str):
            changes = [changes]
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise InputError(
                "codebook.bad_changelog",
                file=file,
                entry=index,
                field="changes",
                got=_type_name(changes),
            )
        date = entry["date"]
        entries.append(
            {
                "version": str(entry["version"]),
                "date": date.isoformat() if isinstance(date, dt.date) else str(date),
                "author": str(entry["author"]),
                "changes": list(changes),
            }
        )
    return entries


def _code(raw: Any, index: int, where: dict[str, Any], *, strict: bool) -> Code:
    """One validated code; ``where`` names the file and line for messages."""
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise InputError("codebook.code_not_mapping", **where, code=label, got=_type_name(raw))
    code_id = raw.get("id")
    if code_id in (None, ""):
        raise InputError("codebook.missing_field", **where, code=label, field="id")
    if not isinstance(code_id, str) or not SLUG.match(code_id):
        raise InputError("codebook.bad_id", **where, code=str(code_id), field="id")
    where = {**where, "code": code_id}
    for key in raw:
        if key not in CODE_KEYS:
            raise InputError(
                "codebook.unknown_field", **where, field=key, expected=", ".join(CODE_KEYS)
            )
    values = validate_fields(raw, where=where)
    if values.get("name") in (None, ""):
        raise InputError("codebook.missing_field", **where, field="name")
    if strict:
        for key in MACQUEEN_FIELDS:
            if not values.get(key):
                raise InputError("codebook.missing_field", **where, field=key)
        if len(values.get("indicators", [])) < MIN_INDICATORS:
            raise InputError(
                "codebook.too_few",
                **where,
                field="indicators",
                minimum=MIN_INDICATORS,
                got=len(values.get("indicators", [])),
            )
    return Code(id=code_id, **{k: v for k, v in values.items() if k != "id"})


def validate_fields(
    raw: Mapping[str, Any], *, where: Mapping[str, Any], keys: str = "codebook."
) -> dict[str, Any]:
    """Type-check code fields (any subset); used on load and by :func:`edit_code`.

    ``where`` holds ``file``, ``line`` and ``code`` for the error message; ``keys`` is the
    message-key prefix (``codebook.edit.`` for edits in a project, which have no file).
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("id", "name", "parent", *TEXT_FIELDS):
            if value is not None and not isinstance(value, str):
                _wrong(where, keys, key, Term("codebook.type.text"), value)
            if key == "parent" and value is not None and not SLUG.match(value):
                raise InputError(keys + "bad_id", **where, field="parent")
            out[key] = value.strip() if isinstance(value, str) else value
        elif key in LIST_FIELDS:
            if value is None:
                value = []
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                _wrong(where, keys, key, Term("codebook.type.text_list"), value)
            out[key] = [v.strip() for v in value]
        elif key == "source":
            if value is not None:
                if (
                    not isinstance(value, dict)
                    or set(value) != {"file", "quote"}
                    or not all(isinstance(v, str) and v.strip() for v in value.values())
                ):
                    _wrong(where, keys, key, "{file: ..., quote: ...}", value)
                value = {"file": value["file"].strip(), "quote": value["quote"]}
            out[key] = value
        elif key == "color":
            if value is not None and (not isinstance(value, str) or not COLOR.match(value)):
                raise InputError(keys + "bad_color", **where, field=key, got=value)
            out[key] = value.lower() if value else None
        elif key == "sensitive":
            if not isinstance(value, bool):
                _wrong(where, keys, key, "true/false", value)
            out[key] = value
        else:
            raise InputError(
                keys + "unknown_field", **where, field=key, expected=", ".join(CODE_KEYS)
            )
    return out


def _wrong(where: Mapping[str, Any], keys: str, key: str, expected: Term | str, value: Any) -> None:
    raise InputError(
        keys + "wrong_type", **where, field=key, expected=expected, got=_type_name(value)
    )


def check_tree(codes: Sequence[Code], *, file: str = "<project>") -> None:
    """Every parent exists and following parents never comes back to the same code."""
    by_id = {c.id: c for c in codes}
    for code in codes:
        if code.parent is not None and code.parent not in by_id:
            raise InputError(
                "codebook.unknown_parent",
                file=file,
                code=code.id,
                field="parent",
                parent=code.parent,
            )
    for code in codes:
        path = [code.id]
        current = code
        while current.parent is not None:
            if current.parent in path:
                cycle = " -> ".join([*path[path.index(current.parent) :], current.parent])
                raise InputError(
                    "codebook.parent_cycle", file=file, code=code.id, field="parent", cycle=cycle
                )
            path.append(current.parent)
            current = by_id[current.parent]


def source_problems(codebook: Codebook, seeds_dir: str | Path) -> list[dict[str, str]]:
    """Codes whose ``source.quote`` does not occur verbatim in the named seed file.

    Returned as plain data (code, file, problem: ``no_source``, ``seed_missing`` or
    ``quote_missing``) so a test or the ``validate`` command can list all of them at once
    instead of stopping at the first.
    """
    seeds_dir = Path(seeds_dir)
    texts: dict[str, str | None] = {}
    problems = []
    for code in codebook.codes:
        if not code.source:
            problems.append({"code": code.id, "file": "", "problem": "no_source"})
            continue
        name = code.source["file"]
        if name not in texts:
            path = seeds_dir / name
            texts[name] = path.read_text(encoding="utf-8") if path.is_file() else None
        if texts[name] is None:
            problems.append({"code": code.id, "file": name, "problem": "seed_missing"})
        elif code.source["quote"] not in texts[name]:
            problems.append({"code": code.id, "file": name, "problem": "quote_missing"})
    return problems


# --------------------------------------------------------------------------- install


def install_codebook(
    db: Database, codebook: Codebook, *, actor: str, source: str | None = None
) -> int:
    """Put a codebook's codes in the project and return the new ``codebooks.id``.

    A project may hold several codebooks side by side; their code ids must not collide
    (codings refer to codes by slug in exchange files and in the demo corpus).
    """
    access.require(db, actor, "codebook.edit")
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
            {"version": codebook.version, "source": source, "codes": len(slugs)},
        )
        record_event(
            db,
            actor,
            "codebook.install",
            "codebooks",
            book_id,
            None,
            {
                "name": codebook.name,
                "version": codebook.version,
                "source": source,
                "codes": slugs,
            },
        )
    return book_id


def ensure_imported_codebook(
    db: Database, name: str, *, description: str | None, source: str, actor: str
) -> int:
    """The id of codebook ``name``, created (logged as ``codebook.import``) when the project
    does not have it: the home of codes that come from another tool (REFI-QDA)."""
    access.require(db, actor, "import")
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
        record_event(db, actor, "codebook.import", "codebooks", book_id, None, record)
    return book_id


def add_imported_code(db: Database, record: Mapping[str, Any], *, actor: str) -> int:
    """Add one code from another tool as it came (a ``codes`` row without its id; the
    exchange importer matches, names and places it). Logged as ``code.add``."""
    access.require(db, actor, "import")
    with transaction(db):
        new_id = int(db["codes"].insert(dict(record)).last_pk)
        record_event(
            db,
            actor,
            "code.add",
            "codes",
            new_id,
            None,
            json.loads(json.dumps({**record, "id": new_id})),
        )
    return new_id


def note_on_code(db: Database, code_id: int, note: str, *, details: Any, actor: str) -> int:
    """A note in the change log of a code's codebook (why a disagreement was resolved so).

    The one entry someone who may not edit the codebook adds: supervisors resolve
    disagreements (``consistency.resolve``). Logged as ``codebook.note``; returns its id.
    """
    access.require(db, actor, "consistency.resolve")
    with transaction(db):
        code_row = row(db, "codes", code_id)
        if code_row is None:
            raise NotFound("codings.unknown_code", code=code_id)
        change = {
            "codebook_id": code_row["codebook_id"],
            "at": now(),
            "author": actor,
            "action": "note",
            "code_slug": code_row["slug"],
            "rationale": note.strip(),
            "details": json.dumps(details),
        }
        change_id = int(db["codebook_changes"].insert(change).last_pk)
        record_event(
            db,
            actor,
            "codebook.note",
            "codebook_changes",
            change_id,
            None,
            {**change, "id": change_id},
        )
    return change_id


def _insert_code(db: Database, book_id: int, code: Code, position: int) -> int:
    return int(
        db["codes"]
        .insert(
            {
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


def install_codebook_file(db: Database, path: str | Path, *, actor: str) -> int:
    """Load, validate and install a YAML codebook file."""
    path = Path(path)
    return install_codebook(db, load_codebook(path), actor=actor, source=path.name)


# --------------------------------------------------------------------------- reading


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


def _query(db: Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = db.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def codebooks(db: Database) -> list[dict[str, Any]]:
    """The codebooks installed in the project, oldest first."""
    books = _query(db, "SELECT * FROM codebooks ORDER BY id")
    for book in books:
        book["changelog"] = json.loads(book.get("changelog") or "[]")
    return books


def codebook_from_project(
    db: Database, name: str | None = None, *, include_inactive: bool = False
) -> Codebook:
    """The project's codebook as a :class:`Codebook` (as edited so far).

    ``name`` picks one installed codebook; without it all of them are combined (in install
    order), which is what a project that uses two codebooks codes against. Codes merged away
    are left out unless ``include_inactive``.
    """
    books = codebooks(db)
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
        changelog=changelog + _project_changelog(db, [b["id"] for b in books]),
        codes=ordered,
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


def _project_changelog(db: Database, book_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Edits made in the project, grouped per day and author, as codebook changelog entries."""
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
        text = f"{r['action']} {r['code_slug']}: {r['rationale']}"
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


# --------------------------------------------------------------------------- helpers for edits


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


def _require_rationale(rationale: str | None) -> str:
    """Every change to a codebook says why; a supervisor reads these later."""
    if rationale is None or not str(rationale).strip():
        raise InputError("codebook.rationale_missing")
    return str(rationale).strip()


def _code_row(db: Database, code: int | str) -> dict[str, Any]:
    column = "id" if isinstance(code, int) else "slug"
    found = row(db, "codes", code, column=column)
    if found is None:
        raise NotFound("codebook.unknown_code", code=code)
    return found


def _public(code_row: Mapping[str, Any]) -> dict[str, Any]:
    """A code row as plain data for the event log (JSON columns decoded)."""
    out = dict(code_row)
    for key in LIST_FIELDS:
        out[key] = json.loads(out.get(key) or "[]")
    out["source"] = json.loads(out["source"]) if out.get("source") else None
    return out


def _subtree(db: Database, code_id: int) -> list[int]:
    """The code and all codes below it."""
    rows = db.execute(
        "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM codes c JOIN sub "
        "ON c.parent_id = sub.id) SELECT id FROM sub",
        [code_id],
    ).fetchall()
    return [int(r[0]) for r in rows]


def slugify(name: str) -> str:
    """A stable id from a Dutch name: 'Verlies van woning' -> 'verlies-van-woning'."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "code"


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
    record_event(db, actor, "codebook.create", "codebooks", book_id, None, {"name": name})
    return book_id


def add_code(
    db: Database,
    *,
    name: str,
    rationale: str,
    actor: str,
    slug: str | None = None,
    parent: str | None = None,
    codebook: str | None = None,
    **fields_: Any,
) -> str:
    """Add a code (under ``parent``, or at the top of ``codebook``) and return its slug.

    Without ``slug`` one is made from the name (with -2, -3 ... when taken). Other keyword
    arguments are code fields (definition, use_when, examples, ...), validated as on load.
    """
    access.require(db, actor, "codebook.edit")
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
            base = slug = slugify(name)
            n = 1
            while db.execute("SELECT 1 FROM codes WHERE slug = ?", [slug]).fetchone():
                n += 1
                slug = f"{base}-{n}"
        values = _validated(fields_, slug)
        parent_row = _code_row(db, parent) if parent else None
        if parent_row is not None:
            book_id = parent_row["codebook_id"]
        elif codebook is not None:
            found = db.execute("SELECT id FROM codebooks WHERE name = ?", [codebook]).fetchone()
            if found is None:
                raise NotFound("codebook.unknown_codebook", name=codebook)
            book_id = int(found[0])
        else:
            book_id = _own_codebook(db, actor)
        position = db.execute(
            "SELECT coalesce(max(position), -1) + 1 FROM codes WHERE codebook_id = ?", [book_id]
        ).fetchone()[0]
        code = Code(id=slug, name=name.strip(), parent=parent, **values)
        new_id = _insert_code(db, book_id, code, int(position))
        if parent_row is not None:
            db.execute("UPDATE codes SET parent_id = ? WHERE id = ?", [parent_row["id"], new_id])
        after = _public(_code_row(db, new_id))
        _log_change(db, book_id, actor, "add", slug, rationale, {"parent": parent})
        record_event(
            db, actor, "codebook.add", "codes", new_id, None, {**after, "rationale": rationale}
        )
    return slug


def edit_code(db: Database, code: int | str, *, rationale: str, actor: str, **fields_: Any) -> None:
    """Change descriptive fields of a code (definition, examples, indicators, colour, ...)."""
    access.require(db, actor, "codebook.edit")
    rationale = _require_rationale(rationale)
    with transaction(db):
        before = _code_row(db, code)
        values = _validated(fields_, before["slug"])
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
            "codebook.edit",
            "codes",
            before["id"],
            _public(before),
            {**_public(after), "rationale": rationale},
        )


def rename_code(
    db: Database,
    code: int | str,
    name: str,
    *,
    rationale: str,
    actor: str,
    name_en: str | None = None,
) -> None:
    """Give a code a new name; its id (slug) stays, so codings and exports keep pointing at it."""
    access.require(db, actor, "codebook.edit")
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
            "codebook.rename",
            "codes",
            before["id"],
            _public(before),
            {**_public(after), "rationale": rationale},
        )


def move_code(
    db: Database, code: int | str, parent: str | None, *, rationale: str, actor: str
) -> None:
    """Hang a code (with everything below it) under another parent, or at the top (None).

    Moving under a code of another installed codebook moves the branch into that codebook.
    """
    access.require(db, actor, "codebook.edit")
    rationale = _require_rationale(rationale)
    with transaction(db):
        before = _code_row(db, code)
        branch = _subtree(db, before["id"])
        parent_row = _code_row(db, parent) if parent is not None else None
        if parent_row is not None and parent_row["id"] in branch:
            raise InputError(
                "codebook.edit.move_cycle", code=before["slug"], parent=parent_row["slug"]
            )
        book_id = parent_row["codebook_id"] if parent_row else before["codebook_id"]
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
        record_event(
            db,
            actor,
            "codebook.move",
            "codes",
            before["id"],
            _public(before),
            {**_public(_code_row(db, before["id"])), "rationale": rationale},
        )


def merge_codes(
    db: Database, source: int | str, target: int | str, *, rationale: str, actor: str
) -> dict[str, int]:
    """Merge ``source`` into ``target``: its codings and child codes move to the target.

    The source code stays in the project as inactive (its id is kept for the history). A coding
    that the same coder already made with the target on the same span is a duplicate and is
    removed; the event log keeps the full row.
    """
    access.require(db, actor, "codebook.edit")
    rationale = _require_rationale(rationale)
    with transaction(db):
        src, dst = _code_row(db, source), _code_row(db, target)
        if src["id"] == dst["id"]:
            raise InputError("codebook.edit.merge_self", code=src["slug"])
        if dst["id"] in _subtree(db, src["id"]):
            raise InputError("codebook.edit.merge_into_child", code=src["slug"], target=dst["slug"])
        if not src["active"] or not dst["active"]:
            raise InputError(
                "codebook.edit.inactive", code=src["slug"] if not src["active"] else dst["slug"]
            )
        moved, duplicates = merge_code_codings(db, src["id"], dst["id"], actor=actor)
        children = [
            r[0]
            for r in db.execute(
                "SELECT slug FROM codes WHERE parent_id = ? ORDER BY position", [src["id"]]
            )
        ]
        for child in children:
            child_row = _code_row(db, child)
            branch = _subtree(db, child_row["id"])
            db.execute(
                "UPDATE codes SET parent_id = ?, codebook_id = ? WHERE id = ?",
                [dst["id"], dst["codebook_id"], child_row["id"]],
            )
            db.execute(
                f"UPDATE codes SET codebook_id = ? WHERE id IN ({', '.join('?' * len(branch))})",
                [dst["codebook_id"], *branch],
            )
        db.execute("UPDATE codes SET active = 0 WHERE id = ?", [src["id"]])
        details = {
            "into": dst["slug"],
            "codings_moved": moved,
            "children": children,
            "duplicates_removed": [d["id"] for d in duplicates],
        }
        _log_change(db, src["codebook_id"], actor, "merge", src["slug"], rationale, details)
        record_event(
            db,
            actor,
            "codebook.merge",
            "codes",
            src["id"],
            {**_public(src), "duplicate_codings": duplicates},
            {**details, "rationale": rationale},
        )
    return {"moved": len(moved), "duplicates": len(duplicates), "children": len(children)}


def split_code(
    db: Database, code: int | str, parts: Sequence[Mapping[str, Any]], *, rationale: str, actor: str
) -> dict[str, list[Any]]:
    """Create new codes out of one (as its siblings); codings stay until someone recodes them.

    ``parts`` are dicts with at least ``name`` (and optionally ``slug`` and code fields). The
    new codes inherit the original's colour and sensitivity unless given. Returns the new slugs
    and the ids of the codings on the original that now need a decision (see
    :func:`recode_codings`).
    """
    access.require(db, actor, "codebook.edit")
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
                    db,
                    rationale=rationale,
                    actor=actor,
                    parent=parent["slug"] if parent else None,
                    codebook=None if parent else book["name"],
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
            "codebook.split",
            "codes",
            original["id"],
            _public(original),
            {**details, "rationale": rationale},
        )
    return {"codes": slugs, "codings": to_recode}


def recode_codings(
    db: Database, coding_ids: Iterable[int], target: int | str, *, actor: str
) -> int:
    """Move codings to another code (after a split); each move is logged with the full row."""
    access.require(db, actor, "codebook.edit")
    moved = 0
    with transaction(db):
        dst = _code_row(db, target)
        for coding_id in coding_ids:
            if recode(db, coding_id, dst["id"], actor=actor):
                moved += 1
    return moved


def codings_of(
    db: Database, code: int | str, *, statuses: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The codings on one code (e.g. the ones left to recode after a split), in text order."""
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


# --------------------------------------------------------------------------- tree and log


def code_tree(db: Database, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    """All codes in tree order with depth and the number of codings per status.

    ``n_accepted``/``n_suggested``/``n_rejected`` count codings on the code itself;
    ``n_accepted_total`` adds those of every code below it (what a parent "holds").
    """
    rows = _query(
        db,
        "SELECT k.*, p.slug AS parent_slug, b.name AS codebook, "
        "coalesce(sum(c.status = 'accepted'), 0) AS n_accepted, "
        "coalesce(sum(c.status = 'suggested'), 0) AS n_suggested, "
        "coalesce(sum(c.status = 'rejected'), 0) AS n_rejected "
        "FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
        "LEFT JOIN codes p ON p.id = k.parent_id LEFT JOIN codings c ON c.code_id = k.id "
        + ("" if include_inactive else "WHERE k.active = 1 ")
        + "GROUP BY k.id ORDER BY k.codebook_id, k.position, k.id",
    )
    by_parent: dict[int | None, list[dict[str, Any]]] = {}
    ids = {r["id"] for r in rows}
    for r in rows:
        parent = r["parent_id"] if r["parent_id"] in ids else None
        by_parent.setdefault(parent, []).append(r)
    out: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> int:
        total = 0
        for r in by_parent.get(parent, []):
            node = _public(r)
            node.update(
                slug=r["slug"],
                parent=r["parent_slug"],
                depth=depth,
                active=bool(r["active"]),
                sensitive=bool(r["sensitive"]),
            )
            out.append(node)
            below = walk(r["id"], depth + 1)
            node["n_accepted_total"] = node["n_accepted"] + below
            total += node["n_accepted_total"]
        return total

    walk(None, 0)
    return out


def change_log(db: Database, *, code: str | None = None) -> list[dict[str, Any]]:
    """The codebook changes made in this project, newest first."""
    where, params = "", []
    if code is not None:
        where, params = "WHERE c.code_slug = ?", [code]
    rows = _query(
        db,
        "SELECT c.id, c.at, c.author, c.action, c.code_slug, c.rationale, c.details, "
        f"b.name AS codebook FROM codebook_changes c JOIN codebooks b ON b.id = c.codebook_id "
        f"{where} ORDER BY c.id DESC",
        params,
    )
    for r in rows:
        r["details"] = json.loads(r["details"]) if r["details"] else None
    return rows


# --------------------------------------------------------------------------- export


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    """The codebook as plain data in the key order of the YAML format."""
    return {
        "name": codebook.name,
        "version": codebook.version,
        "language": codebook.language,
        "description": codebook.description,
        "changelog": [dict(e) for e in codebook.changelog],
        "codes": [{key: getattr(code, key) for key in CODE_KEYS} for code in codebook.codes],
    }


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a list that two fields share twice instead of as an anchor and alias, which
    the reader refuses (codebook.yaml_alias)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def codebook_to_yaml(codebook: Codebook) -> str:
    """YAML that :func:`load_codebook` reads back to the same codebook."""
    return yaml.dump(
        codebook_to_dict(codebook),
        Dumper=_NoAliasDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def _counts(db: Database) -> dict[str, int]:
    return {node["slug"]: node["n_accepted_total"] for node in code_tree(db)}


def codebook_to_markdown(
    codebook: Codebook, *, counts: Mapping[str, int] | None = None, lang: str = "nl"
) -> str:
    """A readable document for the research team: tree, then every code in full."""
    from workbench.i18n import t

    def label(key: str, **params: Any) -> str:
        return t(f"codebook.doc.{key}", lang, **params)

    depth = _depths(codebook.codes)
    lines = [f"# {codebook.name}", "", label("version", version=codebook.version), ""]
    if codebook.description:
        lines += [codebook.description.strip(), ""]
    lines += [f"## {label('tree')}", ""]
    for code in codebook.codes:
        count = f" ({label('codings', n=counts.get(code.id, 0))})" if counts is not None else ""
        flag = f" · {label('sensitive')}" if code.sensitive else ""
        lines.append(f"{'  ' * depth[code.id]}- **{code.name}** `{code.id}`{count}{flag}")
    lines += ["", f"## {label('codes')}", ""]
    for code in codebook.codes:
        title = f"{code.name} ({code.name_en})" if code.name_en and lang == "nl" else code.name
        lines += [
            f"### {title}",
            "",
            f"`{code.id}`"
            + (f" · {label('parent')}: `{code.parent}`" if code.parent else "")
            + (f" · {label('color')}: {code.color}" if code.color else "")
            + (f" · **{label('sensitive')}**" if code.sensitive else ""),
            "",
        ]
        for key in ("brief", "definition", "use_when", "dont_use_when"):
            value = getattr(code, key)
            if value:
                lines += [f"**{label(key)}.** {value}", ""]
        for key in ("examples", "counterexamples"):
            values = getattr(code, key)
            if values:
                lines += [f"**{label(key)}:**", ""] + [f"- “{v}”" for v in values] + [""]
        if code.indicators:
            lines += [f"**{label('indicators')}:** " + ", ".join(code.indicators), ""]
        if code.source:
            lines += [f"**{label('source')}:** {code.source['file']}: “{code.source['quote']}”", ""]
    if codebook.changelog:
        lines += [f"## {label('changelog')}", ""]
        for entry in codebook.changelog:
            lines.append(f"- **{entry['version']}** ({entry['date']}, {entry['author']})")
            lines += [f"  - {change}" for change in entry["changes"]]
        lines.append("")
    return "\n".join(lines)


def _depths(codes: Sequence[Code]) -> dict[str, int]:
    by_id = {c.id: c for c in codes}
    depth: dict[str, int] = {}
    for code in codes:
        d, current = 0, code
        while current.parent in by_id and d < len(codes):
            d, current = d + 1, by_id[current.parent]
        depth[code.id] = d
    return depth


def write_docx(
    codebook: Codebook,
    path: str | Path,
    *,
    counts: Mapping[str, int] | None = None,
    lang: str = "nl",
) -> Path:
    """The same document as :func:`codebook_to_markdown`, as Word (python-docx)."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    from workbench.i18n import t

    def label(key: str, **params: Any) -> str:
        return t(f"codebook.doc.{key}", lang, **params)

    path = Path(path)
    doc = Document()
    doc.core_properties.title = codebook.name
    doc.add_heading(codebook.name, level=0)
    doc.add_paragraph(label("version", version=codebook.version))
    if codebook.description:
        doc.add_paragraph(codebook.description.strip())
    doc.add_heading(label("tree"), level=1)
    depth = _depths(codebook.codes)
    for code in codebook.codes:
        style = (
            "List Bullet"
            if depth[code.id] == 0
            else ("List Bullet 2" if depth[code.id] == 1 else "List Bullet 3")
        )
        par = doc.add_paragraph(style=style)
        _swatch(par, code.color, RGBColor)
        par.add_run(code.name).bold = True
        par.add_run(f"  {code.id}")
        if counts is not None:
            par.add_run(f"  ({label('codings', n=counts.get(code.id, 0))})")
        if code.sensitive:
            par.add_run(f"  · {label('sensitive')}").italic = True
    doc.add_heading(label("codes"), level=1)
    for code in codebook.codes:
        title = f"{code.name} ({code.name_en})" if code.name_en and lang == "nl" else code.name
        heading = doc.add_heading(level=2)
        _swatch(heading, code.color, RGBColor)
        heading.add_run(title)
        meta = doc.add_paragraph()
        meta.add_run(code.id).font.name = "Courier New"
        if code.parent:
            meta.add_run(f" · {label('parent')}: {code.parent}")
        if code.sensitive:
            meta.add_run(f" · {label('sensitive')}").bold = True
        for key in ("brief", "definition", "use_when", "dont_use_when"):
            value = getattr(code, key)
            if value:
                par = doc.add_paragraph()
                par.add_run(f"{label(key)}. ").bold = True
                par.add_run(value)
        for key in ("examples", "counterexamples"):
            values = getattr(code, key)
            if values:
                doc.add_paragraph().add_run(f"{label(key)}:").bold = True
                for value in values:
                    doc.add_paragraph(f"“{value}”", style="List Bullet")
        if code.indicators:
            par = doc.add_paragraph()
            par.add_run(f"{label('indicators')}: ").bold = True
            par.add_run(", ".join(code.indicators))
        if code.source:
            par = doc.add_paragraph()
            par.add_run(f"{label('source')}: ").bold = True
            par.add_run(f"{code.source['file']}: ")
            par.add_run(f"“{code.source['quote']}”").italic = True
            for run in par.runs:
                run.font.size = Pt(9)
    if codebook.changelog:
        doc.add_heading(label("changelog"), level=1)
        for entry in codebook.changelog:
            par = doc.add_paragraph(style="List Bullet")
            par.add_run(f"{entry['version']}").bold = True
            par.add_run(f" ({entry['date']}, {entry['author']})")
            for change in entry["changes"]:
                doc.add_paragraph(change, style="List Bullet 2")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def _swatch(paragraph: Any, color: str | None, rgb: Any) -> None:
    """A small square in the code's colour, as coders see it in the coding view."""
    if color:
        run = paragraph.add_run("■ ")
        run.font.color.rgb = rgb.from_string(color[1:].upper())


def export_codebook(
    db: Database,
    path: str | Path,
    *,
    format: str,
    user: str,
    name: str | None = None,
    lang: str = "nl",
) -> Path:
    """Write the project's codebook as ``yaml``, ``md`` or ``docx`` (QDC: workbench.exchange).

    Markdown and Word include the number of accepted codings per code (a code with its
    sub-codes); YAML is the codebook only, so it can be loaded into another project.
    """
    access.require(db, user, "read")  # examples and counts come from the data
    path = Path(path)
    book = codebook_from_project(db, name)
    if format == "yaml":
        _write_text(path, codebook_to_yaml(book))
    elif format == "md":
        _write_text(path, codebook_to_markdown(book, counts=_counts(db), lang=lang))
    elif format == "docx":
        write_docx(book, path, counts=_counts(db), lang=lang)
    else:
        raise InputError("codebook.bad_format", format=format, expected="yaml, md, docx")
    return path


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def export_bytes(
    db: Database, *, format: str, user: str, name: str | None = None, lang: str = "nl"
) -> bytes:
    """The export as bytes, for a download button (same content as :func:`export_codebook`)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = export_codebook(
            db, Path(folder) / f"codeboek.{format}", format=format, user=user, name=name, lang=lang
        )
        return path.read_bytes()


def install_codebook_text(db: Database, text: str | bytes, *, file: str, actor: str) -> int:
    """Validate and install a codebook uploaded in the app (text or UTF-8 bytes)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError("codebook.not_utf8", file=file, error=str(exc)) from exc
    return install_codebook(db, parse_codebook(text, file=file), actor=actor, source=file)


def remove_codebook(db: Database, name: str, *, rationale: str, actor: str) -> int:
    """Take a codebook that nobody has coded with out of the project; returns its code count.

    Lets a team that wants to build its codebook from the data start without the default
    one. Refused once any code of it has a coding (merge or move codes instead). The event
    keeps the whole codebook, so it can be installed again from the log.
    """
    access.require(db, actor, "codebook.edit")
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
        before = codebook_to_dict(codebook_from_project(db, name, include_inactive=True))
        n = db.execute("SELECT count(*) FROM codes WHERE codebook_id = ?", [book_id]).fetchone()[0]
        db.execute("UPDATE codes SET parent_id = NULL WHERE codebook_id = ?", [book_id])
        db.execute("DELETE FROM codes WHERE codebook_id = ?", [book_id])
        db.execute("DELETE FROM codebooks WHERE id = ?", [book_id])
        record_event(
            db, actor, "codebook.remove", "codebooks", book_id, before, {"rationale": rationale}
        )
    return int(n)
