"""Notebooks 00-13: the figures they save, each registered with its alt text, and where they go.

Every saved figure is registered in FIGURES with a one-line description (its alt text); figs/README.md
is generated from that table (`python -m gptlab.viz`), and a test keeps the two in step.

save_figure writes into the checkout's figs/ only when GPTLAB_WRITE_FIGS=1, as the tool that
regenerates the pictures sets it (`python benchmarks/notebook_times.py --inplace`); otherwise into a
temporary folder, so running a notebook or the tests leaves the repository as it was.
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt

FIGS_ENV = "GPTLAB_WRITE_FIGS"


def checkout_figs_dir(package_dir: Path = Path(__file__).resolve().parent) -> Path | None:
    """The source checkout's figs/ (the notebooks save into it); None when gptlab is installed (site-packages)."""
    root = package_dir.parent
    return root / "figs" if (root / "pyproject.toml").is_file() and (root / "figs").is_dir() else None


FIGS_DIR = checkout_figs_dir()


def figures_dir() -> Path:
    """Where save_figure writes (every notebook): FIGS_DIR when GPTLAB_WRITE_FIGS=1, else a temporary folder."""
    if os.environ.get(FIGS_ENV, "0") in ("", "0"):
        return _scratch_dir()
    if FIGS_DIR is None:
        raise RuntimeError(f"{FIGS_ENV}=1 writes into the figs/ folder of a source checkout, but gptlab is installed "
                           f"at {Path(__file__).parent}; unset {FIGS_ENV}, or run from a clone of the repository.")
    return FIGS_DIR


@lru_cache(maxsize=1)
def _scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gptlab-figs-"))


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
    "block-norm-placement.png": ("07-mlp-block.ipynb", "Two blocks drawn as boxes and arrows, side by side. Left, "
                                 "post-norm (2017 Transformer): the residual stream x goes through self-attention, an "
                                 "add and a LayerNorm, then a feed-forward Linear-ReLU-Linear, an add and a LayerNorm; "
                                 "both LayerNorms sit on the stream itself. Right, pre-norm (GPT-2, GPT-3): each "
                                 "sublayer branches off the stream, reads it through its own LayerNorm (masked "
                                 "self-attention, then an MLP Linear-GELU-Linear) and adds its result back, so the "
                                 "stream stays a plain sum; after the last of the N blocks a final LayerNorm (ln_f) "
                                 "leads to the unembedding."),
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
                               "column at the newline, head 3 a fainter one, head 1 a thinner column at the 'a' of 'what' "
                               "(later characters give it about a fifth of their attention), head 0 is diffuse."),
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
                                        "vector for 'HAMLET:' newline 'To be, or not to b' times the unembedding matrix gives one logit "
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
                            "columns input characters. The attention is soft, spread over several characters, but "
                            "the letters of 'March' give the month digits '03' far more than the 0.2 an even spread "
                            "over the ten input characters would, and in at least one layer the day reads '05' and "
                            "the year's digits read '2024'."),
    "encoder-decoder.png": ("13-encoder-decoder.ipynb", "The 2017 encoder-decoder Transformer as boxes and arrows. "
                            "Left, the encoder: inputs, input embedding plus positional encoding, then encoder layers "
                            "1 to N, each self-attention (unmasked), add & norm, feed-forward, add & norm. Right, the "
                            "decoder: outputs shifted right, output embedding plus positional encoding, then decoder "
                            "layers 1 to N, each masked self-attention, add & norm, cross-attention, add & norm, "
                            "feed-forward, add & norm, and on top linear and softmax giving the probabilities of the "
                            "next output token. Grey lines are the residual connections. One thick arrow leaves the "
                            "top of the last encoder layer (the memory) and branches into the cross-attention of "
                            "every decoder layer."),
    "data-parallel.png": ("15-beyond-one-machine.ipynb", "Data parallelism on 2 ranks: a global batch of 8 rows, "
                          "rows 0-3 (blue) going to rank 0 and rows 4-7 (orange) to rank 1; each rank holds a model "
                          "copy with the same weights W, runs forward and backward on its own rows and gets a "
                          "gradient (g0, g1); both flow into a green all-reduce box that averages them, and every "
                          "rank takes the same step W - eta g-bar, so the weights stay identical."),
}


def save_figure(fig: plt.Figure, name: str) -> Path:
    """Save `fig` as <name> (a registered PNG name) with no time-dependent metadata; returns its path.

    Into figs/ when GPTLAB_WRITE_FIGS=1, else into a temporary folder (see figures_dir).
    """
    if name not in FIGURES:
        raise KeyError(f"register {name!r} in gptlab.figures.FIGURES with its alt text before saving it.")
    path = figures_dir() / name
    fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Software": None})
    return path


def figures_readme() -> str:
    lines = ["# Figures", "", "Every picture here is drawn by code in the notebooks (regenerate the pictures with",
             "`python benchmarks/notebook_times.py --inplace`, which sets GPTLAB_WRITE_FIGS=1, and this index",
             "with `python -m gptlab.viz`).", "", "| figure | drawn in | what it shows |", "| --- | --- | --- |"]
    for name, (notebook, alt) in sorted(FIGURES.items()):
        lines.append(f"| [{name}]({name}) | `{notebook}` | {alt} |")
    return "\n".join(lines) + "\n"


def write_readme() -> Path:
    """Regenerate figs/README.md from FIGURES (`python -m gptlab.viz`); returns its path."""
    if FIGS_DIR is None:
        raise SystemExit("figs/README.md belongs to a source checkout; run this from a clone of the repository.")
    path = FIGS_DIR / "README.md"
    path.write_text(figures_readme())
    return path
