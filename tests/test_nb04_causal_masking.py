"""Notebook 04: the causal_softmax check and the context-cost widget."""
import pytest
import torch

from gptlab.checks import check_causal_softmax
from gptlab.solutions import causal_softmax
from gptlab.params import context_cost, human_bytes
from gptlab.widgets.masking import CONTEXT_CHOICES, context_cost_widget, example_causal_pattern


def _future(T):
    return torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)


def test_solution_passes():
    result = check_causal_softmax(causal_softmax)
    assert result.ok, result.message


def test_stub_says_not_implemented():
    def stub(scores):
        raise NotImplementedError

    result = check_causal_softmax(stub)
    assert not result.ok and "not implemented yet" in result.message


@pytest.mark.parametrize("broken, expected", [
    (lambda s: torch.softmax(s, -1), "no mask"),
    (lambda s: torch.softmax(s.masked_fill(_future(s.size(-1)), 0.0), -1), "exp(0) = 1"),
    (lambda s: torch.softmax(s.masked_fill(torch.ones(s.size(-1), s.size(-1), dtype=torch.bool).triu(0),
                                           float("-inf")), -1), "masked the diagonal"),
    (lambda s: torch.softmax(s.masked_fill(_future(s.size(-1)), float("-inf")), -2), "dim=-2"),
    (lambda s: torch.softmax(s, -1).masked_fill(_future(s.size(-1)), 0.0), "rows do not sum to 1"),
    (lambda s: torch.softmax(s.masked_fill(torch.ones(s.size(-1), s.size(-1), dtype=torch.bool).tril(-1),
                                           float("-inf")), -1), "looks into the future"),
    (lambda s: torch.softmax(s.masked_fill_(_future(s.size(-1)), float("-inf")), -1), "changed the scores"),
])
def test_broken_versions_fail_with_the_right_message(broken, expected):
    result = check_causal_softmax(broken)
    assert not result.ok
    assert expected in result.message, result.message


def test_batched_shapes_are_checked():
    def only_2d(scores):
        return causal_softmax(scores[0, 0]) if scores.dim() == 4 else causal_softmax(scores)

    result = check_causal_softmax(only_2d)
    assert not result.ok and "(2, 3, 5, 5)" in result.message


def test_context_cost_numbers():
    c = context_cost(2048)
    assert c["entries"] == 4_194_304
    assert c["bytes_one_head"] == 16 * 2 ** 20
    assert c["bytes_all_heads"] == 2048 * 2048 * 96 * 96 * 4 == 154_618_822_656
    assert human_bytes(c["bytes_all_heads"]) == "144.0 GiB"
    with pytest.raises(ValueError):
        context_cost(0)


def test_example_pattern_is_causal():
    p = example_causal_pattern(8)
    assert torch.allclose(p.sum(-1), torch.ones(8))
    assert (p[_future(8)] == 0).all()


def test_widget_follows_the_slider_and_the_text_box():
    widget = context_cost_widget(16)
    assert widget.last["context"] == 16 and widget.last["drawn"] and widget.last["pattern"].shape == (16, 16)
    assert "<img src='data:image/png;base64," in widget.picture.value and "T = 16" in widget.picture.value
    widget.context.value = 2048
    assert widget.last["entries"] == 2048 ** 2 and not widget.last["drawn"] and widget.last["pattern"] is None
    assert "too big to draw" in widget.picture.value and "<img" not in widget.picture.value
    assert "144.0 GiB" in widget.numbers.value
    widget.context.value = CONTEXT_CHOICES[3]
    assert widget.last["context"] == 8 and widget.last["drawn"]
    widget.typed.value = "32k"
    assert widget.last["context"] == 32768
    widget.typed.value = "lots"
    assert widget.last["context"] == 32768  # unchanged: the bad value shows a message instead
    assert "not a context length" in widget.last["error"]
    widget.context.value = 4
    assert "error" not in widget.last


def test_pattern_image_is_one_pixel_per_entry():
    import base64
    import io
    import re

    from PIL import Image

    from gptlab.widgets.html import pattern_image_html

    pattern = example_causal_pattern(8).numpy()
    page = pattern_image_html(pattern, title="t", row_title="query", col_title="key")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)'", page).group(1))
    image = Image.open(io.BytesIO(data))
    assert image.size == (8, 8)
    pixels = image.convert("RGB").load()
    assert pixels[7, 0] == pixels[6, 0] != pixels[0, 0]  # first row: all weight on key 0, the future is 0
