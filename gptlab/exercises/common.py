"""What every exercise check shares (notebooks 00-15): the result, the runner, and small comparisons.

A check runs small tests on a learner's function and says precisely what is wrong. How it reports
depends on one switch:

- Self-study (the default): the check returns a CheckResult, which a notebook shows as one line,
  "✅ check_x: ..." or "❌ check_x: <what is wrong>". Nothing is raised, so the notebook runs on.
- Grading mode: a failing check raises ``AssertionError("<the same message>")``, so an nbgrader
  autograded test cell fails and the student's feedback shows the check's message. A passing check
  still returns its CheckResult. Turn it on either way:

  - set the environment variable ``GPTLAB_GRADING=1`` before the kernel starts
    (``GPTLAB_GRADING=1 nbgrader autograde ...``), or
  - in Python, ``gptlab.exercises.common.GRADING = True`` (``False`` forces self-study even when
    the variable is set; ``None``, the default, follows the variable).
"""
from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import torch

GRADING: bool | None = None
"""True: failing checks raise AssertionError; False: they return a CheckResult; None: follow GPTLAB_GRADING."""


def grading_mode() -> bool:
    """Whether failing checks raise (grading) or return a ❌ CheckResult (self-study); see the module docstring."""
    if GRADING is not None:
        return bool(GRADING)
    return os.environ.get("GPTLAB_GRADING", "").strip().lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: shown in a notebook it reads as one line starting with ✅ or ❌."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.message


class CheckFailed(Exception):
    """Raised inside a check's body to stop at the first thing that is wrong; run_check turns it into a message."""


def require(condition: bool, message: str) -> None:
    """Stop the check with `message` (what is wrong and what to do) unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def run_check(name: str, body: Callable[[], None], success: str) -> CheckResult:
    """Run a check's body and report: ✅ with `success`, or ❌ with the first failure or the learner's crash.

    In grading mode (see the module docstring) a failure raises AssertionError with the same message.
    """
    try:
        body()
    except CheckFailed as fail:
        result = CheckResult(False, f"{name}: {fail}")
    except NotImplementedError:
        result = CheckResult(False, f"{name}: not implemented yet; replace `raise NotImplementedError` with your code.")
    except Exception as error:  # the learner's code crashed: show where, briefly
        where = traceback.extract_tb(error.__traceback__)[-1]
        result = CheckResult(False, f"{name}: your code raised {type(error).__name__}: {error} "
                                    f"(line {where.lineno}: {where.line})")
    else:
        return CheckResult(True, f"{name}: {success}")
    if grading_mode():
        raise AssertionError(result.message)
    return result


def close(actual: Any, expected: torch.Tensor, what: str, atol: float = 1e-5) -> None:
    """Require `actual` to be a tensor of `expected`'s shape and values, naming `what` differs."""
    require(isinstance(actual, torch.Tensor), f"{what} should be a torch.Tensor, got {type(actual).__name__}.")
    require(tuple(actual.shape) == tuple(expected.shape),
            f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
    require(torch.allclose(actual.float(), expected.float(), atol=atol, rtol=1e-4),
            f"{what} has the right shape but wrong values (largest error "
            f"{(actual.float() - expected.float()).abs().max().item():.3g}).")


def is_close(a: Any, b: torch.Tensor, atol: float = 1e-5) -> bool:
    """True when `a` is a tensor of b's shape and values (to recognise a known mistake without failing)."""
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.float(), b.float(), atol=atol, rtol=1e-4)))


def future_mask(T: int) -> torch.Tensor:
    """(T, T) bool, True above the diagonal: key j comes after query i (notebooks 04 and 05)."""
    return torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)
