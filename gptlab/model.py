"""The whole GPT: embeddings, a stack of pre-norm blocks, final LayerNorm, tied unembedding
(notebook 10 assembles it; notebooks 06-09 use it).

    x = wte[idx] + wpe[positions]            # tokens and positions -> vectors    (B, T, C)
    for block in blocks:
        x = x + block.attn(block.ln_1(x))    # tokens exchange information
        x = x + block.mlp(block.ln_2(x))     # each token thinks on its own
    logits = ln_f(x) @ wte^T                 # one score per vocabulary entry    (B, T, V)
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from .attention import KV_SLOT, RECORDER, CausalSelfAttention, KVCache, KVSlot, Recorder
from .config import GPTConfig
from .mlp import MLP

ModuleFactory = Callable[[GPTConfig], nn.Module]


@torch.compiler.disable  # data-dependent: runs eagerly, so torch.compile needs no graph break warning here
def _token_range(idx: torch.Tensor) -> tuple[int, int]:
    """Smallest and largest token id in one pass over idx (cheap next to a forward)."""
    lo, hi = torch.aminmax(idx)
    return int(lo), int(hi)


class Block(nn.Module):
    """One GPT-2 block: pre-norm attention then pre-norm MLP, each added to the residual stream
    (notebook 07 builds it, notebook 10 stacks it)."""

    def __init__(self, config: GPTConfig, attention: ModuleFactory | None = None, mlp: ModuleFactory | None = None):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = (attention or CausalSelfAttention)(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = (mlp or MLP)(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))  # (B, T, C): tokens exchange information
        x = x + self.mlp(self.ln_2(x))  # each token thinks on its own
        return x


@contextmanager
def _attached(attachments: list[tuple[nn.Module, str, object]]) -> Iterator[None]:
    """For one call, set attribute `name` of each module to an object (a Recorder, a KVSlot); always unset.

    This is how a block's forward stays `x + attn(ln_1(x))` while run_with_cache records and a KVCache
    grows: the GPT hands its modules what they need beside x, and takes it back even on an error.
    """
    try:
        for module, name, obj in attachments:
            setattr(module, name, obj)
        yield
    finally:
        for module, name, _ in attachments:
            setattr(module, name, None)


@contextmanager
def _hooked(hooks: list[tuple[nn.Module, Callable, bool]]) -> Iterator[None]:
    """Register forward hooks (or, where the flag is True, forward pre-hooks) for one call; always remove them."""
    handles = []
    try:
        for module, hook, pre in hooks:
            handles.append(module.register_forward_pre_hook(hook) if pre else module.register_forward_hook(hook))
        yield
    finally:
        for handle in handles:
            handle.remove()


def _saver(cache: dict[str, torch.Tensor], name: str, pre: bool = False) -> Callable:
    """A hook that stores a module's output (its input, for a pre-hook) under `name`."""
    if pre:
        return lambda module, args: cache.__setitem__(name, args[0])
    return lambda module, args, output: cache.__setitem__(name, output)


class GPT(nn.Module):
    """A decoder-only Transformer language model.

    `attention` and `mlp` choose the modules inside each block: leave them None for gptlab's
    reference versions, or pass your own class (called with the config) to run your code inside
    the full model; this is the "mine or reference" switch of notebook 10. What such a class must do
    (map (B, T, C) to (B, T, C)) and may do (record its pattern, keep a KV cache) is in attention.py's
    docstring.
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

    def _apply(self, fn: Callable, recurse: bool = True) -> "GPT":
        # .to(device) may give each module its own copy of the tied matrix (it does for "meta"): tie again
        tied = self.lm_head.weight is self.transformer.wte.weight
        super()._apply(fn, recurse)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight
        return self

    @property
    def device(self) -> torch.device:
        return self.transformer.wte.weight.device

    @property
    def supports_kv_cache(self) -> bool:
        """True when every block's attention declares `supports_kv_cache = True` (gptlab's does; see
        attention.py for what a learner's module then does)."""
        return all(getattr(block.attn, "supports_kv_cache", False) for block in self.transformer.h)

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
        Pass a dict as `cache` to record named activations, with gradients and in the current mode
        (`run_with_cache` is the usual way: no gradients, eval mode).
        Pass a KVCache as `kv_cache` to continue a sequence: idx then holds only the tokens that follow
        the cached ones, and their keys and values are added to the cache (see sample.Reader).
        """
        if kv_cache is not None and cache is not None:
            raise ValueError("pass either cache (to record activations) or kv_cache (to generate), not both.")
        if kv_cache is not None and not self.supports_kv_cache:
            raise ValueError("this model's attention modules do not declare supports_kv_cache; run it without a "
                             "kv_cache (sample.Reader then re-reads the window).")
        past = len(kv_cache) if kv_cache is not None else 0
        self.check_input(idx, targets, past)
        if cache is not None:
            with self._recording(cache):
                return self._forward(idx, targets, past)
        if kv_cache is not None:
            slots = [(block.attn, KV_SLOT, KVSlot(kv_cache, i)) for i, block in enumerate(self.transformer.h)]
            with _attached(slots):
                out = self._forward(idx, targets, past)
            self._check_kv_cache(kv_cache, past + idx.size(1))
            return out
        return self._forward(idx, targets, past)

    def _forward(self, idx: torch.Tensor, targets: torch.Tensor | None, past: int
                 ) -> tuple[torch.Tensor, torch.Tensor | None]:
        T = idx.size(1)
        pos = torch.arange(past, past + T, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))  # (B, T, C)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        logits = self.lm_head(x)  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    @contextmanager
    def _recording(self, cache: dict[str, torch.Tensor]) -> Iterator[None]:
        """Hooks on the named modules, and recorders on attention and MLP, for the length of one call."""
        hooks = [(self.transformer.drop, _saver(cache, "embed"), False),
                 (self.transformer.ln_f, _saver(cache, "ln_f"), False)]
        recorders = []
        for i, block in enumerate(self.transformer.h):
            name = f"blocks.{i}"
            hooks += [(block.attn, _saver(cache, f"{name}.attn.out"), False),
                      (block.ln_2, _saver(cache, f"{name}.resid_mid", pre=True), True),  # the stream the MLP reads
                      (block.mlp, _saver(cache, f"{name}.mlp.out"), False),
                      (block, _saver(cache, f"{name}.resid_post"), False)]
            recorders += [(block.attn, RECORDER, Recorder(cache, f"{name}.attn")),
                          (block.mlp, RECORDER, Recorder(cache, f"{name}.mlp"))]
        with _hooked(hooks), _attached(recorders):
            yield

    def _check_kv_cache(self, kv_cache: KVCache, expected: int) -> None:
        # an attention module that declares supports_kv_cache but never calls extend_kv would quietly
        # attend to the new tokens alone: say so instead
        for i in range(self.config.n_layer):
            if i >= len(kv_cache.keys) or kv_cache.keys[i].size(2) != expected:
                raise ValueError(f"block {i}'s attention declares supports_kv_cache but did not pass its keys and "
                                 "values through gptlab.attention.extend_kv(self, k, v); call it in forward, or set "
                                 "supports_kv_cache = False on the class (generation then re-reads the window).")

    @torch.no_grad()
    def run_with_cache(self, idx: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Logits and a dict of named activations, in eval mode (no dropout) and on the explicit attention
        path (notebooks 06-08). The model's mode is restored afterwards.

        Names: "embed", "blocks.{i}.attn.{q,k,v,pattern,z}" (what the attention module records; q, k, v
        and z are (B, nh, T, hs), pattern (B, nh, T, T)), "blocks.{i}.attn.out" (B, T, C),
        "blocks.{i}.resid_mid", "blocks.{i}.mlp.hidden" (B, T, 4C), "blocks.{i}.mlp.out",
        "blocks.{i}.resid_post", "ln_f". Per-head outputs: `block.attn.head_outputs(cache[...z])`.
        """
        was_training = self.training
        self.eval()
        try:
            cache: dict[str, torch.Tensor] = {}
            logits, _ = self(idx, cache=cache)
        finally:
            self.train(was_training)
        return logits, cache

    def attention_patterns(self, idx: torch.Tensor) -> torch.Tensor:
        """All attention patterns for idx, shape (n_layer, B, nh, T, T), in eval mode (notebook 06)."""
        _, cache = self.run_with_cache(idx)
        missing = [i for i in range(self.config.n_layer) if f"blocks.{i}.attn.pattern" not in cache]
        if missing:
            raise ValueError(f"the attention of blocks {missing} recorded no pattern: in its forward, call "
                             "gptlab.attention.record(self, pattern=pattern) (see attention.py's docstring).")
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
