"""Deleting a workshop: ``cleanup`` (every resource group carrying the workshop's tag) and
``reset`` (one participant's container groups; their resource group and its tags stay).

Cleanup never deletes a resource group without the workshop's tag, whatever its name; but a
look-alike (named ``aci-ws-<workshop>-...``, tags lost) that still holds container groups is
reported as left, never as "nothing left": it runs, and on Azure it bills. ``--also NAME``
adds such a group to the deletion, by its exact name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from azure.core.exceptions import ResourceNotFoundError

from ..session import WORKSHOP_TAG
from .workshop import RG_PREFIX, WorkshopError, _parallel, check_workshop_id, resource_group_name

if TYPE_CHECKING:
    from ..session import Session


@dataclass(frozen=True)
class CleanupPlan:
    """What cleanup would delete and what it leaves, why."""

    workshop: str
    delete: list[str]
    kept: list[tuple[str, str]]  # (resource group, reason): look-alikes it refuses to touch
    running: dict[str, list[str]]  # kept look-alike -> the container groups it still holds


def cleanup_plan(session: "Session", workshop: str, also: list[str] | None = None) -> CleanupPlan:
    """This workshop's resource groups, plus the look-alikes named in ``also``; the other
    look-alikes are kept, with what they still hold."""
    check_workshop_id(workshop)
    delete, kept = [], []
    prefix = f"{RG_PREFIX}{workshop}-".lower()
    wanted = {a.lower() for a in also or []}
    lookalikes = set()
    for rg in sorted(session.resources.resource_groups.list(), key=lambda g: g.name):
        owner = (rg.tags or {}).get(WORKSHOP_TAG)
        if owner == workshop:
            delete.append(rg.name)
        elif rg.name.lower().startswith(prefix):
            lookalikes.add(rg.name.lower())
            if rg.name.lower() in wanted and not owner:
                delete.append(rg.name)
            else:
                kept.append((rg.name, f"another workshop's ({owner})" if owner else
                             "not tagged with this workshop (never deleted by name alone; "
                             f"--also {rg.name} deletes it)"))
    unknown = sorted(wanted - lookalikes)
    if unknown:
        raise WorkshopError(f"--also names {', '.join(unknown)}, which is not a resource group "
                            f"named like the resource groups of workshop {workshop!r} without its tag: "
                            "nothing deleted.")
    cg = session.aci.container_groups
    running = {name: names for name, names in _parallel(
        lambda k: (k[0], [g.name for g in cg.list_by_resource_group(k[0])]), kept) if names}
    return CleanupPlan(workshop, delete, kept, running)


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


def reset_participant(session: "Session", workshop: str, participant: str) -> tuple[str, list[str]]:
    """Delete every container group in ``participant``'s resource group, waiting; the resource
    group stays with its tags (region, suffix, progress, cost). Returns (resource group,
    deleted group names)."""
    from .status import status  # noqa: PLC0415  (status imports this package's workshop)

    check_workshop_id(workshop)
    rg = resource_group_name(workshop, participant)
    groups = session.resources.resource_groups
    found = groups.get(rg) if groups.check_existence(rg) else None
    if found is None or (found.tags or {}).get(WORKSHOP_TAG) != workshop:
        raise WorkshopError(
            f"No resource group of workshop {workshop!r} for participant {participant!r} "
            f"({rg} {'is not tagged with it' if found is not None else 'does not exist'}): "
            f"aci-tutorial workshop status --workshop {workshop} lists the participants.")
    # Bring the cost ledger up to date first: what these groups cost stays counted.
    status(session, workshop, force_ledger=True)
    cg = session.aci.container_groups
    names = [g.name for g in cg.list_by_resource_group(rg)]

    def delete(name: str) -> str:
        try:
            cg.begin_delete(rg, name).result()
        except ResourceNotFoundError:
            pass
        return name

    return rg, _parallel(delete, names)
