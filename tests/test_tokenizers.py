import time

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


def test_char_encode_is_linear_time():
    tok = CharTokenizer.from_text("abc")
    small, big = "abc" * 10_000, "abc" * 1_000_000
    t0 = time.perf_counter(); tok.encode(small); t_small = time.perf_counter() - t0
    t0 = time.perf_counter(); ids = tok.encode(big); t_big = time.perf_counter() - t0
    assert len(ids) == 3_000_000
    assert t_big < 400 * t_small + 2.0  # 100x the text must not cost 10,000x the time


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
