"""gptlab.prepare: token ids on disk (python -m gptlab.train, the training-beyond-one-machine notebook)."""
import json
import sys

import numpy as np
import pytest
import torch

from gptlab.data import TokenData
from gptlab.prepare import MemmapData, documents, dtype_for, main, prepare, safe_chunks
from gptlab.tokenizers import CharTokenizer, gpt2

# Runs of spaces and newlines, digits, accents, an emoji (4 UTF-8 bytes) and a literal <|endoftext|>:
# the places where cutting a text into chunks could change GPT-2's ids.
TRICKY = ("ROMEO:\nBut, soft!   what light\n\n\nthrough yonder window breaks?  \n\t It's 1597, "
          "café naïve — 😀😀 <|endoftext|> isn't special here.\n\nJULIET:\nAy me!\n") * 3


def _ids(folder):
    meta = json.loads((folder / "meta.json").read_text())
    dtype = np.dtype(meta["dtype"])
    train = np.fromfile(folder / "train.bin", dtype=dtype)
    val = np.fromfile(folder / "val.bin", dtype=dtype)
    return meta, train, val


def test_gpt2_round_trip_is_exact_across_chunk_cuts(tmp_path):
    source = tmp_path / "text.txt"
    source.write_text(TRICKY, encoding="utf-8")
    expected = gpt2().encode_ordinary(TRICKY)
    for chunk_chars in (5, 23, 1 << 20):  # 5 bytes read at a time splits the emoji's bytes too
        out = tmp_path / f"out{chunk_chars}"
        written = prepare(source, "gpt2", out, val_fraction=0.2, chunk_chars=chunk_chars)
        meta, train, val = _ids(out)
        assert meta == written
        assert train.dtype == np.uint16 and meta["dtype"] == "uint16" and meta["vocab_size"] == 50257
        assert np.concatenate([train, val]).tolist() == expected
        assert len(train) == int(len(expected) * 0.8) == meta["train_tokens"]
        assert meta["val_tokens"] == len(val) and meta["tokenizer"] == "gpt2" and "chars" not in meta
        assert (out / "train.bin").stat().st_size == 2 * len(train)
        assert sorted(p.name for p in out.iterdir()) == ["meta.json", "train.bin", "val.bin"]


def test_char_round_trip_and_vocabulary(tmp_path):
    source = tmp_path / "text.txt"
    source.write_text(TRICKY, encoding="utf-8")
    meta = prepare(source, "char", tmp_path / "out", val_fraction=0.1, chunk_chars=7)
    _, train, val = _ids(tmp_path / "out")
    tok = CharTokenizer.from_text(TRICKY)
    assert meta["chars"] == "".join(tok.chars) and meta["vocab_size"] == tok.vocab_size
    assert np.concatenate([train, val]).tolist() == tok.encode(TRICKY)
    data = MemmapData(tmp_path / "out")
    assert data.tokenizer().decode(data.split("val").tolist()) == TRICKY[len(train):]


def test_folder_documents_are_separated_by_endoftext(tmp_path):
    folder = tmp_path / "texts"
    (folder / "b").mkdir(parents=True)
    (folder / "a.txt").write_text("First document.\n")
    (folder / "b" / "c.md").write_text("Second one")
    (folder / "ignored.bin").write_bytes(b"\x00\x01")
    meta = prepare(folder, "gpt2", tmp_path / "out", val_fraction=0.3)
    _, train, val = _ids(tmp_path / "out")
    enc = gpt2()
    assert np.concatenate([train, val]).tolist() == enc.encode_ordinary("First document.\n") + [50256] + \
        enc.encode_ordinary("Second one")
    assert meta["source"] == str(folder)


def test_safe_chunks_cut_only_between_a_word_and_a_space():
    pieces = list(safe_chunks(iter(["abc  def\n\n", "ghi jkl"]), chunk_chars=4))
    assert "".join(pieces) == "abc  def\n\nghi jkl"
    assert all(p[-1] not in " \n" for p in pieces[:-1])
    assert list(safe_chunks(iter(["x" * 10, "y z"]), chunk_chars=4)) == ["x" * 10 + "y", " z"]  # waits for a cut
    assert list(safe_chunks(iter(["x"] * 70), chunk_chars=4)) == ["x" * 64, "x" * 6]  # 16 chunks: cut anyway


def test_shakespeare_source_is_the_38_plays():
    from gptlab.data import shakespeare

    assert "".join(c for doc in documents("shakespeare", 1 << 22)() for c in doc) == shakespeare()


def test_batches_mean_what_token_data_batches_mean(tmp_path):
    source = tmp_path / "text.txt"
    source.write_text(TRICKY, encoding="utf-8")
    prepare(source, "gpt2", tmp_path / "out", val_fraction=0.25)
    data = MemmapData(tmp_path / "out")
    reference = TokenData.from_ids(gpt2().encode_ordinary(TRICKY), val_fraction=0.25)
    assert data.vocab_size == 50257 and data.tokenizer() is gpt2()
    for split in ("train", "val"):
        g1, g2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
        for _ in range(3):
            x, y = data.batch(split, 4, 8, g1)
            rx, ry = reference.batch(split, 4, 8, g2)
            assert x.dtype == y.dtype == torch.long and x.shape == (4, 8)
            assert torch.equal(x, rx) and torch.equal(y, ry)
            assert torch.equal(y[:, :-1], x[:, 1:])


def test_uint32_when_the_vocabulary_does_not_fit_uint16():
    assert dtype_for(65536) == np.uint16 and dtype_for(65537) == np.uint32
    with pytest.raises(ValueError, match="vocab_size"):
        dtype_for(0)


def test_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        MemmapData(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="meta.json, train.bin, val.bin.*gptlab.prepare"):
        MemmapData(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        prepare(tmp_path / "missing.txt", "gpt2", tmp_path / "out")
    with pytest.raises(FileNotFoundError, match="no text files"):
        prepare(tmp_path / "empty", "char", tmp_path / "out")
    with pytest.raises(ValueError, match="tokenizer"):
        prepare("shakespeare", "words", tmp_path / "out")
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("a")
    with pytest.raises(ValueError, match="too few"):
        prepare(tiny, "char", tmp_path / "out")

    source = tmp_path / "text.txt"
    source.write_text("to be or not to be, that is the question\n")
    prepare(source, "char", tmp_path / "ok")
    data = MemmapData(tmp_path / "ok")
    with pytest.raises(ValueError, match="val split .* block_size \\+ 1 = 9"):
        data.batch("val", 2, 8)
    with pytest.raises(ValueError, match="split"):
        data.batch("test", 2, 4)
    meta = json.loads((tmp_path / "ok" / "meta.json").read_text())
    (tmp_path / "ok" / "meta.json").write_text(json.dumps({**meta, "vocab_size": 70000}))
    with pytest.raises(ValueError, match="70000 tokens does not fit in uint16"):
        MemmapData(tmp_path / "ok")
    (tmp_path / "ok" / "meta.json").write_text(json.dumps(meta))
    with (tmp_path / "ok" / "train.bin").open("ab") as f:
        f.write(b"\x00\x00")
    with pytest.raises(ValueError, match="truncated or from another run"):
        MemmapData(tmp_path / "ok")


def test_command_line(tmp_path, capsys):
    source = tmp_path / "text.txt"
    source.write_text(TRICKY)
    meta = main([str(source), "--tokenizer", "gpt2", "--out", str(tmp_path / "out"), "--val-fraction", "0.5", "--quiet"])
    assert meta["val_tokens"] == len(gpt2().encode_ordinary(TRICKY)) - meta["train_tokens"]
    assert MemmapData(tmp_path / "out").meta == meta
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path / "missing.txt"), "--tokenizer", "char", "--out", str(tmp_path / "x"), "--quiet"])
    assert stop.value.code == 2 and "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--tokenizer", "char", "--out", str(tmp_path / "x")])  # neither a source nor --hf-dataset


def test_hugging_face_dataset_offline(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = ["The first record.", "A second, longer record\n\nwith two paragraphs.", "Third."]
    datasets.Dataset.from_dict({"text": texts, "id": [1, 2, 3]}).save_to_disk(str(tmp_path / "ds"))
    meta = prepare(None, "gpt2", tmp_path / "out", val_fraction=0.2, hf_dataset=str(tmp_path / "ds"))
    _, train, val = _ids(tmp_path / "out")
    enc = gpt2()
    expected = enc.encode_ordinary(texts[0]) + [50256] + enc.encode_ordinary(texts[1]) + [50256] + \
        enc.encode_ordinary(texts[2])
    assert np.concatenate([train, val]).tolist() == expected
    assert meta["source"] == f"hf:{tmp_path / 'ds'}:train"
    prepare(None, "char", tmp_path / "chars", hf_dataset=str(tmp_path / "ds"))
    assert MemmapData(tmp_path / "chars").meta["chars"] == "".join(sorted(set("".join(texts))))
    with pytest.raises(ValueError, match="no column 'content'.*--hf-text-field"):
        prepare(None, "gpt2", tmp_path / "x", hf_dataset=str(tmp_path / "ds"), hf_text_field="content")


def test_a_missing_datasets_library_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasets", None)  # makes `import datasets` fail
    with pytest.raises(RuntimeError, match="needs the 'datasets' library"):
        prepare(None, "gpt2", tmp_path / "out", hf_dataset="HuggingFaceFW/fineweb-edu")
