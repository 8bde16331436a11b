"""A small trained Shakespeare character model shipped with the package (notebooks 02-12).

Later notebooks load it instead of retraining the same model; notebook 10 shows how it was trained
(`python -m gptlab.pretrained` remakes it with that recipe).
"""
from __future__ import annotations

from pathlib import Path

import torch

from .config import GPTConfig
from .data import TokenData, shakespeare
from .tokenizers import CharTokenizer
from .train import TrainConfig, load_checkpoint, save_checkpoint, train

CHECKPOINT = Path(__file__).parent / "checkpoints" / "shakespeare_char.pt"
RECIPE = TrainConfig(steps=5000, batch_size=16, lr=4e-3, warmup=50, eval_every=500, seed=1337)


def shakespeare_tokenizer() -> CharTokenizer:
    """The character tokenizer of the whole Shakespeare corpus (the shipped model's vocabulary)."""
    return CharTokenizer.from_text(shakespeare())


def load_shakespeare_char(device: torch.device | str = "cpu"):
    """(model, tokenizer, extra) of the shipped model; extra holds its training history."""
    model, extra = load_checkpoint(CHECKPOINT, device)
    return model, CharTokenizer(extra["chars"]), extra


def make_checkpoint(path: Path = CHECKPOINT, cfg: TrainConfig = RECIPE, progress: bool = True) -> Path:
    torch.manual_seed(cfg.seed)
    tok = shakespeare_tokenizer()
    data = TokenData.from_ids(tok.encode(shakespeare()))
    from .model import GPT

    model = GPT(GPTConfig.preset("shakespeare_char", vocab_size=tok.vocab_size))
    history = train(model, data, cfg, progress=progress)
    return save_checkpoint(path, model, {"chars": tok.chars, "history": history.to_dict(),
                                         "recipe": {k: v for k, v in cfg.__dict__.items() if k != "betas"}})


if __name__ == "__main__":
    print(make_checkpoint())
