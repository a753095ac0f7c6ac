"""An in-process Azure Resource Manager for Microsoft.ContainerInstance and resource groups.

The real, unmodified Azure SDK clients talk to it through :meth:`Emulator.transport`::

    emu = Emulator(state=None, clock="instant", seed=0)
    aci = ContainerInstanceManagementClient(emu.credential(), emu.subscription_id,
                                            transport=emu.transport())
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from azure.core.credentials import AccessToken

from . import assumptions as A
from .app import App
from .clock import make_clock
from .errors import ArmError, EmulatorError, StateFileError
from .image_catalog import CatalogFileError, load_catalog
from .model import registries
from .model.cloud import Cloud
from .model.registries import RegistryLogin
from .overlays import check_quota, check_spot_quota
from .store import Store
from .streams import is_local
from .transport import EmulatorAsyncTransport, EmulatorTransport, Exchange

if TYPE_CHECKING:
    from .server import LocalCloud, Server

__all__ = ["Emulator", "EmulatorTransport", "EmulatorAsyncTransport", "Exchange",
           "StateFileError", "EmulatorError", "ArmError", "RegistryLogin", "CatalogFileError"]


class EmulatorCredential:
    """A TokenCredential whose tokens the emulator accepts (they grant nothing elsewhere)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        """A token the emulator accepts, valid for an hour."""
        return AccessToken("aci-emulator-token", int(time.time()) + 3600)

    def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        """The same token, for callers of the newer ``get_token_info`` protocol."""
        from azure.core.credentials import AccessTokenInfo  # noqa: PLC0415
        return AccessTokenInfo("aci-emulator-token", int(time.time()) + 3600)

    def __repr__(self) -> str:
        return "EmulatorCredential()"


class EmulatorAsyncCredential:
    """An AsyncTokenCredential whose tokens the emulator accepts (for the ``.aio`` clients)."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        """A token the emulator accepts, valid for an hour."""
        return EmulatorCredential().get_token(*scopes)

    async def get_token_info(self, *scopes: str, options: Any = None) -> Any:
        """The same token, for callers of the newer ``get_token_info`` protocol."""
        return EmulatorCredential().get_token_info(*scopes)

    async def close(self) -> None:
        """Nothing to close."""
        pass

    async def __aenter__(self) -> "EmulatorAsyncCredential":
        return self

    async def __aexit__(self, *args: Any) -> None:
        pass

    def __repr__(self) -> str:
        return "EmulatorAsyncCredential()"


class Emulator:
    """The emulated cloud.

    :param state: path of a SQLite state file shared by every process that opens it, or
        ``None`` for a private in-memory cloud.
    :param clock: ``"realtime"`` (wall clock, short realistic durations) or ``"instant"``
        (virtual clock; every request first lets all pending transitions happen).
    :param seed: non-negative integer; with the instant clock, equal seeds and equal calls
        give byte-identical answers (exec and attach answers aside: a fresh password).
    :param quota_cores: standard-core quota per region (default 100, like Azure).
    :param spot_quota_cores: the Spot-core quota per region (StandardSpotCores; default 100,
        Azure's for Enterprise Agreement subscriptions; 0 or more).
    :param speed: realtime clock only: virtual time runs ``speed`` times faster than the
        wall clock (a number >= 1; default 1), states come in the same order, and the
        transport's ``sleep`` sleeps ``speed`` times less.

    The images the containers may run are the runtime's built-ins plus those of the JSON
    file named by ``ACI_EMULATOR_IMAGES``, read here, once (a file that cannot be used
    raises :class:`CatalogFileError` before the state is opened).
    """

    def __init__(self, state: str | os.PathLike | None = None, clock: str = "realtime",
                 seed: int = 0, *, quota_cores: float = A.DEFAULT_QUOTA_CORES,
                 speed: float = 1.0,
                 spot_quota_cores: float = A.DEFAULT_SPOT_QUOTA_CORES) -> None:
        if state is not None and not isinstance(state, (str, os.PathLike)):
            raise ValueError(f"state must be a file path or None (in-memory), not "
                             f"{type(state).__name__}")
        if isinstance(state, str) and not state.strip():
            raise ValueError("state must be a file path or None (in-memory), not an empty "
                             "string")
        if not isinstance(clock, str):
            raise ValueError(f"clock must be 'realtime' or 'instant', not {clock!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
        if isinstance(quota_cores, bool) or not isinstance(quota_cores, (int, float)) \
                or quota_cores <= 0:
            raise ValueError(f"quota_cores must be a positive number, not {quota_cores!r}")
        check_spot_quota(spot_quota_cores)
        self._clock = make_clock(clock, speed)
        self._catalog = load_catalog()
        self.seed = seed
        self.subscription_id = A.SUBSCRIPTION_ID
        self.tenant_id = A.TENANT_ID
        self._store = Store(state)
        self._cloud = Cloud(self.subscription_id, seed, quota_cores, self._catalog,
                            spot_quota_cores)
        self._app = App(self._store, self._clock, self._cloud)
        self._app.socket_base = self.socket_base
        self._sockets: "Server | None" = None
        self._sockets_lock = threading.Lock()
        self._tls_home: str | None = None

    @property
    def clock(self) -> str:
        """The clock kind: ``realtime`` or ``instant``."""
        return self._clock.kind

    @property
    def speed(self) -> float:
        """How many times faster than the wall clock virtual time runs (1 when instant)."""
        return getattr(self._clock, "speed", 1.0)

    @property
    def state(self) -> str | None:
        """The state file's path, or ``None`` for a private in-memory cloud."""
        return self._store.path

    def transport(self, *, record: bool = False) -> EmulatorTransport:
        """An azure-core HttpTransport answering every request in-process, whatever the host.

        ``record=True`` keeps every (request, response) pair in ``.exchanges``."""
        return EmulatorTransport(self._app, record=record)

    def async_transport(self, *, record: bool = False) -> EmulatorAsyncTransport:
        """An azure-core AsyncHttpTransport for the ``.aio`` clients, over the same state, clock
        and faults as :meth:`transport`. ``record=True`` keeps every exchange."""
        return EmulatorAsyncTransport(self._app, record=record)

    def async_credential(self) -> "EmulatorAsyncCredential":
        """An AsyncTokenCredential the ``.aio`` clients accept."""
        return EmulatorAsyncCredential()

    def credential(self) -> EmulatorCredential:
        """A TokenCredential the SDK accepts."""
        return EmulatorCredential()

    def local_cloud(self, home: str | os.PathLike | None = None) -> "LocalCloud":
        """The local cloud's folder for this state file (``<state>-local-cloud/`` beside it,
        or ``home``): TLS material, the serving lock, the Azure CLI's configuration."""
        from .server import LocalCloud  # noqa: PLC0415

        return LocalCloud(self._store.path, home)

    def server(self, *, port: int | None = None, home: str | os.PathLike | None = None,
               idle_exit: float | None = None) -> "Server":
        """This cloud served over HTTPS on 127.0.0.1 (not started: ``start()``, ``run()`` or
        ``with``): the same state, clock, speed and injected faults as :meth:`transport`.
        ``port=None`` reuses the last port when free; ``idle_exit`` seconds without a request
        stop it. A second server on the same state file raises ``ServerBusy``."""
        from .server import Server  # noqa: PLC0415

        return Server(self._app, self.local_cloud(home), port=port, idle_exit=idle_exit,
                      control=self)

    def _tls_cloud(self) -> "LocalCloud":
        """Where this emulator's TLS material lives: beside the state file (the same CA as
        ``aci-tutorial serve``), or, in memory, a private folder removed at exit."""
        if self._store.path is not None:
            return self.local_cloud()
        from .server import LocalCloud  # noqa: PLC0415

        if self._tls_home is None:
            self._tls_home = tempfile.mkdtemp(prefix="aci-emulator-tls-")
            atexit.register(shutil.rmtree, self._tls_home, True)
        return LocalCloud(None, self._tls_home)

    @property
    def ca_file(self) -> str:
        """The CA certificate of this emulator's HTTPS and WebSocket endpoints: what a client
        verifies them with (``sslopt={"ca_certs": emu.ca_file}`` for websocket-client,
        ``connection_verify`` for the SDK). Made on first use."""
        return self._tls_cloud().ca_file

    def socket_base(self, request_base: str) -> str:
        """``https://host:port`` of the endpoint serving the exec and attach sockets of a
        request that came to ``request_base``: the local server itself, or, for the
        in-process transport, this process's sockets-only endpoint, started at the first
        exec (a background thread on 127.0.0.1 that ends with the process, or close())."""
        if is_local(request_base):
            return request_base
        with self._sockets_lock:
            if self._sockets is None:
                from .server import Server  # noqa: PLC0415

                self._sockets = Server(self._app, self._tls_cloud(), sockets_only=True).start()
            return self._sockets.url or ""

    def inject_fault(self, method: str, path: str, *, status: int = 409,
                     code: str = "ServiceUnavailable", message: str | None = None,
                     times: int = 1, retry_after: int | None = None,
                     during: str = "request", event: str | None = None) -> None:
        """Answer the next ``times`` requests whose method matches and whose path matches the
        regular expression ``path`` with an ARM error (``status``, ``code``, ``message``),
        changing nothing. For tests and demos of the errors real Azure sometimes sends
        (throttling 429, no capacity, 500). azure-core retries 408/429/5xx by itself.

        ``during="operation"`` (a PUT of a container group): the create is accepted and its
        long-running operation ends ``Failed`` with ``code`` and ``message``; the group is
        left ``Failed``, with a Warning event ``event``. For the default code,
        ``ServiceUnavailable``, the message and event are Azure's for a region out of
        capacity (``The requested resource is not available in the location ...``,
        ``InsufficientCapacity.``)."""
        self._app.faults.add(method, path, status=status, code=code, message=message,
                             times=times, retry_after=retry_after, during=during, event=event)

    @property
    def quota_cores(self) -> float:
        """The standard-core quota per region this Emulator object enforces and reports."""
        return self._cloud.quota_cores

    @quota_cores.setter
    def quota_cores(self, cores: float) -> None:
        # Per object, like injected faults: other processes on the state file keep theirs.
        self._cloud.quota_cores = check_quota(cores)

    @property
    def spot_quota_cores(self) -> float:
        """The Spot-core quota per region (StandardSpotCores) this Emulator object enforces
        and reports; 0 refuses every Spot group, as on subscriptions that have none."""
        return self._cloud.spot_quota_cores

    @spot_quota_cores.setter
    def spot_quota_cores(self, cores: float) -> None:
        # Per object, like quota_cores and injected faults.
        check_spot_quota(cores)
        self._cloud.spot_quota_cores = cores

    def add_registry(self, server: str, images: Mapping[str, str] | None = None, *,
                     username: str | None = None,
                     pull_identities: Iterable[str] = ()) -> RegistryLogin:
        """Model a private registry in the cloud's state (every process on the state file sees
        it), like an Azure Container Registry with its admin user, and return its login.

        ``images`` maps ``repository:tag`` to the public image it behaves like, as
        ``az acr import`` copies one (``{"aci-helloworld:v1":
        "mcr.microsoft.com/azuredocs/aci-helloworld"}``); ``pull_identities`` are the
        user-assigned identities granted pull (``az role assignment create --role acrpull``).
        The username defaults to the registry's name; the password is drawn from the seed
        (the same each time) and stored only as a salted hash. Adding a registry again adds
        images and identities. Groups pulling from it are checked as ACI would check them:
        wrong credentials, tags or identities get InaccessibleImage. Raises ValueError,
        changing nothing, for a malformed argument."""
        with self._store.tx(write=True) as tx:
            return registries.add(tx, self.seed, self._catalog, server, images, username,
                                  pull_identities)

    def registries(self) -> list[dict]:
        """The emulated registries: server, username, images, pull identities (no secrets)."""
        with self._store.tx(write=False) as tx:
            return registries.describe(tx)

    def remove_registry(self, server: str) -> bool:
        """Forget an emulated registry (groups already running keep running); True if it was
        there."""
        with self._store.tx(write=True) as tx:
            return registries.remove(tx, server)

    def reset(self) -> None:
        """Empty the cloud (resource groups, container groups, operations, registries, clock,
        faults; served: every client's faults and quota)."""
        self._store.reset()
        self._app.faults.clear()
        self._app.overlays.clear()

    def close(self) -> None:
        """Stop the exec and attach endpoint (if started) and close the state database."""
        with self._sockets_lock:
            if self._sockets is not None:
                self._sockets.stop()
                self._sockets = None
        self._store.close()

    def __repr__(self) -> str:
        speed = f", speed={self.speed:g}" if self.speed != 1 else ""
        return (f"Emulator(state={self._store.path!r}, clock={self._clock.kind!r}, "
                f"seed={self.seed}{speed})")

