"""Attention, built from the parts notebooks 03-06 teach: query, key, scores, scaling, causal mask,
softmax, value, output (notebooks 03-06; the module contract below is notebook 10's).

The pure functions take tensors shaped (..., T, hs) so they work for one head or for (B, nh, T, hs).
`CausalSelfAttention` is the module the GPT uses: fast by default (scaled-dot-product attention),
explicit (the full T x T pattern) only while `GPT.run_with_cache` records it.

Your own attention module inside a GPT (`GPT(config, attention=MyAttention)`, notebook 10)
---------------------------------------------------------------------------------------------
It must do one thing: `MyAttention(config)` builds it, and `forward(self, x)` maps x (B, T, C) to the
change it adds to the residual stream, (B, T, C), causally. Then training, generation and
`run_with_cache` all work with it. Two optional extras:

- To be seen by `run_with_cache` (and so by `attention_patterns` and the pattern pictures), hand your
  tensors over in forward: `record(self, pattern=pattern)` (any of q, k, v, pattern, z; pattern shaped
  (B, nh, T, T)). Outside `run_with_cache` the call does nothing and costs next to nothing.
- To generate with a KV cache instead of re-reading the window for each new token, set the class
  attribute `supports_kv_cache = True` and, in forward, pass the new keys and values through
  `k, v = extend_kv(self, k, v)` (each (B, nh, T, hs)): you get back every key and value so far, so k
  may be longer than q; mask with `mask_future`, which shifts the causal mask past the cached tokens.

Without these, run_with_cache still records what forward hooks see from outside the module ("embed",
each block's "attn.out", "resid_mid", "mlp.out", "resid_post", and "ln_f"), and generation re-reads
the window for each new token: slower, same tokens.
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


def causal_mask(T: int, device: torch.device | str | None = None, past: int = 0) -> torch.Tensor:
    """(T, past + T) boolean, True where query i may look at key j, i.e. j <= i (notebook 04).

    `past` counts keys from earlier tokens that come before these T queries (a KVCache holds them):
    query i is then token past + i and sees keys 0..past + i.
    """
    return torch.ones(T, past + T, dtype=torch.bool, device=device).tril(diagonal=past)


def mask_future(scores: torch.Tensor) -> torch.Tensor:
    """Set every score of a key later than its query to -inf, so softmax gives it exactly 0."""
    Tq, Tk = scores.shape[-2:]
    return scores.masked_fill(~causal_mask(Tq, scores.device, past=Tk - Tq), float("-inf"))


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


class KVCache:
    """The keys and values of the tokens a model has read so far: one (B, nh, T, hs) pair per layer.

    A token's key and value depend only on it and the tokens before it, so while a sequence grows
    they never change. Generation keeps them here and runs the model on the newest token alone,
    instead of re-reading the whole context for every new token (notebook 09).
    """

    def __init__(self) -> None:
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []

    def __len__(self) -> int:
        """How many tokens are cached."""
        return self.keys[0].size(2) if self.keys else 0

    def extend(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Append new keys and values of `layer` (B, nh, T_new, hs); return all of that layer's so far."""
        if layer == len(self.keys):
            self.keys.append(k)
            self.values.append(v)
        else:
            self.keys[layer] = torch.cat([self.keys[layer], k], dim=2)
            self.values[layer] = torch.cat([self.values[layer], v], dim=2)
        return self.keys[layer], self.values[layer]


# What a GPT attaches to an attention (or MLP) module for the length of one call, and detaches after
# (model.py's `_attached`): a recorder while run_with_cache runs, a layer's KV-cache slot while a
# KVCache is passed. Plain attributes, so the module's forward keeps one argument.
RECORDER = "_gptlab_recorder"
KV_SLOT = "_gptlab_kv_slot"


class Recorder:
    """Writes a module's named tensors into a run_with_cache dict under one prefix ("blocks.0.attn")."""

    def __init__(self, cache: dict[str, torch.Tensor], prefix: str):
        self.cache, self.prefix = cache, prefix

    def __call__(self, **tensors: torch.Tensor) -> None:
        self.cache.update({f"{self.prefix}.{name}": t for name, t in tensors.items()})


class KVSlot:
    """One layer's place in a KVCache: what an attention module extends during a cached call."""

    def __init__(self, kv_cache: KVCache, layer: int):
        self.kv_cache, self.layer = kv_cache, layer

    def extend(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.kv_cache.extend(self.layer, k, v)


def is_recording(module: nn.Module) -> bool:
    """True while `GPT.run_with_cache` records this module: take the explicit path then."""
    return getattr(module, RECORDER, None) is not None


def record(module: nn.Module, **tensors: torch.Tensor) -> None:
    """Hand named activations (q, k, v, pattern, z, hidden, ...) to run_with_cache; a no-op otherwise.

    Call it from forward as `record(self, pattern=pattern)`; see this module's docstring (notebook 10).
    """
    recorder = getattr(module, RECORDER, None)
    if recorder is not None:
        recorder(**tensors)


def extend_kv(module: nn.Module, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The keys and values to attend to: k, v (B, nh, T, hs) themselves, or, while the GPT runs with
    a KVCache, every cached key and value followed by these (B, nh, past + T, hs), which are cached too.

    For a module that declares `supports_kv_cache = True` (notebooks 09-10).
    """
    slot = getattr(module, KV_SLOT, None)
    return (k, v) if slot is None else slot.extend(k, v)


class CausalSelfAttention(nn.Module):
    """Multi-head masked self-attention, GPT-2 style (notebooks 03-06).

    c_attn holds W_q, W_k and W_v side by side (one matmul instead of three); c_proj is the output
    matrix, all heads' value-up maps side by side. Parameter names match GPT-2 checkpoints.
    """

    supports_kv_cache = True

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        setattr(self, RECORDER, None)  # set here so the fast path's look-up is a plain attribute read
        setattr(self, KV_SLOT, None)

    def qkv(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Queries, keys and values of x (B, T, C), each (B, nh, T, hs)."""
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        return split_heads(q, self.n_head), split_heads(k, self.n_head), split_heads(v, self.n_head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, C) -> the change to add to the residual stream, (B, T, C).

        While run_with_cache records, take the explicit path and record q, k, v, pattern (B, nh, T, T)
        and z, the heads' outputs (B, nh, T, hs). While a KVCache is attached, x holds only the newest
        tokens and the queries attend to every cached token as well.
        """
        q, k, v = self.qkv(x)  # (B, nh, T, hs)
        k, v = extend_kv(self, k, v)  # (B, nh, past + T, hs)
        if is_recording(self):
            pattern = attention_pattern(q, k, causal=True)  # (B, nh, T, past + T)
            y = self.attn_dropout(pattern) @ v  # (B, nh, T, hs)
            record(self, q=q, k=k, v=v, pattern=pattern, z=y)
        else:
            y = self.fast_attention(q, k, v)
        return self.resid_dropout(self.c_proj(merge_heads(y)))

    def fast_attention(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """softmax(q k^T / sqrt(hs), causal) @ v by PyTorch's fused kernel, never building the pattern."""
        Tq, Tk = q.size(2), k.size(2)
        dropout_p = self.dropout if self.training else 0.0
        # one new token sees every key: no mask; otherwise the causal mask, shifted past the cache
        mask = None if Tq == 1 or Tq == Tk else causal_mask(Tq, q.device, past=Tk - Tq)
        causal = Tq == Tk and Tq > 1
        if q.device.type == "cpu" and torch.is_autocast_enabled("cpu"):
            # PyTorch's CPU attention kernel is 3-4x slower in bfloat16 than in float32 at these
            # sizes (benchmarks/README.md), so under CPU autocast it runs in float32.
            with torch.autocast("cpu", enabled=False):
                return F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=mask,
                                                      dropout_p=dropout_p, is_causal=causal).to(q.dtype)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p, is_causal=causal)

    def head_outputs(self, z: torch.Tensor) -> torch.Tensor:
        """What each head writes into the residual stream: z (B, nh, T, hs) -> (B, nh, T, C).

        Summed over heads, plus c_proj's bias, they give the attention output ("blocks.{i}.attn.out"
        of run_with_cache): the per-head view a logit lens or an attribution needs (notebooks 06, 08).
        """
        B, nh, T, hs = z.shape
        W = self.c_proj.weight.view(self.n_embd, nh, hs)  # (C, nh, hs): column block h is head h's map
        return torch.einsum("bhtd,chd->bhtc", z, W)
