"""Notebook 11: the count_weights exercise's check, and the scale explorer widget."""
import pytest

from gptlab.checks import check_count_weights
from gptlab.solutions import count_weights


def test_solution_passes():
    result = check_count_weights(count_weights)
    assert result.ok, result.message
    assert count_weights(96, 96, 12288, 50257) == 175_181_291_520


def _output_per_head(L, H, C, V):
    hs = C // H
    return 2 * V * C + L * (3 * H * C * hs + H * C * C + 8 * C * C)


def _no_unembedding(L, H, C, V):
    return count_weights(L, H, C, V) - V * C


def _mlp_without_4(L, H, C, V):
    return 2 * V * C + L * (3 * C * C + C * C + 2 * C * C)


def _full_width_heads(L, H, C, V):
    return 2 * V * C + L * (3 * H * C * C + C * C + 8 * C * C)


def _true_division(L, H, C, V):
    return 2 * V * C + L * (3 * H * C * (C / H) + 9 * C * C) + 0.5


@pytest.mark.parametrize("fn, message", [
    (_output_per_head, "output matrix once per head"),
    (_no_unembedding, "one vocabulary matrix is missing"),
    (_mlp_without_4, "factor 4"),
    (_full_width_heads, "head_size = C / n_head"),
    (_true_division, "not a whole number"),
])
def test_broken_counts_fail_with_the_group_named(fn, message):
    result = check_count_weights(fn)
    assert not result.ok
    assert message in result.message, result.message


def test_stub_reports_not_implemented():
    def stub(*args):
        raise NotImplementedError

    assert "not implemented yet" in check_count_weights(stub).message


def test_scale_summary_gpt3():
    from gptlab.params import scale_summary

    s = scale_summary(12288, 96, 96, 50257, 2048)
    assert s["total"] == 175_181_291_520 and s["matrices"] == 27_938
    assert s["groups"]["up-projection"] == 57_982_058_496
    assert 0.33 < s["attention_fraction"] < 0.34
    assert round(s["bytes_fp32"] / 1e9) == 701 and round(s["bytes_bf16"] / 1e9) == 350
    assert s["bytes_attention_pattern"] == 2048 * 2048 * 96 * 96 * 4


def test_scale_explorer_updates_and_rejects_bad_heads():
    from gptlab.widgets.scale import scale_explorer

    widget = scale_explorer(n_embd=768, n_layer=12, n_head=12, vocab=50257, context=1024)
    assert widget.last["error"] is None and widget.last["total"] == 162_129_408
    assert widget.bars.value.count("px;height:12px") == 8 and "38,597,376" in widget.bars.value  # the embedding
    widget.n_layer.value = 24
    assert widget.last["groups"]["output"] == 24 * 768 * 768
    assert f"{24 * 768 * 768:,}" in widget.bars.value
    before = widget.last["total"]
    widget.n_head.value = 8  # 768 / 8 = 96: allowed, same total (heads cut, not add)
    assert widget.last["total"] == before
    widget.n_head.value = 7  # does not divide 768
    assert widget.last["error"] and "do not divide" in widget.last["error"] and "6 heads" in widget.last["error"]
    assert widget.bars.value == ""  # no bars for an impossible model
    widget.n_head.value = 12
    widget.context.value = 2048
    assert widget.last["error"] is None
    assert widget.last["bytes_attention_pattern"] == 2048 * 2048 * 12 * 24 * 4
    widget.vocab.value = 1000
    assert widget.last["groups"]["embedding"] == 1000 * 768
