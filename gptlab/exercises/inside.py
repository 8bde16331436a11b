"""Notebook 14 (inside the model): two exercises, each reference solution beside its check.

- logit_lens_by_hand / check_logit_lens: decode the residual stream after every step yourself.
- most_harmful_head / check_most_harmful_head: switch every head off in turn and find the one the model
  needs most on a passage.

Each reference solution comes first, then the check that grades it (see common.py for how checks report).
"""
from __future__ import annotations

from typing import Callable

import torch

from ..config import GPTConfig
from ..interpret import lens
from ..model import GPT
from .common import CheckResult, close, is_close, require, run_check

# ---- reference solutions ---------------------------------------------------------------------------------


@torch.no_grad()
def logit_lens_by_hand(model, ids: torch.Tensor, position: int) -> torch.Tensor:
    """(n_layer + 1, V): the logits at `position` if the model stopped after the embedding, block 1, ...

    ids: (1, T). Each residual goes through the final LayerNorm and the unembedding, as the last one does.
    """
    _, cache = model.run_with_cache(ids)
    stops = [cache["embed"]] + [cache[f"blocks.{i}.resid_post"] for i in range(model.config.n_layer)]
    residuals = torch.stack([x[0, position] for x in stops])  # (n_layer + 1, C)
    return model.lm_head(model.transformer.ln_f(residuals))


@torch.no_grad()
def most_harmful_head(model, x: torch.Tensor, y: torch.Tensor) -> tuple[int, int]:
    """(layer, head) whose zero ablation raises the loss on (x, y) the most."""
    worst, worst_loss = (0, 0), float("-inf")
    for layer in range(model.config.n_layer):
        for head in range(model.config.n_head):
            with lens.ablate(model, heads=[(layer, head)], mode="zero"):
                _, loss = model(x, y)
            if loss.item() > worst_loss:
                worst, worst_loss = (layer, head), loss.item()
    return worst


# ---- checks ----------------------------------------------------------------------------------------------


def _small_model(seed: int) -> GPT:
    torch.manual_seed(seed)
    model = GPT(GPTConfig(block_size=16, vocab_size=20, n_layer=2, n_head=3, n_embd=24)).eval()
    with torch.no_grad():  # larger weights than at initialisation, so every part matters
        for name, p in model.named_parameters():
            if not name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                p.add_(0.3 * torch.randn_like(p))
    return model


def check_logit_lens(fn: Callable) -> CheckResult:
    """fn(model, ids, position) -> (n_layer + 1, V) logits of the residual after embedding and each block."""

    def body() -> None:
        model = _small_model(14)
        ids = torch.randint(0, 20, (1, 12), generator=torch.Generator().manual_seed(1))
        for position in (11, 4):
            with torch.no_grad():
                got = fn(model, ids, position)
            expected = lens.logit_lens(model, ids, position).logits
            if isinstance(got, torch.Tensor) and got.shape == expected.shape:
                skipped_ln = model.lm_head(torch.stack(
                    [model.run_with_cache(ids)[1][k][0, position] for k in
                     ["embed", "blocks.0.resid_post", "blocks.1.resid_post"]]))
                require(not is_close(got, skipped_ln, 1e-4), "the residuals went straight into the unembedding: "
                        "pass them through model.transformer.ln_f first, as the model does with the last one.")
                require(not is_close(got[-1], expected[-1], 1e-4) or is_close(got, expected, 1e-4),
                        "the last row is right but an earlier one is not: decode cache['embed'] first, then "
                        "cache[f'blocks.{i}.resid_post'] for every block i (not resid_mid).")
            elif isinstance(got, torch.Tensor) and got.shape[0] == expected.shape[0] - 1:
                require(False, f"{got.shape[0]} rows: include the embedding itself (cache['embed']) as the first row.")
            close(got, expected, f"the logit lens at position {position}", atol=1e-4)
            require(torch.allclose(got[-1], model(ids)[0][0, position], atol=1e-4),
                    "the last row must equal the model's own logits.")

    return run_check("check_logit_lens", body, "every depth decoded; the last row equals the model's logits.")


def check_most_harmful_head(fn: Callable) -> CheckResult:
    """fn(model, x, y) -> (layer, head) whose ablation raises the loss on (x, y) the most."""

    def body() -> None:
        for seed in (3, 7):
            model = _small_model(seed)
            g = torch.Generator().manual_seed(seed)
            x, y = torch.randint(0, 20, (4, 16), generator=g), torch.randint(0, 20, (4, 16), generator=g)
            with torch.no_grad():
                state = {k: v.clone() for k, v in model.state_dict().items()}
                got = fn(model, x, y)
                require(all(torch.equal(v, model.state_dict()[k]) for k, v in state.items()),
                        "the model's weights changed: switch heads off with lens.ablate (hooks), never by "
                        "editing weights, or restore them afterwards.")
            require(isinstance(got, (tuple, list)) and len(got) == 2, f"return (layer, head), got {got!r}.")
            base, losses = lens.head_ablation_losses(model, x, y, mode="zero")
            best = divmod(int(losses.argmax()), model.config.n_head)
            least = divmod(int(losses.argmin()), model.config.n_head)
            require(tuple(int(v) for v in got) != least or least == best,
                    f"{tuple(got)} is the head the model misses LEAST (loss {losses[least]:.3f}); "
                    "take the largest loss, not the smallest.")
            require(tuple(int(v) for v in got) == best,
                    f"{tuple(got)} raises the loss to {losses[tuple(got)]:.3f}, but head {best} raises it to "
                    f"{losses[best]:.3f} (no ablation: {base:.3f}).")

    return run_check("check_most_harmful_head", body, "finds the head whose ablation costs the most loss.")
