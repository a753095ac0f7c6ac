"""Reading a WebSocket as a terminal does, for the exec and attach tests (tests/ is on the
path of every test package)."""

from __future__ import annotations

import websocket


def read_until(ws: websocket.WebSocket, end: bytes) -> bytes:
    """What the socket sends until it ends with ``end`` (fails if it closes first)."""
    out = b""
    while not out.endswith(end):
        chunk = ws.recv()
        assert chunk, f"closed after {out!r}"
        out += chunk if isinstance(chunk, bytes) else chunk.encode()
    return out


def read_to_close(ws: websocket.WebSocket) -> tuple[bytes, int]:
    """What the socket sends until it closes, and its close code."""
    out = b""
    while True:
        op, data = ws.recv_data(control_frame=True)
        if op == websocket.ABNF.OPCODE_CLOSE:
            return out, int.from_bytes(data[:2], "big")
        if op in (websocket.ABNF.OPCODE_BINARY, websocket.ABNF.OPCODE_TEXT):
            out += data
