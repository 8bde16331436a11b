"""Reference solutions to the exercises, one section per notebook.

Notebooks reach them from a collapsed "solution" cell; tests/test_checks.py runs every check on them.
Try the exercise first: the check function tells you what is wrong.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

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
