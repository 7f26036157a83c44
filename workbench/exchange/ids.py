"""Stable REFI-QDA identities and the official schemas.

Rows that never had a guid get one derived from what they are (a code's slug, a coder's
name, a document's content hash) with UUID5, so exporting the same project twice gives the
same guids and another tool sees the same coder and code each time. Nothing is written to
the project during an export.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from functools import lru_cache
from pathlib import Path

import xmlschema

NAMESPACE = uuid.UUID("6f2b1c2e-3d53-4c9e-9a5d-7b0c1f2e8a41")  # this workbench's UUID5 space
ORIGIN = "Werkbank interviews"  # the origin we write; offsets in such files are code points
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SCHEMAS = Path(__file__).parent / "schemas"
_UUID = re.compile(
    r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$"
)


def derived(kind: str, key: object) -> str:
    """A UUID that is always the same for the same ``kind`` and ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def without_guid(parent: str | None, name: str | None) -> str:
    """The guid of a code that a hand-made file gives none: the same for the same name under
    the same parent, so reading the file again finds the code again. Dropping the code would
    drop its sub-codes and their codings with it."""
    return derived("code-without-guid", f"{parent}/{(name or '').strip()}")


def is_uuid(value: str | None) -> bool:
    return bool(value) and bool(_UUID.match(value.strip()))


def canonical(value: str) -> str:
    """A guid as we store it: lower case, no braces. Non-UUIDs become a derived UUID."""
    value = value.strip()
    if is_uuid(value):
        return value.strip("{}").lower()
    return derived("foreign", value)


def export_guid(stored: str | None, kind: str, key: object) -> str:
    """The guid to write: the stored one when it is a UUID, else a derived one."""
    if stored and is_uuid(stored):
        return stored.strip("{}").lower()
    if stored:
        return derived("foreign", stored)
    return derived(kind, key)


def refi_datetime(stored: str | None) -> str | None:
    """A stored time as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds), or None.

    Every tool reads this form and writes it back validly: QualCoder turns ``T`` into a space
    and drops ``Z``, then adds ``Z`` again on export, so an offset like ``+00:00`` or a
    missing zone would come back as an invalid ``xs:dateTime``.
    """
    moment = _parse(stored)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def stored_datetime(refi: str | None) -> str | None:
    """A REFI-QDA ``xs:dateTime`` as the workbench stores times (UTC ISO 8601), or None when
    it is missing or not a date the workbench can hold (year 0 or beyond 9999)."""
    moment = _parse(refi)
    return moment.isoformat(timespec="milliseconds") if moment else None


def _parse(value: str | None) -> dt.datetime | None:
    if not value or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=2)
def schema(name: str) -> xmlschema.XMLSchema:
    """The official schema ``Project`` or ``Codebook`` (loaded once; no network)."""
    return xmlschema.XMLSchema(str(SCHEMAS / f"{name}.xsd"))


def schema_errors(name: str, xml: bytes, limit: int = 20) -> list[str]:
    """Validation errors of ``xml`` against the schema ``name`` (empty when valid)."""
    errors = []
    try:
        for error in schema(name).iter_errors(io.BytesIO(xml)):
            errors.append(f"{error.path}: {error.reason}")
            if len(errors) >= limit:
                break
    # OverflowError: xmlschema turns a dateTime with a huge year into a Python date.
    except (xmlschema.XMLSchemaException, ValueError, SyntaxError, OverflowError) as exc:
        errors.append(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return errors
