"""Notebook 11 (scale): the weight-counting exercise, its reference solution beside its check.

- count_weights / check_count_weights: the eight weight groups of a GPT (175,181,291,520 for GPT-3).

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import numbers

from ..config import GPTConfig
from ..params import total_weights
from .common import CheckResult, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def count_weights(n_layer: int, n_head: int, n_embd: int, vocab: int) -> int:
    """The eight groups of the notes: embedding, key, query, value, output, up, down, unembedding."""
    head_size = n_embd // n_head
    embedding = vocab * n_embd
    per_head = 3 * n_embd * head_size  # key, query, value(-down): one n_embd x head_size matrix each
    output = n_embd * n_embd  # one per layer: every head's value-up map side by side
    mlp = 2 * n_embd * 4 * n_embd  # up-projection C x 4C and down-projection 4C x C
    unembedding = n_embd * vocab
    return embedding + n_layer * (n_head * per_head + output + mlp) + unembedding


# ---- checks ----------------------------------------------------------------------------------------------

def _nb11_mistakes(L: int, H: int, C: int, V: int) -> list[tuple[str, int]]:
    """(what went wrong, how far off the total it puts you) for the usual slips in the eight-group count."""
    hs = C // H
    return [
        ("you counted the output matrix once per head; each layer has ONE C x C output matrix "
         "(all heads' value-up maps side by side).", L * (H - 1) * C * C),
        ("one vocabulary matrix is missing: both the embedding (V x C) and the unembedding (C x V) count.", -V * C),
        ("both vocabulary matrices are missing: add the embedding (V x C) and the unembedding (C x V).", -2 * V * C),
        ("each head's key, query and value map C -> head_size = C / n_head, not C -> C.",
         3 * L * H * C * (C - hs)),
        ("the MLP's up-projection is C x 4C and its down-projection 4C x C: you left out the factor 4.",
         -6 * L * C * C),
        ("the MLP has TWO matrices per layer, up (C x 4C) and down (4C x C): one is missing.", -4 * L * C * C),
        ("the MLP matrices are C x 4C and 4C x C, not 4C x 4C.", 24 * L * C * C),
        ("the output matrix (C x C per layer) is missing.", -L * C * C),
        ("the value-up maps ARE the output matrix: do not count a value-up per head on top of it.", L * H * C * hs),
        ("key, query and value need one matrix per head in every layer: multiply by n_layer x n_head.",
         -3 * (L * H - 1) * C * hs),
        ("the per-layer groups (key, query, value, output, up, down) must be multiplied by n_layer.",
         -(L - 1) * 12 * C * C),
    ]


def check_count_weights(fn) -> CheckResult:
    """Notebook 11: count_weights(n_layer, n_head, n_embd, vocab) must give the eight-group total."""
    cases = [("GPT-3", 96, 96, 12288, 50257), ("GPT-2 small", 12, 12, 768, 50257),
             ("a tiny model", 2, 2, 16, 32), ("a model with 3 layers, 4 heads, width 8, 10 tokens", 3, 4, 8, 10)]

    def body() -> None:
        for name, L, H, C, V in cases:
            got = fn(L, H, C, V)
            require(isinstance(got, numbers.Number) and not isinstance(got, bool),
                    f"count_weights should return a number, got {type(got).__name__}.")
            if not isinstance(got, numbers.Integral):
                require(float(got).is_integer(),
                        f"for {name} you returned {got!r}, not a whole number: use // for the head size.")
            expected = total_weights(GPTConfig(n_layer=L, n_head=H, n_embd=C, vocab_size=V))
            if got == expected:
                continue
            diff = int(got) - expected
            for hint, off in _nb11_mistakes(L, H, C, V):
                require(diff != off, f"for {name} you get {int(got):,} instead of {expected:,}: {hint}")
            require(False, f"for {name} (n_layer={L}, n_head={H}, n_embd={C}, vocab={V}) you get {int(got):,}, "
                            f"expected {expected:,} ({'+' if diff > 0 else ''}{diff:,}). Count the eight groups "
                            "one by one: embedding V x C, key/query/value C x (C / n_head) per head per layer, "
                            "output C x C per layer, up C x 4C and down 4C x C per layer, unembedding C x V. "
                            "Only matrices: no biases, LayerNorms or position embeddings.")

    return run_check("check_count_weights", body,
                     "your count matches gptlab on GPT-3 (175,181,291,520), GPT-2 small and two small models.")
