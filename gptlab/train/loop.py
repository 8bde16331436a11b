"""The training loop: forward, compare with targets, backpropagate, step (notebook 10).

One loop for every caller: notebook 10's language model, notebook 12's chat fine-tuning (padded examples,
a masked loss), notebook 13's encoder-decoder (src and tgt), and `python -m gptlab.train` on one or many
processes. What differs between them is only how a batch is drawn (`batch_fn`) and how its loss is
computed (`loss_fn`).
"""
from __future__ import annotations

import math
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from torch import nn

from ..data import TokenData
from ..device import autocast_dtype
from . import distributed
from .checkpoints import load_training_state, save_checkpoint

Batch = Any  # a tensor, or a tuple/list/dict of tensors (and of such), whose first dimension is the example
BatchFn = Callable[[int, torch.Generator], Batch]
LossFn = Callable[[nn.Module, Batch], "torch.Tensor | dict[str, torch.Tensor]"]


@dataclass
class TrainConfig:
    """How to train. The defaults are the Shakespeare character recipe used by the notebooks.

    batch_size is the number of examples per optimizer step, over all processes and micro-batches:
    each of grad_accum micro-batches (on each of the world_size processes) has
    batch_size / (grad_accum * world_size) of them.
    """

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
    grad_accum: int = 1  # micro-batches per step: their gradients add up before the one optimizer step

    def __post_init__(self) -> None:
        if (self.steps < 0 or self.batch_size < 1 or self.eval_every < 1 or self.eval_batches < 1
                or self.grad_accum < 1):
            raise ValueError("steps must be >= 0, batch_size, eval_every, eval_batches and grad_accum >= 1.")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError(f"lr must be a positive finite number, got {self.lr!r}.")
        self.betas = tuple(self.betas)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})

    def micro_batch_size(self, world_size: int = 1) -> int:
        """Examples in one micro-batch of one process; a clear error when batch_size does not divide."""
        pieces = self.grad_accum * world_size
        if self.batch_size % pieces:
            hint = ""
            if self.grad_accum % world_size == 0 and self.batch_size % (self.grad_accum // world_size * world_size) == 0:
                hint = (f", or keep the batch and split the same {self.grad_accum} micro-batches over the processes: "
                        f"--grad-accum {self.grad_accum // world_size}")
            raise ValueError(f"batch_size {self.batch_size} does not divide into {self.grad_accum} micro-batches "
                             f"x {world_size} processes; choose a batch size that is a multiple of {pieces}{hint}.")
        return self.batch_size // pieces


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
    """What happened during training, for plots: losses by step, time, and whether it was cut short.

    parts holds the named pieces of a loss_fn that returns a dict (notebook 12: "answers" and "replay").
    """

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    parts: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    tokens: int = 0
    interrupted: bool = False

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "History":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def lm_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """The language model's loss (notebook 10): cross-entropy of the next token, model(x, y)[1]."""
    x, y = batch
    return model(x, y)[1]


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, micro_batches: Sequence[Batch], lr: float,
               grad_clip: float = 1.0, amp=None, loss_fn: LossFn | None = None,
               forward: nn.Module | None = None) -> dict[str, float]:
    """One step of the loop: forward, compare with targets, backpropagate, clip, update (notebook 10).

    micro_batches: one batch, or several whose gradients add up before the one update (gradient accumulation;
    each loss is divided by their number, so two halves give the gradient of the whole).
    loss_fn(module, batch) returns the loss, or a dict with the loss under "loss" and other named parts;
    it defaults to lm_loss. forward is the module that loss_fn calls (a torch.compile'd or
    DistributedDataParallel-wrapped model sharing model's weights); it defaults to model. Under
    DistributedDataParallel the gradients are all-reduced once, in the last micro-batch's backward.

    Returns the loss and its parts as floats (means over the micro-batches). A loss or gradient that is
    not finite leaves the weights as they were and raises FloatingPointError.
    """
    forward = model if forward is None else forward  # not `forward or model`: a module may have no truth value
    loss_fn = lm_loss if loss_fn is None else loss_fn
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad(set_to_none=True)
    n = len(micro_batches)
    totals: dict[str, float] = {}
    for i, batch in enumerate(micro_batches):
        if hasattr(forward, "require_backward_grad_sync"):  # DDP: all-reduce only after the last micro-batch
            forward.require_backward_grad_sync = i == n - 1
        with amp if amp is not None else nullcontext():
            out = loss_fn(forward, batch)
        parts = out if isinstance(out, dict) else {"loss": out}
        (parts["loss"] / n).backward()
        for name, value in parts.items():
            totals[name] = totals.get(name, 0.0) + value.item() / n
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip) if grad_clip else torch.tensor(0.0)
    if not (math.isfinite(totals["loss"]) and torch.isfinite(norm)):
        optimizer.zero_grad(set_to_none=True)
        raise FloatingPointError(f"the loss became {totals['loss']} (gradient norm {norm.item()}) at learning rate "
                                 f"{lr:.2g}; the step was skipped, so the weights are still those before it. "
                                 "Lower the learning rate or the gradient clip.")
    optimizer.step()
    return totals


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


def rng_state(generator: torch.Generator) -> dict[str, Any]:
    """Every random state a step draws from: the batch generator, torch's CPU RNG (dropout), CUDA's."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
    return {"batches": generator.get_state(), "torch": torch.get_rng_state(), "cuda": cuda}


def set_rng_state(generator: torch.Generator, state: dict[str, Any]) -> None:
    generator.set_state(state["batches"])
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def split_rows(batch: Batch, pieces: int) -> list[Batch]:
    """Cut every tensor of a batch into `pieces` equal runs of rows: piece k holds rows k*n/pieces onward."""
    if pieces == 1:
        return [batch]
    if isinstance(batch, torch.Tensor):
        if batch.size(0) % pieces:
            raise ValueError(f"a batch of {batch.size(0)} rows does not split into {pieces} equal pieces; "
                             f"choose a batch size that is a multiple of {pieces}.")
        return list(batch.chunk(pieces))
    if isinstance(batch, dict):
        split = {k: split_rows(v, pieces) for k, v in batch.items()}
        return [{k: v[i] for k, v in split.items()} for i in range(pieces)]
    if isinstance(batch, (tuple, list)):
        return [type(batch)(p) for p in zip(*(split_rows(v, pieces) for v in batch))]
    raise TypeError(f"a batch must be tensors in tuples, lists or dicts, got {type(batch).__name__}.")


def to_device(batch: Batch, device: torch.device) -> Batch:
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=device.type == "cuda")
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    return type(batch)(to_device(v, device) for v in batch)


def _first_tensor(batch: Batch) -> torch.Tensor:
    while not isinstance(batch, torch.Tensor):
        batch = next(iter(batch.values())) if isinstance(batch, dict) else batch[0]
    return batch


# A progress bar redraws at most once a second. In a notebook every redraw is several messages to the
# browser, and a test runner that reads them only after a long cell ends (nbval) loses messages past
# ZeroMQ's queue of 1,000, the cell's "done" among them: ten redraws a second over a minute is too many.
PROGRESS_SECONDS = 1.0


def train(model: nn.Module, data: TokenData | None = None, cfg: TrainConfig | None = None, *,
          batch_fn: BatchFn | None = None, loss_fn: LossFn | None = None, progress: bool = True,
          on_eval: Callable[[int, nn.Module, History], None] | None = None,
          on_step: Callable[[int, History], None] | None = None, history: History | None = None,
          checkpoint: str | Path | None = None, resume: str | Path | None = None, until: int | None = None,
          extra: dict[str, Any] | None = None) -> History:
    """Train `model` for cfg.steps steps and return the History (notebooks 10, 12, 13; the training command).

    Batches: batch_fn(step, generator) returns one step's batch, drawing its randomness from `generator`
    (seeded with cfg.seed) so runs repeat and resume exactly; by default, random windows of `data`'s
    training split. loss_fn(model, batch) returns the loss (default: lm_loss, model(x, y)[1]).
    Every cfg.eval_every steps (and at the end) train and validation loss of `data` are estimated (when
    data is given) and `on_eval(step, model, history)` is called, e.g. to print a sample; on_step(step,
    history) follows every step (on every process; raising KeyboardInterrupt there stops cleanly after
    that step). Pressing stop (KeyboardInterrupt) ends training early but keeps the model and the
    history so far (history.interrupted is True).

    checkpoint: a file that receives the whole training state (weights, optimizer, step, cfg, random
    states, history, `extra`) at every evaluation and at the end; resume: such a file to continue from,
    so that stopping and resuming gives exactly the losses of never stopping. until: stop before this
    step (the schedule still runs to cfg.steps).
    Under torchrun (torch.distributed initialized) the model is wrapped in DistributedDataParallel, each
    process trains on its share of every batch, and only rank 0 shows progress, evaluates and saves.
    """
    from tqdm.auto import tqdm

    if data is None and batch_fn is None:
        raise ValueError("give train() the data (a TokenData) or a batch_fn(step, generator) that draws batches.")
    rank, world_size = distributed.rank_and_world()
    state = load_training_state(resume, model) if resume is not None else None
    cfg = cfg or (TrainConfig.from_dict(state["config"]) if state else TrainConfig())
    micro = cfg.micro_batch_size(world_size)
    device = next(model.parameters()).device
    g = torch.Generator().manual_seed(cfg.seed)
    if batch_fn is None:
        block_size = model.config.block_size

        def batch_fn(step: int, generator: torch.Generator) -> Batch:
            return data.batch("train", cfg.batch_size, block_size, generator)
    optimizer = make_optimizer(model, cfg)
    history = history or History()
    start_step = 0
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])
        set_rng_state(g, state["rng"])
        history, start_step = History.from_dict(state["history"]), state["step"]
    stop = cfg.steps if until is None else min(until, cfg.steps)
    forward = torch.compile(model) if cfg.compile else model  # shares the weights with model
    forward = distributed.wrap(forward, device)
    use_bf16 = cfg.bf16 if cfg.bf16 is not None else autocast_dtype(device) is not None
    amp = torch.autocast(device.type, dtype=torch.bfloat16) if use_bf16 else nullcontext()
    main = rank == 0

    def evaluate(step: int, rng: dict[str, Any]) -> None:
        if not main:
            return
        if data is not None:
            with amp:
                losses = estimate_loss(model, data, micro, cfg.eval_batches)
            history.eval_steps.append(step)
            history.eval_train_loss.append(losses["train"])
            history.val_loss.append(losses["val"])
        if checkpoint is not None:
            save_checkpoint(checkpoint, model, extra, training={
                "step": step, "config": cfg.to_dict(), "optimizer": optimizer.state_dict(), "rng": rng,
                "history": history.to_dict()})
        if on_eval is not None:
            on_eval(step, model, history)

    model.train()
    bar = tqdm(range(start_step, stop), initial=start_step, total=stop, disable=not (progress and main),
               desc="training", unit="step", mininterval=PROGRESS_SECONDS)
    start = time.perf_counter()
    step = start_step
    rng: dict[str, Any] | None = None  # None: the random states now are where the next step begins
    done = start_step  # steps completed
    try:
        for step in bar:
            rng = rng_state(g)  # a step cut short restarts from these
            if step % cfg.eval_every == 0 and step > 0 and not (history.eval_steps and history.eval_steps[-1] == step):
                history.seconds += time.perf_counter() - start
                evaluate(step, rng)
                start = time.perf_counter()
            lr = lr_at(step, cfg)
            batch = batch_fn(step, g)
            mine = split_rows(batch, world_size)[rank]  # each process trains on its own rows
            pieces = [to_device(p, device) for p in split_rows(mine, cfg.grad_accum)]
            try:
                out = train_step(model, optimizer, pieces, lr, cfg.grad_clip, amp, loss_fn, forward)
            except FloatingPointError as error:
                raise FloatingPointError(f"step {step}: {error}") from None
            history.steps.append(step)
            history.train_loss.append(out["loss"])
            for name, value in out.items():
                if name != "loss":
                    history.parts.setdefault(name, []).append(value)
            history.lr.append(lr)
            history.tokens += _first_tensor(batch).numel()
            rng, done = None, step + 1
            if step % 10 == 0:
                bar.set_postfix(loss=f"{out['loss']:.3f}", refresh=False)  # shown at the next redraw
            if on_step is not None:
                on_step(step, history)
        step = stop
    except KeyboardInterrupt:
        history.interrupted = True
        step = done
    finally:
        history.seconds += time.perf_counter() - start
        bar.close()
    evaluate(step, rng or rng_state(g))
    model.eval()
    return history
