"""The codebook file format: read YAML safely and strictly, and write YAML that reads back.

Why reading and writing live together: a codebook exported from one project must load into
another unchanged, so the writer avoids exactly what the reader refuses (anchors and aliases,
which can expand to billions of nodes; duplicate keys, which PyYAML would silently drop) and a
round-trip test covers both. Errors name the file, the line, the code and the field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from workbench.codebook.model import (
    CODE_KEYS,
    MACQUEEN_FIELDS,
    MIN_INDICATORS,
    SLUG,
    Code,
    Codebook,
    check_code_count,
    check_tree,
    type_name,
    validate_fields,
)
from workbench.errors import InputError
from workbench.i18n import Term
from workbench.limits import check_size
from workbench.resources import shipped

# The codebooks that ship with the workbench (top-level codebooks/, inside the wheel).
CODEBOOK_DIR = shipped("codebooks")
DEFAULT_CODEBOOK = CODEBOOK_DIR / "binnenkant-isolement.yaml"
SOCIAL_QUALITY_CODEBOOK = CODEBOOK_DIR / "sociale-kwaliteit.yaml"
SHIPPED_CODEBOOKS = (DEFAULT_CODEBOOK, SOCIAL_QUALITY_CODEBOOK)

# The keys a codebook file may have at the top and in each changelog entry.
TOP_LEVEL_KEYS = ("name", "version", "language", "description", "changelog", "codes")
CHANGELOG_KEYS = ("version", "date", "author", "changes")


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

    Anchors and aliases, and more than :data:`~.model.MAX_CODES` codes, are refused
    before the YAML is composed (see :func:`_prescan`).
    """
    check_size(len(text), name=file)
    try:
        check_code_count(_prescan(text, file), file=file)
        node = yaml.compose(text, Loader=_LOADER)
        data = _construct(node, file)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError("codebook.yaml_syntax", file=file, line=line, error=problem) from exc
    if not isinstance(data, dict):
        raise InputError("codebook.not_a_mapping", file=file, got=type_name(data))
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
                got=type_name(value),
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
            got=type_name(raw_codes),
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
    check_tree(codes, file=file, lines=seen)
    return Codebook(
        name=data["name"],
        version=data["version"],
        description=data.get("description"),
        changelog=changelog,
        codes=codes,
        language=data.get("language", "nl"),
    )


# libyaml's loader when PyYAML was built with it: a 5 MB codebook took 17 s and 400 MB with
# the pure-Python one. Both are safe loaders (no Python objects from tags).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _construct(node: yaml.Node | None, file: str) -> Any:
    """The data of the composed document (parsed once), or a message naming the line of a
    value PyYAML reads but cannot make: "2026-02-30" is read as a date that does not exist."""
    if node is None:
        return None
    try:
        return yaml.constructor.SafeConstructor().construct_document(node)
    except (ValueError, OverflowError) as exc:
        line = _first_unmakeable(node)
        raise InputError("codebook.yaml_syntax", file=file, line=line, error=str(exc)) from None


def _first_unmakeable(node: yaml.Node) -> int | str:
    """The line of the first scalar that cannot be constructed ("?" if none is found)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            yaml.constructor.SafeConstructor().construct_object(node)
        except (ValueError, OverflowError):
            return node.start_mark.line + 1
        return "?"
    children = node.value if isinstance(node, yaml.SequenceNode) else []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    for child in children:
        line = _first_unmakeable(child)
        if line != "?":
            return line
    return "?"


def _prescan(text: str, file: str) -> int:
    """The number of items in the top-level ``codes`` list, refusing any anchor or alias.

    One pass over the parser's events, which is linear in the text and builds no tree: a few
    hundred bytes of nested aliases expand to billions of nodes (the "billion laughs"), and a
    file of 60,000 codes took 12 s and 434 MB to compose and check, while counting them here
    takes a fraction of a second. A codebook never needs anchors or aliases.
    """
    depth = 0  # how many mappings and lists the event is inside
    top_nodes = 0  # nodes directly in the top-level mapping: keys and values in turn
    root_is_mapping = after_codes_key = in_codes = False
    count = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark  # always set by the parser; None only in the type stubs
            raise InputError("codebook.yaml_alias", file=file, line=mark.line + 1 if mark else "?")
        if isinstance(event, yaml.NodeEvent):
            if depth == 0:
                root_is_mapping = isinstance(event, yaml.MappingStartEvent)
            elif depth == 1 and root_is_mapping:
                is_key = top_nodes % 2 == 0
                in_codes = after_codes_key and isinstance(event, yaml.SequenceStartEvent)
                after_codes_key = is_key and getattr(event, "value", None) == "codes"
                top_nodes += 1
            elif depth == 2 and in_codes:
                count += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return count


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
            got=type_name(raw),
            value="",
        )
    entries = []
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise InputError(
                "codebook.bad_changelog", file=file, entry=index, field="-", got=type_name(entry)
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
                got=type_name(changes),
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
        raise InputError("codebook.code_not_mapping", **where, code=label, got=type_name(raw))
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
