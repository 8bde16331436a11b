"""Notebook 07 (the MLP block): where one MLP neuron fires, on your text and in the corpus."""
from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch

from ..interpret.probes import corpus_windows, encode_for_model, mlp_hidden, top_snippets
from ..tokenizers import pieces, unit, visible
from .base import Explorer
from .html import activation_html, sequential_rgba

NOTEBOOKS = (7,)


def snippet_line(snippet: dict) -> str:
    """A top_snippets entry as one line of plain text (notebook 07): newlines shown as ↵, the firing
    character in [brackets]."""
    before, char, after = (visible(snippet[key], spaces=False) for key in ("before", "char", "after"))
    return f"{snippet['activation']:5.2f}  {before:>30}[{char}]{after}"


def draw_activation_text(ax: plt.Axes, chars: list[str], activations, vmax: float | None = None,
                         per_line: int = 40, title: str = "") -> None:
    """Characters as coloured boxes (notebook 07's static picture; cividis: dark = silent, yellow = fires)."""
    acts = np.asarray(activations, dtype=float)
    top = vmax if vmax else max(float(acts.max()), 1e-6)
    row, col = 0, 0
    for c, a, colour in zip(chars, acts, sequential_rgba(acts, top)):
        level = min(max(a / top, 0.0), 1.0)
        ax.text(col, -row, visible(c, spaces=False), ha="center", va="center", family="monospace", fontsize=11,
                color="black" if level > 0.55 else "white",
                bbox=dict(boxstyle="square,pad=0.25", facecolor=colour, edgecolor="none"))
        col += 1
        if c == "\n" or col >= per_line:
            row, col = row + 1, 0
    ax.set_xlim(-1, per_line)
    ax.set_ylim(-row - 1, 1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)


class NeuronWidget(Explorer):
    """Pick a layer and an MLP neuron: see where it fires on your text and its top snippets in the corpus
    (notebook 07).

    Controls: `.layer` (Dropdown), `.neuron` (BoundedIntText), `.text` (Textarea). `.last` = {"layer", "neuron",
    "text", "activations" (one per character), "top" (list of top_snippets dicts)} or {"error": message}.
    The corpus activations are computed once, when the widget is built. With GPT-2's tiktoken encoder
    there is one activation per BPE piece and a snippet's "char" is the piece that fires.
    """

    ERRORS = (Exception,)  # whatever a learner's text raises becomes a message
    # GPT-2 reads 1,024 tokens; the corpus is read in shorter windows so that caching every activation of
    # every window stays small (the MLP's 3,072 neurons x 12 layers still take 150 KB per corpus token).
    BPE_WINDOW = 64

    def __init__(self, model, tokenizer, corpus: str, text: str = "KING RICHARD III:\nNow is the winter of our discontent",
                 layer: int = 0, neuron: int = 0, k: int = 6):
        super().__init__()
        cfg = model.config
        self.model, self.tokenizer, self.k = model, tokenizer, k
        self.window = cfg.block_size if unit(tokenizer) == "character" else min(cfg.block_size, self.BPE_WINDOW)
        self.corpus, windows = corpus_windows(tokenizer, corpus, self.window)
        self.corpus_acts = mlp_hidden(model, windows)  # (L, N*T, 4C)
        width = self.corpus_acts.size(-1)
        self.layer = w.Dropdown(options=list(range(cfg.n_layer)), value=layer, description="layer")
        self.neuron = w.BoundedIntText(value=neuron, min=0, max=width - 1, description=f"neuron (0-{width - 1})",
                                       style={"description_width": "initial"})
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="4em"))
        self.view = w.HTML()
        self.top_view = w.HTML()
        self.views = (self.view, self.top_view)
        self._text_acts: tuple[str, torch.Tensor] | None = None
        self.children = [w.HBox([self.layer, self.neuron]), self.text, self.out, self.view, self.top_view]
        self.watch(self.layer, self.neuron, self.text)
        self.refresh()

    def text_activations(self, text: str) -> torch.Tensor:
        if self._text_acts is None or self._text_acts[0] != text:
            ids = encode_for_model(self.tokenizer, text, self.model.config.block_size)
            self._text_acts = (text, mlp_hidden(self.model, torch.tensor([ids])))
        return self._text_acts[1]

    def draw(self) -> None:
        layer, neuron, text = self.layer.value, int(self.neuron.value), self.text.value
        acts = self.text_activations(text)[layer, :, neuron].numpy()
        column = self.corpus_acts[layer, :, neuron]
        top = top_snippets(self.corpus, column, self.k, block_size=self.window)
        vmax = max(float(column.max()), float(acts.max()), 1e-6)
        self.last = {"layer": layer, "neuron": neuron, "text": text, "activations": acts.tolist(), "top": top}
        labels = pieces(self.tokenizer, text)  # characters, or GPT-2's BPE pieces
        self.view.value = (f"<b>layer {layer}, neuron {neuron} on your text</b> (yellow = fires; hover for the value)"
                           f"<div style='line-height:1.8'>{activation_html(labels, acts, vmax)}</div>")
        rows = []
        for s in top:
            chars = list(s["before"]) + [s["char"]] + list(s["after"])
            row_acts = [0.0] * len(s["before"]) + [s["activation"]] + [0.0] * len(s["after"])
            rows.append(f"<div>{s['activation']:.2f}&nbsp;&nbsp;"
                        f"{activation_html(chars, row_acts, vmax).replace('<br>', '')}</div>")
        self.top_view.value = (f"<b>where it fires most in {len(self.corpus):,} {unit(self.tokenizer)}s "
                               "of the corpus</b>" + "".join(rows))


def neuron_explorer(model, tokenizer, corpus: str, text: str = "KING RICHARD III:\nNow is the winter of our discontent",
                    layer: int = 0, neuron: int = 0, k: int = 6) -> NeuronWidget:
    """The widget of notebook 07: one MLP neuron's activations on your text and its top corpus snippets."""
    return NeuronWidget(model, tokenizer, corpus, text, layer, neuron, k)
