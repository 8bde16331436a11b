import os

import pytest
import torch

from gptlab.data import TokenData
from gptlab.model import GPT
from gptlab.train import (PROGRESS_SECONDS, CheckpointError, TrainConfig, estimate_loss, load_checkpoint, lr_at,
                          save_checkpoint, train)


def _data():
    pattern = [0, 1, 2, 3, 4, 5, 6, 7] * 200
    return TokenData.from_ids(pattern)


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_training_learns_a_pattern(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8))
    before = estimate_loss(model, _data(), 8, 2)["val"]
    history = train(model, _data(), TrainConfig(steps=150, batch_size=8, lr=1e-2, eval_every=50, eval_batches=2),
                    progress=False)
    assert before > 1.5  # about ln 8 = 2.08 untrained
    assert history.val_loss[-1] < 0.3
    assert len(history.train_loss) == 150 and history.eval_steps == [50, 100, 150]
    assert not history.interrupted


def test_dropout_trains(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8, dropout=0.2))
    history = train(model, _data(), TrainConfig(steps=100, batch_size=8, lr=1e-2, eval_every=1000, eval_batches=2),
                    progress=False)
    assert history.val_loss[-1] < 0.5 and not model.training


def test_interrupt_keeps_model_and_history(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8))

    # KeyboardInterrupt raised inside the loop, as the stop button of a notebook does
    data = _data()
    calls = {"n": 0}
    original = data.batch

    def batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 30:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    data.batch = batch
    history = train(model, data, TrainConfig(steps=100, eval_every=1000, eval_batches=1), progress=False)
    assert history.interrupted and len(history.train_loss) == 29
    assert len(history.val_loss) == 1  # evaluated where it stopped


def test_lr_schedule_as_the_loop_runs_it(tiny_config):
    cfg = TrainConfig(steps=100, lr=1e-3, warmup=10)
    assert lr_at(0, cfg) == pytest.approx(1e-4)
    assert lr_at(9, cfg) == pytest.approx(1e-3)
    assert lr_at(99, cfg) == pytest.approx(1e-4, rel=1e-2)  # the last step the loop runs ends near min_lr
    assert lr_at(50, cfg) < lr_at(20, cfg)
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=12, batch_size=2, lr=1e-3, warmup=10, eval_batches=1),
                    progress=False)
    assert history.lr == [lr_at(s, TrainConfig(steps=12, lr=1e-3, warmup=10)) for s in range(12)]


def test_nan_loss_stops_before_the_step(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8))
    snapshots = []

    def loss_fn(module, batch):
        x, y = batch
        loss = module(x, y)[1]
        return loss * float("nan") if len(snapshots) == 5 else loss

    with pytest.raises(FloatingPointError, match="step 5.*weights are still those before it"):
        train(model, _data(), TrainConfig(steps=20, batch_size=4, eval_batches=1), loss_fn=loss_fn, progress=False,
              on_step=lambda step, history: snapshots.append(_weights(model)))
    after = _weights(model)
    assert all(torch.equal(after[k], snapshots[-1][k]) for k in after)
    assert all(torch.isfinite(v).all() for v in after.values())


def test_compile_runs(tiny_config, monkeypatch):
    # TrainConfig(compile=True) used to ask a compiled module for its truth value (TypeError: no len()).
    real_compile = torch.compile
    monkeypatch.setattr(torch, "compile", lambda model, **kw: real_compile(model, backend="eager"))
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=3, batch_size=2, eval_batches=1, compile=True), progress=False)
    assert len(history.train_loss) == 3


def test_grad_accumulation_equals_one_big_batch(tiny_config):
    runs = []
    for accum in (1, 2):
        torch.manual_seed(0)
        model = GPT(tiny_config.replace(vocab_size=8))
        train(model, _data(), TrainConfig(steps=3, batch_size=8, grad_accum=accum, eval_batches=1), progress=False)
        runs.append(_weights(model))
    assert all(torch.allclose(runs[0][k], runs[1][k], atol=1e-5) for k in runs[0])
    with pytest.raises(ValueError, match="multiple of 3"):
        TrainConfig(batch_size=8, grad_accum=3).micro_batch_size()


def test_resume_gives_the_same_losses(tmp_path, tiny_config):
    config = tiny_config.replace(vocab_size=8, dropout=0.1)  # dropout: the torch RNG must resume too
    cfg = TrainConfig(steps=12, batch_size=4, eval_every=5, eval_batches=1)
    torch.manual_seed(0)
    straight = train(GPT(config), _data(), cfg, progress=False)

    torch.manual_seed(0)
    path = tmp_path / "run.pt"
    first = train(GPT(config), _data(), cfg, progress=False, checkpoint=path, until=6)
    assert len(first.train_loss) == 6
    torch.manual_seed(123)  # a fresh process: other random state, other initial weights, new objects
    resumed = train(GPT(config), _data(), progress=False, checkpoint=path, resume=path)
    assert resumed.train_loss == straight.train_loss
    assert resumed.lr == straight.lr


def test_resume_refuses_another_shape_and_weights_only_files(tmp_path, tiny_config):
    path = tmp_path / "run.pt"
    train(GPT(tiny_config), None, TrainConfig(steps=2, batch_size=2), progress=False, checkpoint=path,
          batch_fn=lambda step, g: (torch.zeros(2, 8, dtype=torch.long),) * 2)
    with pytest.raises(CheckpointError, match="another shape.*n_layer"):
        train(GPT(tiny_config.replace(n_layer=1)), _data(), progress=False, resume=path)
    save_checkpoint(tmp_path / "weights.pt", GPT(tiny_config))
    with pytest.raises(CheckpointError, match="no training state"):
        train(GPT(tiny_config), _data(), progress=False, resume=tmp_path / "weights.pt")


def test_checkpoint_roundtrip(tmp_path, tiny_config):
    model = GPT(tiny_config).eval()
    path = save_checkpoint(tmp_path / "m.pt", model, {"chars": ["a", "b"]})
    loaded, extra = load_checkpoint(path)
    idx = torch.randint(0, 32, (1, 8))
    assert torch.equal(model(idx)[0], loaded(idx)[0])
    assert extra == {"chars": ["a", "b"]}
    assert loaded.lm_head.weight is loaded.transformer.wte.weight
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]  # no temporary file left


def test_tied_embedding_is_saved_once(tmp_path, tiny_config):
    model = GPT(tiny_config.replace(vocab_size=2000, n_embd=64))
    path = save_checkpoint(tmp_path / "m.pt", model)
    payload = torch.load(path, weights_only=True)
    assert "lm_head.weight" not in payload["model"] and payload["tied"] == {"lm_head.weight": "transformer.wte.weight"}
    unique_bytes = sum(p.numel() * p.element_size() for p in model.parameters())  # parameters() lists a tied one once
    assert path.stat().st_size < unique_bytes * 1.1
    loaded, _ = load_checkpoint(path)
    assert loaded.lm_head.weight is loaded.transformer.wte.weight
    assert torch.equal(loaded.lm_head.weight, model.lm_head.weight)


def test_load_checkpoint_with_model_cls(tmp_path, tiny_config):
    class MyGPT(GPT):
        pass

    path = save_checkpoint(tmp_path / "m.pt", GPT(tiny_config))
    loaded, _ = load_checkpoint(path, model_cls=MyGPT)
    assert type(loaded) is MyGPT and not loaded.training


def test_corrupt_and_truncated_checkpoints(tmp_path, tiny_config):
    path = save_checkpoint(tmp_path / "m.pt", GPT(tiny_config))
    data = path.read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(tmp_path / "cut.pt")
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        train(GPT(tiny_config), _data(), progress=False, resume=tmp_path / "cut.pt")
    (tmp_path / "junk.pt").write_bytes(os.urandom(1000))
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "junk.pt")
    with pytest.raises(CheckpointError, match="no checkpoint"):
        load_checkpoint(tmp_path / "missing.pt")


def test_checkpoint_rejects_code_and_wrong_shapes(tmp_path, tiny_config):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    torch.save({"format": "gptlab-checkpoint-1", "x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "evil.pt")
    state = GPT(tiny_config).state_dict()
    state["transformer.wpe.weight"] = torch.zeros(3, 3)
    torch.save({"format": "gptlab-checkpoint-1", "config": tiny_config.to_dict(), "model": state, "extra": {}},
               tmp_path / "shape.pt")
    with pytest.raises(CheckpointError, match="transformer.wpe.weight"):
        load_checkpoint(tmp_path / "shape.pt")


def test_interrupted_save_keeps_old_file(tmp_path, tiny_config, monkeypatch):
    model = GPT(tiny_config)
    path = save_checkpoint(tmp_path / "m.pt", model)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", boom)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


def test_shipped_checkpoint_predicts_held_out_shakespeare():
    from gptlab.data import shakespeare
    from gptlab.pretrained import load_shakespeare_char

    model, tok, extra = load_shakespeare_char()  # an old-format file (tied weight stored twice): still loads
    assert model.config.vocab_size == tok.vocab_size
    data = TokenData.from_ids(tok.encode(shakespeare()))  # val: the last 10%, never trained on
    loss = estimate_loss(model, data, 32, 10, splits=("val",))["val"]
    assert loss < 1.75, loss  # measured 1.64 (an untrained model: ln 76 = 4.3)


def test_progress_bar_redraws_about_once_a_second(tiny_config, capsys, monkeypatch):
    # Each redraw of a notebook bar is several messages; a flood of them made nbval lose a cell's end.
    # A fake clock that advances 0.3 s per training step: 100 steps are 30 s, so about 30 redraws.
    import tqdm.std

    clock = {"now": 1000.0}
    monkeypatch.setattr(tqdm.std, "time", lambda: clock["now"])

    def tick(step, history):
        clock["now"] += 0.3

    model = GPT(tiny_config.replace(vocab_size=8))
    train(model, _data(), TrainConfig(steps=100, batch_size=2, eval_every=1000, eval_batches=1), progress=True,
          on_step=tick)
    redraws = capsys.readouterr().err.count("\r")
    assert 30 / PROGRESS_SECONDS - 4 <= redraws <= 30 / PROGRESS_SECONDS + 4, redraws


def test_chat_batches_and_loss_parts_train(tiny_config):
    # notebook 12's path: padded conversations + replayed text, a dict loss, split into 2 micro-batches
    from gptlab import chat
    from gptlab.tokenizers import CharTokenizer

    tok = CharTokenizer(list("abcdefgh ") + list(chat.SPECIALS))
    model = GPT(tiny_config.replace(vocab_size=tok.vocab_size))
    replay = TokenData.from_ids(tok.encode("abc def gh " * 50))
    batches = chat.chat_batches(tok, {"ba": lambda q: q[::-1]}, ["ab", "cde", "fg h"], 4, replay=replay,
                                replay_batch=2, block_size=16)
    first = batches(0, torch.Generator().manual_seed(0))
    assert first["chat"][0].shape[0] == 4 and first["replay"][0].shape == (2, 16)
    history = train(model, None, TrainConfig(steps=4, batch_size=4, grad_accum=2, eval_batches=1), batch_fn=batches,
                    loss_fn=chat.chat_loss, progress=False)
    assert set(history.parts) == {"answers", "replay"} and len(history.parts["answers"]) == 4
    expected = [a + chat.REPLAY_WEIGHT * r for a, r in zip(history.parts["answers"], history.parts["replay"])]
    assert history.train_loss == pytest.approx(expected)


def test_a_batch_that_does_not_split_over_processes_names_the_grad_accum_that_fits():
    """gpt2-124m's recipe (480 rows in 40 micro-batches on one GPU) on 8 GPUs: the error says --grad-accum 5."""
    with pytest.raises(ValueError, match="--grad-accum 5"):
        TrainConfig(batch_size=480, grad_accum=40).micro_batch_size(8)
    assert TrainConfig(batch_size=480, grad_accum=5).micro_batch_size(8) == 12
