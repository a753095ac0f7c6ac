"""azure-core transports that answer every request in-process: ``HttpTransport`` for the
sync clients, ``AsyncHttpTransport`` for the ``.aio`` clients (same app: same state, clock
and faults)."""

from __future__ import annotations

from dataclasses import dataclass
import asyncio
from typing import Any, AsyncIterator, Iterator

from azure.core.pipeline.transport import HttpResponse as LegacyHttpResponse
from azure.core.pipeline.transport import AsyncHttpResponse as LegacyAsyncHttpResponse
from azure.core.pipeline.transport import AsyncHttpTransport, HttpTransport
from azure.core.rest import HttpRequest as RestHttpRequest
from azure.core.rest._http_response_impl import HttpResponseImpl
from azure.core.rest._http_response_impl_async import AsyncHttpResponseImpl
from azure.core.utils import case_insensitive_dict

from .app import App, Response, reason


@dataclass(frozen=True)
class Exchange:
    """One recorded (request, response) pair, for conformance tests and debugging."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes


class _Closed:
    def close(self) -> None:
        """Nothing to close: the body is already in memory."""
        pass


class _RestResponse(HttpResponseImpl):
    """``azure.core.rest.HttpResponse`` over an in-memory body."""

    def __init__(self, request: Any, resp: Response) -> None:
        headers = case_insensitive_dict(resp.headers)
        super().__init__(request=request, internal_response=_Closed(), status_code=resp.status,
                         reason=reason(resp.status), content_type=headers.get("Content-Type"),
                         headers=headers, stream_download_generator=_chunks)
        self._body = resp.body
        self._content = resp.body


def _chunks(response: Any, **_: Any) -> Iterator[bytes]:
    yield response._body


class _AsyncClosed:
    async def close(self) -> None:
        """Nothing to close: the body is already in memory."""
        pass


async def _async_chunks(response: Any, **_: Any) -> AsyncIterator[bytes]:
    yield response._body


class _AsyncRestResponse(AsyncHttpResponseImpl):
    """``azure.core.rest.AsyncHttpResponse`` over an in-memory body."""

    def __init__(self, request: Any, resp: Response) -> None:
        headers = case_insensitive_dict(resp.headers)
        super().__init__(request=request, internal_response=_AsyncClosed(),
                         status_code=resp.status, reason=reason(resp.status),
                         content_type=headers.get("Content-Type"), headers=headers,
                         stream_download_generator=_async_chunks)
        self._body = resp.body
        self._content = resp.body


class _InMemoryLegacy:
    """What the legacy sync and async responses share: status, headers and body in memory."""

    def __init__(self, request: Any, resp: Response) -> None:
        super().__init__(request, None)  # type: ignore[call-arg]
        self.status_code = resp.status
        self.headers = case_insensitive_dict(resp.headers)
        self.reason = reason(resp.status)
        self.content_type = self.headers.get("Content-Type")
        self._body = resp.body

    def body(self) -> bytes:
        """The whole response body."""
        return self._body


class _LegacyAsyncResponse(_InMemoryLegacy, LegacyAsyncHttpResponse):
    """``azure.core.pipeline.transport.AsyncHttpResponse`` over an in-memory body."""

    async def stream_download(self, pipeline: Any, **kwargs: Any) -> AsyncIterator[bytes]:
        """The body, as a single chunk."""
        yield self._body


class _LegacyResponse(_InMemoryLegacy, LegacyHttpResponse):
    """``azure.core.pipeline.transport.HttpResponse`` over an in-memory body."""

    def stream_download(self, pipeline: Any, **kwargs: Any) -> Iterator[bytes]:
        """The body, as a single chunk."""
        yield self._body


def _request_body(request: Any) -> bytes:
    for attr in ("content", "data", "body"):
        try:
            value = getattr(request, attr)
        except Exception:  # noqa: BLE001 - rest requests raise on .content for streamed bodies
            continue
        if value is None:
            continue
        if isinstance(value, bytes):
            return value
        if isinstance(value, str):
            return value.encode("utf-8")
        if hasattr(value, "read"):
            data = value.read()
            return data if isinstance(data, bytes) else str(data).encode("utf-8")
    return b""


class EmulatorTransport(HttpTransport):
    """Hands each request to the emulator's :class:`App`; ``sleep`` follows the clock."""

    def __init__(self, app: App, *, record: bool = False) -> None:
        self._app = app
        self.record = record
        self.exchanges: list[Exchange] = []

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Answer ``request`` in-process, as the response type of its kind (rest or legacy)."""
        resp, request = _answer(self._app, request, self.exchanges if self.record else None)
        if isinstance(request, RestHttpRequest):
            return _RestResponse(request, resp)
        return _LegacyResponse(request, resp)

    def open(self) -> None:
        """Nothing to open: the transport is in-process."""
        pass

    def close(self) -> None:
        """Nothing to close: the transport is in-process."""
        pass

    def __enter__(self) -> "EmulatorTransport":
        return self

    def __exit__(self, *args: Any) -> None:
        pass

    def sleep(self, duration: float) -> None:
        """Sleep as the emulator's clock does (not at all on the instant clock)."""
        self._app.clock.sleep(duration)


def _answer(app: App, request: Any, exchanges: list[Exchange] | None) -> tuple[Response, Any]:
    body = _request_body(request)
    if exchanges is None:
        return app.handle(request.method, request.url, request.headers, body), request
    headers = dict(request.headers.items())
    resp = app.handle(request.method, request.url, headers, body)
    exchanges.append(Exchange(request.method, request.url, headers, body, resp.status,
                              dict(resp.headers), resp.body))
    return resp, request


class EmulatorAsyncTransport(AsyncHttpTransport):
    """The ``AsyncHttpTransport`` of the ``.aio`` clients: the same :class:`App` as
    :class:`EmulatorTransport` (same state, clock and faults).

    The emulator's state is SQLite and synchronous: each request is answered in a worker
    thread (``asyncio.to_thread``) so that the event loop stays responsive while the store
    works. ``sleep`` follows the emulator's clock (no wait at all on the instant clock)."""

    def __init__(self, app: App, *, record: bool = False) -> None:
        self._app = app
        self.record = record
        self.exchanges: list[Exchange] = []

    async def send(self, request: Any, **kwargs: Any) -> Any:
        """Answer ``request`` in-process (in a worker thread), as its kind of response."""
        resp, request = await asyncio.to_thread(
            _answer, self._app, request, self.exchanges if self.record else None)
        if isinstance(request, RestHttpRequest):
            return _AsyncRestResponse(request, resp)
        return _LegacyAsyncResponse(request, resp)

    async def open(self) -> None:
        """Nothing to open: the transport is in-process."""
        pass

    async def close(self) -> None:
        """Nothing to close: the transport is in-process."""
        pass

    async def __aenter__(self) -> "EmulatorAsyncTransport":
        return self

    async def __aexit__(self, *args: Any) -> None:
        pass

    async def sleep(self, duration: float) -> None:
        """Wait as the emulator's clock does: not at all on the instant clock."""
        wait = self._app.clock.wall_seconds(duration)
        if wait > 0:
            await asyncio.sleep(wait)
