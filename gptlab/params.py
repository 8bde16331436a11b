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


# ---- what the widgets of notebooks 04 and 11 show ------------------------------------------------------

GPT3_LAYERS, GPT3_HEADS = 96, 96


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB' (notebook 04; binary units, as memory is sold to programs)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def context_cost(context: int, n_head: int = GPT3_HEADS, n_layer: int = GPT3_LAYERS,
                 bytes_per_number: int = 4) -> dict[str, int]:
    """Size of the attention pattern for one sequence of `context` tokens (notebook 04; fp32 by default).

    entries: context^2 numbers in one head's pattern; bytes_one_head: their memory;
    bytes_all_heads: every head of every layer (GPT-3: 96 x 96), if all were stored at once.
    """
    from numbers import Integral

    if isinstance(context, bool) or not isinstance(context, Integral) or context < 1:
        raise ValueError(f"the context length must be a whole number >= 1, got {context!r}.")
    context = int(context)
    return {"context": context, "entries": context * context,
            "bytes_one_head": attention_pattern_bytes(context, 1, 1, bytes_per_number),
            "bytes_all_heads": attention_pattern_bytes(context, n_head, n_layer, bytes_per_number)}


def scale_summary(n_embd: int, n_layer: int, n_head: int, vocab: int, context: int) -> dict:
    """Everything notebook 11's scale explorer shows, from the five sizes alone (no model is built).

    groups: the eight weight groups {name: weights}; total and matrices; attention_fraction
    (key + query + value + output over the total); parameters (with biases, LayerNorms, positions);
    flops_per_token (training, forward + backward); bytes_fp32 / bytes_bf16 of the weights;
    bytes_adam_training (fp32 weights, gradients and Adam's two moments: 16 bytes per parameter);
    bytes_attention_pattern (every head's fp32 pattern of one sequence).
    Raises ValueError (with what to change) when n_head does not divide n_embd.
    """
    config = GPTConfig(block_size=context, vocab_size=vocab, n_layer=n_layer, n_head=n_head, n_embd=n_embd)
    groups = {g.name: g.weights for g in weight_groups(config)}
    total = sum(groups.values())
    parameters = gpt_parameter_formula(config)["total"]
    return {
        "config": config,
        "groups": groups,
        "total": total,
        "matrices": sum(g.matrices for g in weight_groups(config)),
        "attention_fraction": sum(groups[k] for k in ("key", "query", "value", "output")) / total,
        "parameters": parameters,
        "flops_per_token": training_flops_per_token(config),
        "bytes_fp32": 4 * total,
        "bytes_bf16": 2 * total,
        "bytes_adam_training": 16 * parameters,
        "bytes_attention_pattern": attention_pattern_bytes(context, n_head, n_layer),
    }
