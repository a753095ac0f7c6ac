"""Terminal and notebook output: check lines with a symbol and a word (colour only when a
terminal shows it, never needed to read them), plain aligned tables."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Iterable, TextIO

SYMBOLS = {"ok": "✔ ok  ", "fail": "✖ FAIL", "warn": "! warn", "skip": "- skip"}
COLOURS = {"ok": "32", "fail": "31", "warn": "33", "skip": "2"}


@dataclass(frozen=True)
class Check:
    """One preflight line: what was checked, the outcome, what was seen, and the fix when red."""

    name: str
    status: str  # ok | fail | warn | skip
    detail: str
    fix: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True for a red line."""
        return self.status == "fail"


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def check_line(check: Check, stream: TextIO | None = None) -> str:
    """``✔ ok   name: detail`` and, when red, an indented ``fix:`` line."""
    stream = stream or sys.stdout
    mark = SYMBOLS[check.status]
    if use_colour(stream):
        mark = f"\033[{COLOURS[check.status]}m{mark}\033[0m"
    line = f"{mark} {check.name}: {check.detail}"
    if check.fix and check.status in ("fail", "warn"):
        line += "\n" + "\n".join(f"         fix: {f}" if i == 0 else f"              {f}"
                                  for i, f in enumerate(check.fix.splitlines()))
    return line


def table(headers: list[str], rows: Iterable[Iterable[object]], right: set[int] | None = None) -> str:
    """A plain text table, columns aligned (``right``: indexes of right-aligned columns)."""
    right = right or set()
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths))).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    return "\n".join(lines + [fmt(r) for r in cells[1:]])
