"""Notebook 13 (encoder-decoder): the translator's greedy output and its cross-attention."""
from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w
import numpy as np

from ..tokenizers import visible
from ..transformer import translate_text
from ..viz import heatmap
from .base import Explorer
from .html import heatmap_html

NOTEBOOKS = (13,)


def _output_labels(tokens, end: str) -> list[str]:
    return ["<end>" if t == end else visible(t) for t in tokens]


def draw_cross_attention(ax, pattern, input_text: str, out_tokens, title: str | None = None,
                         colorbar: bool = True, end: str = "$"):
    """Cross-attention as a heatmap (notebook 13): one row per output token, one column per input character."""
    im = heatmap(ax, np.asarray(pattern), xlabels=[visible(c) for c in input_text],
                 ylabels=_output_labels(out_tokens, end), title=title, vmin=0.0, vmax=1.0, colorbar=colorbar)
    ax.tick_params(axis="x", labelrotation=0)  # single characters read best upright ("-" is not "|")
    ax.set_xlabel("input character (keys and values: the encoder's output)")
    ax.set_ylabel("output token (query: the decoder)")
    return im


class TranslatorBox(Explorer):
    """Type an input, see the encoder-decoder's greedy output and its cross-attention (notebook 13).

    `last` holds input, output, tokens (the output tokens, the end token included), layer, pattern
    (the shown (T_out, S) numpy array: the chosen decoder layer's cross-attention, averaged over heads)
    and error (None, or the message shown).
    """

    def __init__(self, model, src_tok, tgt_tok, bos: str, eos: str, text: str = "2024-03-05",
                 validate: Callable[[str], None] | None = None):
        super().__init__()
        self.model, self.src_tok, self.tgt_tok, self.bos, self.eos = model, src_tok, tgt_tok, bos, eos
        self.validate = validate
        self.text = w.Text(value=text, description="input", continuous_update=False)
        n = model.config.n_dec_layer
        self.layer = w.Dropdown(options=[("mean of layers", -1)] + [(f"decoder layer {i}", i) for i in range(n)],
                                value=n - 1, description="layer")
        self.picture = w.HTML()  # the output and its cross-attention, as HTML (instant to redraw)
        self.views = (self.picture,)
        self._cache: tuple | None = None
        self.children = [w.HBox([self.text, self.layer]), self.out, self.picture]
        self.watch(self.text, self.layer)
        self.refresh()

    def draw(self) -> None:
        text, layer = self.text.value, self.layer.value
        if self.validate is not None:
            self.validate(text)
        if self._cache is None or self._cache[0] != text:
            self._cache = (text, *translate_text(self.model, self.src_tok, self.tgt_tok, text, self.bos, self.eos))
        _, output, tokens, patterns = self._cache
        pattern = (patterns.mean(dim=(0, 1)) if layer == -1 else patterns[layer].mean(0)).numpy()  # (T_out, S)
        self.last = {"input": text, "layer": layer, "output": output, "tokens": tokens, "pattern": pattern,
                     "error": None}
        self.picture.value = (
            f"<p><b>{html.escape(text)}</b> &rarr; <b style='color:#0072B2'>{html.escape(output)}</b></p>"
            + heatmap_html(pattern, _output_labels(tokens, self.eos), [visible(c) for c in text],
                           row_title="output token (query: the decoder)",
                           col_title="input character (keys and values: the encoder's output); hover for the weight",
                           cell_px=20))

    def error_view(self, error: Exception) -> dict:
        return {"input": self.text.value, "layer": self.layer.value, "output": None, "tokens": None,
                "pattern": None, "error": str(error)}


def translator_box(model, src_tok, tgt_tok, bos: str, eos: str, text: str = "2024-03-05",
                   validate: Callable[[str], None] | None = None) -> TranslatorBox:
    """Build the notebook 13 translator widget (see TranslatorBox)."""
    return TranslatorBox(model, src_tok, tgt_tok, bos, eos, text, validate)
