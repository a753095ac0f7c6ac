"""Small helpers: deterministic ids and ARM time formats."""

from __future__ import annotations

import hashlib
from functools import lru_cache
import time as _time
import uuid

from ..store import Tx


def det_uuid(seed: int, *parts: object) -> str:
    """A GUID derived from the seed and ``parts`` (deterministic, collision-free in practice)."""
    h = hashlib.sha256(("\x1f".join([str(seed), *map(str, parts)])).encode()).digest()
    return str(uuid.UUID(bytes=h[:16], version=4))


def new_id(tx: Tx, seed: int, purpose: str) -> str:
    """A fresh GUID: the store's shared sequence keeps it unique across processes."""
    return det_uuid(seed, purpose, tx.next_seq())


def det_hex(n: int, *parts: object) -> str:
    """The first ``n`` hex digits of a SHA-256 of ``parts`` (deterministic)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:n]


def public_ip(seed: int, *parts: object) -> str:
    """A public-looking IPv4 address in 20.0.0.0/8 (an Azure range), deterministic."""
    h = hashlib.sha256(("ip\x1f" + "\x1f".join([str(seed), *map(str, parts)])).encode()).digest()
    return f"20.{h[0]}.{h[1]}.{max(1, h[2] % 255)}"


def _split(t: float) -> tuple[_time.struct_time, int]:
    micros = int(round(t * 1_000_000))
    secs, us = divmod(micros, 1_000_000)
    return _time.gmtime(secs), us


# The timestamps of events and states are formatted again at every get of a group and
# every poll of its operation: cached (the same few moments of each run come back).
@lru_cache(maxsize=4096)
def iso_seconds(t: float) -> str:
    """Whole-second UTC (events): ``2024-01-01T00:00:03Z``."""
    st, _ = _split(t)
    return _time.strftime("%Y-%m-%dT%H:%M:%SZ", st)


@lru_cache(maxsize=4096)
def iso_millis(t: float) -> str:
    """Millisecond UTC (container states), trailing zeros trimmed as the service writes
    them (``16:44:40.37Z``, ``16:06:59.268Z``, ``08:11:41Z`` in the public recordings):
    ``2024-01-01T00:00:03.5Z``, ``2024-01-01T00:00:03Z``."""
    st, us = _split(t)
    frac = f"{us // 1000:03d}".rstrip("0")
    return _time.strftime("%Y-%m-%dT%H:%M:%S", st) + (f".{frac}Z" if frac else "Z")


@lru_cache(maxsize=1024)
def iso_7(t: float) -> str:
    """Seven-digit fraction (operation startTime): ``2024-01-01T00:00:00.0000000Z``."""
    st, us = _split(t)
    return _time.strftime("%Y-%m-%dT%H:%M:%S", st) + f".{us:06d}0Z"


def iso_nano(t: float) -> str:
    """Fixed-width RFC3339Nano (log timestamps, as Docker writes them)."""
    st, us = _split(t)
    return _time.strftime("%Y-%m-%dT%H:%M:%S", st) + f".{us:06d}000Z"


def http_date(t: float) -> str:
    """RFC 7231 date for the ``Date`` header."""
    return _time.strftime("%a, %d %b %Y %H:%M:%S GMT", _time.gmtime(int(t)))
