"""Build one reveal.js slide deck per notebook, usable offline: `python tools/slides.py [NOTEBOOK ...]`.

Decks go to slides/ (not committed) with their scripts and styles in slides/assets/: reveal.js and
the widget manager from tools/vendor (see tools/vendor/README.md for versions and licences), MathJax
from the jupyter-server-mathjax package plus the TeX fonts it lacks (also in tools/vendor). Nothing
is fetched from the network when a deck is built or shown. Press "s" in a deck for the speaker notes.
A widget on a slide shows its saved view; for live widgets in a lecture use RISE (README, "Lectures").
"""
from __future__ import annotations

import argparse
import shutil
import sys
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "slides_template"
VENDOR = Path(__file__).resolve().parent / "vendor"
REVEAL = VENDOR / "reveal.js-4.6.0"
WIDGET_MANAGER = VENDOR / "html-manager-1.0.15"
MATHJAX_TEX_FONTS = VENDOR / "mathjax-2.7.9-tex-fonts"


def copy_assets(out_dir: Path) -> None:
    """Copy reveal.js, the widget manager and MathJax (with its TeX fonts) into out_dir/assets."""
    assets = out_dir / "assets"
    shutil.copytree(REVEAL, assets / "reveal.js", dirs_exist_ok=True)
    shutil.copytree(WIDGET_MANAGER, assets / "html-manager", dirs_exist_ok=True)
    mathjax = Path(str(files("jupyter_server_mathjax") / "static"))
    if not (assets / "mathjax" / "MathJax.js").exists():
        shutil.copytree(mathjax, assets / "mathjax", dirs_exist_ok=True)
    # jupyter-server-mathjax ships only the STIX fonts; the default HTML-CSS output asks for TeX's
    shutil.copytree(MATHJAX_TEX_FONTS, assets / "mathjax", dirs_exist_ok=True)


def build_deck(notebook: Path, out_dir: Path) -> Path:
    """Write out_dir/<notebook>.slides.html and return its path."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    exporter = SlidesExporter(config=config, template_name="reveal_offline")
    exporter.reveal_url_prefix = "assets/reveal.js"
    exporter.reveal_theme = "white"  # the vendored theme; "simple" would fetch web fonts
    body, _ = exporter.from_filename(str(notebook))
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    target = out_dir / (notebook.stem + ".slides.html")
    target.write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in notebooks/")
    parser.add_argument("--out", type=Path, default=ROOT / "slides")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for nb in notebooks:
        print(build_deck(nb, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
