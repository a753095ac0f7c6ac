"""08's check: the learner gives a task the managed identity and the registry credential that
pull its image from a private registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..builders import task_container_group
from ..models import enum_text
from .cloud import container_state, get_group, not_from_this_cell
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..registry import PrivateRegistry
    from ..session import Session


def _identity_hint(my_task: Any, reg: "PrivateRegistry") -> str | None:
    """What is wrong with the identity and registry credential of the learner's ``my_task``."""
    from azure.mgmt.containerinstance.models import ImageRegistryCredential  # noqa: PLC0415

    creds = my_task.image_registry_credentials
    if isinstance(creds, ImageRegistryCredential):
        return "image_registry_credentials takes a list: put the credential in [...]."
    if not isinstance(creds, (list, tuple)) or len(creds) != 1 or \
            not isinstance(creds[0], ImageRegistryCredential):
        return "image_registry_credentials should be a list of one ImageRegistryCredential."
    cred = creds[0]
    if (cred.server or "").lower() != reg.server:
        return (f"the credential's server is {cred.server!r}; the image is on {reg.server!r} "
                "(reg.server).")
    if cred.password is not None or cred.username is not None:
        return ("this pull uses the managed identity: leave username and password out, and name "
                "the identity in the credential instead.")
    if cred.identity is None:
        return "the credential names no identity: which identity may pull from the registry?"
    if cred.identity != reg.identity:
        return ("the credential's identity should be reg.identity, the resource id of the "
                "user-assigned identity allowed to pull.")
    identity = my_task.identity
    if identity is None:
        return ("the credential names an identity the group does not carry: Azure refuses that "
                "create (InvalidImageRegistryIdentity). Give my_task.identity too.")
    kind = (enum_text(identity.type) or "").replace(" ", "").lower()
    if "userassigned" not in kind:
        return (f"the group's identity is {enum_text(identity.type)!r}. A system-assigned identity "
                "exists only once the group is created, after the pull has to start: users report "
                "InvalidImageRegistryIdentity for it, and Microsoft's page allows only "
                "user-assigned ones for Windows containers. Use the user-assigned reg.identity.")
    assigned = identity.user_assigned_identities
    if not isinstance(assigned, dict):
        return ("user_assigned_identities is a dict {resource id: UserAssignedIdentities()}, "
                f"not a {type(assigned).__name__}.")
    if reg.identity not in assigned:
        return ("the group carries other identities than the credential's: add reg.identity to "
                "user_assigned_identities.")
    return None


def check_identity_pull(s: "Session", name: str, reg: "PrivateRegistry", my_task: Any) -> Feedback:
    """08: the learner's ``my_task`` pulled ``aci-wordcount:v1`` from the private registry with
    the managed identity (no password), carries that identity, and its word count ended with 0."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if unanswered(my_task) or not isinstance(my_task, ContainerGroup):
        return not_yet("my_task should be the task the cell builds (a ContainerGroup): run the "
                       "cell from its first line.")
    if not my_task.image_registry_credentials and my_task.identity is None:
        return not_yet("my_task has no way into the registry yet: the group needs the identity "
                       "it pulls with, and a registry credential that names it. The web "
                       "server above shows both.")
    hint = _identity_hint(my_task, reg)
    if hint:
        return not_yet(hint)
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud: run the cell (if it failed, its error says "
                       "why).")
    foreign = not_from_this_cell(name, group, task_container_group(name, s.location))
    if foreign:
        return not_yet(foreign)
    if not group.containers[0].image.startswith(reg.server + "/"):
        return not_yet(f"{name} runs {group.containers[0].image}, not an image of {reg.server}.")
    sent = group.image_registry_credentials or []
    if not sent or sent[0].identity is None:
        return not_yet(f"{name} in the cloud still pulls with a username and password: run the "
                       "cell again to send my_task.")
    state, code = container_state(group)
    if state != "Terminated" or code != 0:
        return not_yet(f"{name}'s word count is {state} (exit code {code}); wait for it to end.")
    who = reg.identity.rsplit("/", 1)[-1]
    return passed(f"{name} pulled {group.containers[0].image} as the managed identity {who} (no "
                  "password in the request or the answer), and its word count ended with exit code 0.")
