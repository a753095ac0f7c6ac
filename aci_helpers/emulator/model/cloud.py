"""The domain model: resource groups, container groups, containers, async operations,
quota and usages. Wire handlers call these methods inside one store transaction; a raised
:class:`~aci_helpers.emulator.errors.ArmError` rolls the transaction back, so a refused
request changes nothing."""

from __future__ import annotations

import base64
import copy
import importlib
import json
from dataclasses import dataclass
from typing import Any

from .. import assumptions as A
from ..errors import (ContainerGroupNotFound, ContainerGroupStopped, ContainerNotFound,
                      DnsNameLabelNotAvailable, InaccessibleImage, InvalidRequestContent,
                      InvalidResourceGroupLocation, InvalidResourceLocation, InvalidUpdate,
                      NotImplementedOperation, OperationNotFound, OperationResultNotFound,
                      QuotaReached, ResourceGroupBeingDeleted, ResourceGroupNotFound)
from ..store import Tx
from . import lifecycle as L
from . import priority, registration, registries, shares
from . import validation as V
from . import versions
from .programs import Programs, servers_of
from .stored import as_damaged_op, damaged_group, group_problem, op_problem, usable
from .util import det_uuid, iso_7, new_id, public_ip
from .views import group_id, public_group

RG_TYPE = "Microsoft.Resources/resourceGroups"


@dataclass
class Ctx:
    """One request's view of the cloud: its transaction and the time it happens at."""

    tx: Tx
    now: float
    write: bool
    api: str = "2023-05-01"        # the request's api-version: the view answers are shaped by


class Cloud:
    """Business rules over the store. Holds caches of runtime objects (never state)."""

    def __init__(self, sub: str, seed: int, quota_cores: float, catalog: Any) -> None:
        self.sub = sub
        self.seed = seed
        self.quota_cores = quota_cores
        self._progs = Programs(catalog)

    # ------------------------------------------------------------------ runtime adapter
    def warm(self) -> None:
        """Load what a first write needs (the runtime package, its image catalog) before
        the write lock is taken: done inside it, a process's first PUT held the lock of
        every kernel for ~120 ms (imports), later ones ~1 ms."""
        if self._progs.warm():
            importlib.import_module(__package__ + ".schema")    # validation's, imported late

    def resolve(self, image: str, servers: tuple[str, ...]) -> Any:
        """The runtime's image info for ``image`` given these registry servers (cached)."""
        return self._progs.resolve(image, servers)

    def programs(self, key: str, doc: dict) -> tuple[dict, dict]:
        """Per-container Program and pull reference, cached per spec revision and run."""
        return self._progs.of(key, doc)

    def _end_run(self, ctx: Ctx, key: str, doc: dict) -> None:
        """The group's current run ends now: its writes land in the Azure Files shares."""
        if doc.get("stopped_at") is None and shares.mounted(doc["properties"]):
            progs, _ = self.programs(key, doc)
            shares.commit(ctx.tx, key, doc, progs, ctx.now)

    def _new_run(self, ctx: Ctx, key: str, doc: dict, kind: str, ip: str | None) -> None:
        """Start a run now; its containers see the group's shares as they are now."""
        run: dict = {"start": ctx.now, "kind": kind, "ip": ip, "end": None}
        seen = shares.snapshot(ctx.tx, self.programs, doc["properties"], ctx.now, key)
        if seen:
            run["shares"] = seen
        doc["runs"].append(run)

    # ------------------------------------------------------------------ resource groups
    def _rg(self, ctx: Ctx, name: str) -> dict | None:
        doc = ctx.tx.get_rg(name.lower())
        if doc is None:
            return None
        until = doc.get("_deleting_until")
        if until is not None and until <= ctx.now:
            if ctx.write:
                ctx.tx.delete_rg(name.lower())
            return None
        return doc

    def _rg_required(self, ctx: Ctx, name: str, for_write: bool = False) -> dict:
        doc = self._rg(ctx, name)
        if doc is None:
            raise ResourceGroupNotFound(name)
        if for_write and doc.get("_deleting_until") is not None:
            raise ResourceGroupBeingDeleted(f"The resource group '{doc['name']}' is in "
                                            f"deprovisioning state and cannot perform this "
                                            f"operation.")
        return doc

    def rg_wire(self, doc: dict) -> dict:
        """A resource group as ARM sends it (``Deleting`` while its deletion runs)."""
        out = {"id": f"/subscriptions/{self.sub}/resourceGroups/{doc['name']}",
               "name": doc["name"], "type": RG_TYPE, "location": doc["location"]}
        if doc.get("managedBy"):
            out["managedBy"] = doc["managedBy"]
        if doc.get("tags") is not None:
            out["tags"] = doc["tags"]
        deleting = doc.get("_deleting_until") is not None
        out["properties"] = {"provisioningState": "Deleting" if deleting else "Succeeded"}
        return out

    def rg_put(self, ctx: Ctx, name: str, body: dict) -> tuple[bool, dict]:
        """Create or update a resource group; returns (created, wire body)."""
        V.check_rg_name(name)
        loc = V.canonical_location(body.get("location"), "resourceGroups")
        tags = V.check_tags(body.get("tags")) if "tags" in body else None
        _check_managed_by(body)
        existing = self._rg(ctx, name)
        if existing is not None:
            if existing.get("_deleting_until") is not None:
                self._rg_required(ctx, name, for_write=True)
            if existing["location"] != loc:
                raise InvalidResourceGroupLocation(
                    f"Invalid resource group location '{body.get('location')}'. The Resource "
                    f"group already exists in location '{existing['location']}'.")
            doc = {"name": existing["name"], "location": loc, "tags": tags,
                   "managedBy": body.get("managedBy", existing.get("managedBy"))}
        else:
            doc = {"name": name, "location": loc, "tags": tags, "managedBy": body.get("managedBy")}
        ctx.tx.put_rg(name.lower(), doc)
        return existing is None, self.rg_wire(doc)

    def rg_get(self, ctx: Ctx, name: str) -> dict:
        """A resource group's wire body; ResourceGroupNotFound when there is none."""
        return self.rg_wire(self._rg_required(ctx, name))

    def rg_exists(self, ctx: Ctx, name: str) -> bool:
        """True when the resource group exists (also while it is being deleted)."""
        return self._rg(ctx, name) is not None

    def rg_patch(self, ctx: Ctx, name: str, body: dict) -> dict:
        """Update a resource group's tags or managedBy; returns its wire body."""
        doc = self._rg_required(ctx, name, for_write=True)
        if "tags" in body:
            doc["tags"] = V.check_tags(body["tags"])
        if "managedBy" in body:
            doc["managedBy"] = _check_managed_by(body)
        ctx.tx.put_rg(name.lower(), doc)
        return self.rg_wire(doc)

    def rg_list(self, ctx: Ctx, after: str | None, limit: int) -> tuple[list[dict], str | None]:
        """One page of resource groups keyed after ``after``; returns (wire bodies, next key)."""
        docs = [d for d in ctx.tx.list_rgs()
                if d.get("_deleting_until") is None or d["_deleting_until"] > ctx.now]
        docs = [d for d in docs if after is None or d["name"].lower() > after]
        page = docs[:limit]
        nxt = page[-1]["name"].lower() if len(docs) > limit else None
        return [self.rg_wire(d) for d in page], nxt

    def rg_delete(self, ctx: Ctx, name: str) -> str:
        """Start deleting a resource group (and at once what it holds); returns a job token."""
        doc = self._rg_required(ctx, name)
        rg_key = name.lower()
        for key in ctx.tx.cg_keys_in_rg(rg_key):
            doc_cg = ctx.tx.get_cg(key)
            if group_problem(doc_cg) is None:  # a damaged record has no run to end
                self._end_run(ctx, key, doc_cg)
            ctx.tx.delete_cg(key)
        if doc.get("_deleting_until") is None:
            ctx.tx.put_rg(rg_key, doc, deleting_until=ctx.now + A.RG_DELETE_SECONDS)
        job = {"jobId": f"RESOURCEGROUPDELETIONJOB-{doc['name'].upper()}-"
                        f"{doc['location'].upper()}", "jobLocation": doc["location"]}
        return base64.urlsafe_b64encode(json.dumps(job, separators=(",", ":")).encode()) \
            .decode().rstrip("=")

    def rg_delete_status(self, ctx: Ctx, token: str) -> bool:
        """True while the deletion named by ``token`` is still running."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            job = json.loads(raw)["jobId"]
            if not isinstance(job, str):
                raise TypeError("jobId is not a string")
        except Exception as exc:
            raise OperationResultNotFound(f"The operation result '{token}' was not "
                                          f"found.") from exc
        prefix = "RESOURCEGROUPDELETIONJOB-"
        rest = job[len(prefix):] if job.startswith(prefix) else ""
        for doc in ctx.tx.list_rgs():
            if rest.startswith(doc["name"].upper() + "-"):
                until = doc.get("_deleting_until")
                if until is not None and until > ctx.now:
                    return True
        return False

    def rg_resources(self, ctx: Ctx, name: str, after: str | None,
                     limit: int) -> tuple[list[dict], str | None]:
        """One page of a resource group's resources (its container groups) and the next key."""
        rg = self._rg_required(ctx, name)
        docs = ctx.tx.list_cg(rg["name"].lower(), after, limit + 1)
        out = []
        for d in docs[:limit]:
            if group_problem(d) is not None:
                # Still listed (untagged): cleanup must not think the resource group is empty.
                name = _key(d).partition("/")[2]
                out.append({"id": group_id(self.sub, rg["name"], name), "name": name,
                            "type": "Microsoft.ContainerInstance/containerGroups"})
                continue
            item = {"id": group_id(self.sub, d["rg"], d["name"]), "name": d["name"],
                    "type": "Microsoft.ContainerInstance/containerGroups",
                    "location": d["location"]}
            if "identity" in d:
                item["identity"] = d["identity"]
            if "tags" in d:
                item["tags"] = d["tags"]
            out.append(item)
        nxt = _key(docs[limit - 1]) if len(docs) > limit else None
        return out, nxt

    # ------------------------------------------------------------------ container groups
    def _cg(self, ctx: Ctx, rg: str, name: str) -> tuple[str, dict]:
        rgdoc = self._rg_required(ctx, rg)
        key = f"{rgdoc['name'].lower()}/{name.lower()}"
        doc = ctx.tx.get_cg(key)
        if doc is None:
            raise ContainerGroupNotFound(name, rgdoc["name"])
        problem = group_problem(doc)
        if problem is not None:
            raise damaged_group(ctx.tx.path, key, problem)
        return key, doc

    def _wire(self, ctx: Ctx, key: str, doc: dict, with_view: bool = True) -> dict:
        t = ctx.now
        prov = L.provisioning_state(doc, t)
        if not with_view:
            body = public_group(doc, self.sub, None, False, prov, L.current_ip(doc, t))
        else:
            progs, refs = self.programs(key, doc)
            view = L.evaluate(doc, t, progs, refs, key)
            body = public_group(doc, self.sub, view, True, prov, view.ip)
        return self._as_version(doc, body, ctx.api)

    @staticmethod
    def _as_version(doc: dict, body: dict, reader: str) -> dict:
        """``body`` as api-version ``reader`` shows it (one model, a view per version)."""
        if doc.get("restart_default") and not versions.api(reader).echoes_default_restart_policy:
            body["properties"].pop("restartPolicy", None)
        if versions.covers(reader, doc.get("api", "2023-05-01")):
            return body
        return versions.shape(body, reader)

    def _save(self, ctx: Ctx, key: str, doc: dict) -> None:
        progs, _ = self.programs(key, doc)
        settle = L.settle_time(doc, progs)
        props = doc["properties"]
        cores = sum(c["properties"]["resources"]["requests"]["cpu"] for c in props["containers"])
        label = (props.get("ipAddress") or {}).get("dnsNameLabel")
        active = doc.get("stopped_at") is None or A.STOPPED_GROUPS_USE_QUOTA
        ctx.tx.put_cg(key, doc["rg"].lower(), doc, settle_at=settle, cores=cores,
                      dns_key=f"{doc['location']}/{label}" if label else None, active=active,
                      version=ctx.tx.next_seq())

    def _check_images(self, ctx: Ctx, props: dict, group: str, identity: Any) -> dict[str, str]:
        """Refuse what cannot be pulled; return the pulls from emulated registries."""
        rt = self._progs.runtime()
        registries.check_credentials(props, identity, group)
        pulls = registries.resolve_pulls(ctx.tx, props, group)
        servers = servers_of(props)
        for c in props["containers"] + props["initContainers"]:
            image = c["properties"]["image"]
            if image in pulls:
                continue
            try:
                self.resolve(image, servers)
            except (rt.ImageNotFound, rt.RegistryCredentialsRequired) as exc:
                raise InaccessibleImage(image, group) from exc
        return pulls

    def _check_quota(self, ctx: Ctx, key: str, location: str, cores: float) -> None:
        used = ctx.tx.cores_in_use(location, key)
        if used + cores > self.quota_cores:
            raise QuotaReached(location, self.quota_cores, used, cores)

    def _new_op(self, ctx: Ctx, key: str, doc: dict, kind: str, done_at: float,
                pending: str) -> str:
        op_id = new_id(ctx.tx, self.seed, "operation")
        ctx.tx.put_op(op_id, {"key": key, "id": group_id(self.sub, doc["rg"], doc["name"]),
                              "location": doc["location"], "start": ctx.now, "kind": kind,
                              "done_at": done_at, "pending": pending,
                              "run": len(doc["runs"]) - 1})
        return op_id

    def _ip_for(self, ctx: Ctx, key: str, props: dict) -> str | None:
        ip = props.get("ipAddress")
        if not ip:
            return None
        n = ctx.tx.next_seq()
        if ip["type"] == "Private":
            h = det_uuid(self.seed, "private-ip", key, n)
            return f"10.0.{int(h[:2], 16)}.{max(4, int(h[2:4], 16) % 255)}"
        return public_ip(self.seed, key, n)

    def cg_put(self, ctx: Ctx, rg: str, name: str, body: Any) -> tuple[bool, dict, str, str]:
        """Create or update; returns (created, body, operation id, location)."""
        rgdoc = self._rg_required(ctx, rg, for_write=True)
        V.check_group_name(name)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        body = V.conform_container_group(body, ctx.api)
        location = V.canonical_location(body.get("location"), "containerGroups")
        props = V.normalize_properties(body.get("properties"), name)
        V.check_region_maximum(props, location, name)
        tags = V.check_tags(body.get("tags")) if body.get("tags") is not None else None
        priority.check(props, location, name, body.get("zones"))
        pulls = self._check_images(ctx, props, name, body.get("identity"))
        key = f"{rgdoc['name'].lower()}/{name.lower()}"
        old = ctx.tx.get_cg(key)
        if old is not None and group_problem(old) is not None:
            old = None  # a damaged record is replaced by the new group
        if old is not None:
            if old["location"] != location:
                raise InvalidResourceLocation(
                    f"The resource '{name}' already exists in location '{old['location']}' in "
                    f"resource group '{rgdoc['name']}'. A resource with the same name cannot be "
                    f"created in location '{location}'. Please select a new resource name.")
            if V.immutable_signature(old["properties"]) != V.immutable_signature(props):
                raise InvalidUpdate(old["name"])
        label = (props.get("ipAddress") or {}).get("dnsNameLabel")
        if label:
            owner = ctx.tx.dns_owner(f"{location}/{label}")
            if owner is not None and owner != key:
                raise DnsNameLabelNotAvailable(f"The DNS name label '{label}' in container "
                                               f"group '{name}' not available. Try using a "
                                               f"different label.")
        cores = sum(c["properties"]["resources"]["requests"]["cpu"] for c in props["containers"])
        if old is None or old.get("stopped_at") is None or A.STOPPED_GROUPS_USE_QUOTA:
            self._check_quota(ctx, key, location, cores)
        if old is None:
            doc: dict = {"name": name, "rg": rgdoc["name"], "location": location,
                         "properties": props, "runs": [], "stopped_at": None,
                         "seed": int(det_uuid(self.seed, "launch", key)[:8], 16),
                         "rev": ctx.tx.next_seq()}
            self._new_run(ctx, key, doc, "create", self._ip_for(ctx, key, props))
            done = ctx.now + A.PULLED_AFTER
        else:
            doc = copy.deepcopy({k: v for k, v in old.items() if not k.startswith("_")})
            same = _containers_sig(old["properties"]) == _containers_sig(props)
            doc["properties"] = props
            if same and A.UPDATE_SAME_SPEC_KEEPS_RUN and old.get("stopped_at") is None:
                done = ctx.now
            else:
                self._end_run(ctx, key, old)
                doc["rev"] = ctx.tx.next_seq()
                if doc["runs"][-1]["end"] is None:
                    doc["runs"][-1]["end"] = ctx.now
                ip = doc["runs"][-1].get("ip") if old.get("stopped_at") is None else None
                if props.get("ipAddress") is None:
                    ip = None
                elif ip is None:
                    ip = self._ip_for(ctx, key, props)
                self._new_run(ctx, key, doc, "update", ip)
                doc["stopped_at"] = None
                done = ctx.now + A.PULLED_AFTER
        doc.pop("pulls", None)
        if pulls:
            doc["pulls"] = pulls
        doc["api"] = ctx.api
        # Behaviour is Always either way; whether the answer shows it depends on the version.
        doc["restart_default"] = (body.get("properties") or {}).get("restartPolicy") is None
        doc.pop("tags", None)
        if tags is not None:
            doc["tags"] = tags
        for extra in ("identity", "zones"):
            doc.pop(extra, None)
            if body.get(extra) is not None:
                doc[extra] = self._identity(key, body[extra]) if extra == "identity" \
                    else body[extra]
        op = self._new_op(ctx, key, doc, "create", done, "Pending")
        self._save(ctx, key, doc)
        return old is None, self._wire(ctx, key, doc), op, location

    def _identity(self, key: str, ident: Any) -> dict:
        if not isinstance(ident, dict):
            raise InvalidRequestContent("'identity' must be an object")
        out: dict = {}
        raw = ident.get("type")
        if raw is None:
            raise InvalidRequestContent("Required property 'type' not found in 'identity'")
        kind = next((k for k in A.IDENTITY_TYPES
                     if k.replace(" ", "").lower() == raw.replace(" ", "").lower()), None)
        if kind is None:
            raise InvalidRequestContent(f"Path 'identity.type': '{raw[:80]}' is not one of "
                                        f"{', '.join(repr(k) for k in A.IDENTITY_TYPES)}")
        uai = None
        if ident.get("userAssignedIdentities") and "UserAssigned" in kind:
            uai = {rid: {"principalId": det_uuid(self.seed, "uai-p", rid),
                         "clientId": det_uuid(self.seed, "uai-c", rid)}
                   for rid in ident["userAssignedIdentities"]}
        if "SystemAssigned" in kind:
            out["principalId"] = det_uuid(self.seed, "principal", key)
        elif uai is not None:
            # The recorded UserAssigned answer: userAssignedIdentities, tenantId, type.
            out["userAssignedIdentities"] = uai
        if kind != "None":
            out["tenantId"] = A.TENANT_ID
        out["type"] = kind
        if uai is not None and "SystemAssigned" in kind:
            out["userAssignedIdentities"] = uai
        return out

    def cg_get(self, ctx: Ctx, rg: str, name: str) -> dict:
        """A container group's wire body, with its instance view."""
        key, doc = self._cg(ctx, rg, name)
        return self._wire(ctx, key, doc)

    def cg_list(self, ctx: Ctx, rg: str | None, after: str | None,
                limit: int) -> tuple[list[dict], str | None]:
        """One page of container groups (of ``rg``, or all), without instance views; next key."""
        rg_key = None
        if rg is not None:
            rg_key = self._rg_required(ctx, rg)["name"].lower()
        docs = ctx.tx.list_cg(rg_key, after, limit + 1)
        page = [self._wire(ctx, _key(d), d, with_view=False) for d in usable(docs[:limit])]
        nxt = _key(docs[limit - 1]) if len(docs) > limit else None
        return page, nxt

    def cg_patch(self, ctx: Ctx, rg: str, name: str, body: Any) -> dict:
        """Update a container group's tags; returns its wire body."""
        key, old = self._cg(ctx, rg, name)
        self._rg_required(ctx, rg, for_write=True)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        doc = copy.deepcopy({k: v for k, v in old.items() if not k.startswith("_")})
        if "tags" in body:
            doc["tags"] = V.check_tags(body["tags"])
        self._save(ctx, key, doc)
        return self._wire(ctx, key, doc)

    def cg_delete(self, ctx: Ctx, rg: str, name: str) -> dict | None:
        """Delete a container group; returns its last wire body, or ``None`` if there was none."""
        rgdoc = self._rg_required(ctx, rg)
        key = f"{rgdoc['name'].lower()}/{name.lower()}"
        doc = ctx.tx.get_cg(key)
        if doc is None:
            return None
        if group_problem(doc) is not None:  # damaged: it can still be deleted
            body = {"id": group_id(self.sub, rgdoc["name"], name), "name": name,
                    "type": "Microsoft.ContainerInstance/containerGroups"}
        else:
            body = self._wire(ctx, key, doc)
            self._end_run(ctx, key, doc)
        ctx.tx.delete_cg(key)
        return body

    def cg_stop(self, ctx: Ctx, rg: str, name: str) -> None:
        """Stop a container group, ending its current run; nothing if it is already stopped."""
        key, old = self._cg(ctx, rg, name)
        if old.get("stopped_at") is not None:
            return
        self._end_run(ctx, key, old)
        doc = copy.deepcopy({k: v for k, v in old.items() if not k.startswith("_")})
        doc["stopped_at"] = ctx.now
        doc["runs"][-1]["end"] = ctx.now
        self._save(ctx, key, doc)

    def cg_start(self, ctx: Ctx, rg: str, name: str) -> tuple[str, str]:
        """Start a stopped group in a new run; returns (operation id, location).

        A group already running is left alone; its operation succeeds at once."""
        key, old = self._cg(ctx, rg, name)
        doc = copy.deepcopy({k: v for k, v in old.items() if not k.startswith("_")})
        if old.get("stopped_at") is None:
            op = self._new_op(ctx, key, doc, "start", ctx.now, "Pending")
            return op, doc["location"]
        props = doc["properties"]
        cores = sum(c["properties"]["resources"]["requests"]["cpu"] for c in props["containers"])
        if not A.STOPPED_GROUPS_USE_QUOTA:
            self._check_quota(ctx, key, doc["location"], cores)
        doc["stopped_at"] = None
        ip = self._ip_for(ctx, key, props) if A.STOP_RELEASES_IP else doc["runs"][-1].get("ip")
        self._new_run(ctx, key, doc, "start", ip)
        op = self._new_op(ctx, key, doc, "start", ctx.now + A.PULLED_AFTER, "Pending")
        self._save(ctx, key, doc)
        return op, doc["location"]

    def cg_restart(self, ctx: Ctx, rg: str, name: str) -> tuple[str, str]:
        """Restart a running group in a new run; returns (operation id, location)."""
        key, old = self._cg(ctx, rg, name)
        if old.get("stopped_at") is not None:
            raise ContainerGroupStopped(f"Container Group '{old['name']}' in resource group "
                                        f"'{old['rg']}' is stopped. Start it with the 'start' "
                                        f"operation instead of 'restart'.")
        self._end_run(ctx, key, old)
        doc = copy.deepcopy({k: v for k, v in old.items() if not k.startswith("_")})
        doc["runs"][-1]["end"] = ctx.now
        ip = doc["runs"][-1].get("ip") if A.RESTART_KEEPS_IP else \
            self._ip_for(ctx, key, doc["properties"])
        self._new_run(ctx, key, doc, "restart", ip)
        op = self._new_op(ctx, key, doc, "restart", ctx.now + A.PULLED_AFTER, "Updating")
        self._save(ctx, key, doc)
        return op, doc["location"]

    def cg_outbound(self, ctx: Ctx, rg: str, name: str) -> list:
        """A group's outbound network dependency endpoints: none (the group must exist)."""
        self._cg(ctx, rg, name)
        return []

    # ------------------------------------------------------------------ containers
    def _container(self, ctx: Ctx, rg: str, name: str, container: str) -> tuple[str, dict]:
        key, doc = self._cg(ctx, rg, name)
        if container not in {c["name"] for c in doc["properties"]["containers"]}:
            raise ContainerNotFound(f"The container '{container}' is not found in container "
                                    f"group '{doc['name']}'.")
        return key, doc

    def logs(self, ctx: Ctx, rg: str, name: str, container: str, tail: int | None,
             timestamps: bool) -> str:
        """The log of a container's current attempt, cut to ``tail`` and ARM's caps."""
        key, doc = self._container(ctx, rg, name, container)
        if doc.get("stopped_at") is not None:
            return A.STOPPED_LOGS_CONTENT
        progs, refs = self.programs(key, doc)
        view = L.evaluate(doc, ctx.now, progs, refs, key)
        cr = view.runs.get(container)
        if cr is None or cr.attempt_start is None:
            return ""
        s = cr.attempt_start
        end = cr.attempt_end if cr.attempt_end is not None else ctx.now
        running = cr.phase == "running"
        cap_lines = None if running else A.LOG_LIMIT_STOPPED_LINES
        want = tail if tail is not None else cap_lines
        if want is not None and cap_lines is not None:
            want = min(want, cap_lines)
        if want is None:
            want = 200_000  # bounded: the 4 MB byte cap below cuts long logs anyway
        prog = progs[container]
        # A finished attempt is read up to its exact exit time: ``end - s`` on epoch floats
        # can fall a hair short and drop the lines printed at the exit instant.
        until = prog.exit_after if cr.attempt_end is not None else max(0.0, end - s)
        hidden = 0
        if prog.costly and want > A.LOG_SIMULATED_LINES_LIMIT:
            # Each line is simulated: bounded work, and the answer says what was left out.
            printed = prog.line_count(until)
            hidden = min(printed, tail if tail is not None else printed) \
                - A.LOG_SIMULATED_LINES_LIMIT
            want = A.LOG_SIMULATED_LINES_LIMIT
        lines = prog.output(until, tail=want)
        limit = A.LOG_LIMIT_RUNNING_BYTES if running else A.LOG_LIMIT_STOPPED_BYTES
        from .util import iso_nano  # noqa: PLC0415
        rendered = [(iso_nano(s + lt) + " " + txt if timestamps else txt) + "\n"
                    for lt, txt in lines]
        total = 0
        keep = []
        for line in reversed(rendered):
            total += len(line.encode())
            if total > limit:
                break
            keep.append(line)
        if hidden > 0:
            keep.append(A.LOG_SIMULATED_LINES_NOTE.format(hidden=hidden) + "\n")
        return "".join(reversed(keep))

    def exec_or_attach(self, ctx: Ctx, rg: str, name: str, container: str, what: str) -> None:
        """Raise NotImplementedOperation for ``what``, once the container is found."""
        self._container(ctx, rg, name, container)
        raise NotImplementedOperation(what)

    # ------------------------------------------------------------------ async operations
    def operation(self, ctx: Ctx, location: str, op_id: str) -> dict:
        """The status of async operation ``op_id`` in ``location``, with its events."""
        op = ctx.tx.get_op(op_id.lower())
        problem = None if op is None else op_problem(op)
        if problem is not None:
            raise as_damaged_op(ctx.tx.path, op_id, problem)
        if op is None or op["location"] != location.lower():
            raise OperationNotFound(f"The operation '{op_id}' was not found in location "
                                    f"'{location}'.")
        done = ctx.now >= op["done_at"]
        status = "Succeeded" if done else op["pending"]
        events: list = []
        doc = ctx.tx.get_cg(op["key"])
        if doc is not None and group_problem(doc) is None and op["run"] < len(doc["runs"]):
            progs, refs = self.programs(op["key"], doc)
            events = L.op_events(doc, min(ctx.now, op["done_at"]), progs, refs, op["key"],
                                 op["run"])
        return {"id": op["id"], "status": status, "startTime": iso_7(op["start"]),
                "properties": {"events": events}}

    # ------------------------------------------------------------------ provider registration
    def provider(self, ctx: Ctx, namespace: str) -> dict:
        """The subscription's registration of ``namespace`` (Providers_Get)."""
        return registration.get(self.sub, ctx.tx, namespace, A.LOCATIONS)

    def provider_register(self, ctx: Ctx, namespace: str, registered: bool) -> dict:
        """Register (or unregister) the subscription for ``namespace``."""
        return registration.set_registered(self.sub, ctx.tx, namespace, registered, A.LOCATIONS)

    def require_registered(self, ctx: Ctx) -> None:
        """Refuse a Microsoft.ContainerInstance request while the namespace is unregistered."""
        registration.require_registered(self.sub, ctx.tx)

    # ------------------------------------------------------------------ location data
    def usages(self, ctx: Ctx, location: str) -> list[dict]:
        """A region's usage rows (container groups, cores) and their limits."""
        loc = V.canonical_location(location, "locations/usages")
        cores = ctx.tx.cores_in_use(loc, None)
        groups = ctx.tx.count_groups(loc)
        base = f"/subscriptions/{self.sub}/providers/Microsoft.ContainerInstance/locations/{loc}"
        rows = [("ContainerGroups", "Container Groups", groups, A.CONTAINER_GROUPS_LIMIT),
                ("StandardCores", "Standard Cores", cores, self.quota_cores),
                ("StandardK80Cores", "Standard K80 Cores", 0, 0),
                ("StandardP100Cores", "Standard P100 Cores", 0, 0),
                ("StandardV100Cores", "Standard V100 Cores", 0, 0)]
        return [{"id": f"{base}/usages/{n}", "unit": "Count", "currentValue": _intish(cur),
                 "limit": _intish(lim), "name": {"value": n, "localizedValue": disp}}
                for n, disp, cur, lim in rows]


def _check_managed_by(body: dict) -> str | None:
    """``managedBy`` is a string (a resource id) or absent; anything else cannot deserialize."""
    value = body.get("managedBy")
    if value is not None and not isinstance(value, str):
        raise InvalidRequestContent(f"Path 'managedBy': expected a string (the id of the resource "
                                    f"that manages the group), got {type(value).__name__}")
    return value


def _intish(x: float) -> int:
    # Usage.currentValue/limit are int32 in the spec: fractional cores round up.
    import math  # noqa: PLC0415
    return int(math.ceil(x))


def _key(doc: dict) -> str:
    if "_key" in doc:  # read from the store (a damaged document may lack rg and name)
        return doc["_key"]
    return f"{doc['rg'].lower()}/{doc['name'].lower()}"


def _containers_sig(props: dict) -> str:
    p = {k: v for k, v in props.items()}
    return json.dumps(p, sort_keys=True)
