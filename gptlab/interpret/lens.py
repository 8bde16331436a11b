"""Inside the whole model for one prompt (notebook 14): trace, logit lens, direct attribution, ablation.

The residual stream is a sum. With pre-norm blocks, the vector at position t after the last block is

    x = embed + sum over blocks i of (attn_i + mlp_i),   attn_i = sum over heads h of head_{i,h} + c_proj.bias

so every part's share of a logit can be read off, and every part can be switched off (ablated) to see
what the model loses without it. Everything here builds on `GPT.run_with_cache` and its names
("embed", "blocks.{i}.attn.pattern", "blocks.{i}.resid_mid", "blocks.{i}.mlp.hidden",
"blocks.{i}.resid_post", "ln_f"); the heads' outputs come from the input of each attention's output
matrix `c_proj` (recorded by a forward pre-hook, so a learner's own attention module with a `c_proj`
works too; its patterns appear only if it records them into the cache).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

import torch
from torch import nn

from ..tokenizers import piece, visible

Head = tuple[int, int]  # (layer, head)


# ---- running the model and recording what it did ---------------------------------------------------------


@dataclass
class Recording:
    """One run of a model on ids (B, T): its logits, its named activations, and each block's heads.
    heads_in[i] is block i's attention output matrix input, the heads' outputs side by side (B, T, C),
    or None when that block's attention has no `c_proj` (then its heads cannot be told apart)."""

    logits: torch.Tensor
    cache: dict[str, torch.Tensor]
    heads_in: list[torch.Tensor | None]

    def resid_pre(self, layer: int) -> torch.Tensor:
        """The residual stream entering block `layer` (B, T, C)."""
        return self.cache["embed"] if layer == 0 else self.cache[f"blocks.{layer - 1}.resid_post"]

    def attn_out(self, layer: int) -> torch.Tensor:
        """What block `layer`'s attention added to the residual stream (B, T, C)."""
        return self.cache[f"blocks.{layer}.resid_mid"] - self.resid_pre(layer)

    def mlp_out(self, layer: int) -> torch.Tensor:
        """What block `layer`'s MLP added to the residual stream (B, T, C)."""
        return self.cache[f"blocks.{layer}.resid_post"] - self.cache[f"blocks.{layer}.resid_mid"]


@contextlib.contextmanager
def _eval_mode(model: nn.Module) -> Iterator[None]:
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def as_batch(model: nn.Module, ids: Sequence[int] | torch.Tensor) -> torch.Tensor:
    """ids as a (1, T) or (B, T) long tensor on the model's device."""
    ids = torch.as_tensor(ids, dtype=torch.long, device=model.transformer.wte.weight.device)
    return ids[None] if ids.dim() == 1 else ids


@torch.no_grad()
def record(model: nn.Module, ids: Sequence[int] | torch.Tensor) -> Recording:
    """Run the model in eval mode on ids and keep everything the views below need (notebook 14)."""
    idx = as_batch(model, ids)
    blocks = model.transformer.h
    heads_in: list[torch.Tensor | None] = [None] * len(blocks)
    handles = []
    for i, block in enumerate(blocks):
        proj = getattr(block.attn, "c_proj", None)
        if isinstance(proj, nn.Linear):
            def keep(_module, args, i=i):
                heads_in[i] = args[0]
            handles.append(proj.register_forward_pre_hook(keep))
    try:
        with _eval_mode(model):
            logits, cache = model.run_with_cache(idx)
    finally:
        for handle in handles:
            handle.remove()
    return Recording(logits, cache, heads_in)


def head_outputs(model: nn.Module, rec: Recording, layer: int) -> torch.Tensor | None:
    """What each head of block `layer` writes into the residual stream, (B, nh, T, C), biases excluded.

    Head h's output z_h (its hs columns of the output matrix's input) times its value-up map, the
    matching hs columns of c_proj.weight: the sum over heads plus c_proj.bias is the attention output.
    """
    z, nh = rec.heads_in[layer], model.config.n_head
    if z is None:
        return None
    W = model.transformer.h[layer].attn.c_proj.weight  # (C, C_in) = (out, in)
    z = z.view(*z.shape[:2], nh, -1)  # (B, T, nh, hs)
    return torch.einsum("bths,chs->bhtc", z, W.view(W.size(0), nh, -1))


def _position(T: int, position: int) -> int:
    p = position + T if position < 0 else position
    if not 0 <= p < T:
        raise ValueError(f"position {position} is outside the prompt's {T} tokens; "
                         f"pick 0..{T - 1} (or -1 for the last).")
    return p


def token_labels(tokenizer, ids: Iterable[int]) -> list[str]:
    """One readable label per token id: a character, or a BPE piece for a tiktoken encoder (notebook 14).
    Whitespace is made visible (tokenizers.visible); bytes that are not whole UTF-8 characters show as '�'."""
    return [visible(piece(tokenizer, i)) for i in ids]


# ---- the whole computation for one position --------------------------------------------------------------


@dataclass
class LayerTrace:
    """One block at one position. pattern: (nh, position + 1) attention weights over the tokens so far,
    None when the attention module does not record them; head_norms: (nh,) length of each head's write
    into the residual stream, None without c_proj; neurons: the MLP's strongest (index, activation) by size."""

    pattern: torch.Tensor | None
    head_norms: torch.Tensor | None
    attn_norm: float
    resid_mid_norm: float
    neurons: list[tuple[int, float]]
    mlp_norm: float
    resid_post_norm: float


@dataclass
class Trace:
    """Everything the whole-model view shows for one position of one prompt (notebook 14)."""

    ids: list[int]
    position: int
    token_embedding: torch.Tensor  # (C,) wte[ids[position]]
    position_embedding: torch.Tensor  # (C,) wpe[position]
    embed_norm: float
    layers: list[LayerTrace]
    ln_f_scale: float  # the final LayerNorm's standard deviation of the last residual: it divides by this
    ln_f_norm: float
    logits: torch.Tensor  # (V,)
    top: list[tuple[int, float]]  # (token id, probability), most likely first
    resid_norms: list[tuple[str, float]] = field(default_factory=list)  # after each step


@torch.no_grad()
def trace(model: nn.Module, ids: Sequence[int] | torch.Tensor, position: int = -1, k_tokens: int = 10,
          k_neurons: int = 5, rec: Recording | None = None) -> Trace:
    """The computation for token `position` of one prompt, step by step (notebook 14).

    Pass `rec` (from `record`) to reuse a run. Norms are Euclidean lengths of vectors of width C.
    """
    rec = rec or record(model, ids)
    idx = as_batch(model, ids)
    if idx.size(0) != 1:
        raise ValueError(f"trace looks at one prompt; got a batch of {idx.size(0)}. Pass ids[0].")
    p = _position(idx.size(1), position)
    tr = model.transformer
    layers, norms = [], [("embed", float(rec.cache["embed"][0, p].norm()))]
    for i in range(len(model.transformer.h)):
        pattern = rec.cache.get(f"blocks.{i}.attn.pattern")
        heads = head_outputs(model, rec, i)
        hidden = rec.cache.get(f"blocks.{i}.mlp.hidden")
        act = hidden[0, p] if hidden is not None else torch.zeros(0)
        neurons = [(int(j), float(act[j])) for j in act.abs().topk(min(k_neurons, act.numel())).indices]
        mid, post = rec.cache[f"blocks.{i}.resid_mid"][0, p], rec.cache[f"blocks.{i}.resid_post"][0, p]
        layers.append(LayerTrace(
            pattern=None if pattern is None else pattern[0, :, p, : p + 1].clone(),
            head_norms=None if heads is None else heads[0, :, p].norm(dim=-1),
            attn_norm=float(rec.attn_out(i)[0, p].norm()), resid_mid_norm=float(mid.norm()), neurons=neurons,
            mlp_norm=float(rec.mlp_out(i)[0, p].norm()), resid_post_norm=float(post.norm())))
        norms += [(f"block {i + 1} attn", float(mid.norm())), (f"block {i + 1} MLP", float(post.norm()))]
    final = rec.resid_pre(len(model.transformer.h))[0, p]
    logits = rec.logits[0, p].float()
    values, top_ids = torch.softmax(logits, dim=-1).topk(min(k_tokens, logits.numel()))
    return Trace(ids=idx[0].tolist(), position=p, token_embedding=tr.wte.weight[idx[0, p]].clone(),
                 position_embedding=tr.wpe.weight[p].clone(), embed_norm=norms[0][1], layers=layers,
                 ln_f_scale=float(_ln_scale(tr.ln_f, final)), ln_f_norm=float(rec.cache["ln_f"][0, p].norm()),
                 logits=logits, top=list(zip(top_ids.tolist(), values.tolist())), resid_norms=norms)


def _ln_scale(ln: nn.LayerNorm, x: torch.Tensor) -> torch.Tensor:
    """The standard deviation LayerNorm divides x (..., C) by."""
    return (x.var(dim=-1, unbiased=False, keepdim=True) + ln.eps).sqrt()


def _unembed(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Residual vectors (..., C) -> logits (..., V) through the final LayerNorm and the unembedding."""
    return model.lm_head(model.transformer.ln_f(x))


# ---- logit lens ------------------------------------------------------------------------------------------


@dataclass
class LensTable:
    """The logit lens at one position: row d decodes the residual after step d (notebook 14)."""

    depths: list[str]  # "embed", "block 1", ... (with half_steps also "block 1 attn", ...)
    logits: torch.Tensor  # (depth, V)
    top_ids: torch.Tensor  # (depth, k)
    top_probs: torch.Tensor  # (depth, k)


@torch.no_grad()
def logit_lens(model: nn.Module, ids: Sequence[int] | torch.Tensor, position: int = -1, k: int = 5,
               half_steps: bool = False, rec: Recording | None = None) -> LensTable:
    """What the model would predict at `position` if it stopped early (notebook 14).

    The residual after embedding, after block 1, 2, ... goes through the final LayerNorm and the
    unembedding as if it were the last one. The last row is the model's own prediction. With
    half_steps, the residual between each block's attention and its MLP is decoded too.
    """
    rec = rec or record(model, ids)
    p = _position(rec.logits.size(1), position)
    depths, vectors = ["embed"], [rec.cache["embed"][0, p]]
    for i in range(len(model.transformer.h)):
        if half_steps:
            depths.append(f"block {i + 1} attn")
            vectors.append(rec.cache[f"blocks.{i}.resid_mid"][0, p])
        depths.append(f"block {i + 1}")
        vectors.append(rec.cache[f"blocks.{i}.resid_post"][0, p])
    with _eval_mode(model):
        logits = _unembed(model, torch.stack(vectors)).float()  # (depth, V)
    probs, top_ids = torch.softmax(logits, dim=-1).topk(min(k, logits.size(-1)), dim=-1)
    return LensTable(depths, logits, top_ids, probs)


# ---- direct attribution ----------------------------------------------------------------------------------


@dataclass
class Attribution:
    """Each part's direct contribution to one token's logit at one position (notebook 14).

    parts: names ("L0H2" = layer 0 head 2, "MLP1", or "L0 attn" where heads are not separable) with
    their contributions; rest: the embeddings, the attention output biases and the final LayerNorm's
    bias (and the unembedding's bias, if any). sum(parts) + sum(rest) == logit.
    """

    token: int
    logit: float
    parts: dict[str, float]
    rest: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.parts.values()) + sum(self.rest.values())


@torch.no_grad()
def direct_attribution(model: nn.Module, ids: Sequence[int] | torch.Tensor, position: int, token: int,
                       rec: Recording | None = None) -> Attribution:
    """Split token `token`'s logit at `position` into the direct contributions of heads and MLPs.

    The final LayerNorm subtracts the mean and divides by the standard deviation s of the final
    residual x = sum of parts. Holding s at its actual value (the usual linearisation), each part c
    contributes ((c - mean(c)) / s) * ln_f.weight . W_U[token], and these add up to the logit exactly.
    "Direct" means through the residual stream straight to the unembedding: a head whose output is read
    by a later block helps through that block too, which ablation (see `ablate`) measures instead.
    """
    rec = rec or record(model, ids)
    p = _position(rec.logits.size(1), position)
    if not 0 <= token < rec.logits.size(-1):
        raise ValueError(f"token {token} is outside the vocabulary 0..{rec.logits.size(-1) - 1}.")
    ln_f, n_layer = model.transformer.ln_f, len(model.transformer.h)
    s = _ln_scale(ln_f, rec.resid_pre(n_layer)[0, p])
    gamma = ln_f.weight if ln_f.weight is not None else torch.ones_like(s)
    direction = gamma * model.lm_head.weight[token]  # (C,)

    def share(c: torch.Tensor) -> float:
        return float(((c - c.mean(-1, keepdim=True)) / s) @ direction)

    parts: dict[str, float] = {}
    rest = {"embeddings": share(rec.cache["embed"][0, p])}
    attn_bias = 0.0
    for i in range(n_layer):
        heads = head_outputs(model, rec, i)
        if heads is None:
            parts[f"L{i} attn"] = share(rec.attn_out(i)[0, p])
        else:
            for h in range(heads.size(1)):
                parts[f"L{i}H{h}"] = share(heads[0, h, p])
            # the attention output minus its heads: c_proj's bias, the same at every position
            attn_bias += share(rec.attn_out(i)[0, p] - heads[0, :, p].sum(0))
        parts[f"MLP{i}"] = share(rec.mlp_out(i)[0, p])
    rest["attention biases"] = attn_bias
    rest["final LayerNorm bias"] = float(ln_f.bias @ model.lm_head.weight[token]) if ln_f.bias is not None else 0.0
    if model.lm_head.bias is not None:
        rest["unembedding bias"] = float(model.lm_head.bias[token])
    return Attribution(int(token), float(rec.logits[0, p, token]), parts, rest)


# ---- ablation --------------------------------------------------------------------------------------------


def _check_parts(model: nn.Module, heads: Iterable[Head], mlps: Iterable[int]) -> tuple[list[Head], list[int]]:
    n_layer, n_head = len(model.transformer.h), model.config.n_head
    heads, mlps = [(int(l), int(h)) for l, h in heads], [int(m) for m in mlps]
    for l, h in heads:
        if not (0 <= l < n_layer and 0 <= h < n_head):
            raise ValueError(f"head ({l}, {h}) does not exist: layers are 0..{n_layer - 1}, heads 0..{n_head - 1}.")
        if not isinstance(getattr(model.transformer.h[l].attn, "c_proj", None), nn.Linear):
            raise ValueError(f"block {l}'s attention has no c_proj output matrix, so its heads cannot be switched "
                             "off one by one; ablate the whole block's attention instead, or add a c_proj.")
    for m in mlps:
        if not 0 <= m < n_layer:
            raise ValueError(f"MLP {m} does not exist: layers are 0..{n_layer - 1}.")
    return heads, mlps


@torch.no_grad()
def mean_activations(model: nn.Module, reference: Sequence[int] | torch.Tensor) -> dict[str, torch.Tensor]:
    """Averages over a reference passage (all its positions) for mean ablation: "blocks.{i}.heads_in" (C,),
    each block's output-matrix input, and "blocks.{i}.mlp_out" (C,), each MLP's output."""
    rec = record(model, reference)
    means = {}
    for i in range(len(model.transformer.h)):
        if rec.heads_in[i] is not None:
            means[f"blocks.{i}.heads_in"] = rec.heads_in[i].mean(dim=(0, 1))
        means[f"blocks.{i}.mlp_out"] = rec.mlp_out(i).mean(dim=(0, 1))
    return means


@contextlib.contextmanager
def ablate(model: nn.Module, heads: Iterable[Head] = (), mlps: Iterable[int] = (), mode: str = "zero",
           reference: Sequence[int] | torch.Tensor | None = None,
           means: dict[str, torch.Tensor] | None = None) -> Iterator[nn.Module]:
    """Inside this `with` block, the model runs with some heads and MLPs switched off (notebook 14).

    heads: (layer, head) pairs; mlps: layer numbers. mode "zero" replaces their output by zeros;
    "mean" by its average over a reference passage (`reference` ids, or `means` from mean_activations),
    which keeps the typical size of the stream and removes only what depends on this input.
    A head's output is cut at the input of the output matrix, so the block's c_proj bias stays.
    Forward hooks do the work; the weights are never touched and the hooks go when the block ends.
    """
    if mode not in ("zero", "mean"):
        raise ValueError(f"mode must be 'zero' or 'mean', got {mode!r}.")
    heads, mlps = _check_parts(model, heads, mlps)
    if mode == "mean" and means is None:
        if reference is None:
            raise ValueError("mean ablation needs a reference passage to average over: pass reference=ids "
                             "(for example a held-out passage) or means=mean_activations(model, ids).")
        means = mean_activations(model, reference)
    hs, handles = model.config.head_size, []
    for l in sorted({l for l, _ in heads}):
        cols = torch.cat([torch.arange(h * hs, (h + 1) * hs) for lh, h in heads if lh == l])  # this layer's heads

        def cut(_module, args, l=l, cols=cols):
            z = args[0].clone()
            z[..., cols] = 0.0 if mode == "zero" else means[f"blocks.{l}.heads_in"][cols]
            return (z,) + tuple(args[1:])
        handles.append(model.transformer.h[l].attn.c_proj.register_forward_pre_hook(cut))
    for m in mlps:
        def replace(_module, _args, out, m=m):
            return torch.zeros_like(out) if mode == "zero" else means[f"blocks.{m}.mlp_out"].expand_as(out)
        handles.append(model.transformer.h[m].mlp.register_forward_hook(replace))
    try:
        yield model
    finally:
        for handle in handles:
            handle.remove()


@torch.no_grad()
def run_ablated(model: nn.Module, ids: Sequence[int] | torch.Tensor, targets: torch.Tensor | None = None,
                heads: Iterable[Head] = (), mlps: Iterable[int] = (), mode: str = "zero",
                reference: Sequence[int] | torch.Tensor | None = None,
                means: dict[str, torch.Tensor] | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(logits, loss or None) of the model in eval mode with those heads and MLPs switched off (notebook 14)."""
    idx = as_batch(model, ids)
    targets = None if targets is None else as_batch(model, targets)
    with _eval_mode(model), ablate(model, heads, mlps, mode, reference, means):
        return model(idx, targets)


@torch.no_grad()
def head_ablation_losses(model: nn.Module, ids: torch.Tensor, targets: torch.Tensor, mode: str = "mean",
                         reference: Sequence[int] | torch.Tensor | None = None) -> tuple[float, torch.Tensor]:
    """(loss with nothing off, (n_layer, n_head) losses with each head off alone) on a passage (notebook 14):
    the increase is how much the model needs that head there. Mean ablation averages over `reference`, or ids."""
    means = mean_activations(model, ids if reference is None else reference) if mode == "mean" else None
    base = float(run_ablated(model, ids, targets)[1])
    losses = torch.zeros(len(model.transformer.h), model.config.n_head)
    for l in range(losses.size(0)):
        for h in range(losses.size(1)):
            losses[l, h] = float(run_ablated(model, ids, targets, heads=[(l, h)], mode=mode, means=means)[1])
    return base, losses
