"""Notebook 07 (MLP, residuals, LayerNorm): the block exercises, each reference solution beside its check.

- mlp / check_mlp: up-projection to 4C, tanh GELU, down-projection back to C.
- pre_norm_block / check_pre_norm_block: one GPT-2 block, x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from ..config import GPTConfig
from ..model import Block
from .common import CheckFailed, CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """GELU with GPT-2's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def mlp(x: torch.Tensor, W_up: torch.Tensor, b_up: torch.Tensor, W_down: torch.Tensor,
        b_down: torch.Tensor) -> torch.Tensor:
    """x: (..., C); W_up: (C, 4C); b_up: (4C,); W_down: (4C, C); b_down: (C,) -> (..., C)."""
    hidden = gelu_tanh(x @ W_up + b_up)  # (..., 4C): one number per neuron
    return hidden @ W_down + b_down


def pre_norm_block(x: torch.Tensor, ln_1: nn.Module, attn: nn.Module, ln_2: nn.Module, mlp: nn.Module) -> torch.Tensor:
    """One GPT-2 block: each sublayer reads a normalised copy and adds its result to the residual stream."""
    x = x + attn(ln_1(x))
    return x + mlp(ln_2(x))


# ---- checks ----------------------------------------------------------------------------------------------

def _mlp_inputs(C: int = 8, seed: int = 7) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 5, C, generator=g)
    W_up = torch.randn(C, 4 * C, generator=g) / C ** 0.5
    b_up = 0.5 * torch.randn(4 * C, generator=g)
    W_down = torch.randn(4 * C, C, generator=g) / (4 * C) ** 0.5
    b_down = 0.5 * torch.randn(C, generator=g)
    return x, W_up, b_up, W_down, b_down


def check_mlp(fn: Callable) -> CheckResult:
    """fn(x, W_up, b_up, W_down, b_down) -> GELU(x @ W_up + b_up) @ W_down + b_down (tanh GELU)."""

    def body() -> None:
        x, W_up, b_up, W_down, b_down = _mlp_inputs()
        with torch.no_grad():
            out = fn(x.clone(), W_up, b_up, W_down, b_down)
        require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        require(tuple(out.shape) != (2, 5, 32),
                "the result has shape (2, 5, 32) = (B, T, 4C): that is the hidden layer. "
                "Finish with the down-projection (@ W_down + b_down) back to C.")
        require(tuple(out.shape) == tuple(x.shape),
                f"the result has shape {tuple(out.shape)}; the MLP must give back the input's shape {tuple(x.shape)}.")
        pre = x @ W_up + b_up
        expected = F.gelu(pre, approximate="tanh") @ W_down + b_down
        if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
            return
        mistakes = [
            (torch.relu(pre) @ W_down + b_down, "this is ReLU (the 2017 Transformer's choice); GPT-2 and GPT-3 use "
                                                "GELU: 0.5 * h * (1 + tanh(sqrt(2/pi) * (h + 0.044715 * h**3)))."),
            (F.gelu(pre) @ W_down + b_down, "this is the exact GELU (with erf); use GPT-2's tanh approximation "
                                            "0.5 * h * (1 + tanh(sqrt(2/pi) * (h + 0.044715 * h**3)))."),
            (pre @ W_down + b_down, "there is no nonlinearity between the two projections: without it the MLP "
                                    "collapses to one linear map. Apply GELU to the hidden layer."),
            (F.gelu(x @ W_up, approximate="tanh") @ W_down + b_down, "b_up is missing: add it before the GELU."),
            (F.gelu(pre, approximate="tanh") @ W_down, "b_down is missing: add it after the down-projection."),
            (F.gelu(pre @ W_down + b_down, approximate="tanh"), "the GELU is applied after the down-projection; "
                                                               "apply it to the hidden layer (between up and down)."),
            (x + expected, "you added the residual x inside the MLP; the block adds it, the MLP returns only the change."),
        ]
        for wrong, message in mistakes:
            if torch.allclose(out, wrong, atol=1e-5, rtol=1e-4):
                raise CheckFailed(message)
        close(out, expected, "the MLP's output")

    return run_check("mlp", body, "up-projection to 4C, tanh GELU, down-projection back to C.")


def check_pre_norm_block(fn: Callable) -> CheckResult:
    """fn(x, ln_1, attn, ln_2, mlp) -> x after one GPT-2 (pre-norm) block."""

    def body() -> None:
        torch.manual_seed(7)
        block = Block(GPTConfig(block_size=8, vocab_size=8, n_layer=1, n_head=2, n_embd=16)).eval()
        with torch.no_grad():
            for p in block.parameters():  # LayerNorm gains away from 1 so a misplaced norm shows
                p.add_(0.3 * torch.randn_like(p))
        x = 2.0 * torch.randn(2, 6, 16) + 1.0
        a, m, n1, n2 = block.attn, block.mlp, block.ln_1, block.ln_2
        with torch.no_grad():
            out = fn(x.clone(), n1, a, n2, m)
            expected = block(x)
            require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
            require(tuple(out.shape) == tuple(x.shape),
                    f"the result has shape {tuple(out.shape)}; a block keeps the shape {tuple(x.shape)}.")
            if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
                return
            h = x + a(n1(x))
            post_1 = n1(x + a(x))
            mistakes = [
                (n2(post_1 + m(post_1)), "this is a post-norm block (2017: x = LN(x + f(x))); GPT-2/3 normalise "
                                         "the sublayer's input instead: x = x + f(LN(x))."),
                (m(n2(a(n1(x)))), "there is no residual connection: add each sublayer's result to x "
                                  "(x = x + attn(ln_1(x)), then x = x + mlp(ln_2(x)))."),
                (a(n1(x)) + m(n2(a(n1(x)))), "the first residual connection is missing: x = x + attn(ln_1(x))."),
                (m(n2(h)), "the second residual connection is missing: x = x + mlp(ln_2(x))."),
                (h + m(h), "ln_2 is missing: the MLP must read the normalised stream, mlp(ln_2(x))."),
                ((x + a(x)) + m(n2(x + a(x))), "ln_1 is missing: attention must read ln_1(x)."),
                (x + m(n2(x)) + a(n1(x + m(n2(x)))), "the sublayers are in the wrong order: attention first, then the MLP."),
                (x + a(n1(x)) + m(n2(x)), "the MLP reads the old x: it must read the stream after attention's change "
                                          "was added (x = x + attn(ln_1(x)) first)."),
                (n2(h + m(n2(h))), "the block's output is normalised at the end; in GPT-2 only the final "
                                   "ln_f after the last block does that."),
            ]
            for wrong, message in mistakes:
                if torch.allclose(out, wrong, atol=1e-5, rtol=1e-4):
                    raise CheckFailed(message)
            close(out, expected, "the block's output")

    return run_check("pre_norm_block", body, "x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)): a GPT-2 block.")
