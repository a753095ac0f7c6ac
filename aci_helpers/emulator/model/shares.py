"""Emulated Azure Files shares: files that outlive the container groups mounting them.

A share is named by its storage account and share name (``account/share``) and kept in the
store until the cloud is reset; the emulator has no storage accounts, so any well-formed
account and share exist (empty) the first time a group mounts them.

When a group's run starts (create, redeploy, start, restart) its containers see the share
as it is at that moment: the stored files plus what the groups still running have written
so far. The writes of a run land in the stored share when the run ends (stop, restart,
redeploy, delete of the group or of its resource group), in the order runs end
(SHARE_WRITES_LAND_WHEN_RUN_ENDS); a run that restarts a container applies that
container's writes once per attempt, as the real files would receive them.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import assumptions as A
from . import lifecycle as L
from . import volumes as VOL
from .programs import share_key
from .stored import usable

ProgramsOf = Callable[[str, dict], tuple[dict, dict]]


def mounted(props: dict) -> dict[str, str]:
    """Volume name -> share key of the group's azureFile volumes."""
    return {v["name"]: share_key(v) for v in props.get("volumes") or []
            if VOL.kind(v) == "azureFile"}


def _stored(tx: Any, key: str) -> dict[str, str]:
    doc = tx.get_share(key)
    return dict(doc["files"]) if doc else {}


def _apply(files: dict[str, str], op: Any) -> None:
    from ..runtime.files import apply  # noqa: PLC0415 - late: the runtime is a separate package
    apply(files, op)


def run_writes(doc: dict, progs: dict, until: float) -> list[tuple[float, int, str, Any]]:
    """What the current run of ``doc`` wrote to its shares up to ``until`` (Unix seconds):
    ``(time, order, share key, op)``, one set per container attempt."""
    shares = mounted(doc["properties"])
    if not shares:
        return []
    policy = doc["properties"]["restartPolicy"]
    r = doc["runs"][-1]["start"]
    out: list[tuple[float, int, str, Any]] = []
    n = 0
    for c in doc["properties"]["containers"]:
        prog = progs[c["name"]]
        for s in L.attempt_starts(prog, policy, r, until):
            for vname, op in prog.volume_writes(max(0.0, until - s)):
                if vname in shares:
                    out.append((s + op.t, n, shares[vname], op))
                    n += 1
    return out


def snapshot(tx: Any, programs_of: ProgramsOf, props: dict, now: float,
             exclude: str | None) -> dict[str, dict[str, str]]:
    """The shares ``props`` mounts as its containers find them at ``now``: stored files plus
    the writes of the other groups still running (their current runs)."""
    keys = set(mounted(props).values())
    if not keys:
        return {}
    files = {k: _stored(tx, k) for k in keys}
    pending: list[tuple[float, float, int, str, Any]] = []
    for other in usable(tx.list_cg(None, None, 1_000_000)):
        okey = f"{other['rg'].lower()}/{other['name'].lower()}"
        if okey == exclude or other.get("stopped_at") is not None:
            continue
        if not keys & set(mounted(other["properties"]).values()):
            continue
        progs, _ = programs_of(okey, other)
        start = other["runs"][-1]["start"]
        pending.extend((t, start, n, k, op) for t, n, k, op in run_writes(other, progs, now)
                       if k in keys)
    for _, _, _, k, op in sorted(pending, key=lambda w: (w[0], w[1], w[2])):
        _apply(files[k], op)
    return {k: _capped(v) for k, v in files.items()}


def commit(tx: Any, key: str, doc: dict, progs: dict, end: float) -> None:
    """Land the writes of ``doc``'s current run, which ends at ``end``, in the stored shares."""
    writes = run_writes(doc, progs, end)
    if not writes:
        return
    touched: dict[str, dict[str, str]] = {}
    for _, _, k, op in sorted(writes, key=lambda w: (w[0], w[1])):
        if k not in touched:
            touched[k] = _stored(tx, k)
        _apply(touched[k], op)
    for k, files in touched.items():
        account, _, share = k.partition("/")
        tx.put_share(k, {"account": account, "share": share, "files": _capped(files)})


def _capped(files: dict[str, str]) -> dict[str, str]:
    """At most SHARE_MAX_BYTES of text per share: later files (by name) are cut."""
    out: dict[str, str] = {}
    room = A.SHARE_MAX_BYTES
    for name in sorted(files):
        text = files[name]
        size = len(text.encode())
        if size > room:
            text = text.encode()[:max(room, 0)].decode("utf-8", errors="ignore")
            size = len(text.encode())
        out[name] = text
        room -= size
    return out
