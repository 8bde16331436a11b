"""Notebook 15's exercise: the check accepts the reference, and names each usual slip in splitting a batch."""
import pytest

from gptlab.exercises.scale_out import check_per_rank_batch, per_rank_batch


def test_reference_splits_and_refuses_uneven_batches():
    assert per_rank_batch(480, 8, 5) == per_rank_batch(480, 1, 40) == 12
    with pytest.raises(ValueError, match="multiple of 320"):
        per_rank_batch(480, 8, 40)  # the gpt2-124m preset's grad_accum on 8 GPUs


def _no_error(batch: int, world: int, accum: int) -> int:
    return batch // (world * accum)


@pytest.mark.parametrize("wrong, words", [
    (lambda b, w, a: b // w, "processes only"),
    (lambda b, w, a: b // a, "grad_accum only"),
    (lambda b, w, a: b, "global batch"),
    (lambda b, w, a: b / (w * a), "whole examples"),
    (_no_error, "raise ValueError"),
])
def test_check_names_the_mistake(wrong, words):
    result = check_per_rank_batch(wrong)
    assert not result.ok and words in result.message
