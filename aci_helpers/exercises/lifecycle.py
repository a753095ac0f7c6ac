"""06's and 07's checks: a group deleted with its poller kept; a group stopped in the explorer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cloud import get_group, resource_group_gone
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session


def _poller_request(poller: Any) -> tuple[str | None, str | None]:
    """The method and the resource name of a poller's first request, if they can be read."""
    try:
        request = poller.polling_method()._initial_response.http_request
    except AttributeError:
        return None, None
    return request.method.upper(), request.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def check_deleted(s: "Session", name: str, poller: Any) -> Feedback:
    """06: ``name`` was created, then deleted, and ``poller`` is its finished delete poller."""
    from azure.core.polling import LROPoller  # noqa: PLC0415

    if unanswered(poller):
        return not_yet(f"my_poller is still None: create {name}, delete it with begin_delete "
                       "and keep what begin_delete returns in my_poller.")
    if not isinstance(poller, LROPoller):
        return not_yet(f"my_poller is a {type(poller).__name__}: keep the LROPoller that "
                       "begin_delete returns (not its result).")
    method, target = _poller_request(poller)
    if method == "PUT":
        return not_yet("my_poller is the poller of the create (a PUT): keep the one "
                       "begin_delete returns.")
    if target is not None and target.lower() != name.lower():
        return not_yet(f"my_poller deleted {target}, not {name}.")
    if not poller.done():
        return not_yet("the deletion is still running: wait for it with wait(my_poller).")
    if poller.status() != "Succeeded":
        return not_yet(f"the deletion ended as {poller.status()!r}.")
    if get_group(s, name) is not None:
        return not_yet(f"{name} still exists in the cloud.")
    created = any(r.method == "PUT" and r.url.lower().endswith(f"/containergroups/{name.lower()}")
                  for r in s.requests.entries)
    if not created:
        return not_yet(f"{name} is gone, but this session never created it (deleting what does "
                       "not exist also succeeds): create it first, then delete it.")
    return passed(f"{name} was created, then deleted: the delete poller reported "
                  f"{poller.status()} and get now answers 404.")


def check_stopped(s: "Session", name: str) -> Feedback:
    """07: the cloud shows ``name`` Stopped (whatever stopped it: the check reads the cloud)."""
    group = get_group(s, name)
    if group is None:
        gone = resource_group_gone(s)
        what = (f"{gone}, and {name} with it" if gone else f"{name} is not in the cloud "
                "(notebook 06's clean-up deletes the tutorial's groups)")
        return not_yet(f"{what}: run the cell that creates the three groups (and the resource "
                       f"group), then stop {name} in the explorer.")
    state = group.instance_view.state if group.instance_view is not None else None
    if state == "Stopped":
        return passed(f"the cloud shows {name} Stopped. The Stop button sends "
                      f"s.aci.container_groups.stop({s.resource_group!r}, {name!r}); a stopped "
                      "group is not billed, and Start runs it again (maybe with a new IP address).")
    others = []
    for listed in s.aci.container_groups.list_by_resource_group(s.resource_group):
        other = get_group(s, listed.name) if listed.name != name else None  # a list has no state
        if other is not None and other.instance_view is not None \
                and other.instance_view.state == "Stopped":
            others.append(other.name)
    if others:
        return not_yet(f"{', '.join(others)} is Stopped, but {name} is {state}: the exercise "
                       f"asks you to stop the web server {name}.")
    return not_yet(f"{name} is {state}: click its name in the explorer, then Stop. (The check "
                   "asks the cloud, not the widget.)")
