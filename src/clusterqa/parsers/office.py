"""What the HWP, HWPX and DOCX parsers share: size caps, block joining and title checks."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from clusterqa.config import Settings
from clusterqa.errors import InputError

# Inflated bytes a document may expand to, all parts together: four times the largest file
# accepted. Text-bearing XML of a real report is a few MB; only a bomb comes near this.
MAX_INFLATED_BYTES = 4 * Settings.model_fields["max_file_bytes"].default
_CHUNK = 64 * 1024
_ZIP_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError)

# Blocks (paragraphs, table rows, notes) are separated by two blank lines: repair.py rejoins
# lines split by one blank line or none (a PDF's wrapped lines), but a paragraph of these
# formats is already whole, and table rows must stay one per line.
BLOCK_SEPARATOR = "\n\n\n"
CELL_SEPARATOR = " | "

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Titles that metadata holds by default rather than by choice.
_PLACEHOLDER_TITLES = {
    "제목 없음",
    "제목없음",
    "무제",
    "untitled",
    "document",
    "문서",
    "title",
    "제목",
    "normal",
    "skeleton",
    "본문내용",
}
_PLACEHOLDER_TITLE = re.compile(
    r"^(문서\s*\d+|document\s*\d+|microsoft word\s*-.*|.*\.(hwpx?|docx?|dotx?|pdf|txt|hwt))$",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]")
_MIN_TITLE_LETTERS = 2
_REPEATED = re.compile(r"(.+?)\1+")  # "1111", "본문내용본문내용": template filler


def sniff(data: bytes) -> str:
    """'ole', 'zip' or 'other', from the file's leading bytes."""
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    return "other"


def open_zip(data: bytes, source: str, kind: str) -> zipfile.ZipFile:
    """The ZIP package, after checking that it inflates within MAX_INFLATED_BYTES.

    Every member is inflated once here in small chunks, counting what actually arrives: a
    member's declared size can lie, and `ZipFile.read` inflates a member whole before it
    truncates to that size. Later full reads are then bounded by what was counted.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = 0
        for info in archive.infolist():
            with archive.open(info) as member:
                while block := member.read(_CHUNK):
                    total += len(block)
                    if total > MAX_INFLATED_BYTES:
                        raise InputError(
                            f"{source}: {kind} inflates beyond {MAX_INFLATED_BYTES:,} bytes "
                            "(a zip bomb?); refused"
                        )
    except InputError:
        raise
    except RuntimeError as exc:  # zipfile's "File is encrypted, password required"
        raise InputError(f"{source}: {kind} is encrypted ({one_line(exc)})") from exc
    except NotImplementedError as exc:  # an unknown compression method
        raise InputError(f"{source}: {kind} uses an unsupported ZIP feature") from exc
    except _ZIP_DAMAGE as exc:
        raise InputError(f"{source}: {kind} is corrupt or truncated ({one_line(exc)})") from exc
    return archive


def one_line(exc: BaseException) -> str:
    """A library's exception as a short one-line reason (messages may hold newlines)."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def usable_title(title: object, source: str) -> str | None:
    """`title` from a file's metadata when someone chose it: not empty, not a placeholder,
    not a file or template name."""
    if not isinstance(title, str):
        return None
    title = " ".join(title.split())
    if not title or len(title) > 300:
        return None
    lowered = title.lower()
    stem = source.rsplit(".", 1)[0].lower()
    if lowered in _PLACEHOLDER_TITLES or lowered == stem or _PLACEHOLDER_TITLE.match(title):
        return None
    # Hangul fills the title in from the first line, often a page number or a lone symbol.
    if len(_LETTERS.findall(title)) < _MIN_TITLE_LETTERS or _REPEATED.fullmatch(title):
        return None
    return title


def join_blocks(blocks: list[str]) -> str:
    """The text of one section or part: its non-empty blocks, each on lines of its own."""
    return BLOCK_SEPARATOR.join(b.strip() for b in blocks if b.strip())
