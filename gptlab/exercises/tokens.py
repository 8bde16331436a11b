"""Notebook 01 (tokens): the byte-pair-encoding exercises, each reference solution beside its check.

- count_pairs / check_count_pairs: count every adjacent pair of token ids.
- merge / check_merge: replace each occurrence of a pair by a new id, left to right, never overlapping.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from collections import Counter
from typing import Callable


from ..tokenizers import merge_pair
from .common import CheckResult, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def count_pairs(ids: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair of ids occurs: [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    counts: dict[tuple[int, int], int] = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace each occurrence of `pair`, scanning left to right and never overlapping, by new_id."""
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2  # skip both halves: "aaa" with pair (a, a) gives [new, a], not [new, new]
        else:
            out.append(ids[i])
            i += 1
    return out


# ---- checks ----------------------------------------------------------------------------------------------

def check_count_pairs(count_pairs: Callable) -> CheckResult:
    """count_pairs(ids) -> {pair: count} over adjacent pairs."""

    def body() -> None:
        ids = [5, 6, 5, 6, 7, 5]
        got = count_pairs(list(ids))
        expected = Counter(zip(ids, ids[1:]))
        require(isinstance(got, dict), f"return a dict (or Counter) of pair -> count, got {type(got).__name__}.")
        bad_keys = [k for k in got if not (isinstance(k, tuple) and len(k) == 2)]
        require(not bad_keys, f"keys must be pairs (tuples of two ids) like (5, 6), got {bad_keys[:1]}.")
        got = {k: v for k, v in got.items() if v}
        if (7, 5) not in got and set(got) == set(expected) - {(7, 5)}:
            require(False, "the last pair (7, 5) is missing: ids[i], ids[i + 1] runs up to i = len(ids) - 2.")
        require(set(got) == set(expected), f"found pairs {sorted(got)}, expected {sorted(expected)}.")
        wrong = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
        require(not wrong, "wrong counts (yours, expected): " + ", ".join(f"{k}: {v}" for k, v in wrong.items()))
        require(count_pairs([3]) in ({}, Counter()), "a single id has no pairs: return an empty dict.")
        aaa = count_pairs([1, 1, 1])
        require(dict(aaa) == {(1, 1): 2}, f"[1, 1, 1] has the pair (1, 1) twice (positions 0-1 and 1-2) when "
                                           f"counting, got {dict(aaa)}.")

    return run_check("check_count_pairs", body, "pairs counted correctly.")


def check_merge(merge: Callable) -> CheckResult:
    """merge(ids, pair, new_id) must equal gptlab.tokenizers.merge_pair."""

    def body() -> None:
        cases = [([1, 2, 3, 1, 2], (1, 2), 9), ([5, 1, 2], (1, 2), 9), ([1, 2, 1, 2, 1], (1, 2), 9),
                 ([4, 4, 4], (4, 4), 9), ([4, 4, 4, 4], (4, 4), 9), ([1, 3, 2], (1, 2), 9), ([], (1, 2), 9)]
        for ids, pair, new_id in cases:
            before = list(ids)
            got = merge(list(ids), pair, new_id)
            expected = merge_pair(ids, pair, new_id)
            require(isinstance(got, list), f"return a list of ids, got {type(got).__name__}.")
            if got == expected:
                continue
            where = f"merge({before}, {pair}, {new_id}) gave {got}, expected {expected}"
            if ids == [4, 4, 4]:
                require(False, f"{where}: after merging a pair, skip BOTH of its ids; the middle 4 can only "
                                "belong to one merge (non-overlapping, left to right).")
            if got == expected[:-1] or (len(got) == len(expected) - 1 and got == expected[:len(got)]):
                require(False, f"{where}: the last id is lost; when no pair starts at the last position, "
                                "still append ids[-1].")
            if sum(1 for x in got if x == new_id) < sum(1 for x in expected if x == new_id):
                require(False, f"{where}: replace EVERY occurrence of the pair, not only the first.")
            require(False, where + ".")

    return run_check("check_merge", body, "merges match gptlab.tokenizers.merge_pair, including 'aaa'.")
