"""The book's pages as `make book` stages them (tools/build_book.py), without the book extra:
a static page shows the explorer's picture and the note that it needs a kernel, never a dead
widget or its bare repr. (The built site in Chromium: tests/browser/test_book.py.)"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_book  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_explorer_page_shows_a_picture_and_says_it_needs_a_kernel(tmp_path):
    pages = build_book.stage(tmp_path / "book")
    assert len(pages) == len(list((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")))
    page = json.loads((tmp_path / "book" / "notebooks" / "07_widget_explorer.ipynb").read_text())
    outputs = [o for c in page["cells"] for o in c.get("outputs", [])]
    text = json.dumps(outputs)
    assert "Explorer(backend=" not in text and WIDGET_VIEW not in text
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pictures) == 1
    png = base64.b64decode(pictures[0]["data"]["image/png"])
    assert png == build_book.EXPLORER_PICTURE.read_bytes()
    width = int.from_bytes(png[16:20], "big")  # the PNG header's width
    assert 1000 <= width <= 1280, width  # the explorer at a 1280 px projector
    notes = [o for o in outputs if "aci-needs-kernel" in "".join(o.get("data", {}).get("text/html", ""))]
    assert len(notes) == 1 and "needs a running kernel" in "".join(notes[0]["data"]["text/plain"])
    # the note comes first, the picture right after it, in the explorer's cell
    cell = next(c for c in page["cells"] if pictures[0] in c.get("outputs", []))
    assert cell["outputs"] == [notes[0], pictures[0]]
    # no other page shows a widget
    for other in pages:
        assert WIDGET_VIEW not in other.read_text(), other.name
