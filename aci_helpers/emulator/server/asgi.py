"""The local cloud as an ASGI application (Starlette's router; served by uvicorn).

Two services on one host, as ``server/__init__.py`` serves them:

- sign-in (``signin.py``): ARM's ``/metadata/endpoints`` and Microsoft Entra ID's OpenID
  configuration, instance discovery, keys and token endpoints;
- everything else is Azure Resource Manager: the request goes, unchanged, to the same
  :class:`~aci_helpers.emulator.app.App` the in-process transport uses (in a worker thread:
  the store is SQLite and synchronous), and its answer comes back byte for byte.

The exec and attach WebSockets (``sockets.py``) are routes beside the sign-in routes. Every request is
logged as method, path (never the query, headers or body: they carry tokens and secrets),
status and milliseconds.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Callable

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from .. import assumptions as A
from ..app import App
from ..app import Response as AppResponse
from ..errors import EmulatorError
from . import signin
from .sockets import socket_routes

log = logging.getLogger("aci_helpers.emulator.server")

Scope = dict[str, Any]
_SLASHES, _SLASHES_RAW = re.compile("//+"), re.compile(b"//+")


def _base(scope: Scope) -> str:
    """``https://host:port`` as the client addressed it (answers' links point back there)."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
    if not host or any(c in host for c in "/?#@ \\"):
        server = scope.get("server") or ("127.0.0.1", 0)
        host = f"{server[0]}:{server[1]}"
    return f"https://{host}"


async def _body(receive: Callable, limit: int) -> bytes:
    """The request body, read up to ``limit + 1`` bytes (the door refuses what is larger;
    reading stops there, so a huge body never fills memory)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if size <= limit:
            chunks.append(chunk[: limit + 1 - size])
            size += len(chunk)
        if not message.get("more_body"):
            break
        if size > limit:
            break
    return b"".join(chunks)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers or {})


class ArmApp:
    """Azure Resource Manager: every request that is not sign-in, answered by :class:`App`."""

    def __init__(self, app: App) -> None:
        self.app = app

    def _answer(self, method: str, url: str, headers: dict[str, str], body: bytes):
        try:
            return self.app.handle(method, url, headers, body)
        except EmulatorError as err:
            # The state file cannot be used (busy, damaged): the learner's problem to fix,
            # named in the answer; the server keeps serving.
            log.error("state file problem on %s %s: %s", method, url.split("?")[0], err)
            data = json.dumps({"error": {"code": "EmulatorStateFileError",
                                         "message": str(err)}}).encode()
            return AppResponse(503, {"Content-Type": "application/json; charset=utf-8",
                                     "Content-Length": str(len(data)), "Retry-After": "1"}, data)

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":      # a WebSocket to a path that has no socket
            await send({"type": "websocket.close", "code": 1008})
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = _base(scope) + raw.decode("latin-1") + ("?" + query.decode("latin-1") if query
                                                      else "")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _body(receive, A.MAX_REQUEST_BYTES)
        resp = await anyio.to_thread.run_sync(self._answer, scope["method"], url, headers, body)
        await send({"type": "http.response.start", "status": resp.status,
                    "headers": [(k.encode("latin-1"), str(v).encode("latin-1"))
                                for k, v in resp.headers.items()]})
        await send({"type": "http.response.body", "body": resp.body})


# ------------------------------------------------------------------------------ sign-in routes
async def _metadata(request: Request) -> Response:
    return _json(200, signin.arm_metadata(_base(request.scope)))


async def _openid(request: Request) -> Response:
    v2 = request.url.path.lower().split("/")[2:3] == ["v2.0"]
    return _json(200, signin.openid_configuration(_base(request.scope),
                                                  request.path_params["tenant"], v2))


async def _discovery(request: Request) -> Response:
    return _json(200, signin.instance_discovery(_base(request.scope)))


async def _keys(request: Request) -> Response:
    return _json(200, signin.keys())


async def _token(request: Request) -> Response:
    body = await _body(request.receive, 65536)   # a form of a few hundred bytes; never more
    v2 = "/v2.0/" in request.url.path.lower()
    try:
        answer = signin.token(_base(request.scope), request.path_params["tenant"], body,
                              request.headers.get("content-type", ""), v2=v2)
    except signin.SignInError as err:
        return _json(err.status, err.body, {"Cache-Control": "no-store"})
    return _json(200, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def _routes() -> list[Route]:
    return [
        Route("/metadata/endpoints", _metadata, methods=["GET"]),
        Route("/common/discovery/instance", _discovery, methods=["GET"]),
        Route("/{tenant}/v2.0/.well-known/openid-configuration", _openid, methods=["GET"]),
        Route("/{tenant}/.well-known/openid-configuration", _openid, methods=["GET"]),
        Route("/{tenant}/discovery/v2.0/keys", _keys, methods=["GET"]),
        Route("/{tenant}/discovery/keys", _keys, methods=["GET"]),
        Route("/{tenant}/oauth2/v2.0/token", _token, methods=["POST"]),
        Route("/{tenant}/oauth2/token", _token, methods=["POST"]),
    ]


_LOCAL_HOSTS = ("127.0.0.1", "localhost")


def _local_host(scope: Scope) -> bool:
    host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.lower() in _LOCAL_HOSTS


async def _refuse(scope: Scope, send: Callable, status: int, code: str, message: str) -> None:
    """An ARM-shaped error (a WebSocket: closed as a policy violation)."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _refuse_host(scope: Scope, send: Callable) -> None:
    await _refuse(scope, send, 400, "InvalidHost",
                  "The local cloud answers requests for 127.0.0.1 or localhost only.")


class AccessLog:
    """ASGI middleware: one log line a request (method, path, status, ms) and the time of
    the last request (for ``idle_exit``). Never the query, headers or body."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.last_request = time.monotonic()
        self.requests = 0
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not _local_host(scope):
            # Only names of this machine's loopback: a web page that rebinds its own name to
            # 127.0.0.1 (DNS rebinding) gets nothing.
            await _refuse_host(scope, send)
            return
        if "//" in scope.get("path", ""):
            # ARM and Entra ID read `//metadata/endpoints` as `/metadata/endpoints` (the
            # Azure CLI sends it so for an endpoint registered with a trailing slash).
            scope = dict(scope, path=_SLASHES.sub("/", scope["path"]),
                         raw_path=_SLASHES_RAW.sub(b"/", scope.get("raw_path") or
                                                      scope["path"].encode()))
        began = time.monotonic()
        self.last_request = began
        self.requests += 1
        self.in_flight += 1
        status = [0]

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.in_flight -= 1
            self.last_request = time.monotonic()
            path = scope.get("path", "")
            log.info("%s %s %s %.0f ms", scope.get("method", "WS"), path[:300], status[0] or "-",
                     (time.monotonic() - began) * 1000)


async def _nothing_here(scope: Scope, receive: Callable, send: Callable) -> None:
    """The sockets-only endpoint's answer to anything else: 404 (a socket: closed)."""
    await _refuse(scope, send, 404, "NotFound",
                  "This endpoint serves the exec and attach WebSockets only.")


def build(app: App, *, sockets_only: bool = False, control: Any = None) -> AccessLog:
    """The local cloud's ASGI application over ``app`` (the emulator's dispatch), with the
    exec and attach WebSockets of the sessions its answers issue, and the served emulator's
    own routes when given their :class:`~.control.Control`. ``sockets_only``: those sockets
    alone (the endpoint a kernel starts at its first exec)."""
    sockets = socket_routes(app.streams)
    if sockets_only:
        return AccessLog(Router(routes=sockets, redirect_slashes=False, default=_nothing_here))
    own = control.routes() if control is not None else []
    return AccessLog(Router(routes=_routes() + sockets + own, redirect_slashes=False,
                            default=ArmApp(app)))
