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
