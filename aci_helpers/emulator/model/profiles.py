"""Container group profiles (api-version 2024-05-01-preview and later): a named template of a
container group's properties, kept as numbered revisions, that a container group (a standby
pool's, as recorded) is made from.

As the Azure CLI's recordings show (``ev:pub-profile``): a PUT answers 201 with revision 1,
a later PUT with other properties 200 with the next revision, and every revision stays
readable (``/revisions/{n}``); the answers carry what the request sent (secret values blanked,
as a group's) and the revision, with no provisioningState, no instance view and no
Azure-AsyncOperation: nothing runs. DELETE answers 200 with no body.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .. import assumptions as A
from ..errors import (ContainerGroupProfileNotFound, ContainerGroupProfileRevisionNotFound,
                      InvalidRequestContent, InvalidResourceLocation, SecurityContextNotSupported)
from . import validation as V
from .views import public_member

if TYPE_CHECKING:  # pragma: no cover
    from .cloud import Cloud, Ctx

PROFILE_TYPE = "Microsoft.ContainerInstance/containerGroupProfiles"
#: The properties a profile holds (ContainerGroupProfileProperties of 2024-05-01-preview; the
#: members 2025-09-01 adds - securityContext, shutdownGracePeriod, timeToLive, useKrypton -
#: are dropped, support matrix: simplified).
MEMBERS = ("containers", "imageRegistryCredentials", "restartPolicy", "ipAddress", "osType",
           "volumes", "diagnostics", "sku", "encryptionProperties", "initContainers",
           "extensions", "confidentialComputeProperties", "priority")


def profile_id(sub: str, rg: str, name: str) -> str:
    """The ARM resource id of a container group profile."""
    return (f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/"
            f"containerGroupProfiles/{name}")


def _check_confidential(props: dict) -> None:
    """A Confidential profile's containers may ask only for ``privileged`` (recorded:
    test_container_group_profile_create_with_confidential_sku, 400)."""
    if props.get("sku") != "Confidential":
        return
    for c in props.get("containers") or []:
        sc = (c.get("properties") or {}).get("securityContext") or {}
        if any(v not in (None, {}, []) for k, v in sc.items() if k != "privileged"):
            raise SecurityContextNotSupported(
                f"Some SecurityContext properties in container '{c.get('name')}' is not "
                f"supported. Only the \"Privileged\" flag is supported.")


class Profiles:
    """The container group profiles of one subscription."""

    def __init__(self, cloud: "Cloud") -> None:
        self.cloud = cloud

    def _find(self, ctx: "Ctx", rg: str, name: str) -> tuple[str, dict]:
        rgroup = self.cloud.resource_groups.require(ctx, rg)
        key = f"{rgroup.key}/{name.lower()}"
        doc = ctx.tx.get_profile(key)
        if doc is None or "_damaged" in doc:
            raise ContainerGroupProfileNotFound(name, rgroup.name)
        return key, doc

    def describe(self, doc: dict, revision: int | None = None) -> dict:
        """The profile's wire body at ``revision`` (default: the latest), secrets blanked."""
        n = revision or len(doc["revisions"])
        props = {k: public_member(k, v) for k, v in doc["revisions"][n - 1].items()}
        props["revision"] = n
        out = {"properties": props,
               "id": profile_id(self.cloud.sub, doc["rg"], doc["name"]),
               "name": doc["name"], "type": PROFILE_TYPE, "location": doc["location"]}
        if doc.get("zones") is not None:
            out["zones"] = doc["zones"]
        if doc.get("tags") is not None:
            out["tags"] = doc["tags"]
        return out

    def get(self, ctx: "Ctx", rg: str, name: str, revision: str | None = None) -> dict:
        """GET a profile (its latest revision) or one of its revisions."""
        _, doc = self._find(ctx, rg, name)
        if revision is None:
            return self.describe(doc)
        if not revision.isdigit() or not 1 <= int(revision) <= len(doc["revisions"]):
            raise ContainerGroupProfileRevisionNotFound(name, revision, len(doc["revisions"]))
        return self.describe(doc, int(revision))

    def revisions(self, ctx: "Ctx", rg: str, name: str) -> list[dict]:
        """Every revision of a profile, oldest first."""
        _, doc = self._find(ctx, rg, name)
        return [self.describe(doc, n) for n in range(1, len(doc["revisions"]) + 1)]

    def list(self, ctx: "Ctx", rg: str | None) -> list[dict]:
        """The profiles of ``rg`` (or of the subscription), each at its latest revision."""
        rg_key = None if rg is None else self.cloud.resource_groups.require(ctx, rg).key
        return [self.describe(d) for d in ctx.tx.list_profiles(rg_key) if "_damaged" not in d]

    def create_or_update(self, ctx: "Ctx", rg: str, name: str, body: Any) -> tuple[dict, bool]:
        """Create a profile (revision 1) or add a revision; (wire body, created). A PUT that
        sends the latest revision's properties again adds none (PROFILE_SAME_SPEC_KEEPS_REVISION)."""
        rgroup = self.cloud.resource_groups.require(ctx, rg, for_write=True)
        V.check_group_name(name)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        body = V.conform_container_group(body, ctx.api)
        location = V.canonical_location(body.get("location"), "containerGroupProfiles")
        raw = body.get("properties")
        if not isinstance(raw, dict):
            raise InvalidRequestContent("Required property 'properties' not found in JSON")
        props = {k: raw[k] for k in MEMBERS if raw.get(k) is not None}
        # the checks of a container group's properties, on a copy: the profile keeps what
        # was sent, without the defaults a group gets
        V.normalize_properties(copy.deepcopy(props), name)
        _check_confidential(props)
        tags = V.check_tags(body.get("tags")) if body.get("tags") is not None else None
        key = f"{rgroup.key}/{name.lower()}"
        old = ctx.tx.get_profile(key)
        old = None if old is None or "_damaged" in old else old
        if old is not None and old["location"] != location:
            raise InvalidResourceLocation(name, old["location"], rgroup.name, location)
        revisions = list(old["revisions"]) if old else []
        if not (revisions and A.PROFILE_SAME_SPEC_KEEPS_REVISION and revisions[-1] == props):
            revisions.append(props)
        doc = {"name": old["name"] if old else name, "rg": rgroup.name, "location": location,
               "tags": tags, "zones": body.get("zones"), "revisions": revisions}
        ctx.tx.put_profile(key, rgroup.key, doc)
        return self.describe(doc), old is None

    def update_tags(self, ctx: "Ctx", rg: str, name: str, body: Any) -> dict:
        """PATCH a profile's tags (the revision stays)."""
        rgroup = self.cloud.resource_groups.require(ctx, rg, for_write=True)
        key, doc = self._find(ctx, rg, name)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        if "tags" in body:
            doc["tags"] = V.check_tags(body["tags"])
        ctx.tx.put_profile(key, rgroup.key, doc)
        return self.describe(doc)

    def delete(self, ctx: "Ctx", rg: str, name: str) -> bool:
        """Delete a profile with all its revisions; False when there was none."""
        rgroup = self.cloud.resource_groups.require(ctx, rg)
        key = f"{rgroup.key}/{name.lower()}"
        if ctx.tx.get_profile(key) is None:
            return False
        ctx.tx.delete_profiles(key=key)
        return True

    def template(self, ctx: "Ctx", ref: Any) -> tuple[dict, dict]:
        """The properties a container group naming ``containerGroupProfile`` ``ref`` is made
        of (a deep copy of that revision, secrets included) and the reference as answers
        show it (``{"id", "revision"}``)."""
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str):
            raise InvalidRequestContent("'containerGroupProfile' needs the profile's resource "
                                        "'id' (and optionally its 'revision')")
        parts = ref["id"].strip("/").split("/")
        low = [p.lower() for p in parts]
        if len(parts) != 8 or low[0] != "subscriptions" or low[2] != "resourcegroups" \
                or low[6] != "containergroupprofiles" or parts[1] != self.cloud.sub:
            raise InvalidRequestContent(
                f"'containerGroupProfile.id' {ref['id']!r} is not the resource id of a container "
                f"group profile of this subscription: /subscriptions/{self.cloud.sub}/"
                f"resourceGroups/<group>/providers/Microsoft.ContainerInstance/"
                f"containerGroupProfiles/<name>")
        _, doc = self._find(ctx, parts[3], parts[7])
        n = ref.get("revision") or len(doc["revisions"])
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(doc["revisions"]):
            raise ContainerGroupProfileRevisionNotFound(doc["name"], n, len(doc["revisions"]))
        return (copy.deepcopy(doc["revisions"][n - 1]),
                {"id": profile_id(self.cloud.sub, doc["rg"], doc["name"]), "revision": n})
