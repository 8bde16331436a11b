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


# --- recording without arguments in the forward (issue 13) and the model-side fixes of issue 14 ---

def test_forwards_take_x_only():
    import inspect

    from gptlab.attention import CausalSelfAttention
    from gptlab.mlp import MLP
    from gptlab.model import Block
    for cls in (Block, CausalSelfAttention, MLP):
        assert list(inspect.signature(cls.forward).parameters) == ["self", "x"], cls


def test_run_with_cache_names_and_sums(tiny_config):
    model = GPT(tiny_config).eval()
    idx = torch.randint(0, 32, (2, 9))
    logits, cache = model.run_with_cache(idx)
    names = {"embed", "ln_f"} | {f"blocks.{i}.{n}" for i in range(2) for n in
                                 ("attn.q", "attn.k", "attn.v", "attn.pattern", "attn.z", "attn.out", "resid_mid",
                                  "mlp.hidden", "mlp.out", "resid_post")}
    assert set(cache) == names
    assert cache["blocks.0.attn.z"].shape == (2, 2, 9, 8) and cache["blocks.1.mlp.hidden"].shape == (2, 9, 64)
    # the residual stream is the running sum of what each part writes into it
    assert torch.allclose(cache["blocks.0.resid_mid"], cache["embed"] + cache["blocks.0.attn.out"], atol=1e-6)
    assert torch.allclose(cache["blocks.1.resid_post"], cache["blocks.1.resid_mid"] + cache["blocks.1.mlp.out"],
                          atol=1e-6)
    assert torch.allclose(model.transformer.ln_f(cache["blocks.1.resid_post"]), cache["ln_f"])
    attn = model.transformer.h[1].attn
    heads = attn.head_outputs(cache["blocks.1.attn.z"])  # (B, nh, T, C)
    assert heads.shape == (2, 2, 9, 16)
    assert torch.allclose(heads.sum(1) + attn.c_proj.bias, cache["blocks.1.attn.out"], atol=1e-6)


def test_recording_is_eval_mode_and_mode_is_restored(tiny_config):
    model = GPT(tiny_config.replace(dropout=0.5)).train()
    idx = torch.randint(0, 32, (1, 12))
    patterns = model.attention_patterns(idx)
    assert model.training  # restored
    logits, cache = model.run_with_cache(idx)
    assert model.training
    assert torch.equal(patterns[1], cache["blocks.1.attn.pattern"])  # no dropout: the same twice
    assert torch.allclose(patterns.sum(-1), torch.ones(2, 1, 2, 12))  # dropout would rescale the rows
    assert torch.allclose(logits, model.eval()(idx)[0], atol=1e-5)


def test_hooks_and_recorders_are_removed_even_on_error(tiny_config, monkeypatch):
    from gptlab.attention import KV_SLOT, RECORDER

    model = GPT(tiny_config).train()

    def broken(x):
        raise RuntimeError("boom")
    monkeypatch.setattr(model.transformer.h[1].mlp, "forward", broken)
    with pytest.raises(RuntimeError, match="boom"):
        model.run_with_cache(torch.zeros(1, 4, dtype=torch.long))
    assert model.training
    for module in model.modules():
        assert not module._forward_hooks and not module._forward_pre_hooks, module
        assert getattr(module, RECORDER, None) is None and getattr(module, KV_SLOT, None) is None


def test_fast_path_builds_no_pattern(tiny_config, monkeypatch):
    import gptlab.attention

    def refuse(*args, **kwargs):
        raise AssertionError("the explicit path ran outside run_with_cache")
    monkeypatch.setattr(gptlab.attention, "attention_pattern", refuse)
    model = GPT(tiny_config)
    model(torch.zeros(2, 16, dtype=torch.long), torch.zeros(2, 16, dtype=torch.long))[1].backward()


class PlainAttention(torch.nn.Module):
    """A learner's module that knows only the contract's one must: (B, T, C) -> (B, T, C), causal."""

    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.c_attn = torch.nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = torch.nn.Linear(config.n_embd, config.n_embd)

    def pattern_and_out(self, x):
        from gptlab.attention import merge_heads, split_heads

        q, k, v = (split_heads(t, self.n_head) for t in self.c_attn(x).chunk(3, dim=-1))
        pattern = attention_pattern(q, k)
        return pattern, self.c_proj(merge_heads(pattern @ v))

    def forward(self, x):
        return self.pattern_and_out(x)[1]


class RecordingAttention(PlainAttention):
    def forward(self, x):
        from gptlab.attention import record

        pattern, out = self.pattern_and_out(x)
        record(self, pattern=pattern)
        return out


def test_learner_attention_without_extras_works_everywhere(tiny_config):
    from gptlab.sample import generate

    model = GPT(tiny_config, attention=PlainAttention).eval()
    idx = torch.randint(0, 32, (1, 8))
    logits, cache = model.run_with_cache(idx)
    assert torch.allclose(logits, model(idx)[0], atol=1e-6)
    assert "blocks.1.attn.out" in cache and "blocks.1.mlp.hidden" in cache and "blocks.1.attn.pattern" not in cache
    with pytest.raises(ValueError, match="record"):
        model.attention_patterns(idx)
    assert generate(model, [1, 2], 20, temperature=0).shape == (1, 22)
    _, loss = model.train()(idx, idx)
    loss.backward()


def test_learner_attention_that_records_shows_its_pattern(tiny_config):
    model = GPT(tiny_config, attention=RecordingAttention).eval()
    idx = torch.randint(0, 32, (2, 6))
    patterns = model.attention_patterns(idx)
    assert patterns.shape == (2, 2, 2, 6, 6)
    expected = model.transformer.h[0].attn.pattern_and_out(model.transformer.h[0].ln_1(
        model.run_with_cache(idx)[1]["embed"]))[0]
    assert torch.allclose(patterns[0], expected)


def test_bias_false_has_no_biases_and_runs(tiny_config):
    model = GPT(tiny_config.replace(bias=False))
    assert not [n for n, _ in model.named_parameters() if n.endswith("bias")]
    def size(m):
        return sum(p.numel() for p in m.parameters())
    # per block: ln_1 C, c_attn 3C, attn c_proj C, ln_2 C, c_fc 4C, mlp c_proj C = 11C; then ln_f's C
    assert size(GPT(tiny_config)) - size(model) == 2 * 11 * 16 + 16
    logits, loss = model(torch.zeros(1, 5, dtype=torch.long), torch.zeros(1, 5, dtype=torch.long))
    loss.backward()


def test_relu_activation(tiny_config):
    model = GPT(tiny_config.replace(activation="relu")).eval()
    assert isinstance(model.transformer.h[0].mlp.act, torch.nn.ReLU)
    _, cache = model.run_with_cache(torch.randint(0, 32, (1, 16)))
    hidden = cache["blocks.0.mlp.hidden"]
    assert hidden.min() == 0 and (hidden == 0).float().mean() > 0.2  # GELU would give negative values


def test_gpt2_init_scales_the_residual_projections():
    n_layer = 8
    model = GPT(GPTConfig(block_size=8, vocab_size=64, n_layer=n_layer, n_head=4, n_embd=128))
    residual = torch.cat([p.flatten() for n, p in model.named_parameters() if n.endswith("c_proj.weight")])
    others = torch.cat([p.flatten() for n, p in model.named_parameters() if n.endswith(("c_attn.weight", "c_fc.weight"))])
    assert abs(residual.std().item() / (0.02 / (2 * n_layer) ** 0.5) - 1) < 0.02
    assert abs(others.std().item() / 0.02 - 1) < 0.02


def test_dropout_acts_in_training_only(tiny_config):
    model = GPT(tiny_config.replace(dropout=0.3))
    idx = torch.randint(0, 32, (2, 16))
    a, _ = model.train()(idx)
    b, _ = model(idx)
    assert not torch.allclose(a, b)
    c, _ = model.eval()(idx)
    d, _ = model(idx)
    assert torch.equal(c, d)


def test_weight_tying_survives_moves(tiny_config):
    for target in ("meta", torch.float64):
        model = GPT(tiny_config).to(target)
        assert model.lm_head.weight is model.transformer.wte.weight, target
    model = GPT(tiny_config).to_empty(device="cpu")
    assert model.lm_head.weight is model.transformer.wte.weight
