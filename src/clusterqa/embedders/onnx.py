"""Embedder that runs a sentence-transformers model as an ONNX graph with ONNX Runtime.

The whole model (encoder, pooling, normalisation) is traced once with torch.onnx into the cache
and then served without PyTorch: for one short query on a small CPU, ONNX Runtime is about three
times faster than PyTorch eager mode, which is what bounds `/ask` latency under load. The vectors
are the model's own (parity with sentence-transformers is tested).

Queries may run an int8 copy of the graph (dynamic quantisation, one scale per weight column):
half the time of the float graph for a short query, which is most of a `/search`, at a cosine of
about 0.996 to the float vector (gold retrieval in benchmarks/experiments/README.md). Passages
always run the float graph, so stored vectors do not depend on the setting.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from clusterqa.embedders.cache import is_complete, publish, staging_dir
from clusterqa.embedders.table import load_table, save_table
from clusterqa.embedders.tokenizer import load_tokenizer, pad, write_sentencepiece
from clusterqa.errors import ClusterQAError

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

# Bump when the exported files change, so caches written by older code are rebuilt.
# 2: token embedding table outside the graph; 3: SentencePiece files; 4: the int8 query graph
_EXPORT_VERSION = 4
_MARKER = "clusterqa-onnx.json"
_GRAPH = "model.onnx"
_QUERY_GRAPH = "model.int8.onnx"


def _export_dir(cache_dir: Path, path: str) -> Path:
    """One export per model directory and version of its files (a rebuilt model is re-exported)."""
    source = Path(path)
    files = [f for f in source.rglob("*") if f.is_file()] if source.is_dir() else []
    stamp = max((f.stat().st_mtime_ns for f in files), default=0)
    key = hashlib.sha256(f"{source.resolve() if source.exists() else path}:{stamp}".encode())
    return cache_dir / "onnx" / key.hexdigest()[:16]


def _is_complete(out: Path) -> bool:
    return is_complete(out, _MARKER, _EXPORT_VERSION)


def _export(path: str, out: Path) -> None:
    """Trace the sentence-transformers model at `path` into `out` (built aside, renamed in)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu").eval()

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, inputs_embeds, attention_mask):
            features = {"inputs_embeds": inputs_embeds, "attention_mask": attention_mask}
            return self.model(features)["sentence_embedding"]

    with staging_dir(out) as staging:
        sample = model.tokenizer(["query: 예시 문장"], return_tensors="pt")
        table = model[0].auto_model.get_input_embeddings().weight.detach()
        # The tracer warns about shape checks frozen into the graph; they compare the mask with the
        # tokens, which always agree, and the parity tests cover other lengths and batches.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Graph().eval(),
                (table[sample["input_ids"]], sample["attention_mask"]),
                str(staging / _GRAPH),
                input_names=["inputs_embeds", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={
                    "inputs_embeds": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "embedding": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,  # the TorchScript exporter needs no extra packages
            )
        # Per column: one scale per weight tensor moved gold dev e5 R@1 0.463 -> 0.431.
        quantize_dynamic(
            str(staging / _GRAPH),
            str(staging / _QUERY_GRAPH),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
        save_table(table.numpy(), staging)
        model.tokenizer.save_pretrained(str(staging))
        write_sentencepiece(staging)
        marker = {
            "export_version": _EXPORT_VERSION,
            "source": path,
            "dim": int(model.get_embedding_dimension()),
            "max_seq_length": int(model.max_seq_length),
        }
        (staging / _MARKER).write_text(json.dumps(marker, indent=2), "utf-8")
        publish(staging, out, _is_complete)


def ensure_onnx_model(path: str, cache_dir: Path) -> Path:
    """The exported ONNX directory for the model at `path`, exporting it on first use."""
    out = _export_dir(cache_dir, path)
    if not _is_complete(out):
        try:
            _export(path, out)
        except Exception as exc:  # torch.onnx and the model loader raise many types
            raise ClusterQAError(f"cannot export embedding model {path} to ONNX: {exc}") from exc
    return out


class OnnxEmbedder:
    def __init__(
        self,
        name: str,
        path: str,
        cache_dir: Path,
        query_prompt: str,
        passage_prompt: str,
        batch_size: int,
        threads: int,
        *,
        int8_queries: bool,
    ) -> None:
        import onnxruntime as ort

        directory = ensure_onnx_model(path, cache_dir)
        marker = json.loads((directory / _MARKER).read_text("utf-8"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # see Settings.embed_threads
        # Busy-waiting worker threads would steal the CPU from concurrent requests.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # No memory arena: it keeps the peak of the largest batch (an ingest's passages) for the
        # life of the process; plain allocations cost little next to the matrix products.
        options.enable_cpu_mem_arena = False
        try:
            self._session = ort.InferenceSession(
                str(directory / _GRAPH), options, providers=["CPUExecutionProvider"]
            )
            self._query_session = (
                ort.InferenceSession(
                    str(directory / _QUERY_GRAPH), options, providers=["CPUExecutionProvider"]
                )
                if int8_queries
                else self._session
            )
            self._tokenizer = load_tokenizer(directory)
            self._table = load_table(directory)
        except Exception as exc:
            raise ClusterQAError(f"cannot load ONNX model {directory}: {exc}") from exc
        self.name = name
        self.dim = int(marker["dim"])
        self._max_length = int(marker["max_seq_length"])
        self._query_prompt = query_prompt
        self._passage_prompt = passage_prompt
        self._batch_size = batch_size
        # Each call runs on `threads` threads, so passage batches run side by side, one per core;
        # the pool lives as long as the model, not a thread start-up per query.
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(os.sched_getaffinity(0))))

    def _batch(self, session: InferenceSession, texts: list[str]) -> np.ndarray:
        ids, mask = pad(
            self._tokenizer.encode_batch(texts, self._max_length), self._tokenizer.pad_id
        )
        inputs = {"inputs_embeds": self._table.lookup(ids), "attention_mask": mask}
        return session.run(None, inputs)[0]

    def _encode(
        self, session: InferenceSession, texts: list[str], prompt: str, progress: bool
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Similar lengths in one batch waste less on padding, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[i : i + self._batch_size] for i in range(0, len(order), self._batch_size)]
        futures = [
            self._pool.submit(self._batch, session, [prompt + texts[i] for i in rows])
            for rows in batches
        ]
        try:
            for rows, future in tqdm(
                zip(batches, futures, strict=True),
                total=len(batches),
                desc="embedding",
                unit="batch",
                disable=not progress,
            ):
                out[rows] = future.result()
        except BaseException:
            # Ctrl-C or a failed batch: the batches not started yet are dropped, not run to
            # the end before the process may exit.
            for future in futures:
                future.cancel()
            raise
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._query_session, texts, self._query_prompt, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(self._session, texts, self._passage_prompt, progress)
