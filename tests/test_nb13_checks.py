import math

import torch

from gptlab import checks, solutions


def test_solution_passes():
    result = checks.check_cross_attention(solutions.cross_attention)
    assert result.ok, result.message


def test_not_implemented():
    def stub(x_dec, memory, Wq, Wk, Wv):
        raise NotImplementedError

    assert "not implemented yet" in checks.check_cross_attention(stub).message


def test_queries_from_memory_is_caught():
    def wrong(x_dec, memory, Wq, Wk, Wv):
        q, k, v = memory @ Wq, memory @ Wk, memory @ Wv
        p = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), -1)
        return p @ v, p

    result = checks.check_cross_attention(wrong)
    assert not result.ok and "queries came from memory" in result.message


def test_causal_mask_is_caught():
    def wrong(x_dec, memory, Wq, Wk, Wv):
        q, k, v = x_dec @ Wq, memory @ Wk, memory @ Wv
        s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        s = s.masked_fill(~torch.ones(s.shape[-2:], dtype=torch.bool).tril(), float("-inf"))
        p = torch.softmax(s, -1)
        return p @ v, p

    result = checks.check_cross_attention(wrong)
    assert not result.ok and "causal mask" in result.message


def test_missing_scale_and_keys_from_decoder_are_caught():
    def no_scale(x_dec, memory, Wq, Wk, Wv):
        q, k, v = x_dec @ Wq, memory @ Wk, memory @ Wv
        p = torch.softmax(q @ k.transpose(-2, -1), -1)
        return p @ v, p

    assert "sqrt(d_k)" in checks.check_cross_attention(no_scale).message

    def self_attention(x_dec, memory, Wq, Wk, Wv):
        q, k, v = x_dec @ Wq, x_dec @ Wk, x_dec @ Wv
        p = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), -1)
        return p @ v, p

    assert "keys came from x_dec" in checks.check_cross_attention(self_attention).message
