"""Notebook 02 (embeddings): a token's nearest neighbours and its place in a 2-D projection."""
from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch

from ..interpret.probes import nearest_tokens, project_2d
from ..viz import OKABE_ITO
from .base import Explorer
from .html import signed_bars_html

NOTEBOOKS = (2,)


def draw_embedding_map(ax_map: plt.Axes, ax_bar: plt.Axes, coords: torch.Tensor, labels: list[str], index: int,
                       neighbours: list[int], sims: list[float], shown: list[int] | None = None) -> None:
    """Left: every token in the 2-D projection, the chosen one and its neighbours highlighted.
    Right: the neighbours' cosine similarities (notebook 02's static picture)."""
    shown = list(range(len(labels))) if shown is None else shown
    xy = coords.numpy()
    pad = 0.05 * (xy[shown].max(axis=0) - xy[shown].min(axis=0)) + 1e-6
    ax_map.set_xlim(xy[shown, 0].min() - pad[0], xy[shown, 0].max() + pad[0])
    ax_map.set_ylim(xy[shown, 1].min() - pad[1], xy[shown, 1].max() + pad[1])
    for i in shown:
        colour = OKABE_ITO[5] if i == index else OKABE_ITO[0] if i in neighbours else "0.45"
        weight = "bold" if i == index or i in neighbours else "normal"
        ax_map.annotate(labels[i], xy[i], fontsize=9, color=colour, weight=weight, ha="center", va="center")
    ax_map.set_title(f"2-D projection (PCA): {labels[index]!r} and its neighbours")
    ax_map.set_xlabel("direction 1")
    ax_map.set_ylabel("direction 2")
    names = [labels[i] for i in neighbours]
    ax_bar.barh(range(len(names))[::-1], sims, color=OKABE_ITO[0])
    ax_bar.set_yticks(range(len(names))[::-1], names)
    ax_bar.set_xlim(min(0.0, min(sims, default=0.0)), 1.0)
    ax_bar.set_xlabel("cosine similarity")
    ax_bar.set_title(f"nearest to {labels[index]!r}")


def embedding_map_svg(coords: torch.Tensor, labels: list[str], index: int, neighbours: list[int],
                      shown: list[int] | None = None, width: int = 560, height: int = 340) -> str:
    """The 2-D projection as a small SVG (notebook 02's widget): every token's label at its place, the
    chosen one in orange and its neighbours in blue (draw_embedding_map's map, redrawn instantly)."""
    shown = list(range(len(labels))) if shown is None else shown
    xy = coords.numpy()[shown]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    margin = 24
    items = []
    for (x, y), i in zip(xy, shown):
        px = margin + (x - lo[0]) / span[0] * (width - 2 * margin)
        py = height - margin - (y - lo[1]) / span[1] * (height - 2 * margin)  # up is up
        colour = OKABE_ITO[5] if i == index else OKABE_ITO[0] if i in neighbours else "#737373"
        weight = "bold" if i == index or i in neighbours else "normal"
        items.append(f"<text x='{px:.1f}' y='{py:.1f}' fill='{colour}' font-weight='{weight}'>"
                     f"{html.escape(labels[i])}</text>")
    title = html.escape(f"2-D projection (PCA): {labels[index]!r} and its neighbours")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height + 18}' "
            f"font-family='monospace' font-size='12' text-anchor='middle' dominant-baseline='middle'>"
            f"<text x='{width / 2}' y='9' font-family='sans-serif' font-size='13'>{title}</text>"
            f"<g transform='translate(0,18)'><rect x='1' y='1' width='{width - 2}' height='{height - 2}' "
            f"fill='none' stroke='#bbb'/>{''.join(items)}</g></svg>")


class EmbeddingExplorer(Explorer):
    """Pick a token: see its k nearest neighbours by cosine similarity and its place in the 2-D projection.

    `.token` is the Dropdown (value = row index), `.last` holds what is drawn:
    {"index", "label", "neighbours" (indices), "neighbour_labels", "similarities", "xy"}.
    """

    ERRORS = (Exception,)  # whatever a learner's matrix or labels raise becomes a message

    def __init__(self, matrix: torch.Tensor, labels: list[str], k: int = 8,
                 candidates: list[int] | None = None, start: int | None = None):
        super().__init__()
        self.matrix, self.labels, self.k = matrix, labels, k
        self.coords = project_2d(matrix)
        self.shown = list(range(len(labels))) if candidates is None else list(candidates)
        options = [(labels[i], i) for i in self.shown]
        self.token = w.Dropdown(options=options, value=start if start is not None else self.shown[0],
                                description="token")
        self.picture = w.HTML()  # the map and the bars, as SVG and HTML (instant to redraw)
        self.views = (self.picture,)
        self.children = [self.token, self.out, self.picture]
        self.watch(self.token)
        self.refresh()

    def draw(self) -> None:
        labels, i = self.labels, int(self.token.value)
        neighbours, sims = nearest_tokens(self.matrix, i, self.k, self.shown)
        self.last = {"index": i, "label": labels[i], "neighbours": neighbours,
                     "neighbour_labels": [labels[j] for j in neighbours], "similarities": sims,
                     "xy": tuple(round(float(v), 4) for v in self.coords[i])}
        bars = signed_bars_html([(labels[j], sim, f"{sim:.2f}") for j, sim in zip(neighbours, sims)],
                                title=f"nearest to {labels[i]!r} (cosine similarity)", half_px=90)
        self.picture.value = (f"<div style='display:flex;gap:16px;align-items:flex-start'>"
                              f"{embedding_map_svg(self.coords, labels, i, neighbours, self.shown)}"
                              f"<div>{bars}</div></div>")

    def error_view(self, error: Exception) -> dict:
        return self.last  # as before: the last good view stays in `last`


def embedding_explorer(matrix: torch.Tensor, labels: list[str], k: int = 8,
                       candidates: list[int] | None = None, start: int | None = None) -> EmbeddingExplorer:
    """The notebook 02 widget: a token's nearest neighbours and its place in the 2-D projection."""
    return EmbeddingExplorer(matrix, labels, k, candidates, start)
