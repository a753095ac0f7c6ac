"""Clocks. ``realtime`` is the wall clock (optionally sped up); ``instant`` is a virtual
clock kept in the state that each request first advances so that every finite transition
has happened."""

from __future__ import annotations

import math
import time

from . import assumptions as A
from .errors import StateFileError
from .store import Dues, Tx


# Meta key of the realtime clock's anchor: "wall virtual speed". Virtual time is
# virtual + speed * (wall-clock now - wall), so every process sharing the file computes the
# same time from it, and a process with another speed re-anchors without a jump.
ANCHOR_KEY = "realtime_anchor"


def check_speed(speed: object) -> float:
    """``speed`` as a float >= 1 (finite), else a ValueError that says what is accepted."""
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) \
            or not math.isfinite(speed) or speed < 1:
        raise ValueError(f"speed must be a number >= 1 (1 = wall-clock pace, 10 = ten times "
                         f"faster), not {speed!r}")
    return float(speed)


class RealtimeClock:
    """Wall-clock time, optionally ``speed`` times faster; polling sleeps really sleep.

    With ``speed`` > 1, virtual time runs that many times faster than the wall clock, and
    :meth:`sleep` sleeps that many times less: every duration of the simulated cloud (a
    create reaching Running, a task's ``sleep 3``) shrinks, and states come in the same
    order. The anchor lives in the state, so processes sharing a file agree on the time.
    """

    kind = "realtime"

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = check_speed(speed)

    @staticmethod
    def _anchor(tx: Tx) -> tuple[float, float, float] | None:
        raw = tx.meta(ANCHOR_KEY)
        if raw is None:
            return None
        try:
            wall, virtual, speed = (float(x) for x in raw.split())
        except ValueError:  # a damaged row: one clear error, not an HTTP 500
            raise StateFileError(tx.path, f"its meta value {ANCHOR_KEY!r} is {raw[:60]!r}, not "
                                 f"three numbers") from None
        return wall, virtual, speed

    def now(self, tx: Tx, dues: Dues | None = None) -> float:
        """The virtual time: the wall clock, or where the stored anchor puts it."""
        wall = time.time()
        anchor = self._anchor(tx)
        if anchor is None:
            return wall
        w0, v0, speed = anchor
        return v0 + speed * (wall - w0)

    def needs_advance(self, tx: Tx, now: float, dues: Dues) -> bool:
        """Never: wall-clock time moves by itself."""
        return False

    def advance(self, tx: Tx, dues: Dues | None = None) -> float:
        """The virtual time, also recorded in the state as its high-water mark.

        Only call inside a write transaction. A process whose speed differs from the
        stored anchor's re-anchors at the current virtual time: time never jumps back."""
        wall = time.time()
        anchor = self._anchor(tx)
        if anchor is None:
            now = wall
            if self.speed != 1:
                tx.set_meta(ANCHOR_KEY, f"{wall!r} {now!r} {self.speed!r}")
        else:
            w0, v0, speed = anchor
            now = v0 + speed * (wall - w0)
            if speed != self.speed:
                tx.set_meta(ANCHOR_KEY, f"{wall!r} {now!r} {self.speed!r}")
        # Leave a high-water mark: an instant clock opening this file later continues from
        # here instead of going back to its own (earlier) virtual time.
        tx.set_meta("wall_high", repr(now))
        return now

    def wall_seconds(self, seconds: float) -> float:
        """How long a poll sleep of ``seconds`` (virtual) really waits: ``seconds / speed``
        (sync and async transports)."""
        return max(0.0, float(seconds)) / self.speed

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time: ``seconds / speed`` really (none for <= 0)."""
        wait = self.wall_seconds(seconds)
        if wait > 0:
            time.sleep(wait)


class InstantClock:
    """Virtual time stored in the state (starts at :data:`assumptions.INSTANT_EPOCH`)."""

    kind = "instant"

    @staticmethod
    def _stored(tx: Tx, dues: Dues) -> tuple[float, float | None]:
        """The stored clock and the realtime high-water mark (``None`` when never set)."""
        return (tx.number("clock", dues.clock, A.INSTANT_EPOCH),
                tx.number("wall_high", dues.wall_high))

    def now(self, tx: Tx, dues: Dues | None = None) -> float:
        """The virtual time kept in the state (``dues`` as read in this transaction, read
        here when not given)."""
        t, high = self._stored(tx, tx.dues() if dues is None else dues)
        # A file a realtime emulator wrote: virtual time resumes at its latest wall-clock
        # moment (never behind what was already shown). See CLOCK_HANDOVER.
        return max(t, high) if high is not None else t

    @staticmethod
    def _target(now: float, dues: Dues) -> float:
        target = dues.latest if dues.latest is not None and dues.latest > now else now
        return min(target, now + A.INSTANT_MAX_ADVANCE_SECONDS)

    def needs_advance(self, tx: Tx, now: float, dues: Dues) -> bool:
        """True when a group settles or a resource-group deletion ends after ``now``."""
        return self._target(now, dues) > now

    def advance(self, tx: Tx, dues: Dues | None = None) -> float:
        """Move virtual time to the point where nothing finite is pending (bounded); ``dues``
        as read in this transaction (read here when not given).

        Only call inside a write transaction."""
        dues = tx.dues() if dues is None else dues
        t, high = self._stored(tx, dues)
        now = max(t, high) if high is not None else t
        target = self._target(now, dues)
        if target > now or (target == now and high is not None and t < now):
            tx.set_meta("clock", repr(target))
        return target

    def wall_seconds(self, seconds: float) -> float:
        """Zero: virtual time only moves on requests."""
        return 0.0

    def sleep(self, seconds: float) -> None:
        """Return at once."""
        # Virtual time only moves on requests: an SDK poll sleep has nothing to wait for.
        return None


def make_clock(kind: str, speed: float = 1.0) -> RealtimeClock | InstantClock:
    """``"realtime"`` (optionally ``speed`` times faster) or ``"instant"``; anything else,
    or a speed-up of the instant clock, is a ValueError."""
    if kind == "realtime":
        return RealtimeClock(speed)
    if kind == "instant":
        if check_speed(speed) != 1:
            raise ValueError(f"speed={speed!r} applies to the realtime clock only: the instant "
                             f"clock does not wait at all")
        return InstantClock()
    raise ValueError(f"unknown clock {kind!r}: use clock='realtime' (wall clock, a create "
                     f"reaches Running in a few seconds) or clock='instant' (virtual time, "
                     f"deterministic, no waiting)")
