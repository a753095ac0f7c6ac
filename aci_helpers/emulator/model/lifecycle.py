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
from .programs import pull_ref
from .util import det_hex, iso_millis, iso_seconds

INF = float("inf")
#: Bound on the attempts :func:`attempt_starts` lists (a crash loop of years).
_MAX_ATTEMPTS = 10_000


@lru_cache(maxsize=4096)
def _kill_id(key: str, container: str, run: int) -> str:
    """The id a Killing event names for a container's run (a docker-like 64-hex id)."""
    return det_hex(64, key, container, run)


def restart_cycle(prog: Any) -> float:
    """Seconds from one start of a restarting container to the next: its run, then the
    service's RESTART_AFTER_EXIT_SECONDS (no back-off: the 2023 recordings)."""
    return prog.exit_after + A.RESTART_AFTER_EXIT_SECONDS


def _restarts(policy: str, code: int) -> bool:
    return policy == "Always" or (policy == "OnFailure" and code != 0)


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

    phase: str                     # none | waiting | failed | running | terminated
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
    if e is None or t < s + e:
        return ContainerRun("running", evs, _running(s), None, 0, s, None)
    code = int(prog.exit_code)
    if not _restarts(policy, code):
        fin = s + e
        if code != 0 and policy == "Never":
            evs.append(Ev("Killing", f"Killing container with id {kill_id}.", fin, fin))
        return ContainerRun("terminated", evs, _terminated(s, fin, code), None, 0, s, fin, code)
    # A restarting container, as the 2023 service showed one (azure-cli
    # test_container_create_with_msi*.yaml): Running throughout, started again
    # RESTART_AFTER_EXIT_SECONDS after it exits, a Killing event a second before each restart,
    # the previous attempt Terminated until the restart; no back-off. Arithmetic, so that a loop
    # of days costs what one of seconds does.
    cycle = restart_cycle(prog)
    k = int((t - s) // cycle)
    if k == 0:
        return ContainerRun("running", evs, _running(s), None, 0, s, None)
    last = s + k * cycle
    started.bump(last, k)
    evs.append(Ev("Killing", f"Killing container with id {kill_id}.",
                  s + cycle - A.KILLING_BEFORE_RESTART_SECONDS,
                  last - A.KILLING_BEFORE_RESTART_SECONDS, count=k))
    return ContainerRun("running", evs, _running(last), _terminated(last - cycle, last, code), k,
                        last, None)


def attempt_starts(prog: Any, policy: str, r: float, t: float) -> list[float]:
    """Start times of the container's attempts in a run from ``r`` that began by ``t``, on
    the same timeline as :func:`eval_container` (the last ``_MAX_ATTEMPTS`` of them)."""
    s = r + A.STARTED_AFTER
    if s > t:
        return []
    e = prog.exit_after
    if e is None or not _restarts(policy, int(prog.exit_code)):
        return [s]
    cycle = restart_cycle(prog)
    k = int((t - s) // cycle)
    return [s + j * cycle for j in range(max(0, k - _MAX_ATTEMPTS + 1), k + 1)]


def settle_container(prog: Any, policy: str, r: float) -> float:
    """Time of the container's last finite transition in a run from ``r``; for a restarting
    container, its first restart at or after INSTANT_CRASHLOOP_SETTLE_SECONDS (the realtime
    timeline)."""
    s = r + A.STARTED_AFTER
    e = prog.exit_after
    if e is None:
        return s
    if not _restarts(policy, int(prog.exit_code)):
        return s + e
    cycle = restart_cycle(prog)
    k = max(1, -int(-(r + A.INSTANT_CRASHLOOP_SETTLE_SECONDS - s) // cycle))
    return s + k * cycle


def init_view(r: float, t: float, ref: str) -> dict | None:
    """An init container's instance view in a run from ``r`` at ``t``: pulled, started and
    Terminated with exit code 0 (Completed) by the time the group's containers start, as
    recorded (INIT_CONTAINERS_NOT_RUN: its command is not run)."""
    if t < r + A.PULLING_AFTER:
        return None
    evs = [Ev("Pulling", f'pulling image "{ref}"', r + A.PULLING_AFTER, r + A.PULLING_AFTER)]
    if t < r + A.PULLED_AFTER:
        return {"restartCount": 0, "currentState": {"state": "Waiting", "detailStatus": ""},
                "events": [e.wire() for e in evs]}
    began = r + A.PULLED_AFTER
    evs += [Ev("Pulled", f'Successfully pulled image "{ref}"', began, began),
            Ev("Started", "Started container", began, began)]
    state = _running(began) if t < r + A.STARTED_AFTER \
        else _terminated(began, r + A.STARTED_AFTER, 0)
    return {"restartCount": 0, "currentState": state, "events": [e.wire() for e in evs]}


@dataclass
class GroupView:
    provisioning_state: str
    state: str
    ip: str | None
    containers: dict[str, dict | None]          # name -> instanceView (None: absent)
    runs: dict[str, ContainerRun | None]        # name -> current run evaluation
    events: list[dict] = field(default_factory=list)  # the group's own (a failed placement)
    init: dict[str, dict | None] = field(default_factory=dict)  # init containers' views


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
        return GroupView(prov, "Stopped", current_ip(doc, t), {n: None for n in names},
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
    elif any(p in ("running", "waiting", "none") for p in phases):
        state = "Running"
    elif any((c.exit_code or 0) != 0 for c in current.values() if c is not None):
        state = "Failed"
    else:
        state = "Succeeded"
    ip = current_ip(doc, t)
    placed = fails is None or (last.get("failure") or {}).get("placed")
    init = {c["name"]: init_view(last["start"], t, pull_ref(None, c["properties"]["image"]))
            if placed else None for c in doc["properties"].get("initContainers") or ()}
    return GroupView(prov, state, ip, views, current, group_events(last, t), init)


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
    """The public IP at ``t``: assigned once provisioned; while stopped, the one it had when
    it stopped (STOPPED_GROUP_LISTS_LAST_IP; a start brings a new one: STOP_RELEASES_IP)."""
    stopped = doc.get("stopped_at")
    if stopped is not None and stopped <= t:
        if not A.STOPPED_GROUP_LISTS_LAST_IP:
            return None
        t = stopped
    last = doc["runs"][-1]
    failure = last.get("failure")
    if failure is not None and not failure.get("placed"):
        return None   # never placed: no address
    if last["kind"] in ("restart", "update") or t >= last["start"] + A.PULLED_AFTER:
        return last.get("ip")
    return None
