"""Text repair: turns damaged extracted page text into canonical text.

Fixes what PDF extraction breaks: words split across line breaks, markdown escapes,
odd whitespace, text that lost its spaces, and bold drawn twice ("대대구구시시"). Headings,
bullets and table rows stay on lines of their own.
"""

from __future__ import annotations

import re
import unicodedata

from clusterqa.korean import needs_space, respace
from clusterqa.models import PageSpan, ParsedDocument

PAGE_SEPARATOR = "\n\n"
# Bump when repair changes canonical text: indexes built by older code are then re-processed
# (offsets of every citation point into this text).
VERSION = 6  # 6: glyphs drawn twice for bold are read once

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>$])")
_BOLD = re.compile(r"\*\*")
# Inline HTML some extractors leave behind ("21,000km<sup>2</sup>"): superscript digits become
# the characters, other inline tags go.
_SUPERSCRIPT = re.compile(r"<sup>\s*(\d{1,3})\s*</sup>", re.IGNORECASE)
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_INLINE_TAG = re.compile(r"</?(?:sup|sub|b|i|u|em|strong|span|font)\b[^>]*>", re.IGNORECASE)
# Soft hyphens, zero-width, bidi and control characters (some PDF fonts interleave NULs; a
# bidi override makes a quote or title display other than it reads).
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
# Some PDFs fake bold by drawing each glyph twice, and extraction keeps both ("대대구구시시" for
# 대구시). Three doubled syllables in a row are that; Korean words repeat at most two
# ("시시각각"), so two are undone only on a page that shows the three.
_DOUBLED = re.compile(r"(?:([가-힣])\1){3,}")
_DOUBLED_WORD = re.compile(r"(?<![가-힣])(?:([가-힣])\1){2,}(?![가-힣])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HANGUL = re.compile(r"[가-힣]")
# A line that starts a new block: bullets, numbering, figure/table captions.
_BLOCK_START = re.compile(
    r"^([-–—•·∙*●○■□◆◇▶►▷❖◎※☞➊-➓①-⑳❶-❿]|\(?\d{1,2}[.)]\s|\(\d{1,2}\)|[IVX]{1,4}\.\s"
    r"|[가-하][.)]\s|#|<\s*표|〈\s*표|\[\s*(그림|표)|(그림|표|Table|Figure|Fig\.)\s*\d)"
)
_HEADING = re.compile(
    r"^(#{1,6}\s|[IVX]{1,4}[.\s]|\d{1,2}(\.\d{1,2})*\.?\s|\d{1,2}\)\s|[①-⑳]|[■□◆◇▶❖◎●]\s"
    r"|제\s?\d+\s?[장절])"
)
# A table row as the parsers write it: cells separated by " | ".
_TABLE_ROW = re.compile(r"\S \| \S")
_TERMINAL = re.compile(r"[.!?。:;]['\"’”)\]]*$|\[\d+\]\.?$")
_MIN_WRAPPED_LINE = 15
_MAX_HEADING = 40
# Below this many spaces per Hangul syllable a text has lost its word spacing.
_SPACELESS_RATIO = 0.15


def is_table_row(line: str) -> bool:
    return bool(_TABLE_ROW.search(line))


def is_heading(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= _MAX_HEADING and bool(_HEADING.match(line)) and not _TERMINAL.search(line)
    )


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters canonical text never holds."""
    return _INVISIBLE.sub("", text)


def clean_title(title: str) -> str:
    """A title for display: one line, no control or invisible characters."""
    return " ".join(strip_invisible(title).split())


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    for _ in range(3):  # some extractors escape twice ("\\\\_")
        text, n = _ESCAPE.subn(r"\1", text)
        if not n:
            break
    text = _SUPERSCRIPT.sub(lambda m: m.group(1).translate(_SUPERSCRIPT_DIGITS), text)
    return _undouble(_INLINE_TAG.sub("", _BOLD.sub("", text)))


def _once(match: re.Match) -> str:
    return match.group(0)[::2]


def _undouble(text: str) -> str:
    if not _DOUBLED.search(text):
        return text
    return _DOUBLED.sub(_once, _DOUBLED_WORD.sub(_once, text))


def _continues(prev: str, nxt: str) -> bool:
    """Whether line `nxt` continues the sentence that line `prev` broke off."""
    prev = prev.strip()
    if is_table_row(prev) or is_table_row(nxt):
        return False  # a row keeps its figures next to their labels
    return (
        len(prev) >= _MIN_WRAPPED_LINE
        and not _TERMINAL.search(prev)
        and not is_heading(prev)
        and not _BLOCK_START.match(nxt.strip())
    )


def _glue(prev_raw: str, nxt: str, trailing_space_is_signal: bool) -> str:
    """The separator to put between a wrapped line and its continuation."""
    left, right = prev_raw.rstrip(), nxt.lstrip()
    if prev_raw != left or left.endswith("-"):
        return "" if left.endswith("-") else " "
    if trailing_space_is_signal:
        # The extractor kept a trailing space at word boundaries, so its absence means a split word.
        return ""
    a, b = left[-1], right[0]
    if a in ",;:)]":
        return " "  # punctuation that ends a word ("인터파크," + "쿠팡")
    if _HANGUL.match(a) and _HANGUL.match(b):
        return " " if needs_space(left.split()[-1], right.split()[0]) else ""
    if _HANGUL.match(b):
        return ""  # e.g. "NUS" + "와": a particle after a Latin word
    return " "


def _rejoin(lines: list[str]) -> list[str]:
    signal = any(line.endswith(" ") and line.strip() for line in lines)
    out: list[str] = []
    raw_last = ""  # the last joined line as extracted, so its trailing space is still visible
    blank_run = 0
    for line in lines:
        if not line.strip():
            blank_run += 1
            continue
        if out and blank_run <= 1 and _continues(out[-1], line):
            out[-1] = out[-1].rstrip() + _glue(raw_last, line, signal) + line.lstrip()
        else:
            if out and blank_run:
                out.append("")
            out.append(line)
        raw_last = line
        blank_run = 0
    return out


def repair(text: str) -> str:
    """Canonical text of one page."""
    lines = _rejoin(_clean(text).split("\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in lines]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    hangul = len(_HANGUL.findall(text))
    if hangul and text.count(" ") / hangul < _SPACELESS_RATIO:
        text = "\n".join(respace(line) if line else line for line in text.split("\n"))
    return text


def canonicalise(parsed: ParsedDocument) -> tuple[str, list[PageSpan]]:
    """Repair every page and join them into the document's canonical text with page spans."""
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for page in parsed.pages:
        text = repair(page.text)
        if not text:
            continue
        if parts:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        provenance = page.model_dump(include={"ocr", "ocr_confidence", "location"})
        spans.append(
            PageSpan(number=page.number, start=offset, end=offset + len(text), **provenance)
        )
        offset += len(text)
    return "".join(parts), spans
