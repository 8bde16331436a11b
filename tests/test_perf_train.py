"""The training speed options are correct (no timings here: see benchmarks/ for speed)."""
import pytest
import torch

from gptlab.data import TokenData
from gptlab.device import autocast_dtype
from gptlab.model import GPT
from gptlab.train import TrainConfig, make_optimizer, train


def _data():
    return TokenData.from_ids([0, 1, 2, 3, 4, 5, 6, 7] * 200)


def test_bf16_autocast_trains(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=40, batch_size=8, lr=1e-2, eval_every=20, eval_batches=2,
                                                bf16=True), progress=False)
    assert history.val_loss[-1] < history.val_loss[0] and history.train_loss[-1] < history.train_loss[0] - 0.5
    assert model.transformer.wte.weight.dtype == torch.float32  # autocast keeps fp32 master weights


def test_bf16_auto_follows_the_hardware(tiny_config, monkeypatch):
    seen = []
    real_autocast = torch.autocast

    def spy(*args, **kwargs):
        if kwargs.get("enabled", True):  # attention switches autocast off around its float32 kernel
            seen.append(kwargs.get("dtype"))
        return real_autocast(*args, **kwargs)

    monkeypatch.setattr(torch, "autocast", spy)
    train(GPT(tiny_config.replace(vocab_size=8)), _data(), TrainConfig(steps=2, batch_size=2, eval_batches=1, bf16=None),
          progress=False)
    expected = [torch.bfloat16] if autocast_dtype(torch.device("cpu")) is not None else []
    assert seen == expected


def test_cpu_autocast_keeps_attention_in_float32(tiny_config, monkeypatch):
    import gptlab.attention

    seen = []
    real_sdpa = gptlab.attention.F.scaled_dot_product_attention

    def spy(q, k, v, **kwargs):
        seen.append(q.dtype)
        return real_sdpa(q, k, v, **kwargs)

    monkeypatch.setattr(gptlab.attention.F, "scaled_dot_product_attention", spy)
    model = GPT(tiny_config).eval()
    idx = torch.randint(0, tiny_config.vocab_size, (2, 16))
    with torch.no_grad():
        plain, _ = model(idx)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            mixed, _ = model(idx)
    assert seen == [torch.float32] * (2 * tiny_config.n_layer)  # never the slow bf16 CPU kernel
    assert mixed.dtype == torch.bfloat16  # the matmuls around it did run in bfloat16
    assert torch.allclose(mixed.float(), plain, atol=0.05)


def test_compile_option_trains_the_same_weights(tiny_config, monkeypatch):
    compiled = []

    def fake_compile(module):  # inductor takes minutes on a small CPU: check the wiring only
        compiled.append(module)
        return module

    monkeypatch.setattr(torch, "compile", fake_compile)
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=40, batch_size=8, lr=1e-2, eval_every=20, eval_batches=2,
                                                compile=True), progress=False)
    assert compiled == [model]
    assert history.val_loss[-1] < history.val_loss[0]


def test_fused_adamw_matches_foreach(tiny_config):
    cfg = TrainConfig(lr=1e-2)
    a = GPT(tiny_config)
    b = GPT(tiny_config)
    b.load_state_dict(a.state_dict())
    fused = make_optimizer(a, cfg)
    reference = torch.optim.AdamW(
        [{"params": [p for p in b.parameters() if p.dim() >= 2], "weight_decay": cfg.weight_decay},
         {"params": [p for p in b.parameters() if p.dim() < 2], "weight_decay": 0.0}],
        lr=cfg.lr, betas=cfg.betas, foreach=True)
    x = torch.randint(0, tiny_config.vocab_size, (4, 8))
    for model, opt in ((a, fused), (b, reference)):
        for _ in range(3):
            opt.zero_grad()
            model(x, x)[1].backward()
            opt.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.allclose(pa, pb, atol=1e-4)  # same update; only the rounding order differs


def test_token_range_check_still_explains(tiny_config):
    model = GPT(tiny_config)
    with pytest.raises(ValueError, match="token id -1 is outside"):
        model(torch.tensor([[0, -1]]))
    with pytest.raises(ValueError, match=f"token id {tiny_config.vocab_size} is outside"):
        model(torch.tensor([[tiny_config.vocab_size, 0]]))
