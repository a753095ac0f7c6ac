"""What the checks read from the cloud, and what an exercise cell does before it sends an
answer: the settings Azure cannot change in place, and getting a group out of the way when
they differ (:func:`delete_if_not_updatable`). Checks only read; the exercise cells write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azure.core.exceptions import ResourceNotFoundError

from ..models import enum_text, restart_policy

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

    from ..session import Session


def get_group(s: "Session", name: str) -> "ContainerGroup | None":
    """The group ``name`` of the session's resource group, or None (also without the resource
    group: notebook 06's clean-up deletes it)."""
    try:
        return s.aci.container_groups.get(s.resource_group, name)
    except ResourceNotFoundError:
        return None


def resource_group_gone(s: "Session") -> str | None:
    """A sentence for a check when the session's resource group does not exist, else None."""
    if s.resources.resource_groups.check_existence(s.resource_group):
        return None
    return (f"the resource group {s.resource_group} does not exist (notebook 06's clean-up "
            "deletes it)")


def requests_of(group: "ContainerGroup") -> list[tuple[Any, Any]]:
    """(CPU, memory in GB) each container requests, as written (None where missing)."""
    return [(c.resources.requests.cpu, c.resources.requests.memory_in_gb)
            if c.resources is not None and c.resources.requests is not None else (None, None)
            for c in group.containers or []]


def container_state(group: "ContainerGroup") -> tuple[str | None, int | None]:
    """(state, exit code) of the group's first container, as ``get`` shows them."""
    view = group.containers[0].instance_view
    state = view.current_state if view is not None else None
    return (state.state, state.exit_code) if state is not None else (None, None)


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return value  # what the learner wrote; the service refuses it anyway


def fixed_settings(group: "ContainerGroup") -> dict[str, tuple[Any, str]]:
    """What an update cannot change, each as (value compared, text shown): the region, the OS
    type, the restart policy, and each container's name, CPU, memory and GPU (Azure's
    InvalidContainerGroupUpdate names "os type, restart policy, network profile, CPU, memory or
    GPU"; a group cannot move to another region either)."""
    sizes = []
    for c in group.containers or []:
        req = c.resources.requests if c.resources is not None else None
        gpu = getattr(req, "gpu", None)
        sizes.append((c.name, _number(getattr(req, "cpu", None)),
                      _number(getattr(req, "memory_in_gb", None)),
                      (enum_text(gpu.sku), gpu.count) if gpu is not None else None))
    region = group.location or ""
    os_type = enum_text(group.os_type) or ""
    policy = restart_policy(group)
    subnets = sorted(getattr(n, "id", "") or "" for n in group.subnet_ids or [])
    return {
        "region": (region.replace(" ", "").lower(), region),
        "OS type": (os_type.lower(), os_type),
        "restart policy": (policy.lower(), policy),
        "containers": (sorted(sizes, key=repr), describe_containers(sizes)),
        "subnets": (subnets, ", ".join(subnets) or "none"),
    }


def describe_containers(containers: list[tuple]) -> str:
    """'1 CPU / 1 GB' for one container, 'a: 1 CPU / 1 GB, b: ...' for several."""
    def one(cpu: Any, mem: Any) -> str:
        if isinstance(cpu, float) and isinstance(mem, float):
            return f"{cpu:g} CPU / {mem:g} GB"
        return f"{cpu!r} CPU / {mem!r} GB"

    if len(containers) == 1:
        return one(containers[0][1], containers[0][2])
    return ", ".join(f"{n}: {one(c, m)}" for n, c, m, _ in containers)


def differences(old: "ContainerGroup", new: "ContainerGroup") -> list[str]:
    """The fixed settings of ``old`` that ``new`` changes: 'restart policy Always -> Never'."""
    before, after = fixed_settings(old), fixed_settings(new)
    changed = []
    for what, (value, shown) in before.items():
        if value == after[what][0]:
            continue
        if what == "containers":
            names = [sorted(n for n, *_ in side[what][0]) for side in (before, after)]
            what = "containers" if names[0] != names[1] else "CPU and memory"
            if names[0] != names[1]:
                shown, new_shown = ", ".join(names[0]), ", ".join(names[1])
            else:
                new_shown = after["containers"][1]
        else:
            new_shown = after[what][1]
        changed.append(f"{what} {shown} -> {new_shown}")
    return changed


def delete_if_not_updatable(s: "Session", name: str, group: "ContainerGroup") -> bool:
    """Before an exercise cell sends ``group`` as ``name``: if ``name`` is in the cloud with
    settings that Azure cannot update in place (:func:`fixed_settings`), delete it and say
    so; return whether it did. Anything else, the create-or-update that follows updates."""
    old = get_group(s, name)
    if old is None:
        return False
    changed = differences(old, group)
    if not changed:
        return False
    s.aci.container_groups.begin_delete(s.resource_group, name).result()
    print(f"{name} was already in the cloud, and Azure cannot update {'; '.join(changed)} in "
          "place: deleted it first (begin_delete); now sending yours.")
    return True


def not_from_this_cell(name: str, found: "ContainerGroup",
                       expected: "ContainerGroup") -> str | None:
    """A hint when the group ``found`` under ``name`` cannot be what the exercise cell sends
    (``expected``): what it is, who makes such a group, and how to get it out of the way."""
    changed = differences(found, expected)
    if not changed:
        return None
    return (f"a group named {name} is in the cloud, but not the one this exercise's cell "
            f"sends ({'; '.join(c.split(' -> ')[0] for c in changed)}): something else made it "
            "(your own code, the explorer, or an earlier version of the tutorial, whose "
            "notebooks shared some names). Your cell cannot update it: delete it with "
            f"wait(s.aci.container_groups.begin_delete(s.resource_group, {name!r})), then run "
            "your cell again.")
