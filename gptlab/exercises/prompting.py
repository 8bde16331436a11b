"""Notebook 12 (prompting): the chat exercises, each reference solution beside its check.

- format_prompt / check_format_prompt: the chat template, system and question between their markers.
- generate_until_stop / check_generate_until_stop: greedy generation that stops at the stop token.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

import torch
from torch import nn

from ..chat import ASSISTANT, END, SYSTEM, USER
from ..chat import format_prompt as chat_format_prompt
from ..config import GPTConfig
from .common import CheckResult, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------

def format_prompt(system: str, question: str) -> str:
    """Ⓢ system Ⓤ question Ⓐ: the model's answer starts right after the assistant marker."""
    return f"{SYSTEM}{system}{USER}{question}{ASSISTANT}"


@torch.no_grad()
def generate_until_stop(model: nn.Module, ids: list[int], stop_id: int, max_new_tokens: int) -> list[int]:
    """Greedy generation: the new token ids, ending before stop_id or after max_new_tokens tokens."""
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")  # build the context where the model lives
    ids = list(ids)
    new: list[int] = []
    for _ in range(max_new_tokens):
        context = torch.tensor([ids[-model.config.block_size:]], device=device)  # at most block_size tokens
        logits, _ = model(context)
        nxt = int(logits[0, -1].argmax())
        if nxt == stop_id:
            break
        ids.append(nxt)
        new.append(nxt)
    return new


# ---- checks ----------------------------------------------------------------------------------------------

def check_format_prompt(fn) -> CheckResult:
    """Notebook 12: format_prompt(system, question) must give exactly 'Ⓢ{system}Ⓤ{question}Ⓐ'."""

    cases = [("Use capitals.", "to be or not"), ("Count the words.", "my lord"), ("", "hello")]

    def body() -> None:
        for system, question in cases:
            got = fn(system, question)
            want = chat_format_prompt(system, question)
            shown = f"format_prompt({system!r}, {question!r})"
            require(isinstance(got, str), f"{shown} should return a str, got {type(got).__name__}.")
            if got == want:
                continue
            require(not got.endswith(END), f"{shown} ends with the end marker {END}: that marker closes the "
                    f"ANSWER, which the model writes; the prompt must stop right after {ASSISTANT}.")
            require(got.endswith(ASSISTANT), f"{shown} = {got!r} does not end with the assistant marker "
                    f"{ASSISTANT}: it is what tells the model 'your answer starts here'.")
            require(got.startswith(SYSTEM), f"{shown} = {got!r} should start with the system marker {SYSTEM}.")
            require(got.find(system) <= got.find(question) or not system,
                    f"{shown} = {got!r} puts the question before the system prompt: the order is "
                    f"{SYSTEM} system, {USER} question, {ASSISTANT}.")
            squeezed = "".join(got.split())
            require(squeezed != "".join(want.split()),
                    f"{shown} = {got!r} has extra spaces or newlines; the template has none around the markers, "
                    "and any character the model never saw there during fine-tuning confuses it.")
            require(False, f"{shown} = {got!r}, expected {want!r} ({SYSTEM} system {USER} question {ASSISTANT}).")

    return run_check("check_format_prompt", body, f"your template matches: {SYSTEM}system{USER}question{ASSISTANT}.")


class _CountingModel(torch.nn.Module):
    """A fake language model for checks: after token t it always predicts t + 1 (mod vocab_size)."""

    def __init__(self, block_size: int = 8, vocab_size: int = 10):
        super().__init__()
        self.config = GPTConfig(block_size=block_size, vocab_size=vocab_size, n_layer=1, n_head=1, n_embd=2)
        self.calls = 0

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        self.calls += 1
        require(isinstance(idx, torch.Tensor) and idx.dim() == 2,
                f"the model takes a (1, T) tensor of ids, got {getattr(idx, 'shape', type(idx).__name__)}: "
                "use torch.tensor([ids]).")
        require(idx.size(1) <= self.config.block_size,
                f"you fed the model {idx.size(1)} tokens but its context holds {self.config.block_size}: "
                "give it only the last block_size tokens (ids[-model.config.block_size:]).")
        nxt = (idx + 1) % self.config.vocab_size
        return 20.0 * torch.nn.functional.one_hot(nxt, self.config.vocab_size).float(), None


def check_generate_until_stop(fn) -> CheckResult:
    """Notebook 12: generate_until_stop(model, ids, stop_id, max_new_tokens) -> new ids, stop token excluded."""

    # (prompt, stop_id, max_new_tokens, expected new ids): stop early, hit the budget, outgrow the context.
    cases = [([3], 7, 10, [4, 5, 6]), ([1, 2], 0, 3, [3, 4, 5]), ([0, 1, 2, 3, 4, 5, 6], 2, 10, [7, 8, 9, 0, 1])]

    def body() -> None:
        for prompt, stop, max_new, want in cases:
            model = _CountingModel()
            shown = f"on a model that counts up, prompt {prompt}, stop_id={stop}, max_new_tokens={max_new}"
            got = fn(model, list(prompt), stop, max_new)
            require(isinstance(got, (list, tuple, torch.Tensor)),
                    f"return a list of the new token ids, got {type(got).__name__}.")
            got = torch.as_tensor(got).flatten().tolist()
            if got == want:
                continue
            require(got != list(prompt) + want, f"{shown}: you returned the prompt too; return only the NEW tokens.")
            require(got != want + [stop], f"{shown}: you returned {got}, with the stop token {stop} at the end; "
                    "leave it out, it marks the end of the answer and is not part of it.")
            require(stop not in got, f"{shown}: you returned {got}; generation must end as soon as the model "
                    f"produces the stop token {stop}.")
            require(len(got) <= max_new, f"{shown}: you returned {len(got)} tokens, more than max_new_tokens.")
            require(False, f"{shown}: expected {want} (the most likely token each time), got {got}.")

    return run_check("check_generate_until_stop", body,
                     "your loop stops at the stop token, respects max_new_tokens and slides the context window.")
