"""Clocks. ``realtime`` is the wall clock; ``instant`` is a virtual clock kept in the state
that each request first advances so that every finite transition has happened."""

from __future__ import annotations

import time

from . import assumptions as A
from .store import Tx


class RealtimeClock:
    """Wall-clock time; polling sleeps really sleep."""

    kind = "realtime"

    def now(self, tx: Tx) -> float:
        """The wall-clock time."""
        return time.time()

    def needs_advance(self, tx: Tx) -> bool:
        """Never: wall-clock time moves by itself."""
        return False

    def advance(self, tx: Tx) -> float:
        """The wall-clock time, also recorded in the state as its high-water mark."""
        now = time.time()
        # Leave a high-water mark: an instant clock opening this file later continues from
        # here instead of going back to its own (earlier) virtual time.
        tx.set_meta("wall_high", repr(now))
        return now

    def wall_seconds(self, seconds: float) -> float:
        """How long a poll sleep of ``seconds`` really waits (sync and async transports)."""
        return max(0.0, float(seconds))

    def sleep(self, seconds: float) -> None:
        """Really sleep ``seconds`` (not at all for zero or less)."""
        wait = self.wall_seconds(seconds)
        if wait > 0:
            time.sleep(wait)


class InstantClock:
    """Virtual time stored in the state (starts at :data:`assumptions.INSTANT_EPOCH`)."""

    kind = "instant"

    def now(self, tx: Tx) -> float:
        """The virtual time kept in the state."""
        t = float(tx.meta("clock", repr(A.INSTANT_EPOCH)))
        high = tx.meta("wall_high")
        # A file a realtime emulator wrote: virtual time resumes at its latest wall-clock
        # moment (never behind what was already shown). See CLOCK_HANDOVER.
        return max(t, float(high)) if high is not None else t

    def _target(self, tx: Tx, now: float) -> float:
        target = now
        for t in (tx.max_settle(), tx.max_rg_deleting_until()):
            if t is not None and t > target:
                target = t
        return min(target, now + A.INSTANT_MAX_ADVANCE_SECONDS)

    def needs_advance(self, tx: Tx) -> bool:
        """True when a group settles or a resource-group deletion ends after now."""
        now = self.now(tx)
        return self._target(tx, now) > now

    def advance(self, tx: Tx) -> float:
        """Move virtual time to the point where nothing finite is pending (bounded).

        Only call inside a write transaction when :meth:`needs_advance` said so."""
        now = self.now(tx)
        target = self._target(tx, now)
        if target > now or (target == now and tx.meta("wall_high") is not None
                            and float(tx.meta("clock", repr(A.INSTANT_EPOCH))) < now):
            tx.set_meta("clock", repr(target))
        return target

    def wall_seconds(self, seconds: float) -> float:
        """Zero: virtual time only moves on requests."""
        return 0.0

    def sleep(self, seconds: float) -> None:
        """Return at once."""
        # Virtual time only moves on requests: an SDK poll sleep has nothing to wait for.
        return None


def make_clock(kind: str) -> RealtimeClock | InstantClock:
    """``"realtime"`` or ``"instant"``; anything else is a ValueError."""
    if kind == "realtime":
        return RealtimeClock()
    if kind == "instant":
        return InstantClock()
    raise ValueError(f"unknown clock {kind!r}: use clock='realtime' (wall clock, a create "
                     f"reaches Running in a few seconds) or clock='instant' (virtual time, "
                     f"deterministic, no waiting)")
