"""Delete what the tutorial created, and only that.

What the builders create carries ``TUTORIAL_TAGS`` (``created-by=aci-tutorial``), and so
does a resource group made by ``ensure_resource_group``. ``cleanup`` is a dry run unless
``dry_run=False``:

- a tagged container group is deleted; an untagged one only with ``force=True``;
- the resource group is deleted only if it is tagged (the tutorial made it), and only if
  nothing untagged would go with it (unless ``force=True``): deleting a resource group
  deletes everything in it. If its other resources cannot be listed (e.g. no permission
  to read them), it is kept: what they are cannot be checked. Right before deleting it,
  the check is made again, so a resource created meanwhile keeps it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .errors import ArgumentError
from .models import is_tutorial_resource

if TYPE_CHECKING:
    import pandas as pd

    from .session import Session

CLEANUP_COLUMNS = {"kind": "string", "name": "string", "resource_group": "string",
                   "tagged": "bool", "status": "string", "reason": "string"}


def _frame(rows: list[dict[str, Any]]) -> "pd.DataFrame":
    from .views import _frame as frame  # noqa: PLC0415

    return frame(rows, CLEANUP_COLUMNS)


def cleanup(
    session: "Session",
    *,
    dry_run: bool = True,
    force: bool = False,
    resource_group: str | None = None,
    delete_resource_group: bool = True,
    wait: bool = True,
) -> "pd.DataFrame":
    """List (``dry_run=True``, the default) or delete the tutorial's resources.

    Returns one row per resource considered: ``status`` is ``would delete``, ``deleted``,
    ``deleting`` (``wait=False``) or ``kept``, with the ``reason``.
    """
    from .wait import wait_for_operation  # noqa: PLC0415

    if resource_group is not None and (not isinstance(resource_group, str)
                                       or not resource_group.strip()):
        raise ArgumentError(f"cleanup(resource_group={resource_group!r}): name a resource group, "
                            f"or leave it out for the session's ({session.resource_group!r}).")
    rg = resource_group or session.resource_group
    groups_api = session.resources.resource_groups
    if not groups_api.check_existence(rg):
        return _frame([])
    rows: list[dict[str, Any]] = []
    doomed: set[str] = set()
    for cg in session.aci.container_groups.list_by_resource_group(rg):
        tagged = is_tutorial_resource(cg.tags)
        delete = tagged or force
        if delete:
            doomed.add((cg.id or cg.name).lower())
        rows.append({"kind": "container group", "name": cg.name, "resource_group": rg,
                     "tagged": tagged, "status": "would delete" if delete else "kept",
                     "reason": "tagged by the tutorial" if tagged else
                     ("force=True" if force else "not tagged by the tutorial (force=True deletes it)")})

    if delete_resource_group:
        rg_obj = groups_api.get(rg)
        tagged = is_tutorial_resource(rg_obj.tags)
        status, reason = _resource_group_verdict(session, rg, rows, doomed, tagged, force)
        rows.append({"kind": "resource group", "name": rg, "resource_group": rg, "tagged": tagged,
                     "status": status, "reason": reason})

    if dry_run:
        return _frame(rows)

    for row in rows:
        if row["status"] != "would delete" or row["kind"] != "container group":
            continue
        poller = session.aci.container_groups.begin_delete(rg, row["name"])
        if wait:
            _finish(wait_for_operation, poller, row)
        else:
            row["status"] = "deleting"
    for row in rows:
        if row["status"] == "would delete" and row["kind"] == "resource group":
            # Again, right before deleting: something may have been created since the listing.
            row["status"], row["reason"] = _resource_group_verdict(
                session, rg, [r for r in rows if r["kind"] == "container group"], doomed,
                row["tagged"], force, recheck=True)
            if row["status"] != "would delete":
                continue
            poller = groups_api.begin_delete(rg)
            if wait:
                _finish(wait_for_operation, poller, row)
            else:
                row["status"] = "deleting"
    return _frame(rows)


def _finish(wait_for_operation: Any, poller: Any, row: dict[str, Any]) -> None:
    try:
        wait_for_operation(poller)
    except ResourceNotFoundError:
        pass  # already gone: the goal is met
    row["status"] = "deleted"


def _resource_group_verdict(session: "Session", rg: str, rows: list[dict[str, Any]],
                            doomed: set[str], tagged: bool, force: bool,
                            recheck: bool = False) -> tuple[str, str]:
    """("would delete" | "kept", reason) for the resource group ``rg``."""
    if not tagged:
        return "kept", "not created by the tutorial (untagged resource groups are never deleted)"
    kept = [r["name"] for r in rows if r["status"] == "kept"]
    try:
        if recheck:  # container groups created since the first listing
            kept += [cg.name for cg in session.aci.container_groups.list_by_resource_group(rg)
                     if (cg.id or cg.name).lower() not in doomed and cg.name not in kept
                     and not (force or is_tutorial_resource(cg.tags))]
        others = kept + [n for n in _other_resources(session, rg, doomed) if n not in kept]
    except HttpResponseError as err:
        if force:
            return "would delete", "force=True (its other resources could not be listed)"
        code = getattr(getattr(err, "error", None), "code", None) or f"HTTP {err.status_code}"
        return "kept", (f"its other resources could not be listed ({code}), so what deleting it "
                        f"would take with it is unknown; delete them yourself, or pass force=True")
    if others and not force:
        what = "was given resources the tutorial did not create since the listing" if recheck \
            else "holds resources the tutorial did not create"
        return "kept", f"{what}: {', '.join(others[:3])}"
    return "would delete", "created by the tutorial"


def _other_resources(session: "Session", rg: str, doomed: set[str]) -> list[str]:
    """Names of resources in ``rg`` that are neither being deleted nor tagged (the listing's
    HttpResponseError propagates: without it nothing can be said)."""
    resources = list(session.resources.resources.list_by_resource_group(rg))
    return [r.name for r in resources
            if (r.id or r.name).lower() not in doomed and r.name.lower() not in doomed
            and not is_tutorial_resource(r.tags)]
