"""PDF text extraction and OCR measured on real Korean PDFs, against poppler's pdftotext.

Per library: Hangul coverage (Hangul characters found, as a multiset per page, over those
pdftotext finds), reading-order checks (known passages of multi-column pages in order),
header/footer/page-number lines left on checked pages, pages/s. OCR (Tesseract via
clusterqa.parsers.ocr): character accuracy on Hangul+digits with whitespace removed
(1 - Levenshtein distance / reference length) against the page's own text layer, and pages/s,
per DPI. Needs poppler-utils (pdftotext) for the reference; tesseract-ocr(-kor) for OCR.

    .venv/bin/python benchmarks/pdf_extract.py [--pdf-dir /tmp/pdfs] [--dpi 150 200 300]

Samples missing from --pdf-dir are skipped (the committed fixtures are always there).
Writes benchmarks/results/pdf-extract.json.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdf
import pypdfium2 as pdfium
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer
from rapidfuzz.distance import Levenshtein

from clusterqa.config import Settings
from clusterqa.parsers import ocr
from clusterqa.parsers.layout import read_page
from clusterqa.parsers.pdf import PdfParser, _glyphs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
OUT = ROOT / "benchmarks" / "results" / "pdf-extract.json"

# Each sample: file name (looked up in the fixtures, then --pdf-dir); reading-order checks
# (page, earlier passage, later passage); running lines that must not stay (page, regex on a
# line); the origin of each file is in tests/fixtures/pdf/SOURCES.md.
SAMPLES: list[dict] = [
    {
        "file": "minutes.pdf",  # National Assembly minutes: two columns, running header
        "order": [
            (8, "당부드립니다.", "15. 물의 재이용 촉진"),
            (8, "1. 2023년도 국정감사", "14. 물관리기본법"),
        ],
        "running": [(p, r"^\d+ ?제414회-환경노동제1차") for p in range(2, 21)],
    },
    {
        "file": "minutes-p7-9.pdf",  # fixture: pages 7-9 of the minutes
        "order": [(2, "당부드립니다.", "15. 물의 재이용 촉진")],
        "running": [],
    },
    {
        "file": "review.pdf",  # committee review report: "- 3 -" page numbers
        "order": [],
        "running": [(p, r"^-\s*\d+\s*-$") for p in range(3, 15)],
    },
    {
        "file": "bill.pdf",
        "order": [],
        "running": [(p, r"^-\s*\d+\s*-$") for p in range(2, 11)],
    },
    {
        "file": "patent.pdf",  # patent publication: running header and "-4-" footers
        "order": [],
        "running": [(p, r"^공개특허 10-2023-0087131$|^-\d+-$") for p in range(2, 23)],
    },
    {
        "file": "msds1.pdf",  # safety data sheet: three-line running header, tables
        "order": [],
        "running": [(p, r"^MSDS번호") for p in range(2, 17)],
    },
    {
        "file": "rfp1.pdf",  # request for proposals: "- 2 -" page numbers, PUA bullets
        "order": [],
        "running": [(p, r"^-\s*\d+\s*-$") for p in range(3, 69)],
    },
    {
        "file": "card-tables.pdf",  # card leaflet: two columns of tables
        "order": [(1, "구매 및 충전, 상품권 구매건", "2% 빅포인트 적립")],
        "running": [],
    },
    {
        "file": "moran.pdf",  # two-column English paper
        "order": [(3, "methods for unconstrained recognition", "top-down approach [28, 42]")],
        "running": [],
    },
    {"file": "cid-no-tounicode.pdf", "order": [], "running": []},  # garbled: no ToUnicode
    {"file": "ku_sample.pdf", "order": [], "running": []},
    {"file": "pknu_thesis-kor.pdf", "order": [], "running": []},
    {"file": "kbfund.pdf", "order": [], "running": []},
    {"file": "dbchina.pdf", "order": [], "running": []},
    {"file": "kyobo1.pdf", "order": [], "running": []},
    {"file": "kyobo2.pdf", "order": [], "running": []},
    {"file": "msds2.pdf", "order": [], "running": []},
    {"file": "rfp2.pdf", "order": [], "running": []},
]
# Single-column text pages whose text layer is the OCR ground truth: (file, page).
OCR_PAGES = [("review.pdf", 3), ("bill.pdf", 2), ("rfp1.pdf", 5), ("minutes.pdf", 8)]

_HANGUL = re.compile(r"[가-힣]")
_KEEP = re.compile(r"[가-힣0-9]")


def _pdftotext(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return out.split("\f")[: len(pdfium.PdfDocument(path))]


def _pypdf(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]


def _pypdf_layout(path: Path) -> list[str]:
    return [p.extract_text(extraction_mode="layout") or "" for p in pypdf.PdfReader(path).pages]


def _pdfminer(path: Path) -> list[str]:
    return [
        "".join(e.get_text() for e in page if isinstance(e, LTTextContainer))
        for page in extract_pages(path, laparams=LAParams())
    ]


def _pdfplumber(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def _pypdfium2(path: Path) -> list[str]:
    return [p.get_textpage().get_text_bounded() for p in pdfium.PdfDocument(path)]


def _clusterqa(path: Path) -> list[str]:
    parsed = PdfParser(Settings(ocr_enabled=False)).parse(path.read_bytes(), "b", path.name)
    texts = dict.fromkeys(range(1, len(pdfium.PdfDocument(path)) + 1), "")
    texts.update({p.number: p.text for p in parsed.pages})
    return list(texts.values())


def _layout_only(path: Path) -> list[str]:
    """clusterqa's reading order with nothing removed: what extraction itself finds."""
    texts = []
    for page in pdfium.PdfDocument(path):
        height = page.get_height()
        glyphs = _glyphs(page.get_textpage(), page.get_width(), height)
        texts.append("\n".join(line.text for line in read_page(glyphs, height)))
    return texts


LIBRARIES: dict[str, Callable[[Path], list[str]]] = {
    f"pypdf {pypdf.__version__}": _pypdf,
    f"pypdf {pypdf.__version__} layout mode": _pypdf_layout,
    "pdfminer.six (LAParams defaults)": _pdfminer,
    f"pdfplumber {pdfplumber.__version__}": _pdfplumber,
    f"pypdfium2 {pdfium.PYPDFIUM_INFO} get_text_bounded": _pypdfium2,
    "clusterqa layout, running lines kept (pypdfium2 glyphs + parsers/layout.py)": _layout_only,
    "clusterqa PdfParser (layout, running lines removed)": _clusterqa,
}


def _coverage(pages: list[str], reference: list[str]) -> tuple[int, int]:
    found = total = 0
    for text, ref in zip(pages, reference, strict=False):
        want = Counter(_HANGUL.findall(ref))
        found += sum((Counter(_HANGUL.findall(text)) & want).values())
        total += sum(want.values())
    return found, total


def _in_order(text: str, before: str, after: str) -> bool:
    flat = re.sub(r"\s+", "", text)
    a, b = flat.find(re.sub(r"\s+", "", before)), flat.find(re.sub(r"\s+", "", after))
    return 0 <= a < b


def _running_left(pages: list[str], page: int, pattern: str) -> int:
    if page > len(pages):
        return 0
    return sum(1 for line in pages[page - 1].splitlines() if re.search(pattern, line.strip()))


def extraction(samples: list[tuple[dict, Path]]) -> dict:
    references = {path.name: _pdftotext(path) for _, path in samples}
    results = {}
    for name, extract in LIBRARIES.items():
        found = total = pages = order_ok = order_n = left = 0
        seconds = 0.0
        per_file = {}
        for sample, path in samples:
            started = time.perf_counter()
            try:
                texts = extract(path)
            except Exception as exc:  # a library failing on a real file is a result too
                per_file[path.name] = f"failed: {exc.__class__.__name__}: {exc}"[:200]
                continue
            seconds += time.perf_counter() - started
            pages += len(texts)
            f, t = _coverage(texts, references[path.name])
            found, total = found + f, total + t
            ok = [_in_order(texts[p - 1], a, b) for p, a, b in sample["order"]]
            lines = sum(_running_left(texts, p, pattern) for p, pattern in sample["running"])
            order_ok, order_n, left = order_ok + sum(ok), order_n + len(ok), left + lines
            per_file[path.name] = {
                "hangul_coverage": round(f / t, 4) if t else None,
                "order_checks": f"{sum(ok)}/{len(ok)}",
                "running_lines_left": lines,
            }
        results[name] = {
            "hangul_coverage": round(found / total, 4) if total else None,
            "reading_order_checks": f"{order_ok}/{order_n}",
            "running_lines_left": left,
            "pages": pages,
            "pages_per_s": round(pages / seconds, 1) if seconds else None,
            "files": per_file,
        }
        print(f"{name}: {json.dumps({k: v for k, v in results[name].items() if k != 'files'})}")
    return results


def garbled_pages(samples: list[tuple[dict, Path]]) -> dict[str, list[str]]:
    """Pages the parser judges garbled or without text (OCR off), per file: what it drops."""
    out = {}
    for _, path in samples:
        try:
            parsed = PdfParser(Settings(ocr_enabled=False)).parse(path.read_bytes(), "b", path.name)
            out[path.name] = parsed.warnings
        except Exception as exc:  # a file with no usable page at all
            out[path.name] = [str(exc)]
    return {name: warnings for name, warnings in out.items() if warnings}


def ocr_accuracy(pdf_dir: Path, dpis: list[int]) -> dict:
    reason = ocr.unavailable_reason("kor+eng")
    if reason:
        return {"skipped": reason}
    results = {}
    for dpi in dpis:
        scores, seconds, per_page = [], 0.0, {}
        for name, number in OCR_PAGES:
            path = _find(name, pdf_dir)
            if path is None:
                continue
            reference = "".join(_KEEP.findall(_pdftotext(path)[number - 1]))
            page = pdfium.PdfDocument(path)[number - 1]
            started = time.perf_counter()
            result = ocr.ocr_page(page, dpi, "kor+eng", 300)
            seconds += time.perf_counter() - started
            read = "".join(_KEEP.findall(result.text))
            accuracy = 1 - Levenshtein.distance(read, reference) / max(len(reference), 1)
            scores.append(accuracy)
            per_page[f"{name}#{number}"] = {
                "accuracy": round(accuracy, 4),
                "confidence": round(result.confidence or 0, 1),
            }
        if scores:
            results[str(dpi)] = {
                "accuracy_mean": round(sum(scores) / len(scores), 4),
                "accuracy_min": round(min(scores), 4),
                "pages_per_s": round(len(scores) / seconds, 3),
                "s_per_page": round(seconds / len(scores), 2),
                "pages": per_page,
            }
            print(f"OCR {dpi} dpi: {json.dumps(results[str(dpi)])}")
    return results


def _find(name: str, pdf_dir: Path) -> Path | None:
    for folder in (FIXTURES, pdf_dir):
        if (folder / name).is_file():
            return folder / name
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-dir", type=Path, default=Path("/tmp/pdfs"))
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200, 300])
    parser.add_argument("--no-ocr", action="store_true")
    args = parser.parse_args()
    samples = [(s, p) for s in SAMPLES if (p := _find(s["file"], args.pdf_dir))]
    print(f"{len(samples)} samples, {sum(len(pdfium.PdfDocument(p)) for _, p in samples)} pages")
    report = {
        "samples": [p.name for _, p in samples],
        "reference": "pdftotext (poppler-utils), plain mode",
        "extraction": extraction(samples),
        "pages_not_kept_without_ocr": garbled_pages(samples),
        "ocr": {} if args.no_ocr else ocr_accuracy(args.pdf_dir, args.dpi),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
