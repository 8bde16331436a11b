"""Notebook 05 (values): where a token's change dE comes from, token by token, in the toy head."""
from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt

from ..toy import EXAMPLES, NOUNS, ToyHead, encode, value_contributions, words
from ..viz import OKABE_ITO
from .base import Explorer
from .html import signed_bars_html

NOTEBOOKS = (5,)


def draw_value_contributions(info: dict, axes=None):
    """Two bar charts (notebook 05): the attention weights of the chosen token, and each token's part of dE."""
    n = info["position"] + 1
    labels = [f"{i}:{word}" for i, word in enumerate(info["words"][:n])]
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.5, 2.8))
    axes[0].bar(range(n), info["weights"][:n].numpy(), color=OKABE_ITO[0])
    axes[0].set_ylim(0, 1)
    axes[0].set_title(f"attention of '{info['word']}' (row of the pattern)", fontsize=9)
    along = info["along"][:n].numpy()
    axes[1].bar(range(n), along, color=[OKABE_ITO[2] if a >= 0 else OKABE_ITO[5] for a in along])
    axes[1].axhline(0, color="black", lw=0.8)
    axes[1].set_title(f"each token's part of dE (along dE; sum = |dE| = {info['dE_norm']:.2f})", fontsize=9)
    for ax in axes:
        ax.set_xticks(range(n), labels, rotation=45, ha="right", fontsize=8)
    axes[0].figure.tight_layout()
    return axes


class ValueContributionWidget(Explorer):
    """Pick a toy sentence and a token: bars show which earlier tokens its change dE comes from (notebook 05).

    `last` is the dict of value_contributions for what is shown (or {"error": message} after bad input).
    """

    def __init__(self, head: ToyHead, sentence: str | None = None, position: int | None = None):
        super().__init__()
        self.head = head
        self.sentence = w.Combobox(value=sentence or EXAMPLES[0], options=EXAMPLES, ensure_option=False,
                                   description="sentence", continuous_update=False, layout=w.Layout(width="560px"))
        self.token = w.Dropdown(description="token")
        self.picture = w.HTML()  # the two bar charts, as HTML (instant to redraw)
        self.views = (self.picture,)
        self._updating = False
        self.children = [self.sentence, self.token, self.out, self.picture]
        self._set_sentence(self.sentence.value, position)
        self.watch(self.sentence, then=lambda: self._set_sentence(self.sentence.value))
        self.watch(self.token, then=self.show)

    def _set_sentence(self, sentence: str, position: int | None = None) -> None:
        try:
            toks = words(encode(sentence))
        except self.ERRORS as error:
            self.show_error(error)
            return
        nouns = [i for i, t in enumerate(toks) if t in NOUNS]
        chosen = position if position is not None else (nouns[0] if nouns else len(toks) - 1)
        self._sentence = sentence
        self._updating = True  # changing the options fires the token observer: draw once, at the end
        try:
            self.token.options = [(f"{i}: {t}", i) for i, t in enumerate(toks)]
            self.token.value = chosen if 0 <= chosen < len(toks) else len(toks) - 1
        finally:
            self._updating = False
        self.show()

    def show(self) -> None:
        """Draw the chosen token's contributions (unless the token list is being replaced)."""
        if not self._updating and self.token.value is not None:
            self.refresh()

    def draw(self) -> None:
        info = value_contributions(self.head, self._sentence, self.token.value)
        self.last = info
        n = info["position"] + 1
        labels = [f"{i}:{word}" for i, word in enumerate(info["words"][:n])]
        weights = signed_bars_html([(label, float(a), f"{a:.2f}") for label, a in zip(labels, info["weights"][:n])],
                                   f"attention of '{info['word']}' (row of the pattern)", half_px=90, bold=n - 1)
        parts = signed_bars_html([(label, float(a), f"{a:+.2f}") for label, a in zip(labels, info["along"][:n])],
                                 f"each token's part of dE (along dE; sum = |dE| = {info['dE_norm']:.2f})",
                                 half_px=90, bold=n - 1)
        self.picture.value = f"<div style='display:flex;gap:24px'><div>{weights}</div><div>{parts}</div></div>"


def value_widget(head: ToyHead, sentence: str | None = None, position: int | None = None) -> ValueContributionWidget:
    """Notebook 05: where a token's change dE comes from, token by token."""
    return ValueContributionWidget(head, sentence, position)
