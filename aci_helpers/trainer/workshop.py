"""A workshop on one subscription: one resource group per participant, tagged.

``setup`` creates ``aci-ws-<workshop>-<participant>`` for each participant, tagged with
``aci-tutorial-workshop``, ``aci-tutorial-participant`` and the tutorial's own tag; each
participant sets ``ACI_RESOURCE_GROUP`` to theirs. ``status`` reads what runs in them;
``cleanup`` deletes exactly the resource groups that carry the workshop's tag, never one
without it, whatever its name. ``plan`` compares what a participant needs with each
region's quota. Used by the ``aci-tutorial workshop`` command and by tests on the emulator.
"""

from __future__ import annotations

import json
import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import ResourceNotFoundError

from ..models import GroupRow
from ..session import PARTICIPANT_TAG, TUTORIAL_TAGS, WORKSHOP_TAG

if TYPE_CHECKING:
    from ..session import Session

RG_PREFIX = "aci-ws-"
WORKSHOP_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,22}[a-z0-9]$|^[a-z0-9]$")
MAX_PARTICIPANTS = 500
# Workers for the many independent ARM calls of setup/status/cleanup: ARM answers each in
# well under a second, and 30 participants one after another would take half a minute.
WORKERS = 8


class WorkshopError(ValueError):
    """A workshop command cannot go on; the message says why and what to do. Nothing changed."""


def check_workshop_id(workshop: str) -> str:
    """The id, if it is 1-24 lower-case letters, digits and inner hyphens."""
    if not isinstance(workshop, str) or not WORKSHOP_ID.match(workshop):
        raise WorkshopError(
            f"Workshop id {workshop!r} is not valid: use 1 to 24 lower-case letters, digits "
            "and hyphens, starting and ending with a letter or digit (e.g. 'pycon-2026').")
    return workshop


def participant_names(count: int | None = None, names_file: str | Path | None = None) -> list[str]:
    """``p01`` ... ``pNN``, or the names in a file (one a line, ``#`` comments and blanks skipped)."""
    if (count is None) == (names_file is None):
        raise WorkshopError("Give either --participants N or --names FILE (one name a line).")
    if names_file is not None:
        try:
            lines = Path(names_file).read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise WorkshopError(f"Cannot read the names file {names_file}: {err.strerror}.") from None
        names = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]
        if not names:
            raise WorkshopError(f"The names file {names_file} holds no name (one a line).")
    else:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PARTICIPANTS:
            raise WorkshopError(f"--participants must be a whole number from 1 to "
                                f"{MAX_PARTICIPANTS}, not {count!r}.")
        width = max(2, len(str(count)))
        names = [f"p{i:0{width}d}" for i in range(1, count + 1)]
    if len(names) > MAX_PARTICIPANTS:
        raise WorkshopError(f"At most {MAX_PARTICIPANTS} participants, not {len(names)}.")
    slugs: dict[str, str] = {}
    for name in names:
        slug = _slug(name)
        if not slug or len(name) > 256:
            raise WorkshopError(f"Participant name {name!r} cannot name a resource group: use "
                                "letters or digits (at most 256 characters).")
        if slug in slugs:
            raise WorkshopError(f"Participants {slugs[slug]!r} and {name!r} would share the "
                                f"resource group suffix {slug!r}: make the names differ.")
        slugs[slug] = name
    return names


def _slug(name: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", name.lower())).strip("-")[:40]


def resource_group_name(workshop: str, participant: str) -> str:
    """The participant's resource group: ``aci-ws-<workshop>-<slug of the name>``."""
    return f"{RG_PREFIX}{workshop}-{_slug(participant)}"


def workshop_tags(workshop: str, participant: str) -> dict[str, str]:
    """The tags of a participant's resource group (the tutorial's own tag included)."""
    return {**TUTORIAL_TAGS, WORKSHOP_TAG: workshop, PARTICIPANT_TAG: participant}


def _parallel(fn: Any, items: list[Any]) -> list[Any]:
    if len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------------- setup
@dataclass(frozen=True)
class SetupRow:
    """One participant after setup: their resource group, and created or already there."""

    participant: str
    resource_group: str
    status: str  # "created" | "exists"

    @property
    def env_line(self) -> str:
        """The line the participant runs (shell) before ``make lab``."""
        return f"export ACI_RESOURCE_GROUP={self.resource_group}"


def setup(session: "Session", workshop: str, participants: list[str],
          location: str | None = None) -> list[SetupRow]:
    """Create each participant's tagged resource group (existing ones of this workshop are kept).

    Refuses, creating nothing, when one of the names is taken by a resource group that is
    not this workshop's participant's (untagged, or another workshop's)."""
    check_workshop_id(workshop)
    groups = session.resources.resource_groups
    wanted = [(p, resource_group_name(workshop, p)) for p in participants]

    def existing(item: tuple[str, str]) -> Any:
        """The resource group already named so, or None."""
        return groups.get(item[1]) if groups.check_existence(item[1]) else None

    found = _parallel(existing, wanted)
    clashes = [f"{rg} ({_owner(g.tags)})" for (p, rg), g in zip(wanted, found)
               if g is not None and (g.tags or {}).get(WORKSHOP_TAG) != workshop]
    if clashes:
        raise WorkshopError(
            "These resource groups exist and are not this workshop's, so setup changed "
            f"nothing: {', '.join(clashes[:5])}{' …' if len(clashes) > 5 else ''}. Choose "
            "another workshop id, or delete them yourself if you are sure.")
    loc = location or session.location

    def create(item: tuple[tuple[str, str], Any]) -> SetupRow:
        """Create one participant's group unless it is there."""
        (participant, rg), already = item
        if already is not None:
            return SetupRow(participant, rg, "exists")
        groups.create_or_update(rg, {"location": loc, "tags": workshop_tags(workshop, participant)})
        return SetupRow(participant, rg, "created")

    return _parallel(create, list(zip(wanted, found)))


def _owner(tags: dict[str, str] | None) -> str:
    ws = (tags or {}).get(WORKSHOP_TAG)
    return f"workshop {ws}" if ws else "not tagged by a workshop"


# ---------------------------------------------------------------------------------- status
@dataclass
class GroupStatus:
    """One container group of a participant."""

    name: str
    state: str | None
    cpu: float
    memory_gb: float
    cost_so_far: float  # USD, since its containers last started (estimate)


@dataclass
class ParticipantStatus:
    """A participant's resource group and the container groups in it."""

    participant: str
    resource_group: str
    location: str
    groups: list[GroupStatus] = field(default_factory=list)

    @property
    def cpu_in_use(self) -> float:
        """vCPUs requested by the running groups."""
        return sum(g.cpu for g in self.groups if g.state == "Running")

    @property
    def cost_so_far(self) -> float:
        """Estimated USD of the groups' current runs."""
        return sum(g.cost_so_far for g in self.groups)

    @property
    def states(self) -> str:
        """``2 Running, 1 Succeeded`` (or ``no groups``)."""
        counts: dict[str, int] = {}
        for g in self.groups:
            counts[g.state or "unknown"] = counts.get(g.state or "unknown", 0) + 1
        return ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no groups"


def workshop_resource_groups(session: "Session", workshop: str) -> list[Any]:
    """The resource groups that carry ``workshop``'s tag (by tag, never by name)."""
    return sorted((rg for rg in session.resources.resource_groups.list()
                   if (rg.tags or {}).get(WORKSHOP_TAG) == workshop), key=lambda rg: rg.name)


def status(session: "Session", workshop: str) -> list[ParticipantStatus]:
    """Each participant of ``workshop``: their groups, states, CPU in use and cost so far."""
    check_workshop_id(workshop)
    rgs = workshop_resource_groups(session, workshop)
    return _parallel(lambda rg: _participant_status(session, rg), rgs)


def _participant_status(session: "Session", rg: Any) -> ParticipantStatus:
    from ..cost import estimate_cost  # noqa: PLC0415

    out = ParticipantStatus((rg.tags or {}).get(PARTICIPANT_TAG, rg.name), rg.name, rg.location)
    cg = session.aci.container_groups
    for listed in cg.list_by_resource_group(rg.name):
        try:
            # The answer's Date is the service's clock (the emulator's virtual one too).
            group, date = cg.get(rg.name, listed.name,
                                 cls=lambda resp, g, _: (g, resp.http_response.headers.get("Date")))
        except ResourceNotFoundError:
            continue
        row = GroupRow.of(group)
        since = row.running_since()
        seconds = 0.0
        if since is not None and date:
            now = datetime.strptime(date, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=since.tzinfo)
            seconds = max(0.0, (now - since).total_seconds())
        cost = estimate_cost(cpu=row.cpu, memory_gb=row.memory_gb, region=row.location,
                             duration=seconds).total
        out.groups.append(GroupStatus(row.name, row.state, row.cpu, row.memory_gb, cost))
    out.groups.sort(key=lambda g: g.name)
    return out


# ---------------------------------------------------------------------------------- cleanup
@dataclass(frozen=True)
class CleanupPlan:
    """What cleanup would delete (this workshop's tagged groups) and what it leaves, why."""

    workshop: str
    delete: list[str]
    kept: list[tuple[str, str]]  # (resource group, reason): look-alikes it refuses to touch


def cleanup_plan(session: "Session", workshop: str) -> CleanupPlan:
    """List this workshop's resource groups, and the look-alikes that cleanup will not touch."""
    check_workshop_id(workshop)
    delete, kept = [], []
    prefix = f"{RG_PREFIX}{workshop}-".lower()
    for rg in sorted(session.resources.resource_groups.list(), key=lambda g: g.name):
        owner = (rg.tags or {}).get(WORKSHOP_TAG)
        if owner == workshop:
            delete.append(rg.name)
        elif rg.name.lower().startswith(prefix):
            kept.append((rg.name, "another workshop's" if owner else
                         "not tagged with this workshop (never deleted by name alone)"))
    return CleanupPlan(workshop, delete, kept)


def cleanup(session: "Session", plan: CleanupPlan) -> tuple[list[str], list[str]]:
    """Delete the plan's resource groups (and all in them), wait; return (deleted, failed)."""
    groups = session.resources.resource_groups

    def delete(name: str) -> tuple[str, str | None]:
        """Delete one resource group and wait for it; report an error instead of raising."""
        try:
            groups.begin_delete(name).result()
        except ResourceNotFoundError:
            pass  # already gone: the goal is met
        except Exception as err:  # noqa: BLE001 - report it, go on with the others
            return name, f"{type(err).__name__}: {err}".splitlines()[0]
        return name, None

    results = _parallel(delete, list(plan.delete))
    return ([n for n, e in results if e is None], [f"{n}: {e}" for n, e in results if e])


# ---------------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class Needs:
    """What one participant's run of the notebooks holds at once in a region."""

    cores: int
    groups: int
    how: str


def participant_needs() -> Needs:
    """The measured peak (aci_helpers/trainer/data/participant_needs.json)."""
    data = json.loads(importlib_resources.files(__package__).joinpath(
        "data/participant_needs.json").read_text())
    return Needs(int(data["peak"]["cores"]), int(data["peak"]["groups"]), data["how"])


@dataclass(frozen=True)
class RegionPlan:
    """One region: its quota and use, and how many participants fit."""

    region: str
    cores_limit: int
    cores_used: int
    groups_limit: int
    groups_used: int
    fit: int


def plan(session: "Session", regions: list[str]) -> tuple[Needs, list[RegionPlan]]:
    """How many participants each region has room for (cores and container groups)."""
    needs = participant_needs()
    out = []
    for region in regions:
        usage = {u.name.value: u for u in session.aci.location.list_usage(region)}
        cores, groups = usage["StandardCores"], usage["ContainerGroups"]
        free_cores = max(0, cores.limit - cores.current_value)
        free_groups = max(0, groups.limit - groups.current_value)
        fit = min(free_cores // max(needs.cores, 1), free_groups // max(needs.groups, 1))
        out.append(RegionPlan(region, cores.limit, cores.current_value, groups.limit,
                              groups.current_value, int(fit)))
    return needs, out


def spread(participants: int, regions: list[RegionPlan]) -> tuple[dict[str, int], int]:
    """Fill the roomiest regions first; return (participants per region, how many are left)."""
    left, out = participants, {}
    for r in sorted(regions, key=lambda r: -r.fit):
        take = min(left, r.fit)
        if take:
            out[r.region] = take
            left -= take
    return out, left


def cores_to_ask(participants: int, needs: Needs, region: RegionPlan) -> int:
    """The standard-core quota ``region`` would need for every participant at once."""
    return int(math.ceil(region.cores_used + participants * needs.cores))
