"""The whole GPT: embeddings, a stack of pre-norm blocks, final LayerNorm, tied unembedding
(notebook 10 assembles it; notebooks 06-09 use it).

    x = wte[idx] + wpe[positions]            # tokens and positions -> vectors    (B, T, C)
    for block in blocks:
        x = x + block.attn(block.ln_1(x))    # tokens exchange information
        x = x + block.mlp(block.ln_2(x))     # each token thinks on its own
    logits = ln_f(x) @ wte^T                 # one score per vocabulary entry    (B, T, V)
"""
from __future__ import annotations

import functools
import inspect
import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .attention import CausalSelfAttention, KVCache
from .config import GPTConfig
from .mlp import MLP

ModuleFactory = Callable[[GPTConfig], nn.Module]


def _accepts(module: nn.Module, argument: str) -> bool:
    """Whether module.forward takes `argument` (a learner's own module may not)."""
    return argument in _forward_parameters(module.forward.__func__ if hasattr(module.forward, "__func__")
                                           else module.forward)


@functools.lru_cache(maxsize=256)
def _forward_parameters(forward: Callable) -> frozenset[str]:
    # inspect.signature costs tens of microseconds: too much to pay in every generation step
    return frozenset(inspect.signature(forward).parameters)


@torch.compiler.disable  # data-dependent: runs eagerly, so torch.compile needs no graph break warning here
def _token_range(idx: torch.Tensor) -> tuple[int, int]:
    """Smallest and largest token id in one pass over idx (cheap next to a forward)."""
    lo, hi = torch.aminmax(idx)
    return int(lo), int(hi)


class Block(nn.Module):
    """One GPT-2 block: pre-norm attention then pre-norm MLP, each added to the residual stream."""

    def __init__(self, config: GPTConfig, attention: ModuleFactory | None = None, mlp: ModuleFactory | None = None):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = (attention or CausalSelfAttention)(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = (mlp or MLP)(config)

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None, name: str = "block",
                kv_cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        if kv_cache is not None:
            x = x + self.attn(self.ln_1(x), kv_cache=kv_cache, layer=layer)
            return x + self.mlp(self.ln_2(x))
        if cache is None:
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))
        x = x + _run(self.attn, self.ln_1(x), cache, f"{name}.attn")
        cache[f"{name}.resid_mid"] = x
        x = x + _run(self.mlp, self.ln_2(x), cache, f"{name}.mlp")
        cache[f"{name}.resid_post"] = x
        return x


def _run(module: nn.Module, x: torch.Tensor, cache: dict, name: str) -> torch.Tensor:
    # A learner's own module may not know about caches: run it plainly then.
    return module(x, cache=cache, name=name) if _accepts(module, "cache") else module(x)


class GPT(nn.Module):
    """A decoder-only Transformer language model.

    `attention` and `mlp` choose the modules inside each block: leave them None for gptlab's
    reference versions, or pass your own class (called with the config) to run your code inside
    the full model; this is the "mine or reference" switch of notebook 10.
    """

    def __init__(self, config: GPTConfig, attention: ModuleFactory | None = None, mlp: ModuleFactory | None = None):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),  # embedding (and, tied, unembedding)
            wpe=nn.Embedding(config.block_size, config.n_embd),  # learned position embedding
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config, attention, mlp) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # weight tying: unembedding = embedding^T
        self.apply(self._init_weights)
        # GPT-2: scale the projections that write into the residual stream by 1/sqrt(2 * n_layer)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    @property
    def device(self) -> torch.device:
        return self.transformer.wte.weight.device

    @property
    def supports_kv_cache(self) -> bool:
        """True when every block's attention can keep a KVCache (gptlab's can; a learner's may not)."""
        return all(_accepts(block.attn, "kv_cache") for block in self.transformer.h)

    def check_input(self, idx: torch.Tensor, targets: torch.Tensor | None = None, past: int = 0) -> None:
        """Raise a ValueError that says what to do, before any heavy work, when idx cannot be run.

        `past` is how many tokens a KVCache already holds before idx.
        """
        if not isinstance(idx, torch.Tensor):
            raise TypeError(f"idx must be a torch.Tensor of token ids, got {type(idx).__name__}; "
                            "use torch.tensor([ids]).")
        if idx.dim() != 2:
            raise ValueError(f"idx must have shape (batch, time), got {tuple(idx.shape)}; "
                             "for one sequence use idx[None].")
        if idx.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"token ids must be integers (torch.long), got {idx.dtype}; use idx.long().")
        T = idx.size(1)
        if T == 0:
            raise ValueError("idx has no tokens; give the model at least one token.")
        if T > self.config.block_size:
            raise ValueError(f"sequence of {T} tokens is longer than the context of {self.config.block_size}; "
                             f"keep the last {self.config.block_size} tokens (idx[:, -block_size:]).")
        if past + T > self.config.block_size:
            raise ValueError(f"the KV cache holds {past} tokens and idx adds {T}: {past + T} is more than the context "
                             f"of {self.config.block_size}. Start a new KVCache and run the last "
                             f"{self.config.block_size} tokens.")
        if idx.device != self.device:
            raise ValueError(f"idx is on {idx.device} but the model is on {self.device}; use idx.to(model.device).")
        lo, hi = _token_range(idx)
        if lo < 0 or hi >= self.config.vocab_size:
            bad = lo if lo < 0 else hi
            raise ValueError(f"token id {bad} is outside the vocabulary 0..{self.config.vocab_size - 1}; "
                             "encode text with the tokenizer this model was built for.")
        if targets is not None and targets.shape != idx.shape:
            raise ValueError(f"targets shape {tuple(targets.shape)} must equal idx shape {tuple(idx.shape)}.")

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None,
                cache: dict[str, torch.Tensor] | None = None,
                kv_cache: KVCache | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """idx: (B, T) token ids -> (logits (B, T, V), loss or None).

        loss is the mean cross-entropy of predicting targets[b, t] from idx[b, : t + 1].
        Pass a dict as `cache` to record named activations (see `run_with_cache`).
        Pass a KVCache as `kv_cache` to continue a sequence: idx then holds only the tokens that follow
        the cached ones, and their keys and values are added to the cache (see sample.Reader).
        """
        if kv_cache is not None and cache is not None:
            raise ValueError("pass either cache (to record activations) or kv_cache (to generate), not both.")
        if kv_cache is not None and not self.supports_kv_cache:
            raise ValueError("this model's attention modules take no kv_cache argument; run it without one.")
        past = len(kv_cache) if kv_cache is not None else 0
        self.check_input(idx, targets, past)
        T = idx.size(1)
        pos = torch.arange(past, past + T, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))  # (B, T, C)
        if cache is not None:
            cache["embed"] = x
        for i, block in enumerate(self.transformer.h):
            if cache is not None:
                x = block(x, cache=cache, name=f"blocks.{i}")
            else:
                x = block(x, kv_cache=kv_cache, layer=i) if kv_cache is not None else block(x)
        x = self.transformer.ln_f(x)
        if cache is not None:
            cache["ln_f"] = x
        logits = self.lm_head(x)  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    @torch.no_grad()
    def run_with_cache(self, idx: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Logits and a dict of named activations, taking the explicit attention path.

        Names: "embed", "blocks.{i}.attn.{q,k,v,pattern,z}", "blocks.{i}.resid_mid",
        "blocks.{i}.mlp.hidden", "blocks.{i}.resid_post", "ln_f".
        """
        cache: dict[str, torch.Tensor] = {}
        logits, _ = self(idx, cache=cache)
        return logits, cache

    def attention_patterns(self, idx: torch.Tensor) -> torch.Tensor:
        """All attention patterns for idx, shape (n_layer, B, nh, T, T)."""
        _, cache = self.run_with_cache(idx)
        return torch.stack([cache[f"blocks.{i}.attn.pattern"] for i in range(self.config.n_layer)])

    @classmethod
    def from_hf_state_dict(cls, state_dict: dict[str, torch.Tensor], config: GPTConfig) -> "GPT":
        """A GPT holding the weights of a Hugging Face GPT2LMHeadModel state dict.

        GPT-2's checkpoints store Linear weights as (in, out) ("Conv1D"); ours are (out, in). GPT-2 was
        trained with the tanh form of GELU, so config.activation must be "gelu_tanh" (the "gpt2" preset's).
        """
        if config.activation != "gelu_tanh":
            raise ValueError(f"GPT-2's weights expect activation='gelu_tanh', the config has {config.activation!r}; "
                             "use GPTConfig.preset('gpt2', ...) or config.replace(activation='gelu_tanh').")
        model = cls(config)
        ours = model.state_dict()
        transposed = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
        theirs = {k: v for k, v in state_dict.items()
                  if not k.endswith((".attn.bias", ".attn.masked_bias"))}
        missing = [k for k in ours if k not in theirs]
        unexpected = [k for k in theirs if k not in ours]
        if missing or unexpected:
            raise ValueError(f"state dict does not fit GPT({config}): missing {missing[:5]}, unexpected {unexpected[:5]}.")
        with torch.no_grad():
            for k, v in theirs.items():
                v = v.t() if k.endswith(transposed) else v
                if v.shape != ours[k].shape:
                    raise ValueError(f"{k}: checkpoint has shape {tuple(v.shape)}, model expects {tuple(ours[k].shape)}.")
                ours[k].copy_(v)
        return model
