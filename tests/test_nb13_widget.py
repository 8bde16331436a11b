import re

import numpy as np
import pytest
import torch

from gptlab.widgets.seq2seq import translator_box
from gptlab.tokenizers import CharTokenizer
from gptlab.transformer import Seq2SeqConfig, Seq2SeqTransformer, translate_text

MONTHS = "JanuaryFebruaryMarchAprilMayJuneJulyAugustSeptemberOctoberNovemberDecember"


@pytest.fixture
def parts():
    torch.manual_seed(0)
    src_tok = CharTokenizer("-0123456789")
    tgt_tok = CharTokenizer(sorted(set(MONTHS + " 0123456789^$")))
    model = Seq2SeqTransformer(Seq2SeqConfig(src_tok.vocab_size, tgt_tok.vocab_size, n_embd=16, n_head=2,
                                             n_enc_layer=1, n_dec_layer=2, d_ff=32, max_len=32)).eval()
    return model, src_tok, tgt_tok


def check_date(text):
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD.")


def test_translate_text_shapes(parts):
    model, src_tok, tgt_tok = parts
    output, tokens, pattern = translate_text(model, src_tok, tgt_tok, "2024-03-05", "^", "$", max_new_tokens=8)
    assert pattern.shape == (2, 2, len(tokens), 10)
    assert torch.allclose(pattern.sum(-1), torch.ones(2, 2, len(tokens)), atol=1e-5)
    assert output == "".join(t for t in tokens if t != "$")


def test_widget_updates_and_reports_bad_input(parts):
    model, src_tok, tgt_tok = parts
    box = translator_box(model, src_tok, tgt_tok, "^", "$", text="2024-03-05", validate=check_date)
    assert box.last["error"] is None and box.last["input"] == "2024-03-05"
    first = box.last["pattern"]
    assert first.shape == (len(box.last["tokens"]), 10)
    assert np.allclose(first.sum(-1), 1, atol=1e-5)
    box.layer.value = 0
    assert box.last["layer"] == 0 and not np.allclose(box.last["pattern"], first)
    box.text.value = "1999-12-31"
    assert box.last["error"] is None and box.last["input"] == "1999-12-31"
    box.text.value = "5 March"
    assert box.last["output"] is None and "YYYY-MM-DD" in box.last["error"]
    box.validate = None
    box.text.value = "2024/03/05"
    assert "'/'" in box.last["error"] and "not in this tokenizer's vocabulary" in box.last["error"]
    box.text.value = ""
    assert "type some input" in box.last["error"]
