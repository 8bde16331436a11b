"""Check functions for the exercises: each runs small tests on the learner's code and says precisely
what is wrong (a shape, rows that do not sum to 1, a peek into the future, a missing scale factor).

A check returns a CheckResult; shown in a notebook it reads as one line starting with ✅ or ❌.
tests/test_checks.py runs every check against gptlab.solutions (must pass) and against broken
versions (must fail with the right message), so a check can never be unsatisfiable.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable

import torch


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.message


class _Fail(Exception):
    pass


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise _Fail(message)


def _run_check(name: str, body: Callable[[], None], success: str) -> CheckResult:
    try:
        body()
    except _Fail as fail:
        return CheckResult(False, f"{name}: {fail}")
    except NotImplementedError:
        return CheckResult(False, f"{name}: not implemented yet; replace `raise NotImplementedError` with your code.")
    except Exception as error:  # the learner's code crashed: show where, briefly
        where = traceback.extract_tb(error.__traceback__)[-1]
        return CheckResult(False, f"{name}: your code raised {type(error).__name__}: {error} "
                                  f"(line {where.lineno}: {where.line})")
    return CheckResult(True, f"{name}: {success}")


def _close(actual: Any, expected: torch.Tensor, what: str, atol: float = 1e-5) -> None:
    _require(isinstance(actual, torch.Tensor), f"{what} should be a torch.Tensor, got {type(actual).__name__}.")
    _require(tuple(actual.shape) == tuple(expected.shape),
             f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}.")
    _require(torch.allclose(actual.float(), expected.float(), atol=atol, rtol=1e-4),
             f"{what} has the right shape but wrong values (largest error "
             f"{(actual.float() - expected.float()).abs().max().item():.3g}).")


# ---- notebook 00: the flow -------------------------------------------------------------------


class _ContextSumModel(torch.nn.Module):
    """A stand-in GPT whose favourite next token depends on the whole context it sees:
    (3 * sum of its ids + position + 1) mod 11, with a flat enough distribution that sampling shows."""

    def __init__(self) -> None:
        super().__init__()
        from .config import GPTConfig
        from .model import GPT

        self.config = GPTConfig(block_size=8, vocab_size=11, n_layer=1, n_head=1, n_embd=8)
        self._gpt_check = GPT.check_input
        self.anchor = torch.nn.Parameter(torch.zeros(1))

    @property
    def device(self) -> torch.device:
        return self.anchor.device

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        self._gpt_check(self, idx)  # the same errors as a real GPT (too long, wrong shape, ...)
        T, V = idx.size(1), self.config.vocab_size
        favourite = (3 * idx.cumsum(dim=1) + torch.arange(T) + 1) % V  # (B, T)
        logits = torch.nn.functional.one_hot(favourite, V).float() * 1.5 + self.anchor
        return logits, None


def check_generate(my_generate: Callable) -> CheckResult:
    """my_generate(model, ids, n) must equal gptlab.sample.generate(..., temperature=0)."""
    from .sample import generate

    def body() -> None:
        model = _ContextSumModel().eval()
        prompt = torch.tensor([[1, 2, 3]])
        n = 4
        out = my_generate(model, prompt.clone(), n)
        expected = generate(model, prompt, n, temperature=0)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor of ids, got {type(out).__name__}.")
        _require(out.dim() == 2, f"return shape (1, T + n) like the input, got shape {tuple(out.shape)}; "
                                 "keep the batch axis (torch.cat along dim=1).")
        if out.size(1) == n:
            _require(False, f"you returned only the {n} new tokens; return the prompt followed by them, "
                            f"shape (1, {prompt.size(1) + n}).")
        _require(out.size(1) == prompt.size(1) + n,
                 f"returned {out.size(1)} ids for a {prompt.size(1)}-token prompt and n={n}; expected "
                 f"{prompt.size(1) + n}: append exactly one token per step.")
        _require(torch.equal(out[:, :prompt.size(1)], prompt), "the output must start with the prompt unchanged.")
        runs = []
        for seed in (1, 2, 3):
            torch.manual_seed(seed)
            runs.append(my_generate(model, prompt.clone(), n))
        _require(all(torch.equal(r, runs[0]) for r in runs),
                 "your output changes from run to run: that is sampling. Greedy generation always takes the "
                 "most likely token, logits[:, -1, :].argmax(-1).")
        with torch.no_grad():
            first_from_first = model(prompt)[0][:, 0].argmax(-1)
        if not torch.equal(out[:, prompt.size(1)], expected[:, prompt.size(1)]):
            hint = ("it matches the prediction of the FIRST position: use logits[:, -1, :], the last position."
                    if int(out[0, prompt.size(1)]) == int(first_from_first) else
                    "pick the most likely token (logits[:, -1, :].argmax(-1)): greedy, no sampling.")
            _require(False, f"the first new token is {int(out[0, prompt.size(1)])}, expected "
                            f"{int(expected[0, prompt.size(1)])}; {hint}")
        _require(torch.equal(out, expected), f"the new tokens are {out[0, prompt.size(1):].tolist()}, expected "
                                             f"{expected[0, prompt.size(1):].tolist()}: feed each chosen token "
                                             "back in (append it to ids) before the next step.")
        # longer than the context: the model only takes block_size tokens
        long_prompt = torch.arange(8).remainder(11)[None]
        try:
            out = my_generate(model, long_prompt.clone(), 3)
        except ValueError as error:
            _require(False, f"with a full context the model refused the input ({error}). Feed only the last "
                            "block_size tokens: model(ids[:, -model.config.block_size:]).")
        expected = generate(model, long_prompt, 3, temperature=0)
        _require(torch.equal(out, expected), "wrong tokens once the sequence is longer than the context; "
                                             "crop to ids[:, -block_size:] for the model, but return all ids.")

    return _run_check("check_generate", body, "your greedy loop matches gptlab.sample.generate(temperature=0).")


FLOW_SHAPE_HINTS = {
    "embed": "one vector of width n_embd per token: (T, n_embd).",
    "attn.q": "queries are split into heads: (n_head, T, head_size) with head_size = n_embd // n_head.",
    "attn.pattern": "every head has its own T x T pattern (each token's weights over the tokens): (n_head, T, T).",
    "mlp.hidden": "the MLP widens each token's vector four times: (T, 4 * n_embd).",
    "resid_post": "after a block the vectors are back to (T, n_embd), ready for the next block.",
    "logits": "one score per vocabulary entry at every position: (T, vocab_size).",
}


def check_flow_shapes(flow_shapes: Callable) -> CheckResult:
    """flow_shapes(config, T) -> {name: shape} must match a real GPT's activations for one sequence."""
    from .config import GPTConfig
    from .model import GPT

    def body() -> None:
        for config, T in [(GPTConfig(block_size=16, vocab_size=30, n_layer=1, n_head=2, n_embd=24), 7),
                          (GPTConfig(block_size=12, vocab_size=50, n_layer=1, n_head=4, n_embd=32), 12)]:
            got = flow_shapes(config, T)
            _require(isinstance(got, dict), f"return a dict of name -> shape, got {type(got).__name__}.")
            missing = [k for k in FLOW_SHAPE_HINTS if k not in got]
            _require(not missing, f"missing entries {missing}; fill in every name of the template.")
            torch.manual_seed(0)
            model = GPT(config).eval()
            logits, cache = model.run_with_cache(torch.zeros(1, T, dtype=torch.long))
            actual = {"embed": cache["embed"], "attn.q": cache["blocks.0.attn.q"],
                      "attn.pattern": cache["blocks.0.attn.pattern"], "mlp.hidden": cache["blocks.0.mlp.hidden"],
                      "resid_post": cache["blocks.0.resid_post"], "logits": logits}
            for name, tensor in actual.items():
                expected = tuple(tensor.shape[1:])  # drop the batch axis
                shape = got[name]
                try:
                    shape = tuple(int(s) for s in shape)
                except TypeError:
                    _require(False, f"{name}: give a tuple of whole numbers such as (T, C), got {shape!r}.")
                setting = (f"n_embd={config.n_embd}, n_head={config.n_head}, vocab_size={config.vocab_size}, "
                           f"T={T}")
                _require(shape == expected, f"{name} ({setting}): you said {shape}, the model has {expected}. "
                                            f"Hint: {FLOW_SHAPE_HINTS[name]}")

    return _run_check("check_flow_shapes", body, "every shape matches the model's activations.")


# ---- notebook 01: tokens ---------------------------------------------------------------------


def check_count_pairs(count_pairs: Callable) -> CheckResult:
    """count_pairs(ids) -> {pair: count} over adjacent pairs."""
    from collections import Counter

    def body() -> None:
        ids = [5, 6, 5, 6, 7, 5]
        got = count_pairs(list(ids))
        expected = Counter(zip(ids, ids[1:]))
        _require(isinstance(got, dict), f"return a dict (or Counter) of pair -> count, got {type(got).__name__}.")
        bad_keys = [k for k in got if not (isinstance(k, tuple) and len(k) == 2)]
        _require(not bad_keys, f"keys must be pairs (tuples of two ids) like (5, 6), got {bad_keys[:1]}.")
        got = {k: v for k, v in got.items() if v}
        if (7, 5) not in got and set(got) == set(expected) - {(7, 5)}:
            _require(False, "the last pair (7, 5) is missing: ids[i], ids[i + 1] runs up to i = len(ids) - 2.")
        _require(set(got) == set(expected), f"found pairs {sorted(got)}, expected {sorted(expected)}.")
        wrong = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
        _require(not wrong, "wrong counts (yours, expected): " + ", ".join(f"{k}: {v}" for k, v in wrong.items()))
        _require(count_pairs([3]) in ({}, Counter()), "a single id has no pairs: return an empty dict.")
        aaa = count_pairs([1, 1, 1])
        _require(dict(aaa) == {(1, 1): 2}, f"[1, 1, 1] has the pair (1, 1) twice (positions 0-1 and 1-2) when "
                                           f"counting, got {dict(aaa)}.")

    return _run_check("check_count_pairs", body, "pairs counted correctly.")


def check_merge(merge: Callable) -> CheckResult:
    """merge(ids, pair, new_id) must equal gptlab.tokenizers.merge_pair."""
    from .tokenizers import merge_pair

    def body() -> None:
        cases = [([1, 2, 3, 1, 2], (1, 2), 9), ([5, 1, 2], (1, 2), 9), ([1, 2, 1, 2, 1], (1, 2), 9),
                 ([4, 4, 4], (4, 4), 9), ([4, 4, 4, 4], (4, 4), 9), ([1, 3, 2], (1, 2), 9), ([], (1, 2), 9)]
        for ids, pair, new_id in cases:
            before = list(ids)
            got = merge(list(ids), pair, new_id)
            expected = merge_pair(ids, pair, new_id)
            _require(isinstance(got, list), f"return a list of ids, got {type(got).__name__}.")
            if got == expected:
                continue
            where = f"merge({before}, {pair}, {new_id}) gave {got}, expected {expected}"
            if ids == [4, 4, 4]:
                _require(False, f"{where}: after merging a pair, skip BOTH of its ids; the middle 4 can only "
                                "belong to one merge (non-overlapping, left to right).")
            if got == expected[:-1] or (len(got) == len(expected) - 1 and got == expected[:len(got)]):
                _require(False, f"{where}: the last id is lost; when no pair starts at the last position, "
                                "still append ids[-1].")
            if sum(1 for x in got if x == new_id) < sum(1 for x in expected if x == new_id):
                _require(False, f"{where}: replace EVERY occurrence of the pair, not only the first.")
            _require(False, where + ".")

    return _run_check("check_merge", body, "merges match gptlab.tokenizers.merge_pair, including 'aaa'.")


# ---- notebook 02: embeddings -----------------------------------------------------------------


def check_embed(embed: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """embed(ids, matrix) must equal matrix[ids] for 1-D and 2-D ids, computed as one-hot @ matrix."""

    def body() -> None:
        g = torch.Generator().manual_seed(0)
        V, C = 7, 3  # V != C so a transposed matrix shows up as a wrong shape
        matrix = torch.randn(V, C, generator=g)
        for ids in (torch.tensor([3, 0, 6, 3]), torch.tensor([[1, 2], [5, 4]])):
            try:
                out = embed(ids, matrix)
            except RuntimeError as error:
                text = str(error)
                if "Long" in text or "dtype" in text or "scalar type" in text:
                    raise _Fail("F.one_hot gives whole numbers (torch.long) but the matrix holds floats; convert "
                                "the one-hot rows with .to(matrix.dtype) (or .float()) before the matmul.") from None
                if "shape" in text or "size" in text or "mat" in text:
                    raise _Fail(f"the matmul failed ({text.splitlines()[0]}); the one-hot rows have V = {V} "
                                f"entries and the matrix is (V, C) = ({V}, {C}): compute one_hot @ matrix, "
                                "not one_hot @ matrix.T.") from None
                raise
            _require(isinstance(out, torch.Tensor), f"embed should return a torch.Tensor, got {type(out).__name__}.")
            expected = matrix[ids]
            shape = tuple(ids.shape)
            if tuple(out.shape) == shape + (V,):
                raise _Fail(f"for ids of shape {shape} you returned shape {tuple(out.shape)}: those are the one-hot "
                            "rows themselves; multiply them by the matrix to pick out the embedding rows.")
            _require(tuple(out.shape) == tuple(expected.shape),
                     f"for ids of shape {shape} and a ({V}, {C}) matrix the result should have shape "
                     f"{tuple(expected.shape)} (one C-vector per id), got {tuple(out.shape)}.")
            _close(out, expected, f"embed(ids) for ids of shape {shape}")

    return _run_check("embed", body, "one-hot @ matrix picks out exactly the rows matrix[ids].")


def check_nearest(nearest: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> CheckResult:
    """nearest(vec, matrix, k): indices of the k most cosine-similar rows, most similar first."""

    def body() -> None:
        # Row 1 is long but points elsewhere: the largest dot product, not the largest cosine.
        matrix = torch.tensor([[1.0, 0.1], [10.0, 8.0], [0.9, 0.3], [-1.0, 0.0], [0.0, 1.0], [0.8, 0.5]])
        vec = torch.tensor([2.0, 0.0])
        expected = torch.tensor([0, 2, 5])
        out = nearest(vec, matrix, 3)
        _require(isinstance(out, torch.Tensor), f"nearest should return a torch.Tensor of indices, "
                                                f"got {type(out).__name__}.")
        _require(out.dim() == 1 and out.numel() == 3,
                 f"with k=3 nearest should return 3 indices (shape (3,)), got shape {tuple(out.shape)}.")
        _require(not out.is_floating_point(),
                 "you returned floats: return the row indices (topk(...).indices), not the similarities.")
        got = out.tolist()
        if got == [1, 0, 2] or (got and got[0] == 1):
            raise _Fail("row 1 ([10, 8]) came first: that is the largest dot product. Cosine similarity divides "
                        "by both lengths, so only the direction counts (use F.normalize or divide by .norm()).")
        if got == list(reversed(expected.tolist())) or got[0] == 3:
            raise _Fail("you returned the least similar rows or the wrong order; the most similar row comes first "
                        "(topk sorts from largest to smallest).")
        _require(got == expected.tolist(), f"expected indices {expected.tolist()} (most similar first), got {got}.")
        # k must be respected and the query row itself comes first when it is in the matrix
        out5 = nearest(matrix[4], matrix, 5)
        _require(out5.numel() == 5 and int(out5[0]) == 4,
                 "a row of the matrix should be its own nearest neighbour (cosine 1) and k=5 should give 5 "
                 f"indices; got {out5.tolist()}.")

    return _run_check("nearest", body, "cosine similarity ranks the rows by direction, most similar first.")


# ---- notebook 03: queries and keys -----------------------------------------------------------


def check_attention_weights(attention_weights: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """attention_weights(q, k) must be softmax(q k^T / sqrt(d_k)) with each row (one query) summing to 1."""

    def body() -> None:
        import math

        g = torch.Generator().manual_seed(0)
        Tq, Tk, d_k = 3, 5, 16  # Tq != Tk so a transpose shows up in the shape
        q, k = torch.randn(Tq, d_k, generator=g), torch.randn(Tk, d_k, generator=g)
        raw = q @ k.T
        expected = torch.softmax(raw / math.sqrt(d_k), dim=-1)
        out = attention_weights(q, k)
        _require(isinstance(out, torch.Tensor), f"attention_weights should return a torch.Tensor, "
                                                f"got {type(out).__name__}.")
        if tuple(out.shape) == (Tk, Tq):
            raise _Fail(f"with {Tq} queries and {Tk} keys the result should be ({Tq}, {Tk}), one row per query, "
                        f"but it is ({Tk}, {Tq}): compute q @ k.T (queries as rows), not k @ q.T.")
        _require(tuple(out.shape) == (Tq, Tk),
                 f"with q of shape {tuple(q.shape)} and k of shape {tuple(k.shape)} the result should have shape "
                 f"({Tq}, {Tk}), got {tuple(out.shape)}.")
        out = out.float()
        candidates = {
            "you divided by d_k; divide by sqrt(d_k) (math.sqrt(d_k) or d_k ** 0.5) instead":
                torch.softmax(raw / d_k, dim=-1),
            "the sqrt(d_k) scaling is missing: divide the scores q @ k.T by math.sqrt(d_k) before the softmax "
            "(without it the scores have variance d_k and the softmax saturates)": torch.softmax(raw, dim=-1),
            "the softmax runs over the wrong axis: each ROW (one query against every key) must sum to 1; "
            "use softmax(..., dim=-1), not dim=0": torch.softmax(raw / math.sqrt(d_k), dim=0),
            "the softmax runs over the wrong axis and the sqrt(d_k) scaling is missing: use "
            "softmax(q @ k.T / math.sqrt(d_k), dim=-1)": torch.softmax(raw, dim=0),
            "these are the scaled scores before the softmax; apply torch.softmax(..., dim=-1) so every row "
            "becomes a probability distribution": raw / math.sqrt(d_k),
            "these are the raw scores q @ k.T: divide by math.sqrt(d_k) and apply softmax over each row":
                raw,
        }
        for message, wrong in candidates.items():
            if torch.allclose(out, wrong, atol=1e-5):
                raise _Fail(message + ".")
        sums = out.sum(dim=-1)
        _require(torch.allclose(sums, torch.ones(Tq), atol=1e-4),
                 f"every row should sum to 1 (one probability per key), but the row sums are "
                 f"{[round(s, 3) for s in sums.tolist()]}.")
        _close(out, expected, "attention_weights(q, k)")

    return _run_check("attention_weights", body,
                      "scores scaled by sqrt(d_k), one softmax per query row, every row sums to 1.")


# ---- notebook 04: causal masking -------------------------------------------------------------


def _future(T: int) -> torch.Tensor:
    """(T, T) bool, True above the diagonal: key j comes after query i."""
    return torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)


def check_causal_softmax(causal_softmax: Callable[[torch.Tensor], torch.Tensor]) -> CheckResult:
    """causal_softmax(scores (..., T, T)) must mask keys after each query with -inf and softmax each row."""

    def body() -> None:
        g = torch.Generator().manual_seed(4)
        T = 6
        scores = torch.randn(T, T, generator=g) * 2
        given = scores.clone()
        out = causal_softmax(scores)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        _require(torch.equal(scores, given), "your function changed the scores it was given (an in-place "
                 "masked_fill_?); return a new tensor and leave the input as it was.")
        _require(tuple(out.shape) == (T, T), f"scores of shape {(T, T)} gave a pattern of shape "
                 f"{tuple(out.shape)}; the pattern has one row per query and one column per key, like the scores.")
        future = _future(T)
        out = out.detach().float()
        nan_rows = torch.isnan(out).any(-1).nonzero().flatten().tolist()
        if nan_rows == [0]:
            raise _Fail("row 0 is NaN: you masked the diagonal too, so the first query has no key left and "
                        "softmax of all -inf is 0/0. A token may look at itself: mask only keys j > i "
                        "(torch.triu(..., diagonal=1)).")
        _require(not nan_rows, f"the pattern has NaN in rows {nan_rows}; mask with float('-inf') only above "
                 "the diagonal, and take the softmax over the last dimension.")
        masked = scores.masked_fill(future, float("-inf"))
        if torch.allclose(out, torch.softmax(masked, dim=-2), atol=1e-5):
            raise _Fail("the columns sum to 1, not the rows: you took the softmax over dim=-2. Each query "
                        "(row) spreads its attention over the keys: use dim=-1.")
        sums = out.sum(-1)
        worst = int((sums - 1).abs().argmax())
        _require(torch.allclose(sums, torch.ones(T), atol=1e-4),
                 f"rows do not sum to 1 (row {worst} sums to {sums[worst].item():.3f}); apply the softmax to "
                 "each row (dim=-1) after masking, not before.")
        if (out[future].abs() > 1e-6).any():
            i, j = [int(x) for x in (future & (out.abs() > 1e-6)).nonzero()[0]]
            if torch.allclose(out, torch.softmax(scores.masked_fill(future, 0.0), dim=-1), atol=1e-5):
                raise _Fail(f"query {i} gives weight {out[i, j].item():.2f} to key {j}, which comes after it: you "
                            "set future scores to 0, but exp(0) = 1, so the future still gets weight. Use "
                            "float('-inf'): exp(-inf) = 0.")
            if torch.allclose(out, torch.softmax(scores, dim=-1), atol=1e-5):
                raise _Fail(f"no mask: query {i} gives weight {out[i, j].item():.2f} to key {j}, a later token, "
                            "so it looks into the future. Set scores with j > i to -inf before the softmax.")
            raise _Fail(f"looks into the future: query {i} gives weight {out[i, j].item():.2f} to key {j} > {i}. "
                        "Every entry above the diagonal must be exactly 0 (did you mask the lower triangle?).")
        diag = out.diagonal()
        if not bool((diag > 0).all()):
            raise _Fail(f"query {int((diag <= 0).nonzero()[0])} gives itself weight 0: you masked the diagonal "
                        "too. A token may look at itself: mask only keys j > i.")
        _close(out, torch.softmax(masked, dim=-1), "the pattern")
        batched = torch.randn(2, 3, 5, 5, generator=g)
        out_b = causal_softmax(batched)
        _require(isinstance(out_b, torch.Tensor) and tuple(out_b.shape) == (2, 3, 5, 5),
                 "scores shaped (B, nh, T, T) = (2, 3, 5, 5) must give a pattern of the same shape; build the "
                 "mask from scores.size(-1) so it broadcasts over the leading dimensions.")
        _close(out_b, torch.softmax(batched.masked_fill(_future(5), float("-inf")), dim=-1),
               "the pattern for scores shaped (2, 3, 5, 5)")

    return _run_check("causal_softmax", body, "masks the future with -inf, keeps the diagonal, every row sums "
                      "to 1, and works on (B, nh, T, T) scores.")


# ---- notebook 05: values ---------------------------------------------------------------------


def _head_variants(x, Wq, Wk, Wd, Wu) -> dict[str, torch.Tensor]:
    """The right dE and the usual wrong ones, to name a learner's mistake precisely."""
    import math

    T = x.size(-2)
    q, k, v = x @ Wq, x @ Wk, x @ Wd
    raw = q @ k.transpose(-2, -1)
    future = _future(T)

    def pat(scores, causal=True, dim=-1):
        return torch.softmax(scores.masked_fill(future, float("-inf")) if causal else scores, dim=dim)

    scaled = raw / math.sqrt(q.size(-1))
    right = pat(scaled) @ v @ Wu
    return {"right": right, "no mask": pat(scaled, causal=False) @ v @ Wu, "no scale": pat(raw) @ v @ Wu,
            "columns": pat(scaled, dim=-2) @ v @ Wu, "embeddings": pat(scaled) @ x, "residual": x + right}


def check_head_update(head_update: Callable[..., torch.Tensor]) -> CheckResult:
    """head_update(x (..., T, C), Wq, Wk, Wv_down (C, hs), Wv_up (hs, C)) must return one head's dE (..., T, C)."""

    def body() -> None:
        g = torch.Generator().manual_seed(5)
        T, C, hs = 6, 12, 4
        x = torch.randn(T, C, generator=g)
        Wq, Wk, Wd = (torch.randn(C, hs, generator=g) for _ in range(3))
        Wu = torch.randn(hs, C, generator=g)
        ref = _head_variants(x, Wq, Wk, Wd, Wu)
        out = head_update(x, Wq, Wk, Wd, Wu)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor (dE), got {type(out).__name__}.")
        shape = tuple(out.shape)
        if shape == (T, hs):
            raise _Fail(f"dE has shape {shape} = (T, hs): those are the weighted values in the head's small "
                        f"space. You forgot the up-projection: multiply by Wv_up (hs -> C) to get back to "
                        f"the embedding width, shape {(T, C)}.")
        _require(shape != (T, T), f"you returned a {(T, T)} tensor, the pattern; use it to weight the values: "
                 "dE = (pattern @ v) @ Wv_up.")
        _require(shape == (T, C), f"x of shape {(T, C)} (T, C) gave dE of shape {shape}; dE must have one change "
                 f"per position, as wide as the embedding: {(T, C)}.")
        out = out.detach().float()
        close = {name: torch.allclose(out, value, atol=1e-4, rtol=1e-4) for name, value in ref.items()}
        if close["right"]:
            pass
        elif close["no mask"]:
            raise _Fail("missing causal mask: position 0's change uses values of later tokens. Set the scores "
                        "of keys j > i to -inf before the softmax.")
        elif close["no scale"]:
            raise _Fail(f"off by the sqrt(d_k) factor: divide the scores q k^T by sqrt(hs) = {hs ** 0.5:.0f} "
                        "before the softmax.")
        elif close["columns"]:
            raise _Fail("the softmax runs over dim=-2 (columns); each query's weights over keys must sum to 1: "
                        "use dim=-1.")
        elif close["embeddings"]:
            raise _Fail("you averaged the embeddings x themselves; a head adds values: "
                        "(pattern @ (x @ Wv_down)) @ Wv_up.")
        elif close["residual"]:
            raise _Fail("you returned E' = x + dE; return only the change dE (the block adds it to x).")
        else:
            _close(out, ref["right"], "dE", atol=1e-4)
        xb = torch.randn(2, T, C, generator=g)
        out_b = head_update(xb, Wq, Wk, Wd, Wu)
        _close(out_b, _head_variants(xb, Wq, Wk, Wd, Wu)["right"], "dE for a batch x of shape (2, 6, 12)",
               atol=1e-4)

    return _run_check("head_update", body, "queries, keys, causal pattern, value-down, weighted sum and "
                      "value-up all right; works on batches too.")


# ---- notebook 06: multi-head attention -------------------------------------------------------


def _mha_variant(x: torch.Tensor, attn, split_ok: bool = True, merge_ok: bool = True, project: bool = True,
                 causal: bool = True, scale: str = "hs") -> torch.Tensor:
    """Multi-head attention with one deliberate mistake, to recognise a learner's version."""
    import math

    B, T, C = x.shape
    nh = attn.n_head
    hs = C // nh
    q, k, v = attn.c_attn(x).split(C, dim=2)
    if split_ok:
        q, k, v = (t.view(B, T, nh, hs).transpose(1, 2) for t in (q, k, v))
    else:  # reshape straight to (B, nh, T, hs): mixes positions and heads
        q, k, v = (t.reshape(B, nh, T, hs) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1)
    if scale == "hs":
        scores = scores / math.sqrt(hs)
    elif scale == "C":
        scores = scores / math.sqrt(C)
    if causal:
        allowed = torch.ones(T, T, dtype=torch.bool).tril()
        scores = scores.masked_fill(~allowed, float("-inf"))
    z = torch.softmax(scores, dim=-1) @ v
    merged = z.transpose(1, 2).reshape(B, T, C) if merge_ok else z.reshape(B, T, C)
    return attn.c_proj(merged) if project else merged


def check_multi_head_attention(fn: Callable) -> CheckResult:
    """fn(x, attn) -> (B, T, C): multi-head attention written with attn.c_attn, attn.c_proj and attn.n_head."""
    from .attention import CausalSelfAttention
    from .config import GPTConfig

    def body() -> None:
        for n_head in (4, 2):
            torch.manual_seed(6)
            attn = CausalSelfAttention(GPTConfig(block_size=8, vocab_size=8, n_layer=1, n_head=n_head, n_embd=16)).eval()
            with torch.no_grad():
                for p in attn.parameters():  # give the biases values too, so a dropped bias shows
                    p.normal_(0, 0.5)
            x = torch.randn(2, 6, 16)
            B, T, C = x.shape
            hs = C // n_head
            with torch.no_grad():
                expected = attn(x)
                out = fn(x.clone(), attn)
            _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
            _require(tuple(out.shape) != (B, n_head, T, hs),
                     f"the result has shape {tuple(out.shape)} = (B, nh, T, hs): the heads' outputs are still "
                     "separate. Merge them back to (B, T, C) (transpose(1, 2) then reshape) and apply attn.c_proj.")
            _require(tuple(out.shape) == (B, T, C),
                     f"the result has shape {tuple(out.shape)}, expected (B, T, C) = {(B, T, C)} for x of that shape.")
            if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
                continue
            with torch.no_grad():
                mistakes = [
                    (dict(project=False), "you return the merged heads without the output projection: "
                                          "apply attn.c_proj (every head's value-up map) at the end."),
                    (dict(split_ok=False), "the heads are split wrongly: reshaping (B, T, C) straight to (B, nh, T, hs) "
                                           "mixes positions and heads. Use .view(B, T, nh, hs).transpose(1, 2)."),
                    (dict(split_ok=False, merge_ok=False), "the heads are split and merged wrongly: reshaping "
                     "(B, T, C) straight to (B, nh, T, hs) mixes positions and heads. Use .view(B, T, nh, hs)"
                     ".transpose(1, 2), and transpose back before merging."),
                    (dict(merge_ok=False), "the heads are merged wrongly: reshaping (B, nh, T, hs) straight to "
                                           "(B, T, C) mixes positions and heads. Use .transpose(1, 2).reshape(B, T, C)."),
                    (dict(causal=False), "positions look into the future: mask scores of later keys with -inf "
                                         "before the softmax."),
                    (dict(scale="C"), "the scores are divided by sqrt(C) (the full width); each head divides by "
                                      "sqrt(hs), its own head size C // n_head."),
                    (dict(scale="none"), "the scores are not divided by sqrt(hs) (the head size) before the softmax."),
                ]
                for kwargs, message in mistakes:
                    if torch.allclose(out, _mha_variant(x, attn, **kwargs), atol=1e-5, rtol=1e-4):
                        raise _Fail(message)
                if torch.allclose(out, expected - attn.c_proj.bias, atol=1e-5, rtol=1e-4):
                    raise _Fail("the output projection's bias is missing: use attn.c_proj(...) rather than "
                                "multiplying by attn.c_proj.weight alone.")
            _require(n_head != 2, "right for 4 heads but wrong for 2: take the number of heads from attn.n_head "
                                  "and the head size from C // attn.n_head instead of fixing them.")
            _close(out, expected, f"with n_head={n_head}, the output")

    return _run_check("multi_head_attention", body,
                      "matches CausalSelfAttention for 4 heads and 2 heads: split, attend, merge, project.")

# ---- notebook 07: MLP, residuals, LayerNorm ---------------------------------------------------


def _mlp_inputs(C: int = 8, seed: int = 7) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 5, C, generator=g)
    W_up = torch.randn(C, 4 * C, generator=g) / C ** 0.5
    b_up = 0.5 * torch.randn(4 * C, generator=g)
    W_down = torch.randn(4 * C, C, generator=g) / (4 * C) ** 0.5
    b_down = 0.5 * torch.randn(C, generator=g)
    return x, W_up, b_up, W_down, b_down


def check_mlp(fn: Callable) -> CheckResult:
    """fn(x, W_up, b_up, W_down, b_down) -> GELU(x @ W_up + b_up) @ W_down + b_down (tanh GELU)."""
    import torch.nn.functional as F

    def body() -> None:
        x, W_up, b_up, W_down, b_down = _mlp_inputs()
        with torch.no_grad():
            out = fn(x.clone(), W_up, b_up, W_down, b_down)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        _require(tuple(out.shape) != (2, 5, 32),
                 "the result has shape (2, 5, 32) = (B, T, 4C): that is the hidden layer. "
                 "Finish with the down-projection (@ W_down + b_down) back to C.")
        _require(tuple(out.shape) == tuple(x.shape),
                 f"the result has shape {tuple(out.shape)}; the MLP must give back the input's shape {tuple(x.shape)}.")
        pre = x @ W_up + b_up
        expected = F.gelu(pre, approximate="tanh") @ W_down + b_down
        if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
            return
        mistakes = [
            (torch.relu(pre) @ W_down + b_down, "this is ReLU (the 2017 Transformer's choice); GPT-2 and GPT-3 use "
                                                "GELU: 0.5 * h * (1 + tanh(sqrt(2/pi) * (h + 0.044715 * h**3)))."),
            (F.gelu(pre) @ W_down + b_down, "this is the exact GELU (with erf); use GPT-2's tanh approximation "
                                            "0.5 * h * (1 + tanh(sqrt(2/pi) * (h + 0.044715 * h**3)))."),
            (pre @ W_down + b_down, "there is no nonlinearity between the two projections: without it the MLP "
                                    "collapses to one linear map. Apply GELU to the hidden layer."),
            (F.gelu(x @ W_up, approximate="tanh") @ W_down + b_down, "b_up is missing: add it before the GELU."),
            (F.gelu(pre, approximate="tanh") @ W_down, "b_down is missing: add it after the down-projection."),
            (F.gelu(pre @ W_down + b_down, approximate="tanh"), "the GELU is applied after the down-projection; "
                                                               "apply it to the hidden layer (between up and down)."),
            (x + expected, "you added the residual x inside the MLP; the block adds it, the MLP returns only the change."),
        ]
        for wrong, message in mistakes:
            if torch.allclose(out, wrong, atol=1e-5, rtol=1e-4):
                raise _Fail(message)
        _close(out, expected, "the MLP's output")

    return _run_check("mlp", body, "up-projection to 4C, tanh GELU, down-projection back to C.")


def check_pre_norm_block(fn: Callable) -> CheckResult:
    """fn(x, ln_1, attn, ln_2, mlp) -> x after one GPT-2 (pre-norm) block."""
    from .config import GPTConfig
    from .model import Block

    def body() -> None:
        torch.manual_seed(7)
        block = Block(GPTConfig(block_size=8, vocab_size=8, n_layer=1, n_head=2, n_embd=16)).eval()
        with torch.no_grad():
            for p in block.parameters():  # LayerNorm gains away from 1 so a misplaced norm shows
                p.add_(0.3 * torch.randn_like(p))
        x = 2.0 * torch.randn(2, 6, 16) + 1.0
        a, m, n1, n2 = block.attn, block.mlp, block.ln_1, block.ln_2
        with torch.no_grad():
            out = fn(x.clone(), n1, a, n2, m)
            expected = block(x)
            _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
            _require(tuple(out.shape) == tuple(x.shape),
                     f"the result has shape {tuple(out.shape)}; a block keeps the shape {tuple(x.shape)}.")
            if torch.allclose(out, expected, atol=1e-5, rtol=1e-4):
                return
            h = x + a(n1(x))
            post_1 = n1(x + a(x))
            mistakes = [
                (n2(post_1 + m(post_1)), "this is a post-norm block (2017: x = LN(x + f(x))); GPT-2/3 normalise "
                                         "the sublayer's input instead: x = x + f(LN(x))."),
                (m(n2(a(n1(x)))), "there is no residual connection: add each sublayer's result to x "
                                  "(x = x + attn(ln_1(x)), then x = x + mlp(ln_2(x)))."),
                (a(n1(x)) + m(n2(a(n1(x)))), "the first residual connection is missing: x = x + attn(ln_1(x))."),
                (m(n2(h)), "the second residual connection is missing: x = x + mlp(ln_2(x))."),
                (h + m(h), "ln_2 is missing: the MLP must read the normalised stream, mlp(ln_2(x))."),
                ((x + a(x)) + m(n2(x + a(x))), "ln_1 is missing: attention must read ln_1(x)."),
                (x + m(n2(x)) + a(n1(x + m(n2(x)))), "the sublayers are in the wrong order: attention first, then the MLP."),
                (x + a(n1(x)) + m(n2(x)), "the MLP reads the old x: it must read the stream after attention's change "
                                          "was added (x = x + attn(ln_1(x)) first)."),
                (n2(h + m(n2(h))), "the block's output is normalised at the end; in GPT-2 only the final "
                                   "ln_f after the last block does that."),
            ]
            for wrong, message in mistakes:
                if torch.allclose(out, wrong, atol=1e-5, rtol=1e-4):
                    raise _Fail(message)
            _close(out, expected, "the block's output")

    return _run_check("pre_norm_block", body, "x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)): a GPT-2 block.")

# ---- notebook 08: unembedding and softmax ----------------------------------------------------


def _nb08_is_close(a: Any, b: torch.Tensor, atol: float = 1e-5) -> bool:
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.float(), b.float(), atol=atol, rtol=1e-4)))


def check_softmax(softmax: Callable[[torch.Tensor], torch.Tensor]) -> CheckResult:
    """Your softmax(logits) must normalise the last axis and survive huge logits."""

    def body() -> None:
        g = torch.Generator().manual_seed(8)
        z = torch.randn(4, 7, generator=g) * 2
        out = softmax(z.clone())
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        _require(tuple(out.shape) == (4, 7), f"logits of shape (4, 7) gave shape {tuple(out.shape)}; "
                                             "softmax keeps the shape, one probability per logit.")
        _require(not torch.isnan(out).any(), "the output contains nan on ordinary logits.")
        _require((out >= 0).all(), "some probabilities are negative: exponentiate the logits (exp) before normalising.")
        rows, cols = out.sum(-1), out.sum(0)
        if not torch.allclose(rows, torch.ones_like(rows), atol=1e-4):
            if torch.allclose(cols, torch.ones_like(cols), atol=1e-4):
                raise _Fail("you normalised over the wrong axis: the columns sum to 1 but each row (the "
                            "vocabulary, the last axis) must; use dim=-1 and keepdim=True.")
            raise _Fail(f"rows sum to {[round(float(s), 3) for s in rows]}, not 1: divide exp(logits) by "
                        "its sum over the last axis.")
        _close(out, torch.softmax(z, dim=-1), "softmax of random logits")
        one = softmax(z[0].clone())
        _close(one, torch.softmax(z[0], dim=-1), "softmax of a 1-D vector of logits")
        big = torch.tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])
        alone = softmax(big[:1].clone())
        _require(torch.isfinite(alone).all(),
                 "logits [1000, 1001, 1002] gave nan/inf: exp(1000) overflows float32 to inf and inf/inf = nan. "
                 "Subtract the largest logit first: softmax(z) = softmax(z - max(z)), and exp of a number <= 0 "
                 "never overflows.")
        out_big = softmax(big.clone())
        _require(torch.isfinite(out_big).all(),
                 "rows [1000, 1001, 1002] and [-1000, -1001, -1002] together gave nan: subtract each row's OWN "
                 "max (logits.max(dim=-1, keepdim=True).values), not one max over the whole tensor.")
        _close(out_big, torch.softmax(big, dim=-1), "softmax of huge logits")

    return _run_check("softmax", body, "normalises the last axis and stays finite for logits of ±1000.")


def check_cross_entropy(cross_entropy: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> CheckResult:
    """Your cross_entropy(logits (N, V), targets (N,)) must be the mean of -log p(target)."""
    import torch.nn.functional as F

    def body() -> None:
        g = torch.Generator().manual_seed(8)
        z = torch.randn(6, 5, generator=g) * 2
        y = torch.tensor([0, 3, 1, 4, 4, 2])
        out = cross_entropy(z.clone(), y.clone())
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        expected = F.cross_entropy(z, y)
        per_position = F.cross_entropy(z, y, reduction="none")
        p_true = torch.softmax(z, -1)[torch.arange(6), y]
        if out.numel() != 1:
            if _nb08_is_close(out.reshape(-1), per_position):
                raise _Fail(f"you returned one loss per position (shape {tuple(out.shape)}); the loss is their "
                            "mean, a single number: add .mean().")
            raise _Fail(f"the loss must be a single number, got shape {tuple(out.shape)}.")
        out = out.reshape(())
        _require(not torch.isnan(out), "the loss is nan on ordinary logits.")
        if _nb08_is_close(out, -expected):
            raise _Fail(f"your loss is {float(out):.3f}, the right one is {float(expected):.3f}: the minus sign is "
                        "missing. log-probabilities are <= 0, so the loss is -log p (a positive number).")
        if _nb08_is_close(out, -p_true.mean()) or _nb08_is_close(out, p_true.mean()) or _nb08_is_close(out, 1 - p_true.mean()):
            raise _Fail("your loss uses the probability of the true token, not its log: take -log(p) "
                        "(log-softmax) and average that.")
        if _nb08_is_close(out, per_position.sum()):
            raise _Fail("you summed over positions; take the mean so the loss does not grow with the batch.")
        wrong_axis = -torch.log_softmax(z, 0)[torch.arange(6), y].mean()
        if _nb08_is_close(out, wrong_axis):
            raise _Fail("you took the softmax over the wrong axis: normalise each row (dim=-1, the vocabulary).")
        _require(_nb08_is_close(out, expected), f"your loss is {float(out):.4f}, expected {float(expected):.4f} "
                                           "(the mean of -log softmax(logits)[target]).")
        big = z * 500
        out_big = cross_entropy(big.clone(), y.clone()).reshape(())
        _require(torch.isfinite(out_big),
                 "logits in the thousands gave inf/nan: compute log-softmax as (z - max) - log(sum(exp(z - max))) "
                 "instead of log(exp(z) / sum(exp(z))).")
        _require(_nb08_is_close(out_big, F.cross_entropy(big, y), atol=1e-2),
                 "huge logits give the wrong loss: compute log-softmax with the max subtracted.")

    return _run_check("cross_entropy", body, "equals F.cross_entropy, also for huge logits.")

# ---- notebook 09: temperature and sampling ---------------------------------------------------


def check_apply_temperature(apply_temperature: Callable[[torch.Tensor, float], torch.Tensor]) -> CheckResult:
    """Your apply_temperature(logits, T) must return softmax(logits / T), one-hot at the argmax for T = 0."""
    import torch.nn.functional as F

    def body() -> None:
        g = torch.Generator().manual_seed(9)
        z = torch.randn(3, 8, generator=g) * 2
        out = apply_temperature(z.clone(), 1.0)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        _require(tuple(out.shape) == (3, 8), f"logits of shape (3, 8) gave shape {tuple(out.shape)}.")
        if _nb08_is_close(out, z):
            raise _Fail("you returned the scaled logits: return probabilities, softmax(logits / T).")
        _close(out, torch.softmax(z, -1), "apply_temperature(logits, 1) (should equal the plain softmax)")
        hot = apply_temperature(z.clone(), 2.0)
        if _nb08_is_close(hot, torch.softmax(z * 2, -1)):
            raise _Fail("at T=2 your distribution got SHARPER: you multiplied the logits by T; divide by it "
                        "(softmax(logits / T)), so a high temperature flattens the distribution.")
        _close(hot, torch.softmax(z / 2, -1), "apply_temperature(logits, 2)")
        _close(apply_temperature(z.clone(), 0.5), torch.softmax(z / 0.5, -1), "apply_temperature(logits, 0.5)")
        try:
            cold = apply_temperature(z.clone(), 0.0)
        except ZeroDivisionError:
            raise _Fail("T=0 raised ZeroDivisionError: handle T == 0 before dividing, and return a one-hot "
                        "distribution at the argmax (greedy decoding).") from None
        _require(isinstance(cold, torch.Tensor) and tuple(cold.shape) == (3, 8),
                 "T=0 must return a tensor of the same shape as the logits.")
        _require(not torch.isnan(cold).any(),
                 "T=0 gave nan: logits / 0 is ±inf and softmax of infinities is nan. Handle T == 0 separately: "
                 "a one-hot distribution at the argmax (greedy decoding).")
        _close(cold, F.one_hot(z.argmax(-1), 8).float(),
               "apply_temperature(logits, 0) (should be one-hot at the largest logit)")
        _close(apply_temperature(z[0].clone(), 0.0), F.one_hot(z[0].argmax(), 8).float(),
               "apply_temperature of a 1-D vector at T=0")
        big = torch.tensor([[1000.0, 999.0, 0.0]])
        _require(torch.isfinite(apply_temperature(big.clone(), 0.5)).all(),
                 "logits [1000, 999, 0] at T=0.5 overflow to nan: subtract the max before exp.")

    return _run_check("apply_temperature", body, "divides by T, is greedy at T=0 and stays finite.")


def check_top_k_filter(top_k_filter: Callable[[torch.Tensor, int], torch.Tensor]) -> CheckResult:
    """Your top_k_filter(probs, k) must keep exactly the k largest probabilities of each row and renormalise."""

    def body() -> None:
        g = torch.Generator().manual_seed(9)
        probs = torch.softmax(torch.randn(4, 10, generator=g) * 2, -1)
        k = 3
        out = top_k_filter(probs.clone(), k)
        _require(isinstance(out, torch.Tensor), f"return a torch.Tensor, got {type(out).__name__}.")
        _require(tuple(out.shape) == (4, 10), f"probs of shape (4, 10) gave shape {tuple(out.shape)}; keep the "
                                              "shape and set the dropped tokens to 0.")
        kept = (out > 0).sum(-1)
        if (kept == k + 1).any():
            raise _Fail(f"with k={k} you kept {k + 1} tokens in a row: an off-by-one (e.g. [:k+1], or comparing "
                        "with the (k+1)-th value). Keep exactly k.")
        _require((kept == k).all(), f"with k={k} the rows keep {kept.tolist()} tokens; keep exactly k per row.")
        top = probs.topk(k, -1).indices
        expected_mask = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, top, True)
        _require(((out > 0) == expected_mask).all(), "you kept the wrong tokens: keep the k LARGEST probabilities "
                                                    "of each row (topk over the last axis).")
        sums = out.sum(-1)
        if not torch.allclose(sums, torch.ones_like(sums), atol=1e-4):
            raise _Fail(f"rows sum to {[round(float(s), 3) for s in sums]}: after dropping tokens, renormalise "
                        "(divide by the kept probabilities' sum) so each row sums to 1 again.")
        expected = torch.where(expected_mask, probs, torch.zeros_like(probs))
        _close(out, expected / expected.sum(-1, keepdim=True), "top_k_filter(probs, 3)")
        _close(top_k_filter(probs.clone(), 10), probs, "top_k_filter(probs, V) (should change nothing)")
        one = top_k_filter(probs[0].clone(), 1)
        _require(tuple(one.shape) == (10,) and int((one > 0).sum()) == 1 and abs(float(one.sum()) - 1) < 1e-5,
                 "a 1-D distribution with k=1 must become one-hot at its most likely token.")

    return _run_check("top_k_filter", body, "keeps exactly the k most likely tokens and renormalises.")

# ---- notebook 10: train a GPT ----------------------------------------------------------------

def _nb10_reference_variants(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, proj: torch.nn.Linear
                             ) -> dict[str, torch.Tensor]:
    """Right attention and common mistakes, from (B, nh, T, hs) q, k, v; each ends with the output matrix."""
    import math

    B, nh, T, hs = q.shape
    C = nh * hs
    future = torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)

    def run(scale: float, heads: bool = True, project: bool = True) -> torch.Tensor:
        if heads:
            qq, kk, vv = q, k, v
        else:  # one big head of width C
            qq, kk, vv = (t.transpose(1, 2).reshape(B, 1, T, C) for t in (q, k, v))
        scores = (qq @ kk.transpose(-2, -1) / scale).masked_fill(future, float("-inf"))
        z = torch.softmax(scores, dim=-1) @ vv
        z = z.transpose(1, 2).reshape(B, T, C)
        return proj(z) if project else z

    return {
        "right": run(math.sqrt(hs)),
        "no scale": run(1.0),
        "sqrt(C)": run(math.sqrt(C)),
        "one head": run(math.sqrt(C), heads=False),
        "one head sqrt(hs)": run(math.sqrt(hs), heads=False),
        "no output": run(math.sqrt(hs), project=False),
    }


def check_my_attention(cls) -> CheckResult:
    """Notebook 10: a CausalSelfAttention-compatible class with layers query, key, value, c_proj.

    Checks shapes, causality, rows summing to 1, equality with gptlab's attention given the same
    weights, and that a small GPT built with it learns.
    """
    from torch import nn

    from .attention import CausalSelfAttention
    from .config import GPTConfig

    def body() -> None:
        config = GPTConfig(block_size=8, vocab_size=11, n_layer=1, n_head=4, n_embd=16)
        C, T = config.n_embd, config.block_size
        with torch.random.fork_rng():
            torch.manual_seed(0)
            module = cls(config)
            _require(isinstance(module, nn.Module), f"{cls.__name__}(config) should be a torch.nn.Module, "
                                                    f"got {type(module).__name__}.")
            for name, out_features in (("query", C), ("key", C), ("value", C), ("c_proj", C)):
                layer = getattr(module, name, None)
                _require(isinstance(layer, nn.Linear) and layer.in_features == C and layer.out_features == out_features,
                         f"{cls.__name__} needs a layer self.{name} = nn.Linear({C}, {out_features}) "
                         f"(n_embd -> n_embd, all heads side by side); keep the __init__ of the stub.")
            module.eval()
            x = torch.randn(2, T, C)
            with torch.no_grad():
                out = module(x)
            _require(isinstance(out, torch.Tensor), f"forward should return a tensor, got {type(out).__name__}.")
            _require(tuple(out.shape) == (2, T, C),
                     f"forward(x) with x of shape (B, T, C) = (2, {T}, {C}) returned shape {tuple(out.shape)}; "
                     "it must return (B, T, C), the change to add to the residual stream.")
            # Rows summing to 1: with the same vector at every position, every position must give the
            # same output (a weighted average of identical values is that value).
            same = x[:1, :1].expand(1, T, C).contiguous()
            with torch.no_grad():
                out_same = module(same)
                out_one = module(same[:, :1])
            drift = (out_same - out_one).abs().amax(dim=(0, 2))
            bad = [t for t in range(T) if drift[t] > 1e-4]
            if bad:
                _require(False, f"with the same token at every position, position {bad[0]} gives a different output "
                              "than a single token: the attention weights of a row do not sum to 1 over the visible "
                              "keys. Take the softmax over the last axis (keys), after masking with -inf "
                              "(zeroing weights after the softmax breaks the sum).")
            # Causality: changing later tokens must not change earlier outputs.
            changed = x.clone()
            changed[:, 5:] = torch.randn(2, T - 5, C)
            with torch.no_grad():
                out2 = module(changed)
            early = (out2[:, :5] - out[:, :5]).abs().amax(dim=(0, 2))
            leaked = [t for t in range(5) if early[t] > 1e-5]
            if leaked:
                _require(False, f"changing tokens 5-{T - 1} changed the output at position {leaked[0]}: your "
                                "attention looks into the future. Set the scores of later keys (j > i) to -inf "
                                "before the softmax.")
            # Same numbers as gptlab's attention when both hold the same weights.
            ref = CausalSelfAttention(config).eval()
            with torch.no_grad():
                Wq, Wk, Wv = ref.c_attn.weight.split(C, dim=0)
                for layer, W in ((module.query, Wq), (module.key, Wk), (module.value, Wv), (module.c_proj, ref.c_proj.weight)):
                    layer.weight.copy_(W)
                if config.bias and module.query.bias is not None:
                    bq, bk, bv = ref.c_attn.bias.split(C)
                    for layer, b in ((module.query, bq), (module.key, bk), (module.value, bv), (module.c_proj, ref.c_proj.bias)):
                        layer.bias.copy_(b)
                mine = module(x)
                q, k, v = ref.qkv(x)
                variants = _nb10_reference_variants(q, k, v, ref.c_proj)
            if not torch.allclose(mine, variants["right"], atol=1e-5):
                hints = {
                    "no scale": "you forgot to divide the scores by sqrt(head_size) (the sqrt(d_k) factor).",
                    "sqrt(C)": f"you divided the scores by sqrt(n_embd) = sqrt({C}); divide by sqrt(head_size) = "
                               f"sqrt({C // config.n_head}).",
                    "one head": f"you ran one big head of width {C}; split queries, keys and values into "
                                f"{config.n_head} heads of {C // config.n_head} with .view(B, T, nh, hs).transpose(1, 2).",
                    "one head sqrt(hs)": "you ran one big head; split queries, keys and values into heads "
                                         "with .view(B, T, nh, hs).transpose(1, 2).",
                    "no output": "you returned the heads' outputs side by side without the output matrix; "
                                 "finish with self.c_proj(...).",
                }
                for name, hint in hints.items():
                    _require(not torch.allclose(mine, variants[name], atol=1e-5), hint)
                _close(mine, variants["right"], "your output with gptlab's weights copied in")
        # A small GPT with this attention must learn to continue a fixed batch.
        from .model import GPT

        with torch.random.fork_rng():
            torch.manual_seed(0)
            model = GPT(GPTConfig(block_size=16, vocab_size=13, n_layer=2, n_head=2, n_embd=32), attention=cls)
            idx = torch.randint(0, 13, (4, 17))
            x_batch, y_batch = idx[:, :-1], idx[:, 1:]
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
            losses = []
            for _ in range(25):
                _, loss = model(x_batch, y_batch)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        _require(losses[-1] < losses[0] - 0.5,
                 f"a GPT built with {cls.__name__} did not learn: loss {losses[0]:.2f} -> {losses[-1]:.2f} in 25 "
                 "steps. Are both layers used in forward, and no tensor detached?")

    return _run_check("check_my_attention", body,
                      "shapes, causality, rows summing to 1 and gptlab's numbers all match, and a GPT built with it "
                      "learns. Set USE_MY_ATTENTION = True to train with it.")


# ---- notebook 11: scale ----------------------------------------------------------------------

def _nb11_mistakes(L: int, H: int, C: int, V: int) -> list[tuple[str, int]]:
    """(what went wrong, how far off the total it puts you) for the usual slips in the eight-group count."""
    hs = C // H
    return [
        ("you counted the output matrix once per head; each layer has ONE C x C output matrix "
         "(all heads' value-up maps side by side).", L * (H - 1) * C * C),
        ("one vocabulary matrix is missing: both the embedding (V x C) and the unembedding (C x V) count.", -V * C),
        ("both vocabulary matrices are missing: add the embedding (V x C) and the unembedding (C x V).", -2 * V * C),
        ("each head's key, query and value map C -> head_size = C / n_head, not C -> C.",
         3 * L * H * C * (C - hs)),
        ("the MLP's up-projection is C x 4C and its down-projection 4C x C: you left out the factor 4.",
         -6 * L * C * C),
        ("the MLP has TWO matrices per layer, up (C x 4C) and down (4C x C): one is missing.", -4 * L * C * C),
        ("the MLP matrices are C x 4C and 4C x C, not 4C x 4C.", 24 * L * C * C),
        ("the output matrix (C x C per layer) is missing.", -L * C * C),
        ("the value-up maps ARE the output matrix: do not count a value-up per head on top of it.", L * H * C * hs),
        ("key, query and value need one matrix per head in every layer: multiply by n_layer x n_head.",
         -3 * (L * H - 1) * C * hs),
        ("the per-layer groups (key, query, value, output, up, down) must be multiplied by n_layer.",
         -(L - 1) * 12 * C * C),
    ]


def check_count_weights(fn) -> CheckResult:
    """Notebook 11: count_weights(n_layer, n_head, n_embd, vocab) must give the eight-group total."""
    from .config import GPTConfig
    from .params import total_weights

    cases = [("GPT-3", 96, 96, 12288, 50257), ("GPT-2 small", 12, 12, 768, 50257),
             ("a tiny model", 2, 2, 16, 32), ("a model with 3 layers, 4 heads, width 8, 10 tokens", 3, 4, 8, 10)]

    def body() -> None:
        import numbers

        for name, L, H, C, V in cases:
            got = fn(L, H, C, V)
            _require(isinstance(got, numbers.Number) and not isinstance(got, bool),
                     f"count_weights should return a number, got {type(got).__name__}.")
            if not isinstance(got, numbers.Integral):
                _require(float(got).is_integer(),
                         f"for {name} you returned {got!r}, not a whole number: use // for the head size.")
            expected = total_weights(GPTConfig(n_layer=L, n_head=H, n_embd=C, vocab_size=V))
            if got == expected:
                continue
            diff = int(got) - expected
            for hint, off in _nb11_mistakes(L, H, C, V):
                _require(diff != off, f"for {name} you get {int(got):,} instead of {expected:,}: {hint}")
            _require(False, f"for {name} (n_layer={L}, n_head={H}, n_embd={C}, vocab={V}) you get {int(got):,}, "
                            f"expected {expected:,} ({'+' if diff > 0 else ''}{diff:,}). Count the eight groups "
                            "one by one: embedding V x C, key/query/value C x (C / n_head) per head per layer, "
                            "output C x C per layer, up C x 4C and down 4C x C per layer, unembedding C x V. "
                            "Only matrices: no biases, LayerNorms or position embeddings.")

    return _run_check("check_count_weights", body,
                      "your count matches gptlab on GPT-3 (175,181,291,520), GPT-2 small and two small models.")


# ---- notebook 12: prompting ------------------------------------------------------------------

def check_format_prompt(fn) -> CheckResult:
    """Notebook 12: format_prompt(system, question) must give exactly 'Ⓢ{system}Ⓤ{question}Ⓐ'."""
    from .chat import ASSISTANT, END, SYSTEM, USER, format_prompt

    cases = [("Use capitals.", "to be or not"), ("Count the words.", "my lord"), ("", "hello")]

    def body() -> None:
        for system, question in cases:
            got = fn(system, question)
            want = format_prompt(system, question)
            shown = f"format_prompt({system!r}, {question!r})"
            _require(isinstance(got, str), f"{shown} should return a str, got {type(got).__name__}.")
            if got == want:
                continue
            _require(not got.endswith(END), f"{shown} ends with the end marker {END}: that marker closes the "
                     f"ANSWER, which the model writes; the prompt must stop right after {ASSISTANT}.")
            _require(got.endswith(ASSISTANT), f"{shown} = {got!r} does not end with the assistant marker "
                     f"{ASSISTANT}: it is what tells the model 'your answer starts here'.")
            _require(got.startswith(SYSTEM), f"{shown} = {got!r} should start with the system marker {SYSTEM}.")
            _require(got.find(system) <= got.find(question) or not system,
                     f"{shown} = {got!r} puts the question before the system prompt: the order is "
                     f"{SYSTEM} system, {USER} question, {ASSISTANT}.")
            squeezed = "".join(got.split())
            _require(squeezed != "".join(want.split()),
                     f"{shown} = {got!r} has extra spaces or newlines; the template has none around the markers, "
                     "and any character the model never saw there during fine-tuning confuses it.")
            _require(False, f"{shown} = {got!r}, expected {want!r} ({SYSTEM} system {USER} question {ASSISTANT}).")

    return _run_check("check_format_prompt", body, f"your template matches: {SYSTEM}system{USER}question{ASSISTANT}.")


class _CountingModel(torch.nn.Module):
    """A fake language model for checks: after token t it always predicts t + 1 (mod vocab_size)."""

    def __init__(self, block_size: int = 8, vocab_size: int = 10):
        super().__init__()
        from .config import GPTConfig

        self.config = GPTConfig(block_size=block_size, vocab_size=vocab_size, n_layer=1, n_head=1, n_embd=2)
        self.calls = 0

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        self.calls += 1
        _require(isinstance(idx, torch.Tensor) and idx.dim() == 2,
                 f"the model takes a (1, T) tensor of ids, got {getattr(idx, 'shape', type(idx).__name__)}: "
                 "use torch.tensor([ids]).")
        _require(idx.size(1) <= self.config.block_size,
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
            _require(isinstance(got, (list, tuple, torch.Tensor)),
                     f"return a list of the new token ids, got {type(got).__name__}.")
            got = torch.as_tensor(got).flatten().tolist()
            if got == want:
                continue
            _require(got != list(prompt) + want, f"{shown}: you returned the prompt too; return only the NEW tokens.")
            _require(got != want + [stop], f"{shown}: you returned {got}, with the stop token {stop} at the end; "
                     "leave it out, it marks the end of the answer and is not part of it.")
            _require(stop not in got, f"{shown}: you returned {got}; generation must end as soon as the model "
                     f"produces the stop token {stop}.")
            _require(len(got) <= max_new, f"{shown}: you returned {len(got)} tokens, more than max_new_tokens.")
            _require(False, f"{shown}: expected {want} (the most likely token each time), got {got}.")

    return _run_check("check_generate_until_stop", body,
                      "your loop stops at the stop token, respects max_new_tokens and slides the context window.")


# ---- notebook 13: encoder-decoder ------------------------------------------------------------

def check_cross_attention(fn) -> CheckResult:
    """Notebook 13: cross_attention(x_dec, memory, Wq, Wk, Wv) -> (output, pattern), one head, no mask."""
    import math

    g = torch.Generator().manual_seed(13)
    T, S, C, d_k, d_v = 4, 6, 8, 5, 3  # all different, so a mix-up shows in a shape
    x_dec, memory = torch.randn(T, C, generator=g), torch.randn(S, C, generator=g)
    Wq, Wk, Wv = (torch.randn(C, d, generator=g) for d in (d_k, d_k, d_v))

    def reference(x, mem, scale=True, mask=None):
        scores = (x @ Wq) @ (mem @ Wk).transpose(-2, -1) / (math.sqrt(d_k) if scale else 1.0)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        pattern = torch.softmax(scores, dim=-1)
        return pattern @ (mem @ Wv), pattern

    def body() -> None:
        result = fn(x_dec, memory, Wq, Wk, Wv)
        _require(isinstance(result, tuple) and len(result) == 2,
                 "return two tensors: (output, pattern), like gptlab.attention.attention.")
        out, pattern = result
        _require(isinstance(pattern, torch.Tensor) and isinstance(out, torch.Tensor),
                 "output and pattern should both be torch.Tensors.")
        shape = tuple(pattern.shape)
        _require(shape != (S, S) and shape != (S, T),
                 f"the pattern has shape {shape}: one row per ENCODER position, so your queries came from memory. "
                 f"Cross-attention takes queries from the decoder (x_dec @ Wq) and keys and values from memory: "
                 f"expected ({T}, {S}).")
        _require(shape != (T, T),
                 f"the pattern has shape {shape}: your keys came from x_dec, which makes it self-attention. "
                 f"Keys (and values) come from memory: expected ({T}, {S}).")
        _require(shape == (T, S), f"the pattern has shape {shape}, expected (T_dec, S_enc) = ({T}, {S}).")
        _require(torch.allclose(pattern.sum(-1), torch.ones(T), atol=1e-4),
                 "the pattern's rows do not sum to 1: take the softmax over the keys (dim=-1)"
                 + (" (you normalised the columns, dim=0)." if torch.allclose(pattern.sum(0), torch.ones(S), atol=1e-4)
                    else "."))
        for mask in (torch.ones(T, S, dtype=torch.bool).tril(), torch.ones(T, S, dtype=torch.bool).tril(S - T)):
            _require(not ((pattern[~mask] == 0).all() and torch.allclose(pattern, reference(x_dec, memory, mask=mask)[1],
                                                                         atol=1e-4)),
                     "the pattern is zero above a diagonal: you applied a causal mask. Cross-attention is never "
                     "masked: the whole input sentence is known before the decoder starts, so every output "
                     "position may look at every input position.")
        want_out, want_pattern = reference(x_dec, memory)
        _require(not torch.allclose(pattern, reference(x_dec, memory, scale=False)[1], atol=1e-4),
                 f"the scores are not divided by sqrt(d_k) = sqrt({d_k}); without it large dot products saturate "
                 "the softmax.")
        _close(pattern, want_pattern, "the pattern", atol=1e-4)
        _require(tuple(out.shape) == (T, d_v),
                 f"the output has shape {tuple(out.shape)}, expected (T_dec, d_v) = ({T}, {d_v}): "
                 "pattern @ (memory @ Wv).")
        _close(out, want_out, "the output (pattern @ (memory @ Wv))", atol=1e-4)
        batched = fn(x_dec[None].expand(2, T, C), memory[None].expand(2, S, C), Wq, Wk, Wv)
        _require(isinstance(batched, tuple) and tuple(batched[1].shape) == (2, T, S),
                 "with a batch (B, T, C) the pattern should be (B, T, S): transpose the keys with "
                 "k.transpose(-2, -1) rather than k.T.")
        _close(batched[0][1], want_out, "the batched output", atol=1e-4)

    return _run_check("check_cross_attention", body,
                      "queries from the decoder, keys and values from the encoder, scaled, no mask; "
                      "the pattern is (T_dec, S_enc) and every row sums to 1.")
