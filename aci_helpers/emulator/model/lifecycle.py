"""Instance views computed lazily from stored anchors + runtime programs + now.

A group's document keeps ``runs``: one per create / update / start / restart, each with its
start time, kind, IP and (once replaced or stopped) its end. Everything else - events,
container states, restart counts, the group state, logs - is evaluated here at a time ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import assumptions as A
from .util import det_hex, iso_millis, iso_seconds

INF = float("inf")
#: Bound on the attempts :func:`attempt_starts` lists (a crash loop of years).
_MAX_ATTEMPTS = 10_000


@lru_cache(maxsize=4096)
def _kill_id(key: str, container: str, run: int) -> str:
    """The id a Killing event names for a container's run (a docker-like 64-hex id)."""
    return det_hex(64, key, container, run)


def backoff(k: int) -> float:
    """Back-off before restart ``k`` (0-based)."""
    return min(A.BACKOFF_BASE_SECONDS * (2 ** min(k, 30)), A.BACKOFF_CAP_SECONDS)


@dataclass
class Ev:
    name: str
    message: str
    first: float
    last: float
    count: int = 1
    type: str = "Normal"

    def bump(self, t: float, n: int = 1) -> None:
        """Count ``n`` more occurrences, the last at ``t``."""
        self.count += n
        self.last = t

    def wire(self) -> dict:
        """The event as ARM sends it."""
        return {"count": self.count, "firstTimestamp": iso_seconds(self.first),
                "lastTimestamp": iso_seconds(self.last), "name": self.name,
                "message": self.message, "type": self.type}


@dataclass
class ContainerRun:
    """One container during one run, evaluated at time ``t``."""

    phase: str                     # none | waiting | running | backoff | terminated
    events: list[Ev] = field(default_factory=list)
    current: dict | None = None
    previous: dict | None = None
    restart_count: int = 0
    attempt_start: float | None = None
    attempt_end: float | None = None
    exit_code: int | None = None


def _terminated(start: float, finish: float, code: int) -> dict:
    return {"state": "Terminated", "startTime": iso_millis(start), "exitCode": code,
            "finishTime": iso_millis(finish), "detailStatus": "Completed" if code == 0 else "Error"}


def _running(start: float) -> dict:
    return {"state": "Running", "startTime": iso_millis(start), "detailStatus": ""}


def failed_at(run: dict) -> float | None:
    """When the run's operation fails (its containers never start), or None."""
    return run["start"] + A.STARTED_AFTER if run.get("failure") else None


def _failure_event(failure: dict, at: float) -> Ev:
    return Ev(failure["event"], failure["message"], at, at, type="Warning")


def eval_container(prog: Any, policy: str, r: float, t: float, pull_ref: str,
                   kill_id: str, failure: dict | None = None, name: str | None = None) -> ContainerRun:
    """Evaluate a container whose run started at ``r`` at time ``t`` (``failure``: the run's
    operation fails: the container is never placed, or never starts)."""
    if t < r + A.PULLING_AFTER or (failure is not None and not failure.get("placed")):
        return ContainerRun("none")
    evs = [Ev("Pulling", f'pulling image "{pull_ref}"', r + A.PULLING_AFTER,
              r + A.PULLING_AFTER)]
    if t >= r + A.PULLED_AFTER:
        evs.append(Ev("Pulled", f'Successfully pulled image "{pull_ref}"', r + A.PULLED_AFTER,
                      r + A.PULLED_AFTER))
    if t < r + A.STARTED_AFTER:
        return ContainerRun("waiting", evs, {"state": "Waiting", "detailStatus": ""})
    if failure is not None:  # it cannot start (EXEC_FORM_MISSING_PROGRAM_FAILS_CREATE)
        if failure.get("container") == name:
            evs.append(_failure_event(failure, r + A.STARTED_AFTER))
        return ContainerRun("failed", evs, {"state": "Waiting", "detailStatus": ""})
    s = r + A.STARTED_AFTER
    started = Ev("Started", "Started container", s, s)
    evs.append(started)
    e = prog.exit_after
    k = 0
    prev: dict | None = None
    back: Ev | None = None
    while True:
        if e is None or t < s + e:
            return ContainerRun("running", evs, _running(s), prev, k, s, None)
        fin = s + e
        code = int(prog.exit_code)
        term = _terminated(s, fin, code)
        restart = policy == "Always" or (policy == "OnFailure" and code != 0)
        if not restart:
            if code != 0 and policy == "Never":
                evs.append(Ev("Killing", f"Killing container with id {kill_id}.", fin, fin))
            return ContainerRun("terminated", evs, term, prev, k, s, fin, code)
        b = backoff(k)
        if back is None:
            back = Ev("BackOff", A.BACKOFF_EVENT_MESSAGE, fin, fin, type="Warning")
            evs.append(back)
        else:
            back.bump(fin)
        if t < fin + b:
            return ContainerRun("backoff", evs,
                                {"state": "Waiting", "detailStatus": A.BACKOFF_DETAIL_STATUS},
                                term, k, s, fin, code)
        prev = term
        s = fin + b
        k += 1
        started.bump(s)
        if b >= A.BACKOFF_CAP_SECONDS:
            # Steady crash loop: skip whole cycles arithmetically (bounded work per request).
            cycle = e + A.BACKOFF_CAP_SECONDS
            m = int((t - s) // cycle) - 1
            if m > 0:
                s += m * cycle
                k += m
                started.bump(s, m)
                back.bump(s - A.BACKOFF_CAP_SECONDS, m)
                prev = _terminated(s - cycle, s - A.BACKOFF_CAP_SECONDS, code)


def attempt_starts(prog: Any, policy: str, r: float, t: float) -> list[float]:
    """Start times of the container's attempts in a run from ``r`` that began by ``t``, on
    the same back-off timeline as :func:`eval_container` (at most ``_MAX_ATTEMPTS``)."""
    s = r + A.STARTED_AFTER
    out: list[float] = []
    e = prog.exit_after
    k = 0
    while s <= t and len(out) < _MAX_ATTEMPTS:
        out.append(s)
        if e is None:
            break
        code = int(prog.exit_code)
        if not (policy == "Always" or (policy == "OnFailure" and code != 0)):
            break
        s = s + e + backoff(k)
        k += 1
    return out


def settle_container(prog: Any, policy: str, r: float) -> float:
    """Time of the container's last finite transition in a run from ``r``; for a crash loop,
    the first restart at or after INSTANT_CRASHLOOP_SETTLE_SECONDS (the realtime timeline)."""
    s = r + A.STARTED_AFTER
    e = prog.exit_after
    if e is None:
        return s
    k = 0
    while True:
        fin = s + e
        code = int(prog.exit_code)
        if not (policy == "Always" or (policy == "OnFailure" and code != 0)):
            return fin
        s = fin + backoff(k)
        k += 1
        if s >= r + A.INSTANT_CRASHLOOP_SETTLE_SECONDS:
            return s


@dataclass
class GroupView:
    provisioning_state: str
    state: str
    ip: str | None
    containers: dict[str, dict | None]          # name -> instanceView (None: absent)
    runs: dict[str, ContainerRun | None]        # name -> current run evaluation
    events: list[dict] = field(default_factory=list)  # the group's own (a failed placement)


def provisioning_state(doc: dict, t: float) -> str:
    """The group's provisioningState at ``t``: Pending, Creating, then Succeeded once its
    containers have started (Microsoft's states page); Failed when its run fails."""
    runs = doc["runs"]
    last = runs[-1]
    fails = failed_at(last)
    if doc.get("stopped_at") is None and fails is not None and t >= fails:
        return "Failed"
    if doc.get("stopped_at") is not None or last["kind"] not in ("create", "update"):
        return "Succeeded"
    r = last["start"]
    if t < r + A.CREATING_AFTER:
        return "Pending"
    if t < r + A.STARTED_AFTER:
        return "Creating"
    return "Succeeded"


def group_events(run: dict, t: float) -> list[dict]:
    """The group's own events in ``run`` at ``t``: a failure no container shows (the group was
    never placed: InsufficientCapacity.)."""
    failure = run.get("failure")
    at = failed_at(run)
    if failure is None or failure.get("placed") or at is None or t < at:
        return []
    return [_failure_event(failure, at).wire()]


def evaluate(doc: dict, t: float, programs: dict[str, Any], pull_refs: dict[str, str],
             key: str) -> GroupView:
    """The group's instance view at ``t``. ``programs``/``pull_refs`` are per container."""
    policy = doc["properties"]["restartPolicy"]
    names = [c["name"] for c in doc["properties"]["containers"]]
    prov = provisioning_state(doc, t)
    if doc.get("stopped_at") is not None and doc["stopped_at"] <= t:
        return GroupView(prov, "Stopped", None, {n: None for n in names},
                         {n: None for n in names})
    runs = doc["runs"]
    history: dict[str, list[Ev]] = {n: [] for n in names}
    for i, run in enumerate(runs[:-1]):
        end = run["end"] if run["end"] is not None else t
        for n in names:
            cr = eval_container(programs[n], policy, run["start"], min(end, t), pull_refs[n],
                                _kill_id(key, n, i), run.get("failure"), n)
            history[n].extend(cr.events)
    last = runs[-1]
    idx = len(runs) - 1
    views: dict[str, dict | None] = {}
    current: dict[str, ContainerRun | None] = {}
    for n in names:
        cr = eval_container(programs[n], policy, last["start"], t, pull_refs[n],
                            _kill_id(key, n, idx), last.get("failure"), n)
        current[n] = cr
        evs = history[n] + cr.events
        if cr.phase == "none" and not evs:
            views[n] = None
            continue
        iv: dict = {"restartCount": cr.restart_count}
        if cr.current is not None:
            iv["currentState"] = cr.current
        if cr.previous is not None:
            iv["previousState"] = cr.previous
        iv["events"] = [ev.wire() for ev in evs]
        views[n] = iv
    phases = [c.phase for c in current.values() if c is not None]
    fails = failed_at(last)
    if fails is not None and t >= fails:
        state = A.FAILED_CREATE_GROUP_STATE
    elif t < last["start"] + A.STARTED_AFTER:
        state = "Pending"
    elif any(p in ("running", "backoff", "waiting", "none") for p in phases):
        state = "Running"
    elif any((c.exit_code or 0) != 0 for c in current.values() if c is not None):
        state = "Failed"
    else:
        state = "Succeeded"
    ip = current_ip(doc, t)
    return GroupView(prov, state, ip, views, current, group_events(last, t))


def op_events(doc: dict, t: float, programs: dict[str, Any], pull_refs: dict[str, str],
              key: str, upto_run: int) -> list[dict]:
    """Container events of runs 0..upto_run at ``t``, flattened in container order."""
    policy = doc["properties"]["restartPolicy"]
    out: list[dict] = []
    for c in doc["properties"]["containers"]:
        n = c["name"]
        for i, run in enumerate(doc["runs"][:upto_run + 1]):
            end = run["end"] if run["end"] is not None else INF
            cr = eval_container(programs[n], policy, run["start"], min(end, t), pull_refs[n],
                                _kill_id(key, n, i), run.get("failure"), n)
            out.extend(ev.wire() for ev in cr.events)
    if upto_run < len(doc["runs"]):
        out.extend(group_events(doc["runs"][upto_run], t))
    return out


def settle_time(doc: dict, programs: dict[str, Any]) -> float:
    """When the group's last finite transition happens (for the instant clock)."""
    if doc.get("stopped_at") is not None:
        return doc["stopped_at"]
    last = doc["runs"][-1]
    fails = failed_at(last)
    if fails is not None:
        return fails
    policy = doc["properties"]["restartPolicy"]
    return max(settle_container(programs[c["name"]], policy, last["start"])
               for c in doc["properties"]["containers"])


def current_ip(doc: dict, t: float) -> str | None:
    """The public IP at ``t``: assigned once provisioned, released while stopped."""
    if doc.get("stopped_at") is not None and doc["stopped_at"] <= t and A.STOP_RELEASES_IP:
        return None
    last = doc["runs"][-1]
    failure = last.get("failure")
    if failure is not None and not failure.get("placed"):
        return None   # never placed: no address
    if last["kind"] in ("restart", "update") or t >= last["start"] + A.PULLED_AFTER:
        return last.get("ip")
    return None
