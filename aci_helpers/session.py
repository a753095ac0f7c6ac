"""``connect()``: settings, then the real SDK clients on the emulator or on Azure.

The only module that reaches ``aci_helpers.emulator`` (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import math
import os
import sys
import time
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from azure.core.pipeline.policies import SansIOHTTPPolicy

from .errors import ConfigurationError
from .settings_file import check_emulator_url, read_settings, settings_path

if TYPE_CHECKING:
    from azure.mgmt.containerinstance import ContainerInstanceManagementClient
    from azure.mgmt.resource.resources import ResourceManagementClient
    from azure.mgmt.resource.resources.models import ResourceGroup

BACKENDS = ("emulator", "azure")
CLOCKS = ("realtime", "instant")
DEFAULT_LOCATION = "eastus"  # the 2019 sample's region
# One stable group per user (and per emulator state file): notebooks run in separate
# kernels but in order, and later ones must find what earlier ones created. The sample
# drew 'aci-rg-<6 digits>' per run, which a second notebook could not guess.
DEFAULT_RESOURCE_GROUP = "aci-tutorial-rg"
DEFAULT_SEED = 0
TUTORIAL_TAGS = {"created-by": "aci-tutorial"}
# A workshop's resource groups (``aci-tutorial workshop setup``) carry these besides
# TUTORIAL_TAGS: the trainer's tools write them, the explorer's trainer view reads them.
WORKSHOP_TAG = "aci-tutorial-workshop"
PARTICIPANT_TAG = "aci-tutorial-participant"
REGION_TAG = "aci-tutorial-region"  # the region setup assigned the participant
NAME_SUFFIX_TAG = "aci-tutorial-name-suffix"  # their names' suffix (distinct per participant)

# Real ACI sends no Retry-After, so the SDK's 30 s default interval would apply; 5 s
# keeps a ~30 s create responsive without hammering ARM. The emulator sends Retry-After.
AZURE_POLLING_INTERVAL = 5.0
EMULATOR_POLLING_INTERVAL = 1.0


def default_state_path() -> Path:
    """Per-user emulator state file, like platformdirs' user cache dir (stdlib only)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "aci-tutorial" / "Cache" / "emulator.db"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "aci-tutorial" / "emulator.db"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aci-tutorial" / "emulator.db"


@dataclass(frozen=True)
class Settings:
    """Resolved settings: arguments first, then environment, then defaults."""

    backend: str = "emulator"
    state: str | None = None  # emulator: a file path, or None for an in-memory cloud
    clock: str = "realtime"
    speed: float = 1.0  # realtime clock only: virtual time runs this many times faster
    seed: int = DEFAULT_SEED
    location: str = DEFAULT_LOCATION
    resource_group: str = DEFAULT_RESOURCE_GROUP
    auth_location: str | None = None
    subscription_id: str | None = None
    # From the settings file only (``aci-tutorial workshop join``; settings_file.py):
    workshop: str | None = None
    participant: str | None = None
    role: str | None = None  # "participant" | "trainer" | None (a learner on their own)
    settings_file: str | None = None  # the file read, when it held settings
    # A served emulator (``aci-tutorial serve``) instead of one in this process, and its CA:
    emulator_url: str | None = None
    emulator_ca: str | None = None
    resource_group_from: str = "default"  # "default" | "argument" | "ACI_RESOURCE_GROUP" | "settings file"


def _pick(arg: Any, env: str, default: Any = None, from_file: Any = None) -> Any:
    """The argument, else the environment variable, else the settings file, else ``default``."""
    if arg is not None:
        return arg
    value = os.environ.get(env)
    if value is None or value.strip() == "":
        return default if from_file is None else from_file
    return value.strip()


def load_settings(
    backend: str | None = None,
    *,
    state: str | os.PathLike[str] | None = None,
    clock: str | None = None,
    seed: int | str | None = None,
    speed: float | str | None = None,
    location: str | None = None,
    resource_group: str | None = None,
    auth_location: str | os.PathLike[str] | None = None,
    subscription_id: str | None = None,
    emulator_url: str | None = None,
    emulator_ca: str | os.PathLike[str] | None = None,
) -> Settings:
    """Resolve settings from arguments, then ``ACI_*``/``AZURE_*`` variables, then the settings
    file (``aci-tutorial workshop join``), then defaults."""
    path = settings_path()
    file = read_settings(path)
    b = str(_pick(backend, "ACI_BACKEND", "emulator", file.get("backend"))).lower()
    if b not in BACKENDS:
        raise ConfigurationError(
            f"Unknown backend {b!r} (ACI_BACKEND): use 'emulator' (offline, the default) or "
            "'azure' (your subscription)."
        )
    c = str(_pick(clock, "ACI_EMULATOR_CLOCK", "realtime")).lower()
    if c not in CLOCKS:
        raise ConfigurationError(
            f"Unknown emulator clock {c!r} (ACI_EMULATOR_CLOCK): use 'realtime' or 'instant'."
        )
    sp = _speed(_pick(speed, "ACI_EMULATOR_SPEED", 1.0), c, b)
    raw_seed = _pick(seed, "ACI_EMULATOR_SEED", DEFAULT_SEED)
    try:
        # int(1.5) and int(True) would silently be 1: a seed is an integer or its digits.
        sd = int(raw_seed) if isinstance(raw_seed, (str, int)) and not isinstance(
            raw_seed, bool) else -1
    except (TypeError, ValueError):
        sd = -1
    if sd < 0:
        raise ConfigurationError(
            f"The emulator seed (connect(seed=...) or ACI_EMULATOR_SEED) must be a "
            f"non-negative integer, not {raw_seed!r}."
        )
    st = _pick(os.fspath(state) if state is not None else None, "ACI_EMULATOR_STATE")
    if st is None:
        st_resolved: str | None = str(default_state_path())
    elif str(st).lower() == "memory":
        st_resolved = None
    else:
        st_resolved = str(Path(st).expanduser())
    auth = _pick(os.fspath(auth_location) if auth_location is not None else None,
                 "AZURE_AUTH_LOCATION")
    url = _pick(emulator_url, "ACI_EMULATOR_URL", None, file.get("emulator_url"))
    ca = _pick(os.fspath(emulator_ca) if emulator_ca is not None else None, "ACI_EMULATOR_CA",
               None, file.get("emulator_ca"))
    if url is not None and b == "emulator":
        source = ("connect(emulator_url=...)" if emulator_url is not None else "ACI_EMULATOR_URL"
                  if os.environ.get("ACI_EMULATOR_URL", "").strip() else f"{path}'s emulator_url")
        url = check_emulator_url(str(url), source)
    rg_from = ("argument" if resource_group is not None else "ACI_RESOURCE_GROUP"
               if os.environ.get("ACI_RESOURCE_GROUP", "").strip() else "settings file"
               if file.get("resource_group") else "default")
    return Settings(
        backend=b,
        state=st_resolved,
        clock=c,
        speed=sp,
        seed=sd,
        location=str(_pick(location, "ACI_LOCATION", DEFAULT_LOCATION,
                           file.get("location"))).lower(),
        resource_group=str(_pick(resource_group, "ACI_RESOURCE_GROUP", DEFAULT_RESOURCE_GROUP,
                                 file.get("resource_group"))),
        auth_location=auth,
        subscription_id=_pick(subscription_id, "AZURE_SUBSCRIPTION_ID", None,
                              file.get("subscription_id")),
        workshop=file.get("workshop"), participant=file.get("participant"),
        role=file.get("role") or (("participant" if file.get("workshop") else None)),
        settings_file=str(path) if file else None, resource_group_from=rg_from,
        emulator_url=url if b == "emulator" else None,
        emulator_ca=str(Path(ca).expanduser()) if ca and url and b == "emulator" else None,
    )


def _speed(raw: Any, clock: str, backend: str) -> float:
    """ACI_EMULATOR_SPEED as a float >= 1; a speed-up of the instant clock is an error."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(raw, bool) or not math.isfinite(value) or value < 1:
        raise ConfigurationError(
            f"ACI_EMULATOR_SPEED must be a number >= 1 (1 = wall-clock pace, 10 = ten times "
            f"faster), not {raw!r}."
        )
    if value != 1 and clock != "realtime" and backend == "emulator":
        raise ConfigurationError(
            f"ACI_EMULATOR_SPEED={raw} speeds up the realtime clock only, and the clock is "
            f"{clock!r} (ACI_EMULATOR_CLOCK), which does not wait at all: unset "
            "ACI_EMULATOR_SPEED or set ACI_EMULATOR_CLOCK=realtime."
        )
    return value


class SentRequest(NamedTuple):
    """One request a session's clients sent: the method and the URL without its query."""

    method: str
    url: str


class RequestLog(SansIOHTTPPolicy):
    """Remembers the requests the session's two clients send (the last ``maxlen``).

    A per-call pipeline policy, so it sees every SDK call and every poll on both backends;
    it keeps the method and the URL only (never headers or bodies, which hold tokens and
    secrets). The exercises use :meth:`capture` to see what a learner's code sent.
    """

    def __init__(self, maxlen: int = 1000) -> None:
        self._entries: deque[SentRequest] = deque(maxlen=maxlen)
        self.count = 0
        """Requests seen since the session was made (also those no longer kept)."""

    def on_request(self, request: Any) -> None:
        """Note the request's method and URL (called by the pipeline)."""
        http = request.http_request
        self._entries.append(SentRequest(http.method.upper(), http.url.split("?")[0]))
        self.count += 1

    @property
    def entries(self) -> list[SentRequest]:
        """The requests kept, oldest first."""
        return list(self._entries)

    @contextmanager
    def capture(self) -> Iterator[list[SentRequest]]:
        """``with log.capture() as sent:`` -- ``sent`` lists the requests made in the block."""
        sent: list[SentRequest] = []
        start = self.count
        try:
            yield sent
        finally:
            new = self.count - start
            sent.extend(list(self._entries)[-new:] if new else [])


@dataclass(eq=False)
class Session:
    """The two real SDK clients and the tutorial's settings.

    ``repr`` shows backend, subscription, location and resource group only.
    """

    backend: str
    aci: "ContainerInstanceManagementClient"
    resources: "ResourceManagementClient"
    subscription_id: str
    location: str
    resource_group: str
    settings: Settings
    polling_interval: float
    """Seconds between two polls in the helpers' own loops (wait_for_state, follow_logs)."""
    sleep: Callable[[float], None] = field(default=time.sleep)
    """How the helpers wait: the transport's sleep, so the emulator's instant clock applies."""
    emulator: Any = None
    credential: Any = None
    aio_factory: Callable[[], "AsyncClients"] | None = field(default=None, repr=False)
    requests: RequestLog = field(default_factory=RequestLog)
    """What the two clients sent: ``s.requests.entries``, ``with s.requests.capture() as sent``."""

    def __repr__(self) -> str:
        return (f"Session(backend={self.backend!r}, subscription_id={self.subscription_id!r}, "
                f"location={self.location!r}, resource_group={self.resource_group!r})")

    __str__ = __repr__

    @property
    def ca_file(self) -> str | None:
        """The CA certificate of the emulator's HTTPS and WebSocket endpoints (exec and
        attach sockets are verified with it: ``sslopt={"ca_certs": s.ca_file}``); None on
        Azure, whose certificates the system's CAs verify."""
        return self.emulator.ca_file if self.emulator is not None else None

    def aio(self) -> "AsyncClients":
        """The same two clients from ``azure.mgmt.*.aio``, on the same backend: on the
        emulator, its async transport (same cloud, clock and faults); on Azure, azure-identity's
        ``aio`` credential of the same sign-in (needs ``aiohttp``). Use ``async with``::

            async with s.aio() as a:
                group = await a.aci.container_groups.get(s.resource_group, "name")
        """
        if self.aio_factory is None:
            raise ConfigurationError("This session has no async clients (build it with connect()).")
        return self.aio_factory()

    def close(self) -> None:
        """Close the clients (and the credential's HTTP session on Azure or a served emulator)."""
        self.aci.close()
        self.resources.close()
        if getattr(self.emulator, "url", None):   # a served emulator's control connection
            self.emulator.close()
        close = getattr(self.credential, "close", None)
        if close:
            close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(eq=False)
class AsyncClients:
    """The ``.aio`` ContainerInstanceManagementClient and ResourceManagementClient of a
    session; ``async with`` closes them (and the async credential)."""

    aci: Any
    resources: Any
    credential: Any = field(default=None, repr=False)

    async def close(self) -> None:
        """Close both clients and the credential."""
        await self.aci.close()
        await self.resources.close()
        close = getattr(self.credential, "close", None)
        if close:
            await close()

    async def __aenter__(self) -> "AsyncClients":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _build_aio_clients(credential: Any, subscription_id: str, **kwargs: Any) -> AsyncClients:
    from azure.mgmt.containerinstance.aio import (  # noqa: PLC0415
        ContainerInstanceManagementClient as AioAci)
    from azure.mgmt.resource.resources.aio import (  # noqa: PLC0415
        ResourceManagementClient as AioResources)

    return AsyncClients(AioAci(credential, subscription_id, **_own_policies(kwargs)),
                        AioResources(credential, subscription_id, **_own_policies(kwargs)),
                        credential)


def _own_policies(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with a list of per-call policies of its own: an ARM client appends its
    provider-registration policy to the list it is given (azure-mgmt-core), so clients built
    from one list would pile up each other's (a sync one inside an async pipeline)."""
    return {**kwargs, "per_call_policies": list(kwargs.get("per_call_policies", []))}


_last: "weakref.ref[Session] | None" = None


def _last_session() -> Session | None:
    return _last() if _last is not None else None


def _build_clients(credential: Any, subscription_id: str, **kwargs: Any) -> tuple[Any, Any]:
    from azure.mgmt.containerinstance import ContainerInstanceManagementClient  # noqa: PLC0415
    from azure.mgmt.resource.resources import ResourceManagementClient  # noqa: PLC0415

    return (ContainerInstanceManagementClient(credential, subscription_id, **_own_policies(kwargs)),
            ResourceManagementClient(credential, subscription_id, **_own_policies(kwargs)))


def connect(
    backend: str | None = None,
    *,
    state: str | os.PathLike[str] | None = None,
    clock: str | None = None,
    seed: int | None = None,
    speed: float | None = None,
    location: str | None = None,
    resource_group: str | None = None,
    auth_location: str | os.PathLike[str] | None = None,
    subscription_id: str | None = None,
    emulator_url: str | None = None,
    emulator_ca: str | os.PathLike[str] | None = None,
) -> Session:
    """Build the ACI and Resource Manager clients for the emulator (default) or Azure.

    No request is sent here; the first SDK call sends the first one. Arguments override
    ``ACI_BACKEND``, ``ACI_EMULATOR_STATE`` (``memory`` = in-memory cloud),
    ``ACI_EMULATOR_CLOCK``, ``ACI_EMULATOR_SEED``, ``ACI_EMULATOR_SPEED`` (realtime clock
    only: virtual time runs that many times faster), ``ACI_LOCATION``, ``ACI_RESOURCE_GROUP``,
    ``AZURE_AUTH_LOCATION`` and ``AZURE_SUBSCRIPTION_ID``.

    ``ACI_EMULATOR_URL`` (or the settings file's ``emulator_url``, or ``emulator_url=``) uses
    the emulator served there (``aci-tutorial serve``) instead of one in this process: its
    state, clock, speed and seed are the server's. Its CA comes from ``ACI_EMULATOR_CA`` (or
    ``emulator_ca``), else from beside the server's state when this account serves it.
    """
    global _last
    settings = load_settings(
        backend, state=state, clock=clock, seed=seed, speed=speed, location=location,
        resource_group=resource_group, auth_location=auth_location,
        subscription_id=subscription_id, emulator_url=emulator_url, emulator_ca=emulator_ca,
    )
    if settings.emulator_url:
        session = _connect_served(settings)
    elif settings.backend == "emulator":
        session = _connect_emulator(settings)
    else:
        session = _connect_azure(settings)
    _last = weakref.ref(session)
    return session


def _connect_emulator(settings: Settings) -> Session:
    try:
        from .emulator import Emulator  # noqa: PLC0415
    except ImportError as err:
        raise ConfigurationError(
            f"The emulator backend is not available ({err}). Set ACI_BACKEND=azure to use Azure."
        ) from None
    if settings.state is not None:
        _state_folder(settings.state)
    emu = Emulator(state=settings.state, clock=settings.clock, seed=settings.seed,
                   speed=settings.speed)
    transport = emu.transport()
    credential = emu.credential()
    log = RequestLog()
    # One transport for both clients: the same in-process cloud, the same clock.
    aci, resources = _build_clients(credential, emu.subscription_id, transport=transport,
                                    per_call_policies=[log])
    return Session(
        backend="emulator", aci=aci, resources=resources,
        subscription_id=emu.subscription_id, location=settings.location,
        resource_group=settings.resource_group, settings=settings,
        polling_interval=EMULATOR_POLLING_INTERVAL,
        sleep=getattr(transport, "sleep", time.sleep), emulator=emu, credential=credential,
        aio_factory=lambda: _build_aio_clients(emu.async_credential(), emu.subscription_id,
                                               transport=emu.async_transport(),
                                               per_call_policies=[log]),
        requests=log,
    )


def _connect_served(settings: Settings) -> Session:
    """The real SDK clients over HTTPS to the emulator served at ``settings.emulator_url``."""
    from .emulator.remote import RemoteEmulator, server_folder  # noqa: PLC0415

    url = str(settings.emulator_url)
    states = [settings.state] if settings.state else []
    if str(default_state_path()) not in states:
        states.append(str(default_state_path()))
    home = server_folder(url, settings.emulator_ca,
                         [Path(st).with_name(Path(st).stem + "-local-cloud") for st in states])
    ca = settings.emulator_ca or (str(home / "tls" / "ca.pem") if home else None)
    _check_ca(url, ca, given=settings.emulator_ca is not None)
    remote = RemoteEmulator(url, str(ca), admin_key_file=home / "admin-key" if home else None,
                            client_id=settings.participant or "aci-tutorial")
    credential = remote.credential()
    transport = remote.transport()
    log = RequestLog()
    named = [log, remote.session_policy()]   # faults and quota set here: this session's
    aci, resources = _build_clients(credential, remote.subscription_id, base_url=url,
                                    transport=transport, per_call_policies=named)
    return Session(
        backend="emulator", aci=aci, resources=resources,
        subscription_id=remote.subscription_id, location=settings.location,
        resource_group=settings.resource_group, settings=settings,
        polling_interval=EMULATOR_POLLING_INTERVAL, sleep=transport.sleep, emulator=remote,
        credential=credential,
        aio_factory=lambda: _build_aio_clients(remote.async_credential(), remote.subscription_id,
                                               base_url=url, transport=remote.async_transport(),
                                               per_call_policies=named),
        requests=log,
    )


def _check_ca(url: str, ca: str | None, *, given: bool) -> None:
    """The served emulator's CA is a readable PEM certificate, or a ConfigurationError that
    says where to find it (certificate checks are never turned off)."""
    if ca is None:
        raise ConfigurationError(
            f"ACI_EMULATOR_URL={url} needs the server's CA certificate, and none was found "
            "beside your own emulator state: set ACI_EMULATOR_CA to the ca.pem that "
            "`aci-tutorial serve` printed (your trainer hands it out with the URL; `aci-tutorial "
            "workshop join --emulator-url URL --emulator-ca FILE` keeps both). Certificate checks "
            "are never turned off.")
    try:
        text = Path(ca).read_text(encoding="ascii", errors="replace")
    except OSError as err:
        raise ConfigurationError(
            f"The served emulator's CA certificate {ca}{' (ACI_EMULATOR_CA)' if given else ''} "
            f"cannot be read ({err.strerror or err}): point ACI_EMULATOR_CA at the ca.pem "
            "that `aci-tutorial serve` printed.") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigurationError(
            f"{ca} is not a PEM certificate: point ACI_EMULATOR_CA at the ca.pem that "
            "`aci-tutorial serve` printed.")


def _state_folder(state: str) -> None:
    """Create the state file's folder; a path that cannot have one names its setting."""
    folder = Path(state).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        env = os.environ.get("ACI_EMULATOR_STATE", "").strip()
        source = ("ACI_EMULATOR_STATE" if env and Path(env).expanduser() == Path(state)
                  else "the default location" if Path(state) == default_state_path()
                  else "connect(state=...)")
        raise ConfigurationError(
            f"The emulator state file {state} (from {source}) cannot be used: its folder "
            f"{folder} cannot be created ({err.strerror or err}). Set ACI_EMULATOR_STATE to a "
            f"file in a folder you can write, or to 'memory' for a private in-memory cloud."
        ) from None


def _connect_azure(settings: Settings) -> Session:
    from .auth import azure_target  # noqa: PLC0415

    target = azure_target(settings.auth_location, settings.subscription_id)
    log = RequestLog()
    aci, resources = _build_clients(
        target.credential, target.subscription_id,
        polling_interval=AZURE_POLLING_INTERVAL, per_call_policies=[log],
        **target.client_kwargs(),
    )
    def aio() -> AsyncClients:
        try:
            import aiohttp  # noqa: F401, PLC0415  (azure-core's default async transport)
        except ImportError:
            raise ConfigurationError(
                "The async clients on Azure need the aiohttp package (azure-core's async "
                "transport): pip install aiohttp") from None
        return _build_aio_clients(target.aio_credential(), target.subscription_id,
                                  polling_interval=AZURE_POLLING_INTERVAL, per_call_policies=[log],
                                  **target.client_kwargs())

    return Session(
        backend="azure", aci=aci, resources=resources,
        subscription_id=target.subscription_id, location=settings.location,
        resource_group=settings.resource_group, settings=settings,
        polling_interval=AZURE_POLLING_INTERVAL, sleep=time.sleep,
        credential=target.credential, aio_factory=aio, requests=log,
    )


def ensure_resource_group(session: Session, name: str | None = None) -> "ResourceGroup":
    """Create the tutorial's resource group if it does not exist, tagged for cleanup.

    An existing group is returned untouched (a PUT would replace its tags), so a group
    you made yourself is never marked as the tutorial's.
    """
    rg = name or session.resource_group
    groups = session.resources.resource_groups
    if groups.check_existence(rg):
        return groups.get(rg)
    return groups.create_or_update(rg, {"location": session.location, "tags": dict(TUTORIAL_TAGS)})
