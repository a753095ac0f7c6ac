"""The emulator served over HTTPS on 127.0.0.1: the local cloud real clients talk to.

The same :class:`~aci_helpers.emulator.app.App` as the in-process transport (same state
file, clock, speed and injected faults) behind uvicorn (the HTTP/1.1 and WebSocket server)
and Starlette's router, with TLS from a CA the kit makes (``tls.py``) and the sign-in real
clients perform (``signin.py``)::

    emu = Emulator("cloud.db")
    with emu.server() as srv:                     # LocalCloud folder beside the state
        aci = ContainerInstanceManagementClient(cred, emu.subscription_id,
                                                base_url=srv.url,
                                                connection_verify=srv.ca_file)

Why uvicorn and Starlette: the most used ASGI server and router in Python, well kept, small
(pure Python with h11, no compiled parts needed), serving HTTP/1.1 and WebSockets on one port
(``websockets`` library) -- exec and attach will be a ``WebSocketRoute`` beside the sign-in
routes -- and running in a thread of any process, a notebook kernel included.

One server per state file: it holds ``server.lock`` (flock) in the local cloud's folder
while it serves; a second one is refused with :class:`ServerBusy`, naming the process.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, no second-server check
    fcntl = None  # type: ignore[assignment]

from ..errors import EmulatorError
from ..lockinfo import flock_holder, flock_pids
from . import tls

log = logging.getLogger("aci_helpers.emulator.server")

HOST = "127.0.0.1"   # loopback only, never another interface


class ServerError(EmulatorError):
    """The local cloud cannot be served: the message says why and what to do."""


class ServerBusy(ServerError):
    """Another process already serves this state file."""

    def __init__(self, state: str, holder: str | None, url: str | None) -> None:
        self.holder = holder
        self.url = url
        where = f" at {url}" if url else ""
        super().__init__(f"The state file {state} is already served by "
                         f"{holder or 'another process'}{where}. Use that server, or stop it "
                         "first (Ctrl-C in its terminal, or `aci-tutorial serve --stop`).")


@dataclass(frozen=True)
class Running:
    """A server that serves a state file now (seen from any process)."""

    url: str
    pid: int | None
    holder: str
    ca_file: str


class LocalCloud:
    """The local cloud's folder beside a state file: ``tls/`` (CA, certificate, keys),
    ``server.lock`` (held while serving), ``server.json`` (URL, port, process), ``azure/``
    (the Azure CLI's isolated configuration, kept by ``aci-tutorial az``)."""

    def __init__(self, state: str | None, home: str | os.PathLike | None = None) -> None:
        if home is None:
            if state is None:
                raise ServerError("An in-memory emulator has no folder for its local cloud: "
                                  "pass home=<folder>, or use a state file.")
            p = Path(state)
            home = p.with_name(p.stem + "-local-cloud")
        self.state = state
        self.home = Path(home)

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def azure_config_dir(self) -> Path:
        """``AZURE_CONFIG_DIR`` of the Azure CLI signed in to this local cloud."""
        return self.home / "azure"

    @property
    def lock_file(self) -> Path:
        return self.home / "server.lock"

    @property
    def info_file(self) -> Path:
        return self.home / "server.json"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    @property
    def admin_key_file(self) -> Path:
        """The running server's admin key (``control.py``), readable by its account only."""
        return self.home / "admin-key"

    def make_home(self) -> None:
        """Create the folder, readable by the user only."""
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)

    def tls(self) -> tls.TlsFiles:
        """The CA and server certificate, made on first use."""
        self.make_home()
        return tls.ensure(self.tls_dir)

    @property
    def ca_file(self) -> str:
        """The CA certificate clients trust (``REQUESTS_CA_BUNDLE``, ``connection_verify``)."""
        return str(self.tls().ca)

    def info(self) -> dict[str, Any]:
        """What the last server wrote (``url``, ``port``, ``pid``), or ``{}``."""
        try:
            data = json.loads(self.info_file.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def running(self) -> Running | None:
        """The server serving this state file now, or ``None``."""
        if fcntl is None or not self.lock_file.exists():
            return None
        try:
            fd = os.open(self.lock_file, os.O_RDONLY)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            info = self.info()
            pids = flock_pids(str(self.lock_file))
            pid = info.get("pid") if info.get("pid") in pids else (pids[0] if pids else
                                                                     os.getpid())
            holder = flock_holder(str(self.lock_file)) or "this process"
            url = info.get("url")
            return Running(url, pid, holder, str(self.tls_dir / "ca.pem")) \
                if isinstance(url, str) else None
        finally:
            os.close(fd)
        return None

    def acquire(self) -> int:
        """Take the serving lock (a descriptor kept open while serving) or raise ServerBusy."""
        self.make_home()
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                info = self.info()
                raise ServerBusy(self.state or str(self.home),
                                 flock_holder(str(self.lock_file)) or "this process",
                                 info.get("url")) from None
        return fd


def _bind(port: int | None, remembered: Any) -> socket.socket:
    """A listening socket on 127.0.0.1: ``port``, else the last port (if free), else any."""
    tries = [port] if port is not None else (
        [remembered, 0] if isinstance(remembered, int) and 0 < remembered < 65536 else [0])
    for i, p in enumerate(tries):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without, a response written in two parts (head,
        # body) waits for the client's delayed ACK, 40 ms a request on Linux.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((HOST, p))
        except OSError as err:
            sock.close()
            if i + 1 < len(tries):
                continue
            raise ServerError(f"Cannot listen on {HOST}:{p} ({err.strerror or err}): choose "
                              "another port (--port), or 0 for any free one.") from None
        sock.listen(128)
        sock.set_inheritable(False)
        return sock
    raise AssertionError("unreachable")


class Server:
    """uvicorn serving the emulator's :class:`App` on ``https://127.0.0.1:PORT``.

    ``start()`` serves in a background thread (returns once it listens); ``run()`` serves
    until Ctrl-C or SIGTERM; ``stop()`` ends either. ``idle_exit`` seconds without a request
    end it by themselves (for the server ``aci-tutorial az`` starts)."""

    def __init__(self, app: Any, cloud: LocalCloud, *, port: int | None = None,
                 idle_exit: float | None = None, sockets_only: bool = False,
                 control: Any = None) -> None:
        if port is not None and (isinstance(port, bool) or not isinstance(port, int)
                                 or not 0 <= port < 65536):
            raise ValueError(f"port must be an integer from 0 to 65535, not {port!r}")
        if idle_exit is not None and not idle_exit > 0:
            raise ValueError(f"idle_exit must be a positive number of seconds, not {idle_exit!r}")
        self._app = app
        self.cloud = cloud
        self._port = port
        self._idle_exit = idle_exit
        #: Serve the exec and attach WebSockets alone (the endpoint a kernel starts at its
        #: first exec): no ARM, no serving lock, any free port.
        self.sockets_only = sockets_only
        #: The Emulator whose own routes (/_emulator/..., ``control.py``) are served, if any.
        self._control = control
        self._uvicorn: Any = None
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._sock: socket.socket | None = None
        self._asgi: Any = None
        self._stopped = threading.Event()
        self.url: str | None = None
        self.started_in: float | None = None
        """Seconds from start() until the server listened."""

    @property
    def ca_file(self) -> str:
        """The CA certificate the clients trust."""
        return str(self.cloud.tls_dir / "ca.pem")

    @property
    def requests(self) -> int:
        """Requests served so far."""
        return self._asgi.requests if self._asgi is not None else 0

    def client_kwargs(self) -> dict[str, str]:
        """``base_url`` and ``connection_verify`` for an azure-mgmt client of this cloud."""
        if self.url is None:
            raise ServerError("The server is not started: call start() first.")
        return {"base_url": self.url, "connection_verify": self.ca_file}

    def start(self, timeout: float = 10.0) -> "Server":
        """Serve in a background thread; return once it listens (or raise ServerError)."""
        import uvicorn  # noqa: PLC0415 - only a serving process pays for it

        from .asgi import build  # noqa: PLC0415

        began = time.perf_counter()
        if not self.sockets_only:
            self._lock_fd = self.cloud.acquire()
        try:
            files = self.cloud.tls()
            self._sock = _bind(self._port if not self.sockets_only else 0,
                               None if self.sockets_only else self.cloud.info().get("port"))
            port = self._sock.getsockname()[1]
            self.url = f"https://{HOST}:{port}"
            self._asgi = build(self._app, sockets_only=self.sockets_only,
                               control=None if self.sockets_only else self._make_control())
            config = uvicorn.Config(
                self._asgi, ssl_certfile=str(files.cert), ssl_keyfile=str(files.key),
                log_config=None, access_log=False, lifespan="off", proxy_headers=False,
                server_header=False, date_header=False, timeout_graceful_shutdown=2, ws="websockets-sansio",
                timeout_keep_alive=30)
            self._uvicorn = uvicorn.Server(config)
            self._thread = threading.Thread(target=self._serve, name="aci-local-cloud",
                                            daemon=True)
            self._thread.start()
            deadline = time.monotonic() + timeout
            while not self._uvicorn.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    raise ServerError(f"The server did not start within {timeout:g} s (see the "
                                      "messages above).")
                time.sleep(0.005)
            if not self.sockets_only:
                self._write_info(port)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - began
        if self._idle_exit:
            threading.Thread(target=self._watch_idle, name="aci-local-cloud-idle",
                             daemon=True).start()
        return self

    def _make_control(self) -> Any:
        """The emulator's own routes, with a new admin key for this run of the server."""
        if self._control is None:
            return None
        from .control import Control  # noqa: PLC0415

        key = secrets.token_urlsafe(32)
        tls.write_private(self.cloud.admin_key_file, key.encode())
        return Control(self._control, self._app, key)

    def _serve(self) -> None:
        try:
            self._uvicorn.run(sockets=[self._sock])
        except BaseException:
            log.exception("the local cloud's server stopped on an error")
        finally:
            self._stopped.set()

    def _watch_idle(self) -> None:
        while not self._stopped.wait(1.0):
            if time.monotonic() - self._asgi.last_request > self._idle_exit:
                log.warning("no request for %g s: stopping", self._idle_exit)
                self._uvicorn.should_exit = True
                return

    def _write_info(self, port: int) -> None:
        data = {"url": self.url, "port": port, "pid": os.getpid(), "state": self.cloud.state,
                "ca": self.ca_file}
        tmp = self.cloud.info_file.with_name("server.json.tmp")
        tmp.write_text(json.dumps(data, indent=1))
        os.replace(tmp, self.cloud.info_file)

    def stop(self) -> None:
        """Stop serving (open connections get up to 2 s to finish) and release the lock."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            # Requests under way get up to 2 s; idle keep-alive connections are not waited
            # for (a TLS close would wait for each client's close_notify).
            deadline = time.monotonic() + 2
            while self._asgi is not None and self._asgi.in_flight and \
                    time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.05)
            self._uvicorn.force_exit = True
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._stopped.set()
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._control is not None and self._lock_fd is not None:
            try:   # this run's admin key dies with it
                self.cloud.admin_key_file.unlink()
            except FileNotFoundError:
                pass
        if self._lock_fd is not None:
            os.close(self._lock_fd)   # releases the flock
            self._lock_fd = None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stopped (True) or ``timeout`` passed (False)."""
        return self._stopped.wait(timeout)

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM (or ``idle_exit``), then stop cleanly."""
        import signal  # noqa: PLC0415

        if self._thread is None:
            self.start()
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, lambda *_: self._stopped.set())
        try:
            while not self._stopped.wait(0.5):
                pass
        finally:
            self.stop()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def __enter__(self) -> "Server":
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Server(url={self.url!r}, state={self.cloud.state!r})"
