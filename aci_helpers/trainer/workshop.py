"""A workshop on one subscription: one resource group per participant, tagged.

``setup`` creates ``aci-ws-<workshop>-<participant>`` for each participant in the region
``plan`` spreads them to, tagged with ``aci-tutorial-workshop``, ``aci-tutorial-participant``,
their region and a name suffix of their own, and the tutorial's own tag; each participant
runs the ``aci-tutorial workshop join ...`` line it prints (a settings file every kernel
reads). ``plan`` compares what a participant needs with each region's quota. ``status``
(status.py) reads what runs in them and how far each participant is; ``cleanup`` and
``reset`` (teardown.py) delete. Used by the ``aci-tutorial workshop`` command and by tests
on the emulator.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import secrets
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..session import NAME_SUFFIX_TAG, PARTICIPANT_TAG, REGION_TAG, TUTORIAL_TAGS, WORKSHOP_TAG

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


def workshop_tags(workshop: str, participant: str, region: str | None = None,
                  suffix: str | None = None) -> dict[str, str]:
    """The tags of a participant's resource group (the tutorial's own tag included): the
    workshop, the participant, and the region and name suffix setup handed them."""
    tags = {**TUTORIAL_TAGS, WORKSHOP_TAG: workshop, PARTICIPANT_TAG: participant}
    if region:
        tags[REGION_TAG] = region
    if suffix:
        tags[NAME_SUFFIX_TAG] = suffix
    return tags


def normalise_regions(session: "Session", regions: list[str] | None) -> list[str]:
    """``--region`` values as ARM names: case and spaces folded (``West Europe`` ->
    ``westeurope``), duplicates dropped (order kept), each one checked against the regions
    that offer container groups (one read of the provider); an unknown one is refused."""
    wanted: list[str] = []
    for raw in regions or [session.location]:
        name = re.sub(r"[\s_-]+", "", str(raw)).lower()
        if not name:
            raise WorkshopError(f"--region {raw!r} is empty: name a region such as westeurope.")
        if name not in wanted:
            wanted.append(name)
    offered = _container_regions(session)
    unknown = [r for r in wanted if offered and r not in offered]
    if unknown:
        near = difflib.get_close_matches(unknown[0], sorted(offered), n=3)
        raise WorkshopError(
            f"Region {unknown[0]!r} offers no Azure Container Instances here"
            + (f" (did you mean {' or '.join(near)}?)" if near else "")
            + f". Regions that do: {', '.join(sorted(offered))}.")
    return wanted


def _container_regions(session: "Session") -> set[str]:
    """Regions (ARM names) where Microsoft.ContainerInstance offers containerGroups."""
    provider = session.resources.providers.get("Microsoft.ContainerInstance")
    for rtype in provider.resource_types or []:
        if (rtype.resource_type or "").lower() == "containergroups":
            return {re.sub(r"\s+", "", loc).lower() for loc in rtype.locations or []}
    return set()


def draw_suffix(taken: set[str]) -> str:
    """A fresh 6-character name suffix (lowercase letters and digits) not in ``taken``."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    while True:
        # A letter first: the suffix never looks like the emulator's seeded six digits.
        suffix = secrets.choice(alphabet[:26]) + "".join(secrets.choice(alphabet) for _ in range(5))
        if suffix not in taken:
            return suffix


def _parallel(fn: Any, items: list[Any]) -> list[Any]:
    if len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(fn, items))


# ---------------------------------------------------------------------------------- setup
@dataclass(frozen=True)
class SetupRow:
    """One participant after setup: their resource group, region and name suffix, and
    whether setup created the group or found it."""

    participant: str
    resource_group: str
    region: str
    suffix: str
    status: str  # "created" | "exists"
    beyond_quota: bool = False  # placed although the regions' quota has no room for them

    def join_line(self, workshop: str, azure: bool = False,
                  served: tuple[str, str] | None = None) -> str:
        """The one command the participant runs (a terminal, or ``!`` in a notebook);
        ``served``: the class's served emulator (URL, CA)."""
        return (f"aci-tutorial workshop join --workshop {workshop} --participant "
                f"{shlex.quote(self.participant)} --location {self.region} --suffix {self.suffix}"
                + (" --azure" if azure else "")
                + (f" --emulator-url {served[0]} --emulator-ca {shlex.quote(served[1])}"
                   if served else ""))


def setup(session: "Session", workshop: str, participants: list[str],
          regions: list[str] | None = None) -> list[SetupRow]:
    """Create each participant's tagged resource group (existing ones of this workshop are
    kept, with the region and suffix they were given); returns a row per participant.

    New participants are spread over ``regions`` as ``plan`` spreads them (the roomiest
    first); each resource group is made in its participant's region and tagged with it and
    with a name suffix of its own, so participants sharing one cloud never collide on names
    or DNS labels. Refuses, creating nothing, when one of the names is taken by a resource
    group that is not this workshop's participant's (untagged, or another workshop's)."""
    check_workshop_id(workshop)
    regions = normalise_regions(session, regions)
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
    new = [p for (p, _), g in zip(wanted, found) if g is None]
    placed, left = spread(len(new), plan(session, regions)[1]) if new else ({}, 0)
    order = [r for r, n in placed.items() for _ in range(n)]
    order += [regions[i % len(regions)] for i in range(left)]  # beyond the quota: round robin
    assigned = dict(zip(new, order))
    beyond = set(new[len(new) - left:]) if left else set()
    taken = {(g.tags or {}).get(NAME_SUFFIX_TAG) for g in workshop_resource_groups(session, workshop)}

    suffixes = {}  # drawn here, not in the workers: distinct across the class
    for (p, _), g in zip(wanted, found):
        if g is None or not (g.tags or {}).get(NAME_SUFFIX_TAG):
            suffixes[p] = draw_suffix(taken)
            taken.add(suffixes[p])

    def create(item: tuple[tuple[str, str], Any]) -> SetupRow:
        """Create one participant's group unless it is there (then complete its tags)."""
        (participant, rg), already = item
        if already is not None:
            tags = dict(already.tags or {})
            if not tags.get(REGION_TAG) or not tags.get(NAME_SUFFIX_TAG):  # an older kit's
                tags[REGION_TAG] = tags.get(REGION_TAG) or already.location
                tags[NAME_SUFFIX_TAG] = tags.get(NAME_SUFFIX_TAG) or suffixes[participant]
                groups.update(rg, {"tags": tags})
            return SetupRow(participant, rg, tags[REGION_TAG], tags[NAME_SUFFIX_TAG], "exists")
        region, suffix = assigned[participant], suffixes[participant]
        groups.create_or_update(rg, {"location": region, "tags": workshop_tags(
            workshop, participant, region, suffix)})
        return SetupRow(participant, rg, region, suffix, "created", participant in beyond)

    return _parallel(create, list(zip(wanted, found)))


def _owner(tags: dict[str, str] | None) -> str:
    ws = (tags or {}).get(WORKSHOP_TAG)
    return f"workshop {ws}" if ws else "not tagged by a workshop"


def workshop_resource_groups(session: "Session", workshop: str) -> list[Any]:
    """The resource groups that carry ``workshop``'s tag (by tag, never by name)."""
    return sorted((rg for rg in session.resources.resource_groups.list()
                   if (rg.tags or {}).get(WORKSHOP_TAG) == workshop), key=lambda rg: rg.name)


# ---------------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class Needs:
    """What one participant's run of the notebooks holds at once in a region: at its peak
    (``cores``, ``groups``: inside ``where``, the notebook that holds most), and between
    notebooks (``between_cores``, ``between_groups``)."""

    cores: int
    groups: int
    how: str
    where: str = ""
    between_cores: int = 0
    between_groups: int = 0


def participant_needs() -> Needs:
    """The measured peak (aci_helpers/trainer/data/participant_needs.json)."""
    data = json.loads(importlib_resources.files(__package__).joinpath(
        "data/participant_needs.json").read_text())
    within = data.get("at_most_within_each_notebook", {})
    where = max(within, key=lambda nb: (within[nb]["cores"], within[nb]["groups"]), default="")
    after = data.get("after_each_notebook", {}).values()
    return Needs(int(data["peak"]["cores"]), int(data["peak"]["groups"]), data["how"],
                 where.split("_")[0],
                 math.ceil(max((v["cores"] for v in after), default=0)),
                 math.ceil(max((v["groups"] for v in after), default=0)))


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
