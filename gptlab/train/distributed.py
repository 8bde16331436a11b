"""Training on several processes with PyTorch's DistributedDataParallel (the training command, under torchrun).

torchrun starts one process per device and tells each its RANK, LOCAL_RANK and WORLD_SIZE in the
environment. Each process holds the whole model, trains on its own rows of every batch, and DDP
averages the gradients (an all-reduce) during backward, so all copies take the same step.
"""
from __future__ import annotations

import os

import torch
import torch.distributed as dist
from torch import nn


def launched_by_torchrun() -> bool:
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


def setup(device: str | None = None) -> torch.device:
    """Join the process group torchrun announced (nccl on CUDA, gloo on CPU); return this process's device.

    Without torchrun: nothing to join; returns the device asked for (or gptlab.device.get_device()).
    """
    from ..device import get_device

    if not launched_by_torchrun():
        return get_device(device)
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    wanted = get_device(device)
    if wanted.type == "cuda":
        wanted = torch.device("cuda", local_rank)
        torch.cuda.set_device(wanted)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if wanted.type == "cuda" else "gloo")
    return wanted


def teardown() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def rank_and_world() -> tuple[int, int]:
    """(this process's rank, number of processes): (0, 1) when not distributed."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def wrap(model: nn.Module, device: torch.device) -> nn.Module:
    """The model wrapped in DistributedDataParallel when there are several processes, else the model itself."""
    if rank_and_world()[1] == 1:
        return model
    from torch.nn.parallel import DistributedDataParallel

    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
