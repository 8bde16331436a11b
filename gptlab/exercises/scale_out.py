"""Notebook 15 (training beyond one machine): splitting a global batch over processes and micro-batches.

- per_rank_batch / check_per_rank_batch: how many examples one process puts through one forward and
  backward pass when `global_batch` examples make one optimizer step over `world_size` processes that
  each accumulate `grad_accum` micro-batches (the training command's --batch-size and --grad-accum).

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import numbers

from .common import CheckResult, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def per_rank_batch(global_batch: int, world_size: int, grad_accum: int) -> int:
    """Examples in one micro-batch of one process; ValueError when the global batch does not split evenly.

    One optimizer step sees global_batch examples: world_size processes x grad_accum micro-batches x the
    answer. Equal pieces matter: DDP averages the processes' gradients with equal weight, and each
    micro-batch's loss is divided by grad_accum, so only equal pieces give the gradient of the whole batch.
    """
    pieces = world_size * grad_accum
    if global_batch % pieces:
        raise ValueError(f"a global batch of {global_batch} does not split into {world_size} processes x "
                         f"{grad_accum} micro-batches; choose a multiple of {pieces}, or another --grad-accum.")
    return global_batch // pieces


# ---- checks ----------------------------------------------------------------------------------------------

# (global batch, world size, grad accum, micro-batch): notebook 15's GPT-2 runs and small ones
_CASES = [(480, 8, 5, 12), (480, 1, 40, 12), (16, 2, 1, 8), (16, 2, 2, 4), (64, 4, 4, 4), (7, 1, 1, 7)]
_UNEVEN = [(480, 8, 40), (16, 3, 1), (10, 2, 2)]  # the gpt2-124m preset's grad_accum 40 on 8 GPUs, ...


def _nb15_mistakes(batch: int, world: int, accum: int) -> list[tuple[object, str]]:
    """(a wrong answer, what it means) for the usual slips."""
    return [
        (batch // world if world > 1 else None, "you divided by the processes only: each process also splits its "
                                                "share into grad_accum micro-batches."),
        (batch // accum if accum > 1 else None, "you divided by grad_accum only: the global batch is also shared "
                                                "among the world_size processes."),
        (batch, "that is the global batch: one process sees only its share of one micro-step."),
        (batch * world * accum, "divide, do not multiply: the pieces of all processes and micro-batches add up "
                                "to the global batch."),
    ]


def check_per_rank_batch(fn) -> CheckResult:
    """Notebook 15: per_rank_batch(global_batch, world_size, grad_accum) -> examples per micro-batch per process."""

    def body() -> None:
        for batch, world, accum, expected in _CASES:
            got = fn(batch, world, accum)
            where = f"per_rank_batch({batch}, {world}, {accum})"
            require(isinstance(got, numbers.Number) and not isinstance(got, bool),
                    f"{where} should return a number, got {type(got).__name__}.")
            require(isinstance(got, numbers.Integral),
                    f"{where} returned {got!r}: a batch holds whole examples; use // once you know it divides.")
            if got == expected:
                continue
            for wrong, hint in _nb15_mistakes(batch, world, accum):
                require(wrong is None or got != wrong, f"{where} gave {got}, expected {expected}: {hint}")
            require(False, f"{where} gave {got}, expected {expected}: {world} processes x {accum} micro-batches "
                           f"x {expected} examples make the {batch} of one step.")
        for batch, world, accum in _UNEVEN:
            where = f"per_rank_batch({batch}, {world}, {accum})"
            try:
                got = fn(batch, world, accum)
            except ValueError as error:
                require(str(error).strip() != "", f"{where} raised a ValueError with no message: say what to change.")
                continue
            require(False, f"{where} returned {got!r}, but {batch} examples do not split into {world} x {accum} "
                           "equal pieces: raise ValueError (unequal pieces would weight some examples more).")

    return run_check("check_per_rank_batch", body,
                     "every split is right, and uneven ones are refused (480 on 8 GPUs needs --grad-accum 5, not 40).")
