"""Checks on documents read back from the state file.

Another process, an older emulator or a damaged disk page may have written what a request
reads. A document that cannot be used is a clear error about that one resource (a
:class:`~aci_helpers.emulator.errors.DamagedRecord`); listings leave it out with a warning
in the log, so the rest of the cloud keeps working in every kernel.
"""

from __future__ import annotations

import logging
from ..errors import DamagedRecord

log = logging.getLogger("aci_helpers.emulator")

_NUMBER = (int, float)


def _shape_problem(doc: dict) -> str | None:
    for key, kind in (("name", str), ("rg", str), ("location", str), ("seed", int),
                      ("rev", int), ("properties", dict), ("runs", list)):
        if not isinstance(doc.get(key), kind):
            return f"'{key}' is missing or not a {kind.__name__}"
    if doc.get("stopped_at") is not None and not isinstance(doc["stopped_at"], _NUMBER):
        return "'stopped_at' is not a number"
    props = doc["properties"]
    if not isinstance(props.get("restartPolicy"), str):
        return "'properties.restartPolicy' is missing"
    containers = props.get("containers")
    if not isinstance(containers, list) or not containers:
        return "'properties.containers' is missing or empty"
    for c in containers:
        cp = c.get("properties") if isinstance(c, dict) else None
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) \
                or not isinstance(cp, dict) or not isinstance(cp.get("image"), str):
            return "a container has no name, properties or image"
        req = (cp.get("resources") or {}).get("requests") if isinstance(
            cp.get("resources"), dict) else None
        if not isinstance(req, dict) or not isinstance(req.get("cpu"), _NUMBER):
            return f"container '{c['name']}' has no resources.requests.cpu"
    if not doc["runs"]:
        return "'runs' is empty"
    for run in doc["runs"]:
        if not isinstance(run, dict) or not isinstance(run.get("start"), _NUMBER) \
                or not isinstance(run.get("kind"), str) \
                or not (run.get("end") is None or isinstance(run["end"], _NUMBER)):
            return "a run has no start, kind or end"
    return None


def group_problem(doc: dict) -> str | None:
    """Why a stored container group cannot be used, or None (checked once per document)."""
    if "_damaged" in doc:
        return str(doc["_damaged"])
    if doc.get("_ok"):
        return None
    problem = _shape_problem(doc)
    if problem is None:
        doc["_ok"] = True  # the parsed document is cached per revision: check it once
    return problem


def damaged_group(path: str, key: str, problem: str) -> DamagedRecord:
    """The error for the stored container group ``key`` (``rg/name``)."""
    rg, _, name = key.partition("/")
    return DamagedRecord(
        path, f"the container group '{name}' of resource group '{rg}'", problem,
        "The rest of the cloud is unaffected. Delete that group (container_groups."
        "begin_delete) or create it again under the same name; to empty the whole cloud, "
        "call Emulator.reset() (connect().emulator.reset() in a notebook).")


_warned: set[tuple] = set()


def usable(docs: list[dict]) -> list[dict]:
    """``docs`` without the damaged ones, each left out with a warning in the log (once per
    record and process: a notebook lists often)."""
    out = []
    for doc in docs:
        problem = group_problem(doc)
        if problem is None:
            out.append(doc)
        elif (doc.get("_key"), problem) not in _warned:
            _warned.add((doc.get("_key"), problem))
            log.warning("emulator state: container group %r is damaged (%s); left out of "
                        "listings. Delete it, or create it again under the same name.",
                        doc.get("_key"), problem)
    return out


def op_problem(op: dict) -> str | None:
    """Why a stored async operation cannot be used, or None."""
    if "_damaged" in op:
        return str(op["_damaged"])
    for key, kind in (("key", str), ("id", str), ("location", str), ("start", _NUMBER),
                      ("done_at", _NUMBER), ("pending", str), ("run", int)):
        if not isinstance(op.get(key), kind):
            return f"'{key}' is missing or not a {getattr(kind, '__name__', 'number')}"
    return None


def as_damaged_op(path: str, op_id: str, problem: str) -> DamagedRecord:
    """The error for the stored async operation ``op_id``."""
    return DamagedRecord(path, f"the async operation '{op_id}'", problem,
                         "Read the resource itself (get) instead of polling this operation.")

