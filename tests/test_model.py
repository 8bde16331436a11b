import pytest
import torch

from gptlab import GPTConfig
from gptlab.attention import attention, attention_pattern, attention_scores, causal_mask, mask_future
from gptlab.model import GPT
from gptlab.params import count_parameters


def test_config_validation():
    with pytest.raises(ValueError, match="not divisible"):
        GPTConfig(n_embd=10, n_head=3)
    with pytest.raises(ValueError, match="positive"):
        GPTConfig(n_layer=0)
    with pytest.raises(ValueError, match="Unknown preset"):
        GPTConfig.preset("gpt5")
    assert GPTConfig.preset("gpt3").head_size == 128


def test_fast_and_explicit_paths_agree(tiny_config):
    model = GPT(tiny_config).eval()
    idx = torch.randint(0, tiny_config.vocab_size, (3, 16))
    fast, _ = model(idx)
    explicit, cache = model.run_with_cache(idx)
    assert torch.allclose(fast, explicit, atol=1e-5)
    pattern = cache["blocks.1.attn.pattern"]
    assert pattern.shape == (3, 2, 16, 16)
    assert torch.allclose(pattern.sum(-1), torch.ones(3, 2, 16))
    upper = ~causal_mask(16)
    assert (pattern[..., upper] == 0).all()


def test_attention_parts():
    q, k, v = torch.randn(3, 5, 8), torch.randn(3, 5, 8), torch.randn(3, 5, 8)
    raw = attention_scores(q, k, scale=False)
    assert torch.allclose(attention_scores(q, k) * 8 ** 0.5, raw, atol=1e-5)
    masked = mask_future(raw)
    assert torch.isinf(masked[0, 0, 1]) and masked[0, 1, 0] == raw[0, 1, 0]
    out, pattern = attention(q, k, v)
    ref = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert torch.allclose(out, ref, atol=1e-5)
    assert torch.allclose(attention_pattern(q, k, causal=False).sum(-1), torch.ones(3, 5))


def test_weights_are_tied(tiny_config):
    model = GPT(tiny_config)
    assert model.lm_head.weight is model.transformer.wte.weight


def test_gpt2_parameter_count():
    assert count_parameters(GPT(GPTConfig.preset("gpt2"))) == 124_439_808


def test_loss_and_backward(tiny_config):
    model = GPT(tiny_config)
    idx = torch.randint(0, 32, (2, 16))
    logits, loss = model(idx, idx)
    assert logits.shape == (2, 16, 32)
    assert abs(loss.item() - torch.log(torch.tensor(32.0)).item()) < 0.3  # near-uniform at init
    loss.backward()
    assert model.transformer.h[0].attn.c_attn.weight.grad is not None


def test_bad_inputs_fail_early(tiny_config):
    model = GPT(tiny_config)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        model(torch.tensor([[1, 40]]))
    with pytest.raises(ValueError, match="longer than the context"):
        model(torch.zeros(1, 17, dtype=torch.long))
    with pytest.raises(ValueError, match="integers"):
        model(torch.zeros(1, 4))
    with pytest.raises(ValueError, match="shape"):
        model(torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="no tokens"):
        model(torch.zeros(1, 0, dtype=torch.long))
    with pytest.raises(TypeError):
        model([[1, 2]])


def test_causality(tiny_config):
    """Changing a later token must not change earlier logits."""
    model = GPT(tiny_config).eval()
    a = torch.randint(0, 32, (1, 10))
    b = a.clone(); b[0, 7] = (b[0, 7] + 1) % 32
    la, _ = model(a); lb, _ = model(b)
    assert torch.allclose(la[:, :7], lb[:, :7], atol=1e-6)
    assert not torch.allclose(la[:, 7:], lb[:, 7:])


def test_own_attention_module_plugs_in(tiny_config):
    from gptlab.attention import CausalSelfAttention

    class Mine(CausalSelfAttention):
        def forward(self, x):  # no cache argument: a learner's plain module
            return super().forward(x)

    model = GPT(tiny_config, attention=Mine)
    idx = torch.randint(0, 32, (1, 8))
    logits, cache = model.run_with_cache(idx)
    assert logits.shape == (1, 8, 32) and "blocks.0.mlp.hidden" in cache
