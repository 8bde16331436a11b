"""Token ids on disk, memory-mapped for training (`python -m gptlab.train`; the training-beyond-one-machine notebook).

    python -m gptlab.prepare shakespeare --tokenizer gpt2 --out data/shakespeare-bpe
    python -m gptlab.prepare my_texts/ --tokenizer char --out data/mine --val-fraction 0.05
    python -m gptlab.prepare --hf-dataset HuggingFaceFW/fineweb-edu --hf-config sample-10BT --tokenizer gpt2 --out data/fw

writes DIR/train.bin and DIR/val.bin (the token ids, flat, np.uint16 when the vocabulary fits in 65,536
ids, as GPT-2's 50,257 do, else np.uint32) and DIR/meta.json (tokenizer, vocab_size, dtype, the
characters of a char vocabulary, token counts, source). The text is read and tokenized a chunk at a
time, so a corpus of gigabytes needs no more memory than one chunk; `MemmapData` then reads only the
windows a batch asks for, the way nanoGPT's train.py reads its .bin files.

As in `gptlab.data.train_val_split`, the first (1 - val_fraction) of the tokens train and the rest
validate. Several documents (the files of a folder, the records of a Hugging Face dataset) are joined
in order; with GPT-2's tokenizer an <|endoftext|> token separates them, as in GPT-2's own training data.
"""
from __future__ import annotations

import argparse
import codecs
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import torch

from .tokenizers import ENDOFTEXT, CharTokenizer, gpt2

TOKENIZERS = ("char", "gpt2")
CHUNK_CHARS = 1 << 20  # about a million characters (a quarter of a million GPT-2 tokens) at a time
TEXT_SUFFIXES = (".txt", ".md", ".text")


def dtype_for(vocab_size: int) -> np.dtype:
    """The smallest unsigned type that holds every id: uint16 up to 65,536 tokens, else uint32."""
    if not 0 < vocab_size <= 1 << 32:
        raise ValueError(f"vocab_size must lie in 1..{1 << 32}, got {vocab_size}.")
    return np.dtype(np.uint16 if vocab_size <= 1 << 16 else np.uint32)


# ---------------------------------------------------------------------------------------------
# Reading text a chunk at a time


def text_files(folder: Path) -> list[Path]:
    """The text files (.txt, .md, .text) under a folder, at any depth, in sorted order."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        raise FileNotFoundError(f"no text files ({', '.join(TEXT_SUFFIXES)}) under {folder}; "
                                "point at a text file or a folder that holds some.")
    return files


def _read_file(path: Path, chunk_chars: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")()  # a character split across two reads stays whole
    with path.open("rb") as f:
        while block := f.read(chunk_chars):
            if text := decoder.decode(block):
                yield text
    if tail := decoder.decode(b"", final=True):
        yield tail


def _slices(text: str, chunk_chars: int) -> Iterator[str]:
    for start in range(0, len(text), chunk_chars):
        yield text[start:start + chunk_chars]


def documents(source: str | os.PathLike, chunk_chars: int = CHUNK_CHARS) -> Callable[[], Iterator[Iterator[str]]]:
    """A function that yields each document of `source` as an iterator of text chunks (callable again
    for a second pass). `source` is "shakespeare" (the 38 plays of `gptlab.data.shakespeare()`, one
    document), a text file (one document) or a folder (each text file one document)."""
    if str(source) == "shakespeare":
        from .data import shakespeare

        return lambda: iter([_slices(shakespeare(), chunk_chars)])
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; pass a text file, a folder of text files, or 'shakespeare'.")
    files = text_files(path) if path.is_dir() else [path]
    return lambda: (_read_file(f, chunk_chars) for f in files)


def hf_documents(name: str, split: str = "train", text_field: str = "text", config: str | None = None,
                 batch_size: int = 1000) -> Callable[[], Iterator[Iterator[str]]]:
    """The records of a Hugging Face dataset, each one document, through the `datasets` library.

    `name` is a dataset on the hub (downloaded into datasets' own cache, needs a network) or a folder
    written by `Dataset.save_to_disk` (read from disk, no network).
    """
    try:
        import datasets
    except ImportError as error:
        raise RuntimeError(f"--hf-dataset needs the 'datasets' library ({error}): `pip install -r requirements.txt` "
                           "(or `pip install datasets`), or save the texts as files and pass their folder.") from None
    if Path(name).is_dir():
        loaded = datasets.load_from_disk(name)
        dataset = loaded[split] if isinstance(loaded, datasets.DatasetDict) else loaded
    else:
        dataset = datasets.load_dataset(name, config, split=split)
    if text_field not in dataset.column_names:
        raise ValueError(f"the dataset has no column {text_field!r}; its columns are {dataset.column_names}: "
                         "pick one with --hf-text-field.")

    def records() -> Iterator[Iterator[str]]:
        for batch in dataset.select_columns([text_field]).iter(batch_size=batch_size):
            for text in batch[text_field]:
                yield iter([text])

    return records


def safe_chunks(chunks: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """Re-cut a stream of text so every cut falls between a non-space character and a space or newline.

    GPT-2 splits text into pieces (words with their leading space, numbers, punctuation, whitespace)
    before merging, and no piece crosses such a point, so encoding the chunks one by one gives exactly
    the ids of encoding the whole text. Text with no such point grows until 16 chunks long and is then
    cut where it ends (one unbroken "word" of 16 million characters), the only place ids could differ.
    """
    carry = ""
    for chunk in chunks:
        carry += chunk
        if len(carry) < chunk_chars:
            continue
        cut = _last_cut(carry)
        if cut == 0:
            if len(carry) < 16 * chunk_chars:
                continue
            cut = len(carry)
        yield carry[:cut]
        carry = carry[cut:]
    if carry:
        yield carry


def _last_cut(text: str) -> int:
    for i in range(len(text) - 1, 0, -1):
        if text[i] in " \n" and not text[i - 1].isspace():
            return i
    return 0


# ---------------------------------------------------------------------------------------------
# Writing train.bin, val.bin and meta.json


def prepare(source: str | os.PathLike | None, tokenizer: str, out: str | os.PathLike, val_fraction: float = 0.1,
            hf_dataset: str | None = None, hf_split: str = "train", hf_text_field: str = "text",
            hf_config: str | None = None, chunk_chars: int = CHUNK_CHARS, progress: bool = False) -> dict[str, Any]:
    """Tokenize `source` (see `documents`) or a Hugging Face dataset into out/{train,val}.bin and meta.json.

    Returns the metadata written. `python -m gptlab.train` and the training-beyond-one-machine notebook read
    the folder with MemmapData.
    """
    if tokenizer not in TOKENIZERS:
        raise ValueError(f"tokenizer must be one of {TOKENIZERS}, got {tokenizer!r}.")
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}.")
    if (source is None) == (hf_dataset is None):
        raise ValueError("give exactly one of a source (text file, folder or 'shakespeare') and --hf-dataset.")
    if chunk_chars < 1:
        raise ValueError(f"chunk_chars must be at least 1, got {chunk_chars}.")
    docs = (hf_documents(hf_dataset, hf_split, hf_text_field, hf_config) if hf_dataset is not None
            else documents(source, chunk_chars))
    label = f"hf:{hf_dataset}" + (f"/{hf_config}" if hf_config else "") + f":{hf_split}" if hf_dataset else str(source)

    meta: dict[str, Any] = {"tokenizer": tokenizer}
    if tokenizer == "char":
        chars: set[str] = set()
        for doc in docs():  # a first pass finds the vocabulary, a chunk at a time
            for chunk in doc:
                chars.update(chunk)
        if not chars:
            raise ValueError(f"{label} holds no text; a character vocabulary needs at least one character.")
        char_tok = CharTokenizer(sorted(chars))
        encode: Callable[[str], list[int]] = char_tok.encode
        separator: list[int] = []
        meta.update(vocab_size=char_tok.vocab_size, chars="".join(char_tok.chars))
    else:
        enc = gpt2()
        encode = enc.encode_ordinary  # "<|endoftext|>" inside a text is just text; only we add the token
        separator = [enc.encode_single_token(ENDOFTEXT)]
        meta.update(vocab_size=enc.n_vocab)
    dtype = dtype_for(meta["vocab_size"])
    meta["dtype"] = dtype.name

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    whole = folder / "tokens.bin.part"
    total = 0
    bar = _bar(progress, label)
    try:
        with whole.open("wb") as f:
            for i, doc in enumerate(docs()):
                if i and separator:
                    f.write(np.asarray(separator, dtype=dtype).tobytes())
                    total += len(separator)
                for chunk in safe_chunks(doc, chunk_chars):
                    ids = np.asarray(encode(chunk), dtype=dtype)
                    f.write(ids.tobytes())
                    total += len(ids)
                    bar.update(len(chunk))
        n_train = int(total * (1 - val_fraction))  # the same cut as gptlab.data.train_val_split
        if n_train == 0 or n_train == total:
            raise ValueError(f"{label} gives {total} tokens, too few to split into a train and a validation "
                             f"part with val_fraction={val_fraction}; use more text.")
        _split_file(whole, folder / "train.bin", folder / "val.bin", n_train * dtype.itemsize)
    finally:
        bar.close()
        whole.unlink(missing_ok=True)
    meta.update(train_tokens=n_train, val_tokens=total - n_train, source=label)
    tmp = folder / "meta.json.part"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "meta.json")  # written last: a folder with meta.json is complete
    return meta


def _split_file(whole: Path, head: Path, tail: Path, cut: int, block: int = 1 << 24) -> None:
    """Move the bytes of `whole` after `cut` into `tail`, and the first `cut` bytes become `head`."""
    with whole.open("r+b") as src, tail.open("wb") as dst:
        src.seek(cut)
        while data := src.read(block):
            dst.write(data)
        src.truncate(cut)
    os.replace(whole, head)


def _bar(progress: bool, label: str):
    from tqdm.auto import tqdm

    return tqdm(desc=f"tokenizing {label}", unit="char", unit_scale=True, disable=not progress, mininterval=1.0)


# ---------------------------------------------------------------------------------------------
# Reading it back


class MemmapData:
    """The train.bin and val.bin of a prepared folder, memory-mapped: batches read only their windows.

    `batch` means what `gptlab.data.TokenData.batch` means (the same random windows for the same
    generator), so the training loop of notebook 10 takes either.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        how = "make it with `python -m gptlab.prepare TEXT_OR_FOLDER --tokenizer gpt2|char --out DIR`"
        if not self.folder.is_dir():
            raise FileNotFoundError(f"data folder {self.folder} does not exist; {how}.")
        missing = [n for n in ("meta.json", "train.bin", "val.bin") if not (self.folder / n).is_file()]
        if missing:
            raise FileNotFoundError(f"{self.folder} lacks {', '.join(missing)}; {how}.")
        self.meta: dict[str, Any] = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        for key in ("tokenizer", "vocab_size", "dtype"):
            if key not in self.meta:
                raise ValueError(f"{self.folder / 'meta.json'} has no {key!r}; {how}.")
        if self.meta["dtype"] not in ("uint16", "uint32"):
            raise ValueError(f"{self.folder / 'meta.json'}: dtype must be 'uint16' or 'uint32', got {self.meta['dtype']!r}.")
        self.dtype = np.dtype(self.meta["dtype"])
        limit = int(np.iinfo(self.dtype).max) + 1
        if self.vocab_size > limit:
            raise ValueError(f"{self.folder}: a vocabulary of {self.vocab_size} tokens does not fit in {self.dtype.name} "
                             f"(at most {limit} ids); prepare the data again, which picks uint32 for it.")
        self._splits = {split: self._map(split) for split in ("train", "val")}

    def _map(self, split: str) -> np.ndarray:
        path = self.folder / f"{split}.bin"
        size = path.stat().st_size
        expected = self.meta.get(f"{split}_tokens")
        if size % self.dtype.itemsize or (expected is not None and size != expected * self.dtype.itemsize):
            raise ValueError(f"{path} has {size} bytes, not the {expected} {self.dtype.name} tokens meta.json "
                             "records: it is truncated or from another run; prepare the data again.")
        if size == 0:
            return np.zeros(0, dtype=self.dtype)  # np.memmap refuses an empty file
        return np.memmap(path, dtype=self.dtype, mode="r")

    @property
    def vocab_size(self) -> int:
        return int(self.meta["vocab_size"])

    def __len__(self) -> int:
        return sum(len(s) for s in self._splits.values())

    def __repr__(self) -> str:
        return (f"MemmapData({str(self.folder)!r}, tokenizer={self.meta['tokenizer']!r}, vocab_size={self.vocab_size}, "
                f"train={len(self._splits['train']):,}, val={len(self._splits['val']):,})")

    def split(self, name: str) -> np.ndarray:
        """The memory-mapped token ids of 'train' or 'val'."""
        if name not in self._splits:
            raise ValueError(f"split must be 'train' or 'val', got {name!r}.")
        return self._splits[name]

    def batch(self, split: str, batch_size: int, block_size: int, generator: torch.Generator | None = None,
              device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
        """x, y of shape (B, T), int64: random windows of `split` and the same windows shifted by one."""
        data = self.split(split)
        if len(data) < block_size + 1:
            raise ValueError(f"the {split} split of {self.folder} has {len(data)} tokens; a window needs "
                             f"block_size + 1 = {block_size + 1}: use a smaller block_size, more text or a larger "
                             "--val-fraction.")
        # the same draw as gptlab.data.get_batch, so a generator picks the same windows from either
        starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator).numpy()
        windows = torch.from_numpy(data[starts[:, None] + np.arange(block_size + 1)].astype(np.int64))
        x, y = windows[:, :-1], windows[:, 1:]
        if torch.device(device).type == "cuda":
            return x.pin_memory().to(device, non_blocking=True), y.pin_memory().to(device, non_blocking=True)
        return x.to(device), y.to(device)

    def tokenizer(self):
        """The tokenizer the ids came from: a CharTokenizer of meta's characters, or GPT-2's tiktoken encoder."""
        if self.meta["tokenizer"] == "gpt2":
            return gpt2()
        if self.meta["tokenizer"] == "char":
            return CharTokenizer(self.meta["chars"])
        raise ValueError(f"{self.folder / 'meta.json'}: unknown tokenizer {self.meta['tokenizer']!r}; "
                         f"expected one of {TOKENIZERS}.")


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m gptlab.prepare", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", help="a text file, a folder of .txt/.md files, or 'shakespeare'")
    parser.add_argument("--tokenizer", choices=TOKENIZERS, required=True)
    parser.add_argument("--out", required=True, help="folder for train.bin, val.bin and meta.json")
    parser.add_argument("--val-fraction", type=float, default=0.1)
    parser.add_argument("--hf-dataset", help="a Hugging Face dataset name (or a save_to_disk folder) instead of a source")
    parser.add_argument("--hf-config", default=None, help="the dataset's configuration, e.g. sample-10BT")
    parser.add_argument("--hf-split", default="train")
    parser.add_argument("--hf-text-field", default="text")
    parser.add_argument("--chunk-chars", type=int, default=CHUNK_CHARS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if (args.source is None) == (args.hf_dataset is None):
        parser.error("give a source (text file, folder or 'shakespeare') or --hf-dataset NAME, not both.")
    try:
        meta = prepare(args.source, args.tokenizer, args.out, args.val_fraction, args.hf_dataset, args.hf_split,
                       args.hf_text_field, args.hf_config, args.chunk_chars, progress=not args.quiet)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        parser.exit(2, f"error: {error}\n")
    print(f"{meta['source']}: {meta['train_tokens']:,} train + {meta['val_tokens']:,} val {meta['tokenizer']} tokens "
          f"({meta['dtype']}, vocabulary {meta['vocab_size']:,}) -> {Path(args.out)}")
    return meta


if __name__ == "__main__":
    main()
