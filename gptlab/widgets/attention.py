"""Notebooks 03 and 06 (attention): one query's scores against every key in the toy head (03), and
one head's attention pattern of a trained character model on a text of your choice (06)."""
from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import toy
from ..interpret.probes import all_patterns, encode_for_model
from ..tokenizers import pieces, unit, visible
from ..viz import OKABE_ITO, heatmap
from .base import Explorer
from .html import heatmap_html, signed_bars_html

NOTEBOOKS = (3, 6)


# ---- notebook 03: queries and keys ----------------------------------------------------------------------


def draw_query_scores(axes, words: list[str], index: int, rows: dict[str, tuple[list[float], list[float]]]) -> None:
    """One bar chart per head ("before"/"after" training; notebook 03): the query's score for every key,
    with the attention weight written on each bar; keys after the query are greyed out."""
    for ax, (title, (scores, pattern)) in zip(axes, rows.items()):
        allowed = [j <= index for j in range(len(words))]
        heights = [s if ok else 0.0 for s, ok in zip(scores, allowed)]
        colours = [OKABE_ITO[0] if ok else "0.85" for ok in allowed]
        bars = ax.bar(range(len(words)), heights, color=colours)
        for j, bar in enumerate(bars):
            if allowed[j]:
                y = bar.get_height()
                ax.annotate(f"{pattern[j]:.2f}", (bar.get_x() + bar.get_width() / 2, y), ha="center",
                            va="bottom" if y >= 0 else "top", fontsize=8)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_xticks(range(len(words)), words, rotation=45, ha="right")
        ax.get_xticklabels()[index].set_fontweight("bold")
        ax.set_title(f"{title}: query {words[index]!r}")
        ax.set_ylabel("score q·k/√d_k (number: attention)")


class QueryKeyExplorer(Explorer):
    """Choose a toy sentence (or type one in toy words) and a token: see its query's score against every
    key, for the head before and after training (notebook 03).

    Controls: `.sentence` (Dropdown), `.typed` (Text, overrides the dropdown when not empty), `.token`
    (Dropdown of positions). `.last`: {"sentence", "words", "index", "before": (scores, pattern),
    "after": (scores, pattern)}, or {"error": message} after bad input.
    """

    ERRORS = (Exception,)  # whatever a learner's typed words raise becomes a message

    def __init__(self, untrained: toy.ToyHead, trained: toy.ToyHead, sentences: list[str] | None = None):
        super().__init__()
        self.untrained, self.trained = untrained, trained
        sentences = sentences or toy.EXAMPLES
        self.sentence = w.Dropdown(options=sentences, value=sentences[0], description="sentence",
                                   layout=w.Layout(width="420px"))
        self.typed = w.Text(value="", placeholder="or type toy words, e.g. 'the fluffy red cat'", description="typed",
                            continuous_update=False, layout=w.Layout(width="420px"))
        self.token = w.Dropdown(description="token")
        self.picture = w.HTML()  # the two bar charts, as HTML (instant to redraw)
        self.views = (self.picture,)
        self._quiet = False  # True while the token list is replaced: draw once, after both changes
        self.children = [self.sentence, self.typed, self.token, self.out, self.picture]
        self.watch(self.sentence, self.typed, then=self._set_tokens)
        self.watch(self.token, then=lambda: None if self._quiet else self.refresh())
        self._set_tokens()

    def _words(self) -> list[str]:
        return toy.words(toy.encode(self.typed.value.strip() or self.sentence.value))

    def _set_tokens(self) -> None:
        try:
            ws = self._words()
        except self.ERRORS as error:
            self.show_error(error)
            return
        nouns = [i for i, word in enumerate(ws) if word in toy.NOUNS]
        self._quiet = True
        try:
            self.token.options = [(f"{i}: {word}", i) for i, word in enumerate(ws)]
            self.token.value = nouns[-1] if nouns else len(ws) - 1
        finally:
            self._quiet = False
        self.refresh()

    def draw(self) -> None:
        ws, i = self._words(), self.token.value
        if i is None or not 0 <= i < len(ws):
            raise ValueError("choose a token from the list.")
        ids = torch.tensor(toy.encode(" ".join(ws)))
        rows = {"before training": toy.query_scores(self.untrained, ids, i),
                "after training": toy.query_scores(self.trained, ids, i)}
        self.last = {"sentence": " ".join(ws), "words": ws, "index": i,
                     "before": rows["before training"], "after": rows["after training"]}
        panels = []
        for title, (scores, pattern) in rows.items():
            bars = [(word, scores[j], f"attention {pattern[j]:.2f}") if j <= i else (word, None, "")
                    for j, word in enumerate(ws)]
            panels.append(f"<div>{signed_bars_html(bars, f'{title}: query {ws[i]!r}', bold=i)}</div>")
        self.picture.value = ("<div style='font-size:11px;color:#555'>bar: the score q·k/√d_k of the query "
                              "against each key; number: the attention weight after softmax</div>"
                              f"<div style='display:flex;gap:24px'>{''.join(panels)}</div>")


def query_key_explorer(untrained: toy.ToyHead, trained: toy.ToyHead,
                       sentences: list[str] | None = None) -> QueryKeyExplorer:
    """The notebook 03 widget: a query's scores against every key, before and after training."""
    return QueryKeyExplorer(untrained, trained, sentences)


# ---- notebook 06: multi-head attention ------------------------------------------------------------------


def draw_head_pattern(ax: plt.Axes, pattern: np.ndarray, chars: list[str], title: str = "", labels: bool = True) -> None:
    """One head's (T, T) pattern (notebook 06): row = the query character, column = the key character it reads.
    Drawn by viz.heatmap, as every other pattern of the course."""
    names = [visible(c) for c in chars]
    heatmap(ax, pattern, names if labels else None, names if labels else None, vmin=0.0, vmax=1.0, colorbar=False)
    ax.set_aspect("equal")
    if labels:
        ax.tick_params(labelsize=7, labelrotation=0)
        ax.set_xlabel("key (read from)")
        ax.set_ylabel("query (reads)")
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


class HeadPatternWidget(Explorer):
    """Pick a layer, a head and a text: see that head's attention pattern (notebook 06).

    Controls: `.layer`, `.head` (Dropdowns), `.text` (Text). `.last` = {"layer", "head", "text", "chars",
    "pattern" (T, T numpy), "strongest" (for each query, the key it reads most)} or {"error": message}.
    The model runs once per text; changing layer or head only redraws. With GPT-2's tiktoken encoder
    "chars" holds the BPE pieces, one per row and column.
    """

    ERRORS = (Exception,)  # whatever a learner's text raises becomes a message

    def __init__(self, model, tokenizer, text: str = "ROMEO:\nBut soft, what light through yonder window breaks?"):
        super().__init__()
        cfg = model.config
        self.model, self.tokenizer = model, tokenizer
        self.layer = w.Dropdown(options=list(range(cfg.n_layer)), value=0, description="layer")
        self.head = w.Dropdown(options=list(range(cfg.n_head)), value=0, description="head")
        # a Textarea, so a learner can type the newline that ends a speaker's name
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="4em"))
        self.picture = w.HTML()  # the pattern, as an HTML heatmap (instant to redraw)
        self.views = (self.picture,)
        self._patterns: tuple[str, np.ndarray] | None = None
        self.children = [w.HBox([self.layer, self.head]), self.text, self.out, self.picture]
        self.watch(self.layer, self.head, self.text)
        self.refresh()

    def patterns_for(self, text: str) -> np.ndarray:
        if self._patterns is None or self._patterns[0] != text:
            ids = encode_for_model(self.tokenizer, text, self.model.config.block_size)
            self._patterns = (text, all_patterns(self.model, ids))
        return self._patterns[1]

    def draw(self) -> None:
        text = self.text.value
        pattern = self.patterns_for(text)[self.layer.value, self.head.value]
        chars = pieces(self.tokenizer, text)
        self.last = {"layer": self.layer.value, "head": self.head.value, "text": text, "chars": chars,
                     "pattern": pattern, "strongest": pattern.argmax(axis=1).tolist()}
        names = [visible(c) for c in chars]
        self.picture.value = heatmap_html(pattern, names, names, f"layer {self.layer.value}, head {self.head.value}",
                                          row_title=f"the query {unit(self.tokenizer)} (reads)",
                                          col_title=f"the key {unit(self.tokenizer)} (read from); hover for the weight")


def head_pattern_explorer(model, tokenizer,
                          text: str = "ROMEO:\nBut soft, what light through yonder window breaks?") -> HeadPatternWidget:
    """The widget of notebook 06: one head's attention pattern on a text of your choice."""
    return HeadPatternWidget(model, tokenizer, text)
