"""The gold-question schema, its loading and validation, and locating evidence in canonical text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from clusterqa.errors import InputError

AnswerType = Literal[
    "year", "date", "number", "amount", "percent", "count", "person", "organization",
    "place", "entity", "list", "definition", "reason",
]  # fmt: skip
Style = Literal[
    "lexical", "paraphrase", "english", "cross-section", "numeric-reasoning", "unanswerable"
]
_WS = re.compile(r"\s+")


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    doc: str
    question: str
    answer: str
    aliases: list[str]
    answer_type: AnswerType
    evidence: str
    style: Style

    @property
    def answerable(self) -> bool:
        return bool(self.answer)

    @property
    def doc_id(self) -> str:
        return Path(self.doc).stem


def load_gold(paths: list[Path]) -> list[GoldItem]:
    items: list[GoldItem] = []
    for path in paths:
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(GoldItem.model_validate(json.loads(line)))
            except (ValueError, ValidationError) as exc:
                raise InputError(f"{path}:{n}: not a gold item ({exc})") from exc
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InputError("gold item ids are not unique")
    return items


def locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Span of `evidence` in `text`, ignoring whitespace on both sides; None if absent."""
    target = _WS.sub("", evidence)
    if not target:
        return None
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in kept)
    at = squeezed.find(target)
    if at < 0:
        return None
    return kept[at], kept[at + len(target) - 1] + 1
