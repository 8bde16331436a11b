"""A small trained Shakespeare character model shipped with the package (notebooks 02-12), and the
real GPT-2 for learners who are online (the optional section of the training-beyond-one-machine notebook).

Later notebooks load the character model instead of retraining it; notebook 10 shows how it was trained
(`python -m gptlab.pretrained` remakes it with that recipe). `gpt2()` downloads OpenAI's GPT-2 weights
once into a cache; no notebook or test needs the network.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from .config import GPTConfig
from .data import DownloadError, TokenData, download, shakespeare
from .tokenizers import CharTokenizer
from .train import TrainConfig, load_checkpoint, save_checkpoint, train

if TYPE_CHECKING:
    import tiktoken

    from .model import GPT

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


# ---------------------------------------------------------------------------------------------
# The real GPT-2, for learners who are online

# OpenAI's GPT-2 small as Hugging Face hosts it, pinned to one revision of the `gpt2` repository
# (openai-community/gpt2). The size and sha256 are those of the file's Git LFS pointer at that revision
# (its LFS oid is the file's sha256); they were not computed here, having no network, but found in
# several public projects that pin the same file: 548,105,171 bytes, sha256 248dfc39...a707.
GPT2_REVISION = "607a30d783dfa663caf39e06633721c8d4cfcd7e"
GPT2_WEIGHTS: dict[str, tuple[str, str, int]] = {  # size -> (url, sha256, bytes)
    "124M": (f"https://huggingface.co/gpt2/resolve/{GPT2_REVISION}/model.safetensors",
             "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707", 548_105_171),
}
GPT2_PRESETS = {"124M": "gpt2"}


def default_cache_dir() -> Path:
    """Where downloads go: $GPTLAB_CACHE, else ~/.cache/gptlab."""
    return Path(os.environ.get("GPTLAB_CACHE") or Path.home() / ".cache" / "gptlab")


def gpt2(size: str = "124M", cache_dir: str | os.PathLike | None = None, *, url: str | None = None,
         sha256: str | None = None, nbytes: int | None = None, config: GPTConfig | None = None,
         progress: bool = True, device: torch.device | str = "cpu") -> tuple["GPT", "tiktoken.Encoding"]:
    """(model, tiktoken encoder) of OpenAI's GPT-2, downloaded once into cache_dir (about 550 MB).

    The download shows a progress bar, resumes where a lost connection left it, and must match the
    pinned size and sha256. `url`, `sha256`, `nbytes` and `config` replace the pinned file and GPT-2's
    shape (tests serve a small checkpoint from 127.0.0.1). Offline, DownloadError says how to fetch
    the file by hand. Serves the optional GPT-2 section of the training-beyond-one-machine notebook and
    the explorers of notebooks 03-09, which accept the model with its encoder.
    """
    if size not in GPT2_WEIGHTS:
        raise ValueError(f"GPT-2 size {size!r} is not pinned here; choose one of {sorted(GPT2_WEIGHTS)}.")
    from safetensors.torch import load_file

    from .model import GPT
    from .tokenizers import gpt2 as gpt2_tokenizer

    pinned_url, pinned_sha256, pinned_nbytes = GPT2_WEIGHTS[size]
    url, sha256 = url or pinned_url, sha256 or pinned_sha256
    nbytes = nbytes if nbytes is not None else (pinned_nbytes if sha256 == pinned_sha256 else None)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    filename = f"gpt2-{size}.safetensors"
    try:
        path = download(url, sha256, cache, filename, size=nbytes, progress=progress)
    except DownloadError as error:
        raise DownloadError(
            f"{error}\nTo get GPT-2's weights by hand, download {url} on a machine with internet "
            f"(e.g. `curl -L -o {filename} {url}`), put the file at {cache / filename} and call gpt2() again; "
            f"it must have sha256 {sha256}."
        ) from error
    model = GPT.from_hf_state_dict(hf_gpt2_keys(load_file(str(path))), config or GPTConfig.preset(GPT2_PRESETS[size]))
    return model.to(device).eval(), gpt2_tokenizer()


def hf_gpt2_keys(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A GPT-2 safetensors state dict with GPT2LMHeadModel's names: OpenAI's file names its tensors
    `h.0.attn...` (GPT2Model's) and, like transformers' own saves, leaves out the tied lm_head."""
    out = {k if k.startswith(("transformer.", "lm_head.")) else f"transformer.{k}": v for k, v in state_dict.items()}
    if "transformer.wte.weight" in out:
        out.setdefault("lm_head.weight", out["transformer.wte.weight"])
    return out


if __name__ == "__main__":
    print(make_checkpoint())
