"""The token embedding table of an exported graph, kept outside it in a memory-mapped file.

e5-small's vocabulary is 250k tokens × 384 floats (~370 MB): inside an ONNX graph all of it is
resident in every process that loads the graph. Outside, looked up here, only the rows of tokens
actually seen are paged in (a few tens of MB for a Korean corpus), and the kernel may drop them.
A graph quantised to int8 had its table quantised too (uint8, one scale and zero point, as
ONNX Runtime's dynamic quantisation does it); its quantised copy keeps those exact values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TABLE = "token_embeddings.npy"
QUANTIZED = "token_embeddings.uint8.npy"
_PARAMS = "token_embeddings.uint8.json"


@dataclass(frozen=True)
class TokenTable:
    rows: np.ndarray  # memory-mapped, float32 or uint8
    scale: float | None = None  # set for a quantised table
    zero_point: int = 0

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """The graph input `inputs_embeds` for a batch of token ids."""
        rows = self.rows[ids]
        if self.scale is None:
            return np.ascontiguousarray(rows, dtype=np.float32)
        # DequantizeLinear's arithmetic, so the values equal those of a quantised Gather.
        return (rows.astype(np.float32) - np.float32(self.zero_point)) * np.float32(self.scale)


def save_table(weight: np.ndarray, directory: Path, quantized: bool = False) -> None:
    weight = np.ascontiguousarray(weight, dtype=np.float32)
    np.save(directory / TABLE, weight)
    if quantized:
        from onnx import TensorProto
        from onnxruntime.quantization.quant_utils import quantize_data

        zero_point, scale, rows = quantize_data(weight, TensorProto.UINT8, False)
        np.save(directory / QUANTIZED, rows)
        params = {"scale": float(scale), "zero_point": int(zero_point)}
        (directory / _PARAMS).write_text(json.dumps(params), "utf-8")


def load_table(directory: Path, quantized: bool = False) -> TokenTable:
    if not quantized:
        return TokenTable(np.load(directory / TABLE, mmap_mode="r"))
    params = json.loads((directory / _PARAMS).read_text("utf-8"))
    return TokenTable(np.load(directory / QUANTIZED, mmap_mode="r"), **params)
