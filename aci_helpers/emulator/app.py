"""Dispatch: authentication, routing, api-version, the transaction, and the one place that
turns an :class:`ArmError` into ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from typing import Callable, Mapping

from . import assumptions as A
from . import door, routing
from .clock import InstantClock, RealtimeClock
from .errors import (ArmError, EmulatorError, InvalidApiVersionParameter,
                     InvalidAuthenticationToken, InvalidResourceType, MethodNotAllowed,
                     MissingApiVersionParameter, NoRegisteredProviderFound,
                     SubscriptionNotFound, Unauthorized, UnknownPath)
from .faults import Faults
from .streams import Broker, Sockets
from .handlers.base import Env, Reply, Request
from .model import registration
from .model.cloud import Cloud, Ctx
from .model.container_groups import Unlaunched
from .model.versions import versions_documenting
from .model.util import http_date
from .overlays import Overlays, session_of
from .store import Store, Tx, json_encoder

log = logging.getLogger("aci_helpers.emulator")

_READ_METHODS = frozenset({"GET", "HEAD"})
#: Writes that find a group to launch give the write lock back this many times at most; the
#: last one launches it inside (another kernel keeps writing new groups meanwhile).
_LAUNCH_TRIES = 3


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


_PHRASES = {s.value: s.phrase for s in HTTPStatus}
#: The headers of every answer, in their order (the ids and the date are set per answer).
_HEADERS = {
    "Cache-Control": "no-cache",
    "Pragma": "no-cache",
    "Expires": "-1",
    "x-ms-request-id": "",
    # as on every recorded answer
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-correlation-request-id": "",
    "Date": "",
}
#: The instant clock answers many requests at the same moment.
_http_date = lru_cache(maxsize=256)(http_date)
#: Every answer's JSON: compact, not ASCII-escaped.
_encode = json_encoder((",", ":"), ensure_ascii=False)


def reason(status: int) -> str:
    """The HTTP reason phrase of ``status`` (``Unknown`` for a code HTTP does not define)."""
    return _PHRASES.get(status, "Unknown")


class App:
    """Answers HTTP requests against one store."""

    def __init__(self, store: Store, clock: InstantClock | RealtimeClock, cloud: Cloud) -> None:
        self.store = store
        store.prefetch_meta(registration.META_KEY)  # read with the dues, not on its own
        self.clock = clock
        self.cloud = cloud
        self._counter = 0
        self._lock = threading.Lock()
        self.faults = Faults()
        #: Exec and attach sessions answered and not yet connected (this process serves them).
        self.streams = Broker()
        #: The ``https://host:port`` serving the sockets of a request to a base URL (the
        #: Emulator starts its endpoint there for the in-process transport).
        self.socket_base: Callable[[str], str] = lambda base: base
        #: A served emulator's per-client settings (quota); faults carry their own session.
        self.overlays = Overlays()

    def _request_id(self, method: str, url: str) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        h = hashlib.sha256(f"{self.cloud.seed}|{n}|{method}|{url}".encode()).hexdigest()
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request. Never raises for a client mistake: it answers an ARM error."""
        method = method.upper()
        hdrs = {k.lower(): v for k, v in headers.items()}
        scheme, netloc, raw_path, raw_query = door.split_url(url)
        base = f"{scheme or 'https'}://{netloc or 'management.azure.com'}"
        path = door.decode_path(raw_path)
        query = door.query(raw_query)
        req = Request(method, path, query, hdrs, body or b"", base)
        now_for_date = None
        session = session_of(hdrs)
        try:
            if session is None:  # in-process: no session settings to apply
                reply, now_for_date = self._dispatch(req, None)
            else:
                with self.overlays.applied(session):
                    reply, now_for_date = self._dispatch(req, session)
        except ArmError as err:
            reply = Reply(err.status, err.body(), dict(err.headers))
        except EmulatorError:
            # A problem with the state file (StateFileError) is the learner's to fix, not
            # an answer of Azure's: raised to the caller as one clear Python error.
            raise
        except Exception:  # an emulator bug must still look like ARM, and be visible
            log.exception("emulator internal error on %s %s", method, path)
            reply = Reply(500, {"error": {"code": "InternalServerError", "message":
                                "The emulator failed to process the request (a bug in the "
                                "emulator; see its log). Nothing was changed."}})
        return self._render(req, reply, now_for_date)

    def _render(self, req: Request, reply: Reply, now: float | None) -> Response:
        out_headers = _HEADERS.copy()  # in this order; the keys set below keep their place
        out_headers["x-ms-request-id"] = out_headers["x-ms-correlation-request-id"] = \
            self._request_id(req.method, req.path)
        if now is None:
            with self.store.tx(write=False) as tx:
                now = self.clock.now(tx)
        out_headers["Date"] = _http_date(int(now))
        data = b""
        if reply.body is not None and req.method != "HEAD":
            # backslashreplace: text that is not Unicode (refused at the door, skipped when
            # read back) can never turn one answer into an exception.
            data = _encode(reply.body).encode("utf-8", "backslashreplace")
            out_headers["Content-Type"] = "application/json; charset=utf-8"
        out_headers["Content-Length"] = str(len(data))
        out_headers.update(reply.headers)
        return Response(reply.status, out_headers, data)

    def _dispatch(self, req: Request, session: str | None = None) -> tuple[Reply, float | None]:
        auth = req.headers.get("authorization")
        if not auth:
            raise Unauthorized("Authentication failed. The 'Authorization' header is missing.")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise InvalidAuthenticationToken("Authentication failed. The 'Authorization' "
                                             "header is provided in an invalid format.")
        fail = self.faults.check(req.method, req.path, session)
        route, params = routing.match(req.path)
        if route is None:
            self._unknown(req)
        handler = route.methods.get(req.method)
        if handler is None:
            raise MethodNotAllowed(f"The requested resource does not support http method "
                                   f"'{req.method}'.")
        self._check_api_version(req, route, params)
        sub = params.get("sub")
        if sub is not None and sub.lower() != self.cloud.sub.lower():
            raise SubscriptionNotFound(f"The subscription '{sub}' could not be found.")
        req.params = {k: v if v is None else door.name_of(v) for k, v in params.items()}
        parsed = door.check_body(req.body)
        if parsed is not None:
            req._json = parsed  # checked whole: the handler need not parse it again
        write = req.method not in _READ_METHODS
        if write:
            self.cloud.warm()  # outside the lock: other kernels never wait for our imports
        req.fail_operation = fail
        return self._transact(req, route, handler, sub, write)

    def _transact(self, req: Request, route: routing.Route, handler: Callable[[Env], Reply],
                  sub: str | None, write: bool) -> tuple[Reply, float]:
        """Serve the request in its transaction, after what the instant clock needs.

        On the instant clock, every write first stores when the groups whose settle time is
        pending settle (the clock moves to the latest). Finding that time means launching
        their programs, outside the write lock: those this process wrote, from what it
        wrote, before any transaction (the request after a create: it must write anyway);
        others from a read snapshot. A write that finds a group launched nowhere yet
        (another kernel, or thread, wrote it meanwhile) gives the lock back unchanged and
        launches it first, a few times at most."""
        instant = self.clock.kind == "instant"
        groups = self.cloud.container_groups
        settles: dict = {}
        if instant and groups.unsettled:
            settles = groups.own_settle_times()
            write = True
        elif instant and not write:
            # A read answers from one snapshot, unless the instant clock must first move on
            # (a group settles, a resource-group deletion ends): then it becomes a write.
            with self.store.tx(write=False) as tx:
                dues = tx.dues()
                now = self.clock.now(tx, dues)
                settles = groups.settle_times(tx) if dues.unsettled else {}
                if not (settles or self.clock.needs_advance(tx, now, dues)
                        or dues.deletion_ended(now)):
                    return self._serve(req, route, handler, sub, tx, now, False), now
            write = True
        for attempt in range(_LAUNCH_TRIES):
            try:
                with self.store.tx(write=write) as tx:
                    if not write:
                        now = self.clock.now(tx)
                        return self._serve(req, route, handler, sub, tx, now, False), now
                    dues = tx.dues()
                    if instant and dues.unsettled:  # first: before anything is written
                        latest = groups.settle(tx, settles, launch=attempt == _LAUNCH_TRIES - 1)
                        dues = dues.settled(latest)
                    now = self.clock.advance(tx, dues)
                    if dues.deletion_ended(now):
                        for key in tx.due_rg_deletions(now):
                            tx.delete_rg(key)
                    return self._serve(req, route, handler, sub, tx, now, True), now
            except Unlaunched:
                with self.store.tx(write=False) as tx:
                    settles = groups.settle_times(tx)
        raise AssertionError("unreachable: the last try launches what it must")

    def _serve(self, req: Request, route: routing.Route, handler: Callable[[Env], Reply],
               sub: str | None, tx: Tx, now: float, write: bool) -> Reply:
        """The handler's answer, inside the request's transaction."""
        env = Env(req, self.cloud, Ctx(tx, now, write, req.api_version, req.fail_operation),
                  Sockets(self, req.base_url))
        if (route.family == "aci" or route.family.startswith("aci:")) and sub is not None:
            self.cloud.require_registered(env.ctx)   # ARM checks before the provider sees it
        return handler(env)

    def _check_api_version(self, req: Request, route: routing.Route, params: dict) -> None:
        v = req.query.get("api-version")
        if not v:
            raise MissingApiVersionParameter("The api-version query parameter (?api-version=) "
                                             "is required for all requests.")
        if route.family in ("resources", "providers", "subscriptions"):
            versions = {"providers": A.PROVIDERS_API_VERSIONS,
                        "subscriptions": A.SUBSCRIPTIONS_API_VERSIONS}.get(
                            route.family, A.RESOURCES_API_VERSIONS)
            if v not in versions:
                raise InvalidApiVersionParameter(f"The api-version '{v}' is invalid. The "
                                                 f"supported versions are "
                                                 f"'{','.join(reversed(versions))}'.")
            return
        allowed = A.ACI_API_VERSIONS
        if route.family.startswith("aci:"):     # a type only some versions document
            allowed = versions_documenting(route.family[4:])
        if route.family == "aci-operation":
            allowed = (A.ACI_OPERATION_API_VERSION, *A.ACI_API_VERSIONS)
        if v not in allowed:
            loc = params.get("loc") or self._body_location(req) or "westus"
            rtype = routing.provider_resource_type(req.path) or "operations"
            raise NoRegisteredProviderFound(
                f"No registered resource provider found for location '{loc.lower()}' and API "
                f"version '{v}' for type '{rtype}'. The supported api-versions are "
                f"'{', '.join(allowed)}'. The supported locations are "
                f"'{', '.join(A.LOCATIONS)}'.")

    @staticmethod
    def _body_location(req: Request) -> str | None:
        try:
            body = json.loads(req.body) if req.body else None
        except ValueError:
            return None
        loc = body.get("location") if isinstance(body, dict) else None
        return loc.replace(" ", "") if isinstance(loc, str) else None

    @staticmethod
    def _unknown(req: Request) -> None:
        rtype = routing.provider_resource_type(req.path)
        if rtype:
            raise InvalidResourceType(f"The resource type '{rtype}' could not be found in the "
                                      f"namespace 'Microsoft.ContainerInstance' for api version "
                                      f"'{req.query.get('api-version', '')}'.")
        raise UnknownPath(f"The request path '{req.path}' matches no operation of the emulated "
                          f"Azure Resource Manager (it serves Microsoft.ContainerInstance and "
                          f"resource groups). Check the URL.")
