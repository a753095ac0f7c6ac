"""Containers of a group: their logs (the simulated runtime's output of the current
attempt, cut as ARM cuts it), exec and attach (not implemented)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import assumptions as A
from ..errors import ContainerNotFound, NotImplementedOperation
from . import lifecycle as L
from .records import ContainerGroup
from .util import iso_nano

if TYPE_CHECKING:
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

    def exec_or_attach(self, ctx: "Ctx", rg: str, name: str, container: str, what: str) -> None:
        """Raise NotImplementedOperation for ``what``, once the container is found."""
        self.find(ctx, rg, name, container)
        raise NotImplementedOperation(what)
