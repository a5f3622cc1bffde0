"""HWP 5.0 (binary OLE) via python-hwpx: converted in memory to HWPX, then read as HWPX."""

from __future__ import annotations

import struct
import zipfile
import zlib

from hwpx.hwp5.cfb import CompoundFile
from hwpx.hwp5.errors import Hwp5Error
from hwpx.hwp5.package import convert, to_hwpx_bytes

from clusterqa.errors import InputError
from clusterqa.models import ParsedDocument
from clusterqa.parsers import hwpx as hwpx_parser
from clusterqa.parsers import office
from clusterqa.parsers.office import one_line, open_zip, sniff

# python-hwpx's error codes, as the reason a reader can act on.
_REFUSALS = {
    "hwp5-password": "document is password-protected; save an unprotected copy",
    "hwp5-distribution": (
        "document is a distribution document (배포용 문서) whose text is encrypted; "
        "ask its author for an ordinary copy"
    ),
    "hwp5-drm": "document is DRM-protected; save an unprotected copy",
    "hwp5-version-unsupported": "only HWP 5.x is supported; re-save it in a current Hangul",
    "hwp5-not-hwp5": "not an HWP 5 file (an OLE file without an HWP header)",
    "hwp5-limit-exceeded": "document exceeds a parsing limit (a decompression bomb?); refused",
}
_HWP3_MAGIC = b"HWP Document File V3"
# What python-hwpx's record decoders raise on damage its own checks did not catch.
_DAMAGE = (ValueError, KeyError, IndexError, EOFError, struct.error, zipfile.BadZipFile)


def _check_inflated_size(data: bytes, source: str) -> None:
    """Refuse a file whose streams inflate beyond MAX_INFLATED_BYTES, all streams together.

    python-hwpx bounds each stream (256 MiB), not their sum; a small file with many bomb
    streams would otherwise inflate to gigabytes.
    """
    try:
        compound = CompoundFile(data)
        streams = [compound.read(path) for path in compound.stream_paths()]
    except (Hwp5Error, *_DAMAGE) as exc:
        raise InputError(f"{source}: HWP file is corrupt or truncated ({one_line(exc)})") from exc
    budget = office.MAX_INFLATED_BYTES
    for raw in streams:
        inflater = zlib.decompressobj(-15)
        try:
            size = len(inflater.decompress(raw, budget + 1))
            if inflater.unconsumed_tail:  # stopped at the limit with input left
                size = budget + 1
        except zlib.error:
            size = len(raw)  # a stream stored as is
        budget -= size
        if budget < 0:
            raise InputError(
                f"{source}: HWP streams inflate beyond {office.MAX_INFLATED_BYTES:,} bytes "
                "(a decompression bomb?); refused"
            )


class HwpParser:
    suffixes = (".hwp",)

    def parse(self, data: bytes, doc_id: str, source: str) -> ParsedDocument:
        kind = sniff(data)
        if data.startswith(_HWP3_MAGIC):
            raise InputError(f"{source}: {_REFUSALS['hwp5-version-unsupported']} (HWP 3 file)")
        if kind == "zip":
            raise InputError(f"{source}: a ZIP package (HWPX or DOCX?) renamed .hwp; fix the name")
        if kind != "ole":
            raise InputError(f"{source}: not an HWP file (no OLE compound-file header)")
        _check_inflated_size(data, source)
        try:
            package = to_hwpx_bytes(convert(data).files)
        except Hwp5Error as exc:
            damaged = f"HWP file is corrupt or truncated ({one_line(exc)})"
            reason = _REFUSALS.get(exc.code or "", damaged)
            raise InputError(f"{source}: {reason}") from exc
        except _DAMAGE as exc:
            raise InputError(f"{source}: HWP file is corrupt ({one_line(exc)})") from exc
        archive = open_zip(package, source, "converted HWP")
        return hwpx_parser.parse_package(archive, doc_id, source)


__all__ = ["HwpParser"]
