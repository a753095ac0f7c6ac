"""Typed records of what the store keeps: resource groups, container groups and their runs,
async operations.

Each record wraps the stored document (the dict the store writes as JSON, unchanged in
shape) and names its fields, so the backends read and change state through attributes,
never through raw keys; ``describe()`` renders a record as the wire shows it, as moto's
models do (``JobQueue.describe()``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .. import assumptions as A
from .util import iso_7

RG_TYPE = "Microsoft.Resources/resourceGroups"


class _Field:
    """A key of the record's document, read and written as an attribute; ``optional``: the
    key is absent rather than ``None`` (tags, identity, zones, pulls are never stored null)."""

    __slots__ = ("key", "optional")

    def __init__(self, key: str, optional: bool = False) -> None:
        self.key, self.optional = key, optional

    def __get__(self, record: Any, owner: type) -> Any:
        if record is None:
            return self
        return record.doc.get(self.key)

    def __set__(self, record: Any, value: Any) -> None:
        if self.optional:  # set anew: it moves to the end of the document, as when first added
            record.doc.pop(self.key, None)
            if value is None:
                return
        record.doc[self.key] = value


class ResourceGroup:
    """A resource group, with the end of its deletion while one runs."""

    __slots__ = ("doc", "sub")

    name = _Field("name")
    location = _Field("location")
    tags = _Field("tags")
    managed_by = _Field("managedBy")
    deleting_until = _Field("_deleting_until")

    def __init__(self, doc: dict, sub: str) -> None:
        self.doc, self.sub = doc, sub

    @property
    def key(self) -> str:
        """The store's key: the name in lower case (ARM names are case-insensitive)."""
        return self.name.lower()

    @property
    def deleting(self) -> bool:
        """True from the DELETE until the group is gone."""
        return self.deleting_until is not None

    def describe(self) -> dict:
        """The resource group as ARM sends it (``Deleting`` while its deletion runs)."""
        out = {"id": f"/subscriptions/{self.sub}/resourceGroups/{self.name}",
               "name": self.name, "type": RG_TYPE, "location": self.location}
        if self.managed_by:
            out["managedBy"] = self.managed_by
        if self.tags is not None:
            out["tags"] = self.tags
        out["properties"] = {"provisioningState": "Deleting" if self.deleting else "Succeeded"}
        return out


class Run:
    """One run of a container group: from a create, update, start or restart to its end."""

    __slots__ = ("doc",)

    start = _Field("start")
    kind = _Field("kind")
    ip = _Field("ip")
    end = _Field("end")
    shares = _Field("shares", optional=True)  # the Azure Files shares as the run found them
    failure = _Field("failure", optional=True)  # why its operation fails (code, message, event)

    def __init__(self, doc: dict) -> None:
        self.doc = doc


class ContainerGroup:
    """A container group as created (secrets included: :mod:`.views` leaves them out), its
    runs and the revision of its spec."""

    __slots__ = ("key", "doc")

    name = _Field("name")
    rg = _Field("rg")
    location = _Field("location")
    properties = _Field("properties")
    stopped_at = _Field("stopped_at")
    seed = _Field("seed")                   # the runtime's seed for this group's programs
    rev = _Field("rev")                     # the spec's revision: a new one relaunches
    api = _Field("api")                     # the api-version that wrote it
    restart_default = _Field("restart_default")
    pulls = _Field("pulls", optional=True)  # image -> the public image an emulated registry serves
    tags = _Field("tags", optional=True)
    identity = _Field("identity", optional=True)
    zones = _Field("zones", optional=True)
    version = _Field("_version")            # the store's version of the record (read back)

    def __init__(self, key: str, doc: dict) -> None:
        self.key, self.doc = key, doc

    @classmethod
    def new(cls, key: str, name: str, rg: str, location: str, properties: dict, seed: int,
            rev: int) -> "ContainerGroup":
        """A group not stored yet, without runs."""
        return cls(key, {"name": name, "rg": rg, "location": location,
                         "properties": properties, "runs": [], "stopped_at": None,
                         "seed": seed, "rev": rev})

    def copy(self) -> "ContainerGroup":
        """A deep copy to change, without what the store added when it read it (``_`` keys)."""
        return ContainerGroup(self.key, copy.deepcopy(
            {k: v for k, v in self.doc.items() if not k.startswith("_")}))

    @property
    def runs(self) -> list[Run]:
        """Every run, oldest first."""
        return [Run(r) for r in self.doc["runs"]]

    @property
    def run(self) -> Run:
        """The current (last) run."""
        return Run(self.doc["runs"][-1])

    @property
    def run_index(self) -> int:
        """The index of the current run."""
        return len(self.doc["runs"]) - 1

    def add_run(self, start: float, kind: str, ip: str | None,
                shares: dict[str, dict[str, str]], failure: dict | None = None) -> None:
        """Start a new run at ``start`` (``failure``: its operation fails, see lifecycle)."""
        run: dict = {"start": start, "kind": kind, "ip": ip, "end": None}
        if shares:
            run["shares"] = shares
        if failure:
            run["failure"] = failure
        self.doc["runs"].append(run)

    @property
    def stopped(self) -> bool:
        """True once stopped (until started again)."""
        return self.stopped_at is not None

    @property
    def containers(self) -> list[dict]:
        """The containers of the spec."""
        return self.properties["containers"]

    @property
    def container_names(self) -> set[str]:
        """Names of the spec's containers."""
        return {c["name"] for c in self.containers}

    @property
    def cores(self) -> float:
        """The cores its containers request."""
        return cores_of(self.properties)

    @property
    def spot(self) -> bool:
        """A Spot group: its cores count against StandardSpotCores, not StandardCores."""
        return is_spot(self.properties)

    @property
    def standard_cores(self) -> float:
        """The cores StandardCores counts (none for a Spot group: it has its own quota)."""
        return 0.0 if self.spot else self.cores

    @property
    def counts_for_quota(self) -> bool:
        """Whether its cores count against the region's quota now."""
        return not self.stopped or A.STOPPED_GROUPS_USE_QUOTA

    @property
    def dns_label(self) -> str | None:
        """The DNS name label of its public IP, if any."""
        return dns_label_of(self.properties)


def cores_of(properties: dict) -> float:
    """The cores the containers of a group's properties request."""
    return sum(c["properties"]["resources"]["requests"]["cpu"] for c in properties["containers"])


def is_spot(properties: dict) -> bool:
    """Whether a group's properties ask for Spot priority (canonicalised by priority.check)."""
    return properties.get("priority") == "Spot"


def dns_label_of(properties: dict) -> str | None:
    """The DNS name label of a group's properties, if any."""
    return (properties.get("ipAddress") or {}).get("dnsNameLabel")


class Operation:
    """An async operation (create, start, restart) that clients poll until it succeeds."""

    __slots__ = ("id", "doc")

    key = _Field("key")              # the group's store key
    group_id = _Field("id")          # the group's ARM id
    location = _Field("location")
    start = _Field("start")
    kind = _Field("kind")
    done_at = _Field("done_at")
    pending = _Field("pending")      # the status until done_at: Pending or Updating
    run = _Field("run")              # the index of the run it started

    def __init__(self, op_id: str, doc: dict) -> None:
        self.id, self.doc = op_id, doc

    @classmethod
    def new(cls, op_id: str, group: ContainerGroup, group_id: str, start: float, kind: str,
            done_at: float, pending: str) -> "Operation":
        """The operation ``op_id`` on ``group``'s current run."""
        return cls(op_id, {"key": group.key, "id": group_id, "location": group.location,
                           "start": start, "kind": kind, "done_at": done_at,
                           "pending": pending, "run": group.run_index})

    def status(self, now: float, failure: dict | None = None) -> str:
        """Succeeded (or Failed, with a ``failure``) once done, else its pending status."""
        if now < self.done_at:
            return self.pending
        return "Failed" if failure else "Succeeded"

    def describe(self, now: float, events: list[dict], failure: dict | None = None) -> dict:
        """The operation-status body at ``now``, with the container events it shows; a failed
        one carries its error, as ARM's operation bodies do."""
        status = self.status(now, failure)
        body = {"id": self.group_id, "status": status, "startTime": iso_7(self.start)}
        if self.kind != "reuse":     # a standby pool's hand-over shows none (ev:pub-outbound)
            body["properties"] = {"events": events}
        if status == "Failed":
            body["error"] = {"code": failure["code"], "message": failure["message"]}
        return body


@dataclass(frozen=True)
class GroupWrite:
    """What a create-or-update of a container group leaves: the group, whether it is new,
    and the async operation clients poll."""

    group: ContainerGroup
    created: bool
    operation: Operation
