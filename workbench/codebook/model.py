"""What a code is and what makes one valid, wherever it comes from.

Why a codebook is more than a list of labels: coders agree only when every code says what it
means, when to use it and when NOT to use it, with examples (MacQueen et al. 1998). So a
code here carries exactly those fields (see Appendix A of the team brief). The field rules
live here, apart from the YAML format, because three ways in use them: a file
(:mod:`.yaml_io`), an upload in the app, and an edit in a project (:mod:`.editing`), and all
three must refuse the same things with errors that name the code and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.i18n import Term

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT_FIELDS = ("name_en", "brief", "definition", "use_when", "dont_use_when")
LIST_FIELDS = ("examples", "counterexamples", "indicators")
# Fields a person may change with edit_code (id/name/parent have their own operations).
EDITABLE_FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, "source", "color", "sensitive")
# What a methods supervisor expects of every code (checked with strict=True).
MACQUEEN_FIELDS = ("brief", "definition", "use_when", "dont_use_when", "examples", "source")
MIN_INDICATORS = 3
# Codes in one codebook file (YAML, ``.qdc``, the codebook inside a ``.qdpx``). Real codebooks
# have tens to a few hundred codes; 5,000 leaves ample room. The file-size limit alone
# (workbench.limits) let through a 15 MB YAML file of 60,000 codes that took 12 s and 434 MB
# to check, and the Codeboek page would then draw every one of them.
MAX_CODES = 5000


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


def type_name(value: Any) -> Term | str:
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
            if not isinstance(value, list):
                _wrong(where, keys, key, Term("codebook.type.text_list"), value)
            for item in value:  # name the item that is wrong, not the list
                if not (isinstance(item, str) and item.strip()):
                    got = Term("codebook.type.empty_text") if isinstance(item, str) else item
                    _wrong(where, keys, key, Term("codebook.type.text_list"), got)
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
    got = value if isinstance(value, Term) else type_name(value)
    raise InputError(keys + "wrong_type", **where, field=key, expected=expected, got=got)


def check_tree(
    codes: Sequence[Code], *, file: str = "<project>", lines: Mapping[str, Any] | None = None
) -> None:
    """Every parent exists and following parents never comes back to the same code.

    ``lines`` (code id -> line in the file) puts the line in the message, as every other
    error of a file has it: in a codebook of 200 codes an id alone is hard to find.
    """
    by_id = {c.id: c for c in codes}

    def line(code: Code) -> Any:
        return (lines or {}).get(code.id, "?")

    for code in codes:
        if code.parent is not None and code.parent not in by_id:
            raise InputError(
                "codebook.unknown_parent",
                file=file,
                line=line(code),
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
                    "codebook.parent_cycle",
                    file=file,
                    line=line(code),
                    code=code.id,
                    field="parent",
                    cycle=cycle,
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


def check_code_count(count: int, *, file: str | Term) -> None:
    """Refuse a codebook file that holds more than :data:`MAX_CODES` codes.

    Every reader counts the codes before it builds anything from them (no Code objects, no
    rows), so the refusal is quick and nothing is written."""
    if count > MAX_CODES:
        raise InputError("codebook.too_many_codes", file=file, count=count, limit=MAX_CODES)
