"""The original 2017 Transformer: an encoder, a decoder, and cross-attention between them (notebook 13).

Built from the same pure attention functions as the GPT (gptlab.attention), arranged the 2017 way:

    memory = src_emb[src] * sqrt(C) + PE          # sinusoidal positions, no learned ones
    for layer in encoder:                          # unmasked: every input sees every input
        memory = LayerNorm(memory + self_attn(memory))
        memory = LayerNorm(memory + ffn(memory))   # Linear -> ReLU -> Linear
    y = tgt_emb[tgt_in] * sqrt(C) + PE             # tgt_in: the outputs shifted right (start token first)
    for layer in decoder:                          # every decoder layer reads the LAST encoder output
        y = LayerNorm(y + masked_self_attn(y))     # causal: an output sees only earlier outputs
        y = LayerNorm(y + cross_attn(y, memory))   # queries from y, keys and values from memory
        y = LayerNorm(y + ffn(y))
    logits = y @ W_out                             # (B, T, V_tgt), then softmax

The blocks are post-norm (LayerNorm after each residual add), as in the paper; GPT-2 moved the
LayerNorm before each sub-layer (pre-norm) and dropped the encoder and cross-attention.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .attention import attention_pattern, attention_scores, merge_heads, split_heads


def sinusoidal_positions(T: int, C: int, device: torch.device | str | None = None) -> torch.Tensor:
    """The 2017 positional encoding, (T, C): PE[p, 2i] = sin(p / 10000^(2i/C)), PE[p, 2i+1] = cos(...).

    Nothing is learned: each position gets a fixed pattern of waves, fast ones in the first
    columns and slow ones in the last, so nearby positions look alike and any offset is a rotation.
    """
    if C % 2:
        raise ValueError(f"the sinusoidal encoding pairs sin and cos columns, so C must be even; got {C}.")
    pos = torch.arange(T, dtype=torch.float32, device=device)[:, None]  # (T, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, C, 2, dtype=torch.float32, device=device) / C)  # (C/2,)
    pe = torch.zeros(T, C, device=device)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe


@dataclass(frozen=True)
class Seq2SeqConfig:
    """Sizes of an encoder-decoder Transformer (the paper's base model: C=512, 8 heads, 6+6 layers, d_ff=2048)."""

    src_vocab_size: int
    tgt_vocab_size: int
    n_embd: int = 64
    n_head: int = 4
    n_enc_layer: int = 2
    n_dec_layer: int = 2
    d_ff: int = 256
    max_len: int = 64
    dropout: float = 0.0
    src_pad_id: int | None = None  # the source's padding token: padded positions get no attention

    def __post_init__(self) -> None:
        for name in ("src_vocab_size", "tgt_vocab_size", "n_embd", "n_head", "n_enc_layer", "n_dec_layer",
                     "d_ff", "max_len"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Seq2SeqConfig.{name} must be a positive whole number, got {value!r}.")
        if self.n_embd % self.n_head or self.n_embd % 2:
            raise ValueError(f"n_embd={self.n_embd} must be even and divisible by n_head={self.n_head}.")
        pad = self.src_pad_id
        if pad is not None and (isinstance(pad, bool) or not isinstance(pad, int)
                                or not 0 <= pad < self.src_vocab_size):
            raise ValueError(f"Seq2SeqConfig.src_pad_id must be a source token id in 0..{self.src_vocab_size - 1} "
                             f"or None (no padding), got {pad!r}.")


class MultiHeadAttention(nn.Module):
    """Multi-head attention whose queries come from x and whose keys and values come from `memory`.

    memory=None is self-attention (memory = x); causal=True masks the future (decoder self-attention
    only). With memory = the encoder's output it is cross-attention: (B, T, C) queries read
    (B, S, C) memory, and the pattern is (B, nh, T, S), one row per output position. key_mask,
    (B, S) bool with False at padding, gives the padded keys no attention (their pattern entries are 0).
    """

    def __init__(self, n_embd: int, n_head: int, dropout: float = 0.0):
        super().__init__()
        self.n_head = n_head
        self.q_proj = nn.Linear(n_embd, n_embd)
        self.k_proj = nn.Linear(n_embd, n_embd)
        self.v_proj = nn.Linear(n_embd, n_embd)
        self.out_proj = nn.Linear(n_embd, n_embd)  # the output matrix: all heads' value-up maps
        self.dropout = dropout

    def forward(self, x: torch.Tensor, memory: torch.Tensor | None = None, causal: bool = False,
                cache: dict[str, torch.Tensor] | None = None, name: str = "attn",
                key_mask: torch.Tensor | None = None) -> torch.Tensor:
        """x: (B, T, C), memory: (B, S, C) or None -> (B, T, C). A cache dict records f"{name}.pattern"."""
        if causal and memory is not None:
            raise ValueError("cross-attention is never causal: every output may read every input position.")
        if causal and key_mask is not None:
            raise ValueError("key_mask is for the source's padding (encoder and cross-attention), "
                             "not for causal attention.")
        source = x if memory is None else memory
        q = split_heads(self.q_proj(x), self.n_head)       # (B, nh, T, hs)
        k = split_heads(self.k_proj(source), self.n_head)  # (B, nh, S, hs)
        v = split_heads(self.v_proj(source), self.n_head)  # (B, nh, S, hs)
        keep = None if key_mask is None else key_mask[:, None, None, :]  # (B, 1, 1, S): True = a real token
        if cache is None:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, is_causal=causal,
                                               dropout_p=self.dropout if self.training else 0.0)
        else:
            if keep is None:
                pattern = attention_pattern(q, k, causal=causal)  # (B, nh, T, S), rows sum to 1
            else:
                pattern = torch.softmax(attention_scores(q, k).masked_fill(~keep, float("-inf")), dim=-1)
            cache[f"{name}.pattern"] = pattern
            y = pattern @ v
        return self.out_proj(merge_heads(y))


class FeedForward(nn.Module):
    """Linear -> ReLU -> Linear, applied to every position on its own (GPT-2 uses GELU instead)."""

    def __init__(self, n_embd: int, d_ff: int, dropout: float = 0.0):
        super().__init__()
        self.up = nn.Linear(n_embd, d_ff)
        self.down = nn.Linear(d_ff, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.down(torch.relu(self.up(x))))


class EncoderLayer(nn.Module):
    """Unmasked self-attention then feed-forward, each followed by add & norm (post-norm)."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(config.n_embd, config.n_head, config.dropout)
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.ffn = FeedForward(config.n_embd, config.d_ff, config.dropout)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, cache: dict | None = None, name: str = "encoder",
                src_mask: torch.Tensor | None = None) -> torch.Tensor:
        x = self.ln_1(x + self.drop(self.self_attn(x, cache=cache, name=f"{name}.self_attn", key_mask=src_mask)))
        return self.ln_2(x + self.ffn(x))


class DecoderLayer(nn.Module):
    """Masked self-attention, cross-attention to the encoder's output, feed-forward; add & norm after each."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(config.n_embd, config.n_head, config.dropout)
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.cross_attn = MultiHeadAttention(config.n_embd, config.n_head, config.dropout)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.ffn = FeedForward(config.n_embd, config.d_ff, config.dropout)
        self.ln_3 = nn.LayerNorm(config.n_embd)
        self.drop = nn.Dropout(config.dropout)

    def forward(self, y: torch.Tensor, memory: torch.Tensor, cache: dict | None = None,
                name: str = "decoder", src_mask: torch.Tensor | None = None) -> torch.Tensor:
        y = self.ln_1(y + self.drop(self.self_attn(y, causal=True, cache=cache, name=f"{name}.self_attn")))
        y = self.ln_2(y + self.drop(self.cross_attn(y, memory=memory, cache=cache, name=f"{name}.cross_attn",
                                                    key_mask=src_mask)))
        return self.ln_3(y + self.ffn(y))


class Seq2SeqTransformer(nn.Module):
    """Encoder-decoder Transformer: reads a whole source sequence, writes a target one token at a time."""

    def __init__(self, config: Seq2SeqConfig):
        super().__init__()
        self.config = config
        C = config.n_embd
        self.src_emb = nn.Embedding(config.src_vocab_size, C)
        self.tgt_emb = nn.Embedding(config.tgt_vocab_size, C)
        self.register_buffer("pe", sinusoidal_positions(config.max_len, C), persistent=False)
        self.drop = nn.Dropout(config.dropout)
        self.encoder = nn.ModuleList([EncoderLayer(config) for _ in range(config.n_enc_layer)])
        self.decoder = nn.ModuleList([DecoderLayer(config) for _ in range(config.n_dec_layer)])
        self.lm_head = nn.Linear(C, config.tgt_vocab_size)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    @property
    def device(self) -> torch.device:
        return self.src_emb.weight.device

    def _check_ids(self, ids: torch.Tensor, vocab_size: int, what: str) -> None:
        if not isinstance(ids, torch.Tensor) or ids.dim() != 2 or ids.dtype not in (torch.int64, torch.int32):
            raise ValueError(f"{what} must be a (batch, time) tensor of integer token ids, got "
                             f"{getattr(ids, 'shape', type(ids).__name__)}.")
        if ids.size(1) == 0 or ids.size(1) > self.config.max_len:
            raise ValueError(f"{what} has {ids.size(1)} tokens; this model handles 1 to {self.config.max_len}.")
        if int(ids.min()) < 0 or int(ids.max()) >= vocab_size:
            raise ValueError(f"{what} holds a token id outside 0..{vocab_size - 1}; encode it with the right tokenizer.")

    def _embed(self, emb: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        # The paper scales embeddings by sqrt(C) so they are not drowned by the +-1 positional waves.
        return self.drop(emb(ids) * math.sqrt(self.config.n_embd) + self.pe[: ids.size(1)])

    def source_mask(self, src: torch.Tensor) -> torch.Tensor | None:
        """(B, S) bool, False where src holds config.src_pad_id; None without a pad token (notebook 13).

        Pad sources at their end: the sinusoidal positions of the real tokens then stay where they were.
        """
        if self.config.src_pad_id is None:
            return None
        mask = src != self.config.src_pad_id
        if not bool(mask.any(-1).all()):
            raise ValueError(f"a source row is all padding (token {self.config.src_pad_id}): give every row "
                             f"at least one real token.")
        return mask

    def encode(self, src: torch.Tensor, cache: dict | None = None) -> torch.Tensor:
        """src: (B, S) ids -> memory (B, S, C), the LAST encoder layer's output.

        With config.src_pad_id set, no position attends to a padded one, so the memory at the real
        positions is what the unpadded source gives (the rows at padded positions mean nothing).
        """
        self._check_ids(src, self.config.src_vocab_size, "src")
        src_mask = self.source_mask(src)
        x = self._embed(self.src_emb, src)
        for i, layer in enumerate(self.encoder):
            x = layer(x, cache=cache, name=f"encoder.{i}", src_mask=src_mask)
        if cache is not None:
            cache["memory"] = x
        return x

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, cache: dict | None = None,
               src_mask: torch.Tensor | None = None) -> torch.Tensor:
        """tgt_in: (B, T) ids (outputs shifted right), memory: (B, S, C) -> logits (B, T, V_tgt).

        Every decoder layer cross-attends to the same memory: the output of the last encoder layer.
        src_mask (B, S), from source_mask(src), keeps cross-attention off the source's padding.
        """
        self._check_ids(tgt_in, self.config.tgt_vocab_size, "tgt_in")
        if memory.dim() != 3 or memory.size(0) != tgt_in.size(0):
            raise ValueError(f"memory must be (B, S, C) with the batch of tgt_in ({tgt_in.size(0)}), "
                             f"got {tuple(memory.shape)}.")
        y = self._embed(self.tgt_emb, tgt_in)
        for i, layer in enumerate(self.decoder):
            y = layer(y, memory, cache=cache, name=f"decoder.{i}", src_mask=src_mask)
        return self.lm_head(y)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor, targets: torch.Tensor | None = None,
                cache: dict | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(logits (B, T, V_tgt), loss or None). Targets equal to -100 (padding) are not graded."""
        logits = self.decode(tgt_in, self.encode(src, cache), cache, self.source_mask(src))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    @torch.no_grad()
    def run_with_cache(self, src: torch.Tensor, tgt_in: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Logits and named activations: "memory", "encoder.{i}.self_attn.pattern" (B, nh, S, S),
        "decoder.{i}.self_attn.pattern" (B, nh, T, T), "decoder.{i}.cross_attn.pattern" (B, nh, T, S)."""
        cache: dict[str, torch.Tensor] = {}
        logits, _ = self(src, tgt_in, cache=cache)
        return logits, cache

    def cross_attention(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """All cross-attention patterns, (n_dec_layer, B, nh, T, S): which input each output position reads."""
        _, cache = self.run_with_cache(src, tgt_in)
        return torch.stack([cache[f"decoder.{i}.cross_attn.pattern"] for i in range(self.config.n_dec_layer)])

    @torch.no_grad()
    def translate(self, src: torch.Tensor, bos_id: int, eos_id: int, max_new_tokens: int = 32) -> torch.Tensor:
        """Greedy decoding: encode once, then add the most likely token until every row wrote eos_id.

        Returns (B, T) new ids, starting after the start token; rows that finished early are padded
        with eos_id. The encoder runs once; only the decoder runs again for every new token.
        """
        was_training = self.training
        self.eval()
        memory, src_mask = self.encode(src), self.source_mask(src)
        out = torch.full((src.size(0), 1), bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros(src.size(0), dtype=torch.bool, device=src.device)
        for _ in range(min(max_new_tokens, self.config.max_len - 1)):
            nxt = self.decode(out, memory, src_mask=src_mask)[:, -1].argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)
            done |= nxt == eos_id
            out = torch.cat([out, nxt[:, None]], dim=1)
            if bool(done.all()):
                break
        self.train(was_training)
        return out[:, 1:]


def strip_after(ids: Sequence[int], eos_id: int) -> list[int]:
    """The ids before the first eos_id (all of them if there is none)."""
    ids = list(ids)
    return ids[: ids.index(eos_id)] if eos_id in ids else ids


def translate_text(model: Seq2SeqTransformer, src_tok, tgt_tok, text: str, bos: str, eos: str,
                   max_new_tokens: int = 32) -> tuple[str, list[str], torch.Tensor]:
    """Translate one string greedily; returns (output text, output tokens shown, cross-attention).

    The cross-attention is (n_dec_layer, nh, T_out, S): row t is what the decoder looked at while
    predicting output token t (the end token included, when it was produced). Unknown characters
    or a text longer than the model's max_len raise ValueError saying what to change.
    """
    if not isinstance(text, str) or not text:
        raise ValueError("type some input text first.")
    if len(text) > model.config.max_len:
        raise ValueError(f"the input has {len(text)} characters; this model reads at most {model.config.max_len}.")
    src = torch.tensor([src_tok.encode(text)], device=model.device)
    bos_id, eos_id = tgt_tok.encode(bos)[0], tgt_tok.encode(eos)[0]
    new = model.translate(src, bos_id, eos_id, max_new_tokens)[0].tolist()
    answer = strip_after(new, eos_id)
    shown = new[: len(answer) + 1] if eos_id in new else answer  # keep the end token's row too
    if not shown:
        raise ValueError("max_new_tokens must be at least 1 to produce any output.")
    tgt_in = torch.tensor([[bos_id] + shown[:-1]], device=model.device)  # row t predicts shown[t]
    pattern = model.cross_attention(src, tgt_in)[:, 0]  # (n_dec_layer, nh, T_out, S)
    return tgt_tok.decode(answer), [tgt_tok.decode([i]) for i in shown], pattern


# ---------------------------------------------------------------------------------------------
# Training with gptlab.train.train (notebook 13)


def seq2seq_batches(examples: Sequence, make_batch: Callable[[list], tuple[torch.Tensor, ...]],
                    batch_size: int) -> Callable[[int, torch.Generator], tuple[torch.Tensor, ...]]:
    """A batch_fn for gptlab.train.train: batch_size different examples, drawn with the loop's generator,
    turned into (src, tgt_in, targets) by make_batch."""
    def batch_fn(step: int, generator: torch.Generator) -> tuple[torch.Tensor, ...]:
        picks = torch.randperm(len(examples), generator=generator)[:batch_size].tolist()
        return make_batch([examples[i] for i in picks])

    return batch_fn


def seq2seq_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """The loss_fn for gptlab.train.train: the translator's cross-entropy on (src, tgt_in, targets)."""
    src, tgt_in, targets = batch
    return model(src, tgt_in, targets)[1]

