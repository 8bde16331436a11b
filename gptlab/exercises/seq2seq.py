"""Notebook 13 (encoder-decoder): the cross-attention exercise, its reference solution beside its check.

- cross_attention / check_cross_attention: queries from the decoder, keys and values from the encoder, no mask.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math

import torch

from .common import CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def cross_attention(x_dec: torch.Tensor, memory: torch.Tensor, Wq: torch.Tensor, Wk: torch.Tensor,
                    Wv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One head of cross-attention: (output (..., T, d_v), pattern (..., T, S)).

    Queries come from the decoder (x_dec: (..., T, C)), keys and values from the encoder's output
    (memory: (..., S, C)). No mask: every output position may look at every input position.
    """
    q = x_dec @ Wq  # (..., T, d_k)
    k = memory @ Wk  # (..., S, d_k)
    v = memory @ Wv  # (..., S, d_v)
    pattern = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), dim=-1)  # (..., T, S)
    return pattern @ v, pattern


# ---- checks ----------------------------------------------------------------------------------------------

def check_cross_attention(fn) -> CheckResult:
    """Notebook 13: cross_attention(x_dec, memory, Wq, Wk, Wv) -> (output, pattern), one head, no mask."""
    g = torch.Generator().manual_seed(13)
    T, S, C, d_k, d_v = 4, 6, 8, 5, 3  # all different, so a mix-up shows in a shape
    x_dec, memory = torch.randn(T, C, generator=g), torch.randn(S, C, generator=g)
    Wq, Wk, Wv = (torch.randn(C, d, generator=g) for d in (d_k, d_k, d_v))

    def reference(x, mem, scale=True, mask=None):
        scores = (x @ Wq) @ (mem @ Wk).transpose(-2, -1) / (math.sqrt(d_k) if scale else 1.0)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        pattern = torch.softmax(scores, dim=-1)
        return pattern @ (mem @ Wv), pattern

    def body() -> None:
        result = fn(x_dec, memory, Wq, Wk, Wv)
        require(isinstance(result, tuple) and len(result) == 2,
                "return two tensors: (output, pattern), like gptlab.attention.attention.")
        out, pattern = result
        require(isinstance(pattern, torch.Tensor) and isinstance(out, torch.Tensor),
                "output and pattern should both be torch.Tensors.")
        shape = tuple(pattern.shape)
        require(shape != (S, S) and shape != (S, T),
                f"the pattern has shape {shape}: one row per ENCODER position, so your queries came from memory. "
                f"Cross-attention takes queries from the decoder (x_dec @ Wq) and keys and values from memory: "
                f"expected ({T}, {S}).")
        require(shape != (T, T),
                f"the pattern has shape {shape}: your keys came from x_dec, which makes it self-attention. "
                f"Keys (and values) come from memory: expected ({T}, {S}).")
        require(shape == (T, S), f"the pattern has shape {shape}, expected (T_dec, S_enc) = ({T}, {S}).")
        require(torch.allclose(pattern.sum(-1), torch.ones(T), atol=1e-4),
                "the pattern's rows do not sum to 1: take the softmax over the keys (dim=-1)"
                + (" (you normalised the columns, dim=0)." if torch.allclose(pattern.sum(0), torch.ones(S), atol=1e-4)
                    else "."))
        for mask in (torch.ones(T, S, dtype=torch.bool).tril(), torch.ones(T, S, dtype=torch.bool).tril(S - T)):
            require(not ((pattern[~mask] == 0).all() and torch.allclose(pattern, reference(x_dec, memory, mask=mask)[1],
                                                                         atol=1e-4)),
                     "the pattern is zero above a diagonal: you applied a causal mask. Cross-attention is never "
                     "masked: the whole input sentence is known before the decoder starts, so every output "
                     "position may look at every input position.")
        want_out, want_pattern = reference(x_dec, memory)
        require(not torch.allclose(pattern, reference(x_dec, memory, scale=False)[1], atol=1e-4),
                f"the scores are not divided by sqrt(d_k) = sqrt({d_k}); without it large dot products saturate "
                "the softmax.")
        close(pattern, want_pattern, "the pattern", atol=1e-4)
        require(tuple(out.shape) == (T, d_v),
                f"the output has shape {tuple(out.shape)}, expected (T_dec, d_v) = ({T}, {d_v}): "
                "pattern @ (memory @ Wv).")
        close(out, want_out, "the output (pattern @ (memory @ Wv))", atol=1e-4)
        batched = fn(x_dec[None].expand(2, T, C), memory[None].expand(2, S, C), Wq, Wk, Wv)
        require(isinstance(batched, tuple) and tuple(batched[1].shape) == (2, T, S),
                "with a batch (B, T, C) the pattern should be (B, T, S): transpose the keys with "
                "k.transpose(-2, -1) rather than k.T.")
        close(batched[0][1], want_out, "the batched output", atol=1e-4)

    return run_check("check_cross_attention", body,
                     "queries from the decoder, keys and values from the encoder, scaled, no mask; "
                     "the pattern is (T_dec, S_enc) and every row sums to 1.")
