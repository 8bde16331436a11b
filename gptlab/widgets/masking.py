"""Notebook 04 (causal masking): how big the attention pattern gets as the context grows."""
from __future__ import annotations

import ipywidgets as w
import torch

from ..attention import attention_pattern
from ..params import GPT3_HEADS, GPT3_LAYERS, context_cost, human_bytes
from .base import Explorer
from .html import pattern_image_html

NOTEBOOKS = (4,)

CONTEXT_CHOICES = [2 ** i for i in range(18)]  # 1 ... 131,072 (128k); 2,048 is GPT-3's context
_DRAW_UP_TO = 64  # larger patterns are shown as numbers only


def example_causal_pattern(context: int, head_size: int = 16, seed: int = 0) -> torch.Tensor:
    """A causal pattern (T, T) from random queries and keys (notebook 04): a head's pattern before training."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(context, head_size, generator=g)
    k = torch.randn(context, head_size, generator=g)
    return attention_pattern(q, k, causal=True)


def parse_context(text: str) -> int:
    """A typed context length ('3000', '2,048', '32k') as a number, or a ValueError saying what to type."""
    cleaned = text.strip().replace(",", "").replace("_", "").lower()
    scale = 1
    if cleaned.endswith("k"):
        cleaned, scale = cleaned[:-1], 1024
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise ValueError(f"{text!r} is not a context length; type a whole number such as 2048 or 32k.")
    value = int(cleaned) * scale
    if value > 1 << 24:
        raise ValueError(f"{value:,} tokens is more than this widget shows (16,777,216 = 16M); type a smaller number.")
    return value


class ContextCostWidget(Explorer):
    """A context-length slider (and a box to type any length): the pattern, its entries and its memory
    (notebook 04).

    `last` holds what is shown: context, entries, bytes_one_head, bytes_all_heads, drawn (bool), and
    pattern (the (T, T) tensor when drawn, else None); after bad typed input, also "error" (the message).
    """

    def __init__(self, context: int = 16):
        super().__init__()
        self.context = w.SelectionSlider(options=CONTEXT_CHOICES, value=context, description="context T",
                                         continuous_update=False, layout=w.Layout(width="520px"))
        self.typed = w.Text(value="", placeholder="or type a length, e.g. 3000 or 32k", description="T =",
                            continuous_update=False)
        self.numbers = w.HTML()
        self.picture = w.HTML()  # the pattern as a picture, or why it is not drawn
        self.views = (self.numbers, self.picture)
        self._shown = context  # the length on show: the slider's, or the last one typed
        self.children = [self.context, self.typed, self.numbers, self.out, self.picture]
        self.watch(self.context, then=lambda: self.show(self.context.value))
        self.watch(self.typed, then=self._on_typed)
        self.show(context)

    def _on_typed(self) -> None:
        if self.typed.value.strip():
            self._typed = self.typed.value
            self.refresh()

    def show(self, context: int) -> None:
        """Show the pattern and its cost for a context of `context` tokens."""
        self._typed = None
        self._shown = context
        self.refresh()

    def draw(self) -> None:
        context = parse_context(self._typed) if self._typed is not None else self._shown
        cost = context_cost(context)
        drawn = context <= _DRAW_UP_TO
        pattern = example_causal_pattern(context) if drawn else None
        self.last = {**cost, "drawn": drawn, "pattern": pattern}
        self.numbers.value = (
            f"<b>T = {context:,}</b>: the pattern has T x T = <b>{cost['entries']:,}</b> entries, "
            f"<b>{human_bytes(cost['bytes_one_head'])}</b> in fp32 for one head; GPT-3 stores one per head per "
            f"layer ({GPT3_HEADS} x {GPT3_LAYERS} = {GPT3_HEADS * GPT3_LAYERS:,}): "
            f"<b>{human_bytes(cost['bytes_all_heads'])}</b> per sequence.")
        if drawn:
            self.picture.value = pattern_image_html(
                pattern.numpy(), title=f"causal pattern, T = {context} (0 to 1)", row_title="query (looking)",
                col_title="key (looked at)")
        else:
            self.picture.value = f"(T = {context:,} is too big to draw: {cost['entries']:,} squares.)"

    def error_view(self, error: Exception) -> dict:
        return {**self.last, "error": str(error)}  # the numbers of the last good length stay


def context_cost_widget(context: int = 16) -> ContextCostWidget:
    """Notebook 04: how big the attention pattern gets as the context grows."""
    return ContextCostWidget(context)
