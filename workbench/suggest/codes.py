"""What the suggester needs to know about a code, from a codebook file, object or project.

The suggester only reads a few fields of a code (its id, parent, texts and indicators), so it
keeps its own small record and accepts three sources: a codebook YAML file (the contract in
the team brief, Appendix A), a ``workbench.codebook.Codebook`` object, or a project's ``codes``
table. That keeps the CLI contract usable on a bare codebook file without a project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlite_utils import Database

from workbench.errors import InputError
from workbench.handle import Project


@dataclass(frozen=True)
class CodeSpec:
    """One code as the suggester sees it."""

    id: str
    name: str = ""
    parent: str | None = None
    brief: str = ""
    definition: str = ""
    use_when: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)
    counterexamples: tuple[str, ...] = field(default_factory=tuple)
    indicators: tuple[str, ...] = field(default_factory=tuple)

    @property
    def profile_text(self) -> str:
        """The text a segment is compared with for similarity (definition and examples)."""
        parts = [self.name, self.brief, self.definition, self.use_when, *self.examples]
        return "\n".join(p for p in parts if p)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = json.loads(value) if value.strip().startswith("[") else [value]
    return tuple(str(v) for v in value if str(v).strip())


def spec_from_mapping(data: dict[str, Any]) -> CodeSpec:
    """A :class:`CodeSpec` from a YAML code entry or an object with the same attributes."""
    get = data.get if isinstance(data, dict) else lambda k, d=None: getattr(data, k, d)
    return CodeSpec(
        id=str(get("id")),
        name=str(get("name") or ""),
        parent=get("parent") or None,
        brief=str(get("brief") or ""),
        definition=str(get("definition") or ""),
        use_when=str(get("use_when") or ""),
        examples=_strings(get("examples")),
        counterexamples=_strings(get("counterexamples")),
        indicators=_strings(get("indicators")),
    )


def codes_from_codebook(codebook: Any) -> list[CodeSpec]:
    """Specs from a ``workbench.codebook.Codebook`` (anything with a ``codes`` list)."""
    return [spec_from_mapping(c) for c in codebook.codes]


def codes_from_file(path: str | Path) -> list[CodeSpec]:
    """Specs from a codebook YAML file.

    Uses ``workbench.codebook.load_codebook`` (which validates the file) when that module is
    present, and reads the YAML directly otherwise.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("suggest.codebook_missing", path=str(path))
    try:
        from workbench.codebook.yaml_io import load_codebook
    except ImportError:
        load_codebook = None
    if load_codebook is not None:
        return codes_from_codebook(load_codebook(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError("suggest.codebook_invalid", path=str(path), error=str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise InputError("suggest.codebook_invalid", path=str(path), error="no 'codes' list")
    return [spec_from_mapping(c) for c in data["codes"]]


def codes_from_project(project: Project) -> list[CodeSpec]:
    """Specs of the active codes installed in a project.

    Needs ``code``, the right of everyone the suggester works for (the ``system`` role has
    only that one). Code names and definitions are not personal data; the engine's own steps
    (:mod:`.project`), which check their callers first, read them with ``_project_codes``.
    """
    project.require("code")
    return _project_codes(project.db)


def _project_codes(db: Database) -> list[CodeSpec]:
    cur = db.execute(
        "SELECT c.slug, c.name, p.slug, c.brief, c.definition, c.use_when, c.examples, "
        "c.counterexamples, c.indicators FROM codes c LEFT JOIN codes p ON p.id = c.parent_id "
        "WHERE c.active = 1 ORDER BY c.codebook_id, c.position, c.id"
    )
    return [
        CodeSpec(
            id=r[0],
            name=r[1] or "",
            parent=r[2],
            brief=r[3] or "",
            definition=r[4] or "",
            use_when=r[5] or "",
            examples=_strings(r[6]),
            counterexamples=_strings(r[7]),
            indicators=_strings(r[8]),
        )
        for r in cur.fetchall()
    ]
