"""Interactive controls for the notebooks (ipywidgets).

Each builder returns a widget whose picture or text comes from pure functions elsewhere in gptlab,
so tests can set `.value` on a control and check what changed, with no browser. Controls that
re-run a model use continuous_update=False. A bad value typed by a learner shows a message in the
widget, never a traceback.
"""
from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import display


def show_error(out: w.Output, error: Exception) -> None:
    """Show a learner's mistake inside the widget as one readable line."""
    out.clear_output(wait=True)
    with out:
        display(w.HTML(f"<b style='color:#D55E00'>{type(error).__name__}:</b> {error}"))

# ---- notebook 00: the flow ------------------------------------------------------------------------------

# ---- notebook 01: tokens --------------------------------------------------------------------------------

# ---- notebook 02: embeddings ----------------------------------------------------------------------------

# ---- notebook 03: queries and keys ----------------------------------------------------------------------

# ---- notebook 04: causal masking ------------------------------------------------------------------------

# ---- notebook 05: values --------------------------------------------------------------------------------

# ---- notebook 06: multi-head attention ------------------------------------------------------------------

# ---- notebook 07: MLP, residuals, LayerNorm -------------------------------------------------------------

# ---- notebook 08: unembedding and softmax ---------------------------------------------------------------

# ---- notebook 09: temperature and sampling --------------------------------------------------------------

# ---- notebook 10: train a GPT ---------------------------------------------------------------------------

# ---- notebook 11: scale ---------------------------------------------------------------------------------

# ---- notebook 12: prompting -----------------------------------------------------------------------------

# ---- notebook 13: encoder-decoder -----------------------------------------------------------------------
