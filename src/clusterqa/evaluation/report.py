"""Benchmark reports on disk (JSON, Markdown, a recall@k plot) and comparison of two runs."""

from __future__ import annotations

import json
from pathlib import Path

HEADLINE = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def summary_line(report: dict) -> str:
    r = report["retrieval"]
    parts = [f"{report['dataset']} n={report['n_queries']}"]
    parts += [f"{m}={r[m]}" for m in HEADLINE if r.get(m) is not None]
    for section, key in (
        ("facts", "accuracy"),
        ("facts", "em"),
        ("facts", "f1"),
        ("abstention", "f1"),
    ):
        if report.get(section) and report[section].get(key) is not None:
            parts.append(f"{section}.{key}={report[section][key]}")
    lat = report["latency_ms"]
    return " ".join(parts) + f" latency p50={lat['p50']}ms p95={lat['p95']}ms"


def _table(rows: dict[str, dict], columns: tuple[str, ...]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        cells = [str(row.get(c, "")) for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _markdown(report: dict) -> str:
    out = [f"# Benchmark: {report['dataset']}", "", f"Queries: {report['n_queries']}", ""]
    out += ["## Retrieval", "", _table({"all": report["retrieval"]}, (*HEADLINE, "n")), ""]
    for key, groups in report.get("breakdown", {}).items():
        columns = (*HEADLINE, "n", "facts_accuracy", "facts_f1")
        out += [f"### By {key}", "", _table(groups, columns), ""]
    for section in ("facts", "facts_given_passage", "abstention"):
        if report.get(section):
            out += [f"## {section}", "", _table({"": report[section]}, tuple(report[section])), ""]
    out += ["## Latency (ms)", "", _table({"": report["latency_ms"]}, ("p50", "p95")), ""]
    out += ["![recall@k](recall_at_k.png)", ""]
    return "\n".join(out)


def _plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, values in report["recall_curve"].items():
        ks = range(1, len(values) + 1)
        ax.plot(
            ks, values, marker="o", markersize=3, label=name, linewidth=2.5 if name == "all" else 1
        )
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(range(1, 21))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{report['dataset']}: recall@k ({report['config'].get('retriever', '')})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    (out / "report.md").write_text(_markdown(report), "utf-8")
    _plot(report, out / "recall_at_k.png")


def compare(a: dict, b: dict) -> str:
    """Metric deltas from run A to run B, and the queries whose first-hit rank flipped."""
    lines = [
        f"A: {a['dataset']} {a['config'].get('retriever')}  B: {b['dataset']} "
        f"{b['config'].get('retriever')}"
    ]
    for section in ("retrieval", "facts", "abstention"):
        for metric, va in (a.get(section) or {}).items():
            vb = (b.get(section) or {}).get(metric)
            if isinstance(va, int | float) and isinstance(vb, int | float) and metric != "n":
                lines.append(f"{section}.{metric}: {va} -> {vb} ({vb - va:+.4f})")
    # Per query language (gold sets): the fusion weights differ by it, so a change can help one
    # language and hurt the other.
    groups_b = (b.get("breakdown") or {}).get("language", {})
    for group, ra in ((a.get("breakdown") or {}).get("language") or {}).items():
        rb = groups_b.get(group) or {}
        for metric in HEADLINE:
            va, vb = ra.get(metric), rb.get(metric)
            if isinstance(va, int | float) and isinstance(vb, int | float):
                delta = f"{va} -> {vb} ({vb - va:+.4f})"
                lines.append(f"retrieval[{group}, n={ra['n']}].{metric}: {delta}")
    ranks_b = {q["id"]: q for q in b["per_query"]}
    gained, lost = [], []
    for q in a["per_query"]:
        other = ranks_b.get(q["id"])
        if other is None:
            continue
        hit_a = q["first_relevant_rank"] is not None and q["first_relevant_rank"] <= 5
        hit_b = other["first_relevant_rank"] is not None and other["first_relevant_rank"] <= 5
        if hit_a != hit_b:
            (gained if hit_b else lost).append(
                f"{q['id']}: rank {q['first_relevant_rank']} -> {other['first_relevant_rank']}"
            )
        if "correct" in q and "correct" in other and q["correct"] != other["correct"]:
            (gained if other["correct"] else lost).append(
                f"{q['id']}: fact correct {q['correct']} -> {other['correct']}"
            )
    lines.append(f"flipped into top 5 / correct in B ({len(gained)}):")
    lines += [f"  + {x}" for x in gained]
    lines.append(f"flipped out of top 5 / wrong in B ({len(lost)}):")
    lines += [f"  - {x}" for x in lost]
    return "\n".join(lines)
