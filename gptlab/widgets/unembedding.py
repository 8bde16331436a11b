"""Notebook 08 (unembedding and softmax): type a prompt, see the trained model's most likely next tokens."""
from __future__ import annotations

import html

import ipywidgets as w
import torch

from ..interpret.probes import next_token_logits, top_tokens
from ..tokenizers import unit, vocab_size
from .base import Explorer
from .html import bars_html

NOTEBOOKS = (8,)


class NextTokenWidget(Explorer):
    """Type a prompt, see the trained model's top-k next tokens as bars (notebook 08).

    Controls: `prompt` (Text), `k` (IntSlider "top-k"). `last` holds what is shown:
    {"prompt", "tokens", "probs", "entropy", "error"}. The tokenizer may be a CharTokenizer or GPT-2's
    tiktoken encoder: the bars then show BPE pieces.
    """

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", k: int = 10):
        super().__init__()
        self.model, self.tokenizer = model, tokenizer
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False,
                             layout=w.Layout(width="460px"))
        self.k = w.IntSlider(value=k, min=1, max=min(30, vocab_size(tokenizer)), description="top-k",
                             continuous_update=True)
        self.title = w.HTML()
        self.bars = w.HTML()
        self.message = self.out  # where a bad prompt is explained
        self.views = (self.title, self.bars)
        self._probs_cache: dict[str, torch.Tensor] = {}
        self.children = [w.HTML("Type a prompt (press Enter; \\n means a newline). The bars show the "
                                f"model's most likely next {unit(tokenizer)}s."),
                         self.prompt, self.k, self.out, self.title, self.bars]
        self.watch(self.prompt, self.k)
        self.refresh()

    def _prompt(self) -> str:
        return self.prompt.value.replace("\\n", "\n")

    def _probs(self, prompt: str) -> torch.Tensor:
        if prompt not in self._probs_cache:
            logits = next_token_logits(self.model, self.tokenizer, prompt)
            self._probs_cache[prompt] = torch.softmax(logits, dim=-1)
        return self._probs_cache[prompt]

    def draw(self) -> None:
        prompt = self._prompt()
        probs = self._probs(prompt)
        rows = top_tokens(probs, self.tokenizer, self.k.value)
        entropy = float(-(probs * probs.clamp_min(1e-12).log()).sum())
        self.title.value = (f"<b>next {unit(self.tokenizer)} after</b> <code>{html.escape(prompt[-40:])!s}</code> "
                            f"(entropy {entropy:.2f} nats)")
        self.bars.value = bars_html(rows)
        self.last = {"prompt": prompt, "tokens": [t for t, _ in rows], "probs": [p for _, p in rows],
                     "entropy": entropy, "error": None}

    def error_view(self, error: Exception) -> dict:
        return {"prompt": self._prompt(), "tokens": [], "probs": [], "entropy": None, "error": str(error)}


def next_token_explorer(model, tokenizer, prompt: str = "ROMEO:\n", k: int = 10) -> NextTokenWidget:
    """Notebook 08's widget: a prompt box and the top-k next tokens of the trained model."""
    return NextTokenWidget(model, tokenizer, prompt, k)
