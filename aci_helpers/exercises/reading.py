"""04's and 05's checks: what a listed group carries and what only ``get`` fills in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cloud import get_group, resource_group_gone
from .feedback import Feedback, not_yet, passed

if TYPE_CHECKING:
    from ..session import Session

FROM_THE_TOP = ("run this notebook from the top (its first cells create what it reads), "
                "then the check again")


def check_public_fqdns(s: "Session", fn: Any) -> Feedback:
    """04: ``fn(listed)`` maps each public group to its FQDN and sends no request at all.

    The check lists the resource group itself, calls ``fn`` on that list while recording
    every request the session sends, then reads each group with ``get`` to compare.
    """
    if not callable(fn):
        return not_yet("public_fqdns should be a function of the listed groups.")
    gone = resource_group_gone(s)
    if gone:
        return not_yet(f"{gone}, so there is nothing to list: {FROM_THE_TOP}.")
    listed = list(s.aci.container_groups.list_by_resource_group(s.resource_group))
    if not listed:
        return not_yet(f"{s.resource_group} holds no container group, so there is nothing to "
                       f"try your function on: {FROM_THE_TOP}.")
    with s.requests.capture() as sent:
        try:
            answer = fn(listed)
        except AttributeError as err:
            return not_yet(f"it crashed ({err}): a group without a public IP (a task) has "
                           "ip_address None; check it before reading .fqdn.")
    if answer is None:
        return not_yet("public_fqdns returned None: return a dict {name: fqdn}.")
    if not isinstance(answer, dict):
        return not_yet(f"public_fqdns returned a {type(answer).__name__}; a dict "
                       "{name: fqdn} is wanted.")
    if sent:
        shown = ", ".join(f"{r.method} .../{r.url.rsplit('/', 2)[-2]}/{r.url.rsplit('/', 1)[-1]}"
                          for r in sent[:3])
        return not_yet(f"your function sent {len(sent)} request(s) ({shown}). The listed groups "
                       "already carry their ip_address: read g.ip_address.fqdn, no get needed.")
    expected = {}
    for g in listed:  # the check's own reads, after the learner's function
        found = get_group(s, g.name)
        ip = found.ip_address if found is not None else None
        if ip is not None and ip.type in ("Public", None):
            expected[g.name] = ip.fqdn
    extra = sorted(set(answer) - set(expected))
    if extra:
        return not_yet(f"{', '.join(map(str, extra))} has no public IP address: leave out the "
                       "groups whose ip_address is None.")
    missing = sorted(set(expected) - set(answer))
    if missing:
        return not_yet(f"{', '.join(missing)} has a public IP address but is missing.")
    wrong = sorted(n for n in expected if answer[n] != expected[n])
    if wrong:
        return not_yet(f"the FQDN of {', '.join(wrong)} is not right: use g.ip_address.fqdn "
                       "(None when the group has no DNS label).")
    return passed(f"{len(answer)} public group(s) ({', '.join(sorted(answer)) or 'none'}) found "
                  f"in a list of {len(listed)}, and your function sent no request.")


def check_container_states(s: "Session", name: str, fn: Any) -> Feedback:
    """05: ``fn(group)`` gives each container's state from ``get`` and ``None`` from ``list``."""
    if not callable(fn):
        return not_yet("container_states should be a function of a container group.")
    got = get_group(s, name)
    if got is None:
        gone = resource_group_gone(s)
        return not_yet(f"{gone or f'{name} is not in the cloud (notebook 06 deletes it)'}: "
                       f"{FROM_THE_TOP}.")
    listed = next((g for g in s.aci.container_groups.list_by_resource_group(s.resource_group)
                   if g.name == name), None)
    if listed is None:
        return not_yet(f"{name} is not in the list of {s.resource_group}: {FROM_THE_TOP}.")
    try:
        from_get, from_list = fn(got), fn(listed)
    except AttributeError as err:
        return not_yet(f"it crashed ({err}): a listed group's containers have no instance "
                       "view; check c.instance_view for None before reading it.")
    names = [c.name for c in got.containers]
    if from_get is None:
        return not_yet("container_states returned None: return a dict {container name: state}.")
    if not isinstance(from_get, dict) or list(from_get) != names:
        return not_yet(f"return a dict with one key per container, in order: {names}.")
    truth = {c.name: (c.instance_view.current_state.state
                      if c.instance_view is not None and c.instance_view.current_state else None)
             for c in got.containers}
    if from_get != truth:
        return not_yet(f"for the group read with get, each container's "
                       f"instance_view.current_state.state is wanted: {truth}; got {from_get}.")
    if not isinstance(from_list, dict) or any(v is not None for v in from_list.values()):
        return not_yet("a listed group has no instance view: its states should all be None.")
    return passed(f"with get {from_get}; with list {from_list}.")
