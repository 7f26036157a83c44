"""Where the text of a PDF page sits: two columns, tables, and layouts we cannot read.

Layout mode draws a page row by row, so two columns come out glued across the gutter and the
cells of a table run together. A page of two columns of prose is read column by column, left
first; a page with a table (ruled cells, or cells lined up in rows) or another layout of
columns keeps the rows layout mode drew, since a guess could be worse. Each of the three gives
:attr:`ParsedDocument.warnings` a warning that names the pages, so that nobody codes scrambled
text without knowing it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PDF_EDGE_LINES = 3  # where running headers and footers are looked for, at the top and bottom
COLUMN_MIN_CHARS = 15  # a column of prose: its longest line holds at least this many characters
COLUMN_MAX_CROSSING = 0.2  # at most this share of a page's lines may run over the gutter
COLUMN_MIN_BALANCE = 0.5  # the narrower column at least half as wide as the wider one
GRID_MIN_ALIGNED = 0.6  # the share of a table's cells that start in its columns
CARRY_SLACK = 3  # characters a column may move between two pages in layout mode
RULE_MAX_WIDTH = 2.0  # a rectangle at most this thick (points) is a drawn line
# A cell of a row as layout mode draws it: words apart by fewer than three spaces.
_CELL = re.compile(r"\S+(?: {1,2}\S+)*")


Span = tuple[int, int]  # a cell of a row: where it starts and ends, in characters


@dataclass
class RawPage:
    """One page as layout mode draws it: rows of text, one character per character column."""

    rows: list[str]
    ruled: bool = False  # a grid of drawn lines: a table (see has_ruled_grid)


@dataclass
class _Layout:
    """One page's rows in reading order, and what the user must be warned about."""

    rows: list[str]
    issues: frozenset[str] = frozenset()  # keys of _WARNINGS
    gutter: int | None = None  # where the right column starts, on a two-column page


# Most serious first: the order of the warnings.
_WARNINGS = {
    "layout": "ingest.pdf_layout_unclear",
    "table": "ingest.pdf_table",
    "columns": "ingest.pdf_two_columns",
}


def lay_out(pages: list[RawPage]) -> list[_Layout]:
    """Each page in reading order. A page after a two-column page may be read at that page's
    gutter when its right column is too short to find one of its own (a last page)."""
    layouts: list[_Layout] = []
    gutter = None
    for page in pages:
        layout = _page_layout(page, gutter)
        gutter = layout.gutter
        layouts.append(layout)
    return layouts


def _page_layout(page: RawPage, previous: int | None) -> _Layout:
    """Read two columns of prose column by column; warn about a table or any other layout
    of columns, and leave its rows as layout mode drew them (a guess could be worse)."""
    cells = [_cells(row) for row in page.rows]
    edges = _edge_rows(cells)
    body = [
        (row, spans)
        for i, (row, spans) in enumerate(zip(page.rows, cells))
        if spans and i not in edges
    ]
    table = frozenset({"table"}) if page.ruled else frozenset()
    gutters = _gutters(body)
    carried = _carried_gutter(body, previous) if not gutters else None
    if carried is not None:
        gutters = [carried]
    if gutters:
        regions = _regions(body, gutters)
        if len(gutters) == 1 and _two_columns(regions, carried is not None):
            rows = _read_columns(page.rows, cells, edges, gutters[0])
            return _Layout(rows, table | {"columns"}, gutters[0])
        if all(_is_prose(region) for region in regions):
            return _Layout(page.rows, frozenset({"layout"}))
    if page.ruled or _grid_like([spans for _, spans in body]):
        return _Layout(page.rows, frozenset({"table"}))
    return _Layout(page.rows)


def _cells(row: str) -> list[Span]:
    """The cells of a row: runs of words apart by fewer spaces than a column gap."""
    return [match.span() for match in _CELL.finditer(row)]


def _crosses(spans: list[Span], at: int) -> bool:
    """A row whose text runs over character column ``at`` (a heading over two columns)."""
    return any(start < at < end for start, end in spans)


def _edge_rows(cells: list[list[Span]]) -> set[int]:
    """Rows of a header or footer: at most PDF_EDGE_LINES rows at the top or bottom of the
    page, apart from the rest by two blank rows or more. A page number under both columns
    runs over the gutter, and a header above the left column only is not part of it."""
    filled = [i for i, spans in enumerate(cells) if spans]
    edges: set[int] = set()
    for order in (filled, filled[::-1]):
        run = order[:1]
        while len(run) < len(order) and abs(order[len(run)] - run[-1]) == 1:
            run.append(order[len(run)])
        if len(run) < len(order) and len(run) <= PDF_EDGE_LINES:
            if abs(order[len(run)] - run[-1]) > 2:
                edges.update(run)
    return edges


def _gutters(body: list[tuple[str, list[Span]]]) -> list[int]:
    """Where a column after the first starts: at least two rows start a cell in the same
    character column, at least two rows have text left of it, and few rows run over it."""
    if not body:
        return []
    margin = min(spans[0][0] for _, spans in body)
    starts = Counter(start for _, spans in body for start, _ in spans if start > margin)
    limit = COLUMN_MAX_CROSSING * len(body)
    return [at for at, n in sorted(starts.items()) if n >= 2 and _fits(body, at, limit)]


def _carried_gutter(body: list[tuple[str, list[Span]]], previous: int | None) -> int | None:
    """The gutter of the page before, if this page's rows fit it: a cell starts within
    CARRY_SLACK characters of it (layout mode scales each page by its own fonts)."""
    if previous is None:
        return None
    near = {
        start for _, spans in body for start, _ in spans if abs(start - previous) <= CARRY_SLACK
    }
    return next((at for at in sorted(near) if _fits(body, at)), None)


def _fits(body: list[tuple[str, list[Span]]], at: int, limit: float | None = None) -> bool:
    """Few rows run over ``at``, two or more rows have text left of it, one or more right."""
    limit = COLUMN_MAX_CROSSING * len(body) if limit is None else limit
    apart = [spans for _, spans in body if not _crosses(spans, at)]
    left = sum(spans[0][0] < at for spans in apart)
    right = sum(spans[-1][0] >= at for spans in apart)
    return len(body) - len(apart) <= limit and left >= 2 and right >= 1


def _regions(body: list[tuple[str, list[Span]]], gutters: list[int]) -> list[list[str]]:
    """The text of each column, row by row, for the rows that run over no gutter."""
    bounds = [0, *gutters, None]
    apart = [row for row, spans in body if not any(_crosses(spans, at) for at in gutters)]
    return [
        [part for row in apart if (part := row[lo:hi].strip())]
        for lo, hi in zip(bounds, bounds[1:])
    ]


def _is_prose(parts: list[str]) -> bool:
    """A column of running text: wide, its lines all different, one cell a line. A column
    of speaker labels or times repeats itself or is narrow; a table column is narrow or
    holds cells of its own."""
    if len(parts) < 2 or max(map(len, parts)) < COLUMN_MIN_CHARS:
        return False
    split = sum(len(_CELL.findall(part)) > 1 for part in parts)
    return len(set(parts)) >= 0.8 * len(parts) and split <= COLUMN_MAX_CROSSING * len(parts)


def _two_columns(regions: list[list[str]], carried: bool) -> bool:
    """Two columns of prose of about the same width; after a two-column page (``carried``)
    the right column may be a line or two."""
    left, right = regions
    if carried:
        return _is_prose(left) and bool(right)
    if not (_is_prose(left) and _is_prose(right)):
        return False
    widths = sorted(max(map(len, parts)) for parts in regions)
    return widths[0] >= COLUMN_MIN_BALANCE * widths[1]


def _read_columns(rows: list[str], cells: list[list[Span]], edges: set[int], at: int) -> list[str]:
    """The rows of a two-column page in reading order: the left column top to bottom, then
    the right one. A row over the gutter (a heading, a page number) and a header or footer
    on one side stay whole at their place; the columns above and below them are read apart."""
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        # no blank rows between the columns: a sentence goes on at the top of the right one
        out.extend(left[: len(left) - _leading_blank(left[::-1])])
        out.extend(right[_leading_blank(right) :])
        left.clear()
        right.clear()

    for i, (row, spans) in enumerate(zip(rows, cells)):
        two_sided = any(s < at for s, _ in spans) and any(s >= at for s, _ in spans)
        if _crosses(spans, at) or (i in edges and not two_sided):
            flush()
            out.append(row)
        else:
            left.append(row[:at].rstrip())
            right.append(row[at:].rstrip())
    flush()
    return out


def _leading_blank(lines: list[str]) -> int:
    """How many blank lines ``lines`` starts with."""
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))


def _grid_like(body: list[list[Span]]) -> bool:
    """A table without lines: two rows or more of three cells or more, whose cells mostly
    start in as many character columns as a row has cells. Justified prose can have wide
    gaps between its words too, but they fall in many places."""
    rows = [spans for spans in body if len(spans) >= 3]
    if len(rows) < 2:
        return False
    starts = Counter(start for spans in rows for start, _ in spans[1:])
    columns = sorted(len(spans) - 1 for spans in rows)[len(rows) // 2]
    top = [n for _, n in starts.most_common(columns)]
    aligned = sum(n >= 2 for n in top) >= 2
    return aligned and sum(top) >= GRID_MIN_ALIGNED * sum(starts.values())


# One token of a content stream: a string (skipped; nesting and escapes kept simple), a
# number, a name or array bracket (skipped), or an operator. pypdf's own parser reads every
# object of the stream and doubled the time a PDF took to read; a grid needs only paths.
_TOKEN = re.compile(
    rb"(\((?:\\.|[^\\)])*\)|<[^<>]*>|/[^\s/\[\]()<>{}]*|[\[\]{}<>])"
    rb"|([-+]?(?:\d+\.?\d*|\.\d+))"
    rb"|([A-Za-z'\"][A-Za-z*'\"\d]*)"
)
_STROKE = {b"S", b"s", b"B", b"B*", b"b", b"b*"}
_PAINT = _STROKE | {b"f", b"F", b"f*", b"n"}  # n ends a path without painting it
_CURVES = {b"c": 4, b"v": 2, b"y": 2}  # where the end point of a curve is among its operands
_Rule = tuple[bool, float, float, float, float]  # a rectangle?, x, y, width, height


def has_ruled_grid(contents: Any) -> bool:
    """Ruled cells: lines drawn at three places or more across and three or more down (a
    table of two by two cells at least). Stroked lines and rectangles count, and thin
    filled rectangles (how Word draws a border); a wider filled rectangle is a background
    or a highlight, and a slanted line a drawing, not a border."""
    if contents is None:
        return False
    across: set[int] = set()
    down: set[int] = set()
    path: list[_Rule] = []
    point = (0.0, 0.0)
    for numbers, operator in _path_operations(contents.get_data()):
        if operator == b"re" and len(numbers) == 4:
            path.append((True, numbers[0], numbers[1], numbers[2], numbers[3]))
            point = (numbers[0], numbers[1])
        elif operator == b"l" and len(numbers) == 2:
            path.append((False, point[0], point[1], numbers[0] - point[0], numbers[1] - point[1]))
            point = (numbers[0], numbers[1])
        elif operator == b"m" and len(numbers) == 2:
            point = (numbers[0], numbers[1])
        elif operator in _CURVES and len(numbers) == _CURVES[operator] + 2:
            point = (numbers[-2], numbers[-1])
        elif operator in _PAINT:
            if operator != b"n":
                _add_rules(path, operator in _STROKE, across, down)
            path = []
    return len(across) >= 3 and len(down) >= 3


def _path_operations(data: bytes) -> Iterator[tuple[list[float], bytes]]:
    """Each operator of a content stream with the numbers right before it."""
    numbers: list[float] = []
    for skipped, number, operator in _TOKEN.findall(data):
        if number:
            numbers.append(float(number))
        elif operator:
            yield numbers, operator
            numbers = []
        elif skipped:
            numbers = []  # an operand that is not a number: not a path operator's


def _add_rules(path: list[_Rule], stroked: bool, across: set[int], down: set[int]) -> None:
    """Where the rules of a painted path lie, in steps of two points: a horizontal rule in
    ``across`` by its height on the page, a vertical one in ``down`` by its x."""
    for box, x, y, width, height in path:
        thin_x, thin_y = abs(width) <= RULE_MAX_WIDTH, abs(height) <= RULE_MAX_WIDTH
        if (stroked or box) and thin_x and not thin_y:
            down.add(round(x / 2))
        elif (stroked or box) and thin_y and not thin_x:
            across.add(round(y / 2))
        elif stroked and box and not (thin_x or thin_y):  # a stroked box: four rules
            down.update((round(x / 2), round((x + width) / 2)))
            across.update((round(y / 2), round((y + height) / 2)))


def layout_warnings(layouts: list[_Layout], name: str) -> list[dict[str, Any]]:
    """One warning per kind of layout, naming its pages: "pagina's 2–4, 7"."""
    warnings = []
    for issue, key in _WARNINGS.items():
        pages = [n for n, layout in enumerate(layouts, 1) if issue in layout.issues]
        if pages:
            params = {"file": name, "count": len(pages), "pages": _page_ranges(pages)}
            warnings.append({"key": key, "params": params})
    return warnings


def _page_ranges(pages: list[int]) -> str:
    """Page numbers in order as ranges: [2, 3, 4, 7] is "2–4, 7"."""
    ranges: list[list[int]] = []
    for page in pages:
        if ranges and page == ranges[-1][-1] + 1:
            ranges[-1].append(page)
        else:
            ranges.append([page])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in ranges)
