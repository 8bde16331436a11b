"""Notebook 03 (queries and keys): the attention-weights exercise, its reference solution beside its check.

- attention_weights / check_attention_weights: softmax(q k^T / sqrt(d_k)), one row per query.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from .common import CheckFailed, CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def attention_weights(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """softmax(q k^T / sqrt(d_k)) over the keys: q (Tq, d_k), k (Tk, d_k) -> (Tq, Tk), rows sum to 1."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (Tq, Tk): row i = query i against every key
    return torch.softmax(scores, dim=-1)


# ---- checks ----------------------------------------------------------------------------------------------

def check_attention_weights(attention_weights: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """attention_weights(q, k) must be softmax(q k^T / sqrt(d_k)) with each row (one query) summing to 1."""

    def body() -> None:
        g = torch.Generator().manual_seed(0)
        Tq, Tk, d_k = 3, 5, 16  # Tq != Tk so a transpose shows up in the shape
        q, k = torch.randn(Tq, d_k, generator=g), torch.randn(Tk, d_k, generator=g)
        raw = q @ k.T
        expected = torch.softmax(raw / math.sqrt(d_k), dim=-1)
        out = attention_weights(q, k)
        require(isinstance(out, torch.Tensor), f"attention_weights should return a torch.Tensor, "
                                                f"got {type(out).__name__}.")
        if tuple(out.shape) == (Tk, Tq):
            raise CheckFailed(f"with {Tq} queries and {Tk} keys the result should be ({Tq}, {Tk}), one row per query, "
                              f"but it is ({Tk}, {Tq}): compute q @ k.T (queries as rows), not k @ q.T.")
        require(tuple(out.shape) == (Tq, Tk),
                f"with q of shape {tuple(q.shape)} and k of shape {tuple(k.shape)} the result should have shape "
                f"({Tq}, {Tk}), got {tuple(out.shape)}.")
        out = out.float()
        candidates = {
            "you divided by d_k; divide by sqrt(d_k) (math.sqrt(d_k) or d_k ** 0.5) instead":
                torch.softmax(raw / d_k, dim=-1),
            "the sqrt(d_k) scaling is missing: divide the scores q @ k.T by math.sqrt(d_k) before the softmax "
            "(without it the scores have variance d_k and the softmax saturates)": torch.softmax(raw, dim=-1),
            "the softmax runs over the wrong axis: each ROW (one query against every key) must sum to 1; "
            "use softmax(..., dim=-1), not dim=0": torch.softmax(raw / math.sqrt(d_k), dim=0),
            "the softmax runs over the wrong axis and the sqrt(d_k) scaling is missing: use "
            "softmax(q @ k.T / math.sqrt(d_k), dim=-1)": torch.softmax(raw, dim=0),
            "these are the scaled scores before the softmax; apply torch.softmax(..., dim=-1) so every row "
            "becomes a probability distribution": raw / math.sqrt(d_k),
            "these are the raw scores q @ k.T: divide by math.sqrt(d_k) and apply softmax over each row":
                raw,
        }
        for message, wrong in candidates.items():
            if torch.allclose(out, wrong, atol=1e-5):
                raise CheckFailed(message + ".")
        sums = out.sum(dim=-1)
        require(torch.allclose(sums, torch.ones(Tq), atol=1e-4),
                f"every row should sum to 1 (one probability per key), but the row sums are "
                f"{[round(s, 3) for s in sums.tolist()]}.")
        close(out, expected, "attention_weights(q, k)")

    return run_check("attention_weights", body,
                     "scores scaled by sqrt(d_k), one softmax per query row, every row sums to 1.")
