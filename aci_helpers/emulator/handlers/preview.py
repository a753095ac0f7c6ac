"""Resource types the newer api-versions document and the emulator does not model: NGroups
and sandbox groups.

Lists answer an empty page (true: none can exist here). Every other operation answers
501 ``NotImplemented`` naming the type, the versions that document it and what to do
instead, and changes nothing: never a silent 404 for a documented resource type.
"""

from __future__ import annotations

from ..errors import NotImplementedType
from ..model.versions import versions_documenting
from .base import Env, Reply

#: resource type (as in the URL) -> what the learner reads in the message
NAMES = {
    "ngroups": "NGroups",
    "sandboxGroups": "sandbox groups",
}


def empty_list(env: Env) -> Reply:
    """GET a list of a type the emulator never holds: an empty page."""
    return Reply(200, {"value": []})


def refuse(resource_type: str):
    """A handler answering 501 NotImplemented for ``resource_type``."""
    def handler(env: Env) -> Reply:
        if env.req.body:
            env.req.json()          # a malformed body is still a 400 first
        since = versions_documenting(resource_type)
        raise NotImplementedType(
            f"The emulator does not implement {NAMES[resource_type]} (Microsoft."
            f"ContainerInstance/{resource_type}, documented from api-version "
            f"{since[0] if since else '?'}): nothing was created or changed. Use container "
            f"groups, or run against Azure (ACI_BACKEND=azure).")
    handler.__name__ = f"refuse_{resource_type}"
    handler.__doc__ = f"Answer 501 NotImplemented for {NAMES[resource_type]}."
    return handler
