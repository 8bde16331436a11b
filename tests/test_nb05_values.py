"""Notebook 05: the head_update check and the value-contribution widget."""
import math

import pytest
import torch

from gptlab.checks import check_head_update
from gptlab.solutions import head_update
from gptlab.toy import EXAMPLES, ToyHead
from gptlab.toy import value_contributions
from gptlab.widgets.values import value_widget


def _pattern(q, k, causal=True, scale=True, dim=-1):
    scores = q @ k.transpose(-2, -1) / (math.sqrt(q.size(-1)) if scale else 1.0)
    if causal:
        T = scores.size(-1)
        scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return torch.softmax(scores, dim=dim)


def test_solution_passes():
    result = check_head_update(head_update)
    assert result.ok, result.message


def test_stub_says_not_implemented():
    def stub(x, Wq, Wk, Wd, Wu):
        raise NotImplementedError

    result = check_head_update(stub)
    assert not result.ok and "not implemented yet" in result.message


@pytest.mark.parametrize("broken, expected", [
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk, causal=False) @ (x @ Wd) @ Wu, "missing causal mask"),
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk) @ (x @ Wd), "forgot the up-projection"),
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk, scale=False) @ (x @ Wd) @ Wu, "sqrt(d_k)"),
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk) @ x, "averaged the embeddings"),
    (lambda x, Wq, Wk, Wd, Wu: x + _pattern(x @ Wq, x @ Wk) @ (x @ Wd) @ Wu, "return only the change"),
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk, dim=-2) @ (x @ Wd) @ Wu, "dim=-2"),
    (lambda x, Wq, Wk, Wd, Wu: _pattern(x @ Wq, x @ Wk), "the pattern"),
    (lambda x, Wq, Wk, Wd, Wu: (_pattern(x @ Wq, x @ Wk) @ (x @ Wd) @ Wu)[0], "shape"),
])
def test_broken_versions_fail_with_the_right_message(broken, expected):
    result = check_head_update(broken)
    assert not result.ok
    assert expected in result.message, result.message


def test_value_contributions_add_up_to_dE():
    head = ToyHead(seed=0).eval()
    info = value_contributions(head, EXAMPLES[0], 3)
    assert info["word"] == "creature" and info["position"] == 3
    assert torch.allclose(info["contributions"].sum(0), info["dE"], atol=1e-5)
    assert math.isclose(info["along"].sum().item(), info["dE_norm"], rel_tol=1e-4)
    assert (info["weights"][4:] == 0).all()  # causal: nothing from later tokens
    with pytest.raises(ValueError):
        value_contributions(head, EXAMPLES[0], 42)


def test_widget_follows_sentence_and_token():
    head = ToyHead(seed=0).eval()
    widget = value_widget(head, EXAMPLES[0], 3)
    assert widget.last["word"] == "creature"
    widget.token.value = 8
    assert widget.last["word"] == "dog" and widget.last["position"] == 8
    widget.sentence.value = "a small cat"
    assert widget.last["words"] == ["a", "small", "cat"] and widget.last["word"] == "cat"  # first noun chosen
    widget.sentence.value = "a fluffy wug"
    assert "not a toy word" in widget.last["error"]
    widget.sentence.value = EXAMPLES[4]
    assert widget.last["word"] == "cat" and "error" not in widget.last
