"""Printed lines: plain text, or text rendered from the time it is printed.

A line whose text holds a date (an access log, an HTTP ``Date:`` header, ``date``'s output)
is kept as a function of its print time, so a cycle of a million iterations costs nothing
until somebody asks for its lines.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from typing import Callable

LineText = str | Callable[[float], str]
"""A printed line: a string, or a function of the print time (seconds after start)."""


def render(t: float, text: LineText) -> str:
    """The string a line shows when printed at time ``t``."""
    return text if isinstance(text, str) else text(t)


@dataclass(frozen=True)
class TimeText:
    """Text rendered from the absolute print time: ``fn(epoch_seconds)``."""

    fn: Callable[[float], str]
    epoch: float

    def __call__(self, t: float) -> str:
        return self.fn(self.epoch + t)


@dataclass(frozen=True)
class Joined:
    """One line written in pieces, some of them time-dependent."""

    parts: tuple

    def __call__(self, t: float) -> str:
        return "".join(p if isinstance(p, str) else p(t) for p in self.parts)


def strftime_utc(fmt: str, epoch: float) -> str:
    """``date``-style formatting in UTC (adds %e and %N, which Python lacks everywhere)."""
    micros = round(epoch * 1_000_000)  # round once: float epochs like x.05 print as .050000
    secs, frac = divmod(micros, 1_000_000)
    tm = _time.gmtime(secs)
    fmt = (fmt.replace("%e", f"{tm.tm_mday:2d}").replace("%N", f"{frac:06d}000")
           .replace("%3N", f"{frac // 1000:03d}").replace("%f", f"{frac:06d}"))
    fmt = fmt.replace("%Z", "UTC").replace("%z", "+0000").replace("%s", str(secs))
    return _time.strftime(fmt, tm)


def formatted(fmt: str, epoch: float) -> TimeText:
    """A line showing its print time in the ``strftime_utc`` format ``fmt``."""
    return TimeText(lambda e, fmt=fmt: strftime_utc(fmt, e), epoch)
