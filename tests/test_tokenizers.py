import sys

import pytest

from gptlab.tokenizers import CharTokenizer, gpt2, split_pieces, train_bpe


def test_gpt2_known_ids():
    enc = gpt2()
    assert enc.n_vocab == 50257
    assert enc.encode("Hello world") == [15496, 995]
    assert enc.encode("<|endoftext|>", allowed_special="all") == [50256]
    assert enc.decode([15496, 995]) == "Hello world"
    assert enc.encode(" the") == [262]


def test_char_roundtrip_and_unknown():
    tok = CharTokenizer.from_text("hello world")
    assert tok.vocab_size == 8
    assert tok.decode(tok.encode("low hero")) == "low hero"
    with pytest.raises(ValueError, match=r"'z' at position 3"):
        tok.encode("helz")


def test_char_bad_inputs():
    with pytest.raises(ValueError, match="empty"):
        CharTokenizer.from_text("")
    tok = CharTokenizer.from_text("ab")
    with pytest.raises(TypeError, match="expected a str"):
        tok.encode(123)
    assert tok.encode("") == []
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tok.decode([0, 5])


def count_steps(fn, *args) -> int:
    """Python bytecode instructions run by fn(*args) and every Python function it calls.

    A count of work that, unlike seconds on a shared machine, is the same on every run.
    """
    steps = 0

    def tracer(frame, event, arg):
        nonlocal steps
        if event == "call":
            frame.f_trace_opcodes = True
        elif event == "opcode":
            steps += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn(*args)
    finally:
        sys.settrace(previous)
    return steps


class CountingDict(dict):
    lookups = 0

    def __getitem__(self, key):
        self.lookups += 1
        return super().__getitem__(key)


def test_char_encode_is_linear_time():
    tok = CharTokenizer.from_text("abc")
    small, big = "abc" * 1_000, "abc" * 10_000
    steps_small, steps_big = count_steps(tok.encode, small), count_steps(tok.encode, big)
    assert steps_big <= 10 * steps_small + 100  # 10x the text costs at most 10x the steps (quadratic: 100x)

    def encode_unknown(text):
        with pytest.raises(ValueError, match="'z' at position 30002"):
            tok.encode(text)
    assert count_steps(encode_unknown, big + "abz") <= 3 * steps_big  # finding an unknown character is linear too

    tok.stoi = CountingDict(tok.stoi)
    assert tok.encode(big) == [0, 1, 2] * 10_000
    assert tok.stoi.lookups == len(big)  # one dictionary look-up per character, nothing more

    def quadratic(text):  # the measure sees a quadratic encoder: each character rescans the text before it
        return [sum(1 for _ in text[:i]) for i in range(len(text))]
    assert count_steps(quadratic, big[:300]) > 50 * count_steps(quadratic, big[:30])


def test_split_pieces_covers_text():
    text = "Hello, world!  It's 2024.\n\tDone"
    assert "".join(split_pieces(text)) == text
    assert split_pieces("the cat's") == ["the", " cat", "'s"]


def test_bpe_learns_frequent_pairs_and_roundtrips():
    text = "low lower lowest newer newest " * 20
    tok, merges = train_bpe(text, 12)
    assert tok.vocab_size == 256 + 12
    assert [m.new_id for m in merges] == list(range(256, 268))
    assert merges[0].count >= merges[-1].count
    assert len(tok.encode(" lowest")) < len(" lowest".encode())
    for s in [text, "unseen wörds — ok", ""]:
        assert tok.decode(tok.encode(s)) == s


def test_bpe_merges_match_naive_recount():
    """The incremental trainer must pick the same pairs as recounting everything each step."""
    from collections import Counter

    from gptlab.tokenizers import merge_pair

    text = "abab cabab abcabc aaab " * 5
    tok, merges = train_bpe(text, 8)
    words = [list(p.encode()) for p in split_pieces(text)]
    for m in merges:
        counts = Counter(p for w in words for p in zip(w, w[1:]))
        best = max(counts.values())
        assert counts[m.pair] == best == m.count
        words = [merge_pair(w, m.pair, m.new_id) for w in words]
