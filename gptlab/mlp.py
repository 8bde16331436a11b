"""The MLP block: up-projection, nonlinearity, down-projection (notebook 07; notebook 10 assembles it)."""
from __future__ import annotations

import torch
from torch import nn

from .attention import RECORDER, record
from .config import ACTIVATIONS, GPTConfig


def make_activation(name: str) -> nn.Module:
    """The nonlinearity called `name`: "gelu" (exact), "gelu_tanh" (GPT-2's approximation) or "relu".

    Exact GELU is the default because on CPUs it is about 3x faster than the tanh form (PyTorch's
    vectorised tanh is slow), while the two never differ by more than 0.0005.
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {name!r}.")
    return {"gelu": nn.GELU(), "gelu_tanh": nn.GELU(approximate="tanh"), "relu": nn.ReLU()}[name]


class MLP(nn.Module):
    """C -> 4C -> nonlinearity -> C, applied to every position on its own.

    The nonlinearity is config.activation unless `activation` names another (see `make_activation`).
    """

    def __init__(self, config: GPTConfig, activation: str | None = None):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)  # up-projection
        self.act = make_activation(activation or config.activation)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)  # down-projection
        self.dropout = nn.Dropout(config.dropout)
        setattr(self, RECORDER, None)  # GPT.run_with_cache attaches a recorder here for one call

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, T, C) -> (B, T, C). run_with_cache records the 4C neuron activations as "hidden"."""
        hidden = self.act(self.c_fc(x))  # (B, T, 4C)
        record(self, hidden=hidden)
        return self.dropout(self.c_proj(hidden))
