"""Per-stage measurements of a trained model (notebooks 02-09): embeddings' neighbours, attention
patterns, MLP neurons and next-token probabilities. Pure functions, numbers in and out; the widgets
of gptlab.widgets draw what these return.
"""
from __future__ import annotations

import numpy as np
import torch

from ..tokenizers import piece, unit

# ---- notebook 02: embeddings ----------------------------------------------------------------------------


def cosine_similarities(matrix: torch.Tensor) -> torch.Tensor:
    """(V, C) -> (V, V): the cosine of the angle between every pair of rows (notebook 02)."""
    unit = torch.nn.functional.normalize(matrix.detach().float(), dim=-1)
    return unit @ unit.T


def project_2d(matrix: torch.Tensor) -> torch.Tensor:
    """(V, C) -> (V, 2): the rows on their two main directions (notebook 02; PCA through an SVD of the
    centred rows). Each direction's sign is fixed (its largest coordinate is positive) so the picture
    is reproducible."""
    x = matrix.detach().float()
    x = x - x.mean(dim=0)
    _, _, vh = torch.linalg.svd(x, full_matrices=False)
    directions = vh[:2]  # (2, C)
    coords = x @ directions.T  # (V, 2)
    flip = torch.sign(coords.gather(0, coords.abs().argmax(dim=0, keepdim=True)))
    return coords * flip


def nearest_tokens(matrix: torch.Tensor, index: int, k: int = 8,
                   candidates: list[int] | None = None) -> tuple[list[int], list[float]]:
    """The k rows most cosine-similar to row `index` (itself excluded), most similar first, with their
    cosines (notebook 02). `candidates` restricts the search to some rows (e.g. tokens frequent enough
    to be well trained)."""
    sims = cosine_similarities(matrix)[index]
    pool = [i for i in (candidates if candidates is not None else range(matrix.size(0))) if i != index]
    order = sorted(pool, key=lambda i: -float(sims[i]))[:k]
    return order, [float(sims[i]) for i in order]


# ---- notebooks 06-07: a character model's text, attention patterns, MLP neurons -------------------------


def encode_for_model(tokenizer, text: str, block_size: int) -> list[int]:
    """Token ids of `text` for a character model or GPT-2's encoder, or a ValueError that says what to
    change (notebooks 06-07)."""
    if not isinstance(text, str) or not text:
        raise ValueError("type some text first.")
    if not hasattr(tokenizer, "chars"):  # BPE: every text can be encoded; only its length in tokens matters
        ids = tokenizer.encode(text)
        if len(ids) > block_size:
            raise ValueError(f"the text has {len(ids)} tokens; this model reads at most {block_size}. Shorten it.")
        return ids
    known = set(tokenizer.chars)
    bad = sorted({c for c in text if c not in known})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:8])
        raise ValueError(f"the model has never seen {shown}; use letters, digits, spaces and .,;:!?'- only.")
    if len(text) > block_size:
        raise ValueError(f"the text has {len(text)} characters; this model reads at most {block_size}. Shorten it.")
    return tokenizer.encode(text)


@torch.no_grad()
def all_patterns(model, ids: list[int]) -> np.ndarray:
    """Every attention pattern of the model for one text (notebook 06): (n_layer, n_head, T, T), rows sum to 1."""
    idx = torch.tensor([ids], dtype=torch.long, device=model.device)
    return model.attention_patterns(idx)[:, 0].float().cpu().numpy()


@torch.no_grad()
def mlp_hidden(model, windows: torch.Tensor) -> torch.Tensor:
    """The MLP neurons' activations ("blocks.{i}.mlp.hidden") for windows (N, T) of token ids (notebook 07).

    Returns (n_layer, N * T, 4C): one row per character of the windows, read left to right.
    """
    _, cache = model.run_with_cache(windows.to(model.device))
    hidden = [cache[f"blocks.{i}.mlp.hidden"] for i in range(model.config.n_layer)]  # each (N, T, 4C)
    return torch.stack([h.reshape(-1, h.size(-1)) for h in hidden]).float().cpu()


def corpus_windows(tokenizer, text: str, block_size: int) -> tuple[str | list[str], torch.Tensor]:
    """Cut text into consecutive windows of block_size characters (notebook 07): (the text they cover, (N, T) ids).

    With a BPE tokenizer the windows are of block_size tokens and what they cover is a list of pieces,
    one per token, which top_snippets reads as it reads characters."""
    if not hasattr(tokenizer, "chars"):
        ids = tokenizer.encode(text)
        n = len(ids) // block_size
        used_ids = ids[: n * block_size]
        return [piece(tokenizer, i) for i in used_ids], torch.tensor(used_ids, dtype=torch.long).view(n, block_size)
    n = len(text) // block_size
    used = text[: n * block_size]
    return used, torch.tensor(tokenizer.encode(used), dtype=torch.long).view(n, block_size)


def top_snippets(text: str | list[str], activations, k: int = 8, before: int = 30, after: int = 8,
                 block_size: int | None = None) -> list[dict]:
    """The k characters of `text` where a neuron fires most, each with its surroundings (notebook 07).

    activations: one number per character of text. With block_size, `before` stops at the start of the
    window the model actually read. Each snippet: {"pos", "activation", "before", "char", "after"}.
    `text` may also be a list of BPE pieces (corpus_windows); then `before`/`after` count tokens, "char" is
    the firing piece and every field is a str.
    """
    acts = torch.as_tensor(np.asarray(activations, dtype=np.float32))
    k = min(k, acts.numel())
    order = torch.argsort(acts, descending=True, stable=True)[:k].tolist()
    snippets = []
    for pos in order:
        start = max(0, pos - before)
        if block_size:
            start = max(start, pos - pos % block_size)
        # "".join leaves a str as it is and glues a list of pieces into one
        snippets.append({"pos": pos, "activation": float(acts[pos]), "before": "".join(text[start:pos]),
                         "char": text[pos], "after": "".join(text[pos + 1: pos + 1 + after])})
    return snippets


# ---- notebooks 08-09: the next token ---------------------------------------------------------------------


@torch.no_grad()
def next_token_logits(model, tokenizer, prompt: str) -> torch.Tensor:
    """The model's logits (V,) for the token after `prompt` (notebooks 08-09); ValueError with a clear
    message for bad prompts."""
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("type a prompt of at least one character (for example ROMEO: and a newline).")
    ids = tokenizer.encode(prompt)  # an unknown character raises ValueError naming it
    block_size = model.config.block_size
    if len(ids) > block_size:
        raise ValueError(f"the prompt has {len(ids)} tokens but this model sees at most {block_size}; "
                         f"shorten it to its last {block_size} {unit(tokenizer)}s.")
    was_training = model.training
    model.eval()
    try:
        logits, _ = model(torch.tensor([ids], device=model.device))
    finally:
        model.train(was_training)
    return logits[0, -1].float().cpu()


def top_tokens(probs: torch.Tensor, chars, k: int) -> list[tuple[str, float]]:
    """The k most likely tokens of a distribution (V,), as (token, probability), most likely first (notebooks 08-09).

    chars: one label per token id (a CharTokenizer's .chars), or a tokenizer (a tiktoken Encoding gives BPE
    pieces such as ' the'; tokenizers.piece)."""
    k = max(1, min(int(k), probs.numel()))
    values, ids = probs.topk(k)
    label = (lambda i: piece(chars, i)) if hasattr(chars, "encode") else chars.__getitem__
    return [(label(i), float(p)) for p, i in zip(values.tolist(), ids.tolist())]
