"""Notebook 12 (prompting): the chat template as a picture, and a tiny chat box that asks the model."""
from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.pyplot as plt
import torch
from IPython.display import display

from ..chat import ASSISTANT, END, SYSTEM, USER, answer, format_prompt
from ..viz import OKABE_ITO
from .base import Explorer

NOTEBOOKS = (12,)


class ChatBox(Explorer):
    """A tiny chat: system prompt, question, temperature, and a button that asks the model (notebook 12).

    `last` holds what is shown: prompt (the template text the model continues), answer, temperature,
    and error (None, or the message shown for bad input).
    """

    def __init__(self, model, tokenizer, system: str = "Use capitals.", question: str = "to be or not",
                 temperature: float = 0.0, seed: int = 0):
        super().__init__()
        self.model, self.tokenizer, self.seed = model, tokenizer, seed
        self.system = w.Text(value=system, description="system", layout=w.Layout(width="420px"))
        self.question = w.Text(value=question, description="question", layout=w.Layout(width="420px"))
        self.temperature = w.FloatSlider(value=temperature, min=0.0, max=2.0, step=0.1, description="temperature",
                                         continuous_update=False)
        self.button = w.Button(description="Answer", button_style="primary")
        self.button.on_click(lambda _: self.refresh())
        self.children = [self.system, self.question, w.HBox([self.temperature, self.button]), self.out]
        self.refresh()

    def _asked(self) -> dict:
        return {"system": self.system.value, "question": self.question.value, "temperature": self.temperature.value}

    def draw(self) -> None:
        asked = self._asked()
        generator = torch.Generator().manual_seed(self.seed)
        reply = answer(self.model, self.tokenizer, asked["system"], asked["question"],
                       temperature=asked["temperature"], generator=generator)
        prompt = format_prompt(asked["system"], asked["question"])
        self.last = {**asked, "prompt": prompt, "answer": reply, "error": None}
        self.out.clear_output(wait=True)
        with self.out:
            display(w.HTML(
                "<pre style='font-size:14px;margin:0'>"
                f"<span style='color:#666'>{html.escape(prompt)}</span><b style='color:#0072B2'>"
                f"{html.escape(reply)}</b><span style='color:#666'>{END}</span></pre>"
                f"<div>answer: <b>{html.escape(reply) or '(empty)'}</b></div>"))

    def refresh(self) -> None:
        """Ask the model; unlike the other widgets, the answer itself lives in `out`, so it is not cleared."""
        try:
            self.draw()
        except self.ERRORS as error:
            self.show_error(error)

    def error_view(self, error: Exception) -> dict:
        return {**self._asked(), "prompt": None, "answer": None, "error": str(error)}


def draw_chat_template(ax, system: str, question: str, answer: str, graded: bool = True) -> None:
    """One conversation as a strip of character boxes, coloured by role; graded characters underlined
    (notebook 12).

    Markers are dark, the system prompt blue, the question orange, the answer (and ■) green: the
    only characters whose prediction the fine-tuning loss grades (marked with a bar underneath).
    """
    parts = [(SYSTEM, "marker"), (system, "system"), (USER, "marker"), (question, "question"),
             (ASSISTANT, "marker"), (answer, "answer"), (END, "answer")]
    colours = {"marker": "#444444", "system": OKABE_ITO[0], "question": OKABE_ITO[1], "answer": OKABE_ITO[2]}
    x = 0
    for text, role in parts:
        for char in text:
            ax.add_patch(plt.Rectangle((x, 0), 0.92, 1, color=colours[role], alpha=0.9 if role == "marker" else 0.35))
            # matplotlib's DejaVu fonts have no circled letters: draw the markers Ⓢ Ⓤ Ⓐ as bold S U A
            label = {SYSTEM: "S", USER: "U", ASSISTANT: "A", " ": "␣"}.get(char, char)
            ax.text(x + 0.46, 0.5, label, ha="center", va="center", fontsize=9,
                    fontweight="bold" if role == "marker" else "normal",
                    color="white" if role == "marker" else "black", family="DejaVu Sans Mono")
            if graded and role == "answer":
                ax.plot([x + 0.05, x + 0.87], [-0.25, -0.25], color=OKABE_ITO[2], lw=2.5)
            x += 1
    ax.set_xlim(-0.2, x + 0.2)
    ax.set_ylim(-0.6, 1.2)
    ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.9 if r == "marker" else 0.35) for r, c in colours.items()]
    ax.legend(handles, ["turn markers (S, U, A)", "system prompt", "question",
                        "answer and ■ (graded)" if graded else "answer and ■"], ncol=4,
              loc="upper center", bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=8)


def chat_box(model, tokenizer, system: str = "Use capitals.", question: str = "to be or not",
             temperature: float = 0.0, seed: int = 0) -> ChatBox:
    """Build the notebook 12 chat widget (see ChatBox)."""
    return ChatBox(model, tokenizer, system, question, temperature, seed)
