"""Notebook 06: the multi-head attention check and the head-pattern widget."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

from gptlab import checks, solutions
from gptlab.checks import _mha_variant


def test_solution_passes():
    result = checks.check_multi_head_attention(solutions.multi_head_attention)
    assert result.ok, result.message


def test_stub_says_not_implemented():
    def stub(x, attn):
        raise NotImplementedError

    assert "not implemented yet" in checks.check_multi_head_attention(stub).message


@pytest.mark.parametrize("mistake, expected", [
    (dict(split_ok=False), "split wrongly"),
    (dict(merge_ok=False), "merged wrongly"),
    (dict(project=False), "without the output projection"),
    (dict(causal=False), "future"),
    (dict(scale="C"), "sqrt(C)"),
])
def test_broken_versions_fail_with_the_reason(mistake, expected):
    result = checks.check_multi_head_attention(lambda x, attn: _mha_variant(x, attn, **mistake))
    assert not result.ok
    assert expected in result.message, result.message


def test_unmerged_heads_and_fixed_head_count():
    def unmerged(x, attn):
        B, T, C = x.shape
        q, k, v = attn.qkv(x)
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)

    assert "(B, nh, T, hs)" in checks.check_multi_head_attention(unmerged).message

    def four_heads_only(x, attn):
        class Fixed:
            n_head = 4
            c_attn, c_proj = attn.c_attn, attn.c_proj
        return solutions.multi_head_attention(x, Fixed)

    assert "attn.n_head" in checks.check_multi_head_attention(four_heads_only).message


def test_solution_equals_module_on_the_trained_model(trained):
    model, tok = trained
    attn = model.transformer.h[1].attn
    x = torch.randn(2, 10, model.config.n_embd)
    with torch.no_grad():
        assert torch.allclose(solutions.multi_head_attention(x, attn), attn(x), atol=1e-5)


@pytest.fixture(scope="module")
def trained():
    from gptlab.pretrained import load_shakespeare_char

    model, tok, _ = load_shakespeare_char()
    return model, tok


def test_widget_follows_its_controls(trained):
    from gptlab.widgets.attention import head_pattern_explorer

    model, tok = trained
    wdg = head_pattern_explorer(model, tok, "ROMEO:\nBut soft")
    assert wdg.last["layer"] == 0 and wdg.last["head"] == 0
    first = wdg.last["pattern"]
    assert first.shape == (15, 15)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, atol=1e-5)
    assert np.all(np.triu(first, k=1) == 0), "no attention to the future"
    wdg.layer.value, wdg.head.value = 1, 2
    assert (wdg.last["layer"], wdg.last["head"]) == (1, 2)
    assert not np.allclose(wdg.last["pattern"], first)
    wdg.text.value = "abcabc"
    assert wdg.last["chars"] == list("abcabc") and wdg.last["pattern"].shape == (6, 6)


def test_widget_bad_text_shows_a_message(trained):
    from gptlab.widgets.attention import head_pattern_explorer

    model, tok = trained
    wdg = head_pattern_explorer(model, tok, "hello")
    wdg.text.value = "héllo"
    assert "never seen" in wdg.last["error"] and "'é'" in wdg.last["error"]
    wdg.text.value = "x" * (model.config.block_size + 1)
    assert "at most" in wdg.last["error"]
    wdg.text.value = ""
    assert "type some text" in wdg.last["error"]
    wdg.text.value = "ok"
    assert "error" not in wdg.last
