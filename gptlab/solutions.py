"""Reference solutions to the exercises, one section per notebook.

Notebooks reach them from a collapsed "solution" cell; tests/test_checks.py runs every check on them.
Try the exercise first: the check function tells you what is wrong.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

# ---- notebook 00: the flow ------------------------------------------------------------------------------


@torch.no_grad()
def my_generate(model: nn.Module, ids: torch.Tensor, n: int) -> torch.Tensor:
    """Greedy generation: append the most likely next token n times. ids (1, T) -> (1, T + n)."""
    block_size = model.config.block_size
    for _ in range(n):
        logits, _ = model(ids[:, -block_size:])  # the model sees at most block_size tokens
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)  # (1, 1): the last position predicts
        ids = torch.cat([ids, next_id], dim=1)
    return ids


def flow_shapes(config, T: int) -> dict[str, tuple[int, ...]]:
    """Shapes of the data flowing through a GPT for one sequence of T tokens (no batch axis)."""
    C, V, nh, hs = config.n_embd, config.vocab_size, config.n_head, config.head_size
    return {
        "embed": (T, C),              # one C-wide vector per token
        "attn.q": (nh, T, hs),        # each head has its own hs-wide query per token
        "attn.pattern": (nh, T, T),   # each head: every token's weights over every token
        "mlp.hidden": (T, 4 * C),     # the MLP widens each vector to 4C
        "resid_post": (T, C),         # back to C after every block
        "logits": (T, V),             # one score per vocabulary entry at every position
    }


# ---- notebook 01: tokens --------------------------------------------------------------------------------


def count_pairs(ids: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair of ids occurs: [1, 2, 1, 2] -> {(1, 2): 2, (2, 1): 1}."""
    counts: dict[tuple[int, int], int] = {}
    for pair in zip(ids, ids[1:]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts


def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace each occurrence of `pair`, scanning left to right and never overlapping, by new_id."""
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2  # skip both halves: "aaa" with pair (a, a) gives [new, a], not [new, new]
        else:
            out.append(ids[i])
            i += 1
    return out


# ---- notebook 02: embeddings ----------------------------------------------------------------------------


def embed(ids: torch.Tensor, matrix: torch.Tensor) -> torch.Tensor:
    """Embedding lookup written as one-hot rows times the matrix: ids (...,) -> (..., C)."""
    one_hot = F.one_hot(ids, num_classes=matrix.size(0)).to(matrix.dtype)  # (..., V)
    return one_hot @ matrix  # (..., V) @ (V, C) -> (..., C)


def nearest(vec: torch.Tensor, matrix: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of the k rows of matrix most similar to vec by cosine similarity, most similar first."""
    sims = F.normalize(matrix, dim=-1) @ F.normalize(vec, dim=-1)  # (V,)
    return sims.topk(k).indices


# ---- notebook 03: queries and keys ----------------------------------------------------------------------


def attention_weights(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """softmax(q k^T / sqrt(d_k)) over the keys: q (Tq, d_k), k (Tk, d_k) -> (Tq, Tk), rows sum to 1."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (Tq, Tk): row i = query i against every key
    return torch.softmax(scores, dim=-1)


# ---- notebook 04: causal masking ------------------------------------------------------------------------


def causal_softmax(scores: torch.Tensor) -> torch.Tensor:
    """Mask the future, then softmax each row: scores (..., T, T) -> pattern (..., T, T).

    Query i may look at keys j <= i (itself included). Future scores become -inf, so exp gives exactly 0.
    """
    T = scores.size(-1)
    future = torch.ones(T, T, dtype=torch.bool, device=scores.device).triu(diagonal=1)  # j > i
    return torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)


# ---- notebook 05: values --------------------------------------------------------------------------------


def head_update(x: torch.Tensor, Wq: torch.Tensor, Wk: torch.Tensor, Wv_down: torch.Tensor,
                Wv_up: torch.Tensor) -> torch.Tensor:
    """One causal attention head's change dE to every embedding: x (..., T, C) -> dE (..., T, C).

    Wq, Wk, Wv_down: (C, hs); Wv_up: (hs, C). Each position gets the pattern-weighted sum of the
    earlier positions' value vectors, mapped back up to the embedding width.
    """
    q, k, v = x @ Wq, x @ Wk, x @ Wv_down  # (..., T, hs)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))  # (..., T, T)
    T = x.size(-2)
    future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(diagonal=1)
    pattern = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    return (pattern @ v) @ Wv_up  # (..., T, hs) -> (..., T, C)


# ---- notebook 06: multi-head attention ------------------------------------------------------------------


def multi_head_attention(x: torch.Tensor, attn) -> torch.Tensor:
    """Masked multi-head self-attention written out with the weights of `attn` (a CausalSelfAttention).

    x: (B, T, C) -> (B, T, C), the change all heads together propose for every position.
    """
    B, T, C = x.shape
    nh = attn.n_head
    hs = C // nh
    q, k, v = attn.c_attn(x).split(C, dim=2)  # each (B, T, C): all heads' queries side by side
    # split heads: (B, T, C) -> (B, T, nh, hs) -> (B, nh, T, hs); the transpose keeps each head's columns together
    q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
    allowed = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
    pattern = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1)
    z = pattern @ v  # (B, nh, T, hs): each head's output
    merged = z.transpose(1, 2).reshape(B, T, C)  # heads side by side again
    return attn.c_proj(merged)  # the output matrix: every head's value-up map, summed

# ---- notebook 07: MLP, residuals, LayerNorm -------------------------------------------------------------


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """GELU with GPT-2's tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def mlp(x: torch.Tensor, W_up: torch.Tensor, b_up: torch.Tensor, W_down: torch.Tensor,
        b_down: torch.Tensor) -> torch.Tensor:
    """x: (..., C); W_up: (C, 4C); b_up: (4C,); W_down: (4C, C); b_down: (C,) -> (..., C)."""
    hidden = gelu_tanh(x @ W_up + b_up)  # (..., 4C): one number per neuron
    return hidden @ W_down + b_down


def pre_norm_block(x: torch.Tensor, ln_1: nn.Module, attn: nn.Module, ln_2: nn.Module, mlp: nn.Module) -> torch.Tensor:
    """One GPT-2 block: each sublayer reads a normalised copy and adds its result to the residual stream."""
    x = x + attn(ln_1(x))
    return x + mlp(ln_2(x))

# ---- notebook 08: unembedding and softmax ---------------------------------------------------------------


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Probabilities over the last axis, (..., V) -> (..., V); safe for huge logits."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values  # largest becomes 0: exp never overflows
    e = shifted.exp()
    return e / e.sum(dim=-1, keepdim=True)


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean negative log-probability of the true next tokens: logits (N, V), targets (N,) -> a scalar."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()  # log-softmax, no overflow
    return -log_probs[torch.arange(len(targets)), targets].mean()

# ---- notebook 09: temperature and sampling --------------------------------------------------------------


def apply_temperature(logits: torch.Tensor, T: float) -> torch.Tensor:
    """softmax(logits / T) over the last axis; T = 0 puts all probability on the largest logit (greedy)."""
    if T == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.size(-1)).float()
    scaled = logits / T
    scaled = scaled - scaled.max(dim=-1, keepdim=True).values
    e = scaled.exp()
    return e / e.sum(dim=-1, keepdim=True)


def top_k_filter(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k most likely tokens of each distribution (..., V), zero the rest, renormalise."""
    _, idx = probs.topk(k, dim=-1)
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, idx, True)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)

# ---- notebook 10: train a GPT ---------------------------------------------------------------------------

class MyAttention(nn.Module):
    """Multi-head causal self-attention from scratch, with separate query, key and value layers.

    A drop-in replacement for gptlab.attention.CausalSelfAttention: GPT(config, attention=MyAttention).
    """

    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        C = config.n_embd
        self.query = nn.Linear(C, C, bias=config.bias)  # all heads' W_q side by side
        self.key = nn.Linear(C, C, bias=config.bias)
        self.value = nn.Linear(C, C, bias=config.bias)  # all heads' value-down maps
        self.c_proj = nn.Linear(C, C, bias=config.bias)  # output matrix: all heads' value-up maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        nh, hs = self.n_head, C // self.n_head

        def heads(t: torch.Tensor) -> torch.Tensor:  # (B, T, C) -> (B, nh, T, hs)
            return t.view(B, T, nh, hs).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(diagonal=1)
        scores = scores.masked_fill(future, float("-inf"))
        pattern = torch.softmax(scores, dim=-1)  # each row sums to 1 over the visible keys
        z = pattern @ v  # (B, nh, T, hs)
        return self.c_proj(z.transpose(1, 2).reshape(B, T, C))


# ---- notebook 11: scale ---------------------------------------------------------------------------------

def count_weights(n_layer: int, n_head: int, n_embd: int, vocab: int) -> int:
    """The eight groups of the notes: embedding, key, query, value, output, up, down, unembedding."""
    head_size = n_embd // n_head
    embedding = vocab * n_embd
    per_head = 3 * n_embd * head_size  # key, query, value(-down): one n_embd x head_size matrix each
    output = n_embd * n_embd  # one per layer: every head's value-up map side by side
    mlp = 2 * n_embd * 4 * n_embd  # up-projection C x 4C and down-projection 4C x C
    unembedding = n_embd * vocab
    return embedding + n_layer * (n_head * per_head + output + mlp) + unembedding


# ---- notebook 12: prompting -----------------------------------------------------------------------------

def format_prompt(system: str, question: str) -> str:
    """Ⓢ system Ⓤ question Ⓐ: the model's answer starts right after the assistant marker."""
    from .chat import ASSISTANT, SYSTEM, USER

    return f"{SYSTEM}{system}{USER}{question}{ASSISTANT}"


@torch.no_grad()
def generate_until_stop(model: nn.Module, ids: list[int], stop_id: int, max_new_tokens: int) -> list[int]:
    """Greedy generation: the new token ids, ending before stop_id or after max_new_tokens tokens."""
    ids = list(ids)
    new: list[int] = []
    for _ in range(max_new_tokens):
        context = torch.tensor([ids[-model.config.block_size:]])  # the model sees at most block_size tokens
        logits, _ = model(context)
        nxt = int(logits[0, -1].argmax())
        if nxt == stop_id:
            break
        ids.append(nxt)
        new.append(nxt)
    return new


# ---- notebook 13: encoder-decoder -----------------------------------------------------------------------

def cross_attention(x_dec: torch.Tensor, memory: torch.Tensor, Wq: torch.Tensor, Wk: torch.Tensor,
                    Wv: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One head of cross-attention: (output (..., T, d_v), pattern (..., T, S)).

    Queries come from the decoder (x_dec: (..., T, C)), keys and values from the encoder's output
    (memory: (..., S, C)). No mask: every output position may look at every input position.
    """
    q = x_dec @ Wq  # (..., T, d_k)
    k = memory @ Wk  # (..., S, d_k)
    v = memory @ Wv  # (..., S, d_v)
    pattern = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)), dim=-1)  # (..., T, S)
    return pattern @ v, pattern
