"""The trained reader: a question read against passage windows, answer spans with scores.

The model (e5-small with LoRA adapters, a start/end span head and an answerability head) was
trained by `clusterqa.training.reader` and ships inside the package as a few MB of adapter
weights (`reader_model/`, model card there). At first use it is merged into the base model and
exported once into the model cache as an ONNX graph, with an int8-quantised copy
(`clusterqa.training.export`, the only step that needs torch); serving runs the quantised graph
with ONNX Runtime.

`encode_windows` and `best_spans` are shared with training, so the windows the model learned on
are the windows it reads.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from clusterqa.embedders.table import load_table
from clusterqa.embedders.tokenizer import SharedTokenizer, load_tokenizer
from clusterqa.embedders.tokenizer import pad as pad_ids
from clusterqa.errors import ClusterQAError

MODEL_DIR = Path(__file__).parent / "reader_model"


@dataclass(frozen=True)
class WindowConfig:
    max_length: int = 256  # tokens per window: question, passage and special tokens
    stride: int = 96  # tokens shared by neighbouring windows of one passage
    max_question_chars: int = 200
    # Fewer than max_length - stride - 4 special tokens, so every window has more passage than
    # the stride (a long question otherwise makes the tokenizer fail).
    max_question_tokens: int = 64
    max_answer_tokens: int = 30
    top_n: int = 20  # start and end candidates per window


@dataclass(frozen=True)
class Window:
    input_ids: list[int]
    offsets: list[tuple[int, int] | None]  # passage characters of each token (None: not passage)


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the passage
    end: int
    score: float  # start + end logit
    answerable: float  # the window's answerability logit


def encode_windows(
    tokenizer: SharedTokenizer, question: str, passage: str, cfg: WindowConfig
) -> list[Window]:
    """Overlapping windows of `passage`, each read together with the question: the cuts that
    `tokenizers` makes for a pair truncated "only_second" with a stride, as in training."""
    question = question[: cfg.max_question_chars]
    q_ids, offsets = tokenizer.tokenize(question)
    if len(q_ids) > cfg.max_question_tokens:
        q_ids, _ = tokenizer.tokenize(question[: offsets[cfg.max_question_tokens - 1][1]])
    p_ids, p_offsets = tokenizer.tokenize(passage)
    bos, eos = tokenizer.bos_id, tokenizer.eos_id
    head = [bos, *q_ids, eos, eos]
    room = cfg.max_length - len(head) - 1
    windows = []
    for start in range(0, max(len(p_ids), 1), room - cfg.stride):
        stop = min(start + room, len(p_ids))
        kept = [o if o[1] > o[0] else None for o in p_offsets[start:stop]]
        windows.append(Window([*head, *p_ids[start:stop], eos], [None] * len(head) + kept + [None]))
        if stop == len(p_ids):
            break
    return windows


def pad(windows: list[Window], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """input_ids and attention_mask for a batch of windows, padded to the longest."""
    return pad_ids([w.input_ids for w in windows], pad_id)


def best_spans(
    window: Window, start_logits: np.ndarray, end_logits: np.ndarray, answerable: float,
    cfg: WindowConfig, limit: int = 5,
) -> list[Span]:  # fmt: skip
    """The window's best passage spans by start + end logit, at most `limit`."""
    valid = np.array([o is not None for o in window.offsets])
    n = len(window.offsets)
    starts = np.where(valid, start_logits[:n], -np.inf)
    ends = np.where(valid, end_logits[:n], -np.inf)
    top_starts = np.argsort(-starts)[: cfg.top_n]
    top_ends = np.argsort(-ends)[: cfg.top_n]
    found: list[Span] = []
    for s in top_starts:
        if not valid[s]:
            continue
        for e in top_ends:
            if not valid[e] or e < s or e - s >= cfg.max_answer_tokens:
                continue
            first, last = window.offsets[s], window.offsets[e]
            found.append(Span(first[0], last[1], float(starts[s] + ends[e]), answerable))
    found.sort(key=lambda sp: -sp.score)
    return found[:limit]


class Reader:
    """The exported reader graph under ONNX Runtime."""

    def __init__(self, directory: Path, graph: str = "reader.int8.onnx", threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.enable_cpu_mem_arena = False  # as the embedder: an arena keeps its peak batch
        try:
            self._session = ort.InferenceSession(
                str(directory / graph), options, providers=["CPUExecutionProvider"]
            )
            meta = json.loads((directory / "reader.json").read_text("utf-8"))
            self.cfg = WindowConfig(**meta["windows"])
            self.tokenizer = load_tokenizer(directory)
            self._table = load_table(directory, quantized=".int8." in graph)
        except Exception as exc:
            raise ClusterQAError(f"cannot load the reader model {directory}: {exc}") from exc
        # Runs beyond the cores only wait for the CPU, each holding its batch's activations
        # (tens of MB): concurrent requests take turns instead.
        cores = len(os.sched_getaffinity(0))
        per_run = threads if threads > 0 else cores  # 0: ONNX Runtime takes every core
        self._slots = threading.BoundedSemaphore(max(1, cores // per_run))

    def logits(self, windows: list[Window]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ids, mask = pad(windows, self.tokenizer.pad_id)
        inputs = {"inputs_embeds": self._table.lookup(ids), "attention_mask": mask}
        with self._slots:
            start, end, answerable = self._session.run(None, inputs)
        return start, end, answerable

    def read(self, question: str, passages: list[str]) -> list[list[Span]]:
        """The best spans of each passage, best first (offsets into that passage).

        One window per run: dynamic int8 quantisation scales activations over the whole
        padded batch, so batched windows would change each other's spans (and pay for the
        padding); alone, a window's spans depend on it only (benchmarks/experiments/README.md)."""
        spans: list[list[Span]] = []
        for text in passages:
            found: list[Span] = []
            for window in encode_windows(self.tokenizer, question, text, self.cfg):
                start, end, answerable = self.logits([window])
                found += best_spans(window, start[0], end[0], float(answerable[0]), self.cfg)
            found.sort(key=lambda sp: -sp.score)
            spans.append(found)
        return spans


@lru_cache(maxsize=2)
def load_reader(cache_dir: Path, threads: int = 1) -> Reader:
    """The reader, exported into `cache_dir` on first use; one per process."""
    from clusterqa.training.export import ensure_reader_graph

    return Reader(ensure_reader_graph(MODEL_DIR, cache_dir), threads=threads)
