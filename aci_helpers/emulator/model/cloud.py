"""The domain model's root: one subscription's cloud, its backends and what they share.

Wire handlers call a backend inside one store transaction (moto's shape: handler ->
backend -> typed record, rendered by the record or the backend): ``resource_groups``
(:mod:`.resource_groups`), ``container_groups`` and their async operations
(:mod:`.container_groups`), ``containers`` (:mod:`.containers`); provider registration and
a region's usages are answered here. A raised
:class:`~aci_helpers.emulator.errors.ArmError` rolls the transaction back, so a refused
request changes nothing."""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from typing import Any

from .. import assumptions as A
from ..overlays import quota_override, spot_quota_override
from ..store import Tx
from . import registration
from . import validation as V
from .container_groups import ContainerGroups
from .containers import Containers
from .profiles import Profiles
from .programs import Programs
from .resource_groups import ResourceGroups


@dataclass
class Ctx:
    """One request's view of the cloud: its transaction and the time it happens at."""

    tx: Tx
    now: float
    write: bool
    api: str = "2023-05-01"        # the request's api-version: the view answers are shaped by
    fail_operation: Any = None     # an injected failure of this create's operation (faults.py)


class Cloud:
    """The backends of one subscription. Holds caches of runtime objects (never state)."""

    def __init__(self, sub: str, seed: int, quota_cores: float, catalog: Any,
                 spot_quota_cores: float = A.DEFAULT_SPOT_QUOTA_CORES) -> None:
        self.sub = sub
        self.seed = seed
        self.quota_cores = quota_cores
        self.spot_quota_cores = spot_quota_cores
        self._progs = Programs(catalog)
        self.resource_groups = ResourceGroups(self)
        self.container_groups = ContainerGroups(self)
        self.containers = Containers(self)
        self.profiles = Profiles(self)

    @property
    def quota_cores(self) -> float:
        """Standard cores per region: the cloud's, or the quota the client session being
        answered set on a served emulator (``overlays.py``)."""
        override = quota_override()
        return self._quota_cores if override is None else override

    @quota_cores.setter
    def quota_cores(self, cores: float) -> None:
        self._quota_cores = cores

    @property
    def spot_quota_cores(self) -> float:
        """Spot cores per region (StandardSpotCores): the cloud's, or the one the client
        session being answered set on a served emulator."""
        override = spot_quota_override()
        return self._spot_quota_cores if override is None else override

    @spot_quota_cores.setter
    def spot_quota_cores(self, cores: float) -> None:
        self._spot_quota_cores = cores

    # ------------------------------------------------------------------ runtime adapter
    def warm(self) -> None:
        """Load what a first write needs (the runtime package, its image catalog) before
        the write lock is taken: done inside it, a process's first PUT held the lock of
        every kernel for ~120 ms (imports), later ones ~1 ms."""
        if self._progs.warm():
            importlib.import_module(__package__ + ".schema")    # validation's, imported late

    def runtime(self) -> Any:
        """The simulated runtime package."""
        return self._progs.runtime()

    def resolve(self, image: str, servers: tuple[str, ...]) -> Any:
        """The runtime's image info for ``image`` given these registry servers (cached)."""
        return self._progs.resolve(image, servers)

    def image_info(self, image: str, servers: tuple[str, ...], pulls: dict[str, str]) -> Any:
        """The image info a container runs (one from an emulated registry behaves like the
        public image imported into it)."""
        return self._progs.info(image, servers, pulls)

    def programs(self, key: str, doc: dict) -> tuple[dict, dict]:
        """Per-container Program (launched on first use) and pull reference, cached per
        spec revision and run."""
        return self._progs.of(key, doc)

    def launch_inputs(self, key: str, doc: dict, name: str) -> dict:
        """What container ``name`` of the group's current run was launched with."""
        return self._progs.launch_inputs(key, doc, name)

    def launched(self, key: str, doc: dict) -> bool:
        """Whether this process has launched the programs of the group's current run."""
        return self._progs.launched(key, doc)

    # ------------------------------------------------------------------ provider registration
    def provider(self, ctx: Ctx, namespace: str) -> dict:
        """The subscription's registration of ``namespace`` (Providers_Get)."""
        return registration.get(self.sub, ctx.tx, namespace, A.LOCATIONS)

    def provider_register(self, ctx: Ctx, namespace: str, registered: bool) -> dict:
        """Register (or unregister) the subscription for ``namespace``."""
        return registration.set_registered(self.sub, ctx.tx, namespace, registered, A.LOCATIONS)

    def require_registered(self, ctx: Ctx) -> None:
        """Refuse a Microsoft.ContainerInstance request while the namespace is unregistered."""
        registration.require_registered(self.sub, ctx.tx)

    # ------------------------------------------------------------------ location data
    def usages(self, ctx: Ctx, location: str) -> list[dict]:
        """A region's usage rows (container groups, cores) and their limits. As recorded
        (.NET SDK LocationListUsageTest, 2021): the ids keep the location as the request wrote
        it and name the core rows in lower camel case (``.../locations/West Central US/usages/
        standardCores``), dedicated groups and cores are listed; the StandardSpotCores row is
        the emulator's (the recording predates Spot)."""
        loc = V.canonical_location(location, "locations/usages")
        cores = ctx.tx.cores_in_use(loc)
        spot = ctx.tx.spot_cores_in_use(loc)
        groups = ctx.tx.count_groups(loc)
        base = f"/subscriptions/{self.sub}/providers/Microsoft.ContainerInstance/locations/" \
               f"{location}"
        rows = [("ContainerGroups", "ContainerGroups", "Container Groups", groups,
                 A.CONTAINER_GROUPS_LIMIT),
                ("standardCores", "StandardCores", "Standard Cores", cores, self.quota_cores),
                ("standardK80Cores", "StandardK80Cores", "Standard K80 Cores", 0, 0),
                ("standardP100Cores", "StandardP100Cores", "Standard P100 Cores", 0, 0),
                ("standardV100Cores", "StandardV100Cores", "Standard V100 Cores", 0, 0),
                ("DedicatedContainerGroups", "DedicatedContainerGroups",
                 "Dedicated Container Groups", 0, 0),
                ("dedicatedCores", "DedicatedCores", "Dedicated Cores", 0,
                 A.DEDICATED_CORES_LIMIT),
                ("standardSpotCores", "StandardSpotCores", "Standard Spot Cores", spot,
                 self.spot_quota_cores)]
        # Usage.currentValue/limit are int32 in the spec: fractional cores round up.
        return [{"id": f"{base}/usages/{i}", "unit": "Count", "currentValue": math.ceil(cur),
                 "limit": math.ceil(lim), "name": {"value": n, "localizedValue": disp}}
                for i, n, disp, cur, lim in rows]
