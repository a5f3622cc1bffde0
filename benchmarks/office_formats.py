"""HWP, HWPX and DOCX extractors compared on real files: how much text, how fast, how right.

For each sample and each candidate library: success or the error, characters and Hangul
syllables extracted, seconds, and agreement with a reference the file carries or a second
extractor: for HWP/HWPX the file's own preview text (PrvText, written by Hangul itself, the
first ~1,000 characters), for DOCX mammoth's raw text. Agreement is character-level recall:
the share of the reference's Hangul (or, where it has none, its letters) found in the
output, counted as a multiset. Seconds are a second, warm run (imports excluded). A library
that is not installed is recorded as such.

    .venv/bin/python benchmarks/office_formats.py [--extra-dir /tmp/office-samples]

Committed fixtures live in tests/fixtures/office/ (see SOURCES.md there); the larger or
unclear-licence samples are measurement only and are looked for in --extra-dir.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import platform
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "office"
OUT = ROOT / "benchmarks" / "results" / "office-formats.json"
TIMEOUT_S = 60

# name, origin repository, path there, licence, what it is. "fixture": committed in FIXTURES.
SAMPLES: list[dict[str, object]] = [
    # HWP 5 (binary)
    {
        "name": "hwpjs-table-bug.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/table-bug.hwp",
        "licence": "MIT",
        "what": "real school club forms, many tables",
        "fixture": True,
    },
    {
        "name": "hwpjs-footnote-endnote.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/footnote-endnote.hwp",
        "licence": "MIT",
        "what": "footnotes and endnotes",
        "fixture": True,
    },
    {
        "name": "hwpjs-lists-two-sections.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/lists.hwp",
        "licence": "MIT",
        "what": "lists, two sections",
        "fixture": True,
    },
    {
        "name": "hwpjs-password-12345.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/password-12345.hwp",
        "licence": "MIT",
        "what": "password-protected",
        "fixture": True,
    },
    {
        "name": "hwpjs-viewtext-distribution.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/viewtext.hwp",
        "licence": "MIT",
        "what": "distribution document (배포용)",
        "fixture": True,
    },
    {
        "name": "hwplib-distribution-notice.hwp",
        "repo": "neolord0/hwplib",
        "path": "sample_hwp/distribution.hwp",
        "licence": "Apache-2.0",
        "what": "real welfare-centre notice, distribution document (배포용)",
        "fixture": True,
    },
    {
        "name": "hwpjs-noori.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/noori.hwp",
        "licence": "MIT",
        "what": "real MSIT press release (2018), tables, images",
    },
    {
        "name": "hwpjs-software.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/software.hwp",
        "licence": "MIT",
        "what": "real contest application form",
    },
    {
        "name": "hwpjs-sample-5017.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/sample-5017.hwp",
        "licence": "MIT",
        "what": "Hancom's Hangul 2005 sample",
    },
    {
        "name": "hwpjs-multicolumns.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/multicolumns.hwp",
        "licence": "MIT",
        "what": "multi-column layout",
    },
    {
        "name": "hwpjs-selfintroduce.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/selfintroduce.hwp",
        "licence": "MIT",
        "what": "self-introduction form",
    },
    {
        "name": "hwpjs-chart.hwp",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/chart.hwp",
        "licence": "MIT",
        "what": "exam sheet with table and chart",
    },
    {
        "name": "hwplib-finding-all-field.hwp",
        "repo": "neolord0/hwplib",
        "path": "sample_hwp/finding-all-field.hwp",
        "licence": "Apache-2.0",
        "what": "essay text with fields",
    },
    {
        "name": "hwplib-getting-clickhere-text.hwp",
        "repo": "neolord0/hwplib",
        "path": "sample_hwp/getting_clickhere_text.hwp",
        "licence": "Apache-2.0",
        "what": "form with click-here fields",
    },
    {
        "name": "hwplib-merging-cell.hwp",
        "repo": "neolord0/hwplib",
        "path": "sample_hwp/merging-cell.hwp",
        "licence": "Apache-2.0",
        "what": "merged table cells",
    },
    # HWPX
    {
        "name": "hwpjs-table-bug.hwpx",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/table-bug.hwpx",
        "licence": "MIT",
        "what": "the .hwp above saved as HWPX",
        "fixture": True,
    },
    {
        "name": "hwpjs-footnote-endnote.hwpx",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/footnote-endnote.hwpx",
        "licence": "MIT",
        "what": "footnotes and endnotes",
        "fixture": True,
    },
    {
        "name": "hwpjs-password-12345.hwpx",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/password-12345.hwpx",
        "licence": "MIT",
        "what": "password-protected",
        "fixture": True,
    },
    {
        "name": "hwpxlib-ulsan-namgu-notice.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20240626/no_manifest.hwpx",
        "licence": "Apache-2.0",
        "what": "real legislative notice (울산 남구), two sections, no manifest",
        "fixture": True,
    },
    {
        "name": "hwpxlib-gangnam-notice.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20230413/test.hwpx",
        "licence": "Apache-2.0",
        "what": "real public notice (강남구), table",
        "fixture": True,
    },
    {
        "name": "hwpjs-noori.hwpx",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/noori.hwpx",
        "licence": "MIT",
        "what": "real MSIT press release as HWPX",
    },
    {
        "name": "hwpjs-sample-5017.hwpx",
        "repo": "ohah/hwpjs",
        "path": "crates/hwp-core/tests/fixtures/sample-5017.hwpx",
        "licence": "MIT",
        "what": "Hancom's sample as HWPX",
    },
    {
        "name": "hwpxlib-mcst-press.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20241104/mot.hwpx",
        "licence": "Apache-2.0",
        "what": "real MCST press release (2024)",
    },
    {
        "name": "hwpxlib-open-data-standard.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20230818/test.hwpx",
        "licence": "Apache-2.0",
        "what": "real open-data standard, long tables",
    },
    {
        "name": "hwpxlib-rfp.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20230728/test.hwpx",
        "licence": "Apache-2.0",
        "what": "real request for proposals, three sections",
    },
    {
        "name": "hwpxlib-led-news.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/error/20230809/test.hwpx",
        "licence": "Apache-2.0",
        "what": "news article",
    },
    {
        "name": "hwpxlib-multipara-news.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/tool/textextractor/multipara.hwpx",
        "licence": "Apache-2.0",
        "what": "news article, many paragraphs",
    },
    {
        "name": "hwpxlib-table.hwpx",
        "repo": "neolord0/hwpxlib",
        "path": "testFile/tool/textextractor/Table.hwpx",
        "licence": "Apache-2.0",
        "what": "grade table",
    },
    # DOCX
    {
        "name": "pypandoc-hwpx-test.docx",
        "repo": "msjang/pypandoc-hwpx",
        "path": "tests/test.docx",
        "licence": "MIT",
        "what": "Korean headings, lists, footnote, tables (pandoc)",
        "fixture": True,
    },
    {
        "name": "msoffcrypto-example-password.docx",
        "repo": "nolze/msoffcrypto-tool",
        "path": "tests/inputs/example_password.docx",
        "licence": "MIT",
        "what": "password-encrypted DOCX",
        "fixture": True,
    },
    {
        "name": "md2docx-reference-reg.docx",
        "repo": "kimghw/md2docx",
        "path": "references/templates/reference_reg.docx",
        "licence": "none stated (measurement only)",
        "what": "Korean ship-class rule excerpt",
    },
    {
        "name": "docx2python-example.docx",
        "repo": "ShayHill/docx2python",
        "path": "tests/resources/example.docx",
        "licence": "MIT",
        "what": "footnotes, endnotes, tables, images",
    },
    {
        "name": "docx2python-paragraphs_and_tables.docx",
        "repo": "ShayHill/docx2python",
        "path": "tests/resources/paragraphs_and_tables.docx",
        "licence": "MIT",
        "what": "paragraphs and tables",
    },
    {
        "name": "docx2python-merged_cells.docx",
        "repo": "ShayHill/docx2python",
        "path": "tests/resources/merged_cells.docx",
        "licence": "MIT",
        "what": "merged cells",
    },
    {
        "name": "docx2python-libreoffice_conversion.docx",
        "repo": "ShayHill/docx2python",
        "path": "tests/resources/libreoffice_conversion.docx",
        "licence": "MIT",
        "what": "long Chinese contract (LibreOffice)",
    },
    {
        "name": "docx2python-comments.docx",
        "repo": "ShayHill/docx2python",
        "path": "tests/resources/comments.docx",
        "licence": "MIT",
        "what": "comments",
    },
    {
        "name": "python-docx-test.docx",
        "repo": "python-openxml/python-docx",
        "path": "tests/test_files/test.docx",
        "licence": "MIT",
        "what": "basic document",
    },
]

# Candidate libraries: PyPI name, licence (from the wheel's metadata), formats tried.
CANDIDATES: dict[str, dict[str, object]] = {
    "clusterqa": {
        "pypi": "(this repo: python-hwpx / python-docx + block walker)",
        "licence": "MIT",
        "formats": ["hwp", "hwpx", "docx"],
    },
    "python-hwpx": {
        "pypi": "python-hwpx 6.9.0",
        "licence": "Apache-2.0",
        "formats": ["hwp", "hwpx"],
    },
    "hwp-hwpx-parser": {
        "pypi": "hwp-hwpx-parser 1.0.0",
        "licence": "Apache-2.0",
        "formats": ["hwp", "hwpx"],
    },
    "hwpkit": {"pypi": "hwpkit 1.0.0", "licence": "MIT", "formats": ["hwp", "hwpx"]},
    "extract-hwp": {
        "pypi": "extract-hwp 0.2.1",
        "licence": "BSD-3-Clause",
        "formats": ["hwp", "hwpx"],
    },
    "hwp2yaml": {"pypi": "hwp2yaml 0.6.1", "licence": "MIT", "formats": ["hwp"]},
    "gethwp": {"pypi": "gethwp 1.1.1", "licence": "MIT", "formats": ["hwp", "hwpx"]},
    "unhwp": {
        "pypi": "unhwp 0.23.1 (bundled native library)",
        "licence": "MIT",
        "formats": ["hwp", "hwpx"],
    },
    "rhwp-python": {
        "pypi": "rhwp-python 0.8.1 (Rust, PyO3)",
        "licence": "MIT",
        "formats": ["hwp", "hwpx"],
    },
    "hwpforge": {
        "pypi": "hwpforge 0.18.0 (Rust, PyO3)",
        "licence": "MIT OR Apache-2.0",
        "formats": ["hwp", "hwpx"],
    },
    "hwplib-py": {"pypi": "hwplib-py 1.0.0", "licence": "Apache-2.0", "formats": ["hwp"]},
    "python-docx": {
        "pypi": "python-docx 1.2.0 (paragraph text only)",
        "licence": "MIT",
        "formats": ["docx"],
    },
    "docx2python": {"pypi": "docx2python 3.7.1", "licence": "MIT", "formats": ["docx"]},
    "mammoth": {"pypi": "mammoth 1.13.0", "licence": "BSD-2-Clause", "formats": ["docx"]},
}
NOT_TRIED = {
    "pyhwp": "AGPL-3.0: excluded by licence (the product is MIT)",
    "hwpers": "0.4.0 requires Python >= 3.12 (the project runs 3.11)",
}

_HANGUL = re.compile(r"[가-힣]")
_LETTER = re.compile(r"[^\W\d_]")


def _clusterqa(path: Path) -> str:
    # The parser modules themselves, not the registry: it would import every other format's.
    from clusterqa.parsers.docx import DocxParser
    from clusterqa.parsers.hwp import HwpParser
    from clusterqa.parsers.hwpx import HwpxParser

    parser = {".hwp": HwpParser, ".hwpx": HwpxParser, ".docx": DocxParser}[path.suffix]()
    doc = parser.parse(path.read_bytes(), path.stem, path.name)
    return "\n\n".join(page.text for page in doc.pages)


def _python_hwpx(path: Path) -> str:
    from hwpx import HwpxDocument
    from hwpx.tools.text_extractor import AnnotationOptions, TextExtractor

    data = path.read_bytes()
    if path.suffix == ".hwp":  # the library's own HWP 5 -> HWPX conversion
        from hwpx.hwp5.package import convert, to_hwpx_bytes

        data = to_hwpx_bytes(convert(data).files)
    else:
        HwpxDocument.open(data)  # its refusals (encryption, structure) as the library reports
    notes = AnnotationOptions(footnote="inline", endnote="inline")
    with TextExtractor(zipfile.ZipFile(io.BytesIO(data))) as ex:
        return ex.extract_text(object_behavior="nested", annotations=notes)


def _hwp_hwpx_parser(path: Path) -> str:
    from hwp_hwpx_parser import Reader

    with Reader(path) as reader:
        result = reader.extract_text_with_notes()
        notes = [n.text for n in (result.footnotes + result.endnotes)]
        return "\n".join([result.text, *notes])


def _hwpkit(path: Path) -> str:
    import hwpkit

    return hwpkit.extract_text_from_file(str(path))


def _extract_hwp(path: Path) -> str:
    import extract_hwp

    result = extract_hwp.extract_text_from_hwp(str(path))
    text, error = result if isinstance(result, tuple) else (result, None)
    if error:
        raise RuntimeError(error)
    return text


def _hwp2yaml(path: Path) -> str:
    import hwp2yaml

    return hwp2yaml.extract_hwp_text(str(path)).text


def _gethwp(path: Path) -> str:
    import gethwp

    return gethwp.read_hwp(str(path)) if path.suffix == ".hwp" else gethwp.read_hwpx(str(path))


def _unhwp(path: Path) -> str:
    import unhwp

    return unhwp.extract_text(str(path))


def _rhwp(path: Path) -> str:
    import rhwp

    return rhwp.Document.from_bytes(path.read_bytes()).extract_text()


def _hwpforge(path: Path) -> str:
    import hwpforge

    if path.suffix == ".hwp":
        doc = hwpforge.convert_hwp5(path.read_bytes()).document
    else:
        doc = hwpforge.Document.open(str(path))
    return doc.to_md(mode="lossy").text


def _hwplib_py(path: Path) -> str:
    from hwplib.hwp5.api import load

    return load(str(path)).get_text()


def _python_docx(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _docx2python(path: Path) -> str:
    from docx2python import docx2python

    with docx2python(str(path)) as doc:
        return doc.text


def _mammoth(path: Path) -> str:
    import mammoth

    with path.open("rb") as handle:
        return mammoth.extract_raw_text(handle).value


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "clusterqa": _clusterqa,
    "python-hwpx": _python_hwpx,
    "hwp-hwpx-parser": _hwp_hwpx_parser,
    "hwpkit": _hwpkit,
    "extract-hwp": _extract_hwp,
    "hwp2yaml": _hwp2yaml,
    "gethwp": _gethwp,
    "unhwp": _unhwp,
    "rhwp-python": _rhwp,
    "hwpforge": _hwpforge,
    "hwplib-py": _hwplib_py,
    "python-docx": _python_docx,
    "docx2python": _docx2python,
    "mammoth": _mammoth,
}


def preview_text(path: Path) -> str:
    """The preview Hangul writes into the file itself: PrvText (HWP) or Preview/PrvText.txt."""
    data = path.read_bytes()
    try:
        if path.suffix == ".hwp":
            from hwpx.hwp5.cfb import CompoundFile

            compound = CompoundFile(data)
            if compound.has_stream("PrvText"):
                return compound.read("PrvText").decode("utf-16-le", "replace")
        elif path.suffix == ".hwpx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return archive.read("Preview/PrvText.txt").decode("utf-8", "replace")
    except Exception:  # a protected or broken file has no usable preview
        return ""
    return ""


def recall(reference: str, text: str) -> float | None:
    """Share of the reference's Hangul (or letters, where it has no Hangul) found in `text`."""
    pattern = _HANGUL if _HANGUL.search(reference) else _LETTER
    want = Counter(pattern.findall(reference))
    if not want:
        return None
    got = Counter(pattern.findall(text))
    return round(sum(min(n, got[ch]) for ch, n in want.items()) / sum(want.values()), 3)


# The import name of each candidate, to tell "not installed" from a broken install.
_MODULES = {
    "clusterqa": "clusterqa",
    "python-hwpx": "hwpx",
    "hwp-hwpx-parser": "hwp_hwpx_parser",
    "hwpkit": "hwpkit",
    "extract-hwp": "extract_hwp",
    "hwp2yaml": "hwp2yaml",
    "gethwp": "gethwp",
    "unhwp": "unhwp",
    "rhwp-python": "rhwp",
    "hwpforge": "hwpforge",
    "hwplib-py": "hwplib",
    "python-docx": "docx",
    "docx2python": "docx2python",
    "mammoth": "mammoth",
}


def _run(name: str, path: str, queue: multiprocessing.Queue) -> None:
    try:
        EXTRACTORS[name](Path(path))  # warm-up: imports and first-use setup are not timed
        start = time.perf_counter()
        text = EXTRACTORS[name](Path(path))
        if not isinstance(text, str):
            raise TypeError(f"returned {type(text).__name__}, not text")
        queue.put(("ok", text, time.perf_counter() - start))
    except ModuleNotFoundError as exc:
        # The package itself missing is "not installed"; a module missing inside it, a bug.
        status = "not installed" if exc.name == _MODULES.get(name) else "error"
        queue.put((status, f"ModuleNotFoundError: {exc}", 0.0))
    except BaseException as exc:  # a library's failure is a result here, whatever its type
        queue.put(("error", f"{type(exc).__name__}: {exc}"[:300], 0.0))


def measure(name: str, path: Path) -> tuple[str, str, float]:
    """Run one extractor in a child process, so a crash or a hang costs only that cell."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_run, args=(name, str(path), queue))
    child.start()
    child.join(TIMEOUT_S)
    if child.is_alive():
        child.kill()
        child.join()
        return "error", f"timeout after {TIMEOUT_S} s", float(TIMEOUT_S)
    if queue.empty():
        return "error", f"process died (exit code {child.exitcode})", 0.0
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extra-dir", type=Path, default=Path("/tmp/office-samples"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    rows = []
    for sample in SAMPLES:
        name = str(sample["name"])
        path = FIXTURES / name if sample.get("fixture") else args.extra_dir / name
        kind = path.suffix.lstrip(".")
        row: dict[str, object] = {**sample, "format": kind, "results": {}}
        if not path.exists():
            row["missing"] = True
            rows.append(row)
            continue
        row["bytes"] = path.stat().st_size
        texts: dict[str, str] = {}
        for lib, info in CANDIDATES.items():
            if kind not in info["formats"]:  # type: ignore[operator]
                continue
            status, payload, seconds = measure(lib, path)
            result: dict[str, object] = {"status": status, "seconds": round(seconds, 3)}
            if status == "ok":
                texts[lib] = payload
                result["chars"] = len(payload)
                result["hangul"] = len(_HANGUL.findall(payload))
            else:
                result["error"] = payload
            row["results"][lib] = result  # type: ignore[index]
            print(f"{name:42} {lib:16} {status:13} {result.get('chars', '')}", flush=True)
        # The reference: the file's own preview, or for DOCX a second extractor (mammoth).
        if kind in ("hwp", "hwpx"):
            reference, row["reference"] = preview_text(path), "PrvText"
        else:
            reference, row["reference"] = texts.get("mammoth", ""), "mammoth"
        row["reference_hangul"] = len(_HANGUL.findall(reference))
        for lib, text in texts.items():
            if reference and not (kind == "docx" and lib == "mammoth"):
                row["results"][lib]["agreement"] = recall(reference, text)  # type: ignore[index]
            if kind == "docx" and lib == "mammoth" and "clusterqa" in texts:
                row["results"][lib]["agreement"] = recall(texts["clusterqa"], text)  # type: ignore[index]
        rows.append(row)

    summary: dict[str, dict[str, object]] = {}
    for lib in CANDIDATES:
        cells = [r["results"][lib] for r in rows if lib in r.get("results", {})]  # type: ignore[operator]
        ok = [c for c in cells if c["status"] == "ok"]
        agreements = [c["agreement"] for c in ok if c.get("agreement") is not None]
        summary[lib] = {
            "tried": len(cells),
            "ok": len(ok),
            "errors": len([c for c in cells if c["status"] == "error"]),
            "not_installed": len([c for c in cells if c["status"] == "not installed"]),
            "mean_agreement": round(sum(agreements) / len(agreements), 3) if agreements else None,
            "total_seconds": round(sum(float(c["seconds"]) for c in cells), 2),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "python": platform.python_version(),
        "candidates": CANDIDATES,
        "not_tried": NOT_TRIED,
        "summary": summary,
        "samples": rows,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
