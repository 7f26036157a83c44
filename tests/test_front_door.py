"""Reads and writes go through the project handle (issue 16): a check cannot be forgotten.

Every public function of a domain module takes the :class:`workbench.Project` first, never a
loose database or acting person, and begins by asking the handle (``project.require(...)``
and its family) or hands the project to another public function that does. The scan reads the
package's source, so a new function that takes ``db`` or skips the check fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from test_layers import CORE, EDGES, module_name

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
LOOSE = {"db", "actor"}
# Functions that need no acting person: pure work on plain data or on a file, and readers of
# the project's own machinery that every role needs before it can be checked.
NO_ACTOR: set[str] = {
    "workbench.accounts.authenticate",  # why: the login itself, before anyone is logged in
    "workbench.accounts.auto_login_user",  # why: decides the login, before anyone is logged in
    "workbench.accounts.list_users",  # why: names and roles, no hashes: login and every CLI role
    "workbench.done_marks.done_by_anyone",  # why: ids only, inside suggest's training reads
    "workbench.done_marks.done_documents",  # why: ids only, inside consistency's checked reads
    "workbench.done_marks.latest_marks",  # why: ids and times, inside consistency's checked reads
    "workbench.history.action_stamp",  # why: time stamp inside an already checked action
    "workbench.history.one_action",  # why: one stamp for the rows of an already checked action
    "workbench.ingest.catalog.project_counts",  # why: counts only; `workbench info` has no user
    "workbench.ingest.importer.file_limit",  # why: a size-limit setting, read after the check
    "workbench.ingest.speakers.analysis_segment_ids",  # why: ids only, suggest's training reads
    "workbench.ingest.speakers.analysis_sql",  # why: SQL text from a setting, in checked reads
    "workbench.patterns.fragments.data_version",  # why: a cache stamp of two counts, no data
    "workbench.privacy.backup.restore",  # why: replaces a project file that must not be open
    "workbench.privacy.key.project_file",  # why: a path computation on the connection
    "workbench.privacy.pseudonyms.key_file",  # why: a path computation on the connection
    "workbench.projects.create_project",  # why: makes the project file; no project before it
}


def _public_functions(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, node


def _asks(func: ast.FunctionDef) -> bool:
    """Whether ``func`` checks the handle or hands the project on."""
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            callee = node.func
            if (
                isinstance(callee, ast.Attribute)
                and callee.attr.startswith("require")
                and isinstance(callee.value, ast.Name)
                and callee.value.id == "project"
            ):
                return True
            if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "project":
                return True
    return False


def problems(source: str, module: str) -> list[str]:
    """Public functions of ``module`` that take a loose db/actor, or take a project unasked."""
    found = []
    for name, func in _public_functions(ast.parse(source)):
        params = [a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]]
        if f"{module}.{name}" in NO_ACTOR:
            continue
        if LOOSE & set(params):
            found.append(f"{module}.{name} takes {sorted(LOOSE & set(params))}")
        elif params[:1] == ["project"] and not _asks(func):
            found.append(f"{module}.{name} never asks project.require")
    return found


def domain_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if module in CORE or module.startswith(EDGES) or module == "workbench":
            continue
        yield module, path


def test_every_public_function_takes_the_project_and_asks_it():
    found = []
    for module, path in domain_modules():
        found += problems(path.read_text(encoding="utf-8"), module)
    assert found == [], (
        "Public functions take the Project first and call project.require(...) (or hand the "
        f"project to a function that does): {found}"
    )


def test_the_scan_sees_a_loose_database_and_an_unasked_project():
    source = (
        "def loose(db, *, actor): ...\n"
        "def unasked(project, code): return project.db.execute('x')\n"
        "def asks(project): project.require('read')\n"
        "def hands_on(project): return asks(project)\n"
        "def _private(db): ...\n"
    )
    assert problems(source, "m") == [
        "m.loose takes ['actor', 'db']",
        "m.unasked never asks project.require",
    ]
