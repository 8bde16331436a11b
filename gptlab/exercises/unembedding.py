"""Notebook 08 (unembedding and softmax): the probability exercises, each reference solution beside its check.

- softmax / check_softmax: probabilities over the last axis that survive huge logits.
- cross_entropy / check_cross_entropy: the mean negative log-probability of the true next tokens.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from .common import CheckFailed, CheckResult, close, is_close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Probabilities over the last axis, (..., V) -> (..., V); safe for huge logits."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values  # largest becomes 0: exp never overflows
    e = shifted.exp()
    return e / e.sum(dim=-1, keepdim=True)


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-probability of the true next tokens: logits (N, V), targets (N,) -> a scalar."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()  # log-softmax, no overflow
    return -log_probs[torch.arange(len(targets)), targets].mean()


# ---- checks ----------------------------------------------------------------------------------------------

def check_softmax(softmax: Callable[[torch.Tensor], torch.Tensor]) -> CheckResult:
    """Your softmax(logits) must normalise the last axis and survive huge logits."""

    def body() -> None:
        g = torch.Generator().manual_seed(8)
        z = torch.randn(4, 7, generator=g) * 2
        out = softmax(z.clone())
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        require(tuple(out.shape) == (4, 7), f"logits of shape (4, 7) gave shape {tuple(out.shape)}; "
                                             "softmax keeps the shape, one probability per logit.")
        require(not torch.isnan(out).any(), "the output contains nan on ordinary logits.")
        require((out >= 0).all(), "some probabilities are negative: exponentiate the logits (exp) before normalising.")
        rows, cols = out.sum(-1), out.sum(0)
        if not torch.allclose(rows, torch.ones_like(rows), atol=1e-4):
            if torch.allclose(cols, torch.ones_like(cols), atol=1e-4):
                raise CheckFailed("you normalised over the wrong axis: the columns sum to 1 but each row (the "
                                  "vocabulary, the last axis) must; use dim=-1 and keepdim=True.")
            raise CheckFailed(f"rows sum to {[round(float(s), 3) for s in rows]}, not 1: divide exp(logits) by "
                              "its sum over the last axis.")
        close(out, torch.softmax(z, dim=-1), "softmax of random logits")
        one = softmax(z[0].clone())
        close(one, torch.softmax(z[0], dim=-1), "softmax of a 1-D vector of logits")
        big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])
        alone = softmax(big[:1].clone())
        require(torch.isfinite(alone).all(),
                "logits [1000, 1001, 1002] gave nan/inf: exp(1000) overflows float32 to inf and inf/inf = nan. "
                "Subtract the largest logit first: softmax(z) = softmax(z - max(z)), and exp of a number <= 0 "
                "never overflows.")
        out_big = softmax(big.clone())
        require(torch.isfinite(out_big).all(),
                "rows [1000, 1001, 1002] and [-1000, -1001, -1002] together gave nan: subtract each row's OWN "
                "max (logits.max(dim=-1, keepdim=True).values), not one max over the whole tensor.")
        close(out_big, torch.softmax(big, dim=-1), "softmax of huge logits")

    return run_check("softmax", body, "normalises the last axis and stays finite for logits of ±1000.")


def check_cross_entropy(cross_entropy: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """Your cross_entropy(logits (N, V), targets (N,)) must be the mean of -log p(target)."""

    def body() -> None:
        g = torch.Generator().manual_seed(8)
        z = torch.randn(6, 5, generator=g) * 2
        y = torch.tensor([0, 3, 1, 4, 4, 2])
        out = cross_entropy(z.clone(), y.clone())
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        expected = F.cross_entropy(z, y)
        per_position = F.cross_entropy(z, y, reduction="none")
        p_true = torch.softmax(z, -1)[torch.arange(6), y]
        if out.numel() != 1:
            if is_close(out.reshape(-1), per_position):
                raise CheckFailed(f"you returned one loss per position (shape {tuple(out.shape)}); the loss is their "
                                  "mean, a single number: add .mean().")
            raise CheckFailed(f"the loss must be a single number, got shape {tuple(out.shape)}.")
        out = out.reshape(())
        require(not torch.isnan(out), "the loss is nan on ordinary logits.")
        if is_close(out, -expected):
            raise CheckFailed(f"your loss is {float(out):.3f}, the right one is {float(expected):.3f}: the minus sign is "
                              "missing. log-probabilities are <= 0, so the loss is -log p (a positive number).")
        if is_close(out, -p_true.mean()) or is_close(out, p_true.mean()) or is_close(out, 1 - p_true.mean()):
            raise CheckFailed("your loss uses the probability of the true token, not its log: take -log(p) "
                              "(log-softmax) and average that.")
        if is_close(out, per_position.sum()):
            raise CheckFailed("you summed over positions; take the mean so the loss does not grow with the batch.")
        wrong_axis = -torch.log_softmax(z, 0)[torch.arange(6), y].mean()
        if is_close(out, wrong_axis):
            raise CheckFailed("you took the softmax over the wrong axis: normalise each row (dim=-1, the vocabulary).")
        require(is_close(out, expected), f"your loss is {float(out):.4f}, expected {float(expected):.4f} "
                                           "(the mean of -log softmax(logits)[target]).")
        big = z * 500
        out_big = cross_entropy(big.clone(), y.clone()).reshape(())
        require(torch.isfinite(out_big),
                "logits in the thousands gave inf/nan: compute log-softmax as (z - max) - log(sum(exp(z - max))) "
                "instead of log(exp(z) / sum(exp(z))).")
        require(is_close(out_big, F.cross_entropy(big, y), atol=1e-2),
                "huge logits give the wrong loss: compute log-softmax with the max subtracted.")

    return run_check("cross_entropy", body, "equals F.cross_entropy, also for huge logits.")
