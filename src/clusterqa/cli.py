"""The `clusterqa` command: thin wrappers that turn arguments into library calls."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tomllib
from pathlib import Path

from pydantic import ValidationError

from clusterqa.answering.answer import ask
from clusterqa.answering.claims import cite
from clusterqa.config import CONFIG_FILE, Settings
from clusterqa.errors import ClusterQAError
from clusterqa.ingest import ingest, remove
from clusterqa.models import Citation
from clusterqa.retrieval.factory import RETRIEVERS
from clusterqa.search import Searcher, check_query
from clusterqa.store import Snapshot, load


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _snippet(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    paths = args.paths or [settings.corpus_dir]
    report = ingest(paths, settings, rebuild=args.rebuild, progress=not args.quiet)
    if args.json:
        _print_json(report.model_dump())
    else:
        for label in ("added", "updated", "removed"):
            if ids := getattr(report, label):
                print(f"{label}: {', '.join(ids)}")
        print(f"unchanged: {len(report.unchanged)}")
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        for failure in report.failed:
            print(f"error: {failure.error}", file=sys.stderr)
        print(
            f"index: {report.documents} documents, {report.chunks} chunks in {settings.index_dir}"
        )
    return 1 if report.failed else 0


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    snapshot = load(settings.index_dir)
    rows = [
        {"doc_id": d, "title": e.title, "chunks": e.chunks, "path": e.path}
        for d, e in snapshot.manifest.documents.items()
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['doc_id']}  {row['chunks']:4d} chunks  {row['title']}")
    return 0


def _where(c: Citation) -> str:
    """Where a citation points, for people: page or section, OCR, document and offsets."""
    place = c.location or f"p.{c.page or '-'}"
    if c.ocr:
        place += f" OCR {c.ocr_confidence or 0:.0f}%"
    return f"{place}, {c.doc_id} {c.start}-{c.end}"


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    check_query(args.query, settings.max_query_chars)  # before the slow model load
    searcher = Searcher.open(settings, args.retriever)
    hits = searcher.search(args.query, args.k)
    if args.json:
        bridges = searcher.bridged_terms(args.query, hits)
        _print_json(
            [
                searcher.citation(h).model_dump() | {"ranks": h.ranks, "bridge": bridge}
                for h, bridge in zip(hits, bridges, strict=True)
            ]
        )
        return 0
    if not hits:
        print("no matching passages: none of the query's words occur in the indexed documents")
    for rank, hit in enumerate(hits, start=1):
        c = searcher.citation(hit)
        print(f"{rank}. [{_where(c)}] {c.title}  ({c.score:.4f})")
        print(f"   {_snippet(c.quote)}")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    check_query(args.question, settings.max_query_chars)
    searcher = Searcher.open(settings, args.retriever)
    response = ask(searcher, args.question, args.k)
    if args.json:
        _print_json(response.model_dump())
        return 0
    if response.answer:
        a = response.answer
        value = f"{a.value} {a.unit or ''}".strip()
        print(f"answer: {a.text}  ({a.type}: {value}, confidence {a.confidence})")
    elif response.abstained:
        print(f"not found in these documents: {response.reason}")
    for d in response.disagreements:
        c = d.citation
        print(f"disagrees: {d.text} in {c.title} ({_where(c)})")
        print(f"    {_snippet(c.quote, 300)}")
    for i, c in enumerate(response.citations, start=1):
        print(f"[{i}] {c.title} ({_where(c)})")
        print(f"    {_snippet(c.quote, 300)}")
    return 0


def cmd_cite(args: argparse.Namespace, settings: Settings) -> int:
    check_query(args.claim, settings.max_query_chars)
    response = cite(Searcher.open(settings, args.retriever), args.claim, args.k or settings.top_k)
    if args.json:
        _print_json(response.model_dump())
        return 0
    print(f"verdict: {response.verdict}")
    for i, src in enumerate(response.sources, start=1):
        c = src.citation
        print(f"[{i}] {src.label:<11} {c.title} ({_where(c)})")
        print(f"    {_snippet(c.quote, 300)}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    removed = remove(args.doc_ids, settings)
    missing = sorted(set(args.doc_ids) - set(removed))
    print(f"removed: {', '.join(removed) or '-'}")
    if missing:
        print(f"error: not in the index: {', '.join(missing)}", file=sys.stderr)
    return 1 if missing else 0


def _bench(args: argparse.Namespace, settings: Settings, snapshot: Snapshot, run) -> int:
    """Run `run(searcher)` once per requested retriever over one snapshot, side by side."""
    from clusterqa.evaluation.report import summary_line, write_report

    names = args.retriever or [settings.retriever]
    lines = []
    for name in names:
        report = run(Searcher(snapshot, settings, name))
        report["config"] = settings.model_dump(mode="json") | {"retriever": name}
        if args.out:
            write_report(report, args.out / name if len(names) > 1 else args.out)
        lines.append(f"{name:>7}: {summary_line(report)}")
    print("\n".join(lines))
    return 0


def cmd_bench_gold(args: argparse.Namespace, settings: Settings) -> int:
    from clusterqa.evaluation.bench import run_gold
    from clusterqa.evaluation.gold import load_gold

    items = load_gold(args.files)
    return _bench(
        args, settings, load(settings.index_dir), lambda s: run_gold(items, s, not args.quiet)
    )


def cmd_bench_set(args: argparse.Namespace, settings: Settings) -> int:
    from clusterqa.evaluation.bench import index_corpus, run_retrieval_set
    from clusterqa.evaluation.datasets import load_beir, load_squad

    data = load_beir(args.path) if args.dataset == "beir" else load_squad(args.path, args.split)
    if args.max_queries:
        data.queries = dict(list(data.queries.items())[: args.max_queries])
    snapshot = index_corpus(data, settings, progress=not args.quiet)
    return _bench(args, settings, snapshot, lambda s: run_retrieval_set(data, s, not args.quiet))


def cmd_bench_compare(args: argparse.Namespace, settings: Settings) -> int:
    from clusterqa.evaluation.report import compare

    a, b = (json.loads((d / "report.json").read_text("utf-8")) for d in (args.a, args.b))
    print(compare(a, b))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    # The app loads (and verifies) the index here, before uvicorn starts: a damaged or missing
    # index is a clear error and a non-zero exit, not a traceback from a failed start-up.
    app = create_app(settings)
    print(f"serving http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusterqa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or refresh documents in the index")
    p.add_argument("paths", nargs="*", type=Path, help="files or directories (default: corpus/)")
    p.add_argument("--rebuild", action="store_true", help="re-process every document")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="list indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("serve", help="serve the HTTP API and web page")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("remove", help="delete documents from the index")
    p.add_argument("doc_ids", nargs="+")
    p.set_defaults(func=cmd_remove)

    commands = (
        ("search", cmd_search, "query"),
        ("ask", cmd_ask, "question"),
        ("cite", cmd_cite, "claim"),
    )
    for name, func, arg in commands:
        p = sub.add_parser(name, help=f"{name}: {arg} → cited passages")
        p.add_argument(arg)
        p.add_argument("-k", type=int, default=None, help="number of passages")
        p.add_argument("--retriever", choices=RETRIEVERS, default=None)
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)

    bench = sub.add_parser("bench", help="run a benchmark").add_subparsers(
        dest="dataset", required=True
    )
    gold = bench.add_parser("gold", help="gold questions (corpus/gold/*.jsonl schema)")
    gold.add_argument("files", nargs="+", type=Path)
    gold.set_defaults(func=cmd_bench_gold)
    beir = bench.add_parser("beir", help="a BEIR directory, indexed into a temporary index")
    squad = bench.add_parser("squad", help="SQuAD/KorQuAD 1.0 JSON; paragraphs are the corpus")
    for p in (beir, squad):
        p.add_argument("path", type=Path)
        p.add_argument("--max-queries", type=int, default=None, help="only the first N")
        p.set_defaults(func=cmd_bench_set)
    squad.add_argument(
        "--split",
        choices=["eval", "train", "all"],
        default="all",
        help="articles by the reader's split (sorted titles; every third is eval)",
    )
    for p in (gold, beir, squad):
        p.add_argument(
            "--retriever",
            choices=RETRIEVERS,
            nargs="+",
            default=None,
            help="one or more; several run side by side on one index (ablation)",
        )
        p.add_argument("--out", type=Path, default=None, help="write report.json, .md and plot")
        p.add_argument("--quiet", action="store_true")
    p = bench.add_parser("compare", help="metric deltas and flipped queries between two runs")
    p.add_argument("a", type=Path, help="directory with report.json")
    p.add_argument("b", type=Path)
    p.set_defaults(func=cmd_bench_compare)
    return parser


def _config_problems(exc: Exception) -> str:
    if not isinstance(exc, ValidationError):
        return f"{CONFIG_FILE}: {exc}"
    problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return "; ".join(problems) + f" (set by CLUSTERQA_* variables or {CONFIG_FILE})"


def _interrupted(signum: int, frame: object) -> None:
    print("interrupted; the previous index is intact", file=sys.stderr, flush=True)
    os._exit(130)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except (ValidationError, tomllib.TOMLDecodeError) as exc:
        print(f"error: invalid configuration: {_config_problems(exc)}", file=sys.stderr)
        return 2
    # Ctrl-C ends the process at once, as a kill would (every write is atomic, so that is
    # safe): a KeyboardInterrupt raised inside a native library can be swallowed there.
    signal.signal(signal.SIGINT, _interrupted)
    try:
        return args.func(args, settings)
    except ClusterQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (`| head`) closed the pipe early: not a failure. Point stdout at /dev/null
        # so that Python's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
