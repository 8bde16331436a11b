import math

import pytest
import torch

from gptlab.transformer import (MultiHeadAttention, Seq2SeqConfig, Seq2SeqTransformer, sinusoidal_positions,
                                strip_after)


@pytest.fixture
def model():
    return Seq2SeqTransformer(Seq2SeqConfig(src_vocab_size=11, tgt_vocab_size=13, n_embd=16, n_head=2,
                                            n_enc_layer=2, n_dec_layer=2, d_ff=32, max_len=20)).eval()


def test_shapes(model):
    src, tgt = torch.randint(0, 11, (3, 7)), torch.randint(0, 13, (3, 5))
    memory = model.encode(src)
    assert memory.shape == (3, 7, 16)
    logits, loss = model(src, tgt, tgt)
    assert logits.shape == (3, 5, 13)
    assert abs(loss.item() - math.log(13)) < 1.5
    assert model.cross_attention(src, tgt).shape == (2, 3, 2, 5, 7)


def test_sinusoidal_positions():
    pe = sinusoidal_positions(10, 8)
    assert pe.shape == (10, 8)
    assert torch.allclose(pe[0], torch.tensor([0.0, 1.0] * 4))
    assert torch.isclose(pe[3, 2], torch.tensor(math.sin(3 / 10000 ** (2 / 8))))
    with pytest.raises(ValueError, match="even"):
        sinusoidal_positions(4, 5)


def test_decoder_is_causal_and_encoder_is_not(model):
    src, tgt = torch.randint(0, 11, (1, 6)), torch.randint(0, 13, (1, 5))
    logits, _ = model(src, tgt)
    changed = tgt.clone()
    changed[0, 3] = (changed[0, 3] + 1) % 13
    logits2, _ = model(src, changed)
    assert torch.allclose(logits[:, :3], logits2[:, :3], atol=1e-5)  # earlier outputs cannot see the change
    assert not torch.allclose(logits[:, 3:], logits2[:, 3:], atol=1e-5)
    src2 = src.clone()
    src2[0, -1] = (src2[0, -1] + 1) % 11
    assert not torch.allclose(model.encode(src)[:, 0], model.encode(src2)[:, 0], atol=1e-5)  # sees the future


def test_patterns(model):
    src, tgt = torch.randint(0, 11, (2, 6)), torch.randint(0, 13, (2, 4))
    fast, _ = model(src, tgt)
    explicit, cache = model.run_with_cache(src, tgt)
    assert torch.allclose(fast, explicit, atol=1e-5)
    cross = cache["decoder.1.cross_attn.pattern"]
    assert cross.shape == (2, 2, 4, 6)
    assert torch.allclose(cross.sum(-1), torch.ones(2, 2, 4), atol=1e-6)
    assert (cross > 0).all()  # no mask: every output position may read every input position
    self_pattern = cache["decoder.0.self_attn.pattern"]
    assert (self_pattern[..., ~torch.ones(4, 4, dtype=torch.bool).tril()] == 0).all()
    assert (cache["encoder.0.self_attn.pattern"] > 0).all()


def test_cross_attention_module_uses_memory_for_keys_and_values():
    attn = MultiHeadAttention(8, 2).eval()
    x, memory = torch.randn(1, 3, 8), torch.randn(1, 5, 8)
    cache = {}
    out = attn(x, memory=memory, cache=cache)
    assert out.shape == (1, 3, 8) and cache["attn.pattern"].shape == (1, 2, 3, 5)
    with pytest.raises(ValueError, match="never causal"):
        attn(x, memory=memory, causal=True)


def test_bad_input_messages(model):
    with pytest.raises(ValueError, match="outside 0..10"):
        model.encode(torch.tensor([[11]]))
    with pytest.raises(ValueError, match="1 to 20"):
        model.encode(torch.zeros(1, 21, dtype=torch.long))
    assert strip_after([4, 5, 2, 7], 2) == [4, 5]


def test_tiny_training_run_learns_to_copy():
    torch.manual_seed(0)
    bos, eos = 10, 11
    model = Seq2SeqTransformer(Seq2SeqConfig(src_vocab_size=10, tgt_vocab_size=12, n_embd=32, n_head=2,
                                             n_enc_layer=1, n_dec_layer=1, d_ff=64, max_len=8))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(250):
        src = torch.randint(0, 10, (32, 4), generator=g)
        tgt_in = torch.cat([torch.full((32, 1), bos), src], 1)
        targets = torch.cat([src, torch.full((32, 1), eos)], 1)
        _, loss = model(src, tgt_in, targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    src = torch.randint(0, 10, (64, 4), generator=g)
    out = model.translate(src, bos, eos, max_new_tokens=6)
    assert out.shape[1] >= 5
    accuracy = (out[:, :4] == src).all(1).float().mean().item()
    assert accuracy > 0.9, accuracy
    assert (out[:, 4] == eos).float().mean() > 0.9


def _padded_model(pad_id):
    torch.manual_seed(0)
    return Seq2SeqTransformer(Seq2SeqConfig(src_vocab_size=11, tgt_vocab_size=13, n_embd=16, n_head=2, n_enc_layer=2,
                                            n_dec_layer=2, d_ff=32, max_len=20, src_pad_id=pad_id)).eval()


def test_padding_the_source_changes_nothing():
    model = _padded_model(pad_id=0)
    src, tgt = torch.randint(1, 11, (1, 5)), torch.randint(0, 13, (1, 4))
    padded = torch.cat([src, torch.zeros(1, 3, dtype=torch.long)], dim=1)  # padding goes at the end
    logits, _ = model(src, tgt)
    padded_logits, _ = model(padded, tgt)
    assert torch.allclose(logits, padded_logits, atol=1e-5)
    assert torch.allclose(model.encode(src), model.encode(padded)[:, :5], atol=1e-5)
    explicit, cache = model.run_with_cache(padded, tgt)  # the explicit path masks the same way
    assert torch.allclose(explicit, logits, atol=1e-5)
    for name, pattern in cache.items():
        if name.startswith("encoder") or "cross_attn" in name:
            assert (pattern[..., 5:] == 0).all(), name  # no attention to a padded position
            assert torch.allclose(pattern.sum(-1), torch.ones(pattern.shape[:-1]), atol=1e-6)
    # a batch of two lengths, the shorter padded, gives each row's own output and translation
    other = torch.randint(1, 11, (1, 8))
    batch_logits, _ = model(torch.cat([padded, other]), torch.cat([tgt, tgt]))
    assert torch.allclose(batch_logits[0], logits[0], atol=1e-5)
    assert torch.equal(model.translate(torch.cat([padded, other]), 1, 2, 6)[0], model.translate(src, 1, 2, 6)[0])


def test_without_a_pad_id_padding_is_read_like_any_token():
    model = _padded_model(pad_id=None)  # the old behaviour: the test above would fail here
    src, tgt = torch.randint(1, 11, (1, 5)), torch.randint(0, 13, (1, 4))
    padded = torch.cat([src, torch.zeros(1, 3, dtype=torch.long)], dim=1)
    assert not torch.allclose(model(src, tgt)[0], model(padded, tgt)[0], atol=1e-5)


def test_padding_errors():
    with pytest.raises(ValueError, match="all padding"):
        _padded_model(pad_id=0).encode(torch.tensor([[3, 4], [0, 0]]))
    with pytest.raises(ValueError, match="src_pad_id"):
        Seq2SeqConfig(src_vocab_size=11, tgt_vocab_size=13, src_pad_id=11)
    with pytest.raises(ValueError, match="causal"):
        MultiHeadAttention(8, 2)(torch.randn(1, 3, 8), causal=True, key_mask=torch.ones(1, 3, dtype=torch.bool))
