"""Does training on the best device agree with the CPU? A few steps from the same weights and batches.

    python benchmarks/gpu_smoke.py            # "no GPU here" and exit 0 when only a CPU exists
    python benchmarks/gpu_smoke.py --steps 20 --bf16

Both runs start from identical weights (made on the CPU, then copied) and see identical batches
(sampled on the CPU with one seed), so the losses differ only by the devices' arithmetic: in fp32
they should agree to about 1e-3 after a few steps.
"""
from __future__ import annotations

import argparse
import copy
import sys
import time
from contextlib import nullcontext

import torch

from gptlab.config import GPTConfig
from gptlab.data import TokenData
from gptlab.device import get_device
from gptlab.model import GPT
from gptlab.train import TrainConfig, make_optimizer, train_step


def run(model: GPT, batches: list[tuple[torch.Tensor, torch.Tensor]], device: torch.device, bf16: bool) -> tuple[list[float], float]:
    model = model.to(device).train()
    optimizer = make_optimizer(model, TrainConfig(lr=1e-3))
    amp = torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()
    losses = []
    start = time.perf_counter()
    for x, y in batches:  # the step train() runs; its .item() waits for the device, so the time is real
        losses.append(train_step(model, optimizer, [(x.to(device), y.to(device))], 1e-3, 1.0, amp)["loss"])
    return losses, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--bf16", action="store_true", help="bf16 autocast on both devices")
    parser.add_argument("--device", default=None, help="device to compare with the CPU (default: get_device())")
    args = parser.parse_args()

    device = get_device(args.device)
    if device.type == "cpu":
        print("no GPU here: get_device() is the CPU (set GPTLAB_DEVICE or --device to force one); nothing to compare.")
        return 0

    torch.manual_seed(0)
    config = GPTConfig.preset("shakespeare_char")
    model = GPT(config)
    g = torch.Generator().manual_seed(0)
    data = TokenData.from_ids(torch.randint(0, config.vocab_size, (20_000,), generator=g))
    batches = [data.batch("train", 12, config.block_size, g) for _ in range(args.steps)]

    cpu_losses, cpu_s = run(copy.deepcopy(model), batches, torch.device("cpu"), args.bf16)
    dev_losses, dev_s = run(copy.deepcopy(model), batches, device, args.bf16)
    print(f"{'step':>4s} {'cpu loss':>10s} {device.type + ' loss':>10s} {'difference':>11s}")
    for i, (a, b) in enumerate(zip(cpu_losses, dev_losses)):
        print(f"{i:4d} {a:10.5f} {b:10.5f} {b - a:11.2e}")
    worst = max(abs(a - b) for a, b in zip(cpu_losses, dev_losses))
    print(f"largest difference {worst:.2e}; {args.steps} steps took {cpu_s:.2f} s on cpu, {dev_s:.2f} s on {device} "
          f"(first steps include warm-up)")
    tolerance = 5e-2 if args.bf16 else 5e-3
    if worst > tolerance:
        print(f"FAIL: the devices disagree by more than {tolerance:g}")
        return 1
    print("OK: the devices agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
