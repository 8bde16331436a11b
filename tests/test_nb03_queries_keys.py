"""Notebook 03: the attention_weights check, the toy query/key head and the query/key explorer widget."""
import math

import torch

from gptlab import checks, solutions, toy
from gptlab.widgets.attention import query_key_explorer


def _q_k():
    return torch.randn(3, 8), torch.randn(5, 8)


def test_solution_passes():
    assert checks.check_attention_weights(solutions.attention_weights)


def test_check_not_implemented():
    def stub(q, k):
        raise NotImplementedError

    result = checks.check_attention_weights(stub)
    assert not result and "not implemented yet" in result.message


def test_check_catches_missing_sqrt():
    result = checks.check_attention_weights(lambda q, k: torch.softmax(q @ k.T, dim=-1))
    assert not result and "sqrt(d_k) scaling is missing" in result.message


def test_check_catches_dividing_by_d_k():
    result = checks.check_attention_weights(lambda q, k: torch.softmax(q @ k.T / q.size(-1), dim=-1))
    assert not result and "divided by d_k" in result.message


def test_check_catches_wrong_axis():
    result = checks.check_attention_weights(lambda q, k: torch.softmax(q @ k.T / math.sqrt(q.size(-1)), dim=0))
    assert not result and "wrong axis" in result.message


def test_check_catches_transpose():
    result = checks.check_attention_weights(lambda q, k: torch.softmax(k @ q.T / math.sqrt(q.size(-1)), dim=-1))
    assert not result and "not k @ q.T" in result.message


def test_check_catches_missing_softmax():
    result = checks.check_attention_weights(lambda q, k: q @ k.T / math.sqrt(q.size(-1)))
    assert not result and "apply torch.softmax" in result.message


def test_toy_labels():
    batch = toy.make_batch("a fluffy blue creature sees the big red dog")
    assert batch.ids.shape == (1, toy.BLOCK_SIZE)
    assert batch.noun_mask[0].nonzero().flatten().tolist() == [3, 8]
    assert batch.adj_of[0, 3].nonzero().flatten().tolist() == [1, 2]
    assert batch.adj_of[0, 8].nonzero().flatten().tolist() == [6, 7]
    assert batch.adj_mask[0].nonzero().flatten().tolist() == [1, 2, 6, 7]
    adj = [toy.ADJECTIVES[a] for a in batch.targets[0, 8].nonzero().flatten().tolist()]
    assert adj == ["big", "red"]
    assert batch.pad_mask[0].tolist() == [False] * 9 + [True]
    assert len(batch[0:1]) == 1


def test_toy_generation_is_deterministic():
    assert toy.random_sentences(5, seed=3) == toy.random_sentences(5, seed=3)
    assert torch.equal(toy.generate(8, seed=1).ids, toy.generate(8, seed=1).ids)


def test_toy_encode_errors():
    for bad in ("a purple dog", "", "a " * 11):
        try:
            toy.encode(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} should raise ValueError")


def test_toy_head_shapes():
    head = toy.ToyHead()
    run = head.run(toy.generate(4).ids)
    T, C, hs, A = toy.BLOCK_SIZE, head.n_embd, head.head_size, len(toy.ADJECTIVES)
    assert run["q"].shape == run["k"].shape == run["v"].shape == (4, T, hs)
    assert run["scores"].shape == run["pattern"].shape == (4, T, T)
    assert run["dE"].shape == run["embed"].shape == run["resid"].shape == (4, T, C)
    assert run["logits"].shape == (4, T, A)
    assert torch.allclose(run["resid"], run["embed"] + run["dE"])
    assert torch.allclose(run["pattern"].sum(-1), torch.ones(4, T))
    assert (run["pattern"].triu(1) == 0).all()


def test_query_key_explorer_updates():
    untrained = toy.ToyHead(seed=0)
    trained = toy.ToyHead(seed=1)
    box = query_key_explorer(untrained, trained)
    assert box.last["words"] == toy.words(toy.encode(toy.EXAMPLES[0]))
    assert box.last["words"][box.last["index"]] == "dog"          # starts on the last noun
    box.token.value = 3
    scores, pattern = box.last["after"]
    assert box.last["index"] == 3 and len(scores) == len(box.last["words"])
    assert all(s == float("-inf") for s in scores[4:]) and abs(sum(pattern) - 1) < 1e-5
    assert box.last["before"] != box.last["after"]
    box.sentence.value = toy.EXAMPLES[4]
    assert box.last["sentence"] == toy.EXAMPLES[4]
    box.typed.value = "the small red cat"
    assert box.last["words"] == ["the", "small", "red", "cat"] and box.last["index"] == 3
    box.typed.value = "the purple cat"
    assert "error" in box.last and "purple" in box.last["error"]
    box.typed.value = ""
    assert box.last["sentence"] == toy.EXAMPLES[4]


def test_toy_head_learns_adjectives():
    untrained, trained = toy.trained_toy_head(seed=0, steps=120)
    test = toy.generate(200, seed=99)
    assert toy.attention_on_adjectives(untrained, test) < 0.5
    assert toy.attention_on_adjectives(trained, test) > 0.8
    assert toy.accuracy(trained, test) > 0.95
