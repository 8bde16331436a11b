"""Notebook 06 (multi-head attention): the multi-head exercise, its reference solution beside its check.

- multi_head_attention / check_multi_head_attention: split into heads, attend, merge, project,
  with the weights of a CausalSelfAttention.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from ..attention import CausalSelfAttention
from ..config import GPTConfig
from .common import CheckFailed, CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def multi_head_attention(x: torch.Tensor, attn) -> torch.Tensor:
    """Masked multi-head self-attention written out with the weights of `attn` (a CausalSelfAttention).

    x: (B, T, C) -> (B, T, C), the change all heads together propose for every position.
    """
    B, T, C = x.shape
    nh = attn.n_head
    hs = C // nh
    q, k, v = attn.c_attn(x).split(C, dim=2)  # each (B, T, C): all heads' queries side by side
    # split heads: (B, T, C) -> (B, T, nh, hs) -> (B, nh, T, hs); the transpose keeps each head's columns together
    q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
    allowed = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
    pattern = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
    z = pattern @ v  # (B, nh, T, hs): each head's output
    merged = z.transpose(1, 2).reshape(B, T, C)  # heads side by side again
    return attn.c_proj(merged)  # the output matrix: every head's value-up map, summed


# ---- checks ----------------------------------------------------------------------------------------------

def _mha_variant(x: torch.Tensor, attn, split_ok: bool = True, merge_ok: bool = True, project: bool = True,
                 causal: bool = True, scale: str = "hs") -> torch.Tensor:
    """Multi-head attention with one deliberate mistake, to recognise a learner's version."""
    B, T, C = x.shape
    nh = attn.n_head
    hs = C // nh
    q, k, v = attn.c_attn(x).split(C, dim=2)
    if split_ok:
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
    else:  # reshape straight to (B, nh, T, hs): mixes positions and heads
        q, k, v = (t.reshape(B, nh, T, hs) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1)
    if scale == "hs":
        scores = scores / math.sqrt(hs)
    elif scale == "C":
        scores = scores / math.sqrt(C)
    if causal:
        allowed = torch.ones(T, T, dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    z = torch.softmax(scores, dim=-1) @ v
    merged = z.transpose(1, 2).reshape(B, T, C) if merge_ok else z.reshape(B, T, C)
    return attn.c_proj(merged) if project else merged


def check_multi_head_attention(fn: Callable) -> CheckResult:
    """fn(x, attn) -> (B, T, C): multi-head attention written with attn.c_attn, attn.c_proj and attn.n_head."""

    def body() -> None:
        for n_head in (4, 2):
            torch.manual_seed(6)
            attn = CausalSelfAttention(GPTConfig(block_size=8, vocab_size=8, n_layer=1, n_head=n_head, n_embd=16)).eval()
            with torch.no_grad():
                for p in attn.parameters():  # give the biases values too, so a dropped bias shows
                    p.normal_(0, 0.5)
            x = torch.randn(2, 6, 16)
            B, T, C = x.shape
            hs = C // n_head
            with torch.no_grad():
                expected = attn(x)
                out = fn(x.clone(), attn)
            require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
            require(tuple(out.shape) != (B, n_head, T, hs),
                    f"the result has shape {tuple(out.shape)} = (B, nh, T, hs): the heads' outputs are still "
                    "separate. Merge them back to (B, T, C) (transpose(1, 2) then reshape) and apply attn.c_proj.")
            require(tuple(out.shape) == (B, T, C),
                    f"the result has shape {tuple(out.shape)}, expected (B, T, C) = {(B, T, C)} for x of that shape.")
            if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
                continue
            with torch.no_grad():
                mistakes = [
                    (dict(project=False), "you return the merged heads without the output projection: "
                                          "apply attn.c_proj (every head's value-up map) at the end."),
                    (dict(split_ok=False), "the heads are split wrongly: reshaping (B, T, C) straight to (B, nh, T, hs) "
                                           "mixes positions and heads. Use .view(B, T, nh, hs).transpose(1, 2)."),
                    (dict(split_ok=False, merge_ok=False), "the heads are split and merged wrongly: reshaping "
                     "(B, T, C) straight to (B, nh, T, hs) mixes positions and heads. Use .view(B, T, nh, hs)"
                     ".transpose(1, 2), and transpose back before merging."),
                    (dict(merge_ok=False), "the heads are merged wrongly: reshaping (B, nh, T, hs) straight to "
                                           "(B, T, C) mixes positions and heads. Use .transpose(1, 2).reshape(B, T, C)."),
                    (dict(causal=False), "positions look into the future: mask scores of later keys with -inf "
                                         "before the softmax."),
                    (dict(scale="C"), "the scores are divided by sqrt(C) (the full width); each head divides by "
                                      "sqrt(hs), its own head size C // n_head."),
                    (dict(scale="none"), "the scores are not divided by sqrt(hs) (the head size) before the softmax."),
                ]
                for kwargs, message in mistakes:
                    if torch.allclose(out, _mha_variant(x, attn, **kwargs), atol=1e-5, rtol=1e-4):
                        raise CheckFailed(message)
                if torch.allclose(out, expected - attn.c_proj.bias, atol=1e-5, rtol=1e-4):
                    raise CheckFailed("the output projection's bias is missing: use attn.c_proj(...) rather than "
                                      "multiplying by attn.c_proj.weight alone.")
            require(n_head != 2, "right for 4 heads but wrong for 2: take the number of heads from attn.n_head "
                                  "and the head size from C // attn.n_head instead of fixing them.")
            close(out, expected, f"with n_head={n_head}, the output")

    return run_check("multi_head_attention", body,
                     "matches CausalSelfAttention for 4 heads and 2 heads: split, attend, merge, project.")
