"""gptlab.pretrained.gpt2 against a local HTTP server serving a small random GPT-2-shaped checkpoint."""
import hashlib
import http.server
import socket
import threading

import pytest
import torch

from gptlab.config import GPTConfig
from gptlab.data import DownloadError
from gptlab.pretrained import GPT2_REVISION, GPT2_WEIGHTS, gpt2, hf_gpt2_keys
from gptlab.tokenizers import gpt2 as gpt2_tokenizer

transformers = pytest.importorskip("transformers")
safetensors_torch = pytest.importorskip("safetensors.torch")

SHAPE = dict(n_positions=32, n_embd=16, n_layer=2, n_head=2)  # GPT-2's vocabulary, a tiny body
CONFIG = GPTConfig(block_size=32, vocab_size=50257, n_layer=2, n_head=2, n_embd=16, activation="gelu_tanh")


@pytest.fixture(scope="module")
def checkpoint():
    """(transformers model, safetensors bytes named as OpenAI's file names them: no 'transformer.', no lm_head)."""
    torch.manual_seed(0)
    hf = transformers.GPT2LMHeadModel(transformers.GPT2Config(vocab_size=50257, resid_pdrop=0.0, embd_pdrop=0.0,
                                                              attn_pdrop=0.0, **SHAPE)).eval()
    tensors = {k.removeprefix("transformer."): v.contiguous() for k, v in hf.state_dict().items()
               if k != "lm_head.weight"}
    return hf, safetensors_torch.save(tensors)


class _RangeServer(http.server.ThreadingHTTPServer):
    payload = b""
    honour_range = True
    drop_after = 0  # > 0: the next response stops after this many bytes, as a lost connection does
    ranges: list


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        data, wanted = self.server.payload, self.headers.get("Range")
        self.server.ranges.append(wanted)
        start = int(wanted.removeprefix("bytes=").removesuffix("-")) if wanted and self.server.honour_range else 0
        if start >= len(data) and start:
            self.send_response(416)
            self.end_headers()
            return
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        if self.server.drop_after:
            self.wfile.write(data[start:start + self.server.drop_after])
            self.server.drop_after = 0
            self.close_connection = True
            return
        self.wfile.write(data[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(checkpoint):
    httpd = _RangeServer(("127.0.0.1", 0), _Handler)
    httpd.payload, httpd.ranges = checkpoint[1], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}/model.safetensors"


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/model.safetensors"  # nothing listens: connection refused


def _load(url, sha256, cache, **kw):
    return gpt2(cache_dir=cache, url=url, sha256=sha256, config=CONFIG, progress=False, **kw)


def test_downloads_and_loads_the_same_logits_as_transformers(checkpoint, server, tmp_path):
    hf, payload = checkpoint
    sha = hashlib.sha256(payload).hexdigest()
    model, enc = _load(_url(server), sha, tmp_path, nbytes=len(payload))
    assert enc is gpt2_tokenizer() and not model.training
    ids = torch.tensor([enc.encode("But, soft! what light through yonder window breaks?")])
    with torch.no_grad():
        expected = hf(ids).logits
        logits, _ = model(ids)
    assert torch.allclose(logits, expected, atol=1e-4)
    assert (tmp_path / "gpt2-124M.safetensors").read_bytes() == payload
    assert server.ranges == [None]
    again, _ = _load(_closed_port_url(), sha, tmp_path)  # cached: no network needed
    assert torch.equal(again.transformer.wte.weight, model.transformer.wte.weight)


def test_resumes_a_partial_download_with_a_range_request(checkpoint, server, tmp_path):
    payload = checkpoint[1]
    sha = hashlib.sha256(payload).hexdigest()
    (tmp_path / "gpt2-124M.safetensors.part").write_bytes(payload[:1000])
    _load(_url(server), sha, tmp_path, nbytes=len(payload))
    assert server.ranges == ["bytes=1000-"]
    assert (tmp_path / "gpt2-124M.safetensors").read_bytes() == payload
    assert not (tmp_path / "gpt2-124M.safetensors.part").exists()
    # a server that ignores Range sends everything again: the part is rewritten, not appended to
    server.honour_range, server.ranges = False, []
    (tmp_path / "gpt2-124M.safetensors").unlink()
    (tmp_path / "gpt2-124M.safetensors.part").write_bytes(payload[:1000])
    _load(_url(server), sha, tmp_path)
    assert server.ranges == ["bytes=1000-"] and (tmp_path / "gpt2-124M.safetensors").read_bytes() == payload


def test_a_lost_connection_keeps_the_part_and_the_next_call_resumes(checkpoint, server, tmp_path):
    payload = checkpoint[1]
    sha = hashlib.sha256(payload).hexdigest()
    server.drop_after = 5000
    with pytest.raises(DownloadError, match="resumes after the 5,000 bytes"):
        _load(_url(server), sha, tmp_path, nbytes=len(payload))
    assert (tmp_path / "gpt2-124M.safetensors.part").read_bytes() == payload[:5000]
    assert not (tmp_path / "gpt2-124M.safetensors").exists()
    model, _ = _load(_url(server), sha, tmp_path, nbytes=len(payload))
    assert server.ranges == [None, "bytes=5000-"]
    assert (tmp_path / "gpt2-124M.safetensors").read_bytes() == payload


def test_rejects_a_wrong_hash_or_size_and_keeps_nothing(checkpoint, server, tmp_path):
    payload = checkpoint[1]
    with pytest.raises(DownloadError, match="(?s)expected 0000.*by hand"):
        _load(_url(server), "0" * 64, tmp_path)
    with pytest.raises(DownloadError, match=f"gave {len(payload):,} bytes, expected 12"):
        _load(_url(server), hashlib.sha256(payload).hexdigest(), tmp_path, nbytes=12)
    assert list(tmp_path.iterdir()) == []


def test_offline_says_how_to_get_the_file_by_hand(tmp_path):
    url = _closed_port_url()
    with pytest.raises(DownloadError) as error:
        _load(url, "a" * 64, tmp_path)
    message = str(error.value)
    assert "could not download" in message and url in message and "by hand" in message
    assert str(tmp_path / "gpt2-124M.safetensors") in message and "a" * 64 in message


def test_pinned_file_and_names():
    url, sha, nbytes = GPT2_WEIGHTS["124M"]
    assert GPT2_REVISION in url and url.endswith("/model.safetensors") and len(sha) == 64 and nbytes == 548_105_171
    with pytest.raises(ValueError, match="124M"):
        gpt2("7B")
    named = hf_gpt2_keys({"wte.weight": torch.zeros(3, 2), "h.0.ln_1.weight": torch.ones(2)})
    assert set(named) == {"transformer.wte.weight", "transformer.h.0.ln_1.weight", "lm_head.weight"}
    assert named["lm_head.weight"] is named["transformer.wte.weight"]
