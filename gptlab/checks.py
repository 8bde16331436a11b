"""Check functions for the exercises: each runs small tests on the learner's code and says precisely
what is wrong (a shape, rows that do not sum to 1, a peek into the future, a missing scale factor).

A check returns a CheckResult; shown in a notebook it reads as one line starting with ✅ or ❌.
tests/test_checks.py runs every check against gptlab.solutions (must pass) and against broken
versions (must fail with the right message), so a check can never be unsatisfiable.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable

import torch


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.message


class _Fail(Exception):
    pass


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Fail(message)


def _run_check(name: str, body: Callable[[], None], success: str) -> CheckResult:
    try:
        body()
    except _Fail as fail:
        return CheckResult(False, f"{name}: {fail}")
    except NotImplementedError:
        return CheckResult(False, f"{name}: not implemented yet; replace `raise NotImplementedError` with your code.")
    except Exception as error:  # the learner's code crashed: show where, briefly
        where = traceback.extract_tb(error.__traceback__)[-1]
        return CheckResult(False, f"{name}: your code raised {type(error).__name__}: {error} "
                                  f"(line {where.lineno}: {where.line})")
    return CheckResult(True, f"{name}: {success}")


def _close(actual: Any, expected: torch.Tensor, what: str, atol: float = 1e-5) -> None:
    _require(isinstance(actual, torch.Tensor), f"{what} should be a torch.Tensor, got {type(actual).__name__}.")
    _require(tuple(actual.shape) == tuple(expected.shape),
             f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
    _require(torch.allclose(actual.float(), expected.float(), atol=atol, rtol=1e-4),
             f"{what} has the right shape but wrong values (largest error "
             f"{(actual.float() - expected.float()).abs().max().item():.3g}).")


# ---- notebook 00: the flow -------------------------------------------------------------------

# ---- notebook 01: tokens ---------------------------------------------------------------------

# ---- notebook 02: embeddings -----------------------------------------------------------------

# ---- notebook 03: queries and keys -----------------------------------------------------------

# ---- notebook 04: causal masking -------------------------------------------------------------

# ---- notebook 05: values ---------------------------------------------------------------------

# ---- notebook 06: multi-head attention -------------------------------------------------------

# ---- notebook 07: MLP, residuals, LayerNorm ---------------------------------------------------

# ---- notebook 08: unembedding and softmax ----------------------------------------------------

# ---- notebook 09: temperature and sampling ---------------------------------------------------

# ---- notebook 10: train a GPT ----------------------------------------------------------------

# ---- notebook 11: scale ----------------------------------------------------------------------

# ---- notebook 12: prompting ------------------------------------------------------------------

# ---- notebook 13: encoder-decoder ------------------------------------------------------------
