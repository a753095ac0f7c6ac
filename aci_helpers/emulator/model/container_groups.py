"""Container groups and their async operations: the backend behind
``handlers/container_groups.py`` and the operation-status route.

A group's document keeps its spec and its runs (create, update, start, restart); states,
events and logs are evaluated from them at the request's time (:mod:`.lifecycle`). Its
containers' programs are launched when first needed (:mod:`.programs`), not at the write:
the time the group settles, which the instant clock needs, is stored by :meth:`settle`."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from .. import assumptions as A
from ..errors import (ContainerGroupNotFound, ContainerGroupStopped, DnsNameLabelNotAvailable,
                      InaccessibleImage, InvalidRequestContent, InvalidResourceLocation,
                      InvalidUpdate, OperationNotFound, QuotaReached)
from ..store import PENDING_SETTLE, Tx
from . import lifecycle as L
from . import priority, registries, shares
from . import validation as V
from . import versions
from .programs import servers_of
from .records import ContainerGroup, GroupWrite, Operation, cores_of, dns_label_of, is_spot
from .stored import as_damaged_op, damaged_group, group_problem, op_problem, usable
from .util import det_uuid, new_id, public_ip
from .profiles import MEMBERS as PROFILE_MEMBERS
from .views import group_id, public_group

if TYPE_CHECKING:
    from .cloud import Cloud, Ctx


class Unlaunched(Exception):
    """A write met a group whose programs no snapshot launched yet (not an ARM answer: the
    dispatcher launches them outside the write lock and tries the write again)."""


class ContainerGroups:
    """Create, read, update, list, delete, stop, start and restart container groups."""

    def __init__(self, cloud: "Cloud") -> None:
        self.cloud = cloud
        # The groups this process stored with their settle time pending: key -> (version,
        # group as written). A hint (:meth:`settle` finds every pending one, whoever stored
        # it) that lets the next request launch them with no transaction open.
        self._own: dict[str, tuple[int, ContainerGroup]] = {}
        self._own_lock = threading.Lock()  # filled in a write, emptied outside any

    @property
    def unsettled(self) -> bool:
        """Whether this process stored groups whose settle time is pending."""
        return bool(self._own)

    # ------------------------------------------------------------------ reading
    def find(self, ctx: "Ctx", rg: str, name: str) -> ContainerGroup:
        """The container group ``name`` of resource group ``rg``; ContainerGroupNotFound when
        there is none, a DamagedRecord when its record cannot be read."""
        rgroup = self.cloud.resource_groups.require(ctx, rg)
        key = f"{rgroup.key}/{name.lower()}"
        doc = ctx.tx.get_cg(key)
        if doc is None:
            raise ContainerGroupNotFound(name, rgroup.name)
        problem = group_problem(doc)
        if problem is not None:
            raise damaged_group(ctx.tx.path, key, problem)
        return ContainerGroup(key, doc)

    def describe(self, ctx: "Ctx", group: ContainerGroup, with_view: bool = True) -> dict:
        """The group as the request's api-version shows it at the request's time; with its
        instance view (a get) or without (a list)."""
        t, doc = ctx.now, group.doc
        prov = L.provisioning_state(doc, t)
        if not with_view:
            body = public_group(doc, self.cloud.sub, None, False, prov, L.current_ip(doc, t))
        else:
            progs, refs = self.cloud.programs(group.key, doc)
            view = L.evaluate(doc, t, progs, refs, group.key)
            body = public_group(doc, self.cloud.sub, view, True, prov, view.ip)
        version = versions.api(ctx.api)
        if group.restart_default and not version.echoes_default_restart_policy:
            body["properties"].pop("restartPolicy", None)
        version.add_service_flags(body["properties"], bool(doc.get("standby")))
        if versions.covers(ctx.api, group.api or "2023-05-01"):
            return body
        return versions.shape(body, ctx.api)

    def list(self, ctx: "Ctx", rg: str | None, after: str | None,
             limit: int) -> tuple[list[ContainerGroup], str | None]:
        """One page of container groups (of ``rg``, or all) keyed after ``after``, and the
        next page's key; damaged records are left out."""
        rg_key = None if rg is None else self.cloud.resource_groups.require(ctx, rg).key
        docs = ctx.tx.list_cg(rg_key, after, limit + 1)
        page = [ContainerGroup(d["_key"], d) for d in usable(docs[:limit])]
        return page, (docs[limit - 1]["_key"] if len(docs) > limit else None)

    def outbound_endpoints(self, ctx: "Ctx", rg: str, name: str) -> list:
        """A group's outbound network dependency endpoints: none (the group must exist)."""
        self.find(ctx, rg, name)
        return []

    # ------------------------------------------------------------------ writing
    def create_or_update(self, ctx: "Ctx", rg: str, name: str, body: Any) -> GroupWrite:
        """Create or update a container group as ``body`` asks, or refuse it unchanged."""
        rgroup = self.cloud.resource_groups.require(ctx, rg, for_write=True)
        V.check_group_name(name)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        body = V.conform_container_group(body, ctx.api)
        standby = False
        if isinstance(body.get("properties"), dict) and \
                body["properties"].get("containerGroupProfile") is not None:
            body, standby = self._from_profile(ctx, body)
        location = V.canonical_location(body.get("location"), "containerGroups")
        props = V.normalize_properties(body.get("properties"), name)
        V.check_region_maximum(props, location, name)
        tags = V.check_tags(body.get("tags")) if body.get("tags") is not None else None
        priority.check(props, location, name, body.get("zones"))
        pulls = self._check_images(ctx, props, name, body.get("identity"))
        key = f"{rgroup.key}/{name.lower()}"
        stored = ctx.tx.get_cg(key)
        old = None if stored is None or group_problem(stored) is not None \
            else ContainerGroup(key, stored)  # a damaged record is replaced by the new group
        if old is not None:
            if old.location != location:
                raise InvalidResourceLocation(name, old.location, rgroup.name, location)
            if V.immutable_signature(old.properties) != V.immutable_signature(props):
                raise InvalidUpdate(old.name)
        label = dns_label_of(props)
        if label:
            owner = ctx.tx.dns_owner(f"{location}/{label}")
            if owner is not None and owner != key:
                raise DnsNameLabelNotAvailable(f"The DNS name label '{label}' in container "
                                               f"group '{name}' not available. Try using a "
                                               f"different label.")
        if old is None or old.counts_for_quota:
            self._check_quota(ctx, location, props, key if stored else None)
        failure = self._failure(ctx, props, pulls, name, location)
        if old is None:
            group = ContainerGroup.new(key, name, rgroup.name, location, props,
                                       int(det_uuid(self.cloud.seed, "launch", key)[:8], 16),
                                       ctx.tx.next_seq())
            # a standby pool's group is running already: its containers started as it is
            # handed over, and its operation is done at once (ev:pub-outbound)
            self._new_run(ctx, group, "create", self._ip_for(ctx, key, props), failure,
                          start=ctx.now - A.STARTED_AFTER if standby else None)
            done = ctx.now if standby else ctx.now + A.STARTED_AFTER
            if standby:
                group.doc["standby"] = True
        else:
            group = old.copy()
            group.properties = props
            if _signature(old.properties) == _signature(props) and failure is None \
                    and A.UPDATE_SAME_SPEC_KEEPS_RUN and not old.stopped \
                    and not old.run.doc.get("failure"):
                done = ctx.now
            else:
                self.end_run(ctx, old)
                group.rev = ctx.tx.next_seq()
                run = group.run
                if run.end is None:
                    run.end = ctx.now
                ip = run.ip if not old.stopped else None
                if props.get("ipAddress") is None:
                    ip = None
                elif ip is None:
                    ip = self._ip_for(ctx, key, props)
                self._new_run(ctx, group, "update", ip, failure)
                group.stopped_at = None
                done = ctx.now + A.STARTED_AFTER
        group.pulls = pulls or None
        group.api = ctx.api
        # Behaviour is Always either way; whether the answer shows it depends on the version.
        group.restart_default = (body.get("properties") or {}).get("restartPolicy") is None
        group.tags = tags
        group.identity = None if body.get("identity") is None \
            else self._identity(key, body["identity"])
        group.zones = body.get("zones")
        # the answers' location is the request's, as written (LOCATION_ECHOED_AS_SENT)
        sent = body.get("location")
        if A.LOCATION_ECHOED_AS_SENT and isinstance(sent, str) and sent != location:
            group.doc["location_as_sent"] = sent
        else:
            group.doc.pop("location_as_sent", None)
        op = self._new_op(ctx, group, "reuse" if standby and old is None else "create", done,
                          "Pending")
        self._save(ctx, group)
        return GroupWrite(group, old is None, op)

    def _from_profile(self, ctx: "Ctx", body: dict) -> tuple[dict, bool]:
        """The request of a group that names a container group profile, as the service
        builds it (ev:pub-outbound, the vnet reuse recording): the properties of the profile's
        revision, the request's members a profile cannot hold (subnetIds, dnsConfig), the
        profile reference; the request's containers are not applied (both recordings answer
        the profile's containers and configMap: STANDBY_REQUEST_CONTAINERS_IGNORED). True
        when it is taken from a standby pool (``standbyPoolProfile``)."""
        req = body["properties"]
        props, ref = self.cloud.profiles.template(ctx, req["containerGroupProfile"])
        for k, v in req.items():
            if k not in PROFILE_MEMBERS and k not in ("containerGroupProfile",
                                                      "standbyPoolProfile"):
                props[k] = v
        if not A.STANDBY_REQUEST_CONTAINERS_IGNORED:  # pragma: no cover - the recorded choice
            props["containers"] = req.get("containers") or props["containers"]
        props.setdefault("imageRegistryCredentials", [])
        props["containerGroupProfile"] = ref
        return {**body, "properties": props}, req.get("standbyPoolProfile") is not None

    def update_tags(self, ctx: "Ctx", rg: str, name: str, body: Any) -> ContainerGroup:
        """Update a container group's tags (PATCH)."""
        old = self.find(ctx, rg, name)
        self.cloud.resource_groups.require(ctx, rg, for_write=True)
        if not isinstance(body, dict):
            raise InvalidRequestContent("the request body must be a JSON object")
        group = old.copy()
        if "tags" in body:
            group.tags = V.check_tags(body["tags"])
        self._save(ctx, group)
        return group

    def delete(self, ctx: "Ctx", rg: str, name: str) -> dict | None:
        """Delete a container group; returns its last wire body, or ``None`` if there was none."""
        rgroup = self.cloud.resource_groups.require(ctx, rg)
        key = f"{rgroup.key}/{name.lower()}"
        doc = ctx.tx.get_cg(key)
        if doc is None:
            return None
        if group_problem(doc) is not None:  # damaged: it can still be deleted
            body = {"id": group_id(self.cloud.sub, rgroup.name, name), "name": name,
                    "type": "Microsoft.ContainerInstance/containerGroups"}
        else:
            group = ContainerGroup(key, doc)
            body = self.describe(ctx, group)
            self.end_run(ctx, group)
        ctx.tx.delete_cg(key)
        return body

    def stop(self, ctx: "Ctx", rg: str, name: str) -> None:
        """Stop a container group, ending its current run; nothing if it is already stopped."""
        old = self.find(ctx, rg, name)
        if old.stopped:
            return
        self.end_run(ctx, old)
        group = old.copy()
        group.stopped_at = ctx.now
        group.run.end = ctx.now
        self._save(ctx, group)

    def start(self, ctx: "Ctx", rg: str, name: str) -> Operation:
        """Start a stopped group in a new run. A group already running is left alone; its
        operation succeeds at once."""
        old = self.find(ctx, rg, name)
        group = old.copy()
        if not old.stopped:
            return self._new_op(ctx, group, "start", ctx.now, "Pending")
        if not A.STOPPED_GROUPS_USE_QUOTA:
            self._check_quota(ctx, group.location, group.properties, group.key)
        group.stopped_at = None
        ip = self._ip_for(ctx, group.key, group.properties) if A.STOP_RELEASES_IP \
            else group.run.ip
        return self._run_again(ctx, group, "start", ip, "Pending")

    def restart(self, ctx: "Ctx", rg: str, name: str) -> Operation:
        """Restart a running group in a new run."""
        old = self.find(ctx, rg, name)
        if old.stopped:
            raise ContainerGroupStopped(f"Container Group '{old.name}' in resource group "
                                        f"'{old.rg}' is stopped. Start it with the 'start' "
                                        f"operation instead of 'restart'.")
        self.end_run(ctx, old)
        group = old.copy()
        group.run.end = ctx.now
        ip = group.run.ip if A.RESTART_KEEPS_IP else \
            self._ip_for(ctx, group.key, group.properties)
        return self._run_again(ctx, group, "restart", ip, "Updating")

    def _run_again(self, ctx: "Ctx", group: ContainerGroup, kind: str, ip: str | None,
                   status: str) -> Operation:
        """A new run of ``group`` (start or restart) at ``ip``, and the operation that ends
        when its containers have started."""
        self._new_run(ctx, group, kind, ip, self._start_failure(group.properties,
                                                                group.pulls or {}, group.name))
        op = self._new_op(ctx, group, kind, ctx.now + A.STARTED_AFTER, status)
        self._save(ctx, group)
        return op

    # ------------------------------------------------------------------ async operations
    def operation(self, ctx: "Ctx", location: str, op_id: str) -> dict:
        """The status of async operation ``op_id`` in ``location``, with its events."""
        doc = ctx.tx.get_op(op_id.lower())
        problem = None if doc is None else op_problem(doc)
        if problem is not None:
            raise as_damaged_op(ctx.tx.path, op_id, problem)
        op = None if doc is None else Operation(op_id.lower(), doc)
        if op is None or op.location != location.lower():
            raise OperationNotFound(f"The operation '{op_id}' was not found in location "
                                    f"'{location}'.")
        events: list = []
        failure = None
        doc = ctx.tx.get_cg(op.key)
        if doc is not None and group_problem(doc) is None:
            group = ContainerGroup(op.key, doc)
            if op.run <= group.run_index:
                failure = doc["runs"][op.run].get("failure")
                progs, refs = self.cloud.programs(group.key, doc)
                events = L.op_events(doc, min(ctx.now, op.done_at), progs, refs, group.key,
                                     op.run)
        return op.describe(ctx.now, events, failure)

    # ------------------------------------------------------------------ settle times
    def own_settle_times(self) -> dict[str, tuple[int, float]]:
        """Launch the groups this process stored with a pending settle time, from the
        documents it wrote (no transaction: :meth:`settle` stores a time only for the
        version it was computed for), and say when each settles: key -> (version, time)."""
        with self._own_lock:
            own, self._own = self._own, {}
        return {key: (version, self._settle_time(group))
                for key, (version, group) in own.items()}

    def settle_times(self, tx: Tx) -> dict[str, tuple[int, float]]:
        """Launch the groups whose settle time is pending and say when each settles:
        key -> (version, time). Called from a read snapshot, this interprets their programs
        outside the write lock; :meth:`settle` then only stores the times."""
        out = {}
        for key, version in tx.unsettled():
            doc = tx.get_cg(key)
            if doc is not None and ContainerGroup(key, doc).version == version:
                out[key] = (version, self._settle_time(ContainerGroup(key, doc)))
        return out

    def settle(self, tx: Tx, known: dict[str, tuple[int, float]] | None = None, *,
               launch: bool = False) -> float | None:
        """Store the settle time of every group whose time is pending (in a write, before
        the instant clock moves): from ``known`` (:meth:`settle_times` of a snapshot) where
        the group has not changed since, or from programs this process launched already.
        Raises :class:`Unlaunched` before writing anything when one would have to be
        launched here, inside the write lock, unless ``launch``. Returns the latest time
        stored (``None`` when none was pending)."""
        known = known or {}
        times = []
        for key, version in tx.unsettled():
            hit = known.get(key)
            if hit is not None and hit[0] == version:
                times.append((key, version, hit[1]))
                continue
            group = ContainerGroup(key, tx.get_cg(key))
            if not (launch or self.cloud.launched(key, group.doc)
                    or group_problem(group.doc) is not None):
                raise Unlaunched(key)
            times.append((key, version, self._settle_time(group)))
        for key, version, settle in times:
            tx.set_settle(key, version, settle)
        return max((t for _, _, t in times), default=None)

    def _settle_time(self, group: ContainerGroup) -> float:
        if group_problem(group.doc) is not None:
            return 0.0  # a damaged record: nothing of it is due
        progs, _ = self.cloud.programs(group.key, group.doc)
        return L.settle_time(group.doc, progs)

    # ------------------------------------------------------------------ runs
    def end_run(self, ctx: "Ctx", group: ContainerGroup) -> None:
        """The group's current run ends now: its writes land in the Azure Files shares."""
        if not group.stopped and shares.mounted(group.properties):
            progs, _ = self.cloud.programs(group.key, group.doc)
            shares.commit(ctx.tx, group.key, group.doc, progs, ctx.now)

    def _new_run(self, ctx: "Ctx", group: ContainerGroup, kind: str, ip: str | None,
                 failure: dict | None = None, start: float | None = None) -> None:
        """Start a run now (or at ``start``); its containers see the group's shares as they
        are now."""
        seen = shares.snapshot(ctx.tx, self.cloud.programs, group.properties, ctx.now,
                               group.key)
        group.add_run(ctx.now if start is None else start, kind, ip, seen, failure)

    def _failure(self, ctx: "Ctx", props: dict, pulls: dict[str, str], group: str,
                 location: str) -> dict | None:
        """Why this create's operation will fail: an injected failure (a region out of
        capacity), or a container whose program is not in its image; None if it will not."""
        injected = ctx.fail_operation
        if injected is not None:
            capacity = injected.code == "ServiceUnavailable"
            message = injected.message or (A.over_region_maximum_message(
                location, V.number_text(cores_of(props)), V.number_text(sum(
                    c["properties"]["resources"]["requests"]["memoryInGB"]
                    for c in props["containers"])), props["osType"], bool(props.get("subnetIds")))
                if capacity else f"The emulator was asked to fail this create (code {injected.code}).")
            event = injected.event or (A.CAPACITY_EVENT_NAME if capacity else injected.code)
            return {"code": injected.code, "message": message, "event": event, "placed": False}
        return self._start_failure(props, pulls, group)

    def _start_failure(self, props: dict, pulls: dict[str, str], group: str) -> dict | None:
        """A container whose exec-form command names a program its image does not have:
        the run's operation fails (EXEC_FORM_MISSING_PROGRAM_FAILS_CREATE)."""
        if not A.EXEC_FORM_MISSING_PROGRAM_FAILS_CREATE:
            return None
        rt, servers = self.cloud.runtime(), servers_of(props)
        for c in props["containers"]:
            cp = c["properties"]
            info = self.cloud.image_info(cp["image"], servers, pulls)
            line = rt.missing_program(info, cp.get("command"),
                                      [vm["mountPath"] for vm in cp.get("volumeMounts") or []])
            if line:
                return {"code": A.ERR_ACTIVATION_FAILED, "event": A.ACTIVATION_EVENT_NAME,
                        "message": A.activation_failure_message(c["name"], group, line),
                        "container": c["name"], "placed": True}
        return None

    def _save(self, ctx: "Ctx", group: ContainerGroup) -> None:
        version = ctx.tx.next_seq()
        if group.stopped:
            settle = group.stopped_at
        elif self.cloud.launched(group.key, group.doc):
            settle = self._settle_time(group)
        else:
            settle = PENDING_SETTLE
            with self._own_lock:
                if len(self._own) > 1024:  # a bound: what is forgotten is settled when needed
                    self._own.clear()
                self._own[group.key] = (version, group)
        label = group.dns_label
        ctx.tx.put_cg(group.key, group.rg.lower(), group.doc, settle_at=settle,
                      cores=group.standard_cores, dns_key=f"{group.location}/{label}" if label else None,
                      active=group.counts_for_quota, version=version)

    # ------------------------------------------------------------------ checks
    def _check_images(self, ctx: "Ctx", props: dict, group: str,
                      identity: Any) -> dict[str, str]:
        """Refuse what cannot be pulled; return the pulls from emulated registries."""
        rt = self.cloud.runtime()
        registries.check_credentials(props, identity, group)
        pulls = registries.resolve_pulls(ctx.tx, props, group)
        servers = servers_of(props)
        for c in props["containers"] + props["initContainers"]:
            image = c["properties"]["image"]
            if image in pulls:
                continue
            try:
                self.cloud.resolve(image, servers)
            except (rt.ImageNotFound, rt.RegistryCredentialsRequired) as exc:
                raise InaccessibleImage(image, group) from exc
        return pulls

    def _check_quota(self, ctx: "Ctx", location: str, props: dict,
                     replaced: str | None) -> None:
        """Refuse the cores ``props`` request in ``location`` past their quota: StandardCores,
        or StandardSpotCores for a Spot group (the cores of the stored group ``replaced`` are
        not counted: it is being replaced)."""
        cores = cores_of(props)
        if is_spot(props):
            used, quota = ctx.tx.spot_cores_in_use(location, replaced), self.cloud.spot_quota_cores
            if used + cores > quota:
                raise QuotaReached(location, quota, used, cores, "StandardSpotCores")
            return
        used = ctx.tx.cores_in_use(location, replaced)
        quota = self.cloud.quota_cores
        if used + cores > quota:
            raise QuotaReached(location, quota, used, cores)

    # ------------------------------------------------------------------ identities
    def _new_op(self, ctx: "Ctx", group: ContainerGroup, kind: str, done_at: float,
                pending: str) -> Operation:
        op = Operation.new(new_id(ctx.tx, self.cloud.seed, "operation"), group,
                           group_id(self.cloud.sub, group.rg, group.name), ctx.now, kind,
                           done_at, pending)
        ctx.tx.put_op(op.id, op.doc)
        return op

    def _ip_for(self, ctx: "Ctx", key: str, props: dict) -> str | None:
        ip = props.get("ipAddress")
        if not ip:
            return None
        n = ctx.tx.next_seq()
        if ip["type"] == "Private":
            h = det_uuid(self.cloud.seed, "private-ip", key, n)
            return f"10.0.{int(h[:2], 16)}.{max(4, int(h[2:4], 16) % 255)}"
        return public_ip(self.cloud.seed, key, n)

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
        seed = self.cloud.seed
        if ident.get("userAssignedIdentities") and "UserAssigned" in kind:
            uai = {rid: {"principalId": det_uuid(seed, "uai-p", rid),
                         "clientId": det_uuid(seed, "uai-c", rid)}
                   for rid in ident["userAssignedIdentities"]}
        if "SystemAssigned" in kind:
            out["principalId"] = det_uuid(seed, "principal", key)
        elif uai is not None:
            # The recorded UserAssigned answer: userAssignedIdentities, tenantId, type.
            out["userAssignedIdentities"] = uai
        if kind != "None":
            out["tenantId"] = A.TENANT_ID
        out["type"] = kind
        if uai is not None and "SystemAssigned" in kind:
            out["userAssignedIdentities"] = uai
        return out


def _signature(props: dict) -> str:
    """The spec as text, to tell an update that changes nothing."""
    return json.dumps(props, sort_keys=True)
