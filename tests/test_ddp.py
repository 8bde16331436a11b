"""Real DistributedDataParallel on CPU: two gloo processes under torchrun end with the weights of one process
trained on their batches together (each rank's rows are its share of the one-process batch)."""
import os
import subprocess
import sys

import pytest
import torch

TINY = ["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--dropout", "0",
        "--eval-batches", "1", "--peak-tflops", "1", "--quiet", "--steps", "3", "--batch-size", "8"]


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    from gptlab.prepare import prepare

    folder = tmp_path_factory.mktemp("data")
    text = folder / "text.txt"
    text.write_text("the quick brown fox jumps over the lazy dog. " * 200, encoding="utf-8")
    prepare(str(text), "char", folder / "char")
    return folder / "char"


def _train(out, data, processes, *extra):
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
                if processes > 1 else [sys.executable])
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GPTLAB_DEVICE": "cpu"}
    done = subprocess.run([*launcher, "-m", "gptlab.train", "--data", str(data), "--out", str(out), *TINY, *extra],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return torch.load(out / "ckpt.pt", weights_only=True), done.stdout


@pytest.fixture(scope="module")
def one_process(tmp_path_factory, tiny_data):
    return _train(tmp_path_factory.mktemp("one"), tiny_data, 1)[0]


@pytest.mark.parametrize("accum", ["1", "2"])
def test_two_processes_equal_one_with_both_batches(tmp_path, tiny_data, one_process, accum):
    one = one_process
    two, stdout = _train(tmp_path / "two", tiny_data, 2, "--grad-accum", accum, "--log-every", "1")
    assert "on 2 process(es)" in stdout and stdout.count("done:") == 1  # rank 0 alone reports
    import json

    ranks = [[json.loads(line) for line in (tmp_path / "two" / name).read_text().splitlines()]
             for name in ("metrics.jsonl", "metrics-rank1.jsonl")]
    assert any("val_loss" in line for line in ranks[0]) and not any("val_loss" in line for line in ranks[1])
    losses = [{m["step"]: m["loss"] for m in lines if "loss" in m} for lines in ranks]
    assert losses[0].keys() == losses[1].keys() and losses[0] != losses[1]  # each rank logs the loss of its own rows
    assert two["training"]["step"] == 3
    differ = [k for k in one["model"] if not torch.allclose(one["model"][k], two["model"][k], atol=1e-5)]
    assert not differ, differ
