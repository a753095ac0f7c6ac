"""How a simulated process stops, blocks or repeats: the exceptions the machine, its
commands and its programs raise, caught where the control flow they stand for ends."""

from __future__ import annotations

from typing import Sequence

from ..lines import LineText
from ..program import Cycle


class Exit(Exception):
    """``exit N`` (or a fatal error): the shell, or the subshell it runs in, ends."""

    def __init__(self, code: int) -> None:
        self.code = code


class LoopControl(Exception):
    """``break N`` or ``continue N`` (``kind``), unwinding ``n`` enclosing loops."""

    def __init__(self, kind: str, n: int) -> None:
        self.kind, self.n = kind, n


class Forever(Exception):
    """The process blocks forever from now on (sleep infinity, tail -f, a quiet server)."""


class Periodic(Exception):
    """From ``start`` on, ``events`` repeat every ``period`` seconds, forever."""

    def __init__(self, start: float, period: float, events: Sequence[tuple[float, LineText]]):
        self.cycle = Cycle(start, period, tuple(events))


class Horizon(Exception):
    """Simulation reached the time it was asked to stop at."""


class Budget(Exception):
    """Simulation executed more simple commands than it was allowed to."""
