"""Per-client settings of a served emulator: one kernel's own faults and quotas.

In-process, each ``connect()`` makes its own :class:`~aci_helpers.emulator.Emulator`, and
what a notebook sets on ``s.emulator`` -- injected faults, the quota it enforces -- holds for
that session's requests only, although the cloud (the state file) is shared. Served to a
class (``aci-tutorial serve``, ``ACI_EMULATOR_URL``), one server answers every participant,
so it keeps those settings per *client session*: each remote session sends one random id in
the :data:`SESSION_HEADER` of every request, and what it set applies to its own requests
only. One participant's fault demo or low quota never reaches another participant.

A request's quota override is a :class:`~contextvars.ContextVar` set around its dispatch
(:meth:`Overlays.applied`) and read by the model's ``Cloud.quota_cores``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: The header that names a remote client's session (an id the client draws, 32 hex digits).
SESSION_HEADER = "x-aci-emulator-session"
_SESSION = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: Sessions whose quota is remembered at most (the oldest is forgotten first).
MAX_SESSIONS = 1024

_quota: ContextVar[float | None] = ContextVar("aci_emulator_session_quota", default=None)
_spot_quota: ContextVar[float | None] = ContextVar("aci_emulator_session_spot_quota", default=None)


def session_of(headers: dict[str, str]) -> str | None:
    """The request's client session (headers in lower case), or None (in-process, or a
    malformed id, which then has no settings of its own)."""
    value = headers.get(SESSION_HEADER, "")
    return value if _SESSION.fullmatch(value) else None


def quota_override() -> float | None:
    """The quota of the session whose request is being answered, if it set one."""
    return _quota.get()


def spot_quota_override() -> float | None:
    """The Spot-core quota of the session whose request is being answered, if it set one."""
    return _spot_quota.get()


def check_spot_quota(cores: object) -> float:
    """A finite number of cores, zero or more (Azure's Spot quota is 0 on some subscriptions),
    or ValueError naming what was given."""
    if isinstance(cores, bool) or not isinstance(cores, (int, float)) or not cores >= 0 \
            or cores == float("inf"):
        raise ValueError(f"spot_quota_cores must be a number of zero or more, not {cores!r}")
    return cores  # type: ignore[return-value]


def check_quota(cores: object) -> float:
    """A positive, finite number of cores, or ValueError naming what was given."""
    if isinstance(cores, bool) or not isinstance(cores, (int, float)) or not cores > 0 \
            or cores != cores or cores == float("inf"):
        raise ValueError(f"quota_cores must be a positive number, not {cores!r}")
    return cores  # type: ignore[return-value]


class Overlays:
    """The quotas each client session set (faults carry their session themselves): standard
    cores (``quota``) and Spot cores (``spot``)."""

    _CHECKS = {"quota": check_quota, "spot": check_spot_quota}

    def __init__(self) -> None:
        self._values: dict[str, OrderedDict[str, float]] = {k: OrderedDict() for k in self._CHECKS}
        self._lock = threading.Lock()

    def _set(self, kind: str, session: str, cores: float | None) -> None:
        values = self._values[kind]
        with self._lock:
            values.pop(session, None)
            if cores is not None:
                values[session] = self._CHECKS[kind](cores)
                while len(values) > MAX_SESSIONS:
                    values.popitem(last=False)

    def _get(self, kind: str, session: str | None) -> float | None:
        if session is None:
            return None
        with self._lock:
            return self._values[kind].get(session)

    def set_quota(self, session: str, cores: float | None) -> None:
        """``session``'s quota from now on; None: the cloud's again."""
        self._set("quota", session, cores)

    def quota(self, session: str | None) -> float | None:
        """The quota ``session`` set, or None."""
        return self._get("quota", session)

    def set_spot_quota(self, session: str, cores: float | None) -> None:
        """``session``'s Spot-core quota from now on; None: the cloud's again."""
        self._set("spot", session, cores)

    def spot_quota(self, session: str | None) -> float | None:
        """The Spot-core quota ``session`` set, or None."""
        return self._get("spot", session)

    @contextmanager
    def applied(self, session: str | None) -> Iterator[None]:
        """Answer a request of ``session`` with its settings."""
        token = _quota.set(self.quota(session))
        spot = _spot_quota.set(self.spot_quota(session))
        try:
            yield
        finally:
            _spot_quota.reset(spot)
            _quota.reset(token)

    def clear(self) -> None:
        """Forget every session's settings (a reset of the cloud)."""
        with self._lock:
            for values in self._values.values():
                values.clear()
