"""Every notebook becomes an offline reveal.js deck (tools/slides.py); build one and inspect it."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _slide_types(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in cells]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem[:2] for nb in NOTEBOOKS])
def test_every_notebook_has_slide_metadata_and_notes(notebook):
    types = _slide_types(notebook)
    assert types[0] == "slide", "the first cell should start a slide"
    assert types.count("slide") >= 4, "a lecture deck needs a slide per major section"
    assert "notes" in types, "add at least one speaker-notes cell (slide_type 'notes')"
    allowed = {"slide", "subslide", "fragment", "-", "skip", "notes"}
    assert set(types) <= allowed, f"unknown slide types {set(types) - allowed}"


def test_deck_builds_offline(tmp_path):
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    import slides

    notebook = NOTEBOOKS[0]
    deck = slides.build_deck(notebook, tmp_path)
    html = deck.read_text()
    types = _slide_types(notebook)
    # nbconvert wraps each slide in <section><section> and each subslide in one more <section>
    assert html.count("<section><section>") == types.count("slide")
    assert html.count("<section") == 2 * types.count("slide") + types.count("subslide")
    assert html.count('<aside class="notes">') == types.count("notes")
    links = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    remote = [u for u in links if re.match(r"(https?:)?//", u)]
    assert not remote, f"the deck would need the network for {remote}"
    for url in links:
        local = url.split("?")[0]
        if not local.startswith(("data:", "mailto:")):
            assert (tmp_path / local).exists(), f"{url} is referenced but not shipped with the deck"
    for css in (tmp_path / "assets" / "reveal.js").rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text()), f"{css} imports from the web"
