"""The notebooks read as one sequence: each one's "What's next" links on to the notebook that
follows it, and only the last one says it is the last (07 said "This is the last notebook"
while 08-11 followed; 12 will come after 11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
THE_END = re.compile(r"\b(the last notebook|the end of the tutorial)", re.I)


def whats_next(path: Path) -> str:
    text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "markdown")
    assert "## What's next" in text, f"{path.name} has no What's next"
    return text.split("## What's next", 1)[1]


@pytest.mark.parametrize("path", NOTEBOOKS[:-1], ids=[p.stem[:3] for p in NOTEBOOKS[:-1]])
def test_whats_next_links_on_to_the_following_notebook(path):
    following = NOTEBOOKS[NOTEBOOKS.index(path) + 1].name
    text = whats_next(path)
    assert f"]({following})" in text, f"{path.name}'s What's next does not link to {following}"
    assert not THE_END.search(text), f"{path.name} says it is the last, but {following} follows"


def test_only_the_last_notebook_may_say_it_ends_the_tutorial():
    for path in NOTEBOOKS[:-1]:
        assert not THE_END.search(json.dumps(json.loads(path.read_text())["cells"])), path.name
