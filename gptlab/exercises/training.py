"""Notebook 10 (train a GPT): the attention-from-scratch exercise, its reference solution beside its check.

- MyAttention / check_my_attention: multi-head causal self-attention with separate query, key and value
  layers, a drop-in for CausalSelfAttention that a small GPT must learn with.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..attention import CausalSelfAttention, record
from ..config import GPTConfig
from ..model import GPT
from .common import CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

class MyAttention(nn.Module):
    """Multi-head causal self-attention from scratch, with separate query, key and value layers.

    A drop-in replacement for gptlab.attention.CausalSelfAttention: GPT(config, attention=MyAttention).
    """

    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        C = config.n_embd
        self.query = nn.Linear(C, C, bias=config.bias)  # all heads' W_q side by side
        self.key = nn.Linear(C, C, bias=config.bias)
        self.value = nn.Linear(C, C, bias=config.bias)  # all heads' value-down maps
        self.c_proj = nn.Linear(C, C, bias=config.bias)  # output matrix: all heads' value-up maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        nh, hs = self.n_head, C // self.n_head

        def heads(t: torch.Tensor) -> torch.Tensor:  # (B, T, C) -> (B, nh, T, hs)
            return t.view(B, T, nh, hs).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
        pattern = torch.softmax(scores, dim=-1)  # each row sums to 1 over the visible keys
        record(self, pattern=pattern)  # optional: lets run_with_cache and the pattern pictures see it
        z = pattern @ v  # (B, nh, T, hs)
        return self.c_proj(z.transpose(1, 2).reshape(B, T, C))


# ---- checks ----------------------------------------------------------------------------------------------

def _nb10_reference_variants(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, proj: torch.nn.Linear
                             ) -> dict[str, torch.Tensor]:
    """Right attention and common mistakes, from (B, nh, T, hs) q, k, v; each ends with the output matrix."""
    B, nh, T, hs = q.shape
    C = nh * hs
    future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)

    def run(scale: float, heads: bool = True, project: bool = True) -> torch.Tensor:
        if heads:
            qq, kk, vv = q, k, v
        else:  # one big head of width C
            qq, kk, vv = (t.transpose(1, 2).reshape(B, 1, T, C) for t in (q, k, v))
        scores = (qq @ kk.transpose(-2, -1) / scale).masked_fill(future, float("-inf"))
        z = torch.softmax(scores, dim=-1) @ vv
        z = z.transpose(1, 2).reshape(B, T, C)
        return proj(z) if project else z

    return {
        "right": run(math.sqrt(hs)),
        "no scale": run(1.0),
        "sqrt(C)": run(math.sqrt(C)),
        "one head": run(math.sqrt(C), heads=False),
        "one head sqrt(hs)": run(math.sqrt(hs), heads=False),
        "no output": run(math.sqrt(hs), project=False),
    }


def check_my_attention(cls) -> CheckResult:
    """Notebook 10: a CausalSelfAttention-compatible class with layers query, key, value, c_proj.

    Checks shapes, causality, rows summing to 1, equality with gptlab's attention given the same
    weights, and that a small GPT built with it learns.
    """

    def body() -> None:
        config = GPTConfig(block_size=8, vocab_size=11, n_layer=1, n_head=4, n_embd=16)
        C, T = config.n_embd, config.block_size
        with torch.random.fork_rng():
            torch.manual_seed(0)
            module = cls(config)
            require(isinstance(module, nn.Module), f"{cls.__name__}(config) should be a torch.nn.Module, "
                                                    f"got {type(module).__name__}.")
            for name, out_features in (("query", C), ("key", C), ("value", C), ("c_proj", C)):
                layer = getattr(module, name, None)
                require(isinstance(layer, nn.Linear) and layer.in_features == C and layer.out_features == out_features,
                        f"{cls.__name__} needs a layer self.{name} = nn.Linear({C}, {out_features}) "
                        f"(n_embd -> n_embd, all heads side by side); keep the __init__ of the stub.")
            module.eval()
            x = torch.randn(2, T, C)
            with torch.no_grad():
                out = module(x)
            require(isinstance(out, torch.Tensor), f"forward should return a tensor, got {type(out).__name__}.")
            require(tuple(out.shape) == (2, T, C),
                    f"forward(x) with x of shape (B, T, C) = (2, {T}, {C}) returned shape {tuple(out.shape)}; "
                    "it must return (B, T, C), the change to add to the residual stream.")
            # Rows summing to 1: with the same vector at every position, every position must give the
            # same output (a weighted average of identical values is that value).
            same = x[:1, :1].expand(1, T, C).contiguous()
            with torch.no_grad():
                out_same = module(same)
                out_one = module(same[:, :1])
            drift = (out_same - out_one).abs().amax(dim=(0, 2))
            bad = [t for t in range(T) if drift[t] > 1e-4]
            if bad:
                require(False, f"with the same token at every position, position {bad[0]} gives a different output "
                              "than a single token: the attention weights of a row do not sum to 1 over the visible "
                              "keys. Take the softmax over the last axis (keys), after masking with -inf "
                              "(zeroing weights after the softmax breaks the sum).")
            # Causality: changing later tokens must not change earlier outputs.
            changed = x.clone()
            changed[:, 5:] = torch.randn(2, T - 5, C)
            with torch.no_grad():
                out2 = module(changed)
            early = (out2[:, :5] - out[:, :5]).abs().amax(dim=(0, 2))
            leaked = [t for t in range(5) if early[t] > 1e-5]
            if leaked:
                require(False, f"changing tokens 5-{T - 1} changed the output at position {leaked[0]}: your "
                                "attention looks into the future. Set the scores of later keys (j > i) to -inf "
                                "before the softmax.")
            # Same numbers as gptlab's attention when both hold the same weights.
            ref = CausalSelfAttention(config).eval()
            with torch.no_grad():
                Wq, Wk, Wv = ref.c_attn.weight.split(C, dim=0)
                for layer, W in ((module.query, Wq), (module.key, Wk), (module.value, Wv), (module.c_proj, ref.c_proj.weight)):
                    layer.weight.copy_(W)
                if config.bias and module.query.bias is not None:
                    bq, bk, bv = ref.c_attn.bias.split(C)
                    for layer, b in ((module.query, bq), (module.key, bk), (module.value, bv), (module.c_proj, ref.c_proj.bias)):
                        layer.bias.copy_(b)
                mine = module(x)
                q, k, v = ref.qkv(x)
                variants = _nb10_reference_variants(q, k, v, ref.c_proj)
            if not torch.allclose(mine, variants["right"], atol=1e-5):
                hints = {
                    "no scale": "you forgot to divide the scores by sqrt(head_size) (the sqrt(d_k) factor).",
                    "sqrt(C)": f"you divided the scores by sqrt(n_embd) = sqrt({C}); divide by sqrt(head_size) = "
                               f"sqrt({C // config.n_head}).",
                    "one head": f"you ran one big head of width {C}; split queries, keys and values into "
                                f"{config.n_head} heads of {C // config.n_head} with .view(B, T, nh, hs).transpose(1, 2).",
                    "one head sqrt(hs)": "you ran one big head; split queries, keys and values into heads "
                                         "with .view(B, T, nh, hs).transpose(1, 2).",
                    "no output": "you returned the heads' outputs side by side without the output matrix; "
                                 "finish with self.c_proj(...).",
                }
                for name, hint in hints.items():
                    require(not torch.allclose(mine, variants[name], atol=1e-5), hint)
                close(mine, variants["right"], "your output with gptlab's weights copied in")
        # A small GPT with this attention must learn to continue a fixed batch.
        with torch.random.fork_rng():
            torch.manual_seed(0)
            model = GPT(GPTConfig(block_size=16, vocab_size=13, n_layer=2, n_head=2, n_embd=32), attention=cls)
            idx = torch.randint(0, 13, (4, 17))
            x_batch, y_batch = idx[:, :-1], idx[:, 1:]
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
            losses = []
            for _ in range(25):
                _, loss = model(x_batch, y_batch)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        require(losses[-1] < losses[0] - 0.5,
                f"a GPT built with {cls.__name__} did not learn: loss {losses[0]:.2f} -> {losses[-1]:.2f} in 25 "
                "steps. Are both layers used in forward, and no tensor detached?")

    return run_check("check_my_attention", body,
                     "shapes, causality, rows summing to 1 and gptlab's numbers all match, and a GPT built with it "
                     "learns. Set USE_MY_ATTENTION = True to train with it.")
