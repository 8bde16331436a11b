"""Notebook 09: the temperature / top-k checks and the sampling widget."""
import html

import pytest
import torch
import torch.nn.functional as F

from gptlab import checks, solutions
from gptlab.sample import apply_temperature, probabilities
from gptlab.widgets.sampling import sampling_settings, temperature_explorer


def test_solutions_pass():
    assert checks.check_apply_temperature(solutions.apply_temperature)
    assert checks.check_top_k_filter(solutions.top_k_filter)


def test_solutions_agree_with_gptlab():
    z = torch.randn(5, 11)
    for T in (0.0, 0.3, 1.0, 2.0):
        assert torch.allclose(solutions.apply_temperature(z, T), apply_temperature(z, T), atol=1e-6)
    assert torch.allclose(solutions.top_k_filter(torch.softmax(z, -1), 4), probabilities(z, top_k=4), atol=1e-6)


def test_temperature_divides_by_zero():
    def naive(z, T):
        return torch.softmax(z / T, -1)
    result = checks.check_apply_temperature(naive)
    assert not result and "T=0 gave nan" in result.message

    def python_zero(z, T):
        return torch.softmax(z * (1 / T), -1)
    result = checks.check_apply_temperature(python_zero)
    assert not result and "ZeroDivisionError" in result.message


def test_temperature_multiplies():
    result = checks.check_apply_temperature(lambda z, T: torch.softmax(z * T, -1))
    assert not result and "multiplied" in result.message


def test_temperature_returns_logits():
    result = checks.check_apply_temperature(lambda z, T: z / T if T else z)
    assert not result and "scaled logits" in result.message


def test_top_k_not_renormalised():
    def no_renorm(p, k):
        idx = p.topk(k, -1).indices
        return torch.where(torch.zeros_like(p, dtype=torch.bool).scatter(-1, idx, True), p, torch.zeros_like(p))
    result = checks.check_top_k_filter(no_renorm)
    assert not result and "renormalise" in result.message


def test_top_k_keeps_k_plus_one():
    def off_by_one(p, k):
        kth = p.topk(min(k + 1, p.size(-1)), -1).values[..., -1:]
        kept = torch.where(p >= kth, p, torch.zeros_like(p))
        return kept / kept.sum(-1, keepdim=True)
    result = checks.check_top_k_filter(off_by_one)
    assert not result and "kept 4 tokens" in result.message


def test_top_k_smallest():
    def smallest(p, k):
        idx = p.topk(k, -1, largest=False).indices
        kept = torch.where(torch.zeros_like(p, dtype=torch.bool).scatter(-1, idx, True), p, torch.zeros_like(p))
        return kept / kept.sum(-1, keepdim=True)
    result = checks.check_top_k_filter(smallest)
    assert not result and "wrong tokens" in result.message


def test_sampling_settings():
    assert sampling_settings(0.7, 76, 1.0, 76) == (0.7, None, None)
    assert sampling_settings(1.0, 5, 0.9, 76) == (1.0, 5, 0.9)


def test_widget_sliders(small_model):
    model, tok = small_model
    widget = temperature_explorer(model, tok, prompt="ROMEO:\n", n_chars=20)
    assert widget.temperature.description == "temperature"
    assert widget.top_k.description == "top-k" and widget.top_p.description == "top-p"
    first = widget.last
    assert first["error"] is None and first["kept"] == tok.vocab_size and len(first["continuation"]) == 20
    widget.temperature.value = 0.0
    assert widget.last["kept"] == 1 and widget.last["entropy"] == 0.0 and widget.last["probs"][0] == pytest.approx(1.0)
    widget.temperature.value = 2.0
    hot = widget.last
    assert hot["entropy"] > first["entropy"]
    widget.temperature.value = 1.0  # back to the start: same seed, same text
    assert widget.last["continuation"] == first["continuation"]
    assert html.escape(first["continuation"]) in widget.continuation.value
    widget.top_k.value = 3
    assert widget.last["kept"] == 3 and sum(widget.last["probs"]) == pytest.approx(1.0)
    widget.top_k.value = tok.vocab_size
    widget.top_p.value = 0.5
    assert 1 <= widget.last["kept"] < tok.vocab_size
    seed = widget.seed
    widget.resample.click()
    assert widget.seed == seed + 1


def test_widget_text_is_visible(small_model):
    model, tok = small_model
    widget = temperature_explorer(model, tok, prompt="ROMEO:\n", n_chars=20)
    before = widget.continuation.value
    widget.temperature.value = 0.0
    assert widget.continuation.value != before or widget.last["continuation"] in before
    assert "ROMEO:" in widget.continuation.value


def test_widget_bad_input(small_model):
    model, tok = small_model
    widget = temperature_explorer(model, tok, n_chars=10)
    widget.prompt.value = "Zzz"
    assert "not in this tokenizer's vocabulary" in widget.last["error"] and widget.last["continuation"] == ""
    widget.prompt.value = "ROMEO:"
    assert widget.last["error"] is None
