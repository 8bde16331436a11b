"""Notebook 05 (values): the one-head exercise, its reference solution beside its check.

- head_update / check_head_update: one causal attention head's change dE to every embedding.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from .common import CheckFailed, CheckResult, close, future_mask, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def head_update(x: torch.Tensor, Wq: torch.Tensor, Wk: torch.Tensor, Wv_down: torch.Tensor,
                Wv_up: torch.Tensor) -> torch.Tensor:
    """One causal attention head's change dE to every embedding: x (..., T, C) -> dE (..., T, C).

    Wq, Wk, Wv_down: (C, hs); Wv_up: (hs, C). Each position gets the pattern-weighted sum of the
    earlier positions' value vectors, mapped back up to the embedding width.
    """
    q, k, v = x @ Wq, x @ Wk, x @ Wv_down  # (..., T, hs)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (..., T, T)
    T = x.size(-2)
    future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(diagonal=1)
    pattern = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    return (pattern @ v) @ Wv_up  # (..., T, hs) -> (..., T, C)


# ---- checks ----------------------------------------------------------------------------------------------

def _head_variants(x, Wq, Wk, Wd, Wu) -> dict[str, torch.Tensor]:
    """The right dE and the usual wrong ones, to name a learner's mistake precisely."""
    T = x.size(-2)
    q, k, v = x @ Wq, x @ Wk, x @ Wd
    raw = q @ k.transpose(-2, -1)
    future = future_mask(T)

    def pat(scores, causal=True, dim=-1):
        return torch.softmax(scores.masked_fill(future, float("-inf")) if causal else scores, dim=dim)

    scaled = raw / math.sqrt(q.size(-1))
    right = pat(scaled) @ v @ Wu
    return {"right": right, "no mask": pat(scaled, causal=False) @ v @ Wu, "no scale": pat(raw) @ v @ Wu,
            "columns": pat(scaled, dim=-2) @ v @ Wu, "embeddings": pat(scaled) @ x, "residual": x + right}


def check_head_update(head_update: Callable[..., torch.Tensor]) -> CheckResult:
    """head_update(x (..., T, C), Wq, Wk, Wv_down (C, hs), Wv_up (hs, C)) must return one head's dE (..., T, C)."""

    def body() -> None:
        g = torch.Generator().manual_seed(5)
        T, C, hs = 6, 12, 4
        x = torch.randn(T, C, generator=g)
        Wq, Wk, Wd = (torch.randn(C, hs, generator=g) for _ in range(3))
        Wu = torch.randn(hs, C, generator=g)
        ref = _head_variants(x, Wq, Wk, Wd, Wu)
        out = head_update(x, Wq, Wk, Wd, Wu)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor (dE), got {type(out).__name__}.")
        shape = tuple(out.shape)
        if shape == (T, hs):
            raise CheckFailed(f"dE has shape {shape} = (T, hs): those are the weighted values in the head's small "
                              f"space. You forgot the up-projection: multiply by Wv_up (hs -> C) to get back to "
                              f"the embedding width, shape {(T, C)}.")
        require(shape != (T, T), f"you returned a {(T, T)} tensor, the pattern; use it to weight the values: "
                "dE = (pattern @ v) @ Wv_up.")
        require(shape == (T, C), f"x of shape {(T, C)} (T, C) gave dE of shape {shape}; dE must have one change "
                f"per position, as wide as the embedding: {(T, C)}.")
        out = out.detach().float()
        matches = {name: torch.allclose(out, value, atol=1e-4, rtol=1e-4) for name, value in ref.items()}
        if matches["right"]:
            pass
        elif matches["no mask"]:
            raise CheckFailed("missing causal mask: position 0's change uses values of later tokens. Set the scores "
                              "of keys j > i to -inf before the softmax.")
        elif matches["no scale"]:
            raise CheckFailed(f"off by the sqrt(d_k) factor: divide the scores q k^T by sqrt(hs) = {hs ** 0.5:.0f} "
                              "before the softmax.")
        elif matches["columns"]:
            raise CheckFailed("the softmax runs over dim=-2 (columns); each query's weights over keys must sum to 1: "
                              "use dim=-1.")
        elif matches["embeddings"]:
            raise CheckFailed("you averaged the embeddings x themselves; a head adds values: "
                              "(pattern @ (x @ Wv_down)) @ Wv_up.")
        elif matches["residual"]:
            raise CheckFailed("you returned E' = x + dE; return only the change dE (the block adds it to x).")
        else:
            close(out, ref["right"], "dE", atol=1e-4)
        xb = torch.randn(2, T, C, generator=g)
        out_b = head_update(xb, Wq, Wk, Wd, Wu)
        close(out_b, _head_variants(xb, Wq, Wk, Wd, Wu)["right"], "dE for a batch x of shape (2, 6, 12)",
              atol=1e-4)

    return run_check("head_update", body, "queries, keys, causal pattern, value-down, weighted sum and "
                     "value-up all right; works on batches too.")
