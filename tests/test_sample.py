import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gptlab import GPTConfig
from gptlab.model import GPT
from gptlab.sample import generate, generate_stream, probabilities, sample_next


def test_temperature_zero_is_greedy():
    logits = torch.tensor([[0.1, 2.0, 1.0], [3.0, 0.0, -1.0]])
    assert sample_next(logits, temperature=0).tolist() == [1, 0]


@pytest.mark.parametrize("t", [-0.5, float("nan"), float("inf"), "hot"])
def test_bad_temperature(t):
    with pytest.raises(ValueError, match="temperature"):
        sample_next(torch.zeros(4), temperature=t)


@pytest.mark.parametrize("k", [0, -1, 5, 2.5])
def test_bad_top_k(k):
    with pytest.raises(ValueError, match="top_k"):
        sample_next(torch.zeros(4), top_k=k)


@pytest.mark.parametrize("p", [0, -0.1, 1.5, float("nan")])
def test_bad_top_p(p):
    with pytest.raises(ValueError, match="top_p"):
        sample_next(torch.zeros(4), top_p=p)


def test_broken_logits():
    with pytest.raises(ValueError, match="NaN"):
        sample_next(torch.tensor([0.0, float("nan")]))
    with pytest.raises(ValueError, match="-inf"):
        sample_next(torch.full((3,), float("-inf")))
    # some -inf entries are fine: those tokens are simply never picked
    g = torch.Generator().manual_seed(0)
    picks = {int(sample_next(torch.tensor([float("-inf"), 0.0, 0.0]), generator=g)) for _ in range(50)}
    assert picks == {1, 2}


def test_top_k_and_top_p_values():
    logits = torch.log(torch.tensor([0.1, 0.2, 0.3, 0.4]))
    assert torch.allclose(probabilities(logits, top_k=2), torch.tensor([0, 0, 3 / 7, 4 / 7]))
    assert torch.allclose(probabilities(logits, top_p=0.5), torch.tensor([0, 0, 3 / 7, 4 / 7]))
    assert torch.allclose(probabilities(logits, top_p=0.4), torch.tensor([0, 0, 0, 1.0]))
    assert torch.allclose(probabilities(logits, top_p=1.0), torch.tensor([0.1, 0.2, 0.3, 0.4]))
    hot = probabilities(logits, temperature=2.0)
    assert hot.max() < 0.4 and math.isclose(hot.sum().item(), 1.0, rel_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-20, 20), min_size=1, max_size=30), st.integers(1, 30), st.floats(0.01, 1.0),
       st.floats(0.0, 3.0), st.integers(0, 2**31 - 1))
def test_samples_lie_in_allowed_set(values, k, p, temperature, seed):
    logits = torch.tensor(values)
    k = min(k, len(values))
    probs = probabilities(logits, temperature, k, p)
    assert math.isclose(probs.sum().item(), 1.0, rel_tol=1e-5)
    assert int((probs > 0).sum()) <= k
    token = int(sample_next(logits, temperature, k, p, torch.Generator().manual_seed(seed)))
    assert probs[token] > 0


def test_generate_rules(tiny_config):
    model = GPT(tiny_config)
    g = torch.Generator().manual_seed(0)
    out = generate(model, [1, 2, 3], 5, generator=g)
    assert out.shape == (1, 8) and out[0, :3].tolist() == [1, 2, 3]
    long = generate(model, [1] * 14, 10, temperature=0)  # slides past the 16-token context
    assert long.shape == (1, 24)
    with pytest.raises(ValueError, match="crop_prompt"):
        generate(model, [1] * 20, 2)
    prompt = list(range(1, 21))  # 20 tokens, the context holds 16
    cropped = generate(model, prompt, 2, crop_prompt=True, temperature=0)
    assert cropped.shape == (1, 22) and cropped[0, :20].tolist() == prompt  # the whole prompt, then the new tokens
    assert cropped[0, 20:].tolist() == generate(model, prompt[-16:], 2, temperature=0)[0, 16:].tolist()
    with pytest.raises(ValueError, match="empty"):
        generate(model, [], 3)
    with pytest.raises(ValueError, match="top_k"):
        generate(model, [1], 3, top_k=100)


def test_generate_stops_and_streams(tiny_config):
    model = GPT(tiny_config).eval()
    first = int(generate(model, [1, 2], 1, temperature=0)[0, -1])
    out = generate(model, [1, 2], 10, temperature=0, stop_token=first)
    assert out[0].tolist() == [1, 2, first]
    streamed = [int(t) for t in generate_stream(model, [1, 2], 4, temperature=0)]
    assert streamed == generate(model, [1, 2], 4, temperature=0)[0, 2:].tolist()


class _CountingModel(torch.nn.Module):
    """A stand-in language model whose next token is always the last token + 1 (mod vocab_size)."""

    def __init__(self, vocab_size: int = 8, block_size: int = 16):
        super().__init__()
        self.config = GPTConfig(block_size=block_size, vocab_size=vocab_size, n_layer=1, n_head=1, n_embd=4)
        self.device = torch.device("cpu")

    def forward(self, idx):
        logits = torch.nn.functional.one_hot((idx + 1) % self.config.vocab_size, self.config.vocab_size) * 10.0
        return logits.float(), None


def test_batched_stop_tokens_stop_each_row_and_pad_after():
    model = _CountingModel()
    out = generate(model, torch.tensor([[1], [5], [3]]), 20, temperature=0, stop_token=4)
    # row 0 reaches 4 after 3 tokens and row 2 after 1: each is padded with the stop token from there;
    # row 1 wraps round (6, 7, 0, ..., 4) and stops last, after 7 tokens, which ends generation
    assert out.tolist() == [[1, 2, 3, 4, 4, 4, 4, 4],
                            [5, 6, 7, 0, 1, 2, 3, 4],
                            [3, 4, 4, 4, 4, 4, 4, 4]]
    streamed = torch.stack(list(generate_stream(model, torch.tensor([[1], [5], [3]]), 20, temperature=0,
                                                stop_token=4)), dim=1)
    assert torch.equal(streamed, out[:, 1:])
    assert generate(model, torch.tensor([[1], [5]]), 3, temperature=0, stop_token=4).tolist() == [[1, 2, 3, 4],
                                                                                                 [5, 6, 7, 0]]


@pytest.mark.parametrize("kwargs, match", [({"prompt": [1] * 20}, "crop_prompt"), ({"temperature": -1.0}, "temperature"),
                                           ({"temperature": float("nan")}, "temperature"),
                                           ({"max_new_tokens": -2}, "max_new_tokens"), ({"stop_token": 99}, "stop_token")])
def test_generate_stream_checks_its_arguments_before_the_first_token(tiny_config, kwargs, match):
    # a widget calls it and then streams in a task: a bad argument must raise here, not inside the task
    model = GPT(tiny_config)
    args = {"prompt": [1, 2], "max_new_tokens": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        generate_stream(model, **args)  # no next(): the error comes when the stream is made
