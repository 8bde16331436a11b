"""The training command: `python -m gptlab.train [PRESET] [--n-layer 6 --batch-size 32 ...]` (the notebooks'
loop, gptlab.train.train, from a terminal; notebook 10 teaches it). Also installed as `gptlab-train`.

    python -m gptlab.train                                   # shakespeare-char: notebook 10's recipe, ~a minute
    python -m gptlab.train shakespeare-bpe --steps 500        # GPT-2's tokens on the 38 plays
    python -m gptlab.train --config run.toml --out runs/a     # fields from a JSON or TOML file, flags win
    python -m gptlab.train --out runs/a --resume              # continue exactly where runs/a stopped
    torchrun --nproc_per_node=8 -m gptlab.train gpt2-124m --data data/fineweb --grad-accum 5   # GPUs

OUT holds ckpt.pt (the whole training state; Ctrl-C saves it too) and metrics.jsonl (one JSON line per
log: step, loss, lr, tokens_per_s, mfu; evaluation lines add val_loss). Under torchrun every other rank r
logs its own training loss (on its own rows) into metrics-rank{r}.jsonl; rank 0 alone evaluates and saves. --batch-size is the global batch:
examples per optimizer step over all processes and micro-batches.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import torch

from ..config import GPTConfig
from . import distributed
from .checkpoints import CheckpointError, read_checkpoint
from .loop import History, TrainConfig, train

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    # notebook 10's Shakespeare character model and recipe
    "shakespeare-char": {"model": {k: v for k, v in GPTConfig.preset("shakespeare_char").to_dict().items()
                                   if k != "vocab_size"},  # the vocabulary always comes from the data
                         "train": {"steps": 2000, "eval_every": 500}, "data": {"tokenizer": "char"}},
    # the same plays in GPT-2's 50,257 tokens: a wider model, fewer steps (each token carries more text)
    # (the 50,257-row unembedding makes each step ~40x a character step's work: minutes on a laptop CPU)
    "shakespeare-bpe": {"model": {"block_size": 64, "n_layer": 4, "n_head": 4, "n_embd": 128},
                        "train": {"steps": 500, "batch_size": 8, "lr": 2e-3, "warmup": 50, "eval_every": 100,
                                  "eval_batches": 10},
                        "data": {"tokenizer": "gpt2"}},
    # GPT-2 small's shape and nanoGPT's recipe (~0.5M tokens a step); for GPUs, on a prepared corpus
    "gpt2-124m": {"model": {k: v for k, v in GPTConfig.preset("gpt2").to_dict().items() if k != "vocab_size"},
                  "train": {"steps": 600_000, "batch_size": 480, "grad_accum": 40, "lr": 6e-4, "min_lr": 6e-5,
                            "warmup": 2000, "weight_decay": 0.1, "betas": (0.9, 0.95), "eval_every": 1000,
                            "eval_batches": 200, "bf16": True, "compile": True},
                  "data": {"tokenizer": "gpt2"}},
}
MODEL_FIELDS = {f.name: f for f in dataclasses.fields(GPTConfig)}
TRAIN_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}


class UsageError(ValueError):
    """A mistake in the command line or its inputs; main() prints it as `gptlab-train: error: ...`."""


def _value(text: str, default: Any) -> Any:
    """Parse a flag's text as the type of the field's default ("none" for optional fields)."""
    if text.lower() == "none":
        return None
    if isinstance(default, bool) or default is None:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        if default is not None:
            raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    for kind in (int, float):
        if isinstance(default, kind) or default is None:
            try:
                return kind(text)
            except ValueError:
                if default is not None and kind is float:
                    raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    return text


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gptlab-train", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("preset", nargs="?", default="shakespeare-char", help=f"one of {', '.join(PRESETS)}")
    parser.add_argument("--config", help="a JSON or TOML file of fields (flat, or in [model] and [train] tables)")
    parser.add_argument("--out", help="folder for ckpt.pt and metrics.jsonl (default runs/PRESET)")
    parser.add_argument("--data", help="a folder made by python -m gptlab.prepare (default for the Shakespeare "
                                       "presets: OUT/data, prepared on first use)")
    parser.add_argument("--resume", nargs="?", const="", default=None,
                        help="continue from a checkpoint (default OUT/ckpt.pt)")
    parser.add_argument("--device", help="cpu, cuda, mps (default gptlab.device.get_device())")
    parser.add_argument("--log-every", type=int, default=10, help="steps between metrics lines (default 10)")
    parser.add_argument("--peak-tflops", type=float, default=None,
                        help="one device's peak for MFU, e.g. 312 for an A100 in bf16 (default: the device's "
                             "measured float32 matmul speed)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    fields = parser.add_argument_group("model and training fields (GPTConfig, TrainConfig)")
    for name, f in {**MODEL_FIELDS, **TRAIN_FIELDS}.items():
        default = f.default if f.default is not dataclasses.MISSING else None
        flag = "--" + name.replace("_", "-")
        if name == "betas":
            fields.add_argument(flag, type=float, nargs=2, metavar=("BETA1", "BETA2"))
        elif isinstance(default, bool):
            fields.add_argument(flag, nargs="?", const=True, type=lambda t, d=default: _value(t, d), metavar="BOOL")
        else:
            fields.add_argument(flag, type=lambda t, d=default: _value(t, d), metavar=name.upper())
    return parser


def read_config_file(path: str) -> dict[str, Any]:
    """Fields from a JSON or TOML file: flat ({"n_layer": 6, "steps": 100}) or {"model": {...}, "train": {...}}."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"config file {file} does not exist.")
    text = file.read_text(encoding="utf-8")
    try:
        values = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{file} is not valid {'TOML' if file.suffix == '.toml' else 'JSON'}: {error}") from None
    flat = {**values.pop("model", {}), **values.pop("train", {}), **values}
    flat = {k.replace("-", "_"): v for k, v in flat.items()}
    unknown = sorted(set(flat) - set(MODEL_FIELDS) - set(TRAIN_FIELDS))
    if unknown:
        raise UsageError(f"{file}: unknown fields {unknown}; known: {sorted(MODEL_FIELDS) + sorted(TRAIN_FIELDS)}.")
    return flat


def resolve(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(model fields, train fields, data options): the preset, then the config file, then the flags."""
    if args.preset not in PRESETS:
        raise UsageError(f"unknown preset {args.preset!r}; choose one of {', '.join(PRESETS)}.")
    preset = PRESETS[args.preset]
    model, training = dict(preset["model"]), dict(preset["train"])
    given = read_config_file(args.config) if args.config else {}
    given.update({k: v for k, v in vars(args).items() if (k in MODEL_FIELDS or k in TRAIN_FIELDS) and v is not None})
    for name, value in given.items():
        (model if name in MODEL_FIELDS else training)[name] = tuple(value) if name == "betas" else value
    return model, training, dict(preset["data"])


def load_data(args: argparse.Namespace, out: Path, data_options: dict[str, Any], main: bool):
    from ..prepare import MemmapData, prepare

    if args.data is not None:
        return MemmapData(args.data)
    if args.preset not in ("shakespeare-char", "shakespeare-bpe"):
        raise UsageError(f"the {args.preset} preset needs --data DIR: make one with `python -m gptlab.prepare "
                         f"TEXT_OR_FOLDER --tokenizer {data_options['tokenizer']} --out DIR`.")
    folder = out / "data"
    if main and not (folder / "meta.json").is_file():
        prepare("shakespeare", data_options["tokenizer"], folder)
    if distributed.rank_and_world()[1] > 1:
        torch.distributed.barrier()  # the others wait until rank 0 has prepared the data
    return MemmapData(folder)


def measured_peak_flops(device: torch.device, size: int = 1024, repeats: int = 5) -> float:
    """Float32 matmul FLOP/s this device reaches on a size x size product: the MFU's denominator on a CPU."""
    a = torch.randn(size, size, device=device)
    a @ a  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        b = a @ a
    float(b[0, 0])  # waits for the device
    return 2 * size ** 3 * repeats / (time.perf_counter() - start)


class MetricsLog:
    """OUT/metrics.jsonl: a line every `every` steps (speed since the last line) and one per evaluation."""

    def __init__(self, path: Path, every: int, tokens_per_step: int, flops_per_token: float, peak_flops: float):
        self.file = path.open("a", encoding="utf-8")
        self.every, self.tokens_per_step = every, tokens_per_step
        self.flops_per_token, self.peak_flops = flops_per_token, peak_flops
        self.last_time, self.last_step = time.perf_counter(), None

    def write(self, line: dict[str, Any]) -> None:
        self.file.write(json.dumps(line) + "\n")
        self.file.flush()

    def on_step(self, step: int, history: History) -> None:
        if self.last_step is None:  # the first step (compile, warm-up) is not timed
            self.last_time, self.last_step = time.perf_counter(), step
            return
        if (step + 1) % self.every:
            return
        now = time.perf_counter()
        tokens_per_s = self.tokens_per_step * (step - self.last_step) / (now - self.last_time)
        self.write({"step": step, "loss": round(history.train_loss[-1], 5), "lr": history.lr[-1],
                    "tokens_per_s": round(tokens_per_s, 1),
                    "mfu": round(tokens_per_s * self.flops_per_token / self.peak_flops, 5)})
        self.last_time, self.last_step = now, step

    def on_eval(self, step: int, model: torch.nn.Module, history: History) -> None:
        if history.eval_steps and history.eval_steps[-1] == step:
            self.write({"step": step, "train_loss": round(history.eval_train_loss[-1], 5),
                        "val_loss": round(history.val_loss[-1], 5)})
        self.last_time = time.perf_counter()  # evaluation time is not training time


class StopOnSignal:
    """Ctrl-C (or SIGTERM) finishes the current step, then training stops, saves and exits cleanly; a second
    Ctrl-C stops at once. Under torchrun the processes agree (an all-reduce of the flag) to stop at the same step."""

    def __init__(self, device: torch.device):
        self.requested, self.device = False, device
        self.previous = {sig: signal.signal(sig, self.handle) for sig in (signal.SIGINT, signal.SIGTERM)}

    def handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def check(self, step: int, history: History) -> None:
        stop = self.requested
        if distributed.rank_and_world()[1] > 1:
            flag = torch.tensor([float(stop)], device=self.device)
            torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
            stop = flag.item() > 0
        if stop:
            raise KeyboardInterrupt  # train() catches it after this complete step, evaluates and saves

    def restore(self) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def run(argv: list[str] | None = None) -> History:
    """Parse argv, train, and return the History (rank 0's; the others return theirs without evaluations)."""
    from ..model import GPT
    from ..params import training_flops_per_token

    args = make_parser().parse_args(argv)
    model_fields, train_fields, data_options = resolve(args)
    out = Path(args.out or f"runs/{args.preset}")
    resume = None
    if args.resume is not None:
        resume = Path(args.resume) if args.resume else out / "ckpt.pt"
        saved = read_checkpoint(resume)  # the run's own shape and schedule; flags given now still win
        if "training" not in saved:
            raise CheckpointError(f"{resume} holds weights only, no training state; it cannot resume.")
        model_fields = {**saved["config"], **{k: v for k, v in model_fields.items() if getattr(args, k) is not None}}
        train_fields = {**saved["training"]["config"],
                        **{k: v for k, v in train_fields.items() if getattr(args, k) is not None}}
    device = distributed.setup(args.device)
    rank, world_size = distributed.rank_and_world()
    main = rank == 0
    try:
        cfg = TrainConfig(**train_fields)
        cfg.micro_batch_size(world_size)  # a clear error before any data is prepared
        if main:
            out.mkdir(parents=True, exist_ok=True)
        data = load_data(args, out, data_options, main)
        model_fields.setdefault("vocab_size", data.vocab_size)
        if model_fields["vocab_size"] < data.vocab_size:
            raise UsageError(f"vocab_size {model_fields['vocab_size']} is smaller than the data's vocabulary of "
                             f"{data.vocab_size} tokens; leave --vocab-size out to take the data's.")
        config = GPTConfig(**model_fields)
        torch.manual_seed(cfg.seed + rank)  # each process its own dropout; same initial weights (DDP copies rank 0's)
        model = GPT(config).to(device)
        block = config.block_size
        # MFU's denominator: every process's device together
        peak = world_size * (args.peak_tflops * 1e12 if args.peak_tflops else measured_peak_flops(device))
        out.mkdir(parents=True, exist_ok=True)  # every rank logs: rank 0 into metrics.jsonl, rank r its own file
        log = MetricsLog(out / ("metrics.jsonl" if main else f"metrics-rank{rank}.jsonl"), args.log_every,
                         cfg.batch_size * block, training_flops_per_token(config), peak)
        extra = {"preset": args.preset, "data": str(args.data or out / "data"), "tokenizer": data.meta["tokenizer"]}
        if data.meta["tokenizer"] == "char":
            extra["chars"] = data.meta["chars"]
        stopper = StopOnSignal(device)

        def on_step(step: int, history: History) -> None:
            if log is not None:
                log.on_step(step, history)
            stopper.check(step, history)

        try:
            history = train(model, data, cfg, progress=main and not args.quiet, checkpoint=out / "ckpt.pt",
                            resume=resume, extra=extra, on_step=on_step, on_eval=log.on_eval if main else None)
        finally:
            stopper.restore()
        if main:
            summary = {"summary": True, "steps": history.steps[-1] + 1 if history.steps else 0,
                       "val_loss": history.val_loss[-1] if history.val_loss else None,
                       "tokens_per_s": round(history.tokens_per_second, 1), "seconds": round(history.seconds, 2),
                       "interrupted": history.interrupted, "processes": world_size, "checkpoint": str(out / "ckpt.pt")}
            log.write(summary)
            print(f"{'stopped' if history.interrupted else 'done'}: step {summary['steps']}, val loss "
                  f"{summary['val_loss']:.4f}, {summary['tokens_per_s']:,.0f} tokens/s on {world_size} process(es); "
                  f"checkpoint {summary['checkpoint']} (continue with --resume)")
        return history
    finally:
        distributed.teardown()


def main(argv: list[str] | None = None) -> int:
    try:
        run(argv)
    except (UsageError, CheckpointError, FileNotFoundError, ValueError) as error:
        print(f"gptlab-train: error: {error}", file=sys.stderr)
        return 2
    return 0
