"""One module owns each table and is the only one that writes it (issue 16).

The scan reads every module's string literals for SQL that writes (INSERT / REPLACE / UPDATE /
DELETE) and its sqlite-utils calls (``db["t"].insert(...)`` and friends), like the message-key
test reads ``t("key")``. The migrations are exempt: they create the tables and the triggers.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from workbench.migrations import TABLE_OWNERS, TABLE_WRITE_EXCEPTIONS
from workbench.store import open_project

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"
EXEMPT = {"workbench.migrations"}
DYNAMIC = "?"  # a write whose table name the scan cannot read (a variable)

SQL_WRITE = re.compile(
    r"\b(?:(?:INSERT(?:\s+OR\s+[A-Z]+)?|REPLACE)\s+INTO|DELETE\s+FROM)\s+[\[\"`]?(\w+|\{\})"
    r"|\bUPDATE(?:\s+OR\s+[A-Z]+)?\s+[\[\"`]?(\w+|\{\})[\]\"`]?\s+(?:AS\s+\w+\s+)?SET\b"
)
TABLE_METHODS = {
    "insert",
    "insert_all",
    "upsert",
    "upsert_all",
    "update",
    "delete",
    "delete_where",
    "lookup",
}

# Modules that write through a helper taking the table name: the tables they may pass it.
DYNAMIC_WRITERS = {
    "workbench.history": {"*"},  # undo writes back any logged row
    "workbench.life_events.events": {"life_events", "life_event_codings", "life_event_links"},
    "workbench.life_events.proposals": {"life_events", "life_event_codings", "life_event_links"},
}


def _strings(tree: ast.AST):
    """Every string literal, f-strings with ``{}`` where a value goes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def _is_db(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "db") or (
        isinstance(node, ast.Attribute) and node.attr == "db"
    )


def written_tables(source: str) -> set[str]:
    """The tables a module's source writes; ``DYNAMIC`` for a table name held in a variable."""
    tree = ast.parse(source)
    found = set()
    for text in _strings(tree):
        for match in SQL_WRITE.finditer(text):
            name = match.group(1) or match.group(2)
            found.add(DYNAMIC if name == "{}" else name)
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TABLE_METHODS
        ):
            continue
        target = node.func.value
        if isinstance(target, ast.Subscript) and _is_db(target.value):
            key = target.slice
            literal = isinstance(key, ast.Constant) and isinstance(key.value, str)
            found.add(key.value if literal else DYNAMIC)
    return found


def writers(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Table -> the modules that write it (dynamic writes resolved from DYNAMIC_WRITERS)."""
    out: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        if module.endswith(".__init__"):
            module = module.removesuffix(".__init__")
        if module in EXEMPT:
            continue
        for table in written_tables(path.read_text(encoding="utf-8")):
            tables = DYNAMIC_WRITERS.get(module, {DYNAMIC}) if table == DYNAMIC else {table}
            for name in tables:
                out.setdefault(name, set()).add(module)
    return out


@functools.cache
def package_strangers() -> frozenset[tuple[str, str]]:
    """:func:`strangers` of the workbench package as it is (scanned once per session)."""
    return frozenset(strangers(writers()))


def strangers(found: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(module, table) pairs where a module that does not own a table writes it."""
    return {
        (module, table)
        for table, modules in found.items()
        for module in modules
        if TABLE_OWNERS.get(table) != module
    }


def test_the_scan_finds_sql_and_sqlite_utils_writes():
    source = """
db.execute("INSERT INTO codings (a) VALUES (?)", [1])
db.execute("INSERT OR IGNORE INTO users (name) VALUES (?)", [1])
db.execute("UPDATE memos SET text = ? WHERE id = ?", [1, 2])
db.execute(f"DELETE FROM [codes] WHERE id IN ({marks})")
db.execute("REPLACE INTO settings (key) VALUES (?)", [1])
self.db["documents"].update(1, {})
db["respondents"].upsert_all(rows)
db[table].insert(record)
db.execute("SELECT 1 FROM turns WHERE x = 'UPDATE speakers'")
db.execute("INSERT INTO t (k) VALUES (?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")
counts["segments"].update(more)
"""
    assert written_tables(source) == {
        "codings",
        "users",
        "memos",
        "codes",
        "settings",
        "documents",
        "respondents",
        DYNAMIC,
        "t",
    }


def test_a_module_writing_a_table_it_does_not_own_is_caught(tmp_path: Path):
    package = tmp_path / "workbench"
    (package / "exchange").mkdir(parents=True)
    (package / "codings.py").write_text('db["codings"].insert({})\n', encoding="utf-8")
    (package / "exchange" / "qdpx.py").write_text(
        'db.execute("UPDATE codings SET code_id = ?", [1])\n', encoding="utf-8"
    )
    found = writers(package)
    assert found == {"codings": {"workbench.codings", "workbench.exchange.qdpx"}}
    assert strangers(found) == {("workbench.exchange.qdpx", "codings")}


def test_every_table_has_one_owner(tmp_path: Path):
    db = open_project(tmp_path / "p.db")
    tables = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' "
            "ESCAPE '\\' AND name NOT LIKE 'segments\\_fts\\_%' ESCAPE '\\'"
        )
    }
    db.close()
    assert tables == set(TABLE_OWNERS)


def _excepted(module: str, table: str) -> bool:
    return (module, table) in TABLE_WRITE_EXCEPTIONS or (module, "*") in TABLE_WRITE_EXCEPTIONS


def test_only_the_owner_writes_a_table():
    pairs = package_strangers()
    assert not any(table == DYNAMIC for _, table in pairs), (
        "a module writes a table by variable: add it to DYNAMIC_WRITERS"
    )
    assert {pair for pair in pairs if not _excepted(*pair)} == set()


def test_every_exception_is_still_needed():
    pairs = package_strangers()
    unused = {
        (module, table)
        for module, table in TABLE_WRITE_EXCEPTIONS
        if not any(m == module and table in ("*", t) for m, t in pairs)
    }
    assert unused == set()


def owners_section() -> str:
    """The "Who owns which table" list as ARCHITECTURE.md carries it."""
    by_owner: dict[str, list[str]] = {}
    for table, owner in TABLE_OWNERS.items():
        by_owner.setdefault(owner, []).append(f"`{table}`")
    lines = [f"- `{owner}`: {', '.join(tables)}" for owner, tables in by_owner.items()]
    lines += [
        f"- exception: `{module}` writes {'any table' if table == '*' else f'`{table}`'}: {why}"
        for (module, table), why in TABLE_WRITE_EXCEPTIONS.items()
    ]
    return "\n".join(lines)


def test_architecture_lists_the_owners():
    text = " ".join(ARCHITECTURE.read_text(encoding="utf-8").split())
    assert " ".join(owners_section().split()) in text, owners_section()
