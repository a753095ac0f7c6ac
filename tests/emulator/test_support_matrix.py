"""The support matrix names every route and every assumption, and every faithful row its evidence."""

from __future__ import annotations

import pathlib
import re

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


EVIDENCE_KEY = re.compile(r"`(ev:[a-z0-9-]+)`")
FAITHFUL = re.compile(r"\bfaithful\b", re.IGNORECASE)


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if line.startswith("|") and not re.fullmatch(r"\|[-|: ]+\|", line)]


def _evidence_table(text: str) -> dict[str, str]:
    """{key: source} from the rows of the Evidence table (first cell a lone `ev:` key)."""
    keys = {}
    for row in _table_rows(text):
        cells = [c.strip() for c in row.strip("|").split("|")]
        m = re.fullmatch(r"`(ev:[a-z0-9-]+)`", cells[0])
        if m:
            keys[m.group(1)] = cells[1]
    return keys


def test_every_faithful_row_names_its_evidence():
    text = DOC.read_text()
    defined = _evidence_table(text)
    assert defined, "the Evidence table is missing"
    bare = [row[:120] for row in _table_rows(text)
            if FAITHFUL.search(row) and not EVIDENCE_KEY.search(row)]
    assert not bare, ("rows marked faithful without evidence (cite an `ev:` key from the "
                      "Evidence table, or mark the row a guess):\n" + "\n".join(bare))


def test_every_evidence_key_used_is_defined_and_every_defined_key_is_used():
    text = DOC.read_text()
    defined = _evidence_table(text)
    used = set(EVIDENCE_KEY.findall(text))
    assert not used - set(defined), f"undefined evidence keys: {sorted(used - set(defined))}"
    in_rows = {k for row in _table_rows(text) for k in EVIDENCE_KEY.findall(row)
               if not row.lstrip("| ").startswith(f"`{k}`")}
    assert not set(defined) - in_rows, f"evidence never cited: {sorted(set(defined) - in_rows)}"
    assert all(re.search(r"https?://|\.(json|yaml)\b|#\d+", src) for src in defined.values()), \
        "each evidence source names a URL, a recording or spec file, or an issue"
