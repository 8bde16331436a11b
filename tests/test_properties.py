"""Property-based tests (hypothesis): invariants that must hold for any input, not just the examples."""
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gptlab.attention import attention_pattern, causal_mask
from gptlab.tokenizers import CharTokenizer, train_bpe

ALPHABET = "abcdefgh ,.!\nXYZé—"
_BPE, _ = train_bpe("the cat sat on the mat, the end. " * 30 + "café — naïve", 40)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=200))
def test_char_roundtrip(text):
    tok = CharTokenizer(sorted(set(ALPHABET)))
    assert tok.decode(tok.encode(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=120))
def test_bpe_roundtrip_any_unicode(text):
    assert _BPE.decode(_BPE.encode(text)) == text


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 24), st.integers(1, 16), st.booleans(),
       st.floats(0.01, 30.0), st.integers(0, 2**31 - 1))
def test_attention_rows_sum_to_one(batch, heads, T, hs, causal, scale, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, heads, T, hs, generator=g) * scale
    k = torch.randn(batch, heads, T, hs, generator=g) * scale
    pattern = attention_pattern(q, k, causal=causal)
    assert torch.allclose(pattern.sum(-1), torch.ones(batch, heads, T), atol=1e-5)
    assert not torch.isnan(pattern).any()
    if causal:
        assert (pattern[..., ~causal_mask(T)] == 0).all()
