"""Notebook 10: the attention exercise's check, and the sampling explorer widget."""
import math

import pytest
import torch
from torch import nn

from gptlab import GPTConfig
from gptlab.checks import check_my_attention
from gptlab.model import GPT
from gptlab.solutions import MyAttention
from gptlab.tokenizers import CharTokenizer


def test_solution_passes():
    result = check_my_attention(MyAttention)
    assert result.ok, result.message


def test_solution_plugs_into_gpt_and_matches_reference():
    config = GPTConfig.preset("tiny")
    torch.manual_seed(0)
    mine = GPT(config, attention=MyAttention)
    ref = GPT(config)
    # copy the reference weights into the separate q/k/v layers: both models must agree
    state = {}
    for k, v in ref.state_dict().items():
        if ".attn.c_attn." in k:
            prefix, kind = k.split(".attn.c_attn.")
            for name, part in zip(("query", "key", "value"), v.split(config.n_embd, dim=0)):
                state[f"{prefix}.attn.{name}.{kind}"] = part
        else:
            state[k] = v
    mine.load_state_dict(state)
    idx = torch.randint(0, config.vocab_size, (2, config.block_size))
    assert torch.allclose(mine(idx)[0], ref(idx)[0], atol=1e-5)


class _Broken(MyAttention):
    mistake = ""

    def forward(self, x):
        B, T, C = x.shape
        nh, hs = self.n_head, C // self.n_head
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (self.query(x), self.key(x), self.value(x)))
        scale = 1.0 if self.mistake == "no scale" else math.sqrt(hs)
        scores = q @ k.transpose(-2, -1) / scale
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        if self.mistake == "zero after softmax":
            pattern = torch.softmax(scores, dim=-1).masked_fill(future, 0.0)
        elif self.mistake == "no mask":
            pattern = torch.softmax(scores, dim=-1)
        else:
            pattern = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        z = (pattern @ v).transpose(1, 2).reshape(B, T, C)
        if self.mistake == "no output":
            return z
        if self.mistake == "wrong shape":
            return z[:, -1]
        return self.c_proj(z)


@pytest.mark.parametrize("mistake, message", [
    ("no mask", "looks into the future"),
    ("zero after softmax", "do not sum to 1"),
    ("no scale", "sqrt(head_size)"),
    ("no output", "c_proj"),
    ("wrong shape", "must return (B, T, C)"),
])
def test_broken_attention_fails_with_a_precise_message(mistake, message):
    broken = type(f"Broken_{mistake.replace(' ', '_')}", (_Broken,), {"mistake": mistake})
    result = check_my_attention(broken)
    assert not result.ok
    assert message in result.message, result.message


def test_stub_reports_not_implemented():
    class Stub(MyAttention):
        def forward(self, x):
            raise NotImplementedError

    result = check_my_attention(Stub)
    assert not result.ok and "not implemented yet" in result.message


def test_missing_layers_are_named():
    class NoLayers(nn.Module):
        def __init__(self, config):
            super().__init__()
            self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)

        def forward(self, x):
            return x

    result = check_my_attention(NoLayers)
    assert not result.ok and "self.query" in result.message


@pytest.fixture(scope="module")
def tiny_model():
    tok = CharTokenizer("\nabcdefghij :")
    torch.manual_seed(0)
    model = GPT(GPTConfig(block_size=16, vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16)).eval()
    return model, tok


def test_sample_text_is_repeatable_and_has_the_right_length(tiny_model):
    from gptlab.sample import sample_text

    model, tok = tiny_model
    a = sample_text(model, tok, "abc", length=30, temperature=0.8, seed=3)
    b = sample_text(model, tok, "abc", length=30, temperature=0.8, seed=3)
    assert a == b and len(a) == 30
    assert sample_text(model, tok, "abc", length=0) == ""
    # a prompt longer than the context is an error that says what to do, unless cropping is asked for
    with pytest.raises(ValueError, match="crop_prompt=True"):
        sample_text(model, tok, "abcdefghij" * 3, length=5)
    cropped = sample_text(model, tok, "abcdefghij" * 3, length=5, crop_prompt=True, seed=1)
    assert cropped == sample_text(model, tok, ("abcdefghij" * 3)[-16:], length=5, seed=1)


def test_sampling_explorer_updates_and_reports_bad_input(tiny_model):
    from gptlab.sample import sample_text
    from gptlab.widgets.sampling import sampling_explorer

    model, tok = tiny_model
    widget = sampling_explorer(model, tok, prompt="ab", temperature=0.8, length=20, seed=0)
    assert widget.last["error"] is None and len(widget.last["text"]) == 20
    widget.length.value = 40  # no event loop runs here: the change generates everything at once
    assert widget.last["length"] == 40 and len(widget.last["text"]) == 40
    assert widget.last["text"] in widget.text.value
    widget.temperature.value = 0.0
    greedy = widget.last["text"]
    widget.seed.value = 5
    assert widget.last["text"] == greedy  # temperature 0 ignores the seed
    widget.prompt.value = "abcdefghij" * 2  # 20 characters, context 16: the widget crops and says so
    assert widget.last["error"] is None and widget.last["out_of_view"] == "abcd"
    assert "reads only the last 16" in widget.text.value and ">abcd</span>" in widget.text.value
    assert widget.last["text"] == sample_text(model, tok, "efghijabcdefghij", 40, 0.0)
    widget.prompt.value = "XYZ"  # not in the vocabulary
    assert widget.last["text"] is None and "not in this tokenizer" in widget.last["error"]
    widget.prompt.value = ""
    assert "at least one character" in widget.last["error"]


def test_sampling_explorer_streams_on_an_event_loop(tiny_model):
    """In a notebook a change generates as an asyncio task; the newest change wins."""
    import asyncio

    from gptlab.sample import sample_text
    from gptlab.widgets.sampling import sampling_explorer

    model, tok = tiny_model

    async def scenario():
        widget = sampling_explorer(model, tok, prompt="ab", temperature=0.8, length=20, seed=0)
        assert widget.task is None and len(widget.last["text"]) == 20  # the first text is there at once
        widget.length.value = 400
        assert widget.task is not None and widget.last["length"] == 20  # the callback returned before generating
        first = widget.task
        widget.length.value = 60  # stops the 400-token generation
        widget.seed.value = 3
        await widget.task
        await first
        assert widget.last["length"] == 60 and widget.last["seed"] == 3
        assert widget.last["text"] == sample_text(model, tok, "ab", 60, 0.8, seed=3)
        assert widget.last["text"] in widget.text.value and widget.first_shown > 0

    asyncio.run(scenario())
