"""Reading the SDK's container-group models: the one place for what several helpers read.

The tables, the waits, the cost estimate, the diagnosis, the cleanup, the explorer and the
trainer's workshop status all read the same few things of a ``ContainerGroup``: its CPU and
memory, its state, its restart policy, its resource group, whether the tutorial tagged it.
Each is read here once, the same way for all of them. Pure functions of the models (no
request, no widget, no pandas), so any layer may use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .session import TUTORIAL_TAGS

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

# api-versions after 2023-05-01 omit restartPolicy when the request did; the service then
# applies its documented default.
DEFAULT_RESTART_POLICY = "Always"


def enum_text(value: Any) -> str | None:
    """An SDK enum member as its wire string (``Never``); a string as it is; None stays None."""
    return None if value is None else str(getattr(value, "value", value))


def restart_policy(group: "ContainerGroup") -> str:
    """The group's restart policy, ``Always`` when the answer left it out (the default)."""
    return enum_text(group.restart_policy) or DEFAULT_RESTART_POLICY


def group_state(group: "ContainerGroup") -> str | None:
    """The group's instance-view state, else its provisioning state (list results have no view)."""
    if group.instance_view is not None and group.instance_view.state:
        return group.instance_view.state
    return group.provisioning_state


def group_requests(group: "ContainerGroup") -> tuple[float, float]:
    """Total CPU and memory (GB) a group requests: the sum over its containers."""
    containers = [c for c in group.containers or [] if c.resources]
    cpu = sum(c.resources.requests.cpu or 0 for c in containers)
    mem = sum(c.resources.requests.memory_in_gb or 0 for c in containers)
    return float(cpu), float(mem)


def resource_group_of(resource_id: str | None) -> str | None:
    """The resource group an ARM id names (None when it names none)."""
    if not resource_id:
        return None
    from azure.mgmt.core.tools import parse_resource_id  # noqa: PLC0415 - ~0.1 s import

    return parse_resource_id(resource_id).get("resource_group") or None


def is_tutorial_resource(tags: dict[str, str] | None) -> bool:
    """True if ``tags`` carry the tutorial's tag (what the builders and cleanup agree on)."""
    tags = tags or {}
    return all(tags.get(k) == v for k, v in TUTORIAL_TAGS.items())


@dataclass
class GroupRow:
    """One container group as a table shows it (from a ``get``, so it has a state)."""

    key: str  # the ARM id in lower case: names repeat across resource groups
    name: str
    resource_group: str
    state: str | None
    location: str
    ip: str | None
    fqdn: str | None
    restart_policy: str
    cpu: float
    memory_gb: float
    images: str
    group: Any

    @classmethod
    def of(cls, g: Any) -> "GroupRow":
        """The row of an SDK container group (CPU and memory summed over its containers)."""
        cpu, mem = group_requests(g)
        ip = g.ip_address
        return cls(key=(g.id or g.name).lower(), name=g.name,
                   resource_group=resource_group_of(g.id) or "",
                   state=group_state(g), location=g.location or "",
                   ip=ip.ip if ip else None, fqdn=ip.fqdn if ip else None,
                   restart_policy=restart_policy(g), cpu=cpu, memory_gb=mem,
                   images=" ".join(c.image or "" for c in g.containers), group=g)

    def matches(self, text: str) -> bool:
        """True when each word of ``text`` occurs in the row's text fields (case-insensitive)."""
        hay = " ".join(str(v or "") for v in (self.name, self.resource_group, self.state,
                                              self.location, self.ip, self.fqdn, self.images))
        return all(word in hay.lower() for word in text.lower().split())

    @property
    def address(self) -> str:
        """What the details header says about the group's public address ('' when none).

        A stopped group keeps its DNS name; its IP may still be listed (right after a stop,
        as recorded) or be gone, and a start may bring a different one."""
        if self.ip is None and self.fqdn is None:
            return ""
        if self.ip:
            ip = self.ip
        elif self.state == "Stopped":
            ip = "none while stopped (a start assigns one, maybe a new one)"
        else:
            ip = "not assigned yet"
        return ip if not self.fqdn else f"{ip} · FQDN {self.fqdn}"

    def running_since(self) -> datetime | None:
        """When its earliest running container started (None when none is running)."""
        starts = [c.instance_view.current_state.start_time for c in self.group.containers
                  if c.instance_view is not None and c.instance_view.current_state is not None
                  and c.instance_view.current_state.state == "Running"
                  and c.instance_view.current_state.start_time is not None]
        return min(starts) if starts else None
