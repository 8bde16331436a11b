"""Counting weights: the source notes' eight groups, and real models (notebook 11).

The eight groups count only the big matrices, as the notes do: no biases, LayerNorms or positions.
`gpt_parameter_formula` adds those, so it equals count_parameters(GPT(config)).
"""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from .config import GPTConfig


@dataclass(frozen=True)
class WeightGroup:
    name: str
    matrices: int  # how many matrices of this kind
    rows: int
    cols: int  # each matrix is rows x cols

    @property
    def weights(self) -> int:
        return self.matrices * self.rows * self.cols


def weight_groups(config: GPTConfig) -> list[WeightGroup]:
    """The eight groups: embedding, key, query, value, output, up-projection, down-projection, unembedding.

    Per head, key, query and value(-down) are C x hs matrices; the output matrix of a layer is all
    heads' value-up maps side by side (C x C); the MLP is C x 4C up and 4C x C down.
    For GPT-3 this gives 175,181,291,520 weights in 27,938 matrices.
    """
    C, V, L, H, hs = config.n_embd, config.vocab_size, config.n_layer, config.n_head, config.head_size
    return [
        WeightGroup("embedding", 1, V, C),
        WeightGroup("key", L * H, C, hs),
        WeightGroup("query", L * H, C, hs),
        WeightGroup("value", L * H, C, hs),
        WeightGroup("output", L, C, C),
        WeightGroup("up-projection", L, C, 4 * C),
        WeightGroup("down-projection", L, 4 * C, C),
        WeightGroup("unembedding", 1, C, V),
    ]


def total_weights(config: GPTConfig) -> int:
    return sum(g.weights for g in weight_groups(config))


def total_matrices(config: GPTConfig) -> int:
    return sum(g.matrices for g in weight_groups(config))


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Distinct numbers in a model's parameters, frozen ones included (notebooks 00, 10, 11).

    A tied matrix counts once, whether the two modules hold one Parameter or two Parameters over the
    same memory. trainable_only=True counts only the parameters with requires_grad (what an optimizer
    would update).
    """
    seen: set[tuple] = set()
    total = 0
    for p in model.parameters():  # yields a Parameter held by two modules once
        if trainable_only and not p.requires_grad:
            continue
        # Two Parameter objects over one memory block are one matrix (a meta tensor has no memory: use its id).
        key = (id(p),) if p.device.type == "meta" else (p.device, p.data_ptr(), tuple(p.shape), p.stride())
        if key not in seen:
            seen.add(key)
            total += p.numel()
    return total


def gpt_parameter_formula(config: GPTConfig, tied: bool = True) -> dict[str, int]:
    """Parameters of gptlab's GPT by kind, from the config alone; "total" equals count_parameters."""
    C, V, L, T = config.n_embd, config.vocab_size, config.n_layer, config.block_size
    b = 1 if config.bias else 0
    parts = {
        "token embedding": V * C,
        "position embedding": T * C,
        "attention weights": L * (3 * C * C + C * C),
        "attention biases": L * b * (3 * C + C),
        "mlp weights": L * (8 * C * C),
        "mlp biases": L * b * (4 * C + C),
        "layernorms": (2 * L + 1) * C * (1 + b),
        "unembedding": 0 if tied else V * C,
    }
    parts["total"] = sum(parts.values())
    return parts


def training_flops_per_token(config: GPTConfig) -> int:
    """About 6 x parameters (2 forward, 4 backward) plus attention's 6 * L * T * C term (forward+backward)."""
    n = gpt_parameter_formula(config)["total"] - config.block_size * config.n_embd
    return 6 * n + 6 * config.n_layer * config.block_size * config.n_embd


def attention_pattern_bytes(context: int, n_head: int = 1, n_layer: int = 1, bytes_per_number: int = 4) -> int:
    """Memory to store every attention pattern of one sequence: context^2 numbers per head per layer."""
    return context * context * n_head * n_layer * bytes_per_number
