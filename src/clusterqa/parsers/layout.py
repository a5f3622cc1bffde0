"""Page layout from positioned glyphs: lines, columns read in order, table cells, running lines."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median

# Table cells on one line are joined with this; repair.py keeps " | " (it collapses tabs).
CELL_SEPARATOR = " | "
# Horizontal gaps, in glyph heights: wider than _SPLIT_GAP splits a row into spans (column
# gutters are found between spans); wider than _CELL_GAP, spans on one line of a column are table
# cells. Justified prose never spaces words a glyph height apart.
_SPLIT_GAP = 1.0
_ROW_TOLERANCE = 0.35
_CELL_GAP = 2.0
# Word spaces: pdfium reports explicit space glyphs; a gap this wide (in glyph heights) is a
# space even where the file drew none.
_WORD_GAP = 0.25
# A gutter between columns: an empty vertical strip at least this wide (points) ...
_MIN_GUTTER = 6.0
# ... inside the middle of the text block, with this share of the text on each side ...
_MIN_SIDE_SHARE = 0.2
# ... whose lines mostly fill their column (tables have short cells, columns long lines).
_MIN_COLUMN_FILL = 0.5
# Running headers/footers live in these top/bottom shares of the page.
_MARGIN_ZONE = 0.12
# Page numbers: "3", "- 3 -", "— iii —", "3 / 12", "p. 3", "Page 3", "3쪽", "(3)".
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—·(\[]*(?:p\.?\s*|page\s*)?(\d{1,4}|[ivxlc]{1,7})(?:\s*/\s*\d{1,4})?\s*(?:쪽|페이지)?"
    r"[\s\-–—·)\]]*$",
    re.IGNORECASE,
)
_HYPHENATED = re.compile(r"[A-Za-z]{2}-$")
_LOWER_START = re.compile(r"^[a-z]")


@dataclass
class Glyph:
    """One character and its box in PDF space (y grows upwards); space_after from the file."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    space_after: bool = False

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


@dataclass
class Span:
    """Glyphs that sit side by side on one baseline with no wide gap: a line of one column/cell."""

    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def y0(self) -> float:
        return min(g.y0 for g in self.glyphs)

    @property
    def y1(self) -> float:
        return max(g.y1 for g in self.glyphs)

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2

    def text(self) -> str:
        out: list[str] = []
        for prev, glyph in zip([None, *self.glyphs], self.glyphs, strict=False):
            if prev is not None and (
                prev.space_after or glyph.x0 - prev.x1 > _WORD_GAP * min(prev.height, glyph.height)
            ):
                out.append(" ")
            out.append(glyph.text)
        return "".join(out).strip()


@dataclass
class Line:
    """One line as read: its cells (one for prose, several for a table row) and where it sits."""

    spans: list[Span]
    top: float  # distance from the top of the page, in points
    bottom: float

    @property
    def text(self) -> str:
        out = ""
        prev: Span | None = None
        for span in sorted(self.spans, key=lambda s: s.x0):
            text = span.text()
            if not text:
                continue
            if prev is not None:
                height = median(g.height for g in prev.glyphs + span.glyphs)
                out += CELL_SEPARATOR if span.x0 - prev.x1 > _CELL_GAP * height else " "
            out += text
            prev = span
        return out


def _spans(glyphs: list[Glyph]) -> list[Span]:
    """Group glyphs into baseline rows, then split each row where a wide gap opens."""
    # Rows by the glyphs' vertical middles: two glyphs share a row when their middles lie
    # within _ROW_TOLERANCE of a height (loose boxes of adjacent lines overlap, so boxes alone
    # would merge them). Side-by-side columns rarely share baselines, so a glyph joins the
    # nearest open row, not just the last one.
    rows: list[list[Glyph]] = []
    mids: list[float] = []
    for glyph in sorted(glyphs, key=lambda g: -(g.y0 + g.y1) / 2):
        mid = (glyph.y0 + glyph.y1) / 2
        tolerance = _ROW_TOLERANCE * glyph.height
        best = None
        for i in range(len(rows) - 1, -1, -1):
            if mids[i] - mid > 3 * tolerance:
                break
            if abs(mids[i] - mid) <= tolerance and (
                best is None or abs(mids[i] - mid) < abs(mids[best] - mid)
            ):
                best = i
        if best is None:
            rows.append([glyph])
            mids.append(mid)
        else:
            rows[best].append(glyph)
            count = len(rows[best])
            mids[best] += (mid - mids[best]) / count
    spans: list[Span] = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        height = median(g.height for g in row)
        current = Span([row[0]])
        for glyph in row[1:]:
            if glyph.x0 - current.glyphs[-1].x1 > _SPLIT_GAP * height:
                spans.append(current)
                current = Span([glyph])
            else:
                current.glyphs.append(glyph)
        spans.append(current)
    return spans


def _gutters(spans: list[Span]) -> list[float]:
    """x positions of column gutters: empty strips down the text block that prose lines fill."""
    if len(spans) < 6:
        return []
    left, right = min(s.x0 for s in spans), max(s.x1 for s in spans)
    width = right - left
    narrow = [s for s in spans if s.x1 - s.x0 < 0.6 * width]
    if len(narrow) < 6:
        return []
    # Empty strips in the union of the narrow spans' x ranges.
    gaps: list[tuple[float, float]] = []
    reach = left
    for span in sorted(narrow, key=lambda s: s.x0):
        if span.x0 - reach >= _MIN_GUTTER:
            gaps.append((reach, span.x0))
        reach = max(reach, span.x1)
    total = sum(len(s.glyphs) for s in narrow)
    cuts: list[float] = []
    for a, b in gaps:
        cut = (a + b) / 2
        if not left + 0.2 * width <= cut <= right - 0.2 * width:
            continue
        sides = [[s for s in narrow if s.x1 <= cut], [s for s in narrow if s.x0 >= cut]]
        if any(sum(len(s.glyphs) for s in side) < _MIN_SIDE_SHARE * total for side in sides):
            continue
        fills = []
        for side in sides:
            lo, hi = min(s.x0 for s in side), max(s.x1 for s in side)
            widths = [w for line in _lines(side, 0.0) for w in _segment_widths(line)]
            fills.append(median(widths) / max(hi - lo, 1.0))
        if min(fills) >= _MIN_COLUMN_FILL:
            cuts.append(cut)
    return cuts


def _segment_widths(line: Line) -> list[float]:
    """Widths of a line's runs of prose: spans closer than a table-cell gap count as one."""
    widths: list[float] = []
    start = end = None
    for span in sorted(line.spans, key=lambda s: s.x0):
        height = median(g.height for g in span.glyphs)
        if end is not None and span.x0 - end <= _CELL_GAP * height:
            end = max(end, span.x1)
            continue
        if start is not None and end is not None:
            widths.append(end - start)
        start, end = span.x0, span.x1
    if start is not None and end is not None:
        widths.append(end - start)
    return widths


def _lines(spans: list[Span], page_height: float) -> list[Line]:
    """Spans of one column (or one full-width band) as lines top to bottom, cells left to right."""
    lines: list[Line] = []
    for span in sorted(spans, key=lambda s: (-s.mid, s.x0)):
        if lines and lines[-1].bottom >= page_height - span.mid >= lines[-1].top:
            lines[-1].spans.append(span)
            continue
        lines.append(Line([span], page_height - span.y1, page_height - span.y0))
    return [line for line in lines if line.text]


def read_page(glyphs: list[Glyph], page_height: float) -> list[Line]:
    """The page's lines in reading order: full-width bands top down, each column in turn."""
    spans = _spans([g for g in glyphs if g.text.strip()])
    if not spans:
        return []
    cuts = _gutters(spans)
    if not cuts:
        return _lines(spans, page_height)
    bounds = [float("-inf"), *cuts, float("inf")]

    def column(span: Span) -> int | None:
        for i in range(len(bounds) - 1):
            if span.x0 >= bounds[i] and span.x1 <= bounds[i + 1]:
                return i
        return None  # crosses a gutter: a full-width title, heading or figure caption

    out: list[Line] = []
    band: list[Span] = []
    for span in sorted(spans, key=lambda s: -s.mid):
        if column(span) is None:
            out += _read_band(band, len(bounds) - 1, column, page_height)
            band = []
            out += _lines([span], page_height)
        else:
            band.append(span)
    return out + _read_band(band, len(bounds) - 1, column, page_height)


def _read_band(
    spans: list[Span], columns: int, column: Callable[[Span], int | None], page_height: float
) -> list[Line]:
    out: list[Line] = []
    for i in range(columns):
        out += _lines([s for s in spans if column(s) == i], page_height)
    return out


def dehyphenate(lines: list[str]) -> list[str]:
    """Rejoin Latin words hyphenated across lines ("propa-" + "gate" -> "propagate")."""
    out: list[str] = []
    for line in lines:
        if out and _HYPHENATED.search(out[-1]) and _LOWER_START.match(line):
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
    return out


def _signature(text: str) -> str:
    """A line's identity across pages: digits (page numbers, dates) and spacing ignored, so
    "8 제414회-…" on even pages and "제414회-… 9" on odd ones are one header."""
    return re.sub(r"[\s\d]+", "", text)


def running_lines(pages: list[list[Line]], page_heights: list[float]) -> list[set[int]]:
    """Per page, indexes of header/footer lines: page numbers, or lines repeated in the margins.

    By position, not by order: a right-aligned header of a two-column page is read with the
    right column, in the middle of the page's lines.
    """

    def margins(lines: list[Line], height: float) -> list[int]:
        return [
            i
            for i, line in enumerate(lines)
            if line.bottom <= _MARGIN_ZONE * height or line.top >= (1 - _MARGIN_ZONE) * height
        ]

    def outermost(lines: list[Line], idx: list[int]) -> set[int]:
        if not idx:
            return set()
        top = min(lines[i].top for i in idx)
        bottom = max(lines[i].bottom for i in idx)
        return {i for i in idx if lines[i].top <= top + 2 or lines[i].bottom >= bottom - 2}

    edges = [margins(lines, h) for lines, h in zip(pages, page_heights, strict=True)]
    counts = Counter(
        sig
        for lines, idx in zip(pages, edges, strict=True)
        for sig in {_signature(lines[i].text) for i in idx}
    )
    # Repeated on at least half the pages (and on two at least) counts as running.
    needed = max(2, (len(pages) + 1) // 2)
    out: list[set[int]] = []
    for lines, idx in zip(pages, edges, strict=True):
        # A lone number is a page number only as the first or last line of the page.
        numbers = {i for i in outermost(lines, idx) if _PAGE_NUMBER.match(lines[i].text)}
        repeated = {i for i in idx if counts[_signature(lines[i].text)] >= needed}
        out.append(numbers | repeated)
    return out
