import os

import pytest
import torch

from gptlab import GPTConfig
from gptlab.data import TokenData
from gptlab.model import GPT
from gptlab.train import (PROGRESS_SECONDS, CheckpointError, TrainConfig, load_checkpoint, lr_at, save_checkpoint,
                          train)


def _data():
    pattern = [0, 1, 2, 3, 4, 5, 6, 7] * 200
    return TokenData.from_ids(pattern)


def test_training_learns_a_pattern(tiny_config):
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=150, batch_size=8, lr=1e-2, eval_every=50, eval_batches=2),
                    progress=False)
    assert history.val_loss[-1] < 0.3 < history.val_loss[0] + 1
    assert len(history.train_loss) == 150 and history.eval_steps == [50, 100, 150]
    assert not history.interrupted


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


def test_lr_schedule():
    cfg = TrainConfig(steps=100, lr=1e-3, warmup=10)
    assert lr_at(0, cfg) == pytest.approx(1e-4)
    assert lr_at(9, cfg) == pytest.approx(1e-3)
    assert lr_at(100, cfg) == pytest.approx(1e-4)
    assert lr_at(50, cfg) < lr_at(20, cfg)


def test_checkpoint_roundtrip(tmp_path, tiny_config):
    model = GPT(tiny_config).eval()
    path = save_checkpoint(tmp_path / "m.pt", model, {"chars": ["a", "b"]})
    loaded, extra = load_checkpoint(path)
    idx = torch.randint(0, 32, (1, 8))
    assert torch.equal(model(idx)[0], loaded(idx)[0])
    assert extra == {"chars": ["a", "b"]}
    assert loaded.lm_head.weight is loaded.transformer.wte.weight
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]  # no temporary file left


def test_corrupt_and_truncated_checkpoints(tmp_path, tiny_config):
    path = save_checkpoint(tmp_path / "m.pt", GPT(tiny_config))
    data = path.read_bytes()
    (tmp_path / "cut.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="truncated or corrupt"):
        load_checkpoint(tmp_path / "cut.pt")
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


def test_shipped_checkpoint_loads():
    from gptlab.pretrained import load_shakespeare_char

    model, tok, extra = load_shakespeare_char()
    assert model.config.vocab_size == tok.vocab_size
    assert extra["history"]["val_loss"][-1] < 1.9


def test_progress_bar_redraws_about_once_a_second(tiny_config, capsys):
    # Each redraw of a notebook bar is several messages; a flood of them made nbval lose a cell's end.
    model = GPT(tiny_config.replace(vocab_size=8))
    history = train(model, _data(), TrainConfig(steps=300, batch_size=8, eval_every=1000, eval_batches=1),
                    progress=True)
    redraws = capsys.readouterr().err.count("\r")
    assert 1 <= redraws <= history.seconds / PROGRESS_SECONDS + 4, (redraws, history.seconds)
