"""The explorer's Exec and Attach tabs, for a container of the selected group that runs.

*Exec*: type one command line, see what it printed (:func:`aci_helpers.terminal.exec_command`:
``containers.execute_command`` starts ``/bin/sh``, the line is typed into it). *Attach*: what
the container prints from now on (``containers.attach`` and its WebSocket), live while a
kernel's event loop runs (JupyterLab, Voilà). Neither shows anything of the group but what
the container prints: no environment variable, no password; a command that prints a secure
value shows it, as it would in a terminal.

While a kernel's event loop runs, the WebSocket is read in a worker thread and the page
stays usable; without a loop (tests, scripts) a command runs in place and attach reads for
as long as :meth:`AttachView.read_for` is told.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable

import ipywidgets as W

from . import render
from ._confirm import BUTTON_STYLE
from .render import busy, error_html, esc

#: Seconds a command may take in the panel before it is interrupted (Ctrl-C is sent).
EXEC_TIMEOUT = 20.0
#: Commands (and what they printed) the Exec tab keeps on screen, newest last.
EXEC_HISTORY = 20
#: Lines the Attach tab keeps; older ones scroll away.
ATTACH_KEEP_LINES = 500
#: Seconds one read of the attach socket waits before it looks whether Stop was pressed.
ATTACH_READ_SECONDS = 0.5

_CONTAINER_STYLE = {"description_width": "80px"}


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _running_containers(row: Any) -> tuple[list[str], str | None]:
    """(the group's container names, why nothing can be exec'd or attached to now; None when
    the group runs)."""
    names = [c.name for c in row.group.containers] if row is not None else []
    if row is None:
        return names, "Select a group first."
    if row.state != "Running":
        return names, (f"{row.name} is {row.state or 'not running yet'}: exec and attach need a "
                       "running container." + (" Press <b>Start</b> first." if row.state ==
                                               "Stopped" else ""))
    return names, None


def _container_state(row: Any, container: str) -> str | None:
    for c in row.group.containers:
        if c.name == container and c.instance_view is not None and c.instance_view.current_state:
            return c.instance_view.current_state.state
    return None


def _pre(text: str, css: str) -> str:
    """``text`` in the log style, opened at its newest line."""
    return f'<div class="aci-log-box"><pre class="aci-log {css}">{esc(text)}</pre></div>'


class _ContainerTab(W.VBox):
    """What the two tabs share: the selected group's row, a container picker before the
    tab's own ``controls``, a note, then what the tab shows (``below``)."""

    def __init__(self, session: Any, show_call: Callable[[str], None], controls: list[W.Widget],
                 below: list[W.Widget], css: str) -> None:
        self.session = session
        self._show_call = show_call
        self.row: Any = None
        self._why: str | None = "Select a group first."
        # narrow enough that a 1280 px JupyterLab with its file browser open keeps the
        # command line and its buttons on one row
        self.container = W.Dropdown(description="Container", style=_CONTAINER_STYLE,
                                    layout=W.Layout(width="260px"))
        self.note = W.HTML()
        super().__init__(children=[
            W.HBox([self.container, *controls],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.note, *below])
        self.add_class(css)

    #: What the tab does, shown while it can be used (HTML).
    ABOUT = ""

    def _pick(self, row: Any) -> str | None:
        """Keep ``row``, offer its containers, say why nothing can run now (or what the tab
        does); return that reason, or None."""
        self.row = row
        names, why = _running_containers(row)
        if tuple(self.container.options) != tuple(names):
            keep = self.container.value
            self.container.options = names
            self.container.value = keep if keep in names else (names[0] if names else None)
        self._why = why
        self.note.value = (render.box("note", why) if why
                           else f'<div class="aci-sub">{self.ABOUT}</div>')
        return why

    def _target(self) -> tuple[str, str, str]:
        row = self.row
        return row.resource_group, row.name, self.container.value


class ExecPanel(_ContainerTab):
    """The Exec tab: one command line at a time, run inside the chosen container."""

    def __init__(self, session: Any, show_call: Callable[[str], None]) -> None:
        self.command = W.Text(placeholder="a command line, e.g. ls -l /mnt  (arguments, pipes "
                              "and ; allowed)", layout=W.Layout(flex="1 1 300px"))
        self.command.add_class("aci-exec-command")
        self.run_button = W.Button(description="Run", icon="play", button_style="primary",
                                   style=BUTTON_STYLE, layout=W.Layout(width="110px"))
        self.run_button.on_click(lambda _: self.run())
        self.clear_button = W.Button(description="Clear", icon="eraser", style=BUTTON_STYLE,
                                     layout=W.Layout(width="110px"))
        self.clear_button.on_click(lambda _: self.clear())
        self.output = W.HTML()
        self.output.add_class("aci-exec-output")
        self.transcript: list[tuple[str, str]] = []
        self._busy = False
        self.task: asyncio.Future[Any] | None = None
        super().__init__(session, show_call, [self.command, self.run_button, self.clear_button],
                         [self.output], "aci-exec")

    ABOUT = ("Runs <code>/bin/sh</code> in the container (exec takes one program, without "
             "arguments) and types your line into it. Only what the command prints is shown: "
             "print a secret and it is on the screen.")

    def show(self, row: Any) -> None:
        """The selected group (a ``GroupRow``, or None): its containers, and whether it runs."""
        self._pick(row)
        self._update()

    def _update(self) -> None:
        self.run_button.disabled = self._busy or self._why is not None
        self.command.disabled = self._why is not None
        self.run_button.description = "Running…" if self._busy else "Run"

    def call(self) -> str:
        """The SDK call a run makes (shown on the explorer's "SDK call:" line)."""
        rg, name, container = self._target()
        return (f"exec_command(s, {name!r}, {container!r}, {self.command.value.strip()!r}) "
                f"= s.aci.containers.execute_command({rg!r}, {name!r}, {container!r}, "
                "ContainerExecRequest(command='/bin/sh', ...)), then the WebSocket: the password "
                "first, the line typed, read until it has run")

    def run(self) -> None:
        """Run the typed line in the chosen container; show what it printed."""
        from ..terminal import ExecError, exec_command  # noqa: PLC0415 - websocket-client

        line = self.command.value.strip()
        if self._busy or self.row is None or self._why is not None:
            return
        if not line:
            self.note.value = render.box("note", "Type a command first, e.g. <code>ls /</code>.")
            return
        rg, name, container = self._target()
        state = _container_state(self.row, container)
        if state != "Running":
            self.note.value = render.box("note", f"Container {esc(container)} is "
                                         f"{esc(state or 'not started yet')}, not Running.")
            return
        self._show_call(self.call())
        self._busy = True
        self._update()
        self.output.value = self._render() + busy(f"running <code>{esc(line)}</code>…")

        def work() -> str:
            return exec_command(self.session, name, container, line, timeout=EXEC_TIMEOUT,
                                resource_group=rg)

        def done(out: str | None, err: BaseException | None) -> None:
            self._busy = False
            self._update()
            if err is not None:
                shown = (render.box("note", esc(err)) if isinstance(err, ExecError)
                         else error_html(err, f"Running {line!r}"))
                self.output.value = self._render() + shown
                return
            self.transcript = (self.transcript + [(line, out or "")])[-EXEC_HISTORY:]
            self.output.value = self._render()

        loop = _running_loop()
        if loop is None:
            try:
                out = work()
            except Exception as err:  # noqa: BLE001 - shown in the panel
                done(None, err)
                return
            done(out, None)
            return

        async def in_thread() -> None:
            try:
                out = await loop.run_in_executor(None, work)
            except Exception as err:  # noqa: BLE001 - shown in the panel
                done(None, err)
                return
            done(out, None)

        self.task = loop.create_task(in_thread())

    def clear(self) -> None:
        """Forget the commands shown."""
        self.transcript = []
        self.output.value = ""

    def _render(self) -> str:
        if not self.transcript:
            return ""
        text = "".join(f"$ {line}\n{out}" + ("" if not out or out.endswith("\n") else "\n")
                       for line, out in self.transcript)
        return _pre(text, "aci-exec-log")


class AttachView(_ContainerTab):
    """The Attach tab: what the chosen container prints from the moment Attach is pressed."""

    def __init__(self, session: Any, show_call: Callable[[str], None]) -> None:
        self.attach_button = W.Button(description="Attach", icon="eye", button_style="primary",
                                      style=BUTTON_STYLE, layout=W.Layout(width="120px"))
        self.attach_button.on_click(lambda _: self.start())
        self.stop_button = W.Button(description="Detach", icon="stop", style=BUTTON_STYLE,
                                    disabled=True, layout=W.Layout(width="120px"))
        self.stop_button.on_click(lambda _: self.stop())
        self.status = W.HTML()
        self.output = W.HTML()
        self.output.add_class("aci-attach-output")
        self.text = ""
        self._ws: Any = None
        self._stop = threading.Event()
        self.task: asyncio.Future[Any] | None = None
        super().__init__(session, show_call, [self.attach_button, self.stop_button],
                         [self.status, self.output], "aci-attach")

    ABOUT = ("Streams what the container prints from the moment you attach (its log has "
             "what came before). The Azure CLI's <code>az container attach</code> polls the "
             "log instead.")

    @property
    def attached(self) -> bool:
        return self._ws is not None

    def show(self, row: Any) -> None:
        """The selected group: another group (or one that no longer runs) ends an attach."""
        same = self.row is not None and row is not None and row.key == self.row.key
        if self._pick(row) is not None or not same:
            self.stop()
        self._update()

    def _update(self) -> None:
        self.attach_button.disabled = self.attached or self._why is not None
        self.stop_button.disabled = not self.attached
        self.container.disabled = self.attached

    def call(self) -> str:
        rg, name, container = self._target()
        return (f"s.aci.containers.attach({rg!r}, {name!r}, {container!r}), then its WebSocket "
                "(the password in the Authorization header)")

    def start(self) -> None:
        """Attach to the chosen container and stream what it prints."""
        if self.attached or self.row is None or self._why is not None:
            return
        import websocket  # noqa: PLC0415 - websocket-client, only when attaching

        rg, name, container = self._target()
        self._show_call(self.call())
        try:
            answer = self.session.aci.containers.attach(rg, name, container)
            ca = self.session.ca_file
            self._ws = websocket.create_connection(
                answer.web_socket_uri, sslopt={"ca_certs": ca} if ca else {},
                timeout=ATTACH_READ_SECONDS, header=[f"Authorization: {answer.password}"])
        except Exception as err:  # noqa: BLE001 - shown in the tab
            self.status.value = error_html(err, f"Attaching to {container}")
            self._ws = None
            return
        self._stop.clear()
        self.text = ""
        self.output.value = ""
        self.status.value = busy(f"attached to {esc(name)}/{esc(container)}: what it prints "
                                 "from now on appears below")
        self._update()
        loop = _running_loop()
        if loop is not None:
            self.task = loop.create_task(self._pump(loop))

    def read_for(self, seconds: float) -> str:
        """Read what comes for ``seconds`` (without an event loop: tests, scripts); the text
        so far."""
        import time  # noqa: PLC0415

        end = time.monotonic() + seconds
        while self.attached and time.monotonic() < end:
            self._show(*self._read_once())
        return self.text

    async def _pump(self, loop: asyncio.AbstractEventLoop) -> None:
        while self.attached and not self._stop.is_set():
            chunk, closed = await loop.run_in_executor(None, self._read_once)
            self._show(chunk, closed)

    def _read_once(self) -> tuple[str, bool]:
        """One read: (text, whether the socket closed)."""
        import websocket  # noqa: PLC0415

        ws = self._ws
        if ws is None:
            return "", True
        try:
            chunk = ws.recv()
        except websocket.WebSocketTimeoutException:
            return "", False
        except (websocket.WebSocketConnectionClosedException, OSError):
            return "", True
        if not chunk:
            return "", True
        return (chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk), False

    def _show(self, chunk: str, closed: bool) -> None:
        if chunk:
            lines = (self.text + chunk).splitlines(keepends=True)
            self.text = "".join(lines[-ATTACH_KEEP_LINES:])
            self.output.value = _pre(self.text, "aci-attach-log")
        if closed and self.attached:
            self._close()
            self.status.value = render.box("note", "The socket closed: the container ended, or "
                                           "its group was stopped, restarted or deleted.")
            self._update()

    def stop(self) -> None:
        """Detach: close the socket (the container keeps running)."""
        if not self.attached:
            return
        self._stop.set()
        self._close()
        self.status.value = render.box("ok", "Detached; the container keeps running.")
        self._update()

    def _close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            try:
                ws.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
