"""Notebooks 09 and 10 (sampling): temperature, top-k and top-p on the next-token distribution (09), and
a trained model's continuation of your prompt, streamed as it grows (10)."""
from __future__ import annotations

import asyncio
import html
import time
from typing import Iterator

import ipywidgets as w
import numpy as np
import torch

from ..interpret.probes import next_token_logits, top_tokens
from ..sample import generate, probabilities, sample_stream
from ..tokenizers import unit, vocab_size
from .base import Explorer
from .html import bars_html

NOTEBOOKS = (9, 10)


# ---- notebook 09: temperature and sampling --------------------------------------------------------------


def sampling_settings(temperature: float, top_k: int, top_p: float, vocab_size: int) -> tuple[float, int | None, float | None]:
    """Slider values -> gptlab.sample arguments (notebook 09): top-k at the vocabulary size and top-p at 1
    mean "keep all"."""
    k = None if top_k >= vocab_size else int(top_k)
    p = None if top_p >= 1 else float(top_p)
    return float(temperature), k, p


def sampled_continuation(model, tokenizer, prompt: str, n_chars: int, temperature: float, top_k: int | None,
                         top_p: float | None, seed: int) -> str:
    """`n_chars` characters sampled after `prompt` with a fresh generator seeded `seed` (notebook 09; same
    settings, same text)."""
    ids = torch.tensor(tokenizer.encode(prompt), device=model.device)
    generator = torch.Generator(device=model.device).manual_seed(seed)
    out = generate(model, ids, n_chars, temperature, top_k, top_p, generator=generator)
    return tokenizer.decode(out[0, len(ids):].tolist())


class SamplingWidget(Explorer):
    """Temperature, top-k and top-p sliders; the distribution they give and a sampled continuation (notebook 09).

    Controls: `prompt` (Text), `temperature` (FloatSlider "temperature"), `top_k` (IntSlider "top-k",
    its maximum keeps every token), `top_p` (FloatSlider "top-p", 1 keeps every token), `resample`
    (Button: next seed). `continuation` (HTML) shows the sampled text. `last` holds what is shown:
    {"prompt", "temperature", "top_k", "top_p", "seed", "tokens", "probs", "kept", "entropy",
    "continuation", "error"}. A fixed seed means moving a slider back brings back the same text.
    The tokenizer may be a CharTokenizer or GPT-2's tiktoken encoder (bars of BPE pieces; n_chars then
    counts tokens).
    """

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 1.0, n_chars: int = 60,
                 seed: int = 0, bars: int = 10):
        super().__init__()
        V = vocab_size(tokenizer)
        self.model, self.tokenizer, self.n_chars, self.seed, self.n_bars = model, tokenizer, n_chars, seed, bars
        style = {"description_width": "90px"}
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False, style=style,
                             layout=w.Layout(width="460px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.05, description="temperature",
                                         continuous_update=False, readout_format=".2f", style=style)
        self.top_k = w.IntSlider(value=V, min=1, max=V, description="top-k", continuous_update=False, style=style)
        self.top_p = w.FloatSlider(value=1.0, min=0.05, max=1.0, step=0.05, description="top-p",
                                   continuous_update=False, readout_format=".2f", style=style)
        self.resample = w.Button(description="another sample")
        self.message = self.out  # where a bad prompt is explained
        self.summary = w.HTML()
        self.bars = w.HTML()
        self.continuation = w.HTML()
        self.views = (self.summary, self.bars, self.continuation)
        self._logits: dict[str, torch.Tensor] = {}
        self._texts: dict[tuple, str] = {}
        self.children = [
            w.HTML(f"Top-k at {V} and top-p at 1.00 keep every token. Press Enter after editing the prompt "
                   "(\\n means a newline)."),
            self.prompt, self.temperature, self.top_k, self.top_p, self.resample, self.out,
            self.summary, self.bars, w.HTML("<b>sampled continuation</b> (fixed seed):"), self.continuation]
        self.watch(self.prompt, self.temperature, self.top_k, self.top_p)
        self.resample.on_click(self._next_seed)
        self.refresh()

    def _next_seed(self, _=None) -> None:
        self.seed += 1
        self.refresh()

    def _state(self) -> dict:
        T, k, p = sampling_settings(self.temperature.value, self.top_k.value, self.top_p.value,
                                    vocab_size(self.tokenizer))
        return {"prompt": self.prompt.value.replace("\\n", "\n"), "temperature": T, "top_k": k, "top_p": p,
                "seed": self.seed}

    def draw(self) -> None:
        state = self._state()
        prompt, T, k, p = state["prompt"], state["temperature"], state["top_k"], state["top_p"]
        V = vocab_size(self.tokenizer)
        if prompt not in self._logits:
            self._logits[prompt] = next_token_logits(self.model, self.tokenizer, prompt)
        probs = probabilities(self._logits[prompt], T, k, p)
        key = (prompt, T, k, p, self.seed)
        if key not in self._texts:
            self._texts[key] = sampled_continuation(self.model, self.tokenizer, prompt, self.n_chars, T, k, p, self.seed)
        text = self._texts[key]
        rows = top_tokens(probs, self.tokenizer, self.n_bars)
        kept = int((probs > 0).sum())
        entropy = max(0.0, float(-(probs[probs > 0] * probs[probs > 0].log()).sum()))
        self.summary.value = (f"T = {T:.2f}: {kept} of {V} {unit(self.tokenizer)}s can be drawn; "
                              f"entropy {entropy:.2f} nats (uniform would be {np.log(V):.2f})")
        self.bars.value = bars_html(rows, colour="#E69F00")
        self.continuation.value = ("<pre class='gptlab-continuation' style='white-space:pre-wrap;margin:0'>"
                                   f"<span style='color:#777'>{html.escape(prompt)}</span>{html.escape(text)}</pre>")
        self.last = {**state, "tokens": [t for t, _ in rows], "probs": [q for _, q in rows], "kept": kept,
                     "entropy": entropy, "continuation": text, "error": None}

    def error_view(self, error: Exception) -> dict:
        return {**self._state(), "tokens": [], "probs": [], "kept": 0, "entropy": None, "continuation": "",
                "error": str(error)}


def temperature_explorer(model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 1.0, n_chars: int = 60,
                         seed: int = 0) -> SamplingWidget:
    """Notebook 09's widget: temperature / top-k / top-p sliders, the distribution, a sampled continuation."""
    return SamplingWidget(model, tokenizer, prompt, temperature, n_chars, seed)


# ---- notebook 10: train a GPT ---------------------------------------------------------------------------


class SamplingExplorer(Explorer):
    """Prompt, temperature, length and seed for a trained model; shows the continuation (notebook 10).

    The first text is generated before the widget appears. After that, in a running notebook, a change
    of a control generates as a task on the kernel's event loop that shows the text as it grows, every
    STREAM_EVERY seconds, as chat apps do: the first characters appear at once even when 600 are asked
    for, the kernel stays free between two redraws, and a newer change stops an older generation.
    (A task on the same thread, not a background thread: a second thread would start a second pool
    of PyTorch threads, and on a 2-core machine the two pools slow each other down 2-3x.)
    Where no event loop runs (a script, a test) a change generates the whole text at once.

    `last` holds prompt, temperature, length, seed, out_of_view and text (the continuation without the
    prompt), or error (the message shown) when the input was bad; it is set when a generation is
    complete. A prompt longer than the context is not an error here: the model reads its last block_size
    tokens, and the widget says so and greys the start it does not read (`out_of_view`).
    `first_shown` is the perf_counter() time the latest generation first showed text; `task` is the
    asyncio task of the latest generation, or None.
    """

    STREAM_EVERY = 0.05  # seconds between two redraws of the growing text

    def __init__(self, model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 0.8,
                 length: int = 200, seed: int = 0):
        super().__init__()
        self.model, self.tokenizer = model, tokenizer
        self.prompt = w.Textarea(value=prompt, description="prompt", continuous_update=False,
                                 layout=w.Layout(width="520px", height="60px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.05, description="temperature",
                                         continuous_update=False, readout_format=".2f")
        self.length = w.IntSlider(value=length, min=0, max=600, step=20, description="length",
                                  continuous_update=False)
        self.seed = w.IntText(value=seed, description="seed")
        self.text = w.HTML()  # the prompt and its continuation
        self.views = (self.text,)
        self.first_shown = 0.0
        self.task: asyncio.Task | None = None
        self._run = 0  # which generation is the current one
        self._streams = False  # the first text is generated whole, before the widget appears
        self.children = [self.prompt, w.HBox([self.temperature, self.length]), self.seed, self.out, self.text]
        self.watch(self.prompt, self.temperature, self.length, self.seed)
        self.refresh()
        self._streams = True

    def _settings(self) -> dict:
        return {"prompt": self.prompt.value, "temperature": float(self.temperature.value),
                "length": int(self.length.value), "seed": int(self.seed.value)}

    def draw(self) -> None:
        self._run += 1
        settings = self._settings()
        tokens = sample_stream(self.model, self.tokenizer, settings["prompt"], settings["length"],
                               settings["temperature"], settings["seed"], crop_prompt=True)
        settings["out_of_view"] = self._out_of_view(settings["prompt"])
        try:
            loop = asyncio.get_running_loop() if self._streams else None
        except RuntimeError:  # no event loop here: generate it all now
            loop = None
        generation = self._generate(self._run, settings, tokens)
        if loop is None:
            for _ in generation:
                pass
        else:
            self.task = loop.create_task(self._stream(generation))

    def error_view(self, error: Exception) -> dict:
        return {**self._settings(), "out_of_view": "", "text": None, "error": str(error)}

    @staticmethod
    async def _stream(generation) -> None:
        for _ in generation:  # one step per redraw; between two, the kernel handles other messages
            await asyncio.sleep(0)

    def _generate(self, run: int, settings: dict, tokens: Iterator[int]) -> Iterator[None]:
        """Generate, redrawing every STREAM_EVERY seconds; yields after each redraw."""
        ids: list[int] = []
        shown_at = None
        for token in tokens:
            if run != self._run:  # a newer setting took over: stop here
                tokens.close()
                return
            ids.append(token)
            if shown_at is None or time.perf_counter() - shown_at > self.STREAM_EVERY:
                self._show(settings, self.tokenizer.decode(ids), done=False)
                shown_at = time.perf_counter()
                if len(ids) == 1:
                    self.first_shown = shown_at
                yield
        if run != self._run:
            return
        text = self.tokenizer.decode(ids)
        self._show(settings, text, done=True)
        if not ids:
            self.first_shown = time.perf_counter()
        self.last = {**settings, "text": text, "error": None}

    def _out_of_view(self, prompt: str) -> str:
        """The start of a prompt longer than the context, which the model does not read ("" if it fits)."""
        ids = self.tokenizer.encode(prompt)
        block_size = self.model.config.block_size
        return self.tokenizer.decode(ids[:-block_size]) if len(ids) > block_size else ""

    def _show(self, settings: dict, text: str, done: bool) -> None:
        cursor = "" if done else "<span style='color:#999'>▌</span>"
        state = "done" if done else "growing"
        prompt, unread = settings["prompt"], settings["out_of_view"]
        if not prompt.startswith(unread):  # a tokenizer whose pieces do not decode to a prefix: grey nothing
            unread = ""
        note = ""
        if settings["out_of_view"]:
            n = self.model.config.block_size
            note = (f"<div class='gptlab-note' style='color:#777;font-size:12px'>The model reads only the last {n} "
                    f"tokens of this prompt (its context); the grey start is out of its view.</div>")
        self.text.value = (f"{note}<pre class='gptlab-sample' data-state='{state}' "
                           "style='white-space:pre-wrap;font-size:12px'>"
                           f"<span style='color:#999'>{html.escape(unread)}</span>"
                           f"<b>{html.escape(prompt[len(unread):])}</b>{html.escape(text)}{cursor}</pre>")


def sampling_explorer(model, tokenizer, prompt: str = "ROMEO:\n", temperature: float = 0.8,
                      length: int = 200, seed: int = 0) -> SamplingExplorer:
    """Notebook 10: try prompts, temperatures and lengths on the model you just trained."""
    return SamplingExplorer(model, tokenizer, prompt, temperature, length, seed)
