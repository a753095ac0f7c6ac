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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol
from urllib.parse import urlsplit

from . import assumptions as A

if TYPE_CHECKING:
    from .app import App
    from .model.containers import AttachCursor, ExecPlan

#: The socket paths, in the shapes Azure answers: exec's as recorded (ev:pub-exec:
#: ``/execstream/sessionId/<guid>?api-version=1.0&rows=24&cols=80``), attach's as the
#: Az.ContainerInstance docs show it (ev:doc-ps-attach: ``/logstream/sessionId/<guid>?api-version=1.0``).
EXEC_PATH, ATTACH_PATH = "/execstream/sessionId/", "/logstream/sessionId/"


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


class Stream(Protocol):
    """One socket's process, as the pump drives it (times are the process's own)."""

    finished: bool

    def now(self) -> float: ...
    def delay(self, t: float) -> float: ...
    def read(self, now: float) -> str: ...
    def write(self, data: bytes | str, now: float) -> None: ...
    def next_at(self) -> float | None: ...
    def hangup(self, now: float) -> None: ...
    def close(self) -> None: ...


class Ticket(Protocol):
    """What a redeemed session opens (made by the model when it answered the POST)."""

    def open(self) -> Stream: ...


@dataclass
class Pace:
    """The process's clock: ``at`` seconds of the container's life when the POST was
    answered, plus the wall time since, times ``speed``. ``instant``: a command that ends
    is over at once (the pump skips to its next output), an endless one runs at 1x."""

    at: float
    speed: float = 1.0
    instant: bool = False
    wall0: float = field(default_factory=time.monotonic)
    skipped: float = 0.0

    def now(self) -> float:
        """The process's time now."""
        return self.at + (time.monotonic() - self.wall0) * self.speed + self.skipped

    def delay(self, t: float) -> float:
        """Wall seconds until the process's time ``t`` (0 when it has come)."""
        return max(0.0, (t - self.now()) / self.speed)

    def skip_to(self, t: float) -> None:
        """Move the process's time on to ``t`` at once (the instant clock)."""
        gap = t - self.now()
        if gap > 0:
            self.skipped += gap


class ExecStream:
    """An exec session (``runtime.ExecSession``) on its clock; ``finish`` gets the session
    after each input and when it ends (the model keeps what it wrote for the next exec)."""

    def __init__(self, session: Any, pace: Pace,
                 finish: Callable[[Any], None] | None = None) -> None:
        self.session = session
        self.pace = pace
        self._finish = finish

    @property
    def finished(self) -> bool:
        return bool(self.session.finished)

    def now(self) -> float:
        return self.pace.now()

    def delay(self, t: float) -> float:
        if self.pace.instant and not self.session.blocked:
            self.pace.skip_to(t)
            return 0.0
        return self.pace.delay(t)

    def read(self, now: float) -> str:
        return self.session.read(now)

    def write(self, data: bytes | str, now: float) -> None:
        self.session.write(data, now)
        if self._finish is not None:
            # What a command wrote is kept before its output is sent: an exec the client
            # starts once it has read that output finds it (another socket, another process).
            self._finish(self.session)

    def next_at(self) -> float | None:
        return self.session.next_at()

    def hangup(self, now: float) -> None:
        self.session.hangup(now)

    def close(self) -> None:
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish(self.session)


class AttachStream:
    """Attach: the container's output from now on, read by ``poll`` every
    ``ATTACH_POLL_SECONDS`` (the model answers what was printed since the last poll, across
    restarts, and whether the container will print no more). What is typed is dropped: the
    container's process has no standard input on ACI (guess: ATTACH_INPUT_DROPPED)."""

    def __init__(self, poll: Callable[[], tuple[str, bool]],
                 interval: float = A.ATTACH_POLL_SECONDS) -> None:
        self._poll = poll
        self._interval = interval
        self._due = time.monotonic()
        self._ended = False
        self.finished = False

    def now(self) -> float:
        return time.monotonic()

    def delay(self, t: float) -> float:
        return max(0.0, t - time.monotonic())

    def read(self, now: float) -> str:
        if self._ended or now < self._due:
            return ""
        text, self._ended = self._poll()
        self._due = now + self._interval
        self.finished = self._ended
        return text

    def write(self, data: bytes | str, now: float) -> None:
        pass

    def next_at(self) -> float | None:
        return None if self._ended else self._due

    def hangup(self, now: float) -> None:
        self._ended = self.finished = True

    def close(self) -> None:
        pass


class MessageStream:
    """A socket that prints one message and closes (exec where nothing runs)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self.finished = False

    def now(self) -> float:
        return time.monotonic()

    def delay(self, t: float) -> float:
        return 0.0

    def read(self, now: float) -> str:
        text, self._text = self._text, ""
        self.finished = True
        return text

    def write(self, data: bytes | str, now: float) -> None:
        pass

    def next_at(self) -> float | None:
        return None

    def hangup(self, now: float) -> None:
        self.finished = True

    def close(self) -> None:
        pass


#: What the socket of an exec into a container that does not run says (guess, named in
#: assumptions: EXEC_NOT_RUNNING_CLOSES): ACI answers the POST with 200 all the same.
NOT_RUNNING = ("[aci-emulator] {why}: there is no process to run '{command}' beside. The "
               "emulator closes the socket; what Azure's socket does then is not public.\r\n")


class ExecTicket:
    """An exec the POST answered: opened when its socket connects (``start_exec`` in the
    container as it is then); what it wrote is kept in the state when it ends."""

    def __init__(self, app: "App", plan: "ExecPlan", command: str, rows: int, cols: int) -> None:
        self.app, self.plan, self.command = app, plan, command
        self.rows, self.cols = rows, cols
        self.pace = Pace(at=plan.at, speed=getattr(app.clock, "speed", 1.0),
                         instant=app.clock.kind == "instant")
        self._kept_files: dict[str, Any] = {}
        self._kept_writes = 0

    def open(self) -> Stream:
        from .runtime import ExecChanges, FileOp, Terminal, start_exec  # noqa: PLC0415

        plan = self.plan
        if plan.not_running is not None:
            return MessageStream(NOT_RUNNING.format(why=plan.not_running, command=self.command))
        launch = plan.launch
        with self.app.store.tx(write=False) as tx:   # what earlier execs kept, as of now
            plan.kept = self.app.cloud.containers.exec_kept(tx, plan)
        at = self.pace.now()
        earlier = ExecChanges(plan.kept_files(), tuple(
            (v, FileOp(t, p, k, d)) for v, t, p, k, d in plan.kept_writes(at)))
        session = start_exec(launch["info"], self.command, main_command=launch["command"],
                             env=launch["env"], peers=launch["peers"], seed=launch["seed"],
                             started_at=launch["started_at"], mounts=launch["mounts"],
                             at=at, terminal=Terminal(self.rows, self.cols), changes=earlier)
        return ExecStream(session, self.pace, self._keep)

    def _keep(self, session: Any) -> None:
        """Keep what the session wrote since the last time (one write transaction, only
        when it wrote something new)."""
        from .model.cloud import Ctx  # noqa: PLC0415

        ch = session.changes()
        files = {p: t for p, t in ch.files.items() if self._kept_files.get(p, ...) != t}
        writes = list(ch.volume_writes[self._kept_writes:])
        if not files and not writes:
            return
        with self.app.store.tx(write=True) as tx:
            ctx = Ctx(tx, self.app.clock.now(tx), True)
            self.app.cloud.containers.keep_exec_changes(ctx, self.plan, files, writes)
        self._kept_files.update(files)
        self._kept_writes = len(ch.volume_writes)


class AttachTicket:
    """An attach the POST answered: the container's output from then on, read from the state
    every ATTACH_POLL_SECONDS."""

    def __init__(self, app: "App", cursor: "AttachCursor") -> None:
        self.app, self.cursor = app, cursor

    def open(self) -> Stream:
        return AttachStream(self._poll)

    def _poll(self) -> tuple[str, bool]:
        from .model.cloud import Ctx  # noqa: PLC0415

        if self.cursor.ended:
            return "", True
        with self.app.store.tx(write=False) as tx:
            ctx = Ctx(tx, self.app.clock.now(tx), False)
            text = self.app.cloud.containers.attach_read(ctx, self.cursor)
        return text, self.cursor.ended and not text


class Sockets:
    """What a handler issues exec and attach sessions through: this process's broker and
    the endpoint that serves the request's sockets (``App.socket_base``)."""

    def __init__(self, app: "App", base: str) -> None:
        self.app, self.base = app, base

    def exec(self, plan: "ExecPlan", command: str, rows: int, cols: int) -> dict:
        """``{"webSocketUri", "password"}`` of a new exec session."""
        sid, password = self.app.streams.issue("exec", ExecTicket(self.app, plan, command,
                                                                  rows, cols))
        return {"webSocketUri": socket_uri(self.app.socket_base(self.base), "exec", sid, rows,
                                           cols), "password": password}

    def attach(self, cursor: "AttachCursor") -> dict:
        """``{"webSocketUri", "password"}`` of a new attach session."""
        sid, password = self.app.streams.issue("attach", AttachTicket(self.app, cursor))
        return {"webSocketUri": socket_uri(self.app.socket_base(self.base), "attach", sid),
                "password": password}
