"""Resource groups (Microsoft.Resources): the backend behind ``handlers/resource_groups.py``.

A deletion runs for RG_DELETE_SECONDS: the group answers ``Deleting`` and refuses writes,
and its container groups are deleted at once (their runs end: Azure Files writes land)."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from .. import assumptions as A
from ..errors import (InvalidRequestContent, InvalidResourceGroupLocation,
                      OperationResultNotFound, ResourceGroupBeingDeleted, ResourceGroupNotFound)
from . import validation as V
from .records import ContainerGroup, ResourceGroup
from .stored import group_problem
from .views import CG_TYPE, group_id

if TYPE_CHECKING:
    from .cloud import Cloud, Ctx

_JOB_PREFIX = "RESOURCEGROUPDELETIONJOB-"


class ResourceGroups:
    """Create, read, update, list and delete resource groups."""

    def __init__(self, cloud: "Cloud") -> None:
        self.cloud = cloud

    def find(self, ctx: "Ctx", name: str) -> ResourceGroup | None:
        """The resource group ``name`` (also while it is being deleted), or ``None``. One
        whose deletion has ended is gone (and removed, in a write)."""
        doc = ctx.tx.get_rg(name.lower())
        if doc is None:
            return None
        rg = ResourceGroup(doc, self.cloud.sub)
        if rg.deleting and rg.deleting_until <= ctx.now:
            if ctx.write:
                ctx.tx.delete_rg(rg.key)
            return None
        return rg

    def require(self, ctx: "Ctx", name: str, for_write: bool = False) -> ResourceGroup:
        """The resource group ``name``; ResourceGroupNotFound when there is none, and
        ResourceGroupBeingDeleted when ``for_write`` and its deletion runs."""
        rg = self.find(ctx, name)
        if rg is None:
            raise ResourceGroupNotFound(name)
        if for_write and rg.deleting:
            raise ResourceGroupBeingDeleted(f"The resource group '{rg.name}' is in deprovisioning "
                                            f"state and cannot perform this operation.")
        return rg

    def create_or_update(self, ctx: "Ctx", name: str, body: dict) -> tuple[ResourceGroup, bool]:
        """Create or update a resource group; returns it and whether it is new."""
        V.check_rg_name(name)
        loc = V.canonical_location(body.get("location"), "resourceGroups")
        tags = V.check_tags(body.get("tags")) if "tags" in body else None
        _check_managed_by(body)
        existing = self.find(ctx, name)
        if existing is not None:
            if existing.deleting:
                self.require(ctx, name, for_write=True)
            if existing.location != loc:
                raise InvalidResourceGroupLocation(
                    f"Invalid resource group location '{body.get('location')}'. The Resource "
                    f"group already exists in location '{existing.location}'.")
            doc = {"name": existing.name, "location": loc, "tags": tags,
                   "managedBy": body.get("managedBy", existing.managed_by)}
        else:
            doc = {"name": name, "location": loc, "tags": tags, "managedBy": body.get("managedBy")}
        ctx.tx.put_rg(name.lower(), doc)
        return ResourceGroup(doc, self.cloud.sub), existing is None

    def update(self, ctx: "Ctx", name: str, body: dict) -> ResourceGroup:
        """Update a resource group's tags or managedBy."""
        rg = self.require(ctx, name, for_write=True)
        if "tags" in body:
            rg.tags = V.check_tags(body["tags"])
        if "managedBy" in body:
            rg.managed_by = _check_managed_by(body)
        ctx.tx.put_rg(name.lower(), rg.doc)
        return rg

    def list(self, ctx: "Ctx", after: str | None,
             limit: int) -> tuple[list[ResourceGroup], str | None]:
        """One page of resource groups keyed after ``after``, and the next page's key."""
        rgs = [ResourceGroup(d, self.cloud.sub) for d in ctx.tx.list_rgs()]
        rgs = [r for r in rgs if (not r.deleting or r.deleting_until > ctx.now)
               and (after is None or r.key > after)]
        page = rgs[:limit]
        return page, (page[-1].key if len(rgs) > limit else None)

    def delete(self, ctx: "Ctx", name: str) -> str:
        """Start deleting a resource group (and at once what it holds); returns a job token."""
        rg = self.require(ctx, name)
        for key in ctx.tx.cg_keys_in_rg(rg.key):
            doc = ctx.tx.get_cg(key)
            if group_problem(doc) is None:  # a damaged record has no run to end
                self.cloud.container_groups.end_run(ctx, ContainerGroup(key, doc))
            ctx.tx.delete_cg(key)
        ctx.tx.delete_profiles(rg_key=rg.key)
        if not rg.deleting:
            ctx.tx.put_rg(rg.key, rg.doc, deleting_until=ctx.now + A.RG_DELETE_SECONDS)
        job = {"jobId": f"{_JOB_PREFIX}{rg.name.upper()}-{rg.location.upper()}",
               "jobLocation": rg.location}
        return base64.urlsafe_b64encode(json.dumps(job, separators=(",", ":")).encode()) \
            .decode().rstrip("=")

    def deletion_running(self, ctx: "Ctx", token: str) -> bool:
        """True while the deletion named by ``token`` is still running."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            job = json.loads(raw)["jobId"]
            if not isinstance(job, str):
                raise TypeError("jobId is not a string")
        except Exception as exc:
            raise OperationResultNotFound(f"The operation result '{token}' was not "
                                          f"found.") from exc
        rest = job[len(_JOB_PREFIX):] if job.startswith(_JOB_PREFIX) else ""
        for doc in ctx.tx.list_rgs():
            rg = ResourceGroup(doc, self.cloud.sub)
            if rest.startswith(rg.name.upper() + "-") and rg.deleting \
                    and rg.deleting_until > ctx.now:
                return True
        return False

    def resources(self, ctx: "Ctx", name: str, after: str | None,
                  limit: int) -> tuple[list[dict], str | None]:
        """One page of a resource group's resources (its container groups) and the next key."""
        rg = self.require(ctx, name)
        docs = ctx.tx.list_cg(rg.key, after, limit + 1)
        out = []
        for d in docs[:limit]:
            if group_problem(d) is not None:
                # Still listed (untagged): cleanup must not think the resource group is empty.
                cg_name = d["_key"].partition("/")[2]
                out.append({"id": group_id(self.cloud.sub, rg.name, cg_name), "name": cg_name,
                            "type": CG_TYPE})
                continue
            group = ContainerGroup(d["_key"], d)
            item = {"id": group_id(self.cloud.sub, group.rg, group.name), "name": group.name,
                    "type": CG_TYPE, "location": group.location}
            if group.identity is not None:
                item["identity"] = group.identity
            if group.tags is not None:
                item["tags"] = group.tags
            out.append(item)
        return out, (docs[limit - 1]["_key"] if len(docs) > limit else None)


def _check_managed_by(body: dict) -> str | None:
    """``managedBy`` is a string (a resource id) or absent; anything else cannot deserialize."""
    value = body.get("managedBy")
    if value is not None and not isinstance(value, str):
        raise InvalidRequestContent(f"Path 'managedBy': expected a string (the id of the "
                                    f"resource that manages the group), got "
                                    f"{type(value).__name__}")
    return value
