"""One name for the person acting (issue 16): the handle's ``user``.

Domain functions take the :class:`workbench.Project` and never the acting person
(tests/test_front_door.py); the core below the handle takes it as ``actor``. This scan reads
every module of the package (not the app's pages or the CLI, which speak to people) and fails
when a public function takes the acting person under an old name (``user``, ``viewer``,
``author``), so the names do not drift back. ``coder`` stays for the owner of the codings
concerned; the handle's constructors keep ``user``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
OLD_NAMES = {"user", "viewer", "author"}
# The front door names the user a handle is for (README, docs/ingest.md); inside the package
# the handle carries that person and functions take the project.
ALLOWED = {
    ("workbench.handle", "open_project", "user"),
    ("workbench.handle", "Project.for_user", "user"),
    ("workbench.handle", "Project.as_user", "user"),
}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _public_functions(tree: ast.Module):
    """Public functions and public methods of public classes, with their qualified names."""

    def walk(node: ast.AST, prefix: str):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef) and not child.name.startswith("_"):
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not child.name.startswith("_"):
                    yield f"{prefix}{child.name}", child

    yield from walk(tree, "")


def old_names(source: str, module: str) -> list[str]:
    """``module.function(parameter)`` for every public parameter under an old name."""
    found = []
    for name, func in _public_functions(ast.parse(source)):
        args = func.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg in OLD_NAMES and (module, name, arg.arg) not in ALLOWED:
                found.append(f"{module}.{name}({arg.arg})")
    return found


def test_no_public_function_names_the_acting_person_the_old_way():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] in {"app", "cli"}:
            continue
        found += old_names(path.read_text(encoding="utf-8"), _module(path))
    assert found == [], (
        "The acting person travels in the Project (core: `actor`); `coder` owns codings. "
        f"Rename: {found}"
    )


def test_the_scan_sees_an_old_name():
    source = (
        "def shown(db, *, user): ...\n"
        "def _hidden(db, user): ...\n"
        "class Page:\n"
        "    def view(self, viewer): ...\n"
        "def note(db, author=None): ...\n"
    )
    assert old_names(source, "m") == ["m.shown(user)", "m.Page.view(viewer)", "m.note(author)"]
    assert old_names("def open_project(path, *, user): ...\n", "workbench.handle") == []
