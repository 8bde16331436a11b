"""Notebook 01 (tokens): one text cut into tokens by several tokenizers, live and as a static picture."""
from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.pyplot as plt

from ..tokenizers import visible
from .base import Explorer
from .html import TOKEN_COLORS, tokens_html

NOTEBOOKS = (1,)


def token_pieces(tokenizer, text: str) -> list[tuple[str, int]]:
    """(how the token reads, id) for each token of `text` (notebook 01).

    Works for a CharTokenizer, a BPETokenizer and a tiktoken Encoding. A token holding part of a
    multi-byte character reads as its bytes in hex, e.g. '<e4 bd>'.
    """
    if hasattr(tokenizer, "decode_single_token_bytes"):  # tiktoken
        ids = tokenizer.encode(text, allowed_special="all")
        raw = [tokenizer.decode_single_token_bytes(i) for i in ids]
    elif hasattr(tokenizer, "vocab") and isinstance(getattr(tokenizer, "vocab"), list):  # BPETokenizer
        ids = tokenizer.encode(text)
        raw = [tokenizer.vocab[i] for i in ids]
    else:  # CharTokenizer: ValueError names an unknown character
        ids = tokenizer.encode(text)
        return [(tokenizer.chars[i], i) for i in ids]
    pieces = []
    for b, i in zip(raw, ids):
        try:
            pieces.append((b.decode("utf-8"), i))
        except UnicodeDecodeError:
            pieces.append(("<" + b.hex(" ") + ">", i))
    return pieces


class TokenViewer(Explorer):
    """Type text, see it cut into tokens by several tokenizers (notebook 01).

    `text` is the input box; `last[name]` is the list of (piece, id) per tokenizer, or None with
    `last["errors"][name]` holding the message (e.g. a character the char tokenizer has never seen).
    """

    def __init__(self, tokenizers: dict, text: str = "To be, or not to be: that is the question."):
        super().__init__()
        self.tokenizers = tokenizers
        self.text = w.Textarea(value=text, description="text", continuous_update=False,
                               layout=w.Layout(width="95%", height="60px"))
        self.view = w.HTML()
        self.views = (self.view,)
        self.children = [self.text, self.out, self.view]
        self.watch(self.text)
        self.refresh()

    def draw(self) -> None:
        # a tokenizer that cannot encode the text is not an error of the widget: its row says why
        text = self.text.value
        rows, last, errors = [], {"text": text}, {}
        for name, tok in self.tokenizers.items():
            try:
                pieces = token_pieces(tok, text)
            except (ValueError, TypeError) as error:
                last[name], errors[name] = None, str(error)
                rows.append(f"<p><b>{html.escape(name)}</b>: <span style='color:#D55E00'>cannot encode this text: "
                            f"{html.escape(str(error))}</span></p>")
                continue
            last[name] = pieces
            rows.append(f"<p><b>{html.escape(name)}</b>: {len(pieces)} tokens for {len(text)} characters</p>"
                        f"<div style='line-height:1.2'>{tokens_html(pieces)}</div>")
        last["errors"] = errors
        self.last = last
        self.view.value = "".join(rows)


def token_viewer(tokenizers: dict, text: str = "To be, or not to be: that is the question.") -> TokenViewer:
    """The notebook 01 widget: one text, coloured by token, for each tokenizer in `tokenizers`."""
    return TokenViewer(tokenizers, text)


def draw_token_rows(ax, rows: list[tuple[str, list[tuple[str, int]]]], chars_per_line: int = 60) -> None:
    """A static picture of token_viewer (notebook 01): one band of coloured boxes (token text over its id)
    per tokenizer."""
    y = 0.0
    ax.axis("off")
    for name, pieces in rows:
        ax.text(0, y, f"{name}: {len(pieces)} tokens", fontsize=9, fontweight="bold", va="top")
        y -= 1.0
        x = 0
        for k, (piece, i) in enumerate(pieces):
            label = visible(piece)
            width = max(len(label), len(str(i))) + 0.6
            if x + width > chars_per_line:
                x, y = 0, y - 2.0
            ax.add_patch(plt.Rectangle((x, y - 1.7), width - 0.2, 1.6, color=TOKEN_COLORS[k % len(TOKEN_COLORS)],
                                       alpha=0.45, lw=0))
            ax.text(x + (width - 0.2) / 2, y - 0.55, label, ha="center", va="center", family="monospace", fontsize=9)
            ax.text(x + (width - 0.2) / 2, y - 1.35, str(i), ha="center", va="center", fontsize=6, color="#333")
            x += width
        y -= 2.8
    ax.set_xlim(-0.5, chars_per_line + 1)
    ax.set_ylim(y + 0.5, 0.8)
