"""The core does each thing once (issue 16): one normaliser and one offset map, one zip
guard, one table reader.

Like the table-owner test, the scan reads every module's source: a second normaliser (its own
NFC call, or a copy of the line-break or invisible-character rules), a second counter of
UTF-16 code units, a zip opened for reading outside the guard, or a CSV or spreadsheet read
outside the table reader fails here, naming the module. Each check is also run on a made-up package, so the scan is known to see what it
looks for.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workbench.text import CONTROL, LINE_BREAKS, unit_length

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
TEXT_OWNER = "workbench.text"
ZIP_OWNER = "workbench.zipguard"
TABLE_OWNER = "workbench.tables"
# Reading a table elsewhere, with the reason it is not the table reader's job.
TABLE_READ_EXCEPTIONS = {
    "workbench.patterns.export": "reads back its own CSV export (settings lines, then pandas)",
}
TABLE_CALLS = {
    ("csv", "reader"),
    ("csv", "DictReader"),
    ("csv", "Sniffer"),
    ("openpyxl", "load_workbook"),
    ("pd", "read_csv"),
    ("pd", "read_excel"),
    ("pandas", "read_csv"),
    ("pandas", "read_excel"),
}

# Functions only the text owner defines (the normaliser, the offset map and the converter).
TEXT_FUNCTIONS = re.compile(
    r"^_?(normali[sz]e\w*|\w*(utf_?16|unit)_?(offset|length|count)s?\w*|convert_offset"
    r"|codepoint_at|reading_map|candidate_readings)$"
)
# What the normalisation rules catch: a pattern matching all of one row (and none of the
# ordinary characters) is a copy of the rule.
ORDINARY = ("a", "1", " ", "\t", "\n", "é")
RULE_SAMPLES = (
    ("line breaks", ("\r\n", "\r", "\u2028", "\u2029", "\x85")),
    ("invisible characters", ("\x00", "\x0b", "\x7f", "\u200b", "\ufeff")),
)
RE_FUNCTIONS = {"compile", "sub", "subn", "split", "findall", "finditer", "search", "match"}
CANONICAL_FORMS = {"NFC", "NFD"}  # NFKD for an ASCII name (codebook ids) is another job


def _modules(package: Path):
    for path in sorted(package.rglob("*.py")):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        yield module.removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


def _call_name(node: ast.Call) -> tuple[str, str]:
    """(object, attribute) of a call like ``re.compile(...)``; ("", name) for ``name(...)``."""
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return owner, func.attr
    return "", func.id if isinstance(func, ast.Name) else ""


def _copied_rule(pattern: str) -> str | None:
    try:
        compiled = re.compile(pattern)
    except (re.error, TypeError):
        return None
    for rule, samples in RULE_SAMPLES:
        if all(compiled.fullmatch(s) for s in samples) and not any(
            compiled.search(s) for s in ORDINARY
        ):
            return rule
    return None


def text_work(tree: ast.AST) -> set[str]:
    """What in a module's source normalises text or counts UTF-16 units."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if TEXT_FUNCTIONS.match(node.name):
                found.add(f"defines {node.name}")
        elif isinstance(node, ast.Compare):
            constants = [c.value for c in ast.walk(node) if isinstance(c, ast.Constant)]
            if 0xFFFF in constants or 0x10000 in constants:
                found.add("counts UTF-16 units (compares with 0xFFFF)")
        elif isinstance(node, ast.Call):
            owner, name = _call_name(node)
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) else None
            if owner == "unicodedata" and name in ("normalize", "is_normalized"):
                if literal in CANONICAL_FORMS:
                    found.add(f"normalises to {literal}")
            elif owner == "re" and name in RE_FUNCTIONS and isinstance(literal, str):
                rule = _copied_rule(literal)
                if rule:
                    found.add(f"copies the {rule} rule")
            elif name == "encode" and isinstance(literal, str):
                if literal.lower().replace("_", "-").startswith("utf-16"):
                    found.add("counts UTF-16 units (encodes as UTF-16)")
    return found


def zip_readers(tree: ast.AST) -> set[str]:
    """Where a module opens a zip for reading (writing one is not the guard's business)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == ("zipfile", "ZipFile"):
            mode = node.args[1] if len(node.args) > 1 else None
            for keyword in node.keywords:
                if keyword.arg == "mode":
                    mode = keyword.value
            writes = isinstance(mode, ast.Constant) and mode.value in ("w", "a", "x")
            if not writes:
                found.add("opens a zip for reading")
    return found


def table_readers(tree: ast.AST) -> set[str]:
    """Where a module reads a CSV or spreadsheet itself."""
    return {
        f"calls {'.'.join(_call_name(node))}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _call_name(node) in TABLE_CALLS
    }


def strangers(package: Path, scan, owner: str) -> dict[str, set[str]]:
    return {
        module: found
        for module, tree in _modules(package)
        if module != owner and (found := scan(tree))
    }


def test_the_scan_sees_a_second_normaliser_and_converter():
    source = r"""
import re, unicodedata
BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
def normalize_raw(text):
    return unicodedata.normalize("NFC", text)
def width(char):
    return 2 if ord(char) > 0xFFFF else 1
def units(text):
    return len(text.encode("utf-16-le")) // 2
"""
    assert text_work(ast.parse(source)) == {
        "copies the line breaks rule",
        "copies the invisible characters rule",
        "defines normalize_raw",
        "normalises to NFC",
        "counts UTF-16 units (compares with 0xFFFF)",
        "counts UTF-16 units (encodes as UTF-16)",
    }
    # the rules as the owner writes them are what the samples describe
    assert _copied_rule(LINE_BREAKS.pattern) == "line breaks"
    assert _copied_rule(CONTROL.pattern) == "invisible characters"


def test_the_scan_leaves_other_jobs_alone():
    source = r"""
import re, unicodedata
ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
text = data.decode("utf-16")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f]")  # file names
slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower())
def _on_boundary(text, offset): ...
def _utf16_without_bom(data): ...
"""
    assert text_work(ast.parse(source)) == set()


def test_a_second_normaliser_in_another_module_is_caught(tmp_path: Path):
    package = tmp_path / "workbench"
    (package / "exchange").mkdir(parents=True)
    (package / "text.py").write_text("def normalise_text(raw): ...\n", encoding="utf-8")
    (package / "exchange" / "textmap.py").write_text(
        'import re\nLINE_BREAKS = re.compile(r"\\r\\n|\\r|\\u2028|\\u2029|\\x85")\n',
        encoding="utf-8",
    )
    assert strangers(package, text_work, TEXT_OWNER) == {
        "workbench.exchange.textmap": {"copies the line breaks rule"}
    }


def test_only_the_text_module_normalises_and_converts_offsets():
    assert strangers(PACKAGE, text_work, TEXT_OWNER) == {}
    assert text_work(ast.parse((PACKAGE / "text.py").read_text(encoding="utf-8")))


def test_a_zip_opened_outside_the_guard_is_caught(tmp_path: Path):
    package = tmp_path / "workbench"
    package.mkdir()
    (package / "zipguard.py").write_text("zipfile.ZipFile(source)\n", encoding="utf-8")
    (package / "export.py").write_text('zipfile.ZipFile(tmp, "w")\n', encoding="utf-8")
    (package / "readers.py").write_text("zipfile.ZipFile(io.BytesIO(data))\n", encoding="utf-8")
    assert strangers(package, zip_readers, ZIP_OWNER) == {
        "workbench.readers": {"opens a zip for reading"}
    }


def test_only_the_zip_guard_opens_zips_for_reading():
    assert strangers(PACKAGE, zip_readers, ZIP_OWNER) == {}


def test_a_table_read_outside_the_reader_is_caught(tmp_path: Path):
    package = tmp_path / "workbench"
    package.mkdir()
    (package / "tables.py").write_text("csv.Sniffer().sniff(text)\n", encoding="utf-8")
    (package / "demo.py").write_text("rows = list(csv.DictReader(f))\n", encoding="utf-8")
    (package / "export.py").write_text("csv.writer(f).writerow(row)\n", encoding="utf-8")
    assert strangers(package, table_readers, TABLE_OWNER) == {
        "workbench.demo": {"calls csv.DictReader"}
    }


def test_only_the_table_reader_reads_tables():
    found = strangers(PACKAGE, table_readers, TABLE_OWNER)
    assert set(found) == set(TABLE_READ_EXCEPTIONS), found


def test_unit_length_counts_like_the_converter():
    text = "ik 😊 ben"
    assert unit_length(text, "codepoint") == 8
    assert unit_length(text, "utf16") == 9 == len(text.encode("utf-16-le")) // 2
    assert unit_length(text, "utf8") == len(text.encode("utf-8"))
