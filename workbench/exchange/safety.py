"""Reading REFI-QDA XML and its member paths from other people without trusting them.

A ``.qdpx`` is a zip and ``project.qde`` is XML: both can be built to hurt. The zip is the
core's business: the one guard every format shares (:mod:`workbench.zipguard`: no absolute
paths, no ``..``, sizes declared up front and capped, no runaway compression ratios) checks
it, and members are read in memory only, never extracted. What is left here is REFI-QDA's:
XML is parsed with defusedxml with DTDs forbidden (no entity declarations, no external
entities, ever), and an ``internal://`` source path names a plain member of ``Sources/``.
Every refusal is an :class:`InputError` naming the file and what is wrong with it.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from workbench.errors import InputError
from workbench.zipguard import flat_member_name

__all__ = ["member_name", "parse_xml"]
MAX_DEPTH = 200  # code trees are a few levels deep; this is far beyond any real file


def parse_xml(data: bytes, *, file: str) -> Element:
    """Parse untrusted XML: DTDs and entities refused, namespaces dropped from tags.

    Dropping namespaces lets us read hand-made files with a wrong or missing namespace,
    which occur in the wild; schema validation is reported separately.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError("exchange.xml_forbidden", file=file, error=type(exc).__name__) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise InputError(
            "exchange.xml_malformed", file=file, line=line, column=column, error=str(exc)
        ) from exc
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise InputError("exchange.xml_too_deep", file=file, depth=depth, limit=MAX_DEPTH)
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root


def _depth(root: Element) -> int:
    """How deeply elements nest (iteratively: a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in element)
    return deepest


def member_name(path_attr: str) -> str | None:
    """The flat file name inside ``Sources/`` named by an ``internal://`` path, else None."""
    if not path_attr.startswith("internal://"):
        return None
    return flat_member_name(path_attr[len("internal://") :].lstrip("/"))
