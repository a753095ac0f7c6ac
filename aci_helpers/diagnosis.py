"""Why is my container group not doing what I expected? A reading of its events and states.

``diagnose(s, name)`` reads a group with ``get`` (events and instance views) and the tail of its
containers' logs, and says in a few lines what it sees: a crash loop, a command that was not
found, a task that failed or finished, an image that could not be pulled, a group still
starting, stopped or running. Each finding lists the fields it was read from (the evidence),
so the raw data can be checked beside it. ``diagnose_group(group, logs)`` is the same reading
of data you already have (an SDK model, or a group's JSON as the REST API returns it; no
request).

Requests Azure refuses at once (a bad image name, a DNS label taken, quota) never become a
group: their error *is* the diagnosis; :func:`aci_helpers.explain` gives its hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .errors import _md
from .models import enum_text, restart_policy

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import Container, ContainerGroup

    from .session import Session

LOG_TAIL = 5
_SHELLS = ("sh", "bash", "ash", "dash", "zsh")


def _runs_a_shell(command: list[str] | None) -> bool:
    """The command runs a shell (``['/bin/sh', '-c', ...]``): a 127 is then the shell's."""
    return bool(command) and command[0].rsplit("/", 1)[-1] in _SHELLS
_NOT_FOUND_MARKERS = ("executable file not found", "not found in $path", ": not found",
                      "no such file or directory")


@dataclass(frozen=True)
class Finding:
    """One thing the diagnosis noticed: ``kind`` (a short key), ``container`` (None for the
    group), a sentence, the fields it was read from, and what to do."""

    kind: str
    container: str | None
    what: str
    evidence: tuple[str, ...]
    advice: str | None = None

    @property
    def problem(self) -> bool:
        """True for what needs fixing (not for 'running', 'completed', 'starting', 'stopped')."""
        return self.kind not in _HEALTHY

    def lines(self) -> list[str]:
        """The finding as text: a headline, its evidence, the advice."""
        who = f"{self.container}: " if self.container else ""
        out = [f"{'✖' if self.problem else '✔'} {who}{self.what}"]
        out += [f"    seen: {e}" for e in self.evidence]
        if self.advice:
            out.append(f"    do:   {self.advice}")
        return out


_HEALTHY = {"running", "completed", "starting", "stopped"}


@dataclass(frozen=True)
class Diagnosis:
    """The findings for one group; prints as plain text, renders as Markdown."""

    group: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when no finding is a problem."""
        return not any(f.problem for f in self.findings)

    @property
    def kinds(self) -> list[str]:
        """The findings' kinds, in order (handy in tests and checks)."""
        return [f.kind for f in self.findings]

    def __str__(self) -> str:
        head = f"Diagnosis of {self.group}: " + ("nothing wrong seen" if self.ok else
                                                  f"{sum(f.problem for f in self.findings)} problem(s)")
        return "\n".join([head, *(line for f in self.findings for line in f.lines())])

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        out = [f"**Diagnosis of {_md(self.group)}:** " +
               ("nothing wrong seen" if self.ok else
                f"{sum(f.problem for f in self.findings)} problem(s)")]
        for f in self.findings:
            who = f"`{f.container}`: " if f.container else ""
            out.append(f"- {'✖' if f.problem else '✔'} {who}{_md(f.what)}")
            out += [f"  - seen: {_md(e)}" for e in f.evidence]
            if f.advice:
                out.append(f"  - *do:* {_md(f.advice)}")
        return "\n".join(out)


def _events(c: "Container") -> list[Any]:
    return list((c.instance_view.events if c.instance_view else None) or [])


def _event_text(e: Any) -> str:
    return f"event {e.name} ({e.type}) ×{e.count or 1}: {e.message}"


def _state_text(label: str, st: Any) -> str:
    parts = [f"{label} {st.state}"]
    if st.exit_code is not None:
        parts.append(f"exit code {st.exit_code}")
    if st.detail_status:
        parts.append(f"detail '{st.detail_status}'")
    return ", ".join(parts)


def _not_found_line(texts: list[str]) -> str | None:
    for text in texts:
        for line in text.splitlines():
            if any(m in line.lower() for m in _NOT_FOUND_MARKERS):
                return line.strip()
    return None


def _container_findings(c: "Container", policy: str, log: str | None) -> list[Finding]:
    view = c.instance_view
    if view is None:
        return []
    cur, prev = view.current_state, view.previous_state
    restarts = view.restart_count or 0
    events = _events(c)
    pull_failed = [e for e in events if (e.name == "Failed" and "pull" in (e.message or "").lower())
                   or (e.name == "BackOff" and "pulling image" in (e.message or "").lower())]
    backoff = [e for e in events if e.name == "BackOff" and e not in pull_failed]
    warnings = [e for e in events if (e.type or "").lower() == "warning" and e not in pull_failed
                and e not in backoff]
    log_tail = [ln for ln in (log or "").splitlines() if ln.strip()][-LOG_TAIL:]
    log_ev = tuple(f"log: {ln}" for ln in log_tail)

    if pull_failed:
        return [Finding("image-pull", c.name, f"the image {c.image} cannot be pulled",
                        tuple(_event_text(e) for e in pull_failed),
                        "check the image name, its tag and the registry credentials; then delete "
                        "the group and create it again")]

    ended = cur if cur is not None and cur.state == "Terminated" else prev
    exit_code = ended.exit_code if ended is not None and ended.state == "Terminated" else None
    missing = _not_found_line([*(e.message or "" for e in warnings), log or ""]) \
        if exit_code in (126, 127) or warnings else None

    if restarts > 0 or backoff or (cur is not None and "backoff" in (cur.detail_status or "").lower()):
        evidence = [f"restartCount {restarts} (restart policy {policy})"]
        if cur is not None:
            evidence.append(_state_text("current state", cur))
        if prev is not None:
            evidence.append(_state_text("previous state", prev))
        evidence += [_event_text(e) for e in backoff]
        why = (f"exits with code {exit_code}" if exit_code is not None else "keeps exiting")
        if exit_code == 127 or missing:
            advice = ("its command was not found: check the first item of `command` (the program) "
                      "and that the image has it; use ['/bin/sh', '-c', '...'] for a shell command line")
            evidence += [f"log or event: {missing}"] if missing and missing not in log_tail else []
        elif exit_code == 0:
            advice = ("it is a task that finished: restart policy 'Always' starts it again. Use "
                      "'OnFailure' or 'Never' for tasks")
        else:
            advice = ("read its log to see why it exits; a program meant to run forever must not "
                      "end, and a task needs restart policy 'Never' or 'OnFailure'")
        return [Finding("crash-loop", c.name,
                        f"crash loop: the container {why} and is restarted again and again "
                        f"({restarts} restart(s) so far)",
                        (*evidence, *log_ev), advice)]

    if cur is None:
        return []
    if cur.state == "Waiting" and missing:  # the create failed: its program is not in the image
        return [Finding("command-not-found", c.name,
                        "the container could not start: its program is not in the image",
                        (_state_text("current state", cur), f"command {c.command}",
                         f"log or event: {missing}"),
                        "the first item of `command` must be a program in the image; put each "
                        "argument in its own item, or run a shell: ['/bin/sh', '-c', 'your "
                        "command line']. Then delete the group and create it again")]
    if cur.state == "Terminated":
        if cur.exit_code == 0:
            return [Finding("completed", c.name, "the task completed (exit code 0)",
                            (_state_text("current state", cur),))]
        if cur.exit_code in (126, 127) or missing:
            seen = (_state_text("current state", cur), f"command {c.command}",
                    *([f"log or event: {missing}"] if missing else []))
            if _runs_a_shell(c.command):  # 127 is the shell's own: a program it could not find
                return [Finding("command-not-found", c.name,
                                f"the shell could not find a command of its command line (exit "
                                f"code {cur.exit_code}: not found)", seen,
                                "check the spelling of each program in the command line, and "
                                "that the image has it (the log shows the shell's message)")]
            return [Finding("command-not-found", c.name,
                            f"the command could not start (exit code {cur.exit_code}: not found)",
                            seen,
                            "the first item of `command` must be a program in the image; put "
                            "each argument in its own item, or run a shell: "
                            "['/bin/sh', '-c', 'your command line']")]
        return [Finding("task-failed", c.name, f"the container ended with exit code {cur.exit_code}",
                        (_state_text("current state", cur), *log_ev),
                        "read the whole log (get_logs) for the program's error")]
    if cur.state == "Running":
        return [Finding("running", c.name, "running", (_state_text("current state", cur),))]
    return [Finding("starting", c.name, "still starting (waiting for the image or the start)",
                    (_state_text("current state", cur),
                     *(_event_text(e) for e in events[-2:])))]


def _as_model(group: Any) -> "ContainerGroup":
    """An SDK ContainerGroup from the JSON of one as the REST API returns it (either SDK
    generation: msrest models have ``deserialize``, newer ones take the mapping)."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if not isinstance(group, dict):
        return group
    deserialize = getattr(ContainerGroup, "deserialize", None)
    return deserialize(group) if deserialize is not None else ContainerGroup(group)


def diagnose_group(group: "ContainerGroup | dict", logs: dict[str, str] | None = None) -> Diagnosis:
    """The diagnosis of a group read with ``get``, or of its JSON as the REST API returns it
    (``logs``: container name -> log text)."""
    group = _as_model(group)
    name = group.name or "?"
    policy = restart_policy(group)
    findings: list[Finding] = []
    view = group.instance_view
    state = view.state if view is not None else None
    if enum_text(group.provisioning_state) == "Failed":
        events = (view.events if view else None) or []
        capacity = any((e.name or "").startswith("InsufficientCapacity") for e in events)
        findings.append(Finding(
            "deployment-failed", None,
            "the deployment failed: the region had no capacity for it" if capacity
            else "the deployment failed",
            (f"provisioningState {group.provisioning_state}", *map(_event_text, events)),
            "delete the group, then create it again later, smaller, or in another region"
            if capacity else "read the events; delete the group and create it again once fixed"))
    if view is None and not any(c.instance_view for c in group.containers or []):
        return Diagnosis(name, (*findings, Finding(
            "no-view", None, "no instance view to read", (
                "instanceView absent (a list result, or a group not created yet)",),
            "read the group with container_groups.get(resource_group, name)")))
    if state == "Stopped":
        return Diagnosis(name, (*findings, Finding(
            "stopped", None, "the group is stopped: its containers do not exist until it starts",
            (f"instanceView.state {state}",), None)))
    for c in group.containers or []:
        findings += _container_findings(c, policy, (logs or {}).get(c.name))
    return Diagnosis(name, tuple(findings))


def diagnose(s: "Session", name: str, *, resource_group: str | None = None,
             logs: bool = True) -> Diagnosis:
    """Read group ``name`` (and the tail of its containers' logs) and diagnose it."""
    rg = resource_group or s.resource_group
    try:
        group = s.aci.container_groups.get(rg, name)
    except ResourceNotFoundError:
        return Diagnosis(name, (Finding(
            "not-found", None, f"there is no container group {name} in {rg}",
            ("GET answered 404 ResourceNotFound",),
            "check the name; a create that Azure refused (its error said why) leaves nothing"),))
    texts: dict[str, str] = {}
    if logs:
        for c in group.containers or []:
            if c.instance_view is None or c.instance_view.current_state is None:
                continue
            try:
                texts[c.name] = s.aci.containers.list_logs(rg, name, c.name, tail=50).content or ""
            except HttpResponseError:
                pass    # no log is no reason to give up the diagnosis
    return diagnose_group(group, texts)
