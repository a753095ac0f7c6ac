"""Delete what the tutorial created, and only that.

What the builders create carries ``TUTORIAL_TAGS`` (``created-by=aci-tutorial``), and so
does a resource group made by ``ensure_resource_group``. ``cleanup`` is a dry run unless
``dry_run=False``:

- a tagged container group is deleted; an untagged one only with ``force=True``;
- the resource group is deleted only if it is tagged (the tutorial made it), is not a
  workshop's (``aci-tutorial-workshop``: the trainer deletes those), was not brought by the
  learner (named by ``ACI_RESOURCE_GROUP`` or the settings file rather than the default,
  unless ``force=True``; see :func:`keep_resource_group`), and only if
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
from .session import WORKSHOP_TAG

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
        status, reason = _resource_group_verdict(session, rg, rows, doomed, tagged, force,
                                                 group=rg_obj)
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


def keep_resource_group(session: "Session", group: Any, *, force: bool = False) -> str | None:
    """Why the tutorial must not delete the resource group ``group`` (a ``ResourceGroup``), or
    None when it may: only the tutorial's own, tagged group, never a workshop's, never one the
    learner brought (``ACI_RESOURCE_GROUP`` or the settings file; ``force=True`` allows that
    one). What it holds is checked apart (:func:`cleanup`)."""
    tags = group.tags or {}
    if tags.get(WORKSHOP_TAG):
        return (f"it is a resource group of workshop {tags[WORKSHOP_TAG]!r}, kept for the whole "
                "workshop (your trainer deletes it afterwards)")
    if not is_tutorial_resource(tags):
        return "not created by the tutorial (untagged resource groups are never deleted)"
    settings = getattr(session, "settings", None)
    source = getattr(settings, "resource_group_from", "default")
    if (not force and source in ("ACI_RESOURCE_GROUP", "settings file")
            and group.name.lower() == session.resource_group.lower()):
        return (f"you brought it with {source} (the tutorial deletes only its own default "
                "group; delete yours with s.resources.resource_groups.begin_delete when you "
                "are done)")
    return None


def _resource_group_verdict(session: "Session", rg: str, rows: list[dict[str, Any]],
                            doomed: set[str], tagged: bool, force: bool,
                            recheck: bool = False, group: Any = None) -> tuple[str, str]:
    """("would delete" | "kept", reason) for the resource group ``rg``."""
    keep = keep_resource_group(session, group or session.resources.resource_groups.get(rg),
                               force=force)
    if keep:
        return "kept", keep
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
