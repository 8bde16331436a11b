"""Attention, built from the parts notebooks 03-06 teach: query, key, scores, scaling, causal mask,
softmax, value, output.

The pure functions take tensors shaped (..., T, hs) so they work for one head or for (B, nh, T, hs).
`CausalSelfAttention` is the module the GPT uses: fast by default, explicit when asked for a cache.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import GPTConfig


def attention_scores(q: torch.Tensor, k: torch.Tensor, scale: bool = True) -> torch.Tensor:
    """How well each query matches each key: q @ k^T, divided by sqrt(hs) unless scale=False.

    q: (..., Tq, hs), k: (..., Tk, hs) -> (..., Tq, Tk). Row i holds query i's score for every key.
    Why the division: for unit-variance q and k the dot product has variance hs (notebook 03).
    """
    scores = q @ k.transpose(-2, -1)
    return scores / math.sqrt(q.size(-1)) if scale else scores


def causal_mask(T: int, device: torch.device | str | None = None) -> torch.Tensor:
    """(T, T) boolean, True where query i may look at key j, i.e. j <= i (notebook 04)."""
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def mask_future(scores: torch.Tensor) -> torch.Tensor:
    """Set every score of a key later than its query to -inf, so softmax gives it exactly 0."""
    Tq, Tk = scores.shape[-2:]
    allowed = torch.ones(Tq, Tk, dtype=torch.bool, device=scores.device).tril(diagonal=Tk - Tq)
    return scores.masked_fill(~allowed, float("-inf"))


def attention_pattern(q: torch.Tensor, k: torch.Tensor, causal: bool = True) -> torch.Tensor:
    """softmax(q k^T / sqrt(hs)) over keys, with the future masked when causal: every row sums to 1."""
    scores = attention_scores(q, k)
    if causal:
        scores = mask_future(scores)
    return torch.softmax(scores, dim=-1)


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """The explicit path: returns (pattern @ v, pattern). v: (..., Tk, hs) -> (..., Tq, hs)."""
    pattern = attention_pattern(q, k, causal)
    return pattern @ v, pattern


def split_heads(x: torch.Tensor, n_head: int) -> torch.Tensor:
    """(B, T, C) -> (B, nh, T, hs)."""
    B, T, C = x.shape
    return x.view(B, T, n_head, C // n_head).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(B, nh, T, hs) -> (B, T, C): the heads' outputs side by side (concatenated)."""
    B, nh, T, hs = x.shape
    return x.transpose(1, 2).reshape(B, T, nh * hs)


class CausalSelfAttention(nn.Module):
    """Multi-head masked self-attention, GPT-2 style (notebooks 03-06).

    c_attn holds W_q, W_k and W_v side by side (one matmul instead of three); c_proj is the output
    matrix, all heads' value-up maps side by side. Parameter names match GPT-2 checkpoints.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)

    def qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Queries, keys and values of x (B, T, C), each (B, nh, T, hs)."""
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        return split_heads(q, self.n_head), split_heads(k, self.n_head), split_heads(v, self.n_head)

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None, name: str = "attn") -> torch.Tensor:
        """x: (B, T, C) -> the change to add to the residual stream, (B, T, C).

        With a `cache` dict, take the explicit path and record q, k, v, pattern and the heads' output
        under `name` (e.g. "blocks.0.attn.pattern", shape (B, nh, T, T)).
        """
        q, k, v = self.qkv(x)  # (B, nh, T, hs)
        if cache is None:
            y = F.scaled_dot_product_attention(
                q, k, v, dropout_p=self.dropout if self.training else 0.0, is_causal=True
            )
        else:
            pattern = attention_pattern(q, k, causal=True)  # (B, nh, T, T)
            y = self.attn_dropout(pattern) @ v  # (B, nh, T, hs)
            cache.update({f"{name}.q": q, f"{name}.k": k, f"{name}.v": v, f"{name}.pattern": pattern,
                          f"{name}.z": y})
        return self.resid_dropout(self.c_proj(merge_heads(y)))
