"""Every message the exchange code can produce exists in Dutch and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.i18n import catalogue

SOURCES = sorted((Path(__file__).resolve().parent.parent / "workbench" / "exchange").glob("*.py"))
CODE = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
PAGE = Path(__file__).resolve().parent.parent / "workbench" / "app" / "pages" / "export.py"


def used_keys() -> set[str]:
    keys = set(re.findall(r'"(exchange\.[a-z_.]+[a-z])"', CODE))
    for kind, reason in re.findall(r'lose\(\s*"([a-z_]+)",\s*"([a-z_]+)"', CODE):
        keys |= {f"exchange.kind.{kind}", f"exchange.reason.{reason}"}
    for media in re.findall(r'"(?:Picture|Audio|Video)Source": "([a-z]+)"', CODE):
        keys |= {f"exchange.kind.{media}{end}" for end in ("", "_selection", "_coding")}
    for kind in re.findall(r'lose_area\(\s*sel,\s*"([a-z]+)"', CODE):
        keys |= {f"exchange.kind.{kind}_selection", f"exchange.kind.{kind}_coding"}
    for reason in re.findall(r'reason = "([a-z_]+)" if .* else "([a-z_]+)"', CODE):
        keys |= {f"exchange.reason.{r}" for r in reason}
    keys |= {f"exchange.count.{c}" for c in re.findall(r'count\("([a-z_]+)"', CODE)}
    page = PAGE.read_text(encoding="utf-8")
    keys |= set(re.findall(r'"(page_export\.[a-z_.]+[a-z])"', page))
    return keys


@pytest.mark.parametrize("key", sorted(used_keys()))
def test_message_exists_in_both_languages(key):
    entry = catalogue().get(key)
    assert entry is not None, f"{key} missing from workbench/locale"
    assert entry.get("nl") and entry.get("en")
