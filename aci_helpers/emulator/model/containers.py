"""Containers of a group: their logs (the simulated runtime's output of the current
attempt, cut as ARM cuts it), and what exec and attach start from: the container's launch
as the runtime knows it, the time in its current attempt, what earlier execs wrote (kept in
the state, per group), the output printed since an attach began."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import assumptions as A
from ..errors import ContainerNotFound
from . import lifecycle as L
from .records import ContainerGroup
from .util import iso_nano

if TYPE_CHECKING:
    from ..store import Tx
    from .cloud import Cloud, Ctx


class Containers:
    """What a request can ask of one container."""

    def __init__(self, cloud: "Cloud") -> None:
        self.cloud = cloud

    def find(self, ctx: "Ctx", rg: str, name: str, container: str) -> ContainerGroup:
        """The group holding ``container``; ContainerNotFound when it has no such container."""
        group = self.cloud.container_groups.find(ctx, rg, name)
        if container not in group.container_names:
            raise ContainerNotFound(f"The container '{container}' is not found in container "
                                    f"group '{group.name}'.")
        return group

    def logs(self, ctx: "Ctx", rg: str, name: str, container: str, tail: int | None,
             timestamps: bool) -> str:
        """The log of a container's current attempt, cut to ``tail`` and ARM's caps."""
        group = self.find(ctx, rg, name, container)
        if group.stopped:
            return A.STOPPED_LOGS_CONTENT
        progs, refs = self.cloud.programs(group.key, group.doc)
        view = L.evaluate(group.doc, ctx.now, progs, refs, group.key)
        cr = view.runs.get(container)
        if cr is None or cr.attempt_start is None:
            return ""
        s = cr.attempt_start
        end = cr.attempt_end if cr.attempt_end is not None else ctx.now
        running = cr.phase == "running"
        cap_lines = None if running else A.LOG_LIMIT_STOPPED_LINES
        want = tail if tail is not None else cap_lines
        if want is not None and cap_lines is not None:
            want = min(want, cap_lines)
        if want is None:
            want = 200_000  # bounded: the 4 MB byte cap below cuts long logs anyway
        prog = progs[container]
        # A finished attempt is read up to its exact exit time: ``end - s`` on epoch floats
        # can fall a hair short and drop the lines printed at the exit instant.
        until = prog.exit_after if cr.attempt_end is not None else max(0.0, end - s)
        hidden = 0
        if prog.costly and want > A.LOG_SIMULATED_LINES_LIMIT:
            # Each line is simulated: bounded work, and the answer says what was left out.
            printed = prog.line_count(until)
            hidden = min(printed, tail if tail is not None else printed) \
                - A.LOG_SIMULATED_LINES_LIMIT
            want = A.LOG_SIMULATED_LINES_LIMIT
        lines = prog.output(until, tail=want)
        limit = A.LOG_LIMIT_RUNNING_BYTES if running else A.LOG_LIMIT_STOPPED_BYTES
        rendered = [(iso_nano(s + lt) + " " + txt if timestamps else txt) + "\n"
                    for lt, txt in lines]
        total = 0
        keep = []
        for line in reversed(rendered):
            total += len(line.encode())
            if total > limit:
                break
            keep.append(line)
        if hidden > 0:
            keep.append(A.LOG_SIMULATED_LINES_NOTE.format(hidden=hidden) + "\n")
        return "".join(reversed(keep))

    # ------------------------------------------------------------------ exec
    def exec_plan(self, ctx: "Ctx", rg: str, name: str, container: str) -> "ExecPlan":
        """What an exec into ``container`` starts from now (ContainerNotFound first). A
        container that is not running gets a plan saying why (ACI answers 200 all the same:
        ev:pub-exec; what its socket then does is the emulator's guess)."""
        group = self.find(ctx, rg, name, container)
        plan = ExecPlan(group.key, group.run.start, container)
        if group.stopped:
            plan.not_running = f"the container group '{group.name}' is Stopped"
            return plan
        progs, refs = self.cloud.programs(group.key, group.doc)
        cr = L.evaluate(group.doc, ctx.now, progs, refs, group.key).runs.get(container)
        if cr is None or cr.phase != "running" or cr.attempt_start is None:
            state = {"none": "not created yet", "waiting": "Waiting (not started yet)",
                     "terminated": "Terminated"}.get(
                         cr.phase if cr is not None else "none", "not running")
            plan.not_running = f"the container '{container}' is {state}"
            return plan
        plan.attempt_start = cr.attempt_start
        plan.at = max(0.0, ctx.now - cr.attempt_start)
        plan.launch = self.cloud.launch_inputs(group.key, group.doc, container)
        plan.kept = _kept(ctx, group.key, group.run.start)
        return plan

    def exec_kept(self, tx: "Tx", plan: "ExecPlan") -> dict:
        """What earlier execs of the plan's run have kept, as the state holds it now."""
        return _kept_in(tx, plan.key, plan.run_start)

    def keep_exec_changes(self, ctx: "Ctx", plan: "ExecPlan", files: dict, writes: list) -> None:
        """Keep what an exec session wrote, for the next exec of the same run: the
        container's own files (until the container restarts) and volume writes (times made
        absolute). Beyond EXEC_KEPT_BYTES_MAX per group, nothing more is kept."""
        kept = _kept(ctx, plan.key, plan.run_start)
        mine = kept["containers"].setdefault(plan.container, {"attempt": plan.attempt_start,
                                                              "files": {}})
        if mine["attempt"] != plan.attempt_start:   # a restart: a fresh container filesystem
            mine.update(attempt=plan.attempt_start, files={})
        mine["files"].update(files)
        assert plan.attempt_start is not None
        kept["writes"].extend([v, plan.attempt_start + op.t, op.path, op.kind, op.data]
                              for v, op in writes)
        text = json.dumps(kept, separators=(",", ":"))
        if len(text.encode()) <= A.EXEC_KEPT_BYTES_MAX:
            ctx.tx.set_meta(_KEPT_KEY + plan.key, text)

    # ------------------------------------------------------------------ attach
    def attach_cursor(self, ctx: "Ctx", rg: str, name: str, container: str) -> "AttachCursor":
        """Where an attach begins: after what ``container`` has printed so far."""
        group = self.find(ctx, rg, name, container)
        cursor = AttachCursor(group.key, group.run.start, container)
        if group.stopped:
            cursor.ended = True
            return cursor
        progs, _ = self.cloud.programs(group.key, group.doc)
        prog = progs[container]
        starts = L.attempt_starts(prog, group.properties["restartPolicy"], cursor.run_start,
                                  ctx.now)
        if starts:
            cursor.attempt = starts[-1]
            cursor.lines = prog.line_count(_until(prog, ctx.now - starts[-1]))
        return cursor

    def attach_read(self, ctx: "Ctx", cursor: "AttachCursor", limit: int = 10_000) -> str:
        """What the container printed since ``cursor`` (at most ``limit`` lines, each with
        its newline), across its restarts; moves the cursor on. ``cursor.ended`` once it
        will print no more: it terminated for good, or its run ended (stop, restart, update,
        delete)."""
        doc = ctx.tx.get_cg(cursor.key)
        if doc is None or doc.get("stopped_at") is not None or not doc.get("runs") \
                or doc["runs"][-1]["start"] != cursor.run_start:
            cursor.ended = True
            return ""
        group = ContainerGroup(cursor.key, doc)
        progs, refs = self.cloud.programs(group.key, group.doc)
        prog = progs.get(cursor.container)
        if prog is None:
            cursor.ended = True
            return ""
        policy = group.properties["restartPolicy"]
        out: list[str] = []
        for s in L.attempt_starts(prog, policy, cursor.run_start, ctx.now):
            if cursor.attempt is not None and s < cursor.attempt:
                continue
            if s != cursor.attempt:
                cursor.attempt, cursor.lines = s, 0
            until = _until(prog, ctx.now - s)
            total = prog.line_count(until)
            take = min(total - cursor.lines, max(limit - len(out), 0))
            if take > 0:
                out.extend(text + "\n" for _, text in prog.output(
                    until, tail=total - cursor.lines)[:take])
                cursor.lines += take
            if cursor.lines < total:
                return "".join(out)   # more due: the next read goes on from here
        cr = L.evaluate(group.doc, ctx.now, progs, refs, group.key).runs.get(cursor.container)
        cursor.ended = cr is not None and cr.phase == "terminated"
        return "".join(out)


_KEPT_KEY = "exec_kept:"


def _until(prog: object, elapsed: float) -> float:
    """How far into an attempt its output goes after ``elapsed`` seconds (its exit at most)."""
    exit_after = getattr(prog, "exit_after", None)
    return elapsed if exit_after is None else min(elapsed, exit_after)


def _kept(ctx: "Ctx", key: str, run_start: float) -> dict:
    """What earlier execs of the group's current run wrote (empty for another run)."""
    return _kept_in(ctx.tx, key, run_start)


def _kept_in(tx: "Tx", key: str, run_start: float) -> dict:
    raw = tx.meta(_KEPT_KEY + key)
    try:
        kept = json.loads(raw) if raw else None
    except ValueError:
        kept = None
    if not isinstance(kept, dict) or kept.get("run") != run_start:
        kept = {"run": run_start, "containers": {}, "writes": []}
    return kept


@dataclass
class ExecPlan:
    """What an exec starts from: the container (key, run, name), its attempt's start and the
    time in it, its launch (``runtime.launch``'s arguments and the image info), and what
    earlier execs of the run kept; or why nothing runs there (``not_running``)."""

    key: str
    run_start: float
    container: str
    attempt_start: float | None = None
    at: float = 0.0
    launch: dict = field(default_factory=dict)
    kept: dict = field(default_factory=dict)
    not_running: str | None = None

    def kept_files(self) -> dict[str, str | None]:
        """The container's own files earlier execs of this attempt changed."""
        mine = self.kept.get("containers", {}).get(self.container)
        return dict(mine["files"]) if mine and mine.get("attempt") == self.attempt_start else {}

    def kept_writes(self, upto: float) -> list[tuple[str, float, str, str, str]]:
        """Earlier execs' volume writes: (volume, time in this attempt, path, kind, data), at
        ``upto`` at the latest (an exec that starts at ``upto`` comes after them, whatever
        the clocks of the sessions that wrote them said)."""
        start = self.attempt_start or 0.0
        return [(v, min(max(0.0, t - start), upto), p, k, d)
                for v, t, p, k, d in self.kept.get("writes", [])]


@dataclass
class AttachCursor:
    """How far an attach has read a container's output: the attempt and its line count."""

    key: str
    run_start: float
    container: str
    attempt: float | None = None
    lines: int = 0
    ended: bool = False
