"""Suggestions for free passages: the ``workbench suggest --codebook`` contract.

TRAIN.jsonl holds ``{"text", "codes"}`` (codes absent from the list count as rejected),
IN.jsonl holds ``{"id", "text"}`` (interviewer turns in a passage are left out of the
analysis, see :func:`respondent_text`); the output holds ``{"id", "suggestions": [{"code",
"score", "evidence"}]}`` per input line, in input order, highest score first. Bad lines raise
:class:`InputError` naming the file and line, so a caller sees exactly what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language

from workbench.errors import InputError
from workbench.suggest.codes import CodeSpec
from workbench.suggest.model import Passage, Suggester, analyse
from workbench.suggest.rules import RuleScorer


def read_jsonl(path: str | Path, *, required: dict[str, type]) -> list[dict[str, Any]]:
    """Objects from a JSON-lines file; blank lines are skipped, anything else must be valid.

    ``required`` maps each field to the type it must have (``list`` means a list of strings).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("suggest.file_missing", path=str(path))
    out = []
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    "suggest.bad_json", path=str(path), line=number, error=exc.msg
                ) from exc
            if not isinstance(obj, dict):
                raise InputError(
                    "suggest.not_an_object",
                    path=str(path),
                    line=number,
                    got=_json_type(obj),
                )
            for field, kind in required.items():
                value = obj.get(field)
                ok = isinstance(value, kind) and (
                    kind is not list or all(isinstance(v, str) for v in value)
                )
                if kind is str and field == "id" and isinstance(value, int):
                    obj[field], ok = value, True
                if not ok:
                    got = _json_type(value)
                    raise InputError(
                        f"suggest.bad_line_{kind.__name__}",
                        path=str(path),
                        line=number,
                        field=field,
                        got=got,
                    )
            out.append(obj)
    return out


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages ("list" would be Python talk)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def respondent_text(text: str) -> str:
    """What the respondent says in a passage: interviewer turns and speaker labels removed.

    Coders code the respondent's story; an interviewer's "Voelde u zich eenzaam?" is no
    evidence of loneliness. Passages without speaker labels are returned as they are.
    """
    from workbench.ingest.labels import parse_turns
    from workbench.ingest.roles import guess_roles
    from workbench.text import normalise_text

    clean = normalise_text(text)
    turns = parse_turns(clean)
    if not any(t.speaker for t in turns):
        return text
    by_speaker: dict[str, list[str]] = {}
    for t in turns:
        if t.speaker:
            by_speaker.setdefault(t.speaker, []).append(clean[t.start_char : t.end_char])
    roles = guess_roles(by_speaker)
    kept = [
        clean[t.start_char : t.end_char]
        for t in turns
        if roles.get(t.speaker or "", "respondent") != "interviewer"
    ]
    return "\n".join(kept) if kept else text


def label_matrix(
    codes: Sequence[str], labelled: Iterable[Sequence[str]], *, source: str = "train"
) -> np.ndarray:
    """1 where a passage carries a code, 0 elsewhere (absent = rejected, as the contract says)."""
    index = {c: j for j, c in enumerate(codes)}
    rows = []
    for number, labels in enumerate(labelled, start=1):
        row = np.zeros(len(codes), dtype=int)
        for label in labels:
            if label not in index:
                raise InputError("suggest.unknown_code", code=label, source=source, line=number)
            row[index[label]] = 1
        rows.append(row)
    return np.vstack(rows) if rows else np.zeros((0, len(codes)), dtype=int)


def build_suggester(
    codes: Sequence[CodeSpec],
    nlp: Language,
    *,
    train: Sequence[dict[str, Any]] = (),
    rules: RuleScorer | None = None,
    embeddings: bool | None = None,
    source: str = "train",
    **params: Any,
) -> Suggester:
    """Rules compiled from ``codes``, then fit on ``train`` (``{"text", "codes"}`` dicts).

    ``source`` names the training file in errors (an unknown code on line N).

    ``embeddings`` (default: when the package is installed) adds sentence embeddings to the
    learned model; passages to score are then embedded too (:func:`suggest_passages` does).
    """
    rules = rules if rules is not None else RuleScorer().fit(codes, nlp=nlp)
    if embeddings is None:
        from workbench.suggest.embed import available

        embeddings = available()
    texts = [respondent_text(t["text"]) for t in train]
    passages = analyse(nlp, rules, texts, embeddings=embeddings)
    Y = label_matrix(rules.codes_, [t["codes"] for t in train], source=source)
    return Suggester(rules, **params).fit(passages, Y)


def suggest_passages(
    suggester: Suggester, nlp: Language, items: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The output objects for ``items`` (``{"id", "text"}``), in the same order."""
    passages: list[Passage] = analyse(
        nlp,
        suggester.rules,
        [respondent_text(i["text"]) for i in items],
        embeddings=bool(getattr(suggester, "uses_embeddings_", False)),
    )
    results = suggester.suggest(passages)
    return [
        {"id": item["id"], "suggestions": [s.as_dict() for s in found]}
        for item, found in zip(items, results)
    ]


def write_jsonl(path: str | Path, objects: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line (UTF-8, no ASCII escaping); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for obj in objects:
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
    return n
