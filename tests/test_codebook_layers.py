"""The codebook package's modules depend on each other in one direction (issue 16).

model <- yaml_io <- views <- export, and editing (the only writer) on top: a read or an
export that imported editing could start changing the codebook, and a cycle would need
imports inside functions to hold together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import workbench.codebook as cb

PACKAGE = Path(cb.__file__).resolve().parent
ALLOWED = {
    "model": set(),
    "yaml_io": {"model"},
    "views": {"model"},
    "export": {"model", "views", "yaml_io"},
    "editing": {"model", "views", "yaml_io"},
    "__init__": {"model", "yaml_io", "views", "export", "editing"},
}


def sibling_imports(source: str) -> set[str]:
    """The modules of workbench.codebook a module's source imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:  # a relative import: from .views import ...
                found.add(node.module.split(".")[0])
            elif node.module.startswith("workbench.codebook."):
                found.add(node.module.split(".")[2])
            elif node.module == "workbench.codebook":
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("workbench.codebook."):
                    found.add(alias.name.split(".")[2])
    return found


def test_the_scan_reads_absolute_and_relative_imports():
    source = (
        "from workbench.codebook.views import code_tree\n"
        "from .editing import add_code\n"
        "def f():\n    import workbench.codebook.export\n"
        "from workbench.codings import recode\n"
    )
    assert sibling_imports(source) == {"views", "editing", "export"}


def test_every_module_is_in_the_layering():
    assert {p.stem for p in PACKAGE.glob("*.py")} == set(ALLOWED)


def test_modules_import_only_the_layers_below():
    wrong = {
        path.stem: sibling_imports(path.read_text(encoding="utf-8")) - ALLOWED[path.stem]
        for path in PACKAGE.glob("*.py")
    }
    assert {module: found for module, found in wrong.items() if found} == {}
