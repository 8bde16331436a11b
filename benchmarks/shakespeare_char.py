"""Quality per second: train gptlab's Shakespeare character model for a wall-clock budget on a text file.

    python benchmarks/shakespeare_char.py --text /path/to/tinyshakespeare.txt --seconds 75

The split is nanoGPT's: the first 90% of the characters train, the last 10% validate, and the
vocabulary is the set of characters in the file. The model is the "shakespeare_char" preset and the
recipe is gptlab.pretrained.RECIPE (learning rate, batch, warmup, min lr, betas, weight decay,
gradient clip, bf16): what a learner gets. Only the number of steps differs: the budget sets it.
(--batch-size and --lr override two of the recipe's values, --n-layer the preset's depth, and --steps
replaces the clock with a fixed number of steps: for sweeps whose losses must not depend on the
machine's load.)

The step is gptlab.train.train's step. Because the budget is in seconds, the cosine schedule runs on
the clock: after each step the total number of steps is re-estimated from the speed so far, so the
learning rate reaches its minimum when the time is up, on a quiet machine or a busy one. The budget
covers training only; the final validation pass (every non-overlapping block of the validation
split, deterministic, in float32) comes after it and is timed separately.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import platform
import time
from contextlib import nullcontext
from pathlib import Path

import torch

from gptlab.config import GPTConfig
from gptlab.data import TokenData
from gptlab.device import autocast_dtype
from gptlab.model import GPT
from gptlab.pretrained import RECIPE
from gptlab.tokenizers import CharTokenizer
from gptlab.train import estimate_loss, lr_at, make_optimizer, train_step


@torch.no_grad()
def full_val_loss(model: GPT, val: torch.Tensor, batch_size: int = 64) -> float:
    """Mean cross-entropy over every non-overlapping block_size window of the validation split."""
    model.eval()
    T = model.config.block_size
    n = (len(val) - 1) // T
    x, y = val[: n * T].view(n, T), val[1: n * T + 1].view(n, T)
    total = 0.0
    for i in range(0, n, batch_size):
        _, loss = model(x[i:i + batch_size], y[i:i + batch_size])
        total += loss.item() * len(x[i:i + batch_size])
    model.train()
    return total / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", required=True, type=Path, help="a plain text file, e.g. tiny Shakespeare")
    parser.add_argument("--seconds", type=float, default=75.0, help="training budget in seconds (default 75)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--bf16", choices=["recipe", "on", "off", "auto"], default="recipe",
                        help="bf16 autocast: the recipe's setting (default), forced on/off, or auto-detect")
    parser.add_argument("--compile", action="store_true", help="torch.compile the model (compile time counts)")
    parser.add_argument("--seed", type=int, default=RECIPE.seed)
    parser.add_argument("--batch-size", type=int, default=RECIPE.batch_size, help="override the recipe's batch")
    parser.add_argument("--lr", type=float, default=RECIPE.lr, help="override the recipe's learning rate")
    parser.add_argument("--n-layer", type=int, default=None,
                        help="override the preset's number of blocks (nanoGPT's CPU recipe has 4)")
    parser.add_argument("--steps", type=int, default=None,
                        help="train exactly this many steps instead of a time budget: the loss then does not "
                             "depend on how busy the machine is (for comparing recipes)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    text = args.text.read_text(encoding="utf-8")
    tokenizer = CharTokenizer.from_text(text)
    data = TokenData.from_ids(tokenizer.encode(text), val_fraction=0.1)  # first 90% train, last 10% val
    config = GPTConfig.preset("shakespeare_char", vocab_size=tokenizer.vocab_size)
    if args.n_layer:
        config = config.replace(n_layer=args.n_layer)
    cfg = dataclasses.replace(RECIPE, seed=args.seed, batch_size=args.batch_size, lr=args.lr)
    bf16 = {"on": True, "off": False, "auto": None, "recipe": cfg.bf16}[args.bf16]
    if bf16 is None:
        bf16 = autocast_dtype(torch.device("cpu")) is not None
    amp = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else nullcontext()

    print(f"text: {args.text.name}, {len(text):,} characters, vocabulary {tokenizer.vocab_size}, "
          f"train {len(data.train):,} / val {len(data.val):,} tokens")
    print(f"model: {config}")
    print(f"recipe: batch {cfg.batch_size}, lr {cfg.lr:g} -> min {cfg.lr / 10 if cfg.min_lr is None else cfg.min_lr:g}, "
          f"warmup {cfg.warmup}, betas {cfg.betas}, weight decay {cfg.weight_decay}, grad clip {cfg.grad_clip}")
    print(f"machine: {platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"bf16 autocast: {bf16} (CPU has fast bf16: {autocast_dtype(torch.device('cpu')) is not None}), "
          f"compile: {args.compile}, budget {args.seconds:g} s")

    torch.manual_seed(cfg.seed)
    model = GPT(config).train()
    optimizer = make_optimizer(model, cfg)
    forward = torch.compile(model) if args.compile else model
    g = torch.Generator().manual_seed(cfg.seed)
    schedule = dataclasses.replace(cfg, steps=args.steps or 10**9)  # .steps: the running estimate of the total

    start = time.perf_counter()
    step, elapsed, loss_value = 0, 0.0, math.nan
    while (step < args.steps) if args.steps else (elapsed < args.seconds):
        lr = lr_at(step, schedule)
        x, y = data.batch("train", cfg.batch_size, config.block_size, g)
        loss_value = train_step(model, optimizer, [(x, y)], lr, cfg.grad_clip, amp, forward=forward)["loss"]
        step += 1
        elapsed = time.perf_counter() - start
        # steps that fit in the budget at the speed so far; the cosine ends there
        if not args.steps:
            schedule.steps = max(step + 1, cfg.warmup + 1, round(step * args.seconds / elapsed))
        if step in (10, 100, 1000) or step % 2000 == 0:
            print(f"  step {step:5d}  {elapsed:6.1f} s  train loss {loss_value:.3f}  lr {lr:.2e}  "
                  f"estimated total {schedule.steps} steps", flush=True)

    tokens = step * cfg.batch_size * config.block_size
    print(f"trained {step} steps in {elapsed:.1f} s: {elapsed / step * 1000:.2f} ms/step, "
          f"{tokens / elapsed:,.0f} tokens/s, last train loss {loss_value:.3f}, final lr {lr:.2e}")
    t0 = time.perf_counter()
    val = full_val_loss(model, data.val)  # float32, whatever the training used
    sampled = estimate_loss(model, data, batch_size=12, batches=20, splits=("val",))["val"]
    print(f"validation loss (all {((len(data.val) - 1) // config.block_size):,} windows of the last 10%): {val:.4f}   "
          f"[nanoGPT-style, 20 random batches of 12: {sampled:.4f}]   ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
