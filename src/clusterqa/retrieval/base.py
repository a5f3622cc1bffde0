"""The retriever interface: a query in, ranked chunk rows of the snapshot out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Candidate:
    row: int  # position of the chunk in Snapshot.chunks
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # 1-based rank per retriever leg


class Retriever(Protocol):
    name: str

    def search(self, query: str, k: int) -> list[Candidate]: ...
