"""The WebSockets of exec and attach, spoken as the Azure CLI's ``container exec`` speaks them.

Protocol (``azure/cli/command_modules/container/custom.py``; what is not public is named in
``assumptions.py``): the client opens the ``wss://`` URI that ``execute_command`` answered
and sends the password as its first message (attach: as the ``Authorization`` header of
the connection, as the spec's ``ContainerAttachResponse.password`` says); then keystrokes,
in binary frames (text frames are taken too); the server sends the terminal's output and
closes the socket when the process ends (1000). A wrong, reused or expired password, or an
unknown session, closes the socket at once with ``EXEC_REFUSED_CLOSE_CODE``; so does no
password within ``EXEC_PASSWORD_WAIT_SECONDS``. A client that goes away ends the process
where it was. Nothing a session carries (its password, what is typed) is logged.

Time: the process runs on the emulator's clock. On the realtime clock, output is due at
its simulated time (a ``sleep 2`` takes two seconds divided by the speed); on the instant
clock, a command that ends is over at once and an endless one streams at the wall clock's
pace, so that Ctrl-C can stop it.
"""

from __future__ import annotations

import asyncio
import logging

import anyio.to_thread
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import assumptions as A
from ..streams import ATTACH_PATH, EXEC_PATH, Broker, Stream

log = logging.getLogger("aci_helpers.emulator.server")


class _HideFrames(logging.Filter):
    """The WebSocket stack logs each frame at DEBUG, content included (a password, what is
    typed, what a command printed): this keeps the frame's kind and size, never its bytes."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg in ("< %s", "> %s") and args and hasattr(args[0], "opcode") \
                and hasattr(args[0], "data"):
            frame = args[0]
            record.args = (f"{getattr(frame.opcode, 'name', frame.opcode)} "
                           f"[{len(frame.data)} bytes, not shown]",)
        return True


_hide_frames = _HideFrames()
for _name in ("uvicorn.error", "websockets", "websockets.server", "websockets.protocol"):
    logging.getLogger(_name).addFilter(_hide_frames)


def socket_routes(broker: Broker) -> list[WebSocketRoute]:
    """The exec and attach sockets of the sessions ``broker`` issues."""

    async def exec_socket(websocket: WebSocket) -> None:
        await serve(websocket, broker, "exec", websocket.path_params["sid"])

    async def attach_socket(websocket: WebSocket) -> None:
        await serve(websocket, broker, "attach", websocket.path_params["sid"])

    return [WebSocketRoute(EXEC_PATH + "{sid}", exec_socket),
            WebSocketRoute(ATTACH_PATH + "{sid}", attach_socket)]


_DISCONNECT = object()


async def _password(websocket: WebSocket) -> bytes | None:
    """The first message, within the wait; None when there is none (or the client left)."""
    try:
        with anyio.fail_after(A.EXEC_PASSWORD_WAIT_SECONDS):
            message = await websocket.receive()
    except TimeoutError:
        return None
    if message["type"] != "websocket.receive":
        return None
    if message.get("bytes") is not None:
        return message["bytes"]
    text = message.get("text")
    return text.encode("utf-8", "replace") if text is not None else None


async def serve(websocket: WebSocket, broker: Broker, kind: str, sid: str) -> None:
    """Accept, check the password, then pump keystrokes in and output out until the end."""
    await websocket.accept()
    if kind == "attach":   # the spec: "Send as an Authorization header value" (ev:spec-2023)
        header = websocket.headers.get("authorization")
        password = header.strip().encode("utf-8", "replace") if header else None
    else:                  # exec: the first message, as the Azure CLI sends it
        password = await _password(websocket)
    ticket = broker.redeem(kind, sid, password) if password is not None else None
    if ticket is None:
        log.info("%s socket refused: no such session, or a wrong, used or expired password",
                 kind)
        await _close(websocket, A.EXEC_REFUSED_CLOSE_CODE)
        return
    try:
        stream: Stream = await anyio.to_thread.run_sync(ticket.open)
    except Exception:  # a bug opening one session must not take the server down
        log.exception("%s session could not start", kind)
        await _close(websocket, 1011)
        return
    inbox: asyncio.Queue = asyncio.Queue()
    reader = asyncio.ensure_future(_read(websocket, inbox))
    try:
        await _pump(websocket, stream, inbox)
    except Exception:  # one session's failure closes that socket only
        log.exception("%s session failed", kind)
        await _close(websocket, 1011)
    finally:
        reader.cancel()
        try:
            await anyio.to_thread.run_sync(stream.close)
        except Exception:  # keeping what it wrote failed: said, not raised
            log.exception("%s session: what it wrote could not be kept", kind)


async def _read(websocket: WebSocket, inbox: asyncio.Queue) -> None:
    """Every message the client sends, into ``inbox``; then the disconnect marker."""
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is None:
                data = message.get("text") or ""
            await inbox.put(data)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await inbox.put(_DISCONNECT)


async def _pump(websocket: WebSocket, stream: Stream, inbox: asyncio.Queue) -> None:
    while True:
        out = await anyio.to_thread.run_sync(stream.read, stream.now())
        if out:
            try:
                if A.EXEC_OUTPUT_BINARY_FRAMES:
                    await websocket.send_bytes(out.encode("utf-8"))
                else:
                    await websocket.send_text(out)
            except (WebSocketDisconnect, RuntimeError, OSError):
                # The client went away while output was on its way: a hangup, not a fault.
                await anyio.to_thread.run_sync(stream.hangup, stream.now())
                return
        if stream.finished:
            await _close(websocket, 1000)
            return
        nxt = stream.next_at()
        timeout = None if nxt is None else stream.delay(nxt)
        try:
            data = await asyncio.wait_for(inbox.get(), timeout)
        except asyncio.TimeoutError:
            continue
        if data is _DISCONNECT:
            await anyio.to_thread.run_sync(stream.hangup, stream.now())
            return
        await anyio.to_thread.run_sync(stream.write, data, stream.now())


async def _close(websocket: WebSocket, code: int) -> None:
    try:
        await websocket.close(code)
    except (RuntimeError, WebSocketDisconnect, OSError):
        pass  # the client is already gone

