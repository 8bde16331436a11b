"""The size of a GPT, as one frozen record (notebook 00 meets it, notebook 11 counts it).

Field names follow nanoGPT so a learner can map them onto real checkpoints.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


ACTIVATIONS = ("gelu", "gelu_tanh", "relu")


@dataclass(frozen=True)
class GPTConfig:
    """Hyper-parameters of a decoder-only Transformer.

    block_size: the context, how many tokens the model sees at once (T).
    vocab_size: how many different tokens exist (V).
    n_layer: how many attention + MLP blocks are stacked.
    n_head: attention heads per block (nh); each head is n_embd // n_head wide (hs).
    n_embd: width of every embedding vector and of the residual stream (C).
    dropout: probability of zeroing activations during training.
    bias: whether Linear layers and LayerNorms carry a bias, as GPT-2's do.
    activation: the MLP's nonlinearity: "gelu" (exact, via erf), "gelu_tanh" (the tanh approximation
        GPT-2 and GPT-3 were trained with; differs from exact by under 0.0005) or "relu" (2017).
    """

    block_size: int = 64
    vocab_size: int = 65
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True
    activation: str = "gelu"

    def __post_init__(self) -> None:
        for name in ("block_size", "vocab_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"GPTConfig.{name} must be a positive whole number, got {value!r}.")
        if self.n_embd % self.n_head:
            raise ValueError(
                f"n_embd={self.n_embd} is not divisible by n_head={self.n_head}: every head must get "
                f"the same width. Pick n_embd as a multiple of n_head (e.g. {self.n_head * max(1, self.n_embd // self.n_head)})."
            )
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {self.activation!r}.")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}.")

    @property
    def head_size(self) -> int:
        """Width of one head's query, key and value vectors (hs = C / nh)."""
        return self.n_embd // self.n_head

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> "GPTConfig":
        """A named configuration, optionally with some fields changed.

        >>> GPTConfig.preset("gpt3").n_embd
        12288
        """
        try:
            base = PRESETS[name]
        except KeyError:
            raise ValueError(f"Unknown preset {name!r}; choose one of {sorted(PRESETS)}.") from None
        return replace(base, **overrides)

    def replace(self, **changes: Any) -> "GPTConfig":
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS: dict[str, GPTConfig] = {
    # Small enough that a test builds and runs it in milliseconds.
    "tiny": GPTConfig(block_size=16, vocab_size=32, n_layer=2, n_head=2, n_embd=16),
    # The Shakespeare character model of notebooks 02-12: nanoGPT's CPU recipe (4 heads, 128 wide,
    # 64 characters of context) with 2 layers instead of 4. Two layers are the fewest that can form
    # induction heads, and on a small budget they learn more per second: each step costs half as much,
    # so 75 s of training reach validation loss 1.65-1.67 on tiny Shakespeare instead of 1.70-1.74
    # (benchmarks/README.md). With hours or a GPU, more layers win (try n_layer=4 or 6).
    "shakespeare_char": GPTConfig(block_size=64, vocab_size=65, n_layer=2, n_head=4, n_embd=128),
    # GPT-2 small, 124,439,808 parameters.
    "gpt2": GPTConfig(block_size=1024, vocab_size=50257, n_layer=12, n_head=12, n_embd=768, activation="gelu_tanh"),
    # GPT-3 175B: for counting only, never allocate it.
    "gpt3": GPTConfig(block_size=2048, vocab_size=50257, n_layer=96, n_head=96, n_embd=12288,
                      activation="gelu_tanh"),
}
