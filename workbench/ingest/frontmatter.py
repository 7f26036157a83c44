"""Blog and Markdown front matter: not something anyone said, so not codable text.

Posts exported from Jekyll, Hugo or a CMS start with a ``---`` YAML block (title, date,
tags) and carry ``{% ... %}`` template tags. Both are removed before a text is split into
turns, and what was removed is returned so the import report can show it.
"""

from __future__ import annotations

import re

import yaml

# A YAML block at the very start: "---" on its own line, the block, "---" or "..." on its own.
_BLOCK = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_TAG = re.compile(r"\{%-?.*?-?%\}", re.DOTALL)
# Keys that blog engines and CMS exports write; a block needs one of them to count as front
# matter, so "---" followed by "I: ..." / "R: ..." lines (a transcript) is never taken away.
FRONT_MATTER_KEYS = frozenset(
    {
        "title",
        "date",
        "tags",
        "categories",
        "category",
        "layout",
        "author",
        "authors",
        "description",
        "summary",
        "slug",
        "permalink",
        "draft",
        "lang",
        "language",
        "excerpt",
        "image",
        "published",
        "updated",
        "lastmod",
        "keywords",
        "type",
        "weight",
        "aliases",
        "titel",
        "datum",
        "auteur",
        "categorie",
        "trefwoorden",
        "samenvatting",
    }
)


def strip_front_matter(text: str) -> tuple[str, list[str]]:
    """``text`` without a leading YAML front-matter block and template tags, and what went.

    A leading ``---`` block is removed only when it reads as a YAML mapping with a key that
    blogs use (``title``, ``date``, ``tags``, ...), so a transcript that happens to start
    with a rule of dashes keeps its text. A line that
    held nothing but template tags is removed whole.
    """
    stripped: list[str] = []
    found = _BLOCK.match(text)
    if found and _is_front_matter(found.group(1) or ""):
        stripped.append(found.group(0).strip())
        text = text[found.end() :]
    if _TAG.search(text):
        lines = []
        for line in text.split("\n"):
            tags = _TAG.findall(line)
            if not tags:
                lines.append(line)
                continue
            stripped.extend(tag.strip() for tag in tags)
            rest = _TAG.sub("", line)
            if rest.strip():
                lines.append(rest)
        text = "\n".join(lines)
    return text, stripped


def _is_front_matter(block: str) -> bool:
    try:
        found = yaml.safe_load(block)
    except yaml.YAMLError:
        return False
    return isinstance(found, dict) and any(str(key).lower() in FRONT_MATTER_KEYS for key in found)
