"""Notebook 01: the BPE exercise checks and the token viewer widget."""
import matplotlib
import pytest

matplotlib.use("Agg")

from gptlab.checks import check_count_pairs, check_merge
from gptlab.solutions import count_pairs, merge
from gptlab.tokenizers import CharTokenizer, gpt2, merge_pair, train_bpe
from gptlab.widgets.html import tokens_html
from gptlab.widgets.tokens import draw_token_rows, token_pieces, token_viewer

TEXT = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to suffer\n"


@pytest.fixture(scope="module")
def tokenizers():
    bpe, _ = train_bpe(TEXT * 3, 40)
    return {"characters": CharTokenizer.from_text(TEXT), "bpe": bpe, "gpt2": gpt2()}


def test_solutions_pass():
    assert check_count_pairs(count_pairs).ok
    assert check_merge(merge).ok


def _merge_overlapping(ids, pair, new_id):
    out = []
    for i, x in enumerate(ids):
        if i + 1 < len(ids) and (x, ids[i + 1]) == pair:
            out.append(new_id)
        elif i > 0 and (ids[i - 1], x) == pair and (not out or out[-1] == new_id):
            continue
        else:
            out.append(x)
    return out


def _merge_drops_last(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids) - 1:
        if (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _merge_first_only(ids, pair, new_id):
    for i in range(len(ids) - 1):
        if (ids[i], ids[i + 1]) == pair:
            return ids[:i] + [new_id] + ids[i + 2:]
    return ids


@pytest.mark.parametrize("broken, expected", [
    (_merge_overlapping, "skip BOTH"),
    (_merge_drops_last, "the last id is lost"),
    (_merge_first_only, "EVERY occurrence"),
    (lambda ids, pair, new_id: tuple(merge_pair(ids, pair, new_id)), "return a list"),
])
def test_broken_merges_fail_with_a_precise_message(broken, expected):
    result = check_merge(broken)
    assert not result.ok and expected in result.message, result.message


def _count_drops_last(ids):
    counts = {}
    for i in range(len(ids) - 2):
        counts[(ids[i], ids[i + 1])] = counts.get((ids[i], ids[i + 1]), 0) + 1
    return counts


def _count_skips_overlaps(ids):
    counts, i = {}, 0
    while i < len(ids) - 1:
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
        i += 2 if pair[0] == pair[1] else 1
    return counts


@pytest.mark.parametrize("broken, expected", [
    (_count_drops_last, "the last pair (7, 5) is missing"),
    (lambda ids: list(zip(ids, ids[1:])), "return a dict"),
    (lambda ids: {f"{a},{b}": 1 for a, b in zip(ids, ids[1:])}, "keys must be pairs"),
    (_count_skips_overlaps, "twice"),
])
def test_broken_counts_fail_with_a_precise_message(broken, expected):
    result = check_count_pairs(broken)
    assert not result.ok and expected in result.message, result.message


def test_token_pieces_read_back_the_text(tokenizers):
    for tok in tokenizers.values():
        pieces = token_pieces(tok, "to be or not")
        assert "".join(p for p, _ in pieces) == "to be or not"
    assert token_pieces(tokenizers["gpt2"], " the") == [(" the", 262)]
    assert token_pieces(tokenizers["gpt2"], "<|endoftext|>") == [("<|endoftext|>", 50256)]
    # a token holding part of a UTF-8 character reads as hex bytes
    chinese = token_pieces(tokenizers["gpt2"], "今天")
    assert any(p.startswith("<") and p.endswith(">") for p, _ in chinese)


def test_tokens_html_colours_every_token():
    html = tokens_html([("To", 1), (" be", 2), ("<b>", 3)])
    assert html.count("<span") == 3 and "␣be" in html and "&lt;b&gt;" in html
    assert "#E69F00" in html and "#56B4E9" in html  # Okabe-Ito backgrounds


def test_viewer_updates_and_explains_unknown_characters(tokenizers):
    viewer = token_viewer(tokenizers, "To be")
    assert [p for p, _ in viewer.last["characters"]] == list("To be")
    assert viewer.last["errors"] == {}
    viewer.text.value = "the question"
    assert viewer.last["text"] == "the question"
    assert "".join(p for p, _ in viewer.last["gpt2"]) == "the question"
    viewer.text.value = "naïve 🙂"
    assert viewer.last["characters"] is None and "'ï'" in viewer.last["errors"]["characters"]
    assert "cannot encode" in viewer.view.value
    assert viewer.last["bpe"] is not None and viewer.last["gpt2"] is not None  # bytes never fail


def test_static_picture_draws(tokenizers):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    rows = [(name, token_pieces(t, "To be, or not to be")) for name, t in tokenizers.items()]
    draw_token_rows(ax, rows)
    assert len(ax.patches) == sum(len(p) for _, p in rows)
    plt.close(fig)
