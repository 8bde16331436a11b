"""A generated notebook that builds every widget builder of gptlab.widgets from the shipped model (the toy
heads, small untrained stand-ins where a notebook trains its own), and how a browser test moves each one's
main control. tests/test_browser.py writes it into a temporary folder; it is not committed.
"""
from __future__ import annotations

import json
from pathlib import Path

SETUP = """\
import torch
from gptlab import GPTConfig, chat, toy
from gptlab.data import shakespeare
from gptlab.model import GPT
from gptlab.pretrained import load_shakespeare_char
from gptlab.tokenizers import CharTokenizer, gpt2, visible
from gptlab.transformer import Seq2SeqConfig, Seq2SeqTransformer

model, tok, _ = load_shakespeare_char()
torch.manual_seed(0)
chat_tok = CharTokenizer(" .abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
chat_model = GPT(GPTConfig(block_size=64, vocab_size=chat_tok.vocab_size, n_layer=1, n_head=2, n_embd=16)).eval()
chat_tok = chat.add_special_tokens(chat_model, chat_tok)
months = "JanuaryFebruaryMarchAprilMayJuneJulyAugustSeptemberOctoberNovemberDecember"
src_tok, tgt_tok = CharTokenizer("-0123456789"), CharTokenizer(sorted(set(months + " 0123456789^$")))
translator = Seq2SeqTransformer(Seq2SeqConfig(src_tok.vocab_size, tgt_tok.vocab_size, n_embd=32, n_head=2,
                                              n_enc_layer=1, n_dec_layer=2, d_ff=64, max_len=32)).eval()
"""

# builder -> (module, the call, [actions]); an action is (kind, control label, value):
# slider: press ArrowRight `value` times; select: choose option number `value`; text / textarea: type `value`
# (then Enter or leave the box); multiselect: select option number `value` of a multiple selection;
# click: press the button labelled `label`; check: the view must have changed since the last check.
GALLERY: dict[str, tuple[str, str, list[tuple[str, str, object]]]] = {
    "generation_stepper": ("flow", "generation_stepper(model, tok, {0: GPT(model.config).state_dict(), "
                                   "3000: model.state_dict()}, n_tokens=20)", [("slider", "step", 3)]),
    "token_viewer": ("tokens", 'token_viewer({"characters": tok, "GPT-2": gpt2()})',
                     [("textarea", "text", "Whether 'tis nobler in the mind")]),
    "embedding_explorer": ("embeddings", "embedding_explorer(model.transformer.wte.weight.detach(), "
                                         "[visible(c) for c in tok.chars], k=8)", [("select", "token", 3)]),
    "query_key_explorer": ("attention", "query_key_explorer(toy.ToyHead(seed=0), toy.ToyHead(seed=1))",
                           [("select", "token", 1)]),
    "head_pattern_explorer": ("attention", 'head_pattern_explorer(model, tok, "ROMEO:\\nBut soft, what light")',
                              [("select", "head", 1)]),
    "context_cost_widget": ("masking", "context_cost_widget(16)", [("slider", "context T", 2)]),
    "value_widget": ("values", "value_widget(toy.ToyHead(seed=0).eval())", [("select", "token", 1)]),
    "neuron_explorer": ("mlp", 'neuron_explorer(model, tok, shakespeare()[:16384], text="ROMEO:\\nO")',
                        [("text", "neuron", "7")]),
    "next_token_explorer": ("unembedding", "next_token_explorer(model, tok)", [("text", "prompt", "JULIET:")]),
    "temperature_explorer": ("sampling", "temperature_explorer(model, tok, n_chars=40)",
                             [("slider", "temperature", 5)]),
    "sampling_explorer": ("sampling", "sampling_explorer(model, tok, length=100)", [("slider", "length", 1)]),
    "scale_explorer": ("scale", "scale_explorer(n_embd=768, n_layer=12, n_head=12, vocab=50257, context=1024)",
                       [("slider", "layers", 3)]),
    "chat_box": ("chat", 'chat_box(chat_model, chat_tok, system="Use capitals.", question="to be")',
                 [("text", "question", "or not"), ("click", "Answer", None)]),
    "translator_box": ("seq2seq", 'translator_box(translator, src_tok, tgt_tok, "^", "$", text="2024-03-05")',
                       [("text", "input", "1999-12-31")]),
    "inside_explorer": ("inside", "inside_explorer(model, tok)",
                        [("text", "prompt", "JULIET:"), ("check", "", None),  # a new prompt redraws everything,
                         ("multiselect", "switch off", 3)]),  # then switching off layer 0's head 3 changes the prediction
}


def css_class(builder: str) -> str:
    """The class the gallery gives the widget that `builder` returned, so the test can find it."""
    return f"gallery-{builder.replace('_', '-')}"


def _code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}


def write_gallery(path: Path, kernel_metadata: dict) -> Path:
    """Write the gallery notebook: the setup cell, then one cell per builder that shows its widget."""
    cells = [_code(SETUP)]
    for builder, (module, call, _) in GALLERY.items():
        cells.append(_code(f"from gptlab.widgets.{module} import {builder}\n\nbox = {call}\n"
                           f"box.add_class({css_class(builder)!r})\nbox"))
    notebook = {"cells": cells, "metadata": kernel_metadata, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path
