"""The served emulator's own routes, ``/_emulator/...``: what a notebook does with
``s.emulator`` when its kernel uses a served emulator (``ACI_EMULATOR_URL``; the client is
``emulator/remote.py``). Not Azure's API: ARM has no such paths, and nothing here is
presented as Azure's.

Three kinds, decided per feature by who else it reaches:

- **the caller's own** (its client session, ``overlays.SESSION_HEADER``), as an in-process
  ``Emulator`` object keeps them for its own requests: ``GET /_emulator/info`` (clock, speed,
  seed, this session's quotas), ``GET|PUT /_emulator/quota`` (standard and Spot cores),
  ``POST /_emulator/faults`` (a failed operation too: ``during``);
- **the shared cloud, as a participant may change it**: ``GET|POST /_emulator/registries``
  (a private registry of one's own, notebook 08; on Azure each participant would create one);
- **the whole class's cloud**: ``POST /_emulator/reset`` and ``DELETE
  /_emulator/registries/{server}`` need the server's admin key (``x-aci-emulator-admin-key``),
  which ``aci-tutorial serve`` writes beside its state, readable by its own account only.

Every route wants a bearer token, as ARM does; the server answers loopback clients only.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Callable

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import EmulatorError
from ..overlays import check_quota, check_spot_quota, session_of

log = logging.getLogger("aci_helpers.emulator.server")

PREFIX = "/_emulator"
ADMIN_HEADER = "x-aci-emulator-admin-key"
_MAX_BODY = 65536


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _signed_in(request: Request) -> None:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        raise _Refused(401, "AuthenticationFailed", "Authentication failed. Sign in to the "
                       "served emulator first (a bearer token, as for its ARM routes).")


def _session(request: Request) -> str:
    session = session_of({k.lower(): v for k, v in request.headers.items()})
    if session is None:
        raise _Refused(400, "MissingClientSession", "This setting is kept per client: send "
                       "the x-aci-emulator-session header (16-64 letters, digits, '-' or '_'), "
                       "as connect() does.")
    return session


async def _json_body(request: Request) -> dict[str, Any]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_BODY:
            raise _Refused(413, "RequestTooLarge", f"At most {_MAX_BODY} bytes.")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise _Refused(400, "InvalidRequestContent", "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise _Refused(400, "InvalidRequestContent", "The body must be a JSON object.")
    return data


class Control:
    """The routes over one served :class:`~aci_helpers.emulator.Emulator`."""

    def __init__(self, emulator: Any, app: Any, admin_key: str | None) -> None:
        self.emulator = emulator
        self.app = app
        self._admin_key = admin_key

    def _admin(self, request: Request, what: str) -> None:
        sent = request.headers.get(ADMIN_HEADER, "")
        if not self._admin_key or not sent or \
                not hmac.compare_digest(sent.encode(), self._admin_key.encode()):
            raise _Refused(403, "AdminKeyRequired", f"{what} changes the cloud of everyone "
                           "this server serves: only the account that runs `aci-tutorial "
                           "serve` may, with the admin key it keeps beside its state file.")

    def routes(self) -> list[Route]:
        """The routes, for the local cloud's router."""
        wrap = self._wrap
        return [
            Route(f"{PREFIX}/info", wrap(self.info), methods=["GET"]),
            Route(f"{PREFIX}/quota", wrap(self.quota), methods=["GET", "PUT"]),
            Route(f"{PREFIX}/faults", wrap(self.faults), methods=["POST"]),
            Route(f"{PREFIX}/registries", wrap(self.registries), methods=["GET", "POST"]),
            Route(f"{PREFIX}/registries/{{server}}", wrap(self.remove_registry),
                  methods=["DELETE"]),
            Route(f"{PREFIX}/reset", wrap(self.reset), methods=["POST"]),
        ]

    @staticmethod
    def _wrap(handler: Callable) -> Callable:
        async def endpoint(request: Request) -> Response:
            try:
                _signed_in(request)
                return await handler(request)
            except _Refused as err:
                return _error(err.status, err.code, err.message)
            except ValueError as err:      # the emulator's own argument checks
                return _error(400, "InvalidArgument", str(err))
            except EmulatorError as err:   # the state file cannot be used: the owner's to fix
                log.error("state file problem on %s: %s", request.url.path, err)
                return _error(503, "EmulatorStateFileError", str(err))
        return endpoint

    def _quota_of(self, session: str) -> float:
        own = self.app.overlays.quota(session)
        return self.emulator.quota_cores if own is None else own

    def _spot_quota_of(self, session: str) -> float:
        own = self.app.overlays.spot_quota(session)
        return self.emulator.spot_quota_cores if own is None else own

    async def info(self, request: Request) -> Response:
        session = _session(request)
        emu = self.emulator
        return JSONResponse({"clock": emu.clock, "speed": emu.speed, "seed": emu.seed,
                             "subscriptionId": emu.subscription_id, "tenantId": emu.tenant_id,
                             "quotaCores": self._quota_of(session),
                             "spotQuotaCores": self._spot_quota_of(session)})

    async def quota(self, request: Request) -> Response:
        session = _session(request)
        if request.method == "PUT":
            data = await _json_body(request)
            if "quotaCores" in data:
                cores = data["quotaCores"]
                self.app.overlays.set_quota(session, None if cores is None else check_quota(cores))
            if "spotQuotaCores" in data:
                spot = data["spotQuotaCores"]
                self.app.overlays.set_spot_quota(
                    session, None if spot is None else check_spot_quota(spot))
        return JSONResponse({"quotaCores": self._quota_of(session),
                             "spotQuotaCores": self._spot_quota_of(session)})

    async def faults(self, request: Request) -> Response:
        session = _session(request)
        data = await _json_body(request)
        unknown = set(data) - {"method", "path", "status", "code", "message", "times",
                               "retryAfter", "during", "event"}
        if unknown:
            raise ValueError(f"unknown fault field(s) {sorted(unknown)}")
        self.app.faults.add(data.get("method"), data.get("path"), status=data.get("status", 409),
                            code=data.get("code", "ServiceUnavailable"),
                            message=data.get("message"), times=data.get("times", 1),
                            retry_after=data.get("retryAfter"), session=session,
                            during=data.get("during", "request"), event=data.get("event"))
        return Response(status_code=204)

    async def registries(self, request: Request) -> Response:
        emu = self.emulator
        if request.method == "GET":
            return JSONResponse({"value": await anyio.to_thread.run_sync(emu.registries)})
        data = await _json_body(request)
        identities = data.get("pullIdentities") or []
        if not isinstance(identities, list):
            raise ValueError("pullIdentities must be a list of identity resource ids")
        login = await anyio.to_thread.run_sync(
            lambda: emu.add_registry(data.get("server"), data.get("images"),
                                     username=data.get("username"),
                                     pull_identities=identities))
        return JSONResponse({"server": login.server, "username": login.username,
                             "password": login.password}, headers={"Cache-Control": "no-store"})

    async def remove_registry(self, request: Request) -> Response:
        self._admin(request, "Removing a registry")
        server = request.path_params["server"]
        removed = await anyio.to_thread.run_sync(self.emulator.remove_registry, server)
        return JSONResponse({"removed": removed})

    async def reset(self, request: Request) -> Response:
        self._admin(request, "A reset")
        await anyio.to_thread.run_sync(self.emulator.reset)
        log.warning("the cloud was reset by its owner")
        return Response(status_code=204)
