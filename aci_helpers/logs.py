"""Container logs: read them once, or follow them until the container terminates."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from .errors import WaitTimeout
from .wait import Poll, _container_state

if TYPE_CHECKING:
    from .session import Session


def _default_container(session: "Session", rg: str, name: str) -> str:
    return session.aci.container_groups.get(rg, name).containers[0].name


def get_logs(
    session: "Session",
    name: str,
    container: str | None = None,
    *,
    tail: int | None = None,
    timestamps: bool = False,
    resource_group: str | None = None,
) -> str:
    """What ``container`` (default: the group's first) has printed so far.

    ``tail`` keeps the last lines only; ``timestamps`` prefixes each line with the
    time it was printed. ``""`` when nothing was printed yet.
    """
    rg = resource_group or session.resource_group
    container = container or _default_container(session, rg, name)
    logs = session.aci.containers.list_logs(rg, name, container, tail=tail, timestamps=timestamps)
    return logs.content or ""


def follow_logs(
    session: "Session",
    name: str,
    container: str | None = None,
    *,
    timestamps: bool = False,
    resource_group: str | None = None,
    timeout: float | None = 600.0,
    file: TextIO | None = None,
) -> str:
    """Print new log lines as they come, until the container is Terminated; return all.

    Polls every ``session.polling_interval`` seconds. If the log starts over (the
    container restarted), a marker line is printed and the new log follows.
    """
    out = file or sys.stdout
    rg = resource_group or session.resource_group
    group = session.aci.container_groups.get(rg, name)
    container = container or group.containers[0].name
    shown: list[str] = []
    poll = Poll(session, timeout)
    content = ""
    try:
        while True:
            group = session.aci.container_groups.get(rg, name)
            finished = _terminated(group, container)
            if finished or _started(group, container):
                content = session.aci.containers.list_logs(
                    rg, name, container, timestamps=timestamps).content or ""
            # else: not started yet; Azure may refuse a logs request before the first start.
            lines = content.splitlines()
            # While running, hold back a last line without its newline: it may grow.
            complete = lines if finished or content.endswith("\n") else lines[:-1]
            if complete[: len(shown)] != shown:
                print(f"--- {container}: the log starts again (restart) ---", file=out, flush=True)
                shown = []
            for line in complete[len(shown):]:
                print(line, file=out, flush=True)
            shown = list(complete)
            if finished:
                return content
            if poll.expired():
                raise WaitTimeout(
                    f"{name}/{container} is still running after {timeout:g} s; nothing was "
                    f"changed. Follow again with follow_logs(s, {name!r}, {container!r})."
                )
            poll.sleep()
    except KeyboardInterrupt:
        print(f"Stopped following; {name}/{container} keeps running. Read the log with "
              f"get_logs(s, {name!r}, {container!r}).", file=out, flush=True)
        raise


def _started(group, container: str) -> bool:  # noqa: ANN001 - a ContainerGroup
    for c in group.containers:
        if c.name == container and c.instance_view is not None:
            state = c.instance_view.current_state
            return bool(state and state.state not in (None, "Waiting")) or bool(
                c.instance_view.restart_count)
    return False


def _terminated(group, container: str) -> bool:  # noqa: ANN001 - a ContainerGroup
    state = _container_state(group, container)
    if state is None:
        # No instance view: the group is stopped (or not there yet).
        return group.instance_view is not None and group.instance_view.state == "Stopped"
    return state == "Terminated"
