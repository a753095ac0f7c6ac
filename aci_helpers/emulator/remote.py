"""A served emulator as a kernel's cloud: ``ACI_EMULATOR_URL=https://127.0.0.1:PORT``.

``aci-tutorial serve`` serves one emulator (a state file, its clock, speed and seed) over
HTTPS on 127.0.0.1; a kernel on the same machine can use it instead of an in-process
:class:`~aci_helpers.emulator.Emulator`, so that a class on one hub shares one emulated
subscription as it would share an Azure one. :class:`RemoteEmulator` is then the session's
``s.emulator``. The SDK clients talk HTTPS to the server with azure-core's normal transport
(:class:`ServedTransport`: ``RequestsTransport`` whose waits follow the server's clock),
verify it with the server's CA (never without), and sign in as a real client does: with
azure-identity's ``ClientSecretCredential`` against the server's Entra endpoints.

What a notebook sets on ``s.emulator`` goes over the server's own routes
(``server/control.py``): faults and quota hold for this session's requests only, as they do
for an in-process ``Emulator`` object; a registry goes into the shared cloud; a reset or
removing a registry needs the server's admin key (its own account's), else
:class:`NotAllowedServed` says why and what to do.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote, urlsplit

from azure.core import PipelineClient
from azure.core.exceptions import ServiceRequestError
from azure.core.pipeline.policies import BearerTokenCredentialPolicy, HeadersPolicy
from azure.core.pipeline.transport import AsyncioRequestsTransport, RequestsTransport
from azure.core.rest import HttpRequest

from . import assumptions as A
from .errors import EmulatorError
from .model.registries import RegistryLogin
from .overlays import SESSION_HEADER
from .server.control import ADMIN_HEADER, PREFIX

#: Not a secret: the served emulator accepts any client secret (signin.py).
CLIENT_SECRET = "the-local-cloud-accepts-any-secret"
SCOPE = "https://management.azure.com/.default"
_LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1"}


class ServedEmulatorError(EmulatorError):
    """The served emulator could not do what was asked: the message says why and what to do."""


class NotAllowedServed(ServedEmulatorError, PermissionError):
    """Changing the whole served cloud needs the server's admin key, which this kernel lacks."""


def same_server(a: str, b: str) -> bool:
    """Whether two ``https://host:port`` URLs name one loopback server (localhost = 127.0.0.1)."""
    def key(url: str) -> tuple[str, int | None]:
        parts = urlsplit(url.strip().rstrip("/"))
        host = (parts.hostname or "").lower()
        return _LOOPBACK.get(host, host), parts.port
    return key(a) == key(b)


def server_folder(url: str, ca_file: str | None, local_clouds: Iterable[Path]) -> Path | None:
    """The folder of the server now serving ``url`` (``server.json``, ``tls/``, its admin key)
    among the CA's folder's parent and ``local_clouds`` (the local-cloud folders beside the
    state files this user would serve), or None."""
    candidates = [Path(ca_file).resolve().parent.parent] if ca_file else []
    for home in [*candidates, *local_clouds]:
        try:
            info = json.loads((home / "server.json").read_text())
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and isinstance(info.get("url"), str) \
                and same_server(info["url"], url):
            return home
    return None


def _unreachable(url: str, err: Exception) -> ServiceRequestError:
    return ServiceRequestError(
        f"The emulator served at {url} does not answer ({str(err).splitlines()[0][:200]}). "
        "Is `aci-tutorial serve` still running there? Ask whoever started it (your trainer), "
        "or unset ACI_EMULATOR_URL (and the settings file's emulator_url: `aci-tutorial "
        "workshop leave`) to use an emulator in this kernel.", error=err)


class ServedTransport(RequestsTransport):
    """azure-core's ``RequestsTransport`` to the served emulator: its waits (polling,
    Retry-After) follow the server's clock (none on the instant clock, ``1/speed`` of the
    wall clock sped up), as the in-process transport's do; a server that does not answer is
    named with what to do."""

    def __init__(self, url: str, speed: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._url = url
        self._speed = speed

    def send(self, request: Any, **kwargs: Any) -> Any:
        try:
            return super().send(request, **kwargs)
        except ServiceRequestError as err:
            raise _unreachable(self._url, err) from None

    def sleep(self, duration: float) -> None:
        speed = self._speed()
        if speed != float("inf"):
            time.sleep(duration / speed)


class AsyncServedTransport(AsyncioRequestsTransport):
    """The same for the ``.aio`` clients (azure-core's ``AsyncioRequestsTransport``: requests
    in a worker thread, so no aiohttp is needed)."""

    def __init__(self, url: str, speed: Callable[[], float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._url = url
        self._speed = speed

    async def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        try:
            return await super().send(request, **kwargs)
        except ServiceRequestError as err:
            raise _unreachable(self._url, err) from None

    async def sleep(self, duration: float) -> None:  # type: ignore[override]
        speed = self._speed()
        if speed != float("inf"):
            await super().sleep(duration / speed)


class RemoteEmulator:
    """The emulator served at ``url``, as ``s.emulator`` of a session that uses it.

    :param url: ``https://127.0.0.1:PORT`` (checked by the caller).
    :param ca_file: the server's CA certificate (``tls/ca.pem`` beside its state).
    :param admin_key_file: where the server's admin key is, when this account may read it.
    :param client_id: the name this kernel signs in with (the participant's, on a hub).
    """

    state = None  # no state file of this process: the server's
    subscription_id = A.SUBSCRIPTION_ID
    tenant_id = A.TENANT_ID

    def __init__(self, url: str, ca_file: str, *, admin_key_file: str | Path | None = None,
                 client_id: str = "aci-tutorial") -> None:
        self.url = url.rstrip("/")
        self.ca_file = str(ca_file)
        self._admin_key_file = Path(admin_key_file) if admin_key_file else None
        self._client_id = client_id
        #: This session's id: the server keeps its faults and quota for its requests only.
        self.session_id = secrets.token_hex(16)
        self._info: dict[str, Any] | None = None
        self._credential: Any = None
        self._client: PipelineClient | None = None

    # ------------------------------------------------------------------ what clients use
    def credential(self) -> Any:
        """azure-identity's ``ClientSecretCredential`` against the server's Entra endpoints
        (one per session: its token is fetched once and cached)."""
        if self._credential is None:
            from azure.identity import ClientSecretCredential  # noqa: PLC0415

            self._credential = ClientSecretCredential(
                self.tenant_id, self._client_id, CLIENT_SECRET, authority=self.url,
                disable_instance_discovery=True,
                transport=ServedTransport(self.url, lambda: 1.0, connection_verify=self.ca_file))
        return self._credential

    def async_credential(self) -> Any:
        """The same sign-in for the ``.aio`` clients."""
        from azure.identity.aio import ClientSecretCredential  # noqa: PLC0415

        return ClientSecretCredential(
            self.tenant_id, self._client_id, CLIENT_SECRET, authority=self.url,
            disable_instance_discovery=True,
            transport=AsyncServedTransport(self.url, lambda: 1.0, connection_verify=self.ca_file))

    def session_policy(self) -> HeadersPolicy:
        """The policy that names this session on every request (give it to both clients)."""
        return HeadersPolicy({SESSION_HEADER: self.session_id})

    def transport(self) -> ServedTransport:
        """azure-core's requests transport to the server, verified with its CA."""
        return ServedTransport(self.url, self._speed, connection_verify=self.ca_file)

    def async_transport(self) -> AsyncServedTransport:
        """The async one, for the ``.aio`` clients."""
        return AsyncServedTransport(self.url, self._speed, connection_verify=self.ca_file)

    def _speed(self) -> float:
        return float("inf") if self.clock == "instant" else float(self.info().get("speed", 1))

    # ------------------------------------------------------------------ the server's routes
    def _call(self, method: str, path: str, body: Any = None, *, admin: str | None = None
              ) -> Any:
        if self._client is None:
            self._client = PipelineClient(self.url, policies=[
                self.session_policy(), BearerTokenCredentialPolicy(self.credential(), SCOPE)],
                transport=self.transport())
        headers = {}
        if admin is not None:
            headers[ADMIN_HEADER] = self._admin_key()
        request = HttpRequest(method, f"{self.url}{PREFIX}{path}", json=body, headers=headers)
        response = self._client.send_request(request)
        if response.status_code < 300:
            return response.json() if response.content else None
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error["message"])
        except (ValueError, KeyError, TypeError):
            code, message = str(response.status_code), response.text()[:300]
        if code == "InvalidArgument":
            raise ValueError(message)
        if code == "AdminKeyRequired":
            raise NotAllowedServed(self._not_allowed(admin or "This"))
        raise ServedEmulatorError(f"The emulator served at {self.url} refused {method} "
                                  f"{PREFIX}{path}: {code}: {message}")

    def _admin_key(self) -> str:
        if self._admin_key_file is None:
            return ""
        try:
            return self._admin_key_file.read_text().strip()
        except OSError:
            return ""

    def _not_allowed(self, what: str) -> str:
        return (f"{what} would change the whole cloud served at {self.url}, every participant's "
                "groups included, so only the account that runs `aci-tutorial serve` may (with "
                "the admin key the server keeps beside its state file, which this kernel cannot "
                "read). To delete your own container groups: notebook 06, or "
                "aci_helpers.cleanup(s). The trainer, where the server runs: `aci-tutorial "
                "reset`, or this call with ACI_EMULATOR_CA set to the server's tls/ca.pem.")

    def info(self) -> dict[str, Any]:
        """The server's clock, speed, seed, and this session's quota (fetched once)."""
        if self._info is None:
            self._info = self._call("GET", "/info")
        return self._info

    @property
    def clock(self) -> str:
        """The server's clock: ``realtime`` or ``instant``."""
        return str(self.info()["clock"])

    @property
    def speed(self) -> float:
        """How many times faster than the wall clock the server's virtual time runs."""
        return float(self.info()["speed"])

    @property
    def seed(self) -> int:
        """The server's seed (its IPs, ids and registry passwords come from it)."""
        return int(self.info()["seed"])

    def inject_fault(self, method: str, path: str, *, status: int = 409,
                     code: str = "ServiceUnavailable", message: str | None = None,
                     times: int = 1, retry_after: int | None = None,
                     during: str = "request", event: str | None = None) -> None:
        """As :meth:`Emulator.inject_fault`, for this session's requests only (the server
        keeps it; other participants' requests never meet it)."""
        self._call("POST", "/faults", {"method": method, "path": path, "status": status,
                                       "code": code, "message": message, "times": times,
                                       "retryAfter": retry_after, "during": during,
                                       "event": event})

    @property
    def quota_cores(self) -> float:
        """The standard-core quota per region this session's requests meet."""
        return self._call("GET", "/quota")["quotaCores"]

    @quota_cores.setter
    def quota_cores(self, cores: float) -> None:
        # This session's only, as an in-process Emulator object keeps its own.
        self._call("PUT", "/quota", {"quotaCores": cores})

    @property
    def spot_quota_cores(self) -> float:
        """The Spot-core quota per region (StandardSpotCores) this session's requests meet."""
        return self._call("GET", "/quota")["spotQuotaCores"]

    @spot_quota_cores.setter
    def spot_quota_cores(self, cores: float) -> None:
        self._call("PUT", "/quota", {"spotQuotaCores": cores})

    def add_registry(self, server: str, images: Mapping[str, str] | None = None, *,
                     username: str | None = None,
                     pull_identities: Iterable[str] = ()) -> RegistryLogin:
        """As :meth:`Emulator.add_registry`: a private registry in the served cloud (every
        client of the server sees it), and its login."""
        answer = self._call("POST", "/registries", {
            "server": server, "images": dict(images) if images is not None else None,
            "username": username, "pullIdentities": list(pull_identities)})
        return RegistryLogin(answer["server"], answer["username"], answer["password"])

    def registries(self) -> list[dict]:
        """The served cloud's emulated registries (no secrets)."""
        return self._call("GET", "/registries")["value"]

    def remove_registry(self, server: str) -> bool:
        """Forget a registry of the served cloud: the server's own account only."""
        return bool(self._call("DELETE", f"/registries/{quote(server, safe='')}",
                               admin=f"Removing the registry {server}")["removed"])

    def reset(self) -> None:
        """Empty the served cloud, for every client: the server's own account only."""
        self._call("POST", "/reset", admin="s.emulator.reset()")

    def local_cloud(self, home: Any = None) -> Any:
        """There is none here: the cloud is served by another process."""
        raise ServedEmulatorError(f"This session uses the emulator served at {self.url}; its "
                                  "local cloud is the serving process's. Unset ACI_EMULATOR_URL "
                                  "to serve a cloud of your own.")

    server = local_cloud

    def close(self) -> None:
        """Close the connection to the server's own routes and the credential."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._credential is not None:
            self._credential.close()
            self._credential = None

    def __repr__(self) -> str:
        return f"RemoteEmulator(url={self.url!r})"
