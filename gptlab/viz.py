"""Pictures: colour-blind-safe plots shared by the notebooks, and the figures saved into figs/.

Saving lives in gptlab.figures (the register of figures with their alt text, and the GPTLAB_WRITE_FIGS
switch that lets them into figs/); viz re-exports it, so notebooks call viz.save_figure.
"""
from __future__ import annotations

from typing import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from .figures import (FIGS_DIR, FIGS_ENV, FIGURES, figures_dir, figures_readme,  # noqa: F401  (viz.save_figure)
                      save_figure, write_readme)
from .tokenizers import visible

# Colour-blind-safe choices: a perceptually uniform sequential map and a diverging one,
# plus the Okabe-Ito palette for lines and bars.
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def use_style() -> None:
    """The look of every notebook's plots: Okabe-Ito colours, readable fonts, no top/right spines."""
    matplotlib.rcParams.update({
        "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
        "image.cmap": SEQUENTIAL,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
        "font.size": 10,
    })


def heatmap(ax: plt.Axes, matrix, xlabels: Sequence[str] | None = None, ylabels: Sequence[str] | None = None,
            title: str | None = None, cmap: str = SEQUENTIAL, annotate: bool = False, fmt: str = "{:.2f}",
            vmin: float | None = None, vmax: float | None = None, colorbar: bool = True):
    """Draw a matrix with labelled rows (queries) and columns (keys); returns the image."""
    m = np.asarray(matrix, dtype=float)
    finite = m[np.isfinite(m)]
    im = ax.imshow(np.where(np.isfinite(m), m, np.nan), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), [visible(s, spaces=False) for s in xlabels], rotation=90 if len(xlabels) > 8 else 0)
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), [visible(s, spaces=False) for s in ylabels])
    if annotate:
        mid = (np.nanmax(finite) + np.nanmin(finite)) / 2 if finite.size else 0
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                text = "-inf" if m[i, j] == -np.inf else fmt.format(m[i, j])
                dark = np.isfinite(m[i, j]) and m[i, j] < mid
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return im


def loss_curves(ax: plt.Axes, history, label: str = "", smooth: int = 20) -> None:
    """Training loss (smoothed) and validation loss of a gptlab.train.History."""
    steps = np.asarray(history.steps)
    loss = np.asarray(history.train_loss)
    if len(loss) >= smooth > 1:
        kernel = np.ones(smooth) / smooth
        loss = np.convolve(loss, kernel, mode="valid")
        steps = steps[smooth - 1:]
    prefix = f"{label} " if label else ""
    ax.plot(steps, loss, alpha=0.8, label=f"{prefix}train")
    ax.plot(history.eval_steps, history.val_loss, "o-", label=f"{prefix}validation")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (cross-entropy, nats)")
    ax.legend()


def _box(ax: plt.Axes, x: float, y: float, text: str, width: float, height: float, face, edge, lw: float,
         fontsize: float, zorder: float | None = None) -> None:
    """A rounded box centred at (x, y) with its label: the building block of the diagrams below."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor=face, edgecolor=edge, lw=lw, zorder=zorder))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=None if zorder is None else zorder + 1)


def _plus(ax: plt.Axes, x: float, y: float, radius: float, lw: float, zorder: float | None = None,
          **text_style) -> None:
    """A circled + at (x, y): where a residual branch or a positional encoding is added."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor="black", lw=lw, zorder=zorder))
    ax.text(x, y + text_style.pop("dy", 0.0), "+", ha="center", va="center", zorder=None if zorder is None else zorder + 1,
            **text_style)


def draw_norm_placement(ax: plt.Axes) -> None:
    """Post-norm (2017 Transformer) and pre-norm (GPT-2/3) blocks side by side as boxes and arrows (notebook 07).

    The residual stream runs down the left line of each column; each sublayer branches off to the right and adds
    its result back at a circled +. In post-norm the LayerNorms sit on the stream itself; in pre-norm they sit on
    the branches, and one final LayerNorm follows the last block.
    """
    from matplotlib.patches import Rectangle

    norm_c, attn_c, mlp_c = OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[2]

    def box(x: float, y: float, text: str, color: str, width: float = 2.9) -> None:
        _box(ax, x, y, text, width, 0.64, "white", color, lw=2.2, fontsize=9, zorder=3)

    def add(x: float, y: float) -> None:
        _plus(ax, x, y, 0.24, lw=1.6, zorder=3, dy=-0.02, fontsize=12, fontweight="bold")

    def path(points: list[tuple[float, float]], lw: float = 1.4) -> None:
        # straight segments, with an arrowhead on the last one
        for a, b in zip(points[:-2], points[1:-1]):
            ax.plot([a[0], b[0]], [a[1], b[1]], color="black", lw=lw, zorder=2, solid_capstyle="butt")
        ax.annotate("", xy=points[-1], xytext=points[-2],
                    arrowprops=dict(arrowstyle="-|>", color="black", lw=lw, shrinkA=0, shrinkB=0), zorder=2)

    def branch(x0: float, xb: float, y_from: float, boxes: list[tuple[str, str]], y_add: float) -> None:
        # from the stream at y_from out to the right, down through the boxes, back into the + at y_add
        ax.plot([x0], [y_from], "o", color="black", ms=5, zorder=3)
        ys = [y_from - 0.75 - i for i in range(len(boxes))]
        path([(x0, y_from), (xb, y_from), (xb, ys[0] + 0.36)])
        for (text, color), y in zip(boxes, ys):
            box(xb, y, text, color)
        for y_top, y_bottom in zip(ys, ys[1:]):
            path([(xb, y_top - 0.36), (xb, y_bottom + 0.36)])
        path([(xb, ys[-1] - 0.36), (xb, y_add), (x0 + 0.26, y_add)])
        add(x0, y_add)

    def frame(x_left: float, y_top: float, y_bottom: float) -> None:
        ax.add_patch(Rectangle((x_left, y_bottom), 5.5, y_top - y_bottom, fill=False, ls="--", lw=1,
                               edgecolor="0.55", zorder=1))
        ax.text(x_left + 5.4, y_bottom + 0.15, "× N blocks", ha="right", va="bottom", fontsize=9, color="0.35")

    # left: post-norm, x <- LN(x + f(x))
    x0, xb = 1.2, 3.9
    ax.text(2.9, 14.3, "post-norm (2017 Transformer)", ha="center", fontsize=11, fontweight="bold")
    ax.text(2.9, 13.75, "x ← LayerNorm(x + sublayer(x))", ha="center", fontsize=9)
    ax.text(x0, 13.2, "x", ha="center", va="bottom", fontsize=10)
    frame(0.15, 12.95, 4.75)
    branch(x0, xb, 12.6, [("self-attention", attn_c)], 11.0)
    box(x0, 10.1, "LayerNorm", norm_c, width=1.9)
    branch(x0, xb, 9.25, [("feed-forward\nLinear → ReLU → Linear", mlp_c)], 7.65)
    box(x0, 6.75, "LayerNorm", norm_c, width=1.9)
    for y_top, y_bottom in [(13.15, 11.24), (10.76, 10.45), (9.75, 7.89), (7.41, 7.1)]:
        path([(x0, y_top), (x0, y_bottom)], lw=2.6)
    path([(x0, 6.4), (x0, 4.1)], lw=2.6)
    ax.text(x0, 3.95, "after the last block:\nto the output layer", ha="center", va="top", fontsize=9)

    # right: pre-norm, x <- x + f(LN(x)), and a final LayerNorm
    x0, xb = 7.7, 10.4
    ax.text(9.4, 14.3, "pre-norm (GPT-2, GPT-3)", ha="center", fontsize=11, fontweight="bold")
    ax.text(9.4, 13.75, "x ← x + sublayer(LayerNorm(x))", ha="center", fontsize=9)
    ax.text(x0, 13.2, "x", ha="center", va="bottom", fontsize=10)
    frame(6.65, 12.95, 4.75)
    branch(x0, xb, 12.6, [("LayerNorm", norm_c), ("masked self-attention", attn_c)], 10.1)
    branch(x0, xb, 9.25, [("LayerNorm", norm_c), ("MLP\nLinear → GELU → Linear", mlp_c)], 6.75)
    for y_top, y_bottom in [(13.15, 10.34), (9.86, 6.99)]:
        path([(x0, y_top), (x0, y_bottom)], lw=2.6)
    path([(x0, 6.51), (x0, 4.37)], lw=2.6)
    box(x0, 4.0, "final LayerNorm (ln_f)", norm_c, width=2.9)
    path([(x0, 3.64), (x0, 3.05)], lw=2.6)
    ax.text(x0, 2.95, "to the unembedding", ha="center", va="top", fontsize=9)

    ax.text(6.4, 1.9, "thick line: the residual stream.  Post-norm puts every LayerNorm on the stream itself;\n"
            "pre-norm normalises only the copy each sublayer reads, so the stream stays a plain sum.",
            ha="center", va="center", fontsize=9, color="0.25")
    ax.set_xlim(0, 12.8)
    ax.set_ylim(1.2, 14.7)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_encoder_decoder(ax: plt.Axes) -> dict[str, list[tuple[float, ...]]]:
    """The 2017 encoder-decoder Transformer as a block diagram (notebook 13, figs/encoder-decoder.png).

    Left, the encoder: inputs, input embedding + positional encoding, then encoder layers (self-attention
    without a mask, add & norm, feed-forward, add & norm), drawn as layer 1 and layer N. Right, the decoder:
    outputs shifted right, output embedding + positional encoding, decoder layers (masked self-attention,
    add & norm, cross-attention, add & norm, feed-forward, add & norm), then linear and softmax. Grey lines are
    the residual connections into each add & norm. Thick arrows carry the memory, the output of the LAST
    encoder layer, into the cross-attention of EVERY decoder layer.

    Returns positions in data coordinates, for tests: "encoder_top" [(x, y)] where the last encoder layer
    ends, "cross_attention" [(x, y), ...] the centre of each cross-attention box, and "memory_arrows"
    [(x0, y0, x1, y1), ...] where each memory path starts and ends.
    """
    from matplotlib.colors import to_rgb
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    def light(color: str, amount: float = 0.55) -> tuple[float, float, float]:
        r, g, b = (c + (1 - c) * amount for c in to_rgb(color))
        return r, g, b

    attention, cross, ffn = light(OKABE_ITO[1]), light(OKABE_ITO[3]), light(OKABE_ITO[2])
    norm, vocab, memory_color = light(OKABE_ITO[6], 0.6), light(OKABE_ITO[4], 0.4), OKABE_ITO[5]
    w, h, step = 3.4, 0.5, 0.72  # box width and height, distance between box centres

    def box(x: float, y: float, label: str, fc) -> None:
        _box(ax, x, y, label, w, h, fc, "black", lw=1, fontsize=10)

    def arrow(p0: tuple[float, float], p1: tuple[float, float], color: str = "black", lw: float = 1.2) -> None:
        ax.add_patch(FancyArrowPatch(p0, p1, arrowstyle="-|>", mutation_scale=12, color=color, lw=lw,
                                     shrinkA=0, shrinkB=0))

    def bottom(x: float, embedding: str, label: str) -> float:
        # input text, embedding, + positional encoding; returns the y where the first layer starts
        ax.text(x, 0, label, ha="center", va="center", fontsize=10, style="italic")
        box(x, step, embedding, vocab)
        arrow((x, 0.18), (x, step - h / 2 - 0.04))
        plus = 2 * step
        _plus(ax, x, plus, 0.17, lw=1, fontsize=12)
        ax.text(x - 0.35, plus, "positional\nencoding", ha="right", va="center", fontsize=9)
        arrow((x, step + h / 2 + 0.04), (x, plus - 0.17))
        return plus + 0.17

    def layer(x: float, y0: float, title: str, sublayers: list[tuple[str, tuple]]) -> tuple[float, list[float]]:
        # a dashed frame of sub-layers stacked upwards from y0, with residual lines; returns (top, box centres)
        ys = [y0 + 0.48 + h / 2 + i * step for i in range(len(sublayers))]
        top = ys[-1] + h / 2 + 0.28
        ax.add_patch(FancyBboxPatch((x - w / 2 - 0.55, y0 + 0.2), w + 1.1, top - y0 - 0.2, boxstyle="round,pad=0.02",
                                    fc="none", ec="grey", lw=1.2, ls="--"))
        side = -1 if x < ax_mid else 1  # layer titles outside the frames, away from the memory arrows
        ax.text(x + side * (w / 2 + 0.75), (y0 + 0.2 + top) / 2, title, ha="center", va="center", rotation=90,
                fontsize=9.5, color="dimgrey")
        below = y0
        for (label, fc), yc in zip(sublayers, ys):
            box(x, yc, label, fc)
            arrow((x, below), (x, yc - h / 2 - 0.04))
            below = yc + h / 2 + 0.04
        for i in range(0, len(sublayers), 2):  # residual: from below each sub-layer into the add & norm above it
            start = (ys[i - 1] + ys[i]) / 2 if i else y0 + 0.32
            xl = x - w / 2 - 0.3
            ax.plot([x, xl, xl], [start, start, ys[i + 1]], color="grey", lw=1)
            arrow((xl, ys[i + 1]), (x - w / 2 - 0.04, ys[i + 1]), color="grey", lw=1)
        return below, ys

    enc_x, dec_x = 2.4, 9.8
    ax_mid = (enc_x + dec_x) / 2
    enc_layer = [("Self-attention (unmasked)", attention), ("Add & norm", norm),
                 ("Feed-forward", ffn), ("Add & norm", norm)]
    dec_layer = [("Masked self-attention", attention), ("Add & norm", norm), ("Cross-attention", cross),
                 ("Add & norm", norm), ("Feed-forward", ffn), ("Add & norm", norm)]

    # encoder: layer 1, ..., layer N
    y = bottom(enc_x, "Input embedding", "inputs")
    ax.text(enc_x, -0.65, "ENCODER", ha="center", fontsize=12, fontweight="bold")
    y, _ = layer(enc_x, y, "encoder layer 1", enc_layer)
    ax.text(enc_x, y + 0.3, "⋮", ha="center", va="center", fontsize=16)
    encoder_top, _ = layer(enc_x, y + 0.6, "encoder layer N", enc_layer)
    memory_y = encoder_top + 0.45
    ax.plot([enc_x, enc_x], [encoder_top, memory_y], color=memory_color, lw=2.2)
    ax.text(enc_x, memory_y + 0.12, "memory M:\nthe output of the LAST encoder layer", ha="center", va="bottom",
            fontsize=9.5, color=memory_color, fontweight="bold")

    # decoder: layer 1, ..., layer N, then linear and softmax
    y = bottom(dec_x, "Output embedding", "outputs (shifted right)")
    ax.text(dec_x, -0.65, "DECODER", ha="center", fontsize=12, fontweight="bold")
    cross_ys = []
    y, ys = layer(dec_x, y, "decoder layer 1", dec_layer)
    cross_ys.append(ys[2])
    ax.text(dec_x, y + 0.3, "⋮", ha="center", va="center", fontsize=16)
    y, ys = layer(dec_x, y + 0.6, "decoder layer N", dec_layer)
    cross_ys.append(ys[2])
    linear_y, softmax_y = y + step - h / 2 + 0.1, y + 2 * step - h / 2 + 0.1
    box(dec_x, linear_y, "Linear", vocab)
    box(dec_x, softmax_y, "Softmax", "#DDDDDD")
    arrow((dec_x, y), (dec_x, linear_y - h / 2 - 0.04))
    arrow((dec_x, linear_y + h / 2 + 0.04), (dec_x, softmax_y - h / 2 - 0.04))
    top = softmax_y + h / 2 + 0.04
    arrow((dec_x, top), (dec_x, top + 0.35))
    ax.text(dec_x, top + 0.45, "probabilities of the next output token", ha="center", va="bottom", fontsize=10,
            style="italic")

    # the memory: one path from the last encoder layer to the cross-attention of every decoder layer
    bus_x = enc_x + w / 2 + 0.75
    ax.plot([enc_x, bus_x, bus_x], [memory_y, memory_y, min(cross_ys)], color=memory_color, lw=2.2)
    arrows = []
    for yc in cross_ys:
        arrow((bus_x, yc), (dec_x - w / 2 - 0.04, yc), color=memory_color, lw=2.2)
        arrows.append((enc_x, encoder_top, dec_x - w / 2 - 0.04, yc))
    ax.text(bus_x + 0.08, (memory_y + min(cross_ys)) / 2, "the same memory gives\nthe keys and values\n"
            "of the cross-attention\nin EVERY decoder layer", ha="left", va="center", fontsize=8, color=memory_color)
    ax.set_xlim(-0.1, 12.6)
    ax.set_ylim(-0.9, top + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return {"encoder_top": [(enc_x, encoder_top)], "cross_attention": [(dec_x, yc) for yc in cross_ys],
            "memory_arrows": arrows}


if __name__ == "__main__":
    print(write_readme())
