"""Notebook 08: the softmax / cross-entropy checks and the next-token widget."""
import pytest
import torch
import torch.nn.functional as F

from gptlab import checks, solutions
from gptlab.interpret.probes import next_token_logits, top_tokens
from gptlab.widgets.unembedding import next_token_explorer


def test_solutions_pass():
    assert checks.check_softmax(solutions.softmax)
    assert checks.check_cross_entropy(solutions.cross_entropy)


def test_softmax_not_implemented():
    def stub(logits):
        raise NotImplementedError
    result = checks.check_softmax(stub)
    assert not result and "not implemented yet" in result.message


def test_softmax_without_max_overflows():
    def naive(z):
        e = z.exp()
        return e / e.sum(-1, keepdim=True)
    result = checks.check_softmax(naive)
    assert not result and "overflows" in result.message and "largest logit" in result.message


def test_softmax_global_max():
    def global_max(z):
        e = (z - z.max()).exp()
        return e / e.sum(-1, keepdim=True)
    result = checks.check_softmax(global_max)
    assert not result and "OWN" in result.message


def test_softmax_wrong_axis():
    def wrong_axis(z):
        e = (z - z.max(0, keepdim=True).values).exp()
        return e / e.sum(0, keepdim=True)
    result = checks.check_softmax(wrong_axis)
    assert not result and "wrong axis" in result.message


def test_cross_entropy_missing_minus():
    result = checks.check_cross_entropy(lambda z, y: -F.cross_entropy(z, y))
    assert not result and "minus sign" in result.message


def test_cross_entropy_missing_log():
    result = checks.check_cross_entropy(lambda z, y: -torch.softmax(z, -1)[torch.arange(len(y)), y].mean())
    assert not result and "not its log" in result.message


def test_cross_entropy_per_position_and_overflow():
    result = checks.check_cross_entropy(lambda z, y: F.cross_entropy(z, y, reduction="none"))
    assert not result and "mean" in result.message

    def unstable(z, y):
        p = z.exp() / z.exp().sum(-1, keepdim=True)
        return -p[torch.arange(len(y)), y].log().mean()
    result = checks.check_cross_entropy(unstable)
    assert not result and "inf/nan" in result.message


def test_widget_updates(small_model):
    model, tok = small_model
    widget = next_token_explorer(model, tok, prompt="ROMEO:\n", k=5)
    assert widget.last["error"] is None and len(widget.last["tokens"]) == 5
    expected = top_tokens(torch.softmax(next_token_logits(model, tok, "ROMEO:\n"), -1), tok.chars, 5)
    assert widget.last["tokens"] == [t for t, _ in expected]
    assert widget.last["probs"] == sorted(widget.last["probs"], reverse=True)
    widget.k.value = 3
    assert len(widget.last["tokens"]) == 3
    widget.prompt.value = "DEAR"
    assert widget.last["prompt"] == "DEAR" and widget.last["error"] is None
    widget.prompt.value = "RO\\nMEO"  # a typed \n means a newline
    assert widget.last["prompt"] == "RO\nMEO"


def test_widget_bad_input(small_model):
    model, tok = small_model
    widget = next_token_explorer(model, tok)
    widget.prompt.value = "Zzz"
    assert "not in this tokenizer's vocabulary" in widget.last["error"] and widget.last["tokens"] == []
    widget.prompt.value = "a" * 20
    assert "at most 16" in widget.last["error"]
    widget.prompt.value = ""
    assert "at least one character" in widget.last["error"]
    widget.prompt.value = "ROMEO:"
    assert widget.last["error"] is None and widget.last["tokens"]
