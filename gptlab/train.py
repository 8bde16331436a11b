"""The training loop: forward, compare with targets, backpropagate, step (notebook 10).

Also checkpoints: saved atomically, loaded with weights_only=True and checked against the config.
"""
from __future__ import annotations

import math
import os
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from .config import GPTConfig
from .data import TokenData
from .device import autocast_dtype


@dataclass
class TrainConfig:
    """How to train. The defaults are the Shakespeare character recipe used by the notebooks."""

    steps: int = 2000
    batch_size: int = 16
    lr: float = 4e-3
    min_lr: float | None = None  # None: lr / 10
    warmup: int = 50
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.99)
    grad_clip: float = 1.0
    eval_every: int = 200
    eval_batches: int = 20
    seed: int = 1337
    bf16: bool | None = None  # None: bfloat16 autocast where the hardware is fast at it (see device.autocast_dtype)
    compile: bool = False  # True: torch.compile the model (minutes to start on a small CPU; pays off on GPUs)

    def __post_init__(self) -> None:
        if self.steps < 0 or self.batch_size < 1 or self.eval_every < 1 or self.eval_batches < 1:
            raise ValueError("steps must be >= 0, batch_size, eval_every and eval_batches >= 1.")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr must be a positive finite number, got {self.lr!r}.")


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warmup to cfg.lr, then cosine decay to min_lr at the last step."""
    min_lr = cfg.lr / 10 if cfg.min_lr is None else cfg.min_lr
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    span = max(1, cfg.steps - cfg.warmup)
    progress = min(1.0, (step - cfg.warmup) / span)
    return min_lr + 0.5 * (cfg.lr - min_lr) * (1 + math.cos(math.pi * progress))


def make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (not on biases or LayerNorm gains); fused where possible."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    device = next(model.parameters()).device
    fused = device.type in ("cuda", "cpu", "mps")
    try:
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, fused=fused)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, foreach=True)


@dataclass
class History:
    """What happened during training, for plots: losses by step, time, and whether it was cut short."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: float = 0.0
    tokens: int = 0
    interrupted: bool = False

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, lr: float,
               grad_clip: float = 1.0, amp=None, forward: Callable | None = None) -> float:
    """One step of the loop: forward, compare with targets, backpropagate, clip, update. Returns the loss.

    `forward` is what computes the loss (a torch.compile'd model, say); it defaults to `model`.
    """
    for group in optimizer.param_groups:
        group["lr"] = lr
    with amp if amp is not None else nullcontext():
        _, loss = (forward or model)(x, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if grad_clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    optimizer.step()
    return loss.item()


@torch.no_grad()
def estimate_loss(model: nn.Module, data: TokenData, batch_size: int, batches: int = 20, seed: int = 0,
                  splits: tuple[str, ...] = ("train", "val")) -> dict[str, float]:
    """Mean loss over the same `batches` random windows of each split every time it is called."""
    was_training = model.training
    model.eval()
    block_size = model.config.block_size
    out = {}
    for split in splits:
        g = torch.Generator().manual_seed(seed)
        losses = [model(*data.batch(split, batch_size, block_size, g, model.device))[1].item()
                  for _ in range(batches)]
        out[split] = sum(losses) / len(losses)
    model.train(was_training)
    return out


# A progress bar redraws at most once a second. In a notebook every redraw is several messages to the
# browser, and a test runner that reads them only after a long cell ends (nbval) loses messages past
# ZeroMQ's queue of 1,000, the cell's "done" among them: ten redraws a second over a minute is too many.
PROGRESS_SECONDS = 1.0


def train(model: nn.Module, data: TokenData, cfg: TrainConfig | None = None, *, progress: bool = True,
          on_eval: Callable[[int, nn.Module, History], None] | None = None,
          history: History | None = None) -> History:
    """Train `model` on `data` for cfg.steps steps and return the History.

    Every cfg.eval_every steps (and at the end) train and validation loss are estimated and
    `on_eval(step, model, history)` is called, e.g. to print a sample. Pressing stop (KeyboardInterrupt)
    ends training early but keeps the model and the history so far (history.interrupted is True).
    """
    from tqdm.auto import tqdm

    cfg = cfg or TrainConfig()
    history = history or History()
    device = model.device
    block_size = model.config.block_size
    g = torch.Generator().manual_seed(cfg.seed)
    optimizer = make_optimizer(model, cfg)
    forward = torch.compile(model) if cfg.compile else model  # shares the weights with model
    use_bf16 = cfg.bf16 if cfg.bf16 is not None else autocast_dtype(device) is not None
    amp = torch.autocast(device.type, dtype=torch.bfloat16) if use_bf16 else nullcontext()

    def evaluate(step: int) -> None:
        with amp:
            losses = estimate_loss(model, data, cfg.batch_size, cfg.eval_batches)
        history.eval_steps.append(step)
        history.eval_train_loss.append(losses["train"])
        history.val_loss.append(losses["val"])
        if on_eval is not None:
            on_eval(step, model, history)

    model.train()
    bar = tqdm(range(cfg.steps), disable=not progress, desc="training", unit="step", mininterval=PROGRESS_SECONDS)
    start = time.perf_counter()
    step = 0
    try:
        for step in bar:
            if step % cfg.eval_every == 0 and step > 0:
                history.seconds += time.perf_counter() - start
                evaluate(step)
                start = time.perf_counter()
            lr = lr_at(step, cfg)
            x, y = data.batch("train", cfg.batch_size, block_size, g, device)
            loss_value = train_step(model, optimizer, x, y, lr, cfg.grad_clip, amp, forward)
            if not math.isfinite(loss_value):
                raise FloatingPointError(f"loss became {loss_value} at step {step}; lower the learning rate "
                                         f"(now {lr:.2g}) or the gradient clip.")
            history.steps.append(step)
            history.train_loss.append(loss_value)
            history.lr.append(lr)
            history.tokens += x.numel()
            if step % 10 == 0:
                bar.set_postfix(loss=f"{loss_value:.3f}", refresh=False)  # shown at the next redraw
        step = cfg.steps
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        history.seconds += time.perf_counter() - start
        bar.close()
    evaluate(step)
    model.eval()
    return history


# ---------------------------------------------------------------------------------------------
# Checkpoints

CHECKPOINT_FORMAT = "gptlab-checkpoint-1"


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded; the message says why and what to do."""


def save_checkpoint(path: str | os.PathLike, model: nn.Module, extra: dict[str, Any] | None = None) -> Path:
    """Write model weights, config and `extra` (plain data: numbers, strings, lists, dicts) to path.

    The file is written to a temporary name beside `path` and renamed into place, so an interrupted
    save never replaces a good checkpoint with half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "config": model.config.to_dict(),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "extra": extra or {},
    }
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


def load_checkpoint(path: str | os.PathLike, device: torch.device | str = "cpu",
                    model_cls: type[nn.Module] | None = None) -> tuple[nn.Module, dict[str, Any]]:
    """Load a checkpoint written by save_checkpoint: returns (model in eval mode, extra).

    Only tensors and plain data are unpickled (weights_only=True), so a file cannot run code.
    """
    from .model import GPT

    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}; train and save one first (see notebook 10).")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # truncated zip, random bytes, a pickle with code in it, ...
        raise CheckpointError(f"{path} is not a readable gptlab checkpoint ({type(error).__name__}: "
                              f"{str(error).splitlines()[0][:200]}). It may be truncated or corrupt: "
                              "save it again.") from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{path} is not a {CHECKPOINT_FORMAT} file; save it with gptlab.train.save_checkpoint.")
    try:
        config = GPTConfig(**payload["config"])
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"{path} holds an invalid config: {error}") from error
    model = (model_cls or GPT)(config)
    expected = model.state_dict()
    state = payload["model"]
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(f"{path} does not match GPT({config}): missing keys {missing[:5]}, "
                              f"unexpected keys {unexpected[:5]}.")
    for key, tensor in state.items():
        if tuple(tensor.shape) != tuple(expected[key].shape):
            raise CheckpointError(f"{path}: {key} has shape {tuple(tensor.shape)} but the config needs "
                                  f"{tuple(expected[key].shape)}.")
    model.load_state_dict(state)
    return model.to(device).eval(), payload.get("extra", {})
