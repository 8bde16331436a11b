"""Notebook 02 (embeddings): the embedding exercises, each reference solution beside its check.

- embed / check_embed: an embedding lookup written as one-hot rows times the matrix.
- nearest / check_nearest: the k rows most similar to a vector by cosine similarity.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from .common import CheckFailed, CheckResult, close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def embed(ids: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
    """Embedding lookup written as one-hot rows times the matrix: ids (...,) -> (..., C)."""
    one_hot = F.one_hot(ids, num_classes=matrix.size(0)).to(matrix.dtype)  # (..., V)
    return one_hot @ matrix  # (..., V) @ (V, C) -> (..., C)


def nearest(vec: torch.Tensor, matrix: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of the k rows of matrix most similar to vec by cosine similarity, most similar first."""
    sims = F.normalize(matrix, dim=-1) @ F.normalize(vec, dim=-1)  # (V,)
    return sims.topk(k).indices


# ---- checks ----------------------------------------------------------------------------------------------

def check_embed(embed: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """embed(ids, matrix) must equal matrix[ids] for 1-D and 2-D ids, computed as one-hot @ matrix."""

    def body() -> None:
        g = torch.Generator().manual_seed(0)
        V, C = 7, 3  # V != C so a transposed matrix shows up as a wrong shape
        matrix = torch.randn(V, C, generator=g)
        for ids in (torch.tensor([3, 0, 6, 3]), torch.tensor([[1, 2], [5, 4]])):
            try:
                out = embed(ids, matrix)
            except RuntimeError as error:
                text = str(error)
                if "Long" in text or "dtype" in text or "scalar type" in text:
                    raise CheckFailed("F.one_hot gives whole numbers (torch.long) but the matrix holds floats; convert "
                                      "the one-hot rows with .to(matrix.dtype) (or .float()) before the matmul.") from None
                if "shape" in text or "size" in text or "mat" in text:
                    raise CheckFailed(f"the matmul failed ({text.splitlines()[0]}); the one-hot rows have V = {V} "
                                      f"entries and the matrix is (V, C) = ({V}, {C}): compute one_hot @ matrix, "
                                      "not one_hot @ matrix.T.") from None
                raise
            require(isinstance(out, torch.Tensor), f"embed should return a torch.Tensor, got {type(out).__name__}.")
            expected = matrix[ids]
            shape = tuple(ids.shape)
            if tuple(out.shape) == shape + (V,):
                raise CheckFailed(f"for ids of shape {shape} you returned shape {tuple(out.shape)}: those are the one-hot "
                                  "rows themselves; multiply them by the matrix to pick out the embedding rows.")
            require(tuple(out.shape) == tuple(expected.shape),
                    f"for ids of shape {shape} and a ({V}, {C}) matrix the result should have shape "
                    f"{tuple(expected.shape)} (one C-vector per id), got {tuple(out.shape)}.")
            close(out, expected, f"embed(ids) for ids of shape {shape}")

    return run_check("embed", body, "one-hot @ matrix picks out exactly the rows matrix[ids].")


def check_nearest(nearest: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> CheckResult:
    """nearest(vec, matrix, k): indices of the k most cosine-similar rows, most similar first."""

    def body() -> None:
        # Row 1 is long but points elsewhere: the largest dot product, not the largest cosine.
        matrix = torch.tensor([[1.0, 0.1], [10.0, 8.0], [0.9, 0.3], [-1.0, 0.0], [0.0, 1.0], [0.8, 0.5]])
        vec = torch.tensor([2.0, 0.0])
        expected = torch.tensor([0, 2, 5])
        out = nearest(vec, matrix, 3)
        require(isinstance(out, torch.Tensor), f"nearest should return a torch.Tensor of indices, "
                                                f"got {type(out).__name__}.")
        require(out.dim() == 1 and out.numel() == 3,
                f"with k=3 nearest should return 3 indices (shape (3,)), got shape {tuple(out.shape)}.")
        require(not out.is_floating_point(),
                "you returned floats: return the row indices (topk(...).indices), not the similarities.")
        got = out.tolist()
        if got == [1, 0, 2] or (got and got[0] == 1):
            raise CheckFailed("row 1 ([10, 8]) came first: that is the largest dot product. Cosine similarity divides "
                              "by both lengths, so only the direction counts (use F.normalize or divide by .norm()).")
        if got == list(reversed(expected.tolist())) or got[0] == 3:
            raise CheckFailed("you returned the least similar rows or the wrong order; the most similar row comes first "
                              "(topk sorts from largest to smallest).")
        require(got == expected.tolist(), f"expected indices {expected.tolist()} (most similar first), got {got}.")
        # k must be respected and the query row itself comes first when it is in the matrix
        out5 = nearest(matrix[4], matrix, 5)
        require(out5.numel() == 5 and int(out5[0]) == 4,
                "a row of the matrix should be its own nearest neighbour (cosine 1) and k=5 should give 5 "
                f"indices; got {out5.tolist()}.")

    return run_check("nearest", body, "cosine similarity ranks the rows by direction, most similar first.")
