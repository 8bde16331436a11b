"""The KV cache: generation that reads one new token per step must give what re-reading the whole
window gives, on both sides of the point where the window starts to slide."""
import pytest
import torch
from torch import nn

from gptlab import GPTConfig
from gptlab.attention import KV_SLOT, KVCache, causal_mask, extend_kv, mask_future
from gptlab.model import GPT
from gptlab.sample import Reader, generate


@pytest.fixture
def model():
    torch.manual_seed(0)
    return GPT(GPTConfig.preset("tiny")).eval()  # block_size 16, vocabulary 32


def window_logits(model, idx):
    """The reference: run the whole (cropped) window and keep the last position's logits."""
    with torch.no_grad():
        logits, _ = model(idx[:, -model.config.block_size:])
    return logits[:, -1, :]


def test_causal_mask_with_past():
    mask = causal_mask(2, past=3)
    assert mask.shape == (2, 5)
    assert mask.tolist() == [[True, True, True, True, False], [True, True, True, True, True]]
    assert torch.equal(causal_mask(4), torch.ones(4, 4, dtype=torch.bool).tril())


def test_reader_matches_rereading_the_window(model):
    g = torch.Generator().manual_seed(1)
    idx = torch.randint(0, 32, (2, 5), generator=g)
    with torch.no_grad():
        reader = Reader(model, idx)
        for step in range(30):  # 5 + 30 tokens: the window slides after 11 new ones
            assert torch.allclose(reader.logits, window_logits(model, reader.idx), atol=1e-5), step
            cached = reader.kv_cache is not None
            assert cached == (reader.idx.size(1) <= 16)
            if cached:
                assert len(reader.kv_cache) == reader.idx.size(1)
            reader.append(torch.randint(0, 32, (2,), generator=g))


def test_several_new_tokens_after_a_cache(model):
    idx = torch.randint(0, 32, (1, 12), generator=torch.Generator().manual_seed(2))
    kv = KVCache()
    with torch.no_grad():
        model(idx[:, :7], kv_cache=kv)
        logits, _ = model(idx[:, 7:], kv_cache=kv)  # 5 queries, 12 keys: the mask must shift by 7
        full, _ = model(idx)
    assert len(kv) == 12
    assert torch.allclose(logits, full[:, 7:], atol=1e-5)


def test_greedy_generation_is_unchanged(model):
    prompt = torch.tensor([[1, 2, 3]])
    idx = prompt
    for _ in range(25):  # the plain loop: re-read the window for every token
        idx = torch.cat([idx, window_logits(model, idx).argmax(-1, keepdim=True)], dim=1)
    assert torch.equal(generate(model, prompt, 25, temperature=0), idx)


def test_cache_overflow_and_misuse_are_explained(model):
    kv = KVCache()
    with torch.no_grad():
        model(torch.zeros(1, 10, dtype=torch.long), kv_cache=kv)
        with pytest.raises(ValueError, match="Start a new KVCache"):
            model(torch.zeros(1, 7, dtype=torch.long), kv_cache=kv)
        with pytest.raises(ValueError, match="not both"):
            model(torch.zeros(1, 1, dtype=torch.long), cache={}, kv_cache=kv)
    assert len(kv) == 10  # the refused call added nothing


class PlainAttention(nn.Module):
    """A learner's attention that knows nothing of caches (causal, one head)."""

    def __init__(self, config):
        super().__init__()
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)


def test_models_without_kv_support_reread_the_window():
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("tiny"), attention=PlainAttention).eval()
    assert not model.supports_kv_cache
    with pytest.raises(ValueError, match="supports_kv_cache"):
        model(torch.zeros(1, 2, dtype=torch.long), kv_cache=KVCache())
    reader = Reader(model, torch.tensor([[1, 2]]))
    assert reader.kv_cache is None
    out = generate(model, [1, 2], 20, temperature=0)
    assert out.shape == (1, 22)


def test_reader_refuses_a_prompt_longer_than_the_context(tiny_config):
    model = GPT(tiny_config).eval()
    with pytest.raises(ValueError, match="at most 16"):
        Reader(model, torch.ones(1, 17, dtype=torch.long))


class CachedAttention(PlainAttention):
    """The same learner's attention, keeping a KV cache the documented way (attention.py)."""
    supports_kv_cache = True

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        k, v = extend_kv(self, k[:, None], v[:, None])  # one head: (B, 1, past + T, C)
        scores = mask_future(q[:, None] @ k.transpose(-2, -1) / k.size(-1) ** 0.5)
        return (torch.softmax(scores, dim=-1) @ v)[:, 0]


def test_a_learner_attention_can_keep_the_cache():
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("tiny"), attention=CachedAttention).eval()
    assert model.supports_kv_cache
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():
        reader = Reader(model, torch.randint(0, 32, (1, 4), generator=g))
        for step in range(13):  # 4 + 12 tokens fill the context of 16
            assert reader.kv_cache is not None and len(reader.kv_cache) == reader.idx.size(1)
            assert torch.allclose(reader.logits, window_logits(model, reader.idx), atol=1e-5), step
            reader.append(torch.randint(0, 32, (1,), generator=g))


class ForgetfulAttention(PlainAttention):
    supports_kv_cache = True  # declared, but forward never calls extend_kv


def test_a_declared_but_unused_cache_is_refused_and_slots_are_detached():
    model = GPT(GPTConfig.preset("tiny"), attention=ForgetfulAttention).eval()
    with pytest.raises(ValueError, match="extend_kv"):
        model(torch.zeros(1, 3, dtype=torch.long), kv_cache=KVCache())
    assert all(getattr(block.attn, KV_SLOT, None) is None for block in model.transformer.h)
