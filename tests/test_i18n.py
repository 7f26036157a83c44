"""Every user-facing message exists in Dutch and English, and every key the code names exists."""

import re
from pathlib import Path

from workbench.errors import InputError
from workbench.i18n import catalogue, t

PACKAGE = Path(__file__).resolve().parent.parent / "workbench"
# t("key", ...), tr("key"), InputError("key", ...), NotFound(...), PermissionDenied(...)
LITERAL_KEY = re.compile(
    r"""\b(?:t|tr|InputError|NotFound|PermissionDenied)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)


def test_every_message_has_dutch_and_english():
    missing = [
        key for key, entry in catalogue().items() if not entry.get("nl") or not entry.get("en")
    ]
    assert missing == []


def test_every_literal_message_key_in_the_code_exists():
    known = catalogue()
    unknown = set()
    for path in PACKAGE.rglob("*.py"):
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            if key not in known:
                unknown.add(f"{path.relative_to(PACKAGE)}: {key}")
    assert sorted(unknown) == []


def test_errors_render_in_both_languages():
    error = InputError("store.project_missing", path="x.db")
    assert error.message("nl") == "Het project x.db bestaat niet."
    assert error.message("en") == "The project x.db does not exist."


def test_unknown_key_falls_back_to_the_key_itself():
    assert t("no.such.key", "nl") == "no.such.key"
