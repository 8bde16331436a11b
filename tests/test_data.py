import http.server
import threading
from functools import partial

import pytest
import torch

from gptlab.data import (DownloadError, TokenData, download, get_batch, play_files, play_titles, play_to_text, shakespeare,
                         train_val_split)


def test_shakespeare_corpus():
    text = shakespeare()
    assert len(play_files()) == 38
    assert len(text) == 4_800_394  # exactly: tests/test_corpus.py checks each play's speakers too
    assert "ROMEO:\nBut, soft! what light through yonder window breaks?\n" in text
    for junk in ("**", "_", "#", "[", "\\"):
        assert junk not in text


def test_play_titles_name_every_play():
    titles = play_titles()
    assert len(titles) == 38 and titles[-4:] == ["Macbeth", "Othello", "Romeo and Juliet", "Timon of Athens"]
    assert "Measure for Measure" in titles  # its file has no title line
    assert not any(t.startswith(("#", "ACT")) for t in titles)


def test_play_to_text_drops_directions():
    md = ("# A Play\n\n## ACT I\n\n_Enter A and\nB_\n\n**A**  \nHello there,  \n_\\[Aside]_  \nfriend.\n\n"
          "**B**  \nHi.\n\n_Exeunt_\n")
    assert play_to_text(md) == "A:\nHello there,\nfriend.\n\nB:\nHi.\n\n"


def test_split_and_batches():
    tokens = torch.arange(100)
    train, val = train_val_split(tokens, 0.1)
    assert len(train) == 90 and int(val[0]) == 90
    g = torch.Generator().manual_seed(0)
    x, y = get_batch(train, 4, 8, g)
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(y[:, :-1], x[:, 1:]) and torch.equal(y, x + 1)
    with pytest.raises(ValueError, match="block_size"):
        get_batch(torch.arange(5), 2, 8)
    data = TokenData.from_ids(list(range(50)))
    with pytest.raises(ValueError, match="split"):
        data.batch("test", 2, 4)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def local_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "corpus.txt").write_text("to be or not to be\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_checks_hash(local_server, tmp_path):
    import hashlib

    good = hashlib.sha256(b"to be or not to be\n").hexdigest()
    path = download(f"{local_server}/corpus.txt", good, tmp_path / "cache")
    assert path.read_text() == "to be or not to be\n"
    # cached: a second call with the server gone still works
    assert download("http://127.0.0.1:9/corpus.txt", good, tmp_path / "cache", "corpus.txt") == path
    with pytest.raises(DownloadError, match="expected"):
        download(f"{local_server}/corpus.txt", "0" * 64, tmp_path / "other")
    assert not any((tmp_path / "other").iterdir())  # nothing half-written left behind
    with pytest.raises(ValueError, match="sha256"):
        download(f"{local_server}/corpus.txt", "abc", tmp_path / "cache")
