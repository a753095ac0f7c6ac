"""`Program`: what a launched container prints, and when it exits, evaluated lazily.

A program's output is a finite *head* of timed lines, optionally followed by a *cycle*
(the same lines repeating with a fixed period, forever) or, for the rare program whose
future cannot be summarised that way, by a lazily simulated continuation. Line texts are
strings, or callables of the print time (for dates in access logs and HTTP headers), so a
cycle of one million iterations costs nothing until somebody asks for its lines.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Callable

from .errors import OutputTooLarge
from .lines import LineText, render

# Callers compute ``until`` as (now - start) from Unix epochs near 1.7e9, whose float
# difference is off by up to ~3e-7 s: lines within a microsecond of ``until`` count.
_EPS = 1e-6
#: Lines one ``output()`` call builds without ``tail`` before refusing (guess; the real
#: service keeps 4 MB of log, well under this).
MAX_OUTPUT_LINES = 2_000_000


@dataclass(frozen=True)
class Cycle:
    """Lines repeating forever: iteration k prints ``events`` at ``start + k*period + offset``."""

    start: float
    period: float
    events: tuple[tuple[float, LineText], ...]

    def count(self, until: float) -> int:
        """Lines printed in [start, until]."""
        if not self.events or until + _EPS < self.start:
            return 0
        n = 0
        span = until - self.start
        for off, _ in self.events:
            if span + _EPS >= off:
                n += int(math.floor((span - off) / self.period + _EPS)) + 1
        return n

    def line(self, index: int) -> tuple[float, str]:
        """The ``index``-th line of the cycle (0-based), rendered."""
        k, j = divmod(index, len(self.events))
        off, text = self.events[j]
        t = self.start + k * self.period + off
        return t, render(t, text)


@dataclass
class Simulated:
    """What a lazy simulation up to some time found: the lines printed, and either a cycle
    the program settled into (then nothing more needs simulating) or the time where the
    simulation stopped for its step budget (``cut_at``; its lines end with a note)."""

    lines: list[tuple[float, LineText]]
    cycle: Cycle | None = None
    cut_at: float | None = None


# A function that simulates the program up to a time (used only for programs whose future
# has no finite summary).
Simulator = Callable[[float], Simulated]


@dataclass
class Program:
    """A launched container process: ``exit_after``/``exit_code`` and ``output(until)``.

    ``exit_after`` is seconds after start, or None when the program runs forever;
    ``exit_code`` is an int exactly when ``exit_after`` is not None.
    """

    head: list[tuple[float, LineText]]
    exit_after: float | None = None
    exit_code: int | None = None
    cycle: Cycle | None = None
    simulator: Simulator | None = None
    description: str = ""
    #: The container runtime's message when the argv[0] of an exec-form command does not
    #: exist (the program also prints it and exits 127 at t=0); None otherwise.
    start_error: str | None = None
    #: What the program wrote to mounted volumes, ``(volume name, FileOp)`` in time order
    #: (a lazily simulated program: what its first ``LAUNCH_STEP_BUDGET`` commands wrote).
    writes: tuple = ()
    #: ``(t, files)`` when the program's own files (not its volumes') no longer change
    #: after ``t`` (it exited, blocked or settled into a cycle there): what an exec'd process
    #: sees at any later time. None for a lazily simulated program.
    settled: tuple[float, dict] | None = None
    #: True when it read nothing of its container's identity (start time, random seed,
    #: HOSTNAME): it is then the Program of any container launched with the same spec.
    identity_free: bool = False
    _times: list[float] = field(default_factory=list, repr=False)
    _lazy_until: float = field(default=-1.0, repr=False)
    _lazy_cut: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self.head.sort(key=lambda e: e[0])  # stable: same-time lines keep print order
        self._times = [t for t, _ in self.head]

    # -- lazily simulated programs ------------------------------------------------------
    def _extend(self, until: float) -> None:
        if self.simulator is None or until <= self._lazy_until or self._lazy_cut:
            return
        # Ahead of the request, doubling: a log read every few seconds (follow_logs on the
        # realtime clock) re-simulates O(log age) times, not once per read.
        horizon = max(until, 2 * self._lazy_until)
        found = self.simulator(horizon)
        self.head = list(found.lines)
        self._times = [t for t, _ in self.head]
        self._lazy_until = horizon
        if found.cycle is not None:  # settled into a cycle: summarised from now on
            self.cycle, self.simulator = found.cycle, None
        elif found.cut_at is not None:  # simulating further would only stop here again
            self._lazy_cut = True

    # -- public API --------------------------------------------------------------------
    @property
    def costly(self) -> bool:
        """True when its lines are made by simulating the program (a lazily simulated
        program, or a loop whose iterations are replayed for their time-stamped lines):
        each line costs a simulation step, so callers should ask for few of them."""
        return self.simulator is not None or (self.cycle is not None and any(
            getattr(text, "replayed", False) for _, text in self.cycle.events))

    def line_count(self, until: float) -> int:
        """How many lines the program has printed in [0, until]."""
        until = self._clip(until)
        self._extend(until)
        n = bisect.bisect_right(self._times, until + _EPS)
        if self.cycle is not None:
            n += self.cycle.count(until)
        return n

    def output(
        self, until: float, tail: int | None = None, since: float | None = None
    ) -> list[tuple[float, str]]:
        """Lines printed in [0, until] (or [since, until]), in order, as ``(t, text)``.

        ``tail=N`` returns only the last N of them and costs O(N) even for a periodic
        program asked about years of output. Without ``tail`` more than
        MAX_OUTPUT_LINES lines raise :class:`OutputTooLarge`.
        """
        until = self._clip(until)
        total = self.line_count(until)
        first = 0
        if since is not None:
            first = self.line_count(since - 2 * _EPS) if since > 0 else 0
        if tail is not None:
            first = max(first, total - max(tail, 0))
        if total - first > MAX_OUTPUT_LINES:
            raise OutputTooLarge(
                f"{total - first} lines were printed up to t={until}; ask for output(until, "
                f"tail=N) instead of every line."
            )
        return [self._line(i) for i in range(first, total)]

    def volume_writes(self, until: float) -> tuple:
        """The changes the program made to mounted volumes in [0, until], in time order."""
        return tuple(w for w in self.writes if w[1].t <= until + _EPS)

    def lines(self, until: float, tail: int | None = None) -> list[str]:
        """Just the texts of ``output(until, tail)``."""
        return [s for _, s in self.output(until, tail=tail)]

    def text(self, until: float, tail: int | None = None) -> str:
        """The log as one string: each line followed by a newline ("" when nothing)."""
        return "".join(s + "\n" for s in self.lines(until, tail=tail))

    # -- helpers -----------------------------------------------------------------------
    def _clip(self, until: float) -> float:
        if self.exit_after is not None:
            return min(until, self.exit_after)
        return until

    def _line(self, i: int) -> tuple[float, str]:
        if i < len(self.head):
            t, text = self.head[i]
            return t, render(t, text)
        assert self.cycle is not None
        return self.cycle.line(i - len(self.head))
