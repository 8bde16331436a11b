"""Notebook 00 (the flow): the exercises of the whole-pipeline tour, each reference solution beside its check.

- my_generate / check_generate: greedy generation, append the most likely next token n times.
- flow_shapes / check_flow_shapes: the shape of every activation a GPT computes for one sequence.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from ..config import GPTConfig
from ..model import GPT
from ..sample import generate
from .common import CheckResult, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

@torch.no_grad()
def my_generate(model: nn.Module, ids: torch.Tensor, n: int) -> torch.Tensor:
    """Greedy generation: append the most likely next token n times. ids (1, T) -> (1, T + n)."""
    block_size = model.config.block_size
    for _ in range(n):
        logits, _ = model(ids[:, -block_size:])  # the model sees at most block_size tokens
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)  # (1, 1): the last position predicts
        ids = torch.cat([ids, next_id], dim=1)
    return ids


def flow_shapes(config, T: int) -> dict[str, tuple[int, ...]]:
    """Shapes of the data flowing through a GPT for one sequence of T tokens (no batch axis)."""
    C, V, nh, hs = config.n_embd, config.vocab_size, config.n_head, config.head_size
    return {
        "embed": (T, C),              # one C-wide vector per token
        "attn.q": (nh, T, hs),        # each head has its own hs-wide query per token
        "attn.pattern": (nh, T, T),   # each head: every token's weights over every token
        "mlp.hidden": (T, 4 * C),     # the MLP widens each vector to 4C
        "resid_post": (T, C),         # back to C after every block
        "logits": (T, V),             # one score per vocabulary entry at every position
    }


# ---- checks ----------------------------------------------------------------------------------------------

class _ContextSumModel(torch.nn.Module):
    """A stand-in GPT whose favourite next token depends on the whole context it sees:
    (3 * sum of its ids + position + 1) mod 11, with a flat enough distribution that sampling shows."""

    def __init__(self) -> None:
        super().__init__()
        self.config = GPTConfig(block_size=8, vocab_size=11, n_layer=1, n_head=1, n_embd=8)
        self._gpt_check = GPT.check_input
        self.anchor = torch.nn.Parameter(torch.zeros(1))

    @property
    def device(self) -> torch.device:
        return self.anchor.device

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        self._gpt_check(self, idx)  # the same errors as a real GPT (too long, wrong shape, ...)
        T, V = idx.size(1), self.config.vocab_size
        favourite = (3 * idx.cumsum(dim=1) + torch.arange(T) + 1) % V  # (B, T)
        logits = torch.nn.functional.one_hot(favourite, V).float() * 1.5 + self.anchor
        return logits, None


def check_generate(my_generate: Callable) -> CheckResult:
    """my_generate(model, ids, n) must equal gptlab.sample.generate(..., temperature=0)."""

    def body() -> None:
        model = _ContextSumModel().eval()
        prompt = torch.tensor([[1, 2, 3]])
        n = 4
        out = my_generate(model, prompt.clone(), n)
        expected = generate(model, prompt, n, temperature=0)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor of ids, got {type(out).__name__}.")
        require(out.dim() == 2, f"return shape (1, T + n) like the input, got shape {tuple(out.shape)}; "
                                 "keep the batch axis (torch.cat along dim=1).")
        if out.size(1) == n:
            require(False, f"you returned only the {n} new tokens; return the prompt followed by them, "
                            f"shape (1, {prompt.size(1) + n}).")
        require(out.size(1) == prompt.size(1) + n,
                f"returned {out.size(1)} ids for a {prompt.size(1)}-token prompt and n={n}; expected "
                f"{prompt.size(1) + n}: append exactly one token per step.")
        require(torch.equal(out[:, :prompt.size(1)], prompt), "the output must start with the prompt unchanged.")
        runs = []
        for seed in (1, 2, 3):
            torch.manual_seed(seed)
            runs.append(my_generate(model, prompt.clone(), n))
        require(all(torch.equal(r, runs[0]) for r in runs),
                "your output changes from run to run: that is sampling. Greedy generation always takes the "
                "most likely token, logits[:, -1, :].argmax(-1).")
        with torch.no_grad():
            first_from_first = model(prompt)[0][:, 0].argmax(-1)
        if not torch.equal(out[:, prompt.size(1)], expected[:, prompt.size(1)]):
            hint = ("it matches the prediction of the FIRST position: use logits[:, -1, :], the last position."
                    if int(out[0, prompt.size(1)]) == int(first_from_first) else
                    "pick the most likely token (logits[:, -1, :].argmax(-1)): greedy, no sampling.")
            require(False, f"the first new token is {int(out[0, prompt.size(1)])}, expected "
                            f"{int(expected[0, prompt.size(1)])}; {hint}")
        require(torch.equal(out, expected), f"the new tokens are {out[0, prompt.size(1):].tolist()}, expected "
                                             f"{expected[0, prompt.size(1):].tolist()}: feed each chosen token "
                                             "back in (append it to ids) before the next step.")
        # longer than the context: the model only takes block_size tokens
        long_prompt = torch.arange(8).remainder(11)[None]
        try:
            out = my_generate(model, long_prompt.clone(), 3)
        except ValueError as error:
            require(False, f"with a full context the model refused the input ({error}). Feed only the last "
                            "block_size tokens: model(ids[:, -model.config.block_size:]).")
        expected = generate(model, long_prompt, 3, temperature=0)
        require(torch.equal(out, expected), "wrong tokens once the sequence is longer than the context; "
                                             "crop to ids[:, -block_size:] for the model, but return all ids.")

    return run_check("check_generate", body, "your greedy loop matches gptlab.sample.generate(temperature=0).")


FLOW_SHAPE_HINTS = {
    "embed": "one vector of width n_embd per token: (T, n_embd).",
    "attn.q": "queries are split into heads: (n_head, T, head_size) with head_size = n_embd // n_head.",
    "attn.pattern": "every head has its own T x T pattern (each token's weights over the tokens): (n_head, T, T).",
    "mlp.hidden": "the MLP widens each token's vector four times: (T, 4 * n_embd).",
    "resid_post": "after a block the vectors are back to (T, n_embd), ready for the next block.",
    "logits": "one score per vocabulary entry at every position: (T, vocab_size).",
}


def check_flow_shapes(flow_shapes: Callable) -> CheckResult:
    """flow_shapes(config, T) -> {name: shape} must match a real GPT's activations for one sequence."""

    def body() -> None:
        for config, T in [(GPTConfig(block_size=16, vocab_size=30, n_layer=1, n_head=2, n_embd=24), 7),
                          (GPTConfig(block_size=12, vocab_size=50, n_layer=1, n_head=4, n_embd=32), 12)]:
            got = flow_shapes(config, T)
            require(isinstance(got, dict), f"return a dict of name -> shape, got {type(got).__name__}.")
            missing = [k for k in FLOW_SHAPE_HINTS if k not in got]
            require(not missing, f"missing entries {missing}; fill in every name of the template.")
            torch.manual_seed(0)
            model = GPT(config).eval()
            logits, cache = model.run_with_cache(torch.zeros(1, T, dtype=torch.long))
            actual = {"embed": cache["embed"], "attn.q": cache["blocks.0.attn.q"],
                      "attn.pattern": cache["blocks.0.attn.pattern"], "mlp.hidden": cache["blocks.0.mlp.hidden"],
                      "resid_post": cache["blocks.0.resid_post"], "logits": logits}
            for name, tensor in actual.items():
                expected = tuple(tensor.shape[1:])  # drop the batch axis
                shape = got[name]
                try:
                    shape = tuple(int(s) for s in shape)
                except TypeError:
                    require(False, f"{name}: give a tuple of whole numbers such as (T, C), got {shape!r}.")
                setting = (f"n_embd={config.n_embd}, n_head={config.n_head}, vocab_size={config.vocab_size}, "
                           f"T={T}")
                require(shape == expected, f"{name} ({setting}): you said {shape}, the model has {expected}. "
                                            f"Hint: {FLOW_SHAPE_HINTS[name]}")

    return run_check("check_flow_shapes", body, "every shape matches the model's activations.")
