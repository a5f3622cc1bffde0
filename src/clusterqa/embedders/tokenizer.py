"""The fast tokenizer of the exported models, loaded once per process with `tokenizers` alone.

`transformers.AutoTokenizer` would import PyTorch into every serving process (about 190 MB of
RSS, and serving never needs it); the exported directory's `tokenizer.json` is the same Rust
tokenizer that transformers wraps, so ids, offsets and overflowing windows are identical.
e5-small's 250k-piece vocabulary takes about 300 MB once loaded, so the embedder and the reader,
whose exports carry the same file, share one instance; each call names its own truncation.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import lru_cache
from pathlib import Path

from tokenizers import Encoding, Tokenizer


class SharedTokenizer:
    """One loaded tokenizer; truncation is part of each call (set under a lock, since the Rust
    tokenizer keeps it as state), padding is to the longest text of a batch."""

    def __init__(self, tokenizer: Tokenizer, pad_id: int) -> None:
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.pad_id = pad_id

    def encode(
        self, first: str, second: str | None = None, *, truncation: dict, special: bool = True
    ) -> Encoding:
        with self._lock:
            self._tokenizer.enable_truncation(**truncation)
            return self._tokenizer.encode(first, second, add_special_tokens=special)

    def encode_batch(self, texts: list[str], *, truncation: dict) -> list[Encoding]:
        with self._lock:
            self._tokenizer.enable_truncation(**truncation)
            return self._tokenizer.encode_batch(texts)


def load_tokenizer(directory: Path) -> SharedTokenizer:
    """The tokenizer saved in `directory`, shared with every directory holding the same files."""
    files = [directory / "tokenizer.json", directory / "tokenizer_config.json"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    return _load(str(directory), digest)


@lru_cache(maxsize=4)
def _load(directory: str, digest: str) -> SharedTokenizer:
    del digest  # the cache key: equal files share an instance, wherever they lie
    tokenizer = Tokenizer.from_file(str(Path(directory) / "tokenizer.json"))
    config = json.loads((Path(directory) / "tokenizer_config.json").read_text("utf-8"))
    pad = config.get("pad_token") or "<pad>"
    pad = pad["content"] if isinstance(pad, dict) else pad
    pad_id = tokenizer.token_to_id(pad)
    if pad_id is None:
        raise ValueError(f"{directory}: pad token {pad!r} is not in the vocabulary")
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad)
    return SharedTokenizer(tokenizer, pad_id)
