"""11's check: a word count run as a Spot group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import enum_text, group_requests
from .cloud import container_state, get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session

#: Regions Microsoft's quota page lists for Spot container groups.
SPOT_REGIONS = ("eastus2", "westeurope", "westus")


def check_spot_task(s: "Session", name: str, my_spot_task: Any) -> Feedback:
    """11: ``name`` is a Spot word count in a Spot region, without a public IP, ended with 0."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if unanswered(my_spot_task):
        return not_yet("my_spot_task is still None: build the word-count task "
                       "(task_container_group) and make it a Spot group.")
    if not isinstance(my_spot_task, ContainerGroup):
        return not_yet(f"my_spot_task is a {type(my_spot_task).__name__}, not a ContainerGroup.")
    priority = str(enum_text(my_spot_task.priority))
    if priority.lower() != "spot":
        return not_yet(f"my_spot_task's priority is {my_spot_task.priority!r}: set it to 'Spot'.")
    if (my_spot_task.location or "").replace(" ", "").lower() not in SPOT_REGIONS:
        return not_yet(f"{my_spot_task.location!r} does not offer Spot groups; Microsoft lists "
                       f"{', '.join(SPOT_REGIONS)}.")
    if my_spot_task.ip_address is not None:
        return not_yet("Spot groups get no public IP address: leave ip_address out.")
    group = get_group(s, name)
    if group is None:
        full = _spot_quota_full(s, my_spot_task)
        if full:
            return not_yet(full)
        return not_yet(f"{name} is not in the cloud: run the cell with my_spot_task set.")
    if enum_text(group.priority) != "Spot":
        return not_yet(f"{name} in the cloud has priority {group.priority}: run the cell again "
                       "to send my_spot_task.")
    state, code = container_state(group)
    if state != "Terminated" or code != 0:
        return not_yet(f"{name} is {state} (exit code {code}); wait for the task to end.")
    return passed(f"{name} ran as a Spot group in {group.location} and ended with exit code 0; "
                  "an eviction would have restarted it from the beginning.")


def _spot_quota_full(s: "Session", task: Any) -> str | None:
    """What to do when the region's Spot quota (StandardSpotCores) has no room for ``task``:
    0 on some subscriptions (Microsoft's support article), or used up; None when it has room,
    or when the region does not list it."""
    region = (task.location or "").replace(" ", "").lower()
    try:
        usage = {u.name.value: u for u in s.aci.location.list_usage(region)}.get("StandardSpotCores")
    except Exception:  # noqa: BLE001 - a check never fails on what it only reads for a hint
        return None
    if usage is None or usage.current_value + group_requests(task)[0] <= usage.limit:
        return None
    if usage.limit == 0:
        return (f"your subscription's Spot quota in {region} is 0 (StandardSpotCores; Microsoft "
                "gives 0 to subscriptions that are neither Enterprise Agreement nor default "
                "ones), so Azure refuses every Spot group there: ask Azure support for Spot "
                "quota, try another Spot region, or run the word count at regular priority.")
    return (f"the Spot quota in {region} is used up ({usage.current_value} of {usage.limit} "
            "StandardSpotCores): delete Spot groups you no longer need, or ask Azure support "
            "for more.")
