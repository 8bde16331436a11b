"""The explorers of notebooks 00 and 06-10 (and 14's) take GPT-2's tiktoken encoder as well as a CharTokenizer
(issue 15): labels are BPE pieces such as ' the', shown with visible(). A small random GPT-2-shaped model;
no download."""
from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from gptlab import GPTConfig  # noqa: E402
from gptlab.interpret.probes import next_token_logits, top_snippets, top_tokens  # noqa: E402
from gptlab.model import GPT  # noqa: E402
from gptlab.tokenizers import CharTokenizer, gpt2, piece, pieces, unit, visible, vocab_size  # noqa: E402
from gptlab.widgets.attention import head_pattern_explorer  # noqa: E402
from gptlab.widgets.flow import generation_stepper  # noqa: E402
from gptlab.widgets.inside import inside_explorer  # noqa: E402
from gptlab.widgets.mlp import neuron_explorer  # noqa: E402
from gptlab.widgets.sampling import sampling_explorer, temperature_explorer  # noqa: E402
from gptlab.widgets.unembedding import next_token_explorer  # noqa: E402

PROMPT = "Hello the world"  # GPT-2 pieces: 'Hello', ' the', ' world'
CORPUS = "To be, or not to be, that is the question: whether 'tis nobler in the mind to suffer. " * 6


def shown(label: str) -> str:
    """How a label appears in a widget's HTML."""
    return html.escape(visible(label))


def noisy(model: GPT, seed: int) -> GPT:
    """GPT-2's init makes every next token almost equally likely; noise gives the bars something to show."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if not name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.add_(0.3 * torch.randn_like(p))
    return model.eval()


@pytest.fixture(scope="module")
def gpt2_parts():
    torch.manual_seed(0)
    config = GPTConfig.preset("gpt2", n_layer=1, n_head=2, n_embd=16, block_size=32)
    return noisy(GPT(config), 0), gpt2()


def test_adapter_gives_pieces_for_gpt2_and_characters_for_a_char_model():
    enc = gpt2()
    assert vocab_size(enc) == 50257
    assert pieces(enc, PROMPT) == ["Hello", " the", " world"]
    assert piece(enc, 262) == " the" and visible(piece(enc, 262)) == "␣the"
    assert [piece(enc, i) for i in enc.encode("龘")] == ["\ufffd", "\ufffd"]  # one character, two byte tokens
    assert unit(enc) == "token"
    chars = CharTokenizer.from_text(CORPUS)
    assert vocab_size(chars) == chars.vocab_size
    assert pieces(chars, "to be") == list("to be") and unit(chars) == "character"
    assert [piece(chars, i) for i in range(chars.vocab_size)] == chars.chars
    with pytest.raises(ValueError, match="outside the vocabulary"):
        piece(enc, 50257)


def test_top_tokens_and_snippets_take_pieces(gpt2_parts):
    model, enc = gpt2_parts
    probs = torch.softmax(next_token_logits(model, enc, PROMPT), dim=-1)
    rows = top_tokens(probs, enc, 5)
    assert [t for t, _ in rows] == [piece(enc, i) for i in probs.topk(5).indices.tolist()]
    snippet = top_snippets(["Hello", " the", " world"], [0.0, 2.0, 1.0], k=1)[0]
    assert snippet == {"pos": 1, "activation": 2.0, "before": "Hello", "char": " the", "after": " world"}


def test_next_token_explorer_shows_bpe_pieces(gpt2_parts):
    model, enc = gpt2_parts
    widget = next_token_explorer(model, enc, prompt=PROMPT, k=10)
    first = widget.last
    assert first["error"] is None and len(first["tokens"]) == 10
    probs = torch.softmax(next_token_logits(model, enc, PROMPT), dim=-1)
    assert first["tokens"] == [piece(enc, i) for i in probs.topk(10).indices.tolist()]
    assert any(len(t) > 1 for t in first["tokens"])  # pieces, not characters
    assert all(shown(t) in widget.bars.value for t in first["tokens"])
    assert "next token after" in widget.title.value
    widget.k.value = 3
    assert widget.last["tokens"] == first["tokens"][:3]
    widget.prompt.value = "The cat sat on"
    assert widget.last["prompt"] == "The cat sat on" and widget.last["probs"] != first["probs"][:3]


def test_temperature_explorer_counts_tokens_and_shows_pieces(gpt2_parts):
    model, enc = gpt2_parts
    widget = temperature_explorer(model, enc, prompt=PROMPT, n_chars=8)
    assert widget.top_k.max == 50257
    assert widget.last["kept"] == 50257 and "of 50257 tokens can be drawn" in widget.summary.value
    assert all(shown(t) in widget.bars.value for t in widget.last["tokens"])
    before = widget.last["continuation"]
    widget.temperature.value = 0.0
    assert widget.last["kept"] == 1 and widget.last["probs"][0] == pytest.approx(1.0)
    assert widget.last["continuation"] != before
    widget.top_k.value = 5
    widget.temperature.value = 1.0
    assert widget.last["kept"] == 5


def test_sampling_explorer_generates_with_gpt2_encoder(gpt2_parts):
    model, enc = gpt2_parts
    widget = sampling_explorer(model, enc, prompt=PROMPT, temperature=1.0, length=12, seed=0)
    first = widget.last["text"]
    assert widget.last["error"] is None and len(enc.encode(first)) >= 6
    widget.seed.value = 1
    assert widget.last["seed"] == 1 and widget.last["text"] != first


def test_head_pattern_explorer_labels_rows_with_pieces(gpt2_parts):
    model, enc = gpt2_parts
    widget = head_pattern_explorer(model, enc, text=PROMPT)
    assert widget.last["chars"] == ["Hello", " the", " world"]
    assert widget.last["pattern"].shape == (3, 3)
    assert shown(" the") in widget.picture.value and "the query token (reads)" in widget.picture.value
    head0 = widget.last["pattern"].copy()
    widget.head.value = 1
    assert widget.last["head"] == 1 and not (widget.last["pattern"] == head0).all()
    widget.text.value = " x" * 40  # longer than the context: a message, not a traceback
    assert "40 tokens" in widget.last["error"]


def test_neuron_explorer_fires_on_pieces(gpt2_parts):
    model, enc = gpt2_parts
    widget = neuron_explorer(model, enc, CORPUS, text=PROMPT, neuron=0, k=3)
    corpus_pieces = set(pieces(enc, CORPUS))
    assert len(widget.last["activations"]) == 3
    assert all(s["char"] in corpus_pieces for s in widget.last["top"])
    assert widget.view.value.count("<span title=") == 3 and "&nbsp;the</span>" in widget.view.value
    assert "tokens of the corpus" in widget.top_view.value
    first = widget.last["activations"]
    widget.neuron.value = 5
    assert widget.last["neuron"] == 5 and widget.last["activations"] != first


def test_generation_stepper_shows_pieces(gpt2_parts):
    model, enc = gpt2_parts
    other = noisy(GPT(model.config), 1)
    widget = generation_stepper(model, enc, {0: other.state_dict(), 10: model.state_dict()}, prompt=PROMPT, n_tokens=4)
    candidates = widget.last["candidates"]
    assert all(shown(t) in widget.bars.value for t, _ in candidates)
    assert widget.last["chosen"] == candidates[0][0]  # greedy at temperature 0
    widget.step.value = 2
    assert widget.last["step"] == 2 and widget.last["text_so_far"].startswith(PROMPT)
    widget.checkpoint.value = 0
    assert widget.last["checkpoint"] == 0 and widget.last["candidates"] != candidates


def test_inside_explorer_follows_a_piece(gpt2_parts):
    model, enc = gpt2_parts
    widget = inside_explorer(model, enc, prompt=PROMPT, k=3)
    assert widget.last["tokens"] == [visible(p) for p in pieces(enc, PROMPT)]
    first = widget.last["top"]
    widget.position.value = 1
    assert widget.last["position"] == 1 and widget.last["top"] != first
    widget.target.value = " the"  # one GPT-2 piece: its attribution is shown
    assert widget.last.get("error") is None
    widget.target.value = " the cat"
    assert "a BPE piece such as ' the'" in widget.last["error"]
