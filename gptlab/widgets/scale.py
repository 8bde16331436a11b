"""Notebook 11 (scale): change a GPT's sizes and watch its weights, compute and memory."""
from __future__ import annotations

import ipywidgets as w

from ..params import scale_summary
from .base import Explorer
from .html import group_colour, weight_groups_html

NOTEBOOKS = (11,)


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.1f} MB"


def draw_weight_groups(ax, groups: dict[str, int]) -> None:
    """Horizontal bars, one per weight group, labelled with its count (notebook 11's figure)."""
    names = list(groups)[::-1]
    values = [groups[n] for n in names]
    ax.barh(names, values, color=[group_colour(n) for n in names])
    top = max(values)
    for i, v in enumerate(values):
        ax.text(v + top * 0.01, i, f"{v:,}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.35)
    unit, size = next(((u, s) for u, s in (("billions", 1e9), ("millions", 1e6), ("thousands", 1e3)) if top >= s),
                      ("", 1))
    ax.xaxis.set_major_formatter(lambda x, _: f"{x / size:g}")
    ax.set_xlabel(f"weights ({unit})" if unit else "weights")


class ScaleExplorer(Explorer):
    """Sliders for width, layers, heads, vocabulary and context; the eight groups and the costs update live
    (notebook 11).

    `last` holds the scale_summary of what is shown (with "error": None), or {"error": message} for
    impossible sizes.
    """

    def __init__(self, n_embd: int = 12288, n_layer: int = 96, n_head: int = 96, vocab: int = 50257,
                 context: int = 2048):
        super().__init__()
        style = {"description_width": "90px"}
        layout = w.Layout(width="460px")
        self.n_embd = w.IntSlider(value=n_embd, min=64, max=16384, step=64, description="width C",
                                  continuous_update=False, style=style, layout=layout)
        self.n_layer = w.IntSlider(value=n_layer, min=1, max=128, description="layers",
                                   continuous_update=False, style=style, layout=layout)
        self.n_head = w.IntSlider(value=n_head, min=1, max=128, description="heads",
                                  continuous_update=False, style=style, layout=layout)
        self.vocab = w.IntSlider(value=vocab, min=2, max=256000, description="vocabulary",
                                 continuous_update=False, style=style, layout=layout)
        self.context = w.IntSlider(value=context, min=16, max=131072, step=16, description="context",
                                   continuous_update=False, style=style, layout=layout)
        self.table = w.HTML()
        self.bars = w.HTML()  # the eight groups as bars
        self.views = (self.table, self.bars)
        controls = (self.n_embd, self.n_layer, self.n_head, self.vocab, self.context)
        self.children = [w.HBox([w.VBox(list(controls)), self.table]), self.out, self.bars]
        self.watch(*controls)
        self.refresh()

    def draw(self) -> None:
        C, H = int(self.n_embd.value), int(self.n_head.value)
        if C % H:
            nearest = min((d for d in range(1, 129) if C % d == 0), key=lambda d: (abs(d - H), d))
            raise ValueError(f"{H} heads do not divide the width {C}: every head must get the same width "
                             f"(C / n_head). Try {nearest} heads (head size {C // nearest}), or another width.")
        s = scale_summary(C, int(self.n_layer.value), H, int(self.vocab.value), int(self.context.value))
        self.last = {**s, "error": None}
        rows = "".join(f"<tr><td>{name}</td><td style='text-align:right'>{n:,}</td></tr>"
                       for name, n in s["groups"].items())
        self.table.value = (
            "<table style='font-size:12px'>" + rows +
            f"<tr><td><b>total (8 groups)</b></td><td style='text-align:right'><b>{s['total']:,}</b></td></tr>"
            f"<tr><td>matrices</td><td style='text-align:right'>{s['matrices']:,}</td></tr>"
            f"<tr><td>attention share</td><td style='text-align:right'>{s['attention_fraction']:.1%}</td></tr>"
            f"<tr><td>training FLOPs / token</td><td style='text-align:right'>{s['flops_per_token']:.3g}</td></tr>"
            f"<tr><td>weights fp32 / bf16</td><td style='text-align:right'>{_gb(s['bytes_fp32'])} / "
            f"{_gb(s['bytes_bf16'])}</td></tr>"
            f"<tr><td>training with Adam</td><td style='text-align:right'>{_gb(s['bytes_adam_training'])}</td></tr>"
            f"<tr><td>attention patterns / sequence</td><td style='text-align:right'>"
            f"{_gb(s['bytes_attention_pattern'])}</td></tr></table>")
        self.bars.value = weight_groups_html(s["groups"])


def scale_explorer(**sizes: int) -> ScaleExplorer:
    """Notebook 11: change a GPT's sizes and watch its weights, compute and memory."""
    return ScaleExplorer(**sizes)
