"""From logits to a chosen token: temperature, top-k, top-p, and generation (notebooks 08-09).

Pure functions: nothing here keeps state, and a `torch.Generator` makes a sample repeatable.
"""
from __future__ import annotations

import math
from typing import Iterator, Sequence

import torch
from torch import nn

from .attention import KVCache


def check_sampling(temperature: float, top_k: int | None, top_p: float | None, vocab_size: int | None = None) -> None:
    """Raise ValueError, saying what to pass instead, for settings that have no meaning."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number >= 0, got {temperature!r}.")
    if math.isnan(temperature) or math.isinf(temperature) or temperature < 0:
        raise ValueError(f"temperature must be a finite number >= 0 (0 = always the most likely token), "
                         f"got {temperature!r}. Typical values lie between 0 and 2.")
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be a whole number >= 1, or None to keep every token; got {top_k!r}.")
        if vocab_size is not None and top_k > vocab_size:
            raise ValueError(f"top_k={top_k} is larger than the vocabulary of {vocab_size} tokens; "
                             f"use at most {vocab_size}, or None to keep every token.")
    if top_p is not None:
        if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 < top_p <= 1:
            raise ValueError(f"top_p must lie in (0, 1] (1 keeps every token), got {top_p!r}.")


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """softmax(logits / temperature) over the last axis; temperature 0 puts all mass on the argmax."""
    check_sampling(temperature, None, None)
    if temperature == 0:
        return torch.nn.functional.one_hot(logits.argmax(-1), logits.size(-1)).to(torch.float32)
    # Subtract the max first and divide in float64: a tiny temperature then sends the other logits
    # to -inf, never to NaN.
    logits = logits.double()
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    return torch.softmax(shifted / temperature, dim=-1).float()


def probabilities(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                  top_p: float | None = None) -> torch.Tensor:
    """The distribution sample_next draws from: (..., V) logits -> (..., V) probabilities summing to 1.

    Order (Hugging Face's): temperature, then keep the top_k most likely, then, within the top-k
    distribution renormalised to sum to 1, the smallest set of most likely tokens whose probability
    reaches top_p; then renormalise. Tokens are ranked by logit; equal logits rank by token id, the
    lower id first, on every device (a stable sort), so top_k keeps exactly k tokens.
    """
    if not isinstance(logits, torch.Tensor) or logits.dim() == 0:
        raise ValueError("logits must be a tensor with the vocabulary on its last axis.")
    V = logits.size(-1)
    check_sampling(temperature, top_k, top_p, V)
    logits = logits.float()
    if not bool(torch.isfinite(logits).all()):  # one cheap test per token; say what is wrong only when needed
        if torch.isnan(logits).any():
            raise ValueError("logits contain NaN: the model's output is broken (a diverged training run?); "
                             "retrain with a lower learning rate or reload a good checkpoint.")
        if (logits == float("-inf")).all(-1).any():
            raise ValueError("every logit is -inf, so no token is allowed; check the mask you applied.")
        if (logits == float("inf")).any():
            raise ValueError("logits contain +inf; the model overflowed. Use float32 or a lower learning rate.")
    probs = apply_temperature(logits, temperature)
    if (top_k is not None and top_k < V) or (top_p is not None and top_p < 1):
        probs = _keep_top(logits, probs, top_k, top_p)
    return probs / probs.sum(-1, keepdim=True)


def _keep_top(logits: torch.Tensor, probs: torch.Tensor, top_k: int | None, top_p: float | None) -> torch.Tensor:
    """probs with every token outside the top-k, then outside the top-p of the renormalised rest, set to 0."""
    # A stable sort keeps equal logits in id order: the lower id ranks first, whatever the device.
    order = logits.sort(dim=-1, descending=True, stable=True).indices  # (..., V) token ids, most likely first
    sorted_p = probs.gather(-1, order).double()
    keep = torch.ones_like(sorted_p, dtype=torch.bool)
    if top_k is not None:
        keep[..., top_k:] = False
    if top_p is not None and top_p < 1:
        sorted_p = torch.where(keep, sorted_p, torch.zeros_like(sorted_p))
        sorted_p = sorted_p / sorted_p.sum(-1, keepdim=True)  # top-p reads the top-k distribution
        before = sorted_p.cumsum(-1) - sorted_p  # mass of the tokens ranked above each one
        keep &= before < top_p  # keep a token while the mass above it is still short of top_p
    mask = torch.zeros_like(keep).scatter(-1, order, keep)
    return torch.where(mask, probs, torch.zeros_like(probs))


def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Pick the next token from logits (..., V); returns ids of shape (...). temperature=0 is greedy."""
    probs = probabilities(logits, temperature, top_k, top_p)
    if temperature == 0:
        return probs.argmax(-1)
    flat = probs.reshape(-1, probs.size(-1))
    if generator is not None and generator.device != flat.device:
        flat = flat.to(generator.device)
    ids = torch.multinomial(flat, 1, generator=generator).to(probs.device)
    return ids.reshape(probs.shape[:-1])


def _as_prompt(prompt: Sequence[int] | torch.Tensor, device: torch.device) -> torch.Tensor:
    idx = torch.as_tensor(prompt, dtype=torch.long, device=device)
    if idx.dim() == 1:
        idx = idx[None]
    if idx.dim() != 2:
        raise ValueError(f"prompt must be a list of ids or a (B, T) tensor, got shape {tuple(idx.shape)}.")
    if idx.size(1) == 0:
        raise ValueError("the prompt is empty: give at least one token (for a character model, e.g. a newline).")
    return idx


class Reader:
    """Feeds a growing sequence to a model and holds the logits for its next token.

    While the sequence fits in the context, the keys and values of the tokens already read stay in a
    KVCache, so each new token costs the work of one position. Once the sequence outgrows block_size
    the window slides: with learned position embeddings every token then sits at a new position, so
    the model re-reads the last block_size tokens for each new one (what generation did before KV
    caches). Models whose attention does not declare supports_kv_cache (a learner's own, unless it
    follows attention.py's contract) always re-read the window.

        reader = Reader(model, idx)       # idx: (B, T), T <= block_size
        reader.logits                     # (B, V): scores for the token after idx
        reader.append(next_ids)           # next_ids: (B,)
    """

    def __init__(self, model: nn.Module, idx: torch.Tensor):
        self.model = model
        self.block_size = model.config.block_size
        if idx.size(1) > self.block_size:
            raise ValueError(f"the prompt has {idx.size(1)} tokens but the model reads at most {self.block_size}; "
                             f"shorten it (idx[:, -{self.block_size}:] keeps its end).")
        self.idx = idx
        self.kv_cache = KVCache() if getattr(model, "supports_kv_cache", False) else None
        self.logits = self._read(idx)

    def _read(self, new: torch.Tensor) -> torch.Tensor:
        if self.kv_cache is None:
            logits, _ = self.model(new)
        else:
            logits, _ = self.model(new, kv_cache=self.kv_cache)
        return logits[:, -1, :]

    def append(self, nxt: torch.Tensor) -> None:
        """Add one token per sequence, nxt: (B,), and compute the logits for the one after it."""
        self.idx = torch.cat([self.idx, nxt[:, None]], dim=1)
        if self.kv_cache is not None and self.idx.size(1) <= self.block_size:
            self.logits = self._read(nxt[:, None])
        else:
            self.kv_cache = None  # the window slides from here on: every position changes
            self.logits = self._read(self.idx[:, -self.block_size:])


def generate_stream(model: nn.Module, prompt: Sequence[int] | torch.Tensor, max_new_tokens: int,
                    temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
                    generator: torch.Generator | None = None, stop_token: int | None = None,
                    crop_prompt: bool = False) -> Iterator[torch.Tensor]:
    """Yield new tokens one at a time, each of shape (B,).

    The model sees at most block_size tokens: as text grows past the context, the oldest tokens slide
    out of view (they stay in the output). A Reader keeps keys and values while the text fits. A prompt
    longer than the context raises ValueError unless crop_prompt=True, which keeps its last block_size
    tokens. Generation stops early once every sequence has produced `stop_token`. Every argument is
    checked here, when the stream is made, so a bad one raises before any token is generated.
    """
    block_size = model.config.block_size
    vocab_size = model.config.vocab_size
    check_sampling(temperature, top_k, top_p, vocab_size)
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be a whole number >= 0, got {max_new_tokens!r}.")
    idx = _as_prompt(prompt, model.device)
    if idx.size(1) > block_size:
        if not crop_prompt:
            raise ValueError(f"the prompt has {idx.size(1)} tokens but the context holds {block_size}; shorten "
                             f"it, or pass crop_prompt=True to keep its last {block_size} tokens.")
        idx = idx[:, -block_size:]
    if stop_token is not None and not 0 <= stop_token < vocab_size:
        raise ValueError(f"stop_token {stop_token} is outside the vocabulary 0..{vocab_size - 1}.")
    return _stream(model, idx, max_new_tokens, temperature, top_k, top_p, generator, stop_token)


@torch.inference_mode()  # no autograd bookkeeping at all: about 12% faster per token than no_grad
def _stream(model: nn.Module, idx: torch.Tensor, max_new_tokens: int, temperature: float, top_k: int | None,
            top_p: float | None, generator: torch.Generator | None, stop_token: int | None) -> Iterator[torch.Tensor]:
    was_training = model.training
    model.eval()
    done = torch.zeros(idx.size(0), dtype=torch.bool, device=idx.device)
    try:
        reader = Reader(model, idx) if max_new_tokens else None
        for i in range(max_new_tokens):
            nxt = sample_next(reader.logits, temperature, top_k, top_p, generator)  # (B,)
            if stop_token is not None:
                nxt = torch.where(done, torch.full_like(nxt, stop_token), nxt)
                done |= nxt == stop_token
            yield nxt
            if (stop_token is not None and bool(done.all())) or i == max_new_tokens - 1:
                break
            reader.append(nxt)
    finally:
        model.train(was_training)


def generate(model: nn.Module, prompt: Sequence[int] | torch.Tensor, max_new_tokens: int,
             temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None,
             generator: torch.Generator | None = None, stop_token: int | None = None,
             crop_prompt: bool = False) -> torch.Tensor:
    """The whole prompt followed by up to max_new_tokens sampled tokens, shape (B, T + new).

    With crop_prompt=True the model reads only the prompt's last block_size tokens, but the output
    still starts with the whole prompt. See generate_stream for the rules about long prompts and stop tokens.
    """
    idx = _as_prompt(prompt, model.device)
    new = list(generate_stream(model, idx, max_new_tokens, temperature, top_k, top_p, generator,
                               stop_token, crop_prompt))
    if not new:
        return idx
    return torch.cat([idx, torch.stack(new, dim=1)], dim=1)


def sample_stream(model: nn.Module, tokenizer, prompt: str, length: int = 200, temperature: float = 0.8,
                  seed: int = 0, crop_prompt: bool = False) -> Iterator[int]:
    """The ids of `length` tokens sampled after the text `prompt`, one at a time (notebook 10; repeatable
    for a given seed).

    Checks the prompt and length at once (a ValueError that says what to change), before any token is
    generated. A prompt longer than the context is an error, unless crop_prompt=True: then the model
    reads its last block_size tokens only (the sampling explorer shows which).
    """
    from numbers import Integral

    if not isinstance(prompt, str) or not prompt:
        raise ValueError("type a prompt of at least one character (for example ROMEO: and a newline).")
    if isinstance(length, bool) or not isinstance(length, Integral) or length < 0:
        raise ValueError(f"the length must be a whole number >= 0, got {length!r}.")
    ids = tokenizer.encode(prompt)  # a character the tokenizer does not know raises ValueError naming it
    generator = torch.Generator().manual_seed(int(seed))
    stream = generate_stream(model, torch.tensor([ids], device=model.device), int(length), temperature=temperature,
                             generator=generator, crop_prompt=crop_prompt)  # checks everything before the first token
    return (int(t[0]) for t in stream)


def sample_text(model: nn.Module, tokenizer, prompt: str, length: int = 200, temperature: float = 0.8,
                seed: int = 0, crop_prompt: bool = False) -> str:
    """The `length` tokens sampled after `prompt`, decoded to text (notebooks 10-11; repeatable for a given seed).

    Works with a CharTokenizer or GPT-2's tiktoken encoding (anything with encode/decode).
    A prompt longer than the context is a ValueError unless crop_prompt=True (keep its last block_size tokens).
    """
    return tokenizer.decode(list(sample_stream(model, tokenizer, prompt, length, temperature, seed, crop_prompt)))
