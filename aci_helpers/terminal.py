"""Inside a running container: run a command there and get back what it printed.

``containers.execute_command`` answers only a WebSocket URI and a password. What to do with
them is what the Azure CLI's ``az container exec`` does: open the socket, send the password
as the first message, then keystrokes; read the terminal's output until the socket closes.
ACI runs one program without arguments, so :func:`exec_command` starts a shell and types
the command into it, then reads until a marker it prints after the command::

    from aci_helpers.terminal import exec_command
    print(exec_command(s, "my-group", "web", "ls /usr/src/app"))

The same code runs on Azure and on the emulator (whose endpoint's CA is ``s.ca_file``).
The password is used once and never printed, returned or kept.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import TYPE_CHECKING, Any

from .errors import AciHelpersError, WaitTimeout

if TYPE_CHECKING:
    from .session import Session

#: Rows and columns of the terminal the command runs on (``ls`` fits its columns to it).
TERMINAL_ROWS, TERMINAL_COLS = 24, 120


class ExecError(AciHelpersError):
    """The command could not be run in the container: the message says why and what to do."""


def exec_command(session: "Session", name: str, container: str | None = None,
                 command: str = "", *, timeout: float = 30.0, shell: str = "/bin/sh",
                 resource_group: str | None = None) -> str:
    """Run ``command`` (arguments and pipes allowed) in ``container`` of group ``name`` and
    return what it printed (newlines ``\\n``, without the shell's prompt and echo).

    The container must be running. ``shell`` is the program exec starts (ACI takes one
    program, no arguments); the command is typed into it. Raises :class:`ExecError` when
    the group or container is not running or the image has no such shell, and
    :class:`~aci_helpers.errors.WaitTimeout` (after Ctrl-C) when it takes longer than
    ``timeout`` seconds."""
    import websocket  # noqa: PLC0415 - the one dependency only this helper needs
    from azure.mgmt.containerinstance.models import (  # noqa: PLC0415
        ContainerExecRequest, ContainerExecRequestTerminalSize)

    if not isinstance(command, str) or not command.strip() or "\n" in command:
        raise ExecError("Give the command as one line of text, e.g. 'ls /app' or "
                        "'cat /mnt/data/out.txt | head'.")
    rg = resource_group or session.resource_group
    container = _running_container(session, rg, name, container)
    answer = session.aci.containers.execute_command(
        rg, name, container, ContainerExecRequest(
            command=shell, terminal_size=ContainerExecRequestTerminalSize(
                rows=TERMINAL_ROWS, cols=TERMINAL_COLS)))
    token = secrets.token_hex(4)
    done = re.compile(rf"__aci_exec_{token}_done (\d+)")
    deadline = time.monotonic() + timeout
    sslopt = {"ca_certs": session.ca_file} if session.ca_file else {}
    ws = websocket.create_connection(answer.web_socket_uri, sslopt=sslopt,
                                     timeout=max(1.0, timeout))
    out = ""
    try:
        ws.send(answer.password)
        # The shell echoes what is typed: the quotes keep the echo from matching the marker.
        ws.send_binary(f'{command}; echo "__aci_exec_{token}""_done $?"\r'.encode())
        while not done.search(out):
            left = deadline - time.monotonic()
            if left <= 0:
                ws.send_binary(b"\x03")
                raise WaitTimeout(f"The command did not finish within {timeout:g} s (it was "
                                  f"interrupted). What it printed so far:\n{_clean(out)}")
            ws.settimeout(left)
            try:
                chunk = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except websocket.WebSocketConnectionClosedException:
                chunk = ""
            if not chunk:   # closed before the marker: the shell never started
                raise ExecError(_no_shell(shell, name, container, out))
            out += chunk if isinstance(chunk, str) else chunk.decode("utf-8", "replace")
        ws.send_binary(b"exit\r")
    finally:
        ws.close()
    return _output(out, token)


def _running_container(session: "Session", rg: str, name: str, container: str | None) -> str:
    """The container's name, once the group and the container are known to be running."""
    group = session.aci.container_groups.get(rg, name)
    names = [c.name for c in group.containers]
    if container is None:
        if len(names) != 1:
            raise ExecError(f"Group '{name}' has {len(names)} containers ({', '.join(names)}): "
                            f"say which one, e.g. exec_command(s, '{name}', '{names[0]}', ...).")
        container = names[0]
    if container not in names:
        raise ExecError(f"Group '{name}' has no container '{container}' (it has: "
                        f"{', '.join(names)}).")
    state = _text(getattr(group.instance_view, "state", None))
    if state in ("Stopped", "Stopping", "Deallocating"):
        raise ExecError(f"Group '{name}' is {state}: nothing runs in it. Start it first "
                        f"(s.aci.container_groups.begin_start(rg, '{name}')), then exec.")
    c = next(c for c in group.containers if c.name == container)
    current = getattr(getattr(c.instance_view, "current_state", None), "state", None)
    if _text(current) != "Running":
        raise ExecError(f"Container '{container}' of group '{name}' is "
                        f"{_text(current) or 'not started yet'}, not Running: exec needs a "
                        f"running container (wait for it, or restart the group).")
    return container


def _text(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _no_shell(shell: str, name: str, container: str, out: str) -> str:
    if "not found" in out or "no such file" in out:
        return (f"The image of '{container}' (group '{name}') has no {shell}: exec runs one "
                f"program without arguments, so the command needs a shell in the image. "
                f"Try shell='/bin/bash' or shell='sh'. The runtime said: {_clean(out).strip()}")
    return f"The exec socket closed before the command finished. It printed: {_clean(out)}"


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "")


def _output(text: str, token: str) -> str:
    """What the command printed: after the echo of the typed line, before the marker."""
    text = _clean(text)
    echo = text.find(f'"__aci_exec_{token}""_done $?"')
    start = text.find("\n", echo) + 1 if echo >= 0 else 0
    end = text.find(f"__aci_exec_{token}_done", start)
    return text[start:end if end >= 0 else len(text)]
