"""The reader network in torch: the e5-small encoder (with LoRA adapters while training), a
start/end span head over every token and an answerability head over the first token."""

from __future__ import annotations

from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file, save_file
from transformers import AutoModel

HEADS_FILE = "heads.safetensors"


class ReaderNet(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.span = torch.nn.Linear(hidden, 2)
        self.answerable = torch.nn.Linear(hidden, 1)

    def forward(
        self,
        input_ids: torch.Tensor | None,
        attention_mask: torch.Tensor,
        inputs_embeds: torch.Tensor | None = None,  # token vectors instead of ids (the export)
    ):
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, inputs_embeds=inputs_embeds
        ).last_hidden_state
        start, end = self.span(hidden).unbind(-1)
        # Padding can never be a span boundary.
        blocked = attention_mask == 0
        start = start.masked_fill(blocked, -1e4)
        end = end.masked_fill(blocked, -1e4)
        return start, end, self.answerable(hidden[:, 0]).squeeze(-1)


def _base(base_dir: Path) -> torch.nn.Module:
    return AutoModel.from_pretrained(str(base_dir), add_pooling_layer=False)


def new_reader(base_dir: Path, r: int, alpha: int, dropout: float, targets: list[str]) -> ReaderNet:
    """The base encoder with fresh LoRA adapters (all else frozen) and fresh heads."""
    base = _base(base_dir)
    config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets)
    return ReaderNet(get_peft_model(base, config), base.config.hidden_size)


def save_reader(net: ReaderNet, out: Path) -> None:
    """The adapter (peft's files) and the heads: everything that is not the base model."""
    net.encoder.save_pretrained(str(out))
    (out / "README.md").unlink(missing_ok=True)  # peft's blank card; ours is MODEL_CARD.md
    heads = {f"span.{k}": v for k, v in net.span.state_dict().items()}
    heads |= {f"answerable.{k}": v for k, v in net.answerable.state_dict().items()}
    save_file({k: v.contiguous() for k, v in heads.items()}, str(out / HEADS_FILE))


def load_reader(base_dir: Path, model_dir: Path, merge: bool) -> ReaderNet:
    """The trained reader; `merge` folds the adapters into the base weights (for export)."""
    base = _base(base_dir)
    encoder = PeftModel.from_pretrained(base, str(model_dir))
    if merge:
        encoder = encoder.merge_and_unload()
    net = ReaderNet(encoder, base.config.hidden_size)
    heads = load_file(str(model_dir / HEADS_FILE))
    net.span.load_state_dict({k[5:]: v for k, v in heads.items() if k.startswith("span.")})
    net.answerable.load_state_dict(
        {k[11:]: v for k, v in heads.items() if k.startswith("answerable.")}
    )
    return net.eval()
