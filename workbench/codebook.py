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
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

from workbench import access
from workbench.errors import InputError, NotFound
from workbench.store import now, record_event, row, transaction

CODEBOOK_DIR = Path(__file__).resolve().parent.parent / "codebooks"
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
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("codebook.not_utf8", file=path.name, error=str(exc)) from exc
    return parse_codebook(text, file=path.name, strict=strict)


def parse_codebook(text: str, *, file: str = "<tekst>", strict: bool = False) -> Codebook:
    """Validate YAML text as a codebook (see :func:`load_codebook`)."""
    try:
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
            raise InputError("codebook.unknown_top_field", file=file, field=key,
                             expected=", ".join(TOP_LEVEL_KEYS))
    for key in ("name", "version", "codes"):
        if data.get(key) in (None, ""):
            raise InputError("codebook.missing_top_field", file=file, field=key)
    for key in ("name", "version", "description", "language"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError("codebook.wrong_top_type", file=file, field=key,
                             expected="text", got=_type_name(value), value=value)
    if data.get("language", "nl") != "nl":
        raise InputError("codebook.language", file=file, got=data.get("language"))
    changelog = _changelog(data.get("changelog") or [], file)
    raw_codes = data["codes"]
    if not isinstance(raw_codes, list):
        raise InputError("codebook.wrong_top_type", file=file, field="codes",
                         expected="list", got=_type_name(raw_codes), value="")
    codes: list[Code] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_codes):
        where = {"file": file, "line": lines[index] if index < len(lines) else "?"}
        code = _code(raw, index, where, strict=strict)
        if code.id in seen:
            raise InputError("codebook.duplicate_id", **where, code=code.id,
                             first=seen[code.id])
        seen[code.id] = where["line"]
        codes.append(code)
    check_tree(codes, file=file)
    return Codebook(
        name=data["name"], version=data["version"], description=data.get("description"),
        changelog=changelog, codes=codes, language=data.get("language", "nl"),
    )


def _type_name(value: Any) -> str:
    return {
        str: "tekst", int: "getal", float: "getal", bool: "ja/nee", list: "lijst",
        dict: "tabel", type(None): "leeg",
    }.get(type(value), type(value).__name__)


def _check_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    """PyYAML silently keeps the last of two equal keys; a typo'd copy must not vanish."""
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in keys:
                    raise InputError("codebook.duplicate_key", file=file,
                                     line=key.start_mark.line + 1, field=key.value)
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
        raise InputError("codebook.wrong_top_type", file=file, field="changelog",
                         expected="list", got=_type_name(raw), value="")
    entries = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise InputError("codebook.bad_changelog", file=file, entry=index,
                             field="-", got=_type_name(entry))
        for key in CHANGELOG_KEYS:
            if entry.get(key) in (None, ""):
                raise InputError("codebook.bad_changelog", file=file, entry=index,
                                 field=key, got="leeg")
        changes = entry["changes"]
        if isinstance(changes, str):
            changes = [changes]
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise InputError("codebook.bad_changelog", file=file, entry=index,
                             field="changes", got=_type_name(changes))
        date = entry["date"]
        entries.append({
            "version": str(entry["version"]),
            "date": date.isoformat() if isinstance(date, dt.date) else str(date),
            "author": str(entry["author"]),
            "changes": list(changes),
        })
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
            raise InputError("codebook.unknown_field", **where, field=key,
                             expected=", ".join(CODE_KEYS))
    values = validate_fields(raw, where=where)
    if values.get("name") in (None, ""):
        raise InputError("codebook.missing_field", **where, field="name")
    if strict:
        for key in MACQUEEN_FIELDS:
            if not values.get(key):
                raise InputError("codebook.missing_field", **where, field=key)
        if len(values.get("indicators", [])) < MIN_INDICATORS:
            raise InputError("codebook.too_few", **where, field="indicators",
                             minimum=MIN_INDICATORS, got=len(values.get("indicators", [])))
    return Code(id=code_id, **{k: v for k, v in values.items() if k != "id"})


def validate_fields(raw: Mapping[str, Any], *, where: Mapping[str, Any]) -> dict[str, Any]:
    """Type-check code fields (any subset); used on load and by :func:`edit_code`.

    ``where`` holds ``file``, ``line`` and ``code`` for the error message.
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("id", "name", "parent", *TEXT_FIELDS):
            if value is not None and not isinstance(value, str):
                _wrong(where, key, "tekst", value)
            if key == "parent" and value is not None and not SLUG.match(value):
                raise InputError("codebook.bad_id", **{**where, "code": value}, field="parent")
            out[key] = value.strip() if isinstance(value, str) else value
        elif key in LIST_FIELDS:
            if value is None:
                value = []
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                _wrong(where, key, "lijst met teksten", value)
            out[key] = [v.strip() for v in value]
        elif key == "source":
            if value is not None:
                if (
                    not isinstance(value, dict)
                    or set(value) != {"file", "quote"}
                    or not all(isinstance(v, str) and v.strip() for v in value.values())
                ):
                    _wrong(where, key, "{file: ..., quote: ...}", value)
                value = {"file": value["file"].strip(), "quote": value["quote"]}
            out[key] = value
        elif key == "color":
            if value is not None and (not isinstance(value, str) or not COLOR.match(value)):
                raise InputError("codebook.bad_color", **where, field=key, got=value)
            out[key] = value.lower() if value else None
        elif key == "sensitive":
            if not isinstance(value, bool):
                _wrong(where, key, "true/false", value)
            out[key] = value
        else:
            raise InputError("codebook.unknown_field", **where, field=key,
                             expected=", ".join(CODE_KEYS))
    return out


def _wrong(where: Mapping[str, Any], key: str, expected: str, value: Any) -> None:
    raise InputError("codebook.wrong_type", **where, field=key, expected=expected,
                     got=_type_name(value))


def check_tree(codes: Sequence[Code], *, file: str = "<project>") -> None:
    """Every parent exists and following parents never comes back to the same code."""
    by_id = {c.id: c for c in codes}
    for code in codes:
        if code.parent is not None and code.parent not in by_id:
            raise InputError("codebook.unknown_parent", file=file, code=code.id,
                             field="parent", parent=code.parent)
    for code in codes:
        path = [code.id]
        current = code
        while current.parent is not None:
            if current.parent in path:
                cycle = " -> ".join([*path[path.index(current.parent):], current.parent])
                raise InputError("codebook.parent_cycle", file=file, code=code.id,
                                 field="parent", cycle=cycle)
            path.append(current.parent)
            current = by_id[current.parent]


def source_problems(codebook: Codebook, seeds_dir: str | Path) -> list[dict[str, str]]:
    """Codes whose ``source.quote`` does not occur verbatim in the named seed file.

    Returned as plain data (code, file, problem) so a test or the ``validate`` command can list
    all of them at once instead of stopping at the first.
    """
    seeds_dir = Path(seeds_dir)
    texts: dict[str, str | None] = {}
    problems = []
    for code in codebook.codes:
        if not code.source:
            problems.append({"code": code.id, "file": "", "problem": "no source"})
            continue
        name = code.source["file"]
        if name not in texts:
            path = seeds_dir / name
            texts[name] = path.read_text(encoding="utf-8") if path.is_file() else None
        if texts[name] is None:
            problems.append({"code": code.id, "file": name, "problem": "file not found"})
        elif code.source["quote"] not in texts[name]:
            problems.append({"code": code.id, "file": name, "problem": "quote not in file"})
    return problems


# --------------------------------------------------------------------------- install


def install_codebook(db: Database, codebook: Codebook, *, actor: str,
                     source: str | None = None) -> int:
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
        clash = db.execute(
            f"SELECT k.slug, b.name FROM codes k JOIN codebooks b ON b.id = k.codebook_id "
            f"WHERE k.slug IN ({', '.join('?' * len(slugs))})", slugs,
        ).fetchall() if slugs else []
        if clash:
            raise InputError("codebook.id_collision", name=codebook.name,
                             codes=", ".join(sorted(s for s, _ in clash)), other=clash[0][1])
        stamp = now()
        book_id = int(db["codebooks"].insert({
            "name": codebook.name, "version": codebook.version,
            "description": codebook.description, "source": source, "created_at": stamp,
            "changelog": json.dumps(codebook.changelog, ensure_ascii=False),
            "language": codebook.language,
        }).last_pk)
        ids: dict[str, int] = {}
        for position, code in enumerate(codebook.codes):
            ids[code.id] = _insert_code(db, book_id, code, position)
        for code in codebook.codes:
            if code.parent:
                db.execute("UPDATE codes SET parent_id = ? WHERE id = ?",
                           [ids[code.parent], ids[code.id]])
        _log_change(db, book_id, actor, "note", None, "install",
                    {"version": codebook.version, "source": source, "codes": len(slugs)})
        record_event(db, actor, "codebook.install", "codebooks", book_id, None, {
            "name": codebook.name, "version": codebook.version, "source": source,
            "codes": slugs,
        })
    return book_id


def _insert_code(db: Database, book_id: int, code: Code, position: int) -> int:
    return int(db["codes"].insert({
        "codebook_id": book_id, "slug": code.id, "name": code.name, "name_en": code.name_en,
        "parent_id": None, "brief": code.brief, "definition": code.definition,
        "use_when": code.use_when, "dont_use_when": code.dont_use_when,
        "examples": json.dumps(code.examples, ensure_ascii=False),
        "counterexamples": json.dumps(code.counterexamples, ensure_ascii=False),
        "indicators": json.dumps(code.indicators, ensure_ascii=False),
        "source": json.dumps(code.source, ensure_ascii=False) if code.source else None,
        "color": code.color, "sensitive": int(code.sensitive), "position": position,
        "active": 1, "guid": str(uuid.uuid4()).upper(),
    }).last_pk)


def install_codebook_file(db: Database, path: str | Path, *, actor: str) -> int:
    """Load, validate and install a YAML codebook file."""
    path = Path(path)
    return install_codebook(db, load_codebook(path), actor=actor, source=path.name)


# --------------------------------------------------------------------------- reading


def _code_from_row(r: Mapping[str, Any], parent_slug: str | None) -> Code:
    return Code(
        id=r["slug"], name=r["name"], name_en=r["name_en"], parent=parent_slug,
        brief=r["brief"], definition=r["definition"], use_when=r["use_when"],
        dont_use_when=r["dont_use_when"], examples=json.loads(r["examples"] or "[]"),
        counterexamples=json.loads(r["counterexamples"] or "[]"),
        indicators=json.loads(r["indicators"] or "[]"),
        source=json.loads(r["source"]) if r["source"] else None,
        color=r["color"], sensitive=bool(r["sensitive"]),
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


def codebook_from_project(db: Database, name: str | None = None, *,
                          include_inactive: bool = False) -> Codebook:
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
        description=book["description"] if book else "\n\n".join(
            b["description"] or "" for b in books).strip() or None,
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
    rows = _query(
        db,
        f"SELECT c.*, b.version FROM codebook_changes c JOIN codebooks b ON b.id = c.codebook_id "
        f"WHERE c.codebook_id IN ({', '.join('?' * len(book_ids))}) AND c.action != 'note' "
        "ORDER BY c.id",
        book_ids,
    ) if book_ids else []
    entries: list[dict[str, Any]] = []
    for r in rows:
        day = r["at"][:10]
        text = f"{r['action']} {r['code_slug']}: {r['rationale']}"
        if entries and entries[-1]["date"] == day and entries[-1]["author"] == r["author"]:
            entries[-1]["changes"].append(text)
        else:
            entries.append({"version": f"{r['version']}+project", "date": day,
                            "author": r["author"], "changes": [text]})
    return entries


# --------------------------------------------------------------------------- helpers for edits


def _log_change(db: Database, book_id: int, actor: str, action: str, slug: str | None,
                rationale: str, details: Any) -> int:
    return int(db["codebook_changes"].insert({
        "codebook_id": book_id, "at": now(), "author": actor, "action": action,
        "code_slug": slug, "rationale": rationale,
        "details": json.dumps(details, ensure_ascii=False, default=str),
    }).last_pk)
