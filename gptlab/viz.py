"""Pictures: colour-blind-safe plots shared by the notebooks, and the figures saved into figs/.

Every saved figure is registered in FIGURES with a one-line description (its alt text); figs/README.md
is generated from that table (`python -m gptlab.viz`), and a test keeps the two in step.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

FIGS_DIR = Path(__file__).resolve().parent.parent / "figs"

# Colour-blind-safe choices: a perceptually uniform sequential map and a diverging one,
# plus the Okabe-Ito palette for lines and bars.
SEQUENTIAL = "cividis"
DIVERGING = "PuOr"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

# name -> (notebook that draws it, alt text). Add an entry before saving a new figure.
FIGURES: dict[str, tuple[str, str]] = {
    "gpt-3-metric-groups.png": ("11-scale.ipynb", "GPT-3's 175,181,291,520 weights in eight groups as horizontal bars: "
                                "embedding and unembedding 617,558,016 each, key, query, value and output "
                                "14,495,514,624 each, up- and down-projection 57,982,058,496 each."),
    "relu-vs-gelu.png": ("07-mlp-block.ipynb", "ReLU and GELU (tanh approximation) on -4..4: both are zero far left "
                         "and the identity far right; ReLU has a sharp corner at 0, GELU bends smoothly and dips "
                         "slightly below zero (lowest about -0.17 near z = -0.75)."),
    "prenorm-vs-postnorm.png": ("07-mlp-block.ipynb", "Validation loss against step for a pre-norm and a post-norm "
                                "4-layer character model trained without warmup at learning rate 0.01: the pre-norm "
                                "curve falls steadily, the post-norm curve stays high."),
    "depth-loss.png": ("07-mlp-block.ipynb", "Validation loss of 1-, 2- and 4-layer character models against step "
                       "(left) and against measured training time (right): per step, the 2- and 4-layer curves end "
                       "well below the 1-layer curve and close to each other, the 2-layer one slightly lower; per "
                       "second, the 4-layer curve lies to the right of the other two, as each of its steps takes "
                       "longer."),
    "output-matrix-heads.png": ("06-multi-head-attention.ipynb", "The layer-0 output matrix of the trained "
                                "Shakespeare model as a diverging heatmap, split by vertical lines into four 32-column "
                                "blocks labelled head 0 to head 3: each block is one head's value-up map; the head-0 "
                                "block is paler (smaller weights) than the other three."),
    "head-roles.png": ("06-multi-head-attention.ipynb", "A heatmap with the 8 heads of the trained model (2 layers x 4) "
                       "as rows and 12 kinds of key as columns (itself, 1/2/3 back, spaces, newlines, ...): three layer-0 "
                       "cells are bright ('1 back' 0.92, '2 back' 0.83, '3 back' 0.49), one layer-1 head is dimly lit "
                       "on 'newlines' and 'last newline' (0.28 and 0.23), the 'spaces' and 'vowels' columns are a "
                       "uniform mid-blue near their chance levels, the rest is dark."),
    "head-patterns-grid.png": ("06-multi-head-attention.ipynb", "A 2 by 4 grid of the trained model's attention "
                               "patterns on 'ROMEO:' newline 'But soft, what light through yonder window breaks?': in "
                               "layer 0, heads 3, 2 and 1 show thin diagonals one, two and three places below the main "
                               "one (the last fainter) and head 0 a broad faint band; in layer 1, head 2 shows a bright "
                               "column at the newline, head 3 a fainter one, heads 0 and 1 are mostly diffuse."),
    "gpt-flow.png": ("00-the-flow.ipynb", "The flow of a GPT as eight boxes: tokens, embeddings, attention, MLP "
                     "(attention and MLP framed as a block repeated N times), last vector, unembedding, softmax, "
                     "sample, with an arrow from sample back to tokens: the new token is appended and it all runs "
                     "again. Boxes holding learned weights are blue."),
    "illustrate-q-k.png": ("03-queries-and-keys.ipynb", "A trained single query/key head on 'a fluffy blue creature "
                           "sees the big red dog': left, the scaled scores q·k/√d_k of every query (row) against "
                           "every earlier key (column); right, the attention after the softmax. The rows of the "
                           "nouns 'creature' and 'dog' light up on their own adjectives only."),
    "embedding-2d.png": ("02-embeddings.ipynb", "The 16-dimensional character embeddings of a bigram model trained "
                         "on Shakespeare, projected on their two main directions: capitals, lower-case letters "
                         "and punctuation form three separate groups."),
    "gpt-3-calculate-output-prob.png": ("08-unembedding-and-softmax.ipynb", "The trained character model's last "
                                        "vector for 'To be, or not to b' times the unembedding matrix gives one logit "
                                        "per character; softmax turns the logits into probabilities, with 'e' on top."),
    "kv-cache.png": ("09-temperature-and-sampling.ipynb", "The work of one generation step for the 8th character "
                     "after 'ROMEO:' and a newline, as two grids (columns: tokens; a keys-and-values strip above one "
                     "row per query): re-reading the window computes every key, value and score again; with a KV "
                     "cache the old keys and values are read from the cache and only the new token's key, value and "
                     "row of scores are computed."),
    "temperature-distributions.png": ("09-temperature-and-sampling.ipynb", "The next-character distribution of the "
                                      "trained model for one prompt at temperatures 0, 0.5, 1, 1.5 and 2: all mass "
                                      "on one character at 0, flatter and flatter as the temperature rises."),
    "attention-pre-softmax.png": ("04-causal-masking.ipynb", "Scaled attention scores of a trained head on 'ROMEO:\\nO, she': "
                                  "every key after its query is set to -inf (grey), the rest are ordinary numbers, and "
                                  "in every row but the first the largest one is on the key just before the query."),
    "attention-softmax.png": ("04-causal-masking.ipynb", "The same head's pattern after the softmax: zeros above the "
                              "diagonal, every row (one query) sums to 1, and from the second row on most of each "
                              "row's weight sits on the character just before the query."),
    "context-size-cost.png": ("04-causal-masking.ipynb", "Entries and fp32 memory of the attention pattern against context "
                              "length on log-log axes, for one head and for GPT-3's 96 layers x 96 heads, marking 2,048, "
                              "8k, 32k and 128k tokens."),
    "value-metrics.png": ("05-values.ipynb", "The value map of one GPT-3 head as blocks: value-down 12,288 x 128 and "
                          "value-up 128 x 12,288 (3,145,728 weights) next to the full 12,288 x 12,288 matrix "
                          "(150,994,944 weights) it replaces."),
    "illustarte-value.png": ("05-values.ipynb", "E + dE = E' for the noun 'creature' in a 2-D projection (axes: the "
                             "'fluffy' and 'blue' embedding directions): after 'fluffy' the arrow points toward fluffy, "
                             "after 'blue' toward blue, after both toward both, with no adjective away from both."),
    "cross-attention.png": ("13-encoder-decoder.ipynb", "The trained date translator's cross-attention for "
                            "'2024-03-05' -> '5 March 2024', one panel per decoder layer: rows are output tokens, "
                            "columns input characters; the letters of 'March' read the month digits '03', the day "
                            "reads '05' and the year reads '2024'."),
}


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


def save_figure(fig: plt.Figure, name: str) -> Path:
    """Save `fig` as figs/<name> (a registered PNG name) with no time-dependent metadata."""
    if name not in FIGURES:
        raise KeyError(f"register {name!r} in gptlab.viz.FIGURES with its alt text before saving it.")
    FIGS_DIR.mkdir(exist_ok=True)
    path = FIGS_DIR / name
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    return path


def figures_readme() -> str:
    lines = ["# Figures", "", "Every picture here is drawn by code in the notebooks (regenerate this index with",
             "`python -m gptlab.viz`).", "", "| figure | drawn in | what it shows |", "| --- | --- | --- |"]
    for name, (notebook, alt) in sorted(FIGURES.items()):
        lines.append(f"| [{name}]({name}) | `{notebook}` | {alt} |")
    return "\n".join(lines) + "\n"


def heatmap(ax: plt.Axes, matrix, xlabels: Sequence[str] | None = None, ylabels: Sequence[str] | None = None,
            title: str | None = None, cmap: str = SEQUENTIAL, annotate: bool = False, fmt: str = "{:.2f}",
            vmin: float | None = None, vmax: float | None = None, colorbar: bool = True):
    """Draw a matrix with labelled rows (queries) and columns (keys); returns the image."""
    m = np.asarray(matrix, dtype=float)
    finite = m[np.isfinite(m)]
    im = ax.imshow(np.where(np.isfinite(m), m, np.nan), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    if xlabels is not None:
        ax.set_xticks(range(len(xlabels)), [repr(s)[1:-1] for s in xlabels], rotation=90 if len(xlabels) > 8 else 0)
    if ylabels is not None:
        ax.set_yticks(range(len(ylabels)), [repr(s)[1:-1] for s in ylabels])
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


if __name__ == "__main__":
    (FIGS_DIR / "README.md").write_text(figures_readme())
    print(FIGS_DIR / "README.md")
