"""gptlab.interpret.lens (notebook 14): each view checked against a direct computation."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from gptlab import GPTConfig
from gptlab.attention import split_heads
from gptlab.interpret.lens import (ablate, direct_attribution, head_ablation_losses, head_outputs, logit_lens,
                                   mean_activations, record, run_ablated, token_labels, trace)
from gptlab.model import GPT


def _model(seed: int = 0, **changes) -> GPT:
    torch.manual_seed(seed)
    model = GPT(GPTConfig.preset("tiny", **changes)).eval().requires_grad_(False)
    with torch.no_grad():  # bigger than GPT-2's init, so every part matters to the logits
        for name, p in model.named_parameters():
            if not name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.add_(0.3 * torch.randn_like(p))
    return model


IDS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]


class LearnerAttention(nn.Module):
    """A learner's attention as notebook 10 asks for it: separate q, k, v, a c_proj, no cache argument."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_head = config.n_head
        C = config.n_embd
        self.query, self.key, self.value = nn.Linear(C, C), nn.Linear(C, C), nn.Linear(C, C)
        self.c_proj = nn.Linear(C, C)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = (split_heads(f(x), self.n_head) for f in (self.query, self.key, self.value))
        y = nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).reshape(x.shape))


def test_logit_lens_last_row_is_the_models_logits_and_first_row_decodes_the_embedding():
    model = _model()
    logits, _ = model(torch.tensor([IDS]))
    lens = logit_lens(model, IDS, position=6, k=3)
    assert lens.depths == ["embed", "block 1", "block 2"]
    torch.testing.assert_close(lens.logits[-1], logits[0, 6], atol=1e-5, rtol=0)
    x0 = model.transformer.wte.weight[IDS[6]] + model.transformer.wpe.weight[6]
    torch.testing.assert_close(lens.logits[0], model.lm_head(model.transformer.ln_f(x0)), atol=1e-5, rtol=0)
    assert torch.equal(lens.top_ids[-1], logits[0, 6].topk(3).indices)
    half = logit_lens(model, IDS, position=6, half_steps=True)
    assert half.depths == ["embed", "block 1 attn", "block 1", "block 2 attn", "block 2"]


def test_heads_plus_bias_rebuild_each_attention_output():
    model = _model()
    rec = record(model, IDS)
    for i, block in enumerate(model.transformer.h):
        x = rec.resid_pre(i)
        direct = block.attn(block.ln_1(x))
        torch.testing.assert_close(rec.attn_out(i), direct, atol=1e-5, rtol=0)
        heads = head_outputs(model, rec, i)  # (B, nh, T, C)
        torch.testing.assert_close(heads.sum(1) + block.attn.c_proj.bias, direct, atol=1e-5, rtol=0)


def test_attribution_sums_to_the_logit():
    model = _model()
    logits, _ = model(torch.tensor([IDS]))
    for position, token in [(0, 5), (7, 2), (-1, 11)]:
        att = direct_attribution(model, IDS, position, token)
        assert att.logit == pytest.approx(float(logits[0, position, token]), abs=1e-5)
        assert att.total == pytest.approx(att.logit, abs=1e-4)
        assert list(att.parts)[:3] == ["L0H0", "L0H1", "MLP0"]
        assert set(att.rest) == {"embeddings", "attention biases", "final LayerNorm bias"}


def test_attribution_of_one_head_is_its_output_through_the_frozen_layernorm():
    model = _model()
    rec = record(model, IDS)
    x = rec.resid_pre(2)[0, 4]
    s = (x.var(unbiased=False) + model.transformer.ln_f.eps).sqrt()
    head = head_outputs(model, rec, 1)[0, 0, 4]
    expected = ((head - head.mean()) / s * model.transformer.ln_f.weight) @ model.lm_head.weight[7]
    assert direct_attribution(model, IDS, 4, 7).parts["L1H0"] == pytest.approx(float(expected), abs=1e-5)


def test_ablating_nothing_changes_nothing_and_hooks_go_away():
    model = _model()
    idx, targets = torch.tensor([IDS[:-1]]), torch.tensor([IDS[1:]])
    logits, loss = model(idx, targets)
    ab_logits, ab_loss = run_ablated(model, idx, targets)
    assert torch.equal(ab_logits, logits) and torch.equal(ab_loss, loss)
    with ablate(model, heads=[(0, 1)], mlps=[1]):
        assert not torch.allclose(model(idx)[0], logits)
    assert torch.equal(model(idx)[0], logits)
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_zero_ablating_a_head_removes_exactly_its_contribution_from_the_block():
    model = _model()
    rec = record(model, IDS)
    block = model.transformer.h[1]
    x = block.ln_1(rec.resid_pre(1))
    with ablate(model, heads=[(1, 0)]):
        changed = block.attn(x)
    torch.testing.assert_close(rec.attn_out(1) - changed, head_outputs(model, rec, 1)[:, 0], atol=1e-5, rtol=0)


def test_zero_ablating_an_mlp_and_mean_ablation():
    model = _model()
    idx = torch.tensor([IDS])
    with ablate(model, mlps=[0]):
        _, cache = model.run_with_cache(idx)
    torch.testing.assert_close(cache["blocks.0.resid_post"], cache["blocks.0.resid_mid"], atol=0, rtol=0)
    reference = torch.tensor([[7, 8, 9, 10, 11, 12, 13, 14]])
    means = mean_activations(model, reference)
    with ablate(model, heads=[(0, 1)], mlps=[1], mode="mean", reference=reference):
        rec = record(model, IDS)
    hs = model.config.head_size
    assert torch.allclose(rec.heads_in[0][0, :, hs:], means["blocks.0.heads_in"][hs:].expand(len(IDS), hs))
    torch.testing.assert_close(rec.mlp_out(1)[0], means["blocks.1.mlp_out"].expand(len(IDS), -1), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="reference passage"):
        with ablate(model, heads=[(0, 0)], mode="mean"):
            pass
    with pytest.raises(ValueError, match="does not exist"):
        with ablate(model, heads=[(2, 0)]):
            pass


def test_head_ablation_losses_match_one_run_each():
    model = _model()
    idx, targets = torch.tensor([IDS[:-1]]), torch.tensor([IDS[1:]])
    base, losses = head_ablation_losses(model, idx, targets, mode="zero")
    assert base == pytest.approx(float(model(idx, targets)[1]), abs=1e-6)
    assert losses.shape == (2, 2)
    assert losses[1, 0] == pytest.approx(float(run_ablated(model, idx, targets, heads=[(1, 0)])[1]), abs=1e-6)


def test_trace_matches_the_cache():
    model = _model()
    tr = trace(model, IDS, position=5, k_neurons=3, k_tokens=4)
    logits, cache = model.run_with_cache(torch.tensor([IDS]))
    assert tr.position == 5 and len(tr.layers) == 2
    assert torch.equal(tr.token_embedding, model.transformer.wte.weight[IDS[5]])
    assert tr.embed_norm == pytest.approx(float(cache["embed"][0, 5].norm()))
    layer = tr.layers[1]
    assert torch.equal(layer.pattern, cache["blocks.1.attn.pattern"][0, :, 5, :6])
    assert torch.allclose(layer.pattern.sum(-1), torch.ones(2))
    hidden = cache["blocks.1.mlp.hidden"][0, 5]
    assert layer.neurons[0] == (int(hidden.abs().argmax()), pytest.approx(float(hidden[hidden.abs().argmax()])))
    assert [t for t, _ in tr.top] == logits[0, 5].topk(4).indices.tolist()
    assert tr.resid_norms[-1][1] == pytest.approx(float(cache["blocks.1.resid_post"][0, 5].norm()))
    assert tr.ln_f_scale == pytest.approx(float(cache["blocks.1.resid_post"][0, 5].std(unbiased=False)), rel=1e-3)
    with pytest.raises(ValueError, match="outside the prompt"):
        trace(model, IDS, position=10)


def test_a_learners_attention_module_gives_heads_but_no_patterns():
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("tiny"), attention=LearnerAttention).eval()
    tr = trace(model, IDS, position=4)
    assert tr.layers[0].pattern is None and tr.layers[0].head_norms.shape == (2,)
    att = direct_attribution(model, IDS, 4, 3)
    assert att.total == pytest.approx(att.logit, abs=1e-4)
    lens = logit_lens(model, IDS, 4)
    torch.testing.assert_close(lens.logits[-1], model(torch.tensor([IDS]))[0][0, 4], atol=1e-5, rtol=0)
    idx = torch.tensor([IDS])
    assert torch.equal(run_ablated(model, idx)[0], model(idx)[0])


def test_gpt2_shaped_model_with_bpe_labels():
    from gptlab.tokenizers import gpt2

    enc = gpt2()
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("gpt2", n_layer=2, n_head=2, n_embd=16, block_size=32)).eval()
    ids = enc.encode("Hello world, once more")
    assert token_labels(enc, ids)[:2] == ["Hello", "␣world"]
    att = direct_attribution(model, ids, -1, ids[0])
    assert att.total == pytest.approx(att.logit, abs=1e-4)
    lens = logit_lens(model, ids, -1, k=3)
    torch.testing.assert_close(lens.logits[-1], model(torch.tensor([ids]))[0][0, -1], atol=1e-5, rtol=0)
