"""The layers of ARCHITECTURE.md ("Layers"), checked on every import in the package.

Every ``import``/``from ... import`` in ``workbench/`` counts, also the ones inside functions
(an import inside a function that closes a cycle only hides it until that function runs).
Importing ``workbench.a.b`` also runs ``workbench/a/__init__.py``, so that edge counts too
(except from inside ``workbench.a`` itself, which is being imported already).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"

# The core: no domain knowledge. Errors and messages, the store and its migrations, who may
# do what, text and offsets, files (size limits, decoding, the zip guard, the table reader),
# the Dutch pipeline, the project handle. It imports nothing above it.
CORE = {
    "workbench.access",
    "workbench.encoding",
    "workbench.errors",
    "workbench.events",
    "workbench.handle",
    "workbench.i18n",
    "workbench.limits",
    "workbench.merge_rules",
    "workbench.migrations",
    "workbench.nlp",
    "workbench.resources",
    "workbench.store",
    "workbench.tables",
    "workbench.text",
    "workbench.zipguard",
}
# The edges: they read arguments or widgets and call the package. Only they import the
# dispatcher, and nothing in the package imports them.
EDGES = ("workbench.cli", "workbench.app", "workbench.__main__")
DISPATCHER = "workbench.imports"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def graph() -> dict[str, set[str]]:
    """Module -> the workbench modules it imports (anywhere in the file)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - node.level + 1]
                        + ([base] if base else [])
                    )
                targets = [resolve(f"{base}.{alias.name}") for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [resolve(alias.name) for alias in node.names]
            else:
                continue
            for target in filter(None, targets):
                # importing a.b.c runs a/__init__ and a/b/__init__ first; the packages this
                # module sits in are already being imported, so they add no edge
                parts = target.split(".")
                found |= {
                    ".".join(parts[:i])
                    for i in range(2, len(parts) + 1)
                    if not inside(name, ".".join(parts[:i])) or i == len(parts)
                }
        found.discard(name)
        edges[name] = {t for t in found if t in modules and t != "workbench"}
    return edges


def inside(module: str, area: str) -> bool:
    return module == area or module.startswith(area + ".")


def test_no_import_cycle_anywhere_in_the_package():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not cycles, f"import cycles (counting imports inside functions): {cycles}"


def test_the_core_imports_no_domain_module():
    wrong = {
        module: sorted(edges - CORE)
        for module, edges in graph().items()
        if module in CORE and edges - CORE
    }
    assert not wrong, f"core modules importing above the core: {wrong}"


def test_ingest_imports_only_the_core():
    """Transcripts into documents: knows no respondents, no exchange, no dispatcher."""
    wrong = {
        module: sorted(t for t in edges if t not in CORE and not inside(t, "workbench.ingest"))
        for module, edges in graph().items()
        if inside(module, "workbench.ingest")
    }
    assert not any(wrong.values()), wrong


def test_respondents_imports_only_the_core_and_ingest():
    edges = graph()["workbench.respondents"]
    assert not [t for t in edges if t not in CORE and not inside(t, "workbench.ingest")]


def test_nothing_below_the_dispatcher_imports_it_or_the_edges():
    wrong = {
        module: sorted(t for t in edges if t == DISPATCHER or inside(t, EDGES[0]))
        for module, edges in graph().items()
        if not any(inside(module, edge) for edge in EDGES) and module != DISPATCHER
    }
    wrong = {m: t for m, t in wrong.items() if t}
    assert not wrong, f"domain modules importing the dispatcher or the CLI: {wrong}"
    assert not [
        (module, t)
        for module, edges in graph().items()
        for t in edges
        if inside(t, "workbench.app") and not inside(module, "workbench.app")
    ]


def test_the_dispatcher_sits_above_ingest_respondents_and_exchange():
    edges = graph()[DISPATCHER]
    assert {"workbench.exchange", "workbench.respondents"} <= edges
    assert any(inside(t, "workbench.ingest") for t in edges)


def test_the_check_sees_imports_inside_functions():
    """``handle`` loads the Dutch pipeline inside a method (spaCy is heavy): still an edge."""
    top_level = {
        node.module
        for node in ast.parse((PACKAGE / "handle.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.ImportFrom)
    }
    assert "workbench.nlp" not in top_level
    assert "workbench.nlp" in graph()["workbench.handle"]


def private_imports() -> list[tuple[str, str, str]]:
    """(importer, module, name) for every ``from workbench.x import _name`` in the package."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        importer = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("workbench"):
                found += [
                    (importer, node.module, a.name)
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    return found


def test_private_names_are_shared_only_inside_their_own_subpackage():
    """A leading underscore means "not part of the package's API", as in scikit-learn: the
    modules of one subpackage (``suggest``, ``codebook``, ...) may share such helpers, often
    ones that skip the role check because their public callers made it. Anything outside the
    subpackage goes through a public, checked function."""
    wrong = [
        f"{importer} imports {module}.{name}"
        for importer, module, name in private_imports()
        if importer.rpartition(".")[0] != module.rpartition(".")[0]
        or module.rpartition(".")[0] == "workbench"
    ]
    assert not wrong, wrong
    assert ("workbench.suggest.review", "workbench.suggest.project", "_retrain") in (
        private_imports()
    ), "the scan no longer sees a known sibling import"
