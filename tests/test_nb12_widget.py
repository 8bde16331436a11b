import pytest
import torch

from gptlab import GPTConfig, chat
from gptlab.widgets.chat import chat_box
from gptlab.model import GPT
from gptlab.tokenizers import CharTokenizer


@pytest.fixture
def parts():
    torch.manual_seed(0)
    tok = CharTokenizer(" .abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    model = GPT(GPTConfig(block_size=32, vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16)).eval()
    tok = chat.add_special_tokens(model, tok)
    return model, tok


def test_add_special_tokens_grows_and_keeps_tying(parts):
    model, tok = parts
    assert tok.vocab_size == model.config.vocab_size == 68
    assert model.lm_head.weight is model.transformer.wte.weight
    assert [tok.stoi[s] for s in chat.SPECIALS] == [64, 65, 66, 67]
    with pytest.raises(ValueError, match="already in the vocabulary"):
        chat.add_special_tokens(model, tok)
    logits, _ = model(torch.tensor([[tok.stoi[chat.END], 0]]))
    assert logits.shape == (1, 2, 68)


def test_encode_example_grades_only_the_answer(parts):
    _, tok = parts
    ids, targets = chat.encode_example(tok, "Count.", "a b", "2")
    prompt_len = len(chat.format_prompt("Count.", "a b"))
    assert len(ids) == len(targets) == prompt_len + 1
    assert all(t == -100 for t in targets[: prompt_len - 1])
    assert tok.decode(targets[prompt_len - 1:]) == "2" + chat.END
    x, y = chat.collate([(ids, targets), ([1, 2], [-100, 3])], pad_id=tok.stoi[chat.END])
    assert x.shape == y.shape == (2, len(ids)) and (y[1, 2:] == -100).all()


def test_chat_box(parts):
    model, tok = parts
    box = chat_box(model, tok, system="Use capitals.", question="to be")
    assert box.last["error"] is None
    assert box.last["prompt"] == chat.format_prompt("Use capitals.", "to be")
    assert isinstance(box.last["answer"], str) and chat.END not in box.last["answer"]
    box.question.value = "what?"
    box.button.click()
    assert "'?'" in box.last["error"] and box.last["answer"] is None
    box.question.value = "a" * 40
    box.button.click()
    assert "context" in box.last["error"]
    box.question.value = f"hi {chat.END}"
    box.button.click()
    assert "reserved" in box.last["error"]
    box.question.value = "to be"
    box.temperature.value = 1.0
    box.button.click()
    assert box.last["error"] is None and box.last["temperature"] == 1.0


def test_answer_length_is_checked_against_the_room_left(parts):
    model, tok = parts
    room = model.config.block_size - len(chat.format_prompt("Count.", "a b"))  # 32 - 12 = 20
    assert len(chat.answer(model, tok, "Count.", "a b", max_new_tokens=room)) <= room
    with pytest.raises(ValueError, match=f"leaves only {room} .* at most {room}"):
        chat.answer(model, tok, "Count.", "a b", max_new_tokens=room + 1)  # never silently cut to fit
