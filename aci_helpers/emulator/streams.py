"""Exec and attach: what an answer of ``execute_command`` or ``attach`` promises, kept until a
WebSocket redeems it.

ACI answers both with ``{"webSocketUri", "password"}``; the client opens the socket and
sends the password as its first message (the Azure CLI's ``container exec``). The
:class:`Broker` of an emulator process issues those pairs and redeems each password once:
the process that answered the POST serves the socket (``aci-tutorial serve``'s server, or
the endpoint a kernel starts at its first exec), so nothing about a session is stored.

What is known of Azure's rule for the password, and the emulator's choices
(``assumptions.py``): a recorded password is printable and ends in ``[[EOM]]``
(ev:rec-exec); its lifetime and reuse are not public. Here it works once, within
``EXEC_PASSWORD_TTL_SECONDS`` of the answer; a wrong one spends the session as well (no
guessing twice). Standard library only: the REST handler imports it without the server.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from . import assumptions as A

#: The socket paths, in the shape of the recorded exec URI (ev:rec-exec:
#: ``/execstream/sessionId/<guid>?api-version=1.0&rows=24&cols=80``); attach's is a guess.
EXEC_PATH, ATTACH_PATH = "/execstream/sessionId/", "/attachstream/sessionId/"


@dataclass
class _Pending:
    kind: str
    payload: Any
    password: str
    expires: float


class Broker:
    """Sessions issued and not yet redeemed, each with its password, for a short time."""

    def __init__(self, ttl: float | None = None, clock: Callable[[], float] = time.monotonic,
                 capacity: int = A.EXEC_PENDING_SESSIONS_MAX) -> None:
        self.ttl = A.EXEC_PASSWORD_TTL_SECONDS if ttl is None else float(ttl)
        self._clock = clock
        self._capacity = capacity
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def issue(self, kind: str, payload: Any) -> tuple[str, str]:
        """A new session of ``kind`` (``exec`` or ``attach``) for ``payload``: its id and
        its password."""
        sid = secrets.token_hex(16)
        sid = f"{sid[:8]}-{sid[8:12]}-{sid[12:16]}-{sid[16:20]}-{sid[20:]}"
        password = secrets.token_urlsafe(24) + "[[EOM]]"
        now = self._clock()
        with self._lock:
            for key in [k for k, p in self._pending.items() if p.expires <= now]:
                del self._pending[key]
            while len(self._pending) >= self._capacity:   # the oldest unredeemed goes first
                del self._pending[next(iter(self._pending))]
            self._pending[sid] = _Pending(kind, payload, password, now + self.ttl)
        return sid, password

    def redeem(self, kind: str, sid: str, password: str | bytes) -> Any | None:
        """The payload of session ``sid`` when ``password`` is its password and it has not
        expired; None otherwise. Either way the session is spent."""
        with self._lock:
            pending = self._pending.pop(sid, None)
        if pending is None or pending.kind != kind or pending.expires <= self._clock():
            return None
        given = password.encode("utf-8", "replace") if isinstance(password, str) else password
        if not hmac.compare_digest(given, pending.password.encode()):
            return None
        return pending.payload

    def __len__(self) -> int:
        return len(self._pending)


def socket_uri(base: str, kind: str, sid: str, rows: int | None = None,
               cols: int | None = None) -> str:
    """The ``wss://`` URI of a session on the endpoint whose HTTPS address is ``base``."""
    host = urlsplit(base).netloc
    if kind == "exec":
        return f"wss://{host}{EXEC_PATH}{sid}?api-version=1.0&rows={rows}&cols={cols}"
    return f"wss://{host}{ATTACH_PATH}{sid}?api-version=1.0"


def is_local(base: str) -> bool:
    """Whether a request came through the local server (its host is this machine's loopback),
    rather than the in-process transport (``management.azure.com``)."""
    host = (urlsplit(base).hostname or "").lower()
    return host in ("127.0.0.1", "localhost")
