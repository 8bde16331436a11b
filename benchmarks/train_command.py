"""Speed of the training command (`python -m gptlab.train`) on this machine: tokens/s, ms/step and MFU
at the shakespeare-char and shakespeare-bpe presets, with 1 process and with 2 (torchrun, DDP over gloo).

    python benchmarks/train_command.py                      # 3 interleaved rounds of 40 steps each
    python benchmarks/train_command.py --rounds 5 --steps 100 --processes 1 2

Every configuration runs once per round, in turn (A, B, C, D, A, B, ...), so load that drifts slows them
alike; the figures are medians over the command's own metrics lines (OUT/metrics.jsonl: the speed
between log lines, the first step and evaluations excluded) and then over rounds. The cores are shared
out: 1 process uses all of them as threads, N processes one N-th each. MFU is against the measured
float32 matmul speed of the processes' cores (the command's default when --peak-tflops is not given).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def run(preset: str, processes: int, steps: int, out: Path, data: Path | None, threads: int) -> list[dict]:
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
                if processes > 1 else [sys.executable])
    command = [*launcher, "-m", "gptlab.train", preset, "--out", str(out), "--steps", str(steps),
               "--eval-every", str(10 ** 9), "--eval-batches", "1", "--log-every", "5", "--quiet"]
    if data is not None:
        command += ["--data", str(data)]
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "GPTLAB_DEVICE": "cpu"}
    metrics = out / "metrics.jsonl"
    metrics.unlink(missing_ok=True)
    subprocess.run(command, check=True, env=env, capture_output=True)
    return [json.loads(line) for line in metrics.read_text().splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=40, help="steps per run (default 40)")
    parser.add_argument("--presets", nargs="+", default=["shakespeare-char", "shakespeare-bpe"])
    parser.add_argument("--processes", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads per process (default: the cores shared out among the processes)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="gptlab-train-command-"))
    data: dict[str, Path] = {}
    for preset in args.presets:  # prepare each preset's data once (not timed)
        run(preset, 1, 1, work / f"{preset}-prepare", None, cores)
        data[preset] = work / f"{preset}-prepare" / "data"

    results: dict[tuple[str, int], dict[str, list[float]]] = {}
    for r in range(args.rounds):
        for preset in args.presets:
            for n in args.processes:
                threads = args.threads or max(1, cores // n)
                lines = run(preset, n, args.steps, work / f"{preset}-{n}", data[preset], threads)
                logs = [m for m in lines if "tokens_per_s" in m and "summary" not in m]
                summary = lines[-1]
                tokens_per_step = summary["tokens_per_s"] * summary["seconds"] / max(1, summary["steps"])
                entry = results.setdefault((preset, n), {"tokens_per_s": [], "mfu": [], "ms_per_step": []})
                tps = statistics.median(m["tokens_per_s"] for m in logs)
                entry["tokens_per_s"].append(tps)
                entry["mfu"].append(statistics.median(m["mfu"] for m in logs))
                entry["ms_per_step"].append(1000 * tokens_per_step / tps)
                print(f"round {r + 1}: {preset:17s} {n} process(es): {tps:9.0f} tokens/s", flush=True)

    print(f"\n{cores} cores, {args.rounds} rounds x {args.steps} steps, threads per process: "
          f"{args.threads or 'cores / processes'}, medians")
    print(f"{'preset':17s} {'processes':>9s} {'tokens/s':>10s} {'ms/step':>9s} {'MFU':>7s}")
    for (preset, n), entry in results.items():
        print(f"{preset:17s} {n:9d} {statistics.median(entry['tokens_per_s']):10.0f} "
              f"{statistics.median(entry['ms_per_step']):9.1f} {statistics.median(entry['mfu']):7.1%}")


if __name__ == "__main__":
    main()
