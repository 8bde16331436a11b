"""Where tensors live, how runs repeat (notebook 00), and when training computes in bfloat16 (notebook 10)."""
from __future__ import annotations

import os
import random

import numpy as np
import torch

DEVICE_ENV = "GPTLAB_DEVICE"
BF16_ENV = "GPTLAB_BF16"  # "0": always float32, e.g. to time a bf16 machine as a laptop without bf16 runs


def get_device(prefer: str | None = None) -> torch.device:
    """The best device here: CUDA, then Apple MPS, then CPU.

    `prefer` (or the GPTLAB_DEVICE environment variable) overrides the choice, e.g. "cpu".
    """
    choice = prefer or os.environ.get(DEVICE_ENV)
    if choice:
        device = torch.device(choice)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"{DEVICE_ENV}/prefer asks for {choice!r} but CUDA is not available here; use 'cpu'.")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise ValueError(f"{DEVICE_ENV}/prefer asks for {choice!r} but Apple MPS is not available here; use 'cpu'.")
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def set_seed(seed: int = 1337) -> torch.Generator:
    """Seed Python, NumPy and torch; return a CPU generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """bfloat16 where the hardware runs it natively (CUDA compute capability 8.0+, CPUs with AVX-512 BF16 or AMX),
    else None (notebook 10's training).

    torch.cuda.is_bf16_supported() is also true on older GPUs (a T4, a V100) that only emulate bf16,
    slower than float32 there; so CUDA is asked for its compute capability instead (Ampere, 8.0, is
    the first with bf16 tensor cores). GPTLAB_BF16=0 in the environment turns bf16 off everywhere.
    """
    if os.environ.get(BF16_ENV, "").strip() in ("0", "false", "False"):
        return None
    if device.type == "cuda":
        return torch.bfloat16 if cuda_has_native_bf16(device) else None
    if device.type == "cpu":
        return torch.bfloat16 if cpu_has_fast_bf16() else None
    return None


def cuda_has_native_bf16(device: torch.device | None = None) -> bool:
    """True when the CUDA device computes bf16 in hardware: compute capability 8.0 (Ampere) on (notebook 10)."""
    if not torch.cuda.is_available():
        return False
    major, _ = torch.cuda.get_device_capability(device)
    return major >= 8


def cpu_has_fast_bf16() -> bool:
    """True when this CPU has native bf16 instructions (read from /proc/cpuinfo; False where unknown)."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def long_run() -> bool:
    """True when GPTLAB_LONG=1: notebooks then train longer (for a GPU or a patient learner)."""
    return os.environ.get("GPTLAB_LONG", "0") not in ("", "0", "false", "False")
