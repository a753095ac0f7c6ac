"""The checks of the second track's "Try it" exercises (notebooks 08, 10, 11), served by
:mod:`aci_helpers.exercises` (``from aci_helpers.exercises import check_spot_task``).

Like every check: it reads the cloud (and the learner's answer) and says ``Not yet: <hint>``
or ``Pass: <what was seen>``; it never changes anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .diagnosis import diagnose
from .exercises import Feedback, _container_view, _get, _not_yet, _pass

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import ContainerGroup

    from .registry import PrivateRegistry
    from .session import Session

#: Regions Microsoft's quota page lists for Spot container groups.
SPOT_REGIONS = ("eastus2", "westeurope", "westus")


# ---- 08 ------------------------------------------------------------------------------------

def check_identity_pull(s: "Session", name: str, reg: "PrivateRegistry",
                        my_credentials: Any) -> Feedback:
    """08: ``name`` pulled ``aci-wordcount:v1`` from the private registry with the managed
    identity (no password), carries that identity, and its word count ended with 0."""
    from azure.mgmt.containerinstance.models import ImageRegistryCredential  # noqa: PLC0415

    if my_credentials is None or my_credentials is Ellipsis:
        return _not_yet("my_credentials is still None: set it to a list with one "
                        "ImageRegistryCredential naming the registry's server and the identity.")
    if isinstance(my_credentials, ImageRegistryCredential):
        return _not_yet("image_registry_credentials takes a list: put the credential in [...].")
    if not isinstance(my_credentials, (list, tuple)) or len(my_credentials) != 1 or \
            not isinstance(my_credentials[0], ImageRegistryCredential):
        return _not_yet("my_credentials should be a list of one ImageRegistryCredential.")
    cred = my_credentials[0]
    if (cred.server or "").lower() != reg.server:
        return _not_yet(f"the credential's server is {cred.server!r}; the image is on "
                        f"{reg.server!r} (reg.server).")
    if cred.password is not None or cred.username is not None:
        return _not_yet("this pull uses the managed identity: leave username and password out, "
                        "give identity=reg.identity.")
    if cred.identity != reg.identity:
        return _not_yet("the credential needs identity=reg.identity, the resource id of the "
                        "user-assigned identity allowed to pull.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud: run the cell with my_credentials set (if "
                        "it failed, its error says why).")
    if not group.containers[0].image.startswith(reg.server + "/"):
        return _not_yet(f"{name} runs {group.containers[0].image}, not an image of {reg.server}.")
    sent = group.image_registry_credentials or []
    if not sent or sent[0].identity is None:
        return _not_yet(f"{name} in the cloud still pulls with a username and password: run the "
                        "cell again with my_credentials.")
    state, code = _container_view(group)
    if state != "Terminated" or code != 0:
        return _not_yet(f"{name}'s word count is {state} (exit code {code}); wait for it to end.")
    who = reg.identity.rsplit("/", 1)[-1]
    return _pass(f"{name} pulled {group.containers[0].image} as the managed identity {who} (no "
                 "password in the request or the answer), and its word count ended with exit code 0.")


# ---- 10 ------------------------------------------------------------------------------------

def check_fixed_loop(s: "Session", name: str, my_restart_policy: Any) -> Feedback:
    """10: the word count ``name`` ran once: a task's restart policy, no restart, exit 0."""
    if my_restart_policy is None or my_restart_policy is Ellipsis:
        return _not_yet("my_restart_policy is still None: which restart policy runs a task once?")
    policy = str(getattr(my_restart_policy, "value", my_restart_policy))
    if policy.lower() == "always":
        return _not_yet("'Always' is what restarts the finished task again and again.")
    if policy.lower() not in ("never", "onfailure"):
        return _not_yet(f"{policy!r} is not a restart policy: 'Always', 'OnFailure' or 'Never'.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud: run the cell (it deletes the old group and "
                        "creates it again).")
    actual = str(getattr(group.restart_policy, "value", group.restart_policy) or "Always")
    if actual.lower() != policy.lower():
        return _not_yet(f"{name} in the cloud still has restart policy {actual}: a restart policy "
                        "cannot change in place, the cell must delete the group first.")
    d = diagnose(s, name)
    if d.kinds != ["completed"]:
        return _not_yet(f"{name} is not a completed task yet: {d.findings[0].what if d.findings else 'no state'}.")
    restarts = group.containers[0].instance_view.restart_count or 0
    return _pass(f"{name} ran once with restart policy {actual}: exit code 0, {restarts} "
                 "restarts, and diagnose() sees nothing wrong.")


# ---- 11 ------------------------------------------------------------------------------------

def check_spot_task(s: "Session", name: str, my_spot_task: Any) -> Feedback:
    """11: ``name`` is a Spot word count in a Spot region, without a public IP, ended with 0."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if my_spot_task is None or my_spot_task is Ellipsis:
        return _not_yet("my_spot_task is still None: build the word-count task "
                        "(task_container_group) and make it a Spot group.")
    if not isinstance(my_spot_task, ContainerGroup):
        return _not_yet(f"my_spot_task is a {type(my_spot_task).__name__}, not a ContainerGroup.")
    priority = str(getattr(my_spot_task.priority, "value", my_spot_task.priority))
    if priority.lower() != "spot":
        return _not_yet(f"my_spot_task's priority is {my_spot_task.priority!r}: set it to 'Spot'.")
    if (my_spot_task.location or "").replace(" ", "").lower() not in SPOT_REGIONS:
        return _not_yet(f"{my_spot_task.location!r} does not offer Spot groups; Microsoft lists "
                        f"{', '.join(SPOT_REGIONS)}.")
    if my_spot_task.ip_address is not None:
        return _not_yet("Spot groups get no public IP address: leave ip_address out.")
    group = _get(s, name)
    if group is None:
        return _not_yet(f"{name} is not in the cloud: run the cell with my_spot_task set.")
    if str(getattr(group.priority, "value", group.priority)) != "Spot":
        return _not_yet(f"{name} in the cloud has priority {group.priority}: send my_spot_task "
                        "again (a different priority needs a new group: delete it first).")
    state, code = _container_view(group)
    if state != "Terminated" or code != 0:
        return _not_yet(f"{name} is {state} (exit code {code}); wait for the task to end.")
    return _pass(f"{name} ran as a Spot group in {group.location} and ended with exit code 0; "
                 "an eviction would have restarted it from the beginning.")
