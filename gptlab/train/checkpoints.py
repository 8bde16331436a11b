"""Checkpoints (notebook 10; resumed by the training command): saved atomically, loaded with weights_only=True.

A checkpoint is one file: the model's config and weights, `extra` (plain data such as the vocabulary),
and, when it was written by train(), the training state a run needs to continue exactly: the step,
the TrainConfig (the schedule), the optimizer's moments, the random states and the History.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..config import GPTConfig

CHECKPOINT_FORMAT = "gptlab-checkpoint-2"
READABLE_FORMATS = ("gptlab-checkpoint-1", CHECKPOINT_FORMAT)  # 1: no training state, tied weights stored twice


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded; the message says why and what to do."""


def _config_dict(model: nn.Module) -> dict[str, Any]:
    config = model.config
    return config.to_dict() if hasattr(config, "to_dict") else dataclasses.asdict(config)


def save_checkpoint(path: str | os.PathLike, model: nn.Module, extra: dict[str, Any] | None = None,
                    training: dict[str, Any] | None = None) -> Path:
    """Write model weights, config, `extra` (plain data: numbers, strings, lists, dicts) and, from train(),
    the `training` state to path.

    A weight shared by two names (the tied embedding and unembedding) is stored once, under its first name.
    The file is written to a temporary name beside `path` and renamed into place, so an interrupted
    save never replaces a good checkpoint with half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights: dict[str, torch.Tensor] = {}
    tied: dict[str, str] = {}
    first_name: dict[tuple, str] = {}
    for name, tensor in model.state_dict().items():
        key = (tensor.data_ptr(), tuple(tensor.shape), tensor.dtype, tensor.device)
        if key in first_name:
            tied[name] = first_name[key]
            continue
        first_name[key] = name
        weights[name] = tensor.detach().cpu()
    payload = {"format": CHECKPOINT_FORMAT, "config": _config_dict(model), "model": weights, "tied": tied,
               "extra": extra or {}}
    if training is not None:
        payload["training"] = training
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; a checkpoint is an ordinary file
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def read_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint's contents as plain data and tensors, tied weights filled in; CheckpointError if unreadable."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}; train and save one first (see notebook 10).")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # truncated zip, random bytes, a pickle with code in it, ...
        raise CheckpointError(f"{path} is not a readable gptlab checkpoint ({type(error).__name__}: "
                              f"{str(error).splitlines()[0][:200]}). It may be truncated or corrupt: "
                              "save it again.") from error
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS:
        raise CheckpointError(f"{path} is not a {CHECKPOINT_FORMAT} file; save it with gptlab.train.save_checkpoint.")
    for name, source in payload.get("tied", {}).items():
        payload["model"][name] = payload["model"][source]
    return payload


def _check_weights(path: Path, model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{path} does not match {type(model).__name__}({model.config}): missing keys "
                              f"{missing[:5]}, unexpected keys {unexpected[:5]}.")
    for key, tensor in state.items():
        if tuple(tensor.shape) != tuple(expected[key].shape):
            raise CheckpointError(f"{path}: {key} has shape {tuple(tensor.shape)} but the config needs "
                                  f"{tuple(expected[key].shape)}.")


def load_checkpoint(path: str | os.PathLike, device: torch.device | str = "cpu",
                    model_cls: type[nn.Module] | None = None) -> tuple[nn.Module, dict[str, Any]]:
    """Load a checkpoint written by save_checkpoint: returns (model in eval mode, extra) (notebook 10).

    model_cls builds the model from the GPTConfig (default gptlab.model.GPT). Only tensors and plain
    data are unpickled (weights_only=True), so a file cannot run code.
    """
    from ..model import GPT

    path = Path(path)
    payload = read_checkpoint(path)
    try:
        config = GPTConfig(**payload["config"])
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"{path} holds an invalid config: {error}") from error
    model = (model_cls or GPT)(config)
    _check_weights(path, model, payload["model"])
    model.load_state_dict(payload["model"])
    return model.to(device).eval(), payload.get("extra", {})


def load_training_state(path: str | os.PathLike, model: nn.Module) -> dict[str, Any]:
    """Load a checkpoint's weights into `model` and return its training state, for train(resume=...).

    The model must have the checkpoint's config (same shape); otherwise a CheckpointError says which.
    """
    path = Path(path)
    payload = read_checkpoint(path)
    if "training" not in payload:
        raise CheckpointError(f"{path} holds weights only, no training state (it was not written by train()), "
                              "so it cannot resume; load it with load_checkpoint and start a new run instead.")
    saved, mine = payload["config"], _config_dict(model)
    if saved != mine:
        differ = {k: (saved.get(k), mine.get(k)) for k in sorted(set(saved) | set(mine)) if saved.get(k) != mine.get(k)}
        raise CheckpointError(f"{path} was saved from a model of another shape; it cannot resume this one. "
                              f"Differences (checkpoint, this model): {differ}. Build the model with the "
                              "checkpoint's config, or start a new run.")
    _check_weights(path, model, payload["model"])
    model.load_state_dict(payload["model"])
    return payload["training"]
