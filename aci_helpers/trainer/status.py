"""What a trainer sees of a workshop: per participant, their container groups and states,
the CPU in use, the cost accrued, and where they are in the tutorial.

- **Cost accrued** counts every run of every group the trainer's tools have seen, kept after
  a stop or a delete: a ledger in the participant's resource group's tags (``aci-tutorial-
  cost``: what ended runs cost, and the runs seen so far), on Azure and in the emulator's
  state alike. ``status`` (the CLI and the explorer's trainer view call the same function)
  brings it up to date. A run is from its containers' start to their finish (or now);
  a group deleted between two looks counts until the last look (within a cent: the ledger
  is written when a run starts or ends, and when its cost has grown by a cent).
- **Progress** is what the exercise checks recorded (``aci_helpers.progress``): the last
  notebook passed, the exercise a participant is on, and since when.
- A resource group named like the workshop's that lost its tags (re-created by hand) is
  shown too, marked: its groups still run, and bill.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import ResourceNotFoundError

from ..models import GroupRow
from ..progress import Outcome, b36, read_progress
from ..session import PARTICIPANT_TAG, REGION_TAG, WORKSHOP_TAG
from .workshop import RG_PREFIX, _parallel, check_workshop_id

if TYPE_CHECKING:
    from ..session import Session

COST_TAG = "aci-tutorial-cost"
# Rewrite the ledger when a run's cost has grown by this much (USD) since it was written:
# few writes (ARM limits them), and a group deleted between looks loses less than this.
LEDGER_STEP = 0.01
_seen: dict[tuple[str, str, int], float] = {}  # (rg, run key, start) -> cost last computed here


@dataclass
class GroupStatus:
    """One container group of a participant, and what its current run has cost so far."""

    name: str
    state: str | None
    cpu: float
    memory_gb: float
    run_cost: float  # USD, this run (start to finish or now); an estimate


@dataclass
class ParticipantStatus:
    """A participant's resource group, its container groups, cost and progress."""

    participant: str
    resource_group: str
    location: str
    groups: list[GroupStatus] = field(default_factory=list)
    accrued: float = 0.0  # USD: ended runs (ledger) + current runs
    progress: list[Outcome] = field(default_factory=list)
    tags_lost: bool = False  # named like the workshop's, without its tag
    note: str = ""  # e.g. the ledger could not be written

    @property
    def cpu_in_use(self) -> float:
        """vCPUs requested by the running groups."""
        return sum(g.cpu for g in self.groups if g.state == "Running")

    @property
    def cost_so_far(self) -> float:
        """Estimated USD accrued by this participant's groups, deleted ones included."""
        return self.accrued

    @property
    def states(self) -> str:
        """``2 Running, 1 Succeeded`` (or ``no groups``)."""
        counts: dict[str, int] = {}
        for g in self.groups:
            counts[g.state or "unknown"] = counts.get(g.state or "unknown", 0) + 1
        return ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no groups"

    @property
    def last_passed(self) -> str | None:
        """The notebook of the most recent pass (``03``), or None."""
        passes = [o for o in self.progress if o.passed]
        # The latest pass (a tie within the second: the later notebook).
        return max(passes, key=lambda o: (o.since, o.notebook)).notebook if passes else None

    @property
    def on(self) -> Outcome | None:
        """The exercise they are on: the latest one checked, if not passed yet."""
        if not self.progress:
            return None
        last = max(self.progress, key=lambda o: (o.last, not o.passed))  # a tie: the open one
        return None if last.passed else last

    def stuck_for(self, now: float | None = None) -> float | None:
        """Seconds since they first checked the exercise they are on (None: not stuck)."""
        on = self.on
        return None if on is None else max(0.0, (now or time.time()) - on.since)

    def progress_text(self, now: float | None = None) -> str:
        """``passed 03 · on 03b two_commands for 7 min`` (or ``no check run yet``)."""
        if not self.progress:
            return "no check run yet"
        parts = [f"passed {self.last_passed}"] if self.last_passed else []
        on = self.on
        if on is not None:
            parts.append(f"on {on.notebook} {on.exercise} for {_minutes(self.stuck_for(now))}")
        else:
            latest = max(self.progress, key=lambda o: o.last)
            parts.append(f"{_minutes((now or time.time()) - latest.last)} since")
        return " · ".join(parts)


def _minutes(seconds: float | None) -> str:
    m = int((seconds or 0) // 60)
    return f"{m} min" if m < 120 else f"{m // 60} h {m % 60:02d}"


def workshop_groups(session: "Session", workshop: str) -> list[tuple[Any, bool]]:
    """(resource group, tags lost) for each of the workshop's: by its tag, and those named
    ``aci-ws-<workshop>-...`` without any workshop's tag (re-created by hand)."""
    prefix = f"{RG_PREFIX}{workshop}-".lower()
    out = []
    for rg in session.resources.resource_groups.list():
        owner = (rg.tags or {}).get(WORKSHOP_TAG)
        if owner == workshop:
            out.append((rg, False))
        elif owner is None and rg.name.lower().startswith(prefix):
            out.append((rg, True))
    return sorted(out, key=lambda x: x[0].name)


def status(session: "Session", workshop: str, *, write_ledger: bool = True,
           force_ledger: bool = False) -> list[ParticipantStatus]:
    """Each participant of ``workshop``: groups, states, CPU in use, cost accrued, progress.

    Updates each participant's cost ledger (``write_ledger=False``: read only;
    ``force_ledger=True``: write even a small change, e.g. before stopping everything)."""
    check_workshop_id(workshop)
    return _parallel(lambda item: _participant_status(session, workshop, *item, write_ledger,
                                                      force_ledger),
                     workshop_groups(session, workshop))


def _participant_status(session: "Session", workshop: str, rg: Any, tags_lost: bool,
                        write: bool, force: bool) -> ParticipantStatus:
    from ..cost import estimate_cost  # noqa: PLC0415

    tags = rg.tags or {}
    who = tags.get(PARTICIPANT_TAG) or rg.name[len(f"{RG_PREFIX}{workshop}-"):]
    out = ParticipantStatus(who, rg.name, tags.get(REGION_TAG) or rg.location,
                            tags_lost=tags_lost, progress=read_progress(tags))
    cg = session.aci.container_groups
    runs: dict[str, tuple[int, float]] = {}
    for listed in cg.list_by_resource_group(rg.name):
        try:
            # The answer's Date is the service's clock (the emulator's virtual one too).
            group, date = cg.get(rg.name, listed.name,
                                 cls=lambda resp, g, _: (g, resp.http_response.headers.get("Date")))
        except ResourceNotFoundError:
            continue
        row = GroupRow.of(group)
        window = run_window(group, _date(date))
        cost = 0.0
        if window is not None:
            start, end = window
            cost = estimate_cost(cpu=row.cpu, memory_gb=row.memory_gb, region=row.location,
                                 duration=max(0.0, end - start)).total
            runs[_run_key(row.name)] = (int(start), cost)
        out.groups.append(GroupStatus(row.name, row.state, row.cpu, row.memory_gb, cost))
    out.groups.sort(key=lambda g: g.name)
    closed, recorded = read_ledger(tags)
    for key, (start, cost) in recorded.items():
        if runs.get(key, (None,))[0] != start:  # ended: stopped, deleted, or started again
            closed += max(cost, _seen.pop((rg.name.lower(), key, start), 0.0))
    for key, (start, cost) in runs.items():
        _seen[(rg.name.lower(), key, start)] = cost
    out.accrued = closed + sum(cost for _, cost in runs.values())
    if write and not tags_lost and _ledger_changed(recorded, runs, force):
        try:
            _write_ledger(session, rg.name, closed, runs)
        except Exception as err:  # noqa: BLE001 - the table still shows; say what failed
            out.note = f"cost ledger not saved: {str(err).splitlines()[0][:120]}"
    return out


def run_window(group: Any, now: float | None) -> tuple[float, float] | None:
    """(start, end) in Unix seconds of the group's current run: its containers' earliest
    start to their latest finish, or to ``now`` while one runs. None: no run (stopped, or
    not started yet)."""
    starts, ends, running = [], [], False
    for c in group.containers or []:
        cur = c.instance_view.current_state if c.instance_view is not None else None
        if cur is None or cur.start_time is None:
            continue
        starts.append(cur.start_time.timestamp())
        if cur.state == "Running":
            running = True
        elif cur.finish_time is not None:
            ends.append(cur.finish_time.timestamp())
    if not starts:
        return None
    end = (now if now is not None else time.time()) if running or not ends else max(ends)
    return min(starts), max(min(starts), end)


def _date(header: str | None) -> float | None:
    if not header:
        return None
    return datetime.strptime(header, "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=timezone.utc).timestamp()


def _run_key(name: str) -> str:
    """A group's short key in the ledger (names may be 63 characters; the value holds 256)."""
    n, out = zlib.crc32(name.lower().encode()), ""
    for _ in range(5):
        n, r = divmod(n, 36)
        out += "0123456789abcdefghijklmnopqrstuvwxyz"[r]
    return out


def read_ledger(tags: dict[str, str]) -> tuple[float, dict[str, tuple[int, float]]]:
    """(USD of ended runs, {run key: (start, cost when last written)}) from the tags."""
    value = next((v for k, v in tags.items() if k.lower() == COST_TAG), "")
    head, _, rest = value.partition(";")
    try:
        closed = float(head) if head else 0.0
    except ValueError:
        closed = 0.0
    runs = {}
    for part in rest.split("|"):
        bits = part.split(":")
        if len(bits) == 3:
            try:
                runs[bits[0]] = (int(bits[1], 36), int(bits[2], 36) / 1e6)
            except ValueError:
                continue
    return closed, runs


def ledger_value(closed: float, runs: dict[str, tuple[int, float]]) -> str:
    """The ledger as a tag value: ``<USD ended>;key:start:micro-USD|...`` (at most 256
    characters: the costliest runs are kept when there are more than fit)."""
    parts = []
    for key, (start, cost) in sorted(runs.items(), key=lambda kv: -kv[1][1]):
        part = f"{key}:{b36(start)}:{b36(round(cost * 1e6))}"
        if len(f"{closed:.6f};" + "|".join(parts + [part])) > 256:
            break
        parts.append(part)
    return f"{closed:.6f};" + "|".join(parts)


def _ledger_changed(recorded: dict[str, tuple[int, float]], runs: dict[str, tuple[int, float]],
                    force: bool) -> bool:
    if {k: s for k, (s, _) in recorded.items()} != {k: s for k, (s, _) in runs.items()}:
        return True
    step = 0.0 if force else LEDGER_STEP
    return any(cost - recorded[k][1] >= step and cost > recorded[k][1]
               for k, (_, cost) in runs.items())


def _write_ledger(session: "Session", rg: str, closed: float,
                  runs: dict[str, tuple[int, float]]) -> None:
    groups = session.resources.resource_groups
    # Read again right before writing: a participant's check may have added progress since.
    tags = {k: v for k, v in (groups.get(rg).tags or {}).items() if k.lower() != COST_TAG}
    tags[COST_TAG] = ledger_value(closed, runs)
    groups.update(rg, {"tags": tags})
