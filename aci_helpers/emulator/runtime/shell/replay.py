"""Loops whose lines change with time only: `while true; do echo tick $(date); sleep 1; done`.

Such a loop never leaves the shell state as it found it *textually*: `$(date)` bakes the
time into what it prints, so the plain cycle detection (same state, same lines) gives up
and the program would be simulated from its start on every request, at a cost growing
with its age. Yet each iteration does the same thing: the time only flows into printed
text (echo/printf arguments), never into a condition, a variable, a file or a sleep's
length. Such an iteration is a cycle whose lines are rendered by replaying that single
iteration at its own start time, so reading the last N lines of years of output costs N
replays of one iteration: ``tail=N`` stays O(N).
"""

from __future__ import annotations

from typing import Callable, Protocol

from ..lines import LineText, render

#: Printed instead of a line whose replay did not behave like the recorded iteration
#: (cannot happen for the loops detected; kept so that a surprise is visible, not silent).
REPLAY_FAILED = "[aci-emulator] this line could not be simulated"


class Replayable(Protocol):
    """What a replay needs of the machine that ran the loop (``machine.Machine``)."""

    clock: float
    events: list[tuple[float, LineText]]
    partial: list
    steps: int

    def clone(self) -> "Replayable":
        """A machine in the same state, with no output yet."""
        ...

    def flush(self) -> None:
        """End the line being written."""
        ...


class _Iteration:
    """Replays one loop iteration from a frozen start state at any start time."""

    def __init__(self, start_state: "Replayable", iteration: Callable[["Replayable"], bool],
                 offsets: list[float]) -> None:
        self.state = start_state
        self.iteration = iteration
        self.offsets = offsets
        self._last: tuple[float, list[str] | None] | None = None
        # An iteration leaves the state as it found it (that is how it was detected), so
        # one working copy serves every replay; a replay that fails discards it.
        self._work: "Replayable | None" = None

    def texts(self, t0: float) -> list[str] | None:
        """The lines of the iteration starting at ``t0``; None if it did something else."""
        if self._last is not None and self._last[0] == t0:
            return self._last[1]
        m = self._work if self._work is not None else self.state.clone()
        self._work = None
        m.clock, m.events, m.partial, m.steps = t0, [], [], 0
        out: list[str] | None
        try:
            if not self.iteration(m):
                raise ValueError("the loop ended")
            m.flush()
            times = [t - t0 for t, _ in m.events]
            if len(times) != len(self.offsets) or any(
                    abs(a - b) > 1e-6 for a, b in zip(times, self.offsets)):
                raise ValueError("different lines")
            out = [render(t, text) for t, text in m.events]
            self._work = m
        except Exception:  # noqa: BLE001 - anything unexpected shows as a marked line
            out = None
        self._last = (t0, out)
        return out


class _Line:
    """Line ``j`` of an iteration; called with its print time, like any timed line."""

    __slots__ = ("it", "j", "start", "period")
    #: Rendering it simulates (see Program.costly).
    replayed = True

    def __init__(self, it: _Iteration, j: int, start: float, period: float) -> None:
        self.it, self.j, self.start, self.period = it, j, start, period

    def __call__(self, t: float) -> str:
        # The iteration's start on the cycle's own grid (exact, whatever the float error
        # of t - offset): iteration k starts at start + k * period.
        k = round((t - self.it.offsets[self.j] - self.start) / self.period)
        texts = self.it.texts(self.start + k * self.period)
        return REPLAY_FAILED if texts is None else texts[self.j]


def timed_events(m: Replayable, iteration: Callable[[Replayable], bool], t0: float,
                 n0: int) -> list[tuple[float, LineText]]:
    """The cycle events of the iteration just run (from time ``t0``, output from event
    ``n0``): each line rendered by replaying the iteration that printed it."""
    offsets = [t - t0 for t, _ in m.events[n0:]]
    period = m.clock - t0
    it = _Iteration(m.clone(), iteration, offsets)
    return [(off, _Line(it, j, m.clock, period)) for j, off in enumerate(offsets)]
