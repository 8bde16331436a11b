"""The "fluffy blue creature" toy: a tiny language where we know what attention should do
(notebooks 03 and 05).

Sentences are one or two noun phrases, a determiner, 0-2 adjectives and a noun:

    a fluffy blue creature sees the big red dog
    the small cat sleeps

The task: at every noun, say which adjectives describe it (a yes/no per adjective). The noun's own
embedding knows nothing about that, so the model must look back and fetch its adjectives, and only
its own: in "a fluffy blue creature sees the big red dog", "dog" must ignore "fluffy" and "blue".
One head learns it: the noun's query matches the keys of adjectives just before it (notebook 03),
and their values, added to the noun, move its embedding toward "fluffy", "blue" (notebook 05).

API (stable; notebooks 03 and 05 use it)
----------------------------------------
Vocabulary
    VOCAB, DETERMINERS, ADJECTIVES, NOUNS, VERBS, PAD (".", fills sentences up to BLOCK_SIZE)
    STOI: word -> id;  ADJ_IDS: (A,) ids of ADJECTIVES in order;  BLOCK_SIZE = 10
    encode(text) -> list[int]       ValueError naming an unknown word and the vocabulary
    decode(ids) -> str              ids to words (padding included)
    words(ids) -> list[str]         one word per id, for axis labels
    EXAMPLES: list[str]             hand-picked sentences for dropdowns and figures

Data
    ToyBatch(ids, noun_mask, adj_of, targets, pad_mask), all tensors with batch dimension B:
        ids       (B, T) long       token ids, padded with PAD to T = BLOCK_SIZE
        noun_mask (B, T) bool       True at noun positions (where the loss is taken)
        adj_of    (B, T, T) bool    adj_of[b, i, j]: position j holds an adjective of the noun at i
        adj_mask  (B, T) bool       (property) True at every adjective position
        targets   (B, T, A) float   multi-hot: targets[b, i, a] = 1 if ADJECTIVES[a] describes noun i
        pad_mask  (B, T) bool       True at padding
        batch[rows] -> ToyBatch     some of the sentences (int, slice or index tensor); len(batch) = B
    random_sentences(n, seed=0) -> list[str]    deterministic (Python's random.Random(seed))
    make_batch(sentences) -> ToyBatch           parses sentences (adjectives since the last determiner)
    generate(n, seed=0) -> ToyBatch             make_batch(random_sentences(n, seed))

Model
    ToyHead(n_embd=32, head_size=8, block_size=BLOCK_SIZE, seed=0): token + position embedding and
    one causal attention head with query, key, value-down (C -> hs) and value-up (hs -> C) maps;
    E' = E + dE; the adjective scores are E' . embedding(adjective) + bias (tied to the embedding).
        head.run(ids) -> dict of (B, T, ...) tensors:
            "embed" E (B, T, C), "q" (B, T, hs), "k" (B, T, hs), "scores" q k^T / sqrt(hs) before
            the mask (B, T, T), "pattern" softmax over allowed keys (B, T, T), "v" value-down
            (B, T, hs), "dE" change added to each position (B, T, C), "resid" E' = E + dE (B, T, C),
            "logits" adjective scores (B, T, A)
        head(ids) -> logits (B, T, A);  head.loss(batch) -> BCE at noun positions
    train_toy(head, steps=200, batch_size=32, lr=1e-2, seed=0) -> list[float] losses per step
        (Adam, fixed steps: a few seconds on a 2-core CPU; trains in place and returns the losses)
    trained_toy_head(seed=0, steps=200) -> (untrained copy, trained head)
    attention_on_adjectives(head, batch) -> float: mean share of a noun's attention (over nouns
        that have adjectives) that lands on its own adjectives
    accuracy(head, batch) -> float: share of (noun, adjective) yes/no answers that are right
"""
from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .attention import attention_scores, mask_future

DETERMINERS = ["a", "the"]
ADJECTIVES = ["fluffy", "spiky", "big", "small", "blue", "red", "green"]
_FIRST_ADJ = ["fluffy", "spiky", "big", "small"]  # texture / size come before colour, as in English
_COLOURS = ["blue", "red", "green"]
NOUNS = ["creature", "dog", "cat", "bird"]
VERBS = ["sees", "likes", "chases", "sleeps"]
PAD = "."
VOCAB = [PAD] + DETERMINERS + ADJECTIVES + NOUNS + VERBS
STOI = {word: i for i, word in enumerate(VOCAB)}
ADJ_IDS = torch.tensor([STOI[a] for a in ADJECTIVES])
BLOCK_SIZE = 10
_ADJ_INDEX = {a: i for i, a in enumerate(ADJECTIVES)}
_NOUN_SET = set(NOUNS)

EXAMPLES = [
    "a fluffy blue creature sees the big red dog",
    "the spiky green creature chases a small cat",
    "a small red bird likes the fluffy dog",
    "the big creature sees a spiky blue bird",
    "a fluffy cat sleeps",
    "the green dog likes a creature",
]


def encode(text: str) -> list[int]:
    """Word ids of a sentence of toy words separated by spaces."""
    if not isinstance(text, str):
        raise TypeError(f"expected a sentence (str), got {type(text).__name__}.")
    tokens = text.lower().split()
    if not tokens:
        raise ValueError("the sentence is empty; type a few toy words, e.g. 'a fluffy blue creature'.")
    unknown = [t for t in tokens if t not in STOI]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a toy word; use only: {' '.join(VOCAB[1:])}.")
    if len(tokens) > BLOCK_SIZE:
        raise ValueError(f"{len(tokens)} words is longer than the toy context of {BLOCK_SIZE}; shorten it.")
    return [STOI[t] for t in tokens]


def words(ids) -> list[str]:
    """One word per id (for axis labels)."""
    ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)
    return [VOCAB[i] for i in ids]


def decode(ids) -> str:
    return " ".join(words(ids))


def _phrase(rng: random.Random) -> list[str]:
    n_adj = rng.choice([0, 1, 1, 2, 2, 2])
    adjs: list[str] = []
    if n_adj == 2:
        adjs = [rng.choice(_FIRST_ADJ), rng.choice(_COLOURS)]
    elif n_adj == 1:
        adjs = [rng.choice(ADJECTIVES)]
    return [rng.choice(DETERMINERS), *adjs, rng.choice(NOUNS)]


def random_sentences(n: int, seed: int = 0) -> list[str]:
    """n random toy sentences, the same for the same seed on every machine."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        first = _phrase(rng)
        if rng.random() < 0.8:
            sentence = first + [rng.choice(VERBS[:3])] + _phrase(rng)
        else:
            sentence = first + ["sleeps"]
        out.append(" ".join(sentence))
    return out


@dataclass
class ToyBatch:
    ids: torch.Tensor  # (B, T) long
    noun_mask: torch.Tensor  # (B, T) bool
    adj_of: torch.Tensor  # (B, T, T) bool: adj_of[b, i, j] -> j is an adjective of the noun at i
    targets: torch.Tensor  # (B, T, A) float multi-hot
    pad_mask: torch.Tensor  # (B, T) bool

    @property
    def adj_mask(self) -> torch.Tensor:
        """(B, T) bool: True at every adjective position."""
        return self.adj_of.any(dim=1)

    def __len__(self) -> int:
        return self.ids.size(0)

    def __getitem__(self, rows) -> "ToyBatch":
        """The sentences at `rows` (an index, a slice or a tensor of indices), as a ToyBatch."""
        if isinstance(rows, int):
            rows = slice(rows, rows + 1)
        return ToyBatch(self.ids[rows], self.noun_mask[rows], self.adj_of[rows], self.targets[rows],
                        self.pad_mask[rows])


def make_batch(sentences: list[str] | str) -> ToyBatch:
    """Encode and label sentences: a noun's adjectives are the adjectives since the last determiner."""
    if isinstance(sentences, str):
        sentences = [sentences]
    B, T, A = len(sentences), BLOCK_SIZE, len(ADJECTIVES)
    rows: list[list[int]] = []
    nouns: list[tuple[int, int]] = []  # (b, i)
    links: list[tuple[int, int, int, int]] = []  # (b, noun i, adjective position j, adjective index a)
    for b, sentence in enumerate(sentences):
        toks = encode(sentence)
        rows.append(toks + [STOI[PAD]] * (T - len(toks)))
        pending: list[int] = []
        for i, t in enumerate(toks):
            word = VOCAB[t]
            if word in _ADJ_INDEX:
                pending.append(i)
            elif word in _NOUN_SET:
                nouns.append((b, i))
                links.extend((b, i, j, _ADJ_INDEX[VOCAB[toks[j]]]) for j in pending)
                pending = []
            else:  # a determiner or a verb starts a new phrase
                pending = []
    ids = torch.tensor(rows, dtype=torch.long)
    noun_mask = torch.zeros(B, T, dtype=torch.bool)
    adj_of = torch.zeros(B, T, T, dtype=torch.bool)
    targets = torch.zeros(B, T, A)
    if nouns:
        nb, ni = torch.tensor(nouns).T
        noun_mask[nb, ni] = True
    if links:
        lb, li, lj, la = torch.tensor(links).T
        adj_of[lb, li, lj] = True
        targets[lb, li, la] = 1.0
    return ToyBatch(ids, noun_mask, adj_of, targets, ids == STOI[PAD])


def generate(n: int, seed: int = 0) -> ToyBatch:
    """A labelled batch of n random sentences (deterministic for a seed)."""
    return make_batch(random_sentences(n, seed))


class ToyHead(nn.Module):
    """Embedding + one causal attention head (query, key, value-down, value-up): E' = E + dE."""

    def __init__(self, n_embd: int = 32, head_size: int = 8, block_size: int = BLOCK_SIZE, seed: int = 0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.n_embd, self.head_size, self.block_size = n_embd, head_size, block_size
        self.wte = nn.Embedding(len(VOCAB), n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.value_down = nn.Linear(n_embd, head_size, bias=False)
        self.value_up = nn.Linear(head_size, n_embd, bias=False)
        self.bias = nn.Parameter(torch.zeros(len(ADJECTIVES)))
        with torch.no_grad():
            for p in (self.wte.weight, self.wpe.weight):
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)
            for lin in (self.query, self.key, self.value_down, self.value_up):
                fan_in = lin.weight.size(1)
                lin.weight.copy_(torch.randn(lin.weight.shape, generator=g) / math.sqrt(fan_in))

    def run(self, ids: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate tensor for ids (B, T) (or (T,), treated as B = 1)."""
        if ids.dim() == 1:
            ids = ids[None]
        T = ids.size(1)
        if T > self.block_size:
            raise ValueError(f"{T} tokens is longer than the toy context of {self.block_size}.")
        E = self.wte(ids) + self.wpe(torch.arange(T, device=ids.device))  # (B, T, C)
        q, k = self.query(E), self.key(E)  # (B, T, hs)
        scores = attention_scores(q, k)  # (B, T, T)
        pattern = torch.softmax(mask_future(scores), dim=-1)
        v = self.value_down(E)  # (B, T, hs)
        dE = self.value_up(pattern @ v)  # (B, T, C)
        resid = E + dE
        logits = resid @ self.wte.weight[ADJ_IDS.to(ids.device)].T + self.bias  # (B, T, A)
        return {"embed": E, "q": q, "k": k, "scores": scores, "pattern": pattern, "v": v, "dE": dE,
                "resid": resid, "logits": logits}

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.run(ids)["logits"]

    def loss(self, batch: ToyBatch) -> torch.Tensor:
        logits = self(batch.ids)
        m = batch.noun_mask
        return F.binary_cross_entropy_with_logits(logits[m], batch.targets[m])


def train_toy(head: ToyHead, steps: int = 200, batch_size: int = 32, lr: float = 1e-2, seed: int = 0) -> list[float]:
    """Train `head` in place with Adam on fresh random sentences each step; returns the losses."""
    opt = torch.optim.Adam(head.parameters(), lr=lr)
    data = generate(steps * batch_size, seed=seed + 1)
    losses = []
    head.train()
    for step in range(steps):
        loss = head.loss(data[step * batch_size:(step + 1) * batch_size])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    head.eval()
    return losses


def trained_toy_head(seed: int = 0, steps: int = 200) -> tuple[ToyHead, ToyHead]:
    """(untrained, trained): the same initial head, before and after train_toy."""
    torch.manual_seed(seed)
    head = ToyHead(seed=seed)
    untrained = copy.deepcopy(head).eval()
    train_toy(head, steps=steps, seed=seed)
    return untrained, head


@torch.no_grad()
def attention_on_adjectives(head: ToyHead, batch: ToyBatch) -> float:
    """Mean share of attention that nouns with adjectives put on their own adjectives."""
    pattern = head.run(batch.ids)["pattern"]  # (B, T, T)
    share = (pattern * batch.adj_of).sum(-1)  # (B, T)
    has_adj = batch.noun_mask & batch.adj_of.any(-1)
    return share[has_adj].mean().item()


@torch.no_grad()
def accuracy(head: ToyHead, batch: ToyBatch) -> float:
    """Share of (noun, adjective) yes/no answers that are right."""
    logits = head(batch.ids)
    m = batch.noun_mask
    return ((logits[m] > 0).float() == batch.targets[m]).float().mean().item()


# ---- what the widgets of notebooks 03 and 05 show -------------------------------------------------------


@torch.no_grad()
def query_scores(head: ToyHead, ids: torch.Tensor, index: int) -> tuple[list[float], list[float]]:
    """One query's scaled scores q.k/sqrt(d_k) against every key (future keys -inf) and its attention row
    (notebook 03). ids: (T,) token ids; index: the query's position."""
    run = head.run(ids[None])
    scores = run["scores"][0, index].clone()
    scores[index + 1:] = float("-inf")  # a key after the query is hidden by the causal mask (notebook 04)
    return scores.tolist(), run["pattern"][0, index].tolist()


@torch.no_grad()
def value_contributions(head: ToyHead, sentence: str, position: int) -> dict:
    """What each earlier token adds to the token at `position` in one toy head (notebook 05).

    contribution_j = pattern[position, j] * value_up(value_down(E_j)), so dE = sum_j contribution_j.
    Returns words, position, word, weights (T,), contributions (T, C), along (T,): each contribution
    projected on dE's direction (they add up to |dE|), norms (T,), dE (C,) and dE_norm (float).
    """
    from numbers import Integral

    ids = torch.tensor([encode(sentence)])
    T = ids.size(1)
    if isinstance(position, bool) or not isinstance(position, Integral) or not 0 <= position < T:
        raise ValueError(f"position must be a whole number from 0 to {T - 1} for this sentence, got {position!r}.")
    run = head.run(ids)
    weights = run["pattern"][0, position]  # (T,): zero after `position`
    contributions = weights[:, None] * head.value_up(run["v"][0])  # (T, C)
    dE = run["dE"][0, position]
    unit = dE / dE.norm().clamp_min(1e-12)
    toks = words(ids[0])
    return {"words": toks, "position": int(position), "word": toks[position], "weights": weights,
            "contributions": contributions, "along": contributions @ unit, "norms": contributions.norm(dim=-1),
            "dE": dE, "dE_norm": dE.norm().item()}
