"""Tokens per second of one training step: gptlab's GPT against transformers' GPT2LMHeadModel.

One step is forward, loss, backward, gradient clipping and an AdamW update, at nanoGPT's CPU recipe
(4 layers, 4 heads, 128 wide, block 64, batch 12, vocabulary 65, no dropout). The contenders run in
interleaved rounds (A, B, C, A, B, C, ...) so a busy machine slows them all alike; medians and ratios
are printed.

    python benchmarks/train_speed.py                 # about a minute on a quiet 2-core CPU
    python benchmarks/train_speed.py --rounds 40 --threads 1

Contenders:
  gptlab          gptlab.train.train_step as train() runs it: make_optimizer (fused AdamW), bf16 autocast
                  as TrainConfig's default decides (printed), fast attention path.
  gptlab-explicit the same model run with a cache dict: the explicit attention path that stores every
                  pattern (forward + backward + AdamW).
  hf              transformers.GPT2LMHeadModel, same sizes, attn_implementation="sdpa", dropout 0,
                  torch.optim.AdamW with its defaults (foreach), fp32: how a Hugging Face user trains it.
  hf-fused        the same with fused AdamW, to separate the optimizer from the model.
"""
from __future__ import annotations

import argparse
import statistics
import time
from contextlib import nullcontext

import torch

from gptlab.config import GPTConfig
from gptlab.device import autocast_dtype
from gptlab.model import GPT
from gptlab.train import TrainConfig, make_optimizer, train_step

CONFIG = GPTConfig(block_size=64, vocab_size=65, n_layer=4, n_head=4, n_embd=128, dropout=0.0)
BATCH = 12


def gptlab_step(explicit: bool, bf16: bool, compile: bool = False):
    """gptlab.train.train_step, the step train() runs, on a fresh model."""
    torch.manual_seed(0)
    model = GPT(CONFIG).train()
    cfg = TrainConfig()
    optimizer = make_optimizer(model, cfg)
    amp = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else nullcontext()
    forward = torch.compile(model) if compile else model
    loss_fn = None  # train()'s default: model(x, y)[1]
    if explicit:  # the explicit attention path: a cache dict makes every layer keep its pattern
        def loss_fn(module, batch):
            x, y = batch
            return module(x, y, cache={})[1]

    def step(x: torch.Tensor, y: torch.Tensor) -> float:
        return train_step(model, optimizer, [(x, y)], cfg.lr, cfg.grad_clip, amp, loss_fn, forward)["loss"]

    return step


def hf_step(fused: bool, attn: str):
    import transformers

    torch.manual_seed(0)
    hf_config = transformers.GPT2Config(
        vocab_size=CONFIG.vocab_size, n_positions=CONFIG.block_size, n_embd=CONFIG.n_embd,
        n_layer=CONFIG.n_layer, n_head=CONFIG.n_head, resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        bos_token_id=None, eos_token_id=None)
    model = transformers.GPT2LMHeadModel._from_config(hf_config, attn_implementation=attn).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1, fused=fused or None)

    def step(x: torch.Tensor, y: torch.Tensor) -> float:
        # transformers shifts labels itself: predicting x[:, 1:] from x[:, :-1]
        loss = model(input_ids=x, labels=x).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds (default 30)")
    parser.add_argument("--steps", type=int, default=5, help="steps per contender per round (default 5)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--attn", choices=["sdpa", "eager"], default="sdpa", help="transformers attention")
    parser.add_argument("--bf16", choices=["auto", "on", "off"], default="auto",
                        help="gptlab's autocast: auto follows TrainConfig's default (default auto)")
    parser.add_argument("--compile", action="store_true", help="also time gptlab under torch.compile")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    default = TrainConfig().bf16
    bf16 = {"on": True, "off": False}.get(args.bf16, default if default is not None
                                          else autocast_dtype(torch.device("cpu")) is not None)
    contenders = {"gptlab": gptlab_step(False, bf16), "gptlab-explicit": gptlab_step(True, bf16),
                  "gptlab-bf16" if not bf16 else "gptlab-fp32": gptlab_step(False, not bf16)}
    if args.compile:
        start = time.perf_counter()
        contenders["gptlab-compiled"] = gptlab_step(False, bf16, compile=True)
        x = torch.randint(0, CONFIG.vocab_size, (BATCH, CONFIG.block_size))
        contenders["gptlab-compiled"](x, x)
        print(f"torch.compile: first step took {time.perf_counter() - start:.1f} s")
    try:
        contenders["hf"] = hf_step(False, args.attn)
        contenders["hf-fused"] = hf_step(True, args.attn)
    except ImportError:
        print("transformers is not installed: timing gptlab only")

    g = torch.Generator().manual_seed(0)
    batches = [torch.randint(0, CONFIG.vocab_size, (BATCH, CONFIG.block_size + 1), generator=g) for _ in range(8)]
    batches = [(b[:, :-1].contiguous(), b[:, 1:].contiguous()) for b in batches]
    for step in contenders.values():  # warm up allocators and kernels
        for x, y in batches[:3]:
            step(x, y)

    ms: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(args.rounds):
        for name, step in contenders.items():
            start = time.perf_counter()
            for i in range(args.steps):
                step(*batches[(r + i) % len(batches)])
            ms[name].append((time.perf_counter() - start) / args.steps * 1000)

    tokens = BATCH * CONFIG.block_size
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, batch {BATCH} x block {CONFIG.block_size}, "
          f"{args.rounds} rounds x {args.steps} steps, transformers attention: {args.attn}")
    print(f"gptlab bf16 autocast used: {bf16} (CPU has fast bf16: {autocast_dtype(torch.device('cpu')) is not None})")
    base = statistics.median(ms["gptlab"])
    print(f"{'contender':16s} {'median ms/step':>15s} {'min ms/step':>12s} {'tokens/s':>10s} {'x gptlab time':>14s}")
    for name, values in ms.items():
        med = statistics.median(values)
        print(f"{name:16s} {med:15.2f} {min(values):12.2f} {tokens / med * 1000:10.0f} {med / base:14.2f}")
    # ratios per round are robust to load that drifts during the run
    for other in ms:
        if other != "gptlab":
            ratio = statistics.median(o / b for o, b in zip(ms[other], ms["gptlab"]))
            print(f"median per-round time ratio {other} / gptlab: {ratio:.2f}")


if __name__ == "__main__":
    main()
