"""A chat template for a character model: system prompt, user question, assistant answer (notebook 12).

A chat model is still a next-token predictor. What makes it answer is the text it is trained on:

    Ⓢ{system}Ⓤ{question}Ⓐ{answer}■

Four reserved characters mark whose turn it is and where the answer ends. The Shakespeare model's
vocabulary has none of them, so `add_special_tokens` grows the embedding (and the tied unembedding)
by four rows; no character a user types can then be mistaken for a marker. Generation starts right
after Ⓐ and stops at ■ (gptlab.sample.generate(stop_token=...)).
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from .data import TokenData
from .sample import generate
from .tokenizers import CharTokenizer

SYSTEM, USER, ASSISTANT, END = "Ⓢ", "Ⓤ", "Ⓐ", "■"
SPECIALS = (SYSTEM, USER, ASSISTANT, END)


def format_prompt(system: str, question: str) -> str:
    """The text the model continues: system marker, system prompt, user marker, question, assistant marker."""
    return f"{SYSTEM}{system}{USER}{question}{ASSISTANT}"


def format_example(system: str, question: str, answer: str) -> str:
    """One training conversation: the prompt, then the answer and the end marker."""
    return format_prompt(system, question) + answer + END


def add_special_tokens(model: nn.Module, tokenizer: CharTokenizer,
                       specials: Sequence[str] = SPECIALS) -> CharTokenizer:
    """Grow `model`'s vocabulary (in place) by one token per special character; return the new tokenizer.

    Old token ids keep their rows, so the model still writes Shakespeare as before. Each new row starts
    as the average embedding (a "typical character") plus a little noise, so the new tokens begin
    neutral. The unembedding stays tied to the embedding (lm_head.weight is wte.weight).
    """
    clash = [s for s in specials if s in tokenizer.stoi]
    if clash:
        raise ValueError(f"{clash} are already in the vocabulary; special tokens must be new characters.")
    wte = model.transformer.wte
    old = wte.weight.data
    g = torch.Generator().manual_seed(0)
    new_rows = old.mean(0, keepdim=True) + 0.02 * torch.randn(len(specials), old.size(1), generator=g).to(old)
    grown = nn.Embedding(old.size(0) + len(specials), old.size(1), device=old.device, dtype=old.dtype)
    grown.weight.data.copy_(torch.cat([old, new_rows]))
    model.transformer.wte = grown
    model.lm_head = nn.Linear(old.size(1), grown.num_embeddings, bias=False, device=old.device, dtype=old.dtype)
    model.lm_head.weight = grown.weight  # keep embedding and unembedding tied
    model.config = model.config.replace(vocab_size=grown.num_embeddings)
    return CharTokenizer(list(tokenizer.chars) + list(specials))


def encode_example(tokenizer: CharTokenizer, system: str, question: str, answer: str) -> tuple[list[int], list[int]]:
    """(input ids, targets) of one conversation; targets are -100 (not graded) except for the answer and ■.

    Input position t predicts token t+1. Only the answer's tokens are graded: the model should learn
    to answer, not to invent questions.
    """
    prompt = tokenizer.encode(format_prompt(system, question))
    full = prompt + tokenizer.encode(answer + END)
    ids, nxt = full[:-1], full[1:]
    targets = [tok if t + 1 >= len(prompt) else -100 for t, tok in enumerate(nxt)]
    return ids, targets


def collate(examples: Sequence[tuple[list[int], list[int]]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad a list of (ids, targets) on the right into (B, T) tensors; padding is never graded."""
    T = max(len(ids) for ids, _ in examples)
    x = torch.full((len(examples), T), pad_id, dtype=torch.long)
    y = torch.full((len(examples), T), -100, dtype=torch.long)
    for i, (ids, targets) in enumerate(examples):
        x[i, : len(ids)] = torch.tensor(ids)
        y[i, : len(targets)] = torch.tensor(targets)
    return x, y


def check_turn(tokenizer: CharTokenizer, block_size: int, system: str, question: str,
               min_answer: int = 1) -> list[int]:
    """Token ids of the prompt, or a ValueError saying what to change (unknown character, too long)."""
    for what, text in (("system prompt", system), ("question", question)):
        if not isinstance(text, str):
            raise ValueError(f"the {what} must be text, got {type(text).__name__}.")
        for pos, char in enumerate(text):
            if char in SPECIALS:
                raise ValueError(f"the {what} contains {char!r} at position {pos}: that character is a reserved "
                                 "turn marker; remove it.")
            if char not in tokenizer.stoi:
                raise ValueError(f"the {what} contains {char!r} at position {pos}, which this model has never "
                                 "seen; use letters, digits and basic punctuation.")
    if not question:
        raise ValueError("type a question first.")
    ids = tokenizer.encode(format_prompt(system, question))
    room = block_size - len(ids)
    if room < min_answer:
        raise ValueError(f"the prompt takes {len(ids)} of the model's {block_size} context characters, leaving "
                         f"{max(room, 0)} for the answer (need {min_answer}); shorten the system prompt or the question.")
    return ids


def answer(model: nn.Module, tokenizer: CharTokenizer, system: str, question: str, temperature: float = 0.0,
           max_new_tokens: int | None = None, generator: torch.Generator | None = None) -> str:
    """The model's answer: generate after the assistant marker until ■ (not included) or the context is full.

    max_new_tokens caps the answer's length; asking for more than the context leaves room for is an error.
    """
    block_size = model.config.block_size
    ids = check_turn(tokenizer, block_size, system, question)
    room = block_size - len(ids)
    if max_new_tokens is not None and max_new_tokens > room:
        raise ValueError(f"max_new_tokens={max_new_tokens}, but the prompt leaves only {room} of the model's "
                         f"{block_size} context characters for the answer; ask for at most {room}, or shorten "
                         "the system prompt or the question.")
    max_new = room if max_new_tokens is None else max_new_tokens
    end = tokenizer.stoi[END]
    out = generate(model, ids, max_new, temperature=temperature, generator=generator, stop_token=end)[0, len(ids):]
    new = out.tolist()
    return tokenizer.decode(new[: new.index(end)] if end in new else new)


# ---------------------------------------------------------------------------------------------
# Fine-tuning with gptlab.train.train (notebook 12)

REPLAY_WEIGHT = 0.5  # how much the replayed plain text counts beside the answers


def chat_batches(tokenizer: CharTokenizer, tasks: dict[str, Callable[[str], str]], questions: Sequence[str],
                 batch_size: int, replay: TokenData | None = None, replay_batch: int = 8,
                 block_size: int = 64) -> Callable[[int, torch.Generator], dict[str, tuple[torch.Tensor, torch.Tensor]]]:
    """A batch_fn for gptlab.train.train: {"chat": batch_size conversations padded by collate, "replay":
    replay_batch windows of plain text (when replay is given)}, all drawn with the loop's generator.

    Each conversation is a random task (its system prompt), a random question and the task's answer;
    replaying the text the model was pre-trained on keeps it from forgetting how to write.
    """
    systems = list(tasks)
    pad_id = tokenizer.stoi[END]

    def batch_fn(step: int, generator: torch.Generator) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
        which = torch.randint(len(systems), (batch_size,), generator=generator).tolist()
        asked = torch.randint(len(questions), (batch_size,), generator=generator).tolist()
        examples = [encode_example(tokenizer, systems[s], questions[q], tasks[systems[s]](questions[q]))
                    for s, q in zip(which, asked)]
        batch = {"chat": collate(examples, pad_id)}
        if replay is not None:
            batch["replay"] = replay.batch("train", replay_batch, block_size, generator)
        return batch

    return batch_fn


def chat_loss(model: nn.Module, batch: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The loss_fn for gptlab.train.train: the loss on the answers only (padding and prompts are -100),
    plus REPLAY_WEIGHT times the loss on replayed plain text; the parts are kept in History.parts."""
    answers = model(*batch["chat"])[1]
    if "replay" not in batch:
        return {"loss": answers, "answers": answers}
    replay = model(*batch["replay"])[1]
    return {"loss": answers + REPLAY_WEIGHT * replay, "answers": answers, "replay": replay}

