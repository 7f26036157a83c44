"""The resident co-researcher, end to end in the package: refused, or pseudonymised text only.

tests/test_front_door.py checks that every public function asks ``project.require``; this
checks what a resident actually gets. On a copy of the demo project with every name the
detector found accepted (``workbench pseudonymise --accept all``) and three fragments
assigned to the resident ``buurt``, every public package function that takes the project
first is called as her, with real ids for its arguments, and each write is rolled back. Each
either refuses (:class:`PermissionDenied`) or is a workshop function, whose answer (and any
message it gives instead) holds no original name, document name or attribute value.

What the audit of December 7 found (both failed here on the old code):

- ``workshop_codes`` (the cards of a codebook without a card set) replaced only accepted
  names. A name nobody decided on in a code's brief or example (written only in the
  codebook, or still waiting on the Privacy page) went to the resident as written, while a
  fragment holding it is held back. Now such a brief or example is left out, and such a name
  in a code's name reads "…".
- ``record_choice``: changing the group's answer on a fragment whose coding the researcher
  had made a life event of was refused with the researcher's message, which names the event
  by its label (free text: "dood van Grietje Bosman"). The resident now reads that the
  choice stays and to ask the researcher (``workshop.choice_in_use``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import workbench
from built_once import copy_project
from workbench import accounts, life_events
from workbench.cli import main
from workbench.codebook import edit_code
from workbench.errors import InputError, PermissionDenied, WorkbenchError
from workbench.handle import Project
from workbench.privacy.pseudonyms import read_key
from workbench.privacy.workshop import (
    assign_fragments,
    my_fragments,
    record_choice,
    segments_for_assignment,
    workshop_codes,
)
from workbench.store import open_project

RESEARCHER, RESIDENT = "onderzoeker", "buurt"
# Written only in the codebook and a life event's label: never in a transcript, so nobody
# was asked to decide on it.
UNDECIDED = "Grietje Bosman"
# What a resident uses: the workshop, and the yes/no questions the pages ask for her.
RESIDENT_FUNCTIONS = {
    "workbench.privacy.workshop.my_fragments",
    "workbench.privacy.workshop.fragment",
    "workbench.privacy.workshop.surroundings",
    "workbench.privacy.workshop.workshop_codes",
    "workbench.privacy.workshop.offered_codes",
    "workbench.privacy.workshop.record_choice",
    "workbench.workshop_cards.chosen_cards",
    "workbench.workshop_cards.current_card",
    "workbench.workshop_cards.record_card",
    "workbench.workshop_cards.progress",
    "workbench.memos.can_change_memo",  # whether to offer "edit": a yes/no
    "workbench.history.undo_last",  # her own actions: none here (NotFound)
}
# Checked against their own input (a file, a format) before the project is read.
INPUT_FIRST = {
    "workbench.codebook.editing.install_codebook_file",
    "workbench.codebook.editing.install_codebook_text",
    "workbench.imports.import_file",
    "workbench.patterns.export.export_tables",
}


@pytest.fixture(scope="module")
def demo(demo_project: Path, tmp_path_factory) -> Path:
    path = copy_project(demo_project, tmp_path_factory.mktemp("resident") / "demo.db")
    assert main(["pseudonymise", "--project", str(path), "--accept", "all"]) == 0
    db = open_project(path)
    researcher = Project.for_user(db, RESEARCHER)
    accounts.add_user(researcher, RESIDENT, role="co-onderzoeker")
    first = db.execute("SELECT id FROM documents ORDER BY id").fetchone()[0]
    offered = [s["segment_id"] for s in segments_for_assignment(researcher, first)]
    assign_fragments(researcher, co_researcher=RESIDENT, segment_ids=offered[:3])
    edit_code(
        researcher,
        "verlies",
        rationale="een voorbeeld uit een gesprek",
        brief=f"Verlies, zoals bij {UNDECIDED}.",
        examples=[f"Sinds {UNDECIDED} overleed woon ik alleen."],
    )
    db.close()
    return path


def private_words(db) -> list[str]:
    """Original names in the key, document names, respondent codes, text attribute values."""
    words = [e.original for e in read_key(Project.for_user(db, RESEARCHER)).accepted()]
    words += [r[0] for r in db.execute("SELECT name FROM documents")]
    words += [
        r[0]
        for r in db.execute(
            "SELECT v.value FROM attribute_values v JOIN attributes a ON a.name = v.attribute "
            "WHERE a.type = 'text'"
        )
    ]
    return [w for w in {*words, UNDECIDED} if isinstance(w, str) and len(w) > 3]


def leaked(words: list[str], shown: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", shown)]


def public_functions() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
        if info.name.startswith(("workbench.app", "workbench.cli", "workbench.__main__")):
            continue
        module = importlib.import_module(info.name)
        for name, func in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(func):
                continue
            if func.__module__ != module.__name__:
                continue
            params = list(inspect.signature(func).parameters)
            if params[:1] == ["project"]:
                found.append((f"{module.__name__}.{name}", func))
    return sorted(found, key=lambda pair: pair[0])


def arguments(db, func: Callable[..., Any], tmp: Path) -> tuple[list[Any], dict[str, Any]]:
    """Real values for the required parameters, by their names (ids from the demo)."""
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    segment = my_fragments(Project.for_user(db, RESIDENT))[0]
    document = one("SELECT id FROM documents ORDER BY id")
    codebook = Path(workbench.__file__).parent.parent / "codebooks" / "sociale-kwaliteit.yaml"
    values: dict[str, Any] = {
        "segment_id": segment,
        "segment_ids": [segment],
        "document_id": document,
        "documents": [document],
        "code": "verlies",
        "codes": ["verlies"],
        "code_id": one("SELECT id FROM codes ORDER BY id"),
        "code_a": "verlies",
        "code_b": "isolement",
        "coding_id": one("SELECT id FROM codings ORDER BY id"),
        "coding_ids": [one("SELECT id FROM codings ORDER BY id")],
        "memo_id": one("SELECT coalesce(min(id), 1) FROM memos"),
        "event_id": one("SELECT coalesce(min(id), 1) FROM life_events"),
        "item_id": one("SELECT coalesce(min(id), 1) FROM life_events"),
        "respondent": "R01",
        "respondent_id": one("SELECT id FROM respondents ORDER BY id"),
        "query": "moeder",
        "text": "moeder",
        "texts": ["moeder"],
        "path": codebook,
        "source": codebook,
        "output": tmp / "out.csv",
        "format": "csv",
        "fmt": "csv",
        "file": "codebook.yaml",
        "co_researcher": RESIDENT,
        "coder": RESIDENT,
        "written_by": RESEARCHER,
        "card": "kwijt",
        "card_ids": ["kwijt"],
        "status": "accepted",
        "what": "event",
        "target_type": "project",
    }
    args, kwargs = [], {}
    for param in list(inspect.signature(func).parameters.values())[1:]:
        if param.default is not inspect.Parameter.empty or param.kind in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        ):
            continue
        value = values.get(param.name)
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return args, kwargs


def as_resident(db, name: str, func: Callable[..., Any], tmp: Path) -> tuple[str, str]:
    """``("refused" | "returned" | "error", what she was given)``; nothing stays written."""
    args, kwargs = arguments(db, func, tmp)
    db.execute("SAVEPOINT resident")
    try:
        return "returned", repr(func(Project.for_user(db, RESIDENT), *args, **kwargs))
    except PermissionDenied:
        return "refused", ""
    except WorkbenchError as err:
        return "error", f"{err.message('nl')} {err.message('en')} {err.params!r}"
    except (TypeError, ValueError, AttributeError, KeyError) as err:
        return "error", f"{name}: {err!r}"
    finally:
        db.execute("ROLLBACK TO resident")
        db.execute("RELEASE resident")


def test_a_resident_is_refused_or_given_only_pseudonymised_text(demo, tmp_path):
    db = open_project(copy_project(demo, tmp_path / "demo.db"))
    words = private_words(db)
    problems = []
    for name, func in public_functions():
        outcome, shown = as_resident(db, name, func, tmp_path)
        if outcome == "refused":
            continue
        if name not in RESIDENT_FUNCTIONS and not (outcome == "error" and name in INPUT_FIRST):
            problems.append(f"{name} {outcome}: {shown[:120]}")
        elif leaked(words, shown):
            problems.append(f"{name} showed {leaked(words, shown)}")
    db.close()
    assert problems == []


def test_the_cards_leave_out_what_holds_a_name_nobody_decided_on(demo, tmp_path):
    db = open_project(copy_project(demo, tmp_path / "demo.db"))
    cards = {c["code"]: c for c in workshop_codes(Project.for_user(db, RESIDENT))}
    assert cards["verlies"] == {
        "code": "verlies",
        "name": "Verlieservaring",
        "brief": "",
        "example": "",
    }
    assert cards["isolement"]["example"]  # the others as the codebook has them
    db.close()


def test_a_choice_the_researcher_made_an_event_of_stays_without_her_words(demo, tmp_path):
    db = open_project(copy_project(demo, tmp_path / "demo.db"))
    resident = Project.for_user(db, RESIDENT)
    piece = my_fragments(resident)[0]
    chosen = record_choice(resident, piece, "isolement")
    label = f"dood van {UNDECIDED}"
    life_events.create_event(Project.for_user(db, RESEARCHER), [chosen], label=label)
    with pytest.raises(InputError) as refused:
        record_choice(resident, piece, "schaamte")
    assert refused.value.key == "workshop.choice_in_use"
    assert UNDECIDED not in refused.value.message("nl") + refused.value.message("en")
    assert db.execute("SELECT count(*) FROM codings WHERE id = ?", [chosen]).fetchone() == (1,)
    db.close()
