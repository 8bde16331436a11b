"""Notebook 04 (causal masking): the masking exercise, its reference solution beside its check.

- causal_softmax / check_causal_softmax: mask keys after each query with -inf, then softmax each row.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch

from .common import CheckFailed, CheckResult, close, future_mask, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def causal_softmax(scores: torch.Tensor) -> torch.Tensor:
    """Mask the future, then softmax each row: scores (..., T, T) -> pattern (..., T, T).

    Query i may look at keys j <= i (itself included). Future scores become -inf, so exp gives exactly 0.
    """
    T = scores.size(-1)
    future = torch.ones(T, T, dtype=torch.bool, device=scores.device).triu(diagonal=1)  # j > i
    return torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)


# ---- checks ----------------------------------------------------------------------------------------------

def check_causal_softmax(causal_softmax: Callable[[torch.Tensor], torch.Tensor]) -> CheckResult:
    """causal_softmax(scores (..., T, T)) must mask keys after each query with -inf and softmax each row."""

    def body() -> None:
        g = torch.Generator().manual_seed(4)
        T = 6
        scores = torch.randn(T, T, generator=g) * 2
        given = scores.clone()
        out = causal_softmax(scores)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        require(torch.equal(scores, given), "your function changed the scores it was given (an in-place "
                "masked_fill_?); return a new tensor and leave the input as it was.")
        require(tuple(out.shape) == (T, T), f"scores of shape {(T, T)} gave a pattern of shape "
                f"{tuple(out.shape)}; the pattern has one row per query and one column per key, like the scores.")
        future = future_mask(T)
        out = out.detach().float()
        nan_rows = torch.isnan(out).any(-1).nonzero().flatten().tolist()
        if nan_rows == [0]:
            raise CheckFailed("row 0 is NaN: you masked the diagonal too, so the first query has no key left and "
                              "softmax of all -inf is 0/0. A token may look at itself: mask only keys j > i "
                              "(torch.triu(..., diagonal=1)).")
        require(not nan_rows, f"the pattern has NaN in rows {nan_rows}; mask with float('-inf') only above "
                "the diagonal, and take the softmax over the last dimension.")
        masked = scores.masked_fill(future, float("-inf"))
        if torch.allclose(out, torch.softmax(masked, dim=-2), atol=1e-5):
            raise CheckFailed("the columns sum to 1, not the rows: you took the softmax over dim=-2. Each query "
                              "(row) spreads its attention over the keys: use dim=-1.")
        sums = out.sum(-1)
        worst = int((sums - 1).abs().argmax())
        require(torch.allclose(sums, torch.ones(T), atol=1e-4),
                f"rows do not sum to 1 (row {worst} sums to {sums[worst].item():.3f}); apply the softmax to "
                "each row (dim=-1) after masking, not before.")
        if (out[future].abs() > 1e-6).any():
            i, j = [int(x) for x in (future & (out.abs() > 1e-6)).nonzero()[0]]
            if torch.allclose(out, torch.softmax(scores.masked_fill(future, 0.0), dim=-1), atol=1e-5):
                raise CheckFailed(f"query {i} gives weight {out[i, j].item():.2f} to key {j}, which comes after it: you "
                                  "set future scores to 0, but exp(0) = 1, so the future still gets weight. Use "
                                  "float('-inf'): exp(-inf) = 0.")
            if torch.allclose(out, torch.softmax(scores, dim=-1), atol=1e-5):
                raise CheckFailed(f"no mask: query {i} gives weight {out[i, j].item():.2f} to key {j}, a later token, "
                                  "so it looks into the future. Set scores with j > i to -inf before the softmax.")
            raise CheckFailed(f"looks into the future: query {i} gives weight {out[i, j].item():.2f} to key {j} > {i}. "
                              "Every entry above the diagonal must be exactly 0 (did you mask the lower triangle?).")
        diag = out.diagonal()
        if not bool((diag > 0).all()):
            raise CheckFailed(f"query {int((diag <= 0).nonzero()[0])} gives itself weight 0: you masked the diagonal "
                              "too. A token may look at itself: mask only keys j > i.")
        close(out, torch.softmax(masked, dim=-1), "the pattern")
        batched = torch.randn(2, 3, 5, 5, generator=g)
        out_b = causal_softmax(batched)
        require(isinstance(out_b, torch.Tensor) and tuple(out_b.shape) == (2, 3, 5, 5),
                "scores shaped (B, nh, T, T) = (2, 3, 5, 5) must give a pattern of the same shape; build the "
                "mask from scores.size(-1) so it broadcasts over the leading dimensions.")
        close(out_b, torch.softmax(batched.masked_fill(future_mask(5), float("-inf")), dim=-1),
              "the pattern for scores shaped (2, 3, 5, 5)")

    return run_check("causal_softmax", body, "masks the future with -inf, keeps the diagonal, every row sums "
                     "to 1, and works on (B, nh, T, T) scores.")
