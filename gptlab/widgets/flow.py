"""Notebook 00 (the flow): step through generation token by token, at a chosen training checkpoint."""
from __future__ import annotations

import copy
import html

import ipywidgets as w
import torch

from ..sample import Reader, sample_next
from ..tokenizers import piece, visible
from .base import Explorer

NOTEBOOKS = (0,)


@torch.no_grad()
def generation_steps(model, tokenizer, prompt: str, n_tokens: int, temperature: float = 0.0,
                     top: int = 5, seed: int = 0) -> list[dict]:
    """Generate n_tokens after `prompt`, one at a time, recording each step (notebook 00).

    Each record: "context" (ids the model saw), "candidates" [(id, probability)] the `top` most likely
    next tokens under the model's own distribution (temperature 1), and "chosen" (the id appended,
    greedy when temperature is 0, else sampled with a generator seeded by `seed`).
    """
    ids = tokenizer.encode(prompt)
    if not ids:
        raise ValueError("the prompt is empty: type at least one character.")
    block_size = model.config.block_size
    generator = torch.Generator().manual_seed(seed)
    idx = torch.tensor([ids], dtype=torch.long, device=model.device)
    was_training = model.training
    model.eval()
    records = []
    try:
        reader = Reader(model, idx)  # a prompt longer than the context raises here, saying so
        for step in range(n_tokens):
            last = reader.logits[0].float()
            probs = torch.softmax(last, dim=-1)
            p, i = probs.topk(min(top, probs.numel()))
            chosen = int(sample_next(last, temperature, generator=generator))
            records.append({"context": reader.idx[0, -block_size:].tolist(),
                            "candidates": list(zip(i.tolist(), p.tolist())), "chosen": chosen,
                            "p_chosen": float(probs[chosen])})
            if step < n_tokens - 1:
                reader.append(torch.tensor([chosen], device=idx.device))
    finally:
        model.train(was_training)
    return records


def draw_generation_step(ax, tokenizer, prompt: str, records: list[dict], step: int) -> None:
    """Bar chart of the top candidates at one generation step, the chosen token in orange (notebook 00)."""
    rec = records[step]
    labels = [visible(piece(tokenizer, i)) for i, _ in rec["candidates"]]
    probs = [p for _, p in rec["candidates"]]
    colors = ["#E69F00" if i == rec["chosen"] else "#0072B2" for i, _ in rec["candidates"]]
    ax.barh(range(len(probs))[::-1], probs, color=colors)
    ax.set_yticks(range(len(probs))[::-1], [repr(s)[1:-1] for s in labels])
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability of the next token")
    so_far = tokenizer.decode([r["chosen"] for r in records[:step]])
    tail = visible((prompt + so_far)[-40:])
    ax.set_title(f"step {step}: after '…{tail}'", fontsize=9, loc="left")


class GenerationStepper(Explorer):
    """Step through generation token by token at a chosen training checkpoint and temperature (notebook 00).

    Controls: `checkpoint` (a training step), `temperature`, `prompt`, `step`. `last` holds what is
    shown: the checkpoint, the text so far, the candidates [(token text, probability)] and the chosen token.
    """

    def __init__(self, model, tokenizer, snapshots: dict[int, dict], prompt: str = "ROMEO:\n",
                 n_tokens: int = 60, top: int = 5):
        super().__init__()
        self.model = copy.deepcopy(model).eval()
        self.tokenizer, self.snapshots, self.n_tokens, self.top = tokenizer, snapshots, n_tokens, top
        steps = sorted(snapshots)
        self.checkpoint = w.Dropdown(options=steps, value=steps[-1], description="trained steps")
        self.temperature = w.FloatSlider(value=0.0, min=0.0, max=1.5, step=0.1, description="temperature",
                                         continuous_update=False)
        self.prompt = w.Text(value=prompt, description="prompt", continuous_update=False)
        self.step = w.IntSlider(value=0, min=0, max=n_tokens - 1, description="step", continuous_update=True)
        self.text = w.HTML()
        self.bars = w.HTML()
        self.views = (self.text, self.bars)
        self.records: list[dict] = []
        self.children = [w.HBox([self.checkpoint, self.temperature]), self.prompt, self.step,
                         self.text, self.bars, self.out]
        self.watch(self.checkpoint, self.temperature, self.prompt)
        self.watch(self.step, then=self._show)
        self.refresh()

    def draw(self) -> None:
        self.records = []
        self.model.load_state_dict(self.snapshots[self.checkpoint.value])
        self.records = generation_steps(self.model, self.tokenizer, self.prompt.value, self.n_tokens,
                                        self.temperature.value, self.top)
        self._show()

    def _show(self) -> None:
        if not self.records:
            return
        s = self.step.value
        tok = self.tokenizer
        rec = self.records[s]
        so_far = tok.decode([r["chosen"] for r in self.records[:s]])
        chosen = piece(tok, rec["chosen"])
        self.text.value = (
            "<pre style='white-space:pre-wrap;font-size:13px'>"
            f"<span style='color:#777'>{html.escape(self.prompt.value)}</span>{html.escape(so_far)}"
            f"<span style='background:#E69F00'>{html.escape(visible(chosen))}</span></pre>")
        rows = []
        for i, p in rec["candidates"]:
            label = html.escape(visible(piece(tok, i)))
            color = "#E69F00" if i == rec["chosen"] else "#0072B2"
            rows.append(f"<tr><td style='font-family:monospace;text-align:right'>{label}</td><td>"
                        f"<div style='background:{color};width:{max(1, round(300 * p))}px;height:12px'></div>"
                        f"</td><td>{p:.2f}</td></tr>")
        self.bars.value = "<table>" + "".join(rows) + "</table>"
        self.last = {"checkpoint": self.checkpoint.value, "temperature": self.temperature.value, "step": s,
                     "text_so_far": self.prompt.value + so_far, "chosen": chosen,
                     "candidates": [(piece(tok, i), p) for i, p in rec["candidates"]]}


def generation_stepper(model, tokenizer, snapshots: dict[int, dict], prompt: str = "ROMEO:\n",
                       n_tokens: int = 60) -> GenerationStepper:
    """The notebook 00 widget: see the top candidates at every step of generation."""
    return GenerationStepper(model, tokenizer, snapshots, prompt, n_tokens)
