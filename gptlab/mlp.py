"""The MLP block: up-projection, nonlinearity, down-projection (notebook 07)."""
from __future__ import annotations

import torch
from torch import nn

from .config import GPTConfig


class MLP(nn.Module):
    """C -> 4C -> GELU -> C, applied to every position on its own.

    GPT-2 uses the tanh approximation of GELU; the 2017 Transformer used ReLU (see `activation`).
    """

    def __init__(self, config: GPTConfig, activation: str = "gelu"):
        super().__init__()
        if activation not in ("gelu", "relu"):
            raise ValueError(f"activation must be 'gelu' or 'relu', got {activation!r}.")
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)  # up-projection
        self.act = nn.GELU(approximate="tanh") if activation == "gelu" else nn.ReLU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)  # down-projection
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, cache: dict[str, torch.Tensor] | None = None, name: str = "mlp") -> torch.Tensor:
        """x: (B, T, C) -> (B, T, C). With a cache, record the 4C neuron activations as f"{name}.hidden"."""
        hidden = self.act(self.c_fc(x))  # (B, T, 4C)
        if cache is not None:
            cache[f"{name}.hidden"] = hidden
        return self.dropout(self.c_proj(hidden))
