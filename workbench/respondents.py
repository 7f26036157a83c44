"""Respondents (cases), their typed attributes, and which documents belong to whom.

Attributes are typed (text, number, date, boolean) so patterns can be compared by age group,
neighbourhood or household later. Values are stored in one canonical text form (number as
``42`` or ``3.5``, date as ``2024-03-01``, boolean as ``true``/``false``). On import the type
of a new attribute is inferred from its column; the user can change it, and a change that
would lose data (a value that does not fit the new type) is refused with the respondent and
value named. Every change is one transaction with its event.

Importing an updated sheet again fills in what it holds and removes nothing: an empty cell
means "not filled in here", so a stored value stays, and the summary says how many stayed
(:func:`import_summary`). A value is removed in the table on the Project page
(:func:`save_table`), where the cell shows what it removes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from workbench import events
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.i18n import Term, listing, t
from workbench.ingest.importer import set_respondent
from workbench.store import now, record_event, row, transaction
from workbench.tables import FormulaWithoutValue, Sheet, Source, cell_name, read_sheet

TYPES = ("text", "number", "date", "boolean")
TRUE = {"ja", "j", "yes", "y", "true", "waar", "wel"}
FALSE = {"nee", "n", "no", "false", "onwaar", "niet"}
_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?\d*[.,]\d+")
# 1.234,50 / 1,234.50 / 2.000.000: digits grouped by three, then maybe a decimal part
_GROUPED = re.compile(
    r"[-+]?[1-9]\d{0,2}(?P<group>[.,])\d{3}(?:(?P=group)\d{3})*(?:(?!(?P=group))[.,]\d+)?"
)
_EXACT_DIGITS = 15  # a float (the table on the Project page) keeps 15 digits exactly
_LEADING_ZERO = re.compile(r"0\d+")  # a phone number, postcode or code, not an amount
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
# with slashes, Dutch day first (03/05/2024 is 3 May); English Excel's CSV writes the month
# first (12/25/2024), which only a whole column can show (:func:`_date_order`)
_SLASHED = {False: ("%d/%m/%Y",), True: ("%m/%d/%Y",), None: ("%d/%m/%Y", "%m/%d/%Y")}
# a date written with slashes, day and month in either order: "03/05/2024" (which is which?)
_SLASH_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{1,4}")
# a date with a time of day, as a program writes a date-time cell to CSV: "5-3-2024 14:30",
# "2024-03-05T14:30:00"; the time is checked, then dropped (an attribute holds the day)
_WITH_TIME = re.compile(
    r"(?P<date>\S+?)(?:[ T]\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?)?"
)
SPECIAL_COLUMNS = {
    "pseudonym": "pseudonym",
    "pseudoniem": "pseudonym",
    "notes": "notes",
    "notities": "notes",
    "notitie": "notes",
    "opmerkingen": "notes",
}
Table = Source
# refusals caused by a formula without a stored result: the message then says what to do
FORMULA_PROBLEMS = ("respondents.header_formula", "respondents.row_code_formula")


class RowErrors(InputError):
    """Several problems in one respondents file, each naming its row and column."""

    def __init__(self, file: str, problems: Sequence[tuple[str, dict[str, Any]]]) -> None:
        self.problems = list(problems)
        super().__init__("respondents.import_failed", file=file, count=len(self.problems))

    def message(self, lang: str = "nl") -> str:
        head = t(self.key, lang, **self.params)
        lines = [t(key, lang, **params) for key, params in self.problems[:20]]
        more = len(self.problems) - len(lines)
        if more > 0:
            lines.append(t("respondents.more_problems", lang, count=more))
        # once, after the list (a paragraph of its own, not part of the last item in the
        # Markdown of a page): the way out of a formula without a result
        hint = ["", t("respondents.formula_hint", lang)] if self.from_formulas else []
        return "\n".join([head, *("  - " + line for line in lines), *hint])

    @property
    def from_formulas(self) -> bool:
        """Whether a formula without a stored result caused one of the problems."""
        return any(key in FORMULA_PROBLEMS for key, _ in self.problems)


# --- values ---------------------------------------------------------------------------


def parse_value(value: Any, type_: str, *, month_first: bool | None = False) -> str | None:
    """The canonical text of ``value`` as ``type_``.

    None for an empty value; ValueError when the value does not fit the type. A date with
    slashes is read day first (03/05/2024 is 3 May), month first with ``month_first``, and
    in either order with None (only to see whether a column holds dates): one value cannot
    say which order its file uses, a column can (:func:`_date_order`).
    """
    if _missing(value):
        return None
    if type_ == "text":
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()[:10]
        return str(value).strip()
    if type_ == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
        key = str(value).strip().lower()
        if key in TRUE:
            return "true"
        if key in FALSE:
            return "false"
        raise ValueError(value)
    if type_ == "number":
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            number = float(_number_text(str(value).strip()))
        return _number(number)
    if type_ == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return _date_text(str(value).strip(), month_first)
    raise ValueError(f"type must be one of {TYPES}. Got {type_!r} instead.")


def _date_text(text: str, month_first: bool | None = False) -> str:
    """The ISO date of a date written as text, with or without a time of day; ValueError
    when it is none (a time such as 25:00 included: no date is guessed from a bad cell)."""
    found = _WITH_TIME.fullmatch(text)
    if found is None:
        raise ValueError(text)
    clock = (found["hour"], found["minute"], found["second"])
    if found["hour"] is not None and not all(
        int(part or 0) < limit for part, limit in zip(clock, (24, 60, 60))
    ):
        raise ValueError(text)
    for fmt in (*_DATE_FORMATS, *_SLASHED[month_first]):
        try:
            return dt.datetime.strptime(found["date"], fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def _number(number: float) -> str:
    """The canonical text of a number, to the 15 significant digits a spreadsheet shows: a
    formula's result 0.1 + 0.2 is stored as 0.30000000000000004 and shown (and meant) as
    0.3; a whole number without ".0"."""
    number = float(f"{number:.{_EXACT_DIGITS}g}")
    return str(int(number)) if number.is_integer() else repr(number)


def _number_text(text: str) -> str:
    """``text`` as a number Python reads ("1.234,50" -> "1234.50"); ValueError when it is
    none, or when it could be two numbers: Dutch Excel writes one thousand as "1.000", an
    English file writes one as "1.000", so such a value is refused rather than guessed.
    Refused too: more digits than a float keeps (a 20-digit ID would come back changed)."""
    grouped = _GROUPED.fullmatch(text)
    if grouped:
        group = grouped["group"]
        decimal = "," if group == "." else "."
        if text.count(group) == 1 and decimal not in text:
            raise ValueError(text)  # 1.000 or 1,000: one thousand, or one?
        text = text.replace(group, "").replace(decimal, ".")
    elif _INT.fullmatch(text) or _FLOAT.fullmatch(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(text)
    if len(text.lstrip("+-").replace(".", "").lstrip("0")) > _EXACT_DIGITS:
        raise ValueError(text)
    return text


def _missing(value: Any) -> bool:
    """None, blank text, and pandas' NaN/NaT/NA (from an edited table)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN and NaT differ from themselves
    except TypeError:  # pandas.NA refuses bool()
        return True


def infer_type(values: Iterable[Any], *, month_first: bool | None = False) -> str:
    """The narrowest type every non-empty value fits: boolean, number, date, else text
    (dates with slashes read as ``month_first`` says, see :func:`parse_value`)."""
    filled = [v for v in values if parse_value(v, "text") is not None]
    if not filled or _leading_zeros(filled):
        return "text"
    for type_ in ("boolean", "number", "date"):
        if all(_fits(value, type_, month_first) for value in filled):
            return type_
    return "text"


def _leading_zeros(filled: Iterable[Any]) -> bool:
    """0612345678, postcode 0123: digits a number would lose, so the column is text."""
    return any(isinstance(v, str) and _LEADING_ZERO.fullmatch(v.strip()) for v in filled)


def _fits(value: Any, type_: str, month_first: bool | None = False) -> bool:
    try:
        parse_value(value, type_, month_first=month_first)
    except ValueError:
        return False
    return True


def _almost_type(
    cells: Sequence[tuple[int, Any]], month_first: bool | None = False
) -> tuple[str, list[tuple[int, str]]] | None:
    """For a new column that became text: the type at least half its filled cells fit, and
    the (row, value) of the cells that kept it from that type ("68 jaar" among ages), so the
    researcher can correct them. None when no type comes that close, or when leading zeros
    make the column text on purpose."""
    filled = [(number, value) for number, value in cells if parse_value(value, "text") is not None]
    if _leading_zeros(value for _, value in filled):
        return None
    best: tuple[str, list[tuple[int, str]]] | None = None
    for type_ in ("boolean", "number", "date"):
        wrong = [
            (n, str(parse_value(v, "text"))) for n, v in filled if not _fits(v, type_, month_first)
        ]
        if 0 < 2 * len(wrong) <= len(filled) and (best is None or len(wrong) < len(best[1])):
            best = (type_, wrong)
    return best


Example = tuple[int, str]  # (row number in the file, value as written)


def _date_order(cells: Sequence[tuple[int, Any]]) -> tuple[bool | None, list[Example]]:
    """Whether a column writes its slashed dates month first, judged on all its values: one
    value cannot tell (03/05/2024), a column can (12/25/2024 is month first, 25/12/2024 day
    first). Returns ``(month_first, examples)``:

    - True, []: some value can only be month first (English Excel), so all are read so;
    - False, [first]: every slashed value could be either; read day first (as the Dutch
      write it), and ``first`` lets the summary say how it was read;
    - False, []: some value can only be day first, or no value has slashes;
    - None, [day first, month first]: both kinds, so no order fits; the import refuses the
      column with these two examples.
    """
    kinds: dict[str, Example] = {}
    for number, value in cells:
        if not isinstance(value, str):
            continue
        found = _WITH_TIME.fullmatch(value.strip())
        if not (found and _SLASH_DATE.fullmatch(found["date"])):
            continue
        day, month = _fits(value, "date", False), _fits(value, "date", True)
        if day or month:  # a date in no order (32/05/2024) is refused as a bad value
            kind = "either" if day and month else "day" if day else "month"
            kinds.setdefault(kind, (number, value.strip()))
    if "day" in kinds and "month" in kinds:
        return None, [kinds["day"], kinds["month"]]
    if "month" in kinds:
        return True, []
    return False, [kinds["either"]] if "either" in kinds and "day" not in kinds else []


def _has_time(value: Any) -> bool:
    """Whether a date cell also holds a time of day other than midnight (which a program
    writes for a plain date): the import keeps the day and says the time was left out."""
    if isinstance(value, dt.datetime):
        return value.time() != dt.time()
    found = isinstance(value, str) and _WITH_TIME.fullmatch(value.strip())
    return bool(found and found["hour"] is not None) and any(
        int(found[part] or 0) for part in ("hour", "minute", "second")
    )


# --- respondents ----------------------------------------------------------------------


def _respondent_id(db: Database, respondent: int | str) -> int:
    """The id of a respondent given its id or its case code."""
    if isinstance(respondent, int):
        found = db.execute("SELECT id FROM respondents WHERE id = ?", [respondent]).fetchone()
        found = None if found is None else int(found[0])
    else:
        found = _by_code(db, respondent)
    if found is None:
        raise NotFound("respondents.unknown", respondent=respondent)
    return found


def _by_code(db: Database, code: str) -> int | None:
    """The respondent with case code ``code`` in any letter case: "r02" in a spreadsheet is
    R02 (as file names match codes, see :func:`match_by_file_name`), not a second person."""
    found = db.execute(
        "SELECT id FROM respondents WHERE code = ? COLLATE NOCASE ORDER BY code = ? DESC",
        [code.strip(), code.strip()],
    ).fetchone()
    return None if found is None else int(found[0])


def add_respondent(
    project: Project,
    code: str,
    *,
    pseudonym: str | None = None,
    notes: str | None = None,
) -> int:
    """Add a respondent with case code ``code`` (refused when the code exists)."""
    project.require("respondents.edit")
    db = project.db
    code = (code or "").strip()
    if not code:
        raise InputError("respondents.empty_code")
    with transaction(db):
        if _by_code(db, code) is not None:
            raise InputError("respondents.exists", respondent=code)
        record = {"code": code, "pseudonym": pseudonym, "notes": notes, "created_at": now()}
        new_id = db["respondents"].insert(record).last_pk
        record_event(
            db, project.user, events.RESPONDENT_ADD(new_id, None, {**record, "id": new_id})
        )
    return int(new_id)


def ensure_respondent(project: Project, code: str) -> int:
    """The id of respondent ``code``, added first when it does not exist yet.

    Asks for ``respondents.edit`` even when the respondent exists: it is a write by intent.
    """
    project.require("respondents.edit")
    found = _by_code(project.db, code)
    return found if found is not None else add_respondent(project, code)


def update_respondent(project: Project, respondent: int | str, **changes: str | None) -> None:
    """Change a respondent's ``code``, ``pseudonym`` or ``notes`` (logged)."""
    project.require("respondents.edit")
    db = project.db
    unknown = set(changes) - {"code", "pseudonym", "notes"}
    if unknown:
        raise ValueError(
            f"changes must be code, pseudonym or notes. Got {sorted(unknown)} instead."
        )
    with transaction(db):
        rid = _respondent_id(db, respondent)
        before = row(db, "respondents", rid)
        changes = {k: v for k, v in changes.items() if before.get(k) != v}
        if not changes:
            return
        if "code" in changes:
            code = (changes["code"] or "").strip()
            if not code:
                raise InputError("respondents.empty_code")
            clash = db.execute(
                "SELECT 1 FROM respondents WHERE code = ? COLLATE NOCASE AND id != ?", [code, rid]
            ).fetchone()
            if clash:
                raise InputError("respondents.exists", respondent=code)
            changes["code"] = code
        db["respondents"].update(rid, changes)
        record_event(
            db, project.user, events.RESPONDENT_UPDATE(rid, before, row(db, "respondents", rid))
        )


def list_respondents(project: Project) -> list[dict[str, Any]]:
    """Respondents with their attribute values (canonical text) and number of documents.

    Attributes are personal data: co-researchers may not read them (``attributes.view``).
    """
    project.require("attributes.view")
    return _respondents(project.db)


def _respondents(db: Database) -> list[dict[str, Any]]:
    values: dict[int, dict[str, str | None]] = {}
    for rid, name, value in db.execute(
        "SELECT respondent_id, attribute, value FROM attribute_values"
    ):
        values.setdefault(rid, {})[name] = value
    cur = db.execute(
        "SELECT r.id, r.code, r.pseudonym, r.notes, count(d.id) AS n_documents "
        "FROM respondents r LEFT JOIN documents d ON d.respondent_id = r.id "
        "GROUP BY r.id ORDER BY r.code"
    )
    names = [c[0] for c in cur.description]
    out = []
    for found in cur.fetchall():
        record = dict(zip(names, found))
        record["attributes"] = values.get(record["id"], {})
        out.append(record)
    return out


def respondents_table(project: Project):
    """Respondents as a DataFrame: code, pseudonym, notes, one column per attribute.

    Values are typed for display and editing (numbers as floats, dates as dates, booleans as
    bools); :func:`save_table` takes the edited frame back.
    """
    import pandas as pd

    project.require("attributes.view")
    attributes = _attributes(project.db)
    records = []
    for respondent in _respondents(project.db):
        record = {
            "code": respondent["code"],
            "pseudonym": respondent["pseudonym"],
            "notes": respondent["notes"],
            "documents": respondent["n_documents"],
        }
        for attribute in attributes:
            value = respondent["attributes"].get(attribute["name"])
            record[attribute["name"]] = typed_value(value, attribute["type"])
        records.append(record)
    columns = ["code", "pseudonym", "notes", "documents", *(a["name"] for a in attributes)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for attribute in attributes:
        if attribute["type"] == "number":
            frame[attribute["name"]] = pd.to_numeric(frame[attribute["name"]])
        elif attribute["type"] == "date":
            frame[attribute["name"]] = pd.to_datetime(frame[attribute["name"]]).dt.date
        elif attribute["type"] == "boolean":
            frame[attribute["name"]] = frame[attribute["name"]].astype("boolean")
    return frame


def typed_value(value: str | None, type_: str) -> Any:
    """A stored attribute value (always text) as its type: float, date, bool or str."""
    if value is None:
        return None
    if type_ == "number":
        return float(value)
    if type_ == "date":
        return dt.date.fromisoformat(value)
    if type_ == "boolean":
        return value == "true"
    return value


# --- attributes -----------------------------------------------------------------------


def list_attributes(project: Project) -> list[dict[str, Any]]:
    """Attributes with their type, in display order (``attributes.view`` needed)."""
    project.require("attributes.view")
    return _attributes(project.db)


def _attributes(db: Database) -> list[dict[str, Any]]:
    cur = db.execute("SELECT name, type, position FROM attributes ORDER BY position, name")
    return [{"name": n, "type": ty, "position": p} for n, ty, p in cur.fetchall()]


def define_attribute(project: Project, name: str, type_: str) -> None:
    """Add attribute ``name`` of ``type_``, or change its type (values are converted).

    A change is refused (nothing written) when an existing value does not fit the new type.
    """
    project.require("respondents.edit")
    db = project.db
    if type_ not in TYPES:
        raise InputError("respondents.bad_type", type=type_, types=", ".join(TYPES))
    name = (name or "").strip()
    if not name:
        raise InputError("respondents.empty_attribute")
    with transaction(db):
        before = row(db, "attributes", name, column="name")
        if before is None:
            position = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM attributes"
            ).fetchone()[0]
            db["attributes"].insert({"name": name, "type": type_, "position": position})
            record_event(
                db,
                project.user,
                events.ATTRIBUTE_ADD(
                    name, None, {"name": name, "type": type_, "position": position}
                ),
            )
            return
        if before["type"] == type_:
            return
        converted = []
        for rid, code, value in db.execute(
            "SELECT v.respondent_id, r.code, v.value FROM attribute_values v "
            "JOIN respondents r ON r.id = v.respondent_id WHERE v.attribute = ?",
            [name],
        ).fetchall():
            try:
                # to text, the stored text as it is ("74", not "74.0"; "true", not "True")
                text = value if type_ == "text" else typed_value(value, before["type"])
                converted.append((parse_value(text, type_), rid))
            except ValueError:
                raise InputError(
                    "respondents.cannot_convert",
                    attribute=name,
                    type=Term(f"respondents.type.{type_}"),
                    respondent=code,
                    value=value,
                ) from None
        db.conn.executemany(
            "UPDATE attribute_values SET value = ? WHERE attribute = ? AND respondent_id = ?",
            [(value, name, rid) for value, rid in converted],
        )
        db.execute("UPDATE attributes SET type = ? WHERE name = ?", [type_, name])
        record_event(
            db, project.user, events.ATTRIBUTE_TYPE(name, before, {**before, "type": type_})
        )


def set_value(project: Project, respondent: int | str, attribute: str, value: Any) -> None:
    """Set one attribute value of one respondent; an empty value removes it."""
    project.require("respondents.edit")
    db = project.db
    with transaction(db):
        rid = _respondent_id(db, respondent)
        found = row(db, "attributes", attribute, column="name")
        if found is None:
            raise NotFound("respondents.unknown_attribute", attribute=attribute)
        try:
            canonical = parse_value(value, found["type"])
        except ValueError:
            raise InputError(
                "respondents.bad_value",
                attribute=attribute,
                value=value,
                type=Term(f"respondents.type.{found['type']}"),
                respondent=respondent,
            ) from None
        _write_value(db, rid, attribute, canonical, actor=project.user)


def _write_value(db: Database, rid: int, attribute: str, value: str | None, *, actor: str) -> bool:
    old = db.execute(
        "SELECT value FROM attribute_values WHERE respondent_id = ? AND attribute = ?",
        [rid, attribute],
    ).fetchone()
    old_value = None if old is None else old[0]
    if old_value == value:
        return False
    if value is None:
        db.execute(
            "DELETE FROM attribute_values WHERE respondent_id = ? AND attribute = ?",
            [rid, attribute],
        )
    else:
        db.execute(
            "INSERT INTO attribute_values (respondent_id, attribute, value) VALUES (?, ?, ?) "
            "ON CONFLICT(respondent_id, attribute) DO UPDATE SET value = excluded.value",
            [rid, attribute, value],
        )
    record_event(
        db,
        actor,
        events.ATTRIBUTE_SET(
            f"{rid}:{attribute}",
            None if old is None else {"value": old_value},
            None if value is None else {"value": value},
        ),
    )
    return True


# --- documents ------------------------------------------------------------------------


def link_document(project: Project, document_id: int, respondent: int | str | None) -> None:
    """Say whose transcript ``document_id`` is (None: nobody's)."""
    project.require("respondents.edit")
    db = project.db
    with transaction(db):
        if not db.execute("SELECT 1 FROM documents WHERE id = ?", [document_id]).fetchone():
            raise NotFound("respondents.unknown_document", document=document_id)
        rid = None if respondent is None else _respondent_id(db, respondent)
        set_respondent(project, document_id, rid)


def link_documents(
    project: Project, links: Mapping[int, str | None], *, create: bool = False
) -> dict[str, Any]:
    """Link many documents at once (one transaction): ``{document id: respondent code}``.

    Codes that are no respondent are not dropped: they come back in ``unknown`` as
    (document id, code) pairs and those documents keep their link, unless ``create`` adds
    the respondents first. Returns ``{"changed": n, "unknown": [...], "created": [...]}``.
    """
    project.require("respondents.edit")
    db = project.db
    changed, unknown, created = 0, [], []
    with transaction(db):
        for document_id, code in links.items():
            code = (code or "").strip() or None
            if code is not None and _by_code(db, code) is None:
                if not create:
                    unknown.append((document_id, code))
                    continue
                add_respondent(project, code)
                created.append(code)
            before = db.execute(
                "SELECT respondent_id FROM documents WHERE id = ?", [document_id]
            ).fetchone()
            link_document(project, document_id, code)
            after = db.execute(
                "SELECT respondent_id FROM documents WHERE id = ?", [document_id]
            ).fetchone()
            changed += before != after
    return {"changed": changed, "unknown": unknown, "created": created}


# A case code at the start of a file name: R03_interview.docx, r3-gesprek.txt, P012 deel 2.odt
_CODE_IN_NAME = re.compile(r"^([A-Za-z]{1,4}[-_]?\d{1,4})(?=$|[^0-9A-Za-z]|[A-Za-z]{2})")


def match_by_file_name(project: Project) -> dict[int, str]:
    """Proposed links for documents without a respondent, from their file names.

    A respondent code found as a whole word in the name wins (``interview-R03.docx`` with
    respondent R03); otherwise a code at the start of the name (``R03_interview.docx`` ->
    "R03") is proposed even when that respondent does not exist yet.
    """
    project.require("attributes.view")
    db = project.db
    codes = [code for (code,) in db.execute("SELECT code FROM respondents")]
    exact = {code.lower(): code for code in codes}
    loose = {_code_key(code): code for code in codes}

    def respondent(word: str) -> str | None:
        return exact.get(word.lower()) or loose.get(_code_key(word))

    proposals = {}
    for document_id, name in db.execute(
        "SELECT id, coalesce(source_name, name) FROM documents WHERE respondent_id IS NULL "
        "ORDER BY id"
    ):
        stem = Path(name).stem
        known = [code for w in re.split(r"[^0-9A-Za-z]+", stem) if w and (code := respondent(w))]
        if known:
            proposals[int(document_id)] = known[0]
            continue
        found = _CODE_IN_NAME.match(stem)
        if found:
            code = found.group(1).replace("_", "").replace("-", "").upper()
            proposals[int(document_id)] = respondent(code) or code
    return proposals


def _code_key(code: str) -> str:
    """A case code as file names vary it: letters in any case, the number without leading
    zeros (``r1``, ``R-01`` and ``R01`` are one respondent). Matched exactly, ``r1-gesprek.txt``
    proposed a new respondent R1 beside R01, which "Koppel op bestandsnaam" then added."""
    found = re.fullmatch(r"([A-Za-z]{1,4})[-_]?0*(\d{1,4})", code.strip())
    return f"{found.group(1).lower()}{int(found.group(2))}" if found else code.strip().lower()


# --- tables ---------------------------------------------------------------------------


Rows = list[tuple[int, list[Any]]]  # (row number in the file, cells)


def read_table(source: Table) -> tuple[Sheet, int, list[str], Rows]:
    """The sheet as read (by :mod:`workbench.tables`), the row number of its header, the
    header, and the respondent rows with their row numbers in the file, so a blank row above
    does not shift the numbers a message names; blank rows dropped, at least a header and
    one respondent.

    A header cell that is a formula without a stored result stays a
    :class:`FormulaWithoutValue` (an empty name), so the refusal can say so; a row that
    starts with one is not blank (it may be the header, or a code), else a header of such
    formulas was skipped and the first respondent read as the header."""
    sheet = read_sheet(source)
    rows = [
        (number, r)
        for number, r in enumerate(sheet.rows, start=1)
        if any(parse_value(v, "text") for v in r) or r and isinstance(r[0], FormulaWithoutValue)
    ]
    if len(rows) < 2:
        raise InputError("respondents.empty_table", file=sheet.name)
    header = [
        h if isinstance(h, FormulaWithoutValue) else str(h).strip() if h is not None else ""
        for h in rows[0][1]
    ]
    return sheet, rows[0][0], header, rows[1:]


def _without_empty_columns(header: list[str], rows: Rows) -> tuple[list[str], Rows, list[int]]:
    """Drop columns without a name and without a value in any row: Dutch Excel writes
    "code;Leeftijd;;" when cells to the right were ever touched. A column with values but
    no name stays, so that problem is still named. Also returns where each column that stays
    was in the file (0 for A), for a message that names a cell."""
    keep = [
        i
        for i, column in enumerate(header)
        if column or any(i < len(r) and parse_value(r[i], "text") is not None for _, r in rows)
    ]
    if len(keep) == len(header):
        return header, rows, keep
    return (
        [header[i] for i in keep],
        [
            (n, [r[i] if i < len(r) else None for i in keep] + list(r[len(header) :]))
            for n, r in rows
        ],
        keep,
    )


def import_respondents(project: Project, source: Table) -> dict[str, Any]:
    """Import one row per respondent from CSV, XLSX or ODS: all rows, or none.

    The first column is the case code (R01 ...); columns named pseudonym/pseudoniem and
    notes/notities fill those fields; every other column is an attribute. New attributes get
    the type their values fit; existing ones keep theirs and each value is checked. Problems
    are collected per row and column and reported together (:class:`RowErrors`).

    An empty cell keeps what is stored (a sheet imported again may leave out what was filled
    in before); those cells are counted, not hidden. Besides the counts the result says what
    the researcher should know (:func:`import_summary` puts it in words): ``new`` codes added,
    ``kept`` stored values per column, ``formulas`` (rows per column of formulas without a
    stored result, read as empty), ``text`` (new columns that became text: the type most of
    their values fit and the (row, value) cells that did not), ``day_first`` (date columns
    whose slashed dates could be read either way, read day first: the first (row, value)),
    ``times`` (date cells per column whose time of day was left out), and of a workbook the
    ``sheet`` read and the sheets ``unread``.

    Dates with slashes are read in the order the whole column shows (:func:`_date_order`):
    month first when one value can only be (12/25/2024, English Excel), day first otherwise;
    a column with both kinds is refused, naming one of each.
    """
    project.require("respondents.edit")
    db = project.db
    sheet, header_row, header, rows = read_table(source)
    name = sheet.name
    header, rows, places = _without_empty_columns(header, rows)
    if header and isinstance(header[0], FormulaWithoutValue):
        raise InputError(
            "respondents.code_header_formula", file=name, cell=cell_name(places[0], header_row)
        )
    if not header or not header[0]:
        raise InputError("respondents.no_code_column", file=name)
    problems: list[tuple[str, dict[str, Any]]] = []
    for index, column in enumerate(header[1:], start=2):
        if isinstance(column, FormulaWithoutValue):
            cell = cell_name(places[index - 1], header_row)
            problems.append(("respondents.header_formula", {"cell": cell}))
        elif not column:  # named by its cell: a dropped empty column shifts the index
            cell = cell_name(places[index - 1], header_row)
            problems.append(("respondents.empty_header", {"cell": cell}))
    if len(header) > 2 and not any(header[1:]):  # "Respondentenlijst 2026" above the header
        problems.insert(0, ("respondents.title_row", {"row": header_row, "title": header[0]}))
    folded = [c.casefold() for c in header]
    duplicates = {c for c in header if c and folded.count(c.casefold()) > 1}
    for column in sorted(duplicates):
        problems.append(("respondents.duplicate_header", {"column": column}))
    if problems:
        raise RowErrors(name, problems)
    existing = {a["name"]: a["type"] for a in _attributes(db)}
    # "Wijk" in a spreadsheet is the attribute wijk, as "r02" is R02: not a second attribute
    spelled = {n.casefold(): n for n in existing}
    header = [
        header[0],
        *(c if c in existing else spelled.get(c.casefold(), c) for c in header[1:]),
    ]
    columns = header[1:]
    attribute_columns = [c for c in columns if c.lower() not in SPECIAL_COLUMNS]
    fields = {SPECIAL_COLUMNS[c.lower()]: c for c in columns if c.lower() in SPECIAL_COLUMNS}
    cells = {
        c: [(n, r[i] if i < len(r) else None) for n, r in rows]
        for i, c in enumerate(header)
        if c in attribute_columns
    }
    orders = {c: _date_order(cells[c]) for c in attribute_columns}
    month_first = {c: orders[c][0] for c in attribute_columns}  # None: mixed, refused below
    types = {
        c: existing.get(c) or infer_type((v for _, v in cells[c]), month_first=month_first[c])
        for c in attribute_columns
    }
    text = {
        c: almost
        for c in attribute_columns
        if c not in existing
        and types[c] == "text"
        and (almost := _almost_type(cells[c], month_first[c]))
    }
    day_first: dict[str, Example] = {}
    for column in attribute_columns:
        order, examples = orders[column]
        if types[column] != "date" or not examples:
            continue
        if order is None:  # 25/12/2024 and 12/25/2024 in one column: which order is it?
            (day_row, day), (month_row, month) = examples
            problems.append(
                (
                    "respondents.date_order_mixed",
                    {
                        "column": column,
                        "day_row": day_row,
                        "day": day,
                        "month_row": month_row,
                        "month": month,
                    },
                )
            )
        else:
            day_first[column] = examples[0]
    parsed_rows, seen = [], {}
    formulas: dict[str, list[int]] = {}
    times: Counter[str] = Counter()
    for number, values in rows:
        values = list(values) + [None] * (len(header) - len(values))
        if any(parse_value(v, "text") for v in values[len(header) :]):
            problems.append(("respondents.row_too_long", {"row": number, "columns": len(header)}))
        if isinstance(values[0], FormulaWithoutValue):
            cell = cell_name(places[0], number)
            problems.append(
                ("respondents.row_code_formula", {"row": number, "column": header[0], "cell": cell})
            )
            continue
        code = parse_value(values[0], "text")
        if code is None:
            problems.append(("respondents.row_no_code", {"row": number, "column": header[0]}))
            continue
        if code.casefold() in seen:  # R20 and r20 are one respondent
            problems.append(
                (
                    "respondents.row_duplicate",
                    {"row": number, "code": code, "first": seen[code.casefold()]},
                )
            )
            continue
        seen[code.casefold()] = number
        record: dict[str, Any] = {"code": code, "fields": {}, "values": {}}
        for column, value in zip(columns, values[1 : len(header)]):
            if isinstance(value, FormulaWithoutValue):
                formulas.setdefault(column, []).append(number)
            if column.lower() in SPECIAL_COLUMNS:
                record["fields"][SPECIAL_COLUMNS[column.lower()]] = parse_value(value, "text")
                continue
            if types[column] == "date" and _has_time(value):
                times[column] += 1
            try:
                record["values"][column] = parse_value(
                    value, types[column], month_first=month_first[column]
                )
            except ValueError:
                problems.append(
                    (
                        "respondents.cell_bad_value",
                        {
                            "row": number,
                            "column": column,
                            "value": value,
                            "type": Term(f"respondents.type.{types[column]}"),
                        },
                    )
                )
        parsed_rows.append(record)
    if problems:
        raise RowErrors(name, problems)
    added: list[str] = []
    kept: Counter[str] = Counter()
    updated = unchanged = changed_values = 0
    with transaction(db):
        for column in attribute_columns:
            if column not in existing:
                define_attribute(project, column, types[column])
        for record in parsed_rows:
            found = _by_code(db, record["code"])
            fields_changed = False  # the pseudonym or notes of a respondent stored before
            if found is None:
                rid = add_respondent(project, record["code"], **record["fields"])
                added.append(record["code"])
            else:
                rid = found
                before = row(db, "respondents", rid)
                filled = {k: v for k, v in record["fields"].items() if v is not None}
                kept.update(fields[k] for k in record["fields"].keys() - filled if before[k])
                fields_changed = any(before[k] != v for k, v in filled.items())
                if filled:
                    update_respondent(project, rid, **filled)
            value_changes = 0
            for column, value in record["values"].items():
                if value is None:
                    kept[column] += _has_value(db, rid, column)
                else:
                    value_changes += _write_value(db, rid, column, value, actor=project.user)
            changed_values += value_changes
            if found is not None:  # "bijgewerkt" only when something changed, as it says
                updated += fields_changed or value_changes > 0
                unchanged += not fields_changed and value_changes == 0
        record_event(
            db,
            project.user,
            events.RESPONDENTS_IMPORT(
                None,
                None,
                {
                    "file": name,
                    "added": len(added),
                    "updated": updated,
                    "unchanged": unchanged,
                    "values": changed_values,
                    "kept": kept.total(),
                },
            ),
        )
    return {
        "file": name,
        "added": len(added),
        "updated": updated,
        "unchanged": unchanged,
        "values": changed_values,
        "attributes": types,
        "new": added,
        "kept": {c: kept[c] for c in columns if kept[c]},
        "formulas": formulas,
        "text": text,
        "day_first": day_first,
        "times": dict(times),
        "sheet": sheet.sheet,
        "unread": list(sheet.unread),
    }


def import_summary(result: Mapping[str, Any], lang: str = "nl") -> list[str]:
    """What :func:`import_respondents` did, in sentences: the Project page and the CLI show
    these same lines, so a researcher reads the same facts wherever the sheet came in."""
    lines = [
        t(
            "respondents.summary.counts",
            lang,
            **{k: result[k] for k in ("file", "added", "updated", "unchanged", "values")},
        )
    ]
    if result["unread"]:
        unread = ", ".join(f"'{s}'" for s in result["unread"])
        lines.append(t("respondents.summary.sheets", lang, sheet=result["sheet"], unread=unread))
    if result["new"]:
        codes = listing(result["new"])
        lines.append(t("respondents.summary.new", lang, codes=codes, count=len(result["new"])))
    if result["kept"]:
        columns = ", ".join(f"'{c}': {n}" for c, n in result["kept"].items())
        total = sum(result["kept"].values())
        lines.append(t("respondents.summary.kept", lang, count=total, columns=columns))
    for column, numbers in result["formulas"].items():
        rows = listing(numbers)
        lines.append(
            t("respondents.summary.formulas", lang, column=column, rows=rows, count=len(numbers))
        )
    for column, (_, value) in result["day_first"].items():
        day = dt.date.fromisoformat(str(parse_value(value, "date")))
        month = t("i18n.months", lang).split()[day.month - 1]
        lines.append(
            t(
                "respondents.summary.day_first",
                lang,
                column=column,
                value=value,
                date=f"{day.day} {month} {day.year}",
                month_first=parse_value(value, "date", month_first=True),
            )
        )
    for column, count in result["times"].items():
        lines.append(t("respondents.summary.times", lang, column=column, count=count))
    for column, (type_, wrong) in result["text"].items():
        values = listing([t("respondents.summary.value", lang, value=v, row=n) for n, v in wrong])
        lines.append(
            t(
                "respondents.summary.text",
                lang,
                column=column,
                type=Term(f"respondents.type.{type_}"),
                values=values,
                count=len(wrong),
            )
        )
    return lines


def _has_value(db: Database, rid: int, attribute: str) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM attribute_values "
            "WHERE respondent_id = ? AND attribute = ? AND value IS NOT NULL",
            [rid, attribute],
        ).fetchone()
    )


def save_table(project: Project, records: Sequence[Mapping[str, Any]]) -> int:
    """Store an edited respondents table (as from :func:`respondents_table`); returns changes.

    Rows with a new code are added; attribute cells are checked against their type. All or
    nothing: one bad cell refuses the whole save with the row and column named.
    """
    project.require("respondents.edit")
    db = project.db
    attributes = {a["name"]: a["type"] for a in _attributes(db)}
    changes = 0
    with transaction(db):
        for number, record in enumerate(records, start=1):
            code = parse_value(record.get("code"), "text")
            if code is None:
                if any(parse_value(v, "text") for k, v in record.items() if k != "documents"):
                    raise InputError("respondents.row_no_code", row=number, column="code")
                continue
            is_new = _by_code(db, code) is None
            rid = ensure_respondent(project, code)
            changes += is_new  # a new respondent is a change, even with no other cells
            fields = {
                k: parse_value(record.get(k), "text") for k in ("pseudonym", "notes") if k in record
            }
            before = row(db, "respondents", rid)
            if any(before[k] != v for k, v in fields.items()):
                update_respondent(project, rid, **fields)
                changes += not is_new  # its pseudonym and notes are part of adding it
            for name, type_ in attributes.items():
                if name not in record:
                    continue
                try:
                    value = parse_value(record[name], type_)
                except ValueError:
                    raise InputError(
                        "respondents.cell_bad_value",
                        row=number,
                        column=name,
                        value=record[name],
                        type=Term(f"respondents.type.{type_}"),
                    ) from None
                changes += _write_value(db, rid, name, value, actor=project.user)
    return changes
