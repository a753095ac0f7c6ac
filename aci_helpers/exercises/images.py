"""08's check: a task that pulls from a private registry with a managed identity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..builders import task_container_group
from .cloud import container_state, get_group, not_from_this_cell
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..registry import PrivateRegistry
    from ..session import Session


def check_identity_pull(s: "Session", name: str, reg: "PrivateRegistry",
                        my_credentials: Any) -> Feedback:
    """08: ``name`` pulled ``aci-wordcount:v1`` from the private registry with the managed
    identity (no password), carries that identity, and its word count ended with 0."""
    from azure.mgmt.containerinstance.models import ImageRegistryCredential  # noqa: PLC0415

    if unanswered(my_credentials):
        return not_yet("my_credentials is still None: set it to a list with one "
                       "ImageRegistryCredential naming the registry's server and the identity.")
    if isinstance(my_credentials, ImageRegistryCredential):
        return not_yet("image_registry_credentials takes a list: put the credential in [...].")
    if not isinstance(my_credentials, (list, tuple)) or len(my_credentials) != 1 or \
            not isinstance(my_credentials[0], ImageRegistryCredential):
        return not_yet("my_credentials should be a list of one ImageRegistryCredential.")
    cred = my_credentials[0]
    if (cred.server or "").lower() != reg.server:
        return not_yet(f"the credential's server is {cred.server!r}; the image is on "
                       f"{reg.server!r} (reg.server).")
    if cred.password is not None or cred.username is not None:
        return not_yet("this pull uses the managed identity: leave username and password out, "
                       "give identity=reg.identity.")
    if cred.identity != reg.identity:
        return not_yet("the credential needs identity=reg.identity, the resource id of the "
                       "user-assigned identity allowed to pull.")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud: run the cell with my_credentials set (if "
                       "it failed, its error says why).")
    foreign = not_from_this_cell(name, group, task_container_group(name, s.location))
    if foreign:
        return not_yet(foreign)
    if not group.containers[0].image.startswith(reg.server + "/"):
        return not_yet(f"{name} runs {group.containers[0].image}, not an image of {reg.server}.")
    sent = group.image_registry_credentials or []
    if not sent or sent[0].identity is None:
        return not_yet(f"{name} in the cloud still pulls with a username and password: run the "
                       "cell again with my_credentials.")
    state, code = container_state(group)
    if state != "Terminated" or code != 0:
        return not_yet(f"{name}'s word count is {state} (exit code {code}); wait for it to end.")
    who = reg.identity.rsplit("/", 1)[-1]
    return passed(f"{name} pulled {group.containers[0].image} as the managed identity {who} (no "
                  "password in the request or the answer), and its word count ended with exit code 0.")
