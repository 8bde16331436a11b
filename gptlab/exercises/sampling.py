"""Notebook 09 (temperature and sampling): the sampling exercises, each reference solution beside its check.

- apply_temperature / check_apply_temperature: softmax(logits / T), one-hot at the argmax for T = 0.
- top_k_filter / check_top_k_filter: keep the k most likely tokens and renormalise.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from .common import CheckFailed, CheckResult, close, is_close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def apply_temperature(logits: torch.Tensor, T: float) -> torch.Tensor:
    """softmax(logits / T) over the last axis; T = 0 puts all probability on the largest logit (greedy)."""
    if T == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.size(-1)).float()
    scaled = logits / T
    scaled = scaled - scaled.max(dim=-1, keepdim=True).values
    e = scaled.exp()
    return e / e.sum(dim=-1, keepdim=True)


def top_k_filter(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k most likely tokens of each distribution (..., V), zero the rest, renormalise."""
    _, idx = probs.topk(k, dim=-1)
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, idx, True)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)


# ---- checks ----------------------------------------------------------------------------------------------

def check_apply_temperature(apply_temperature: Callable[[torch.Tensor, float], torch.Tensor]) -> CheckResult:
    """Your apply_temperature(logits, T) must return softmax(logits / T), one-hot at the argmax for T = 0."""

    def body() -> None:
        g = torch.Generator().manual_seed(9)
        z = torch.randn(3, 8, generator=g) * 2
        out = apply_temperature(z.clone(), 1.0)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        require(tuple(out.shape) == (3, 8), f"logits of shape (3, 8) gave shape {tuple(out.shape)}.")
        if is_close(out, z):
            raise CheckFailed("you returned the scaled logits: return probabilities, softmax(logits / T).")
        close(out, torch.softmax(z, -1), "apply_temperature(logits, 1) (should equal the plain softmax)")
        hot = apply_temperature(z.clone(), 2.0)
        if is_close(hot, torch.softmax(z * 2, -1)):
            raise CheckFailed("at T=2 your distribution got SHARPER: you multiplied the logits by T; divide by it "
                              "(softmax(logits / T)), so a high temperature flattens the distribution.")
        close(hot, torch.softmax(z / 2, -1), "apply_temperature(logits, 2)")
        close(apply_temperature(z.clone(), 0.5), torch.softmax(z / 0.5, -1), "apply_temperature(logits, 0.5)")
        try:
            cold = apply_temperature(z.clone(), 0.0)
        except ZeroDivisionError:
            raise CheckFailed("T=0 raised ZeroDivisionError: handle T == 0 before dividing, and return a one-hot "
                              "distribution at the argmax (greedy decoding).") from None
        require(isinstance(cold, torch.Tensor) and tuple(cold.shape) == (3, 8),
                "T=0 must return a tensor of the same shape as the logits.")
        require(not torch.isnan(cold).any(),
                "T=0 gave nan: logits / 0 is ±inf and softmax of infinities is nan. Handle T == 0 separately: "
                "a one-hot distribution at the argmax (greedy decoding).")
        close(cold, F.one_hot(z.argmax(-1), 8).float(),
              "apply_temperature(logits, 0) (should be one-hot at the largest logit)")
        close(apply_temperature(z[0].clone(), 0.0), F.one_hot(z[0].argmax(), 8).float(),
              "apply_temperature of a 1-D vector at T=0")
        big = torch.tensor([[1000.0, 999.0, 0.0]])
        require(torch.isfinite(apply_temperature(big.clone(), 0.5)).all(),
                "logits [1000, 999, 0] at T=0.5 overflow to nan: subtract the max before exp.")

    return run_check("apply_temperature", body, "divides by T, is greedy at T=0 and stays finite.")


def check_top_k_filter(top_k_filter: Callable[[torch.Tensor, int], torch.Tensor]) -> CheckResult:
    """Your top_k_filter(probs, k) must keep exactly the k largest probabilities of each row and renormalise."""

    def body() -> None:
        g = torch.Generator().manual_seed(9)
        probs = torch.softmax(torch.randn(4, 10, generator=g) * 2, -1)
        k = 3
        out = top_k_filter(probs.clone(), k)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        require(tuple(out.shape) == (4, 10), f"probs of shape (4, 10) gave shape {tuple(out.shape)}; keep the "
                                              "shape and set the dropped tokens to 0.")
        kept = (out > 0).sum(-1)
        if (kept == k + 1).any():
            raise CheckFailed(f"with k={k} you kept {k + 1} tokens in a row: an off-by-one (e.g. [:k+1], or comparing "
                              "with the (k+1)-th value). Keep exactly k.")
        require((kept == k).all(), f"with k={k} the rows keep {kept.tolist()} tokens; keep exactly k per row.")
        top = probs.topk(k, -1).indices
        expected_mask = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, top, True)
        require(((out > 0) == expected_mask).all(), "you kept the wrong tokens: keep the k LARGEST probabilities "
                                                    "of each row (topk over the last axis).")
        sums = out.sum(-1)
        if not torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
            raise CheckFailed(f"rows sum to {[round(float(s), 3) for s in sums]}: after dropping tokens, renormalise "
                              "(divide by the kept probabilities' sum) so each row sums to 1 again.")
        expected = torch.where(expected_mask, probs, torch.zeros_like(probs))
        close(out, expected / expected.sum(-1, keepdim=True), "top_k_filter(probs, 3)")
        close(top_k_filter(probs.clone(), 10), probs, "top_k_filter(probs, V) (should change nothing)")
        one = top_k_filter(probs[0].clone(), 1)
        require(tuple(one.shape) == (10,) and int((one > 0).sum()) == 1 and abs(float(one.sum()) - 1) < 1e-5,
                "a 1-D distribution with k=1 must become one-hot at its most likely token.")

    return run_check("top_k_filter", body, "keeps exactly the k most likely tokens and renormalises.")
