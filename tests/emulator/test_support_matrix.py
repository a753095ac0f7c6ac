"""The support matrix names every route and every assumption."""

from __future__ import annotations

import pathlib

from aci_helpers.emulator import assumptions
from aci_helpers.emulator.routing import ROUTES

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "emulator-support.md"


def test_every_route_is_in_the_support_matrix():
    text = DOC.read_text()
    missing = [r.name for r in ROUTES if f"`{r.name}`" not in text]
    assert not missing, f"add these routes to {DOC.name}: {missing}"


def test_every_assumption_is_in_the_support_matrix():
    text = DOC.read_text()
    names = [n for n in vars(assumptions) if n.isupper()]
    missing = [n for n in names if n not in text]
    assert not missing, f"add these assumptions to {DOC.name}: {missing}"
