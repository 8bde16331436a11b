"""The training command (python -m gptlab.train): trains from a fresh folder, resumes exactly after Ctrl-C,
accumulates gradients like one big batch, reads config files, and says clearly what is wrong."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from gptlab.train.cli import main

TINY = ["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--dropout", "0",
        "--eval-batches", "1", "--peak-tflops", "1", "--quiet"]


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    from gptlab.prepare import prepare

    folder = tmp_path_factory.mktemp("data")
    text = folder / "text.txt"
    text.write_text("the quick brown fox jumps over the lazy dog. " * 200, encoding="utf-8")
    prepare(str(text), "char", folder / "char")
    return folder / "char"


def _metrics(out):
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def _weights(path):
    return torch.load(path, weights_only=True)["model"]


def test_shakespeare_char_from_a_fresh_folder(tmp_path):
    out = tmp_path / "run"
    assert main(["--out", str(out), "--steps", "60", "--eval-every", "30", "--eval-batches", "2", "--log-every", "10",
                 "--batch-size", "8", "--quiet"]) == 0
    assert (out / "data" / "meta.json").is_file() and (out / "ckpt.pt").is_file()
    lines = _metrics(out)
    logs = [m for m in lines if "loss" in m]
    evals = [m for m in lines if "val_loss" in m and "summary" not in m]
    assert [m["step"] for m in evals] == [30, 60] and evals[-1]["val_loss"] < evals[0]["val_loss"] < 4.0
    assert logs[-1]["loss"] < logs[0]["loss"] - 0.3
    assert all(m["tokens_per_s"] > 0 and 0 < m["mfu"] for m in logs)
    assert lines[-1]["summary"] and lines[-1]["steps"] == 60


def test_grad_accumulation_equals_one_big_batch(tmp_path, tiny_data):
    for name, accum in (("one", "1"), ("two", "2")):
        assert main(["--data", str(tiny_data), "--out", str(tmp_path / name), "--steps", "3", "--batch-size", "8",
                     "--grad-accum", accum, *TINY]) == 0
    one, two = _weights(tmp_path / "one" / "ckpt.pt"), _weights(tmp_path / "two" / "ckpt.pt")
    assert all(torch.allclose(one[k], two[k], atol=1e-5) for k in one)


def test_config_file_then_flags(tmp_path, tiny_data):
    (tmp_path / "run.toml").write_text('[model]\nn_layer = 1\n[train]\nsteps = 2\nbatch_size = 4\nlr = 1e-3\n')
    assert main(["--config", str(tmp_path / "run.toml"), "--data", str(tiny_data), "--out", str(tmp_path / "a"),
                 "--steps", "3", *TINY]) == 0
    training = torch.load(tmp_path / "a" / "ckpt.pt", weights_only=True)["training"]
    assert training["step"] == 3 and training["config"]["batch_size"] == 4 and training["config"]["lr"] == 1e-3


def test_ctrl_c_saves_and_resume_is_exact(tmp_path, tiny_data):
    args = [sys.executable, "-m", "gptlab.train", "--data", str(tiny_data), "--steps", "200", "--batch-size", "4",
            "--log-every", "1", "--eval-every", "1000", *TINY]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([*args, "--out", str(tmp_path / "straight")], check=True, env=env, capture_output=True)

    cut = tmp_path / "cut"
    proc = subprocess.Popen([*args, "--out", str(cut)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while not ((cut / "metrics.jsonl").exists() and (cut / "metrics.jsonl").read_text()):
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr.decode()
    assert b"stopped" in stdout
    stopped_at = torch.load(cut / "ckpt.pt", weights_only=True)["training"]["step"]
    assert 0 < stopped_at < 200

    subprocess.run([*args, "--out", str(cut), "--resume"], check=True, env=env, capture_output=True)
    straight, resumed = _weights(tmp_path / "straight" / "ckpt.pt"), _weights(cut / "ckpt.pt")
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)


def test_clear_errors(tmp_path, tiny_data, capsys):
    def error(*argv):
        assert main([*argv, "--out", str(tmp_path / "out"), *TINY]) == 2
        return capsys.readouterr().err

    assert "unknown preset 'gpt5'" in error("gpt5")
    assert "does not exist" in error("--data", str(tmp_path / "nowhere"))
    assert "multiple of 4" in error("--data", str(tiny_data), "--batch-size", "6", "--grad-accum", "4")
    assert "needs --data" in error("gpt2-124m")
    assert "smaller than the data's vocabulary" in error("--data", str(tiny_data), "--vocab-size", "3")
    big = tmp_path / "big"
    big.mkdir()
    for name in ("train.bin", "val.bin"):
        (big / name).write_bytes(b"\0\0" * 100)
    (big / "meta.json").write_text(json.dumps({"tokenizer": "gpt2", "vocab_size": 70000, "dtype": "uint16"}))
    assert "does not fit in uint16" in error("--data", str(big))
