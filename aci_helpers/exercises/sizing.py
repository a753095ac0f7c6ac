"""01's and 02's checks: a group's CPU and memory, what an hour of it costs, and what happens
when a wrong size is already in the cloud (Azure cannot change CPU or memory in place: the
exercise cell deletes the group first and says so)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..cost import estimate_cost
from ..models import group_requests
from .cloud import describe_containers, fixed_settings, get_group, requests_of
from .feedback import Feedback, not_yet, num, passed, same_numbers, unanswered

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

    from ..session import Session

RUN_AGAIN = ("run your cell again: Azure cannot change CPU or memory in place, so the cell "
             "deletes the group first and says so")


def _in_cloud_already(s: "Session", name: str, wanted: list[tuple[float, float]]) -> str:
    """' X is in the cloud with ...: when you send the fix, ...' when the cloud holds ``name``
    with other sizes than ``wanted``, else ''."""
    group = get_group(s, name)
    if group is None or same_numbers([x for pair in requests_of(group) for x in pair],
                                     [x for pair in wanted for x in pair]):
        return ""
    sizes = describe_containers(fixed_settings(group)["containers"][0])
    return (f" {name} is in the cloud with {sizes}: when you run your cell with the fix, it "
            "deletes that group first (Azure cannot change CPU or memory in place) and says so.")


def check_try_group(s: "Session", name: str, my_group: Any) -> Feedback:
    """01: ``name`` is in the cloud with 2 CPUs, 1.5 GB and the DNS label ``name``."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    wanted = (2.0, 1.5)
    if unanswered(my_group):
        return not_yet("my_group is still None: build a ContainerGroup requesting 2 CPUs and "
                       f"1.5 GB, with the DNS label {name!r}, and run the cell (it sends it).")
    if not isinstance(my_group, ContainerGroup) or not my_group.containers:
        return not_yet(f"my_group is a {type(my_group).__name__}, not a ContainerGroup with a "
                       "container: use the model classes or single_container_group(...).")
    (cpu, mem), *_ = requests_of(my_group)
    if not same_numbers((cpu, mem), wanted):
        text_hint = (" (text: write numbers, e.g. cpu=2)"
                     if isinstance(cpu, str) or isinstance(mem, str) else "")
        return not_yet(f"my_group requests {num(cpu)} CPU and {num(mem)} GB{text_hint}; "
                       "2 CPUs and 1.5 GB are wanted." + _in_cloud_already(s, name, [wanted]))
    label = my_group.ip_address.dns_name_label if my_group.ip_address is not None else None
    if label != name:
        return not_yet(f"my_group's DNS label is {label!r}; {name!r} is wanted "
                       "(ip_address.dns_name_label, or single_container_group's name).")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud yet: run the cell with my_group set (it "
                       "calls begin_create_or_update and waits).")
    cloud_cpu, cloud_mem = group_requests(group)
    if (cloud_cpu, cloud_mem) != wanted:
        return not_yet(f"my_group is right, but {name} in the cloud still requests "
                       f"{cloud_cpu:g} CPU and {cloud_mem:g} GB: {RUN_AGAIN}.")
    ip = group.ip_address
    if ip is None or ip.dns_name_label != name or 80 not in [p.port for p in ip.ports or []]:
        return not_yet(f"{name} in the cloud has no public port 80 under the label {name!r}: "
                       "run your cell again to send my_group.")
    if group.provisioning_state != "Succeeded":
        return not_yet(f"{name} is still {group.provisioning_state}: wait for it (wait(poller)).")
    cost = estimate_cost(group, timedelta(hours=1)).total
    one = estimate_cost(cpu=1, memory_gb=1, duration=timedelta(hours=1)).total
    return passed(f"{name} is in the cloud with 2 CPUs and 1.5 GB at http://{ip.fqdn}; an hour "
                  f"of it would cost about ${cost:.3f} (the 1-CPU group: ${one:.3f}).")


def _shares_requests(group: "ContainerGroup") -> bool:
    app, sidecar = group.containers
    return app.resources is not None and (app.resources is sidecar.resources
                                          or app.resources.requests is sidecar.resources.requests)


def check_lean_group(s: "Session", name: str, my_group: Any) -> Feedback:
    """02: ``name`` runs an app with 1 CPU / 1.5 GB and a sidecar with 0.5 CPU / 0.5 GB."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    wanted = [(1.0, 1.5), (0.5, 0.5)]
    if unanswered(my_group):
        return not_yet(f"my_group is still None: start from multi_container_group({name!r}, "
                       "s.location) and give each container its own requests.")
    if not isinstance(my_group, ContainerGroup) or len(my_group.containers or []) != 2:
        return not_yet("my_group should be a ContainerGroup with two containers, the app first "
                       "and the sidecar second.")
    if _shares_requests(my_group):
        return not_yet("both containers still share one ResourceRequirements object, so what you "
                       "set on one, the other gets too: give each its own, e.g. "
                       "my_group.containers[1].resources = resources(0.5, 0.5)."
                       + _in_cloud_already(s, name, wanted))
    for who, got, want in zip(("app", "sidecar"), requests_of(my_group), wanted):
        if not same_numbers(got, want):
            return not_yet(f"the {who} requests {num(got[0])} CPU and {num(got[1])} GB; "
                           f"{want[0]:g} and {want[1]:g} are wanted." + _in_cloud_already(s, name, wanted))
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud yet: run the cell with my_group set (it "
                       "sends it).")
    cloud = [(float(c), float(m)) for c, m in requests_of(group)]
    if cloud != wanted:
        return not_yet(f"my_group is right, but {name} in the cloud requests "
                       f"{', '.join(f'{c:g} CPU/{m:g} GB' for c, m in cloud)}: {RUN_AGAIN}.")
    lean = estimate_cost(group, timedelta(hours=1)).total
    fat = estimate_cost(cpu=2, memory_gb=4, duration=timedelta(hours=1)).total
    return passed(f"{name} is in the cloud with 1.5 CPUs and 2 GB in all (app 1 CPU / 1.5 GB, "
                  f"sidecar 0.5 / 0.5): about ${lean:.3f} an hour instead of ${fat:.3f}.")
