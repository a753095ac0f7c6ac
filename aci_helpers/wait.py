"""Waiting for a long-running operation or for a state, with a progress display.

The display is one line that shows the states seen so far, e.g. ``create aci-123456:
Pending → Succeeded``. In a Jupyter kernel it is plain text on stdout, redrawn in place
with a carriage return, so the saved notebook keeps just that line (a widget would leave
a view with no model behind it: "Error displaying widget: model not found" once the
notebook is reopened). Elsewhere it is a ``tqdm`` line on stderr, and the final line is
printed on stdout when the wait ends. ``TQDM_DISABLE=1`` makes both silent.

Polling: the SDK's LRO poller runs with the client's ``polling_interval`` (5 s on Azure,
which sends no Retry-After; the emulator sends ``Retry-After``). Our own state polls use
``session.polling_interval`` and ``session.sleep`` (the transport's sleep, so the
emulator's instant clock does not really wait).

Ctrl-C (KeyboardInterrupt) never cancels anything in Azure: the resource is left as it
is, the call to resume waiting is printed, and the interrupt is raised again.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from azure.core.exceptions import HttpResponseError
from azure.core.polling.base_polling import OperationFailed

from .errors import ArgumentError, WaitTimeout
from .models import group_state, restart_policy

if TYPE_CHECKING:
    from azure.core.polling import LROPoller
    from azure.mgmt.containerinstance.models import ContainerGroup

    from .session import Session

T = TypeVar("T")

GROUP_FINAL_STATES = ("Running", "Succeeded", "Failed", "Stopped")
# A task (restart policy Never or OnFailure) is still at work while it is Running.
TASK_FINAL_STATES = ("Succeeded", "Failed", "Stopped")
#: Every state a wait can look for: a group's instance-view or provisioning state, a
#: container's current state.
GROUP_STATES = ("Pending", "Creating", "Running", "Succeeded", "Failed", "Stopped")
CONTAINER_STATES = ("Waiting", "Running", "Terminated")
DEFAULT_TIMEOUT = 600.0
_ARROW = " → "


def _disabled() -> bool:
    # tqdm reads TQDM_DISABLE only at import and tqdm.notebook overrides it with an explicit
    # disable=False, so we read it ourselves, at call time.
    value = os.environ.get("TQDM_DISABLE", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


class Poll:
    """The polling budget of a helper's own loop.

    Counts real time, or the time slept through the session, whichever is larger: on the
    emulator's instant clock a sleep takes no real time, yet the timeout must still end it.
    """

    def __init__(self, session: "Session", timeout: float | None) -> None:
        self.session, self.timeout = session, timeout
        self.start, self.slept = time.monotonic(), 0.0

    def expired(self) -> bool:
        """True once the timeout has passed in real or slept time (never without a timeout)."""
        elapsed = max(time.monotonic() - self.start, self.slept)
        return self.timeout is not None and elapsed >= self.timeout

    def sleep(self) -> None:
        """Sleep one polling interval through the session and count it."""
        self.session.sleep(self.session.polling_interval)
        self.slept += self.session.polling_interval


def _in_kernel() -> bool:
    """True when stdout goes to a Jupyter front end (an IPython kernel's stream), which
    redraws a line on a carriage return: JupyterLab, Notebook, Voilà, VS Code, nbclient."""
    return type(sys.stdout).__module__.startswith("ipykernel.")


class _Progress:
    """A label that lists state transitions; no bar, no timings (reproducible outputs)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.states: list[str] = []
        self.disabled = _disabled()
        self._bar: Any = None
        self._inline = False  # a line drawn on a kernel's stdout, not yet ended
        self._closed = False
        if self.disabled:
            return
        if _in_kernel():
            self._inline = True
            self._draw()
        else:
            from tqdm import tqdm  # noqa: PLC0415 - text on stderr, never the widget

            self._bar = tqdm(total=None, desc=label, bar_format="{desc}", leave=False,
                             disable=False)

    @property
    def text(self) -> str:
        """The label, followed by the states seen so far."""
        return f"{self.label}: {_ARROW.join(self.states)}" if self.states else self.label

    def _draw(self, end: str = "") -> None:
        # The text only grows (states are appended), so redrawing over it leaves no tail.
        print("\r" + self.text, end=end, flush=True)

    def see(self, state: str | None) -> None:
        """Add ``state`` (``None`` shows as ``?``) unless it repeats the last one."""
        state = state or "?"
        if not self.states or self.states[-1] != state:
            self.states.append(state)
            if self._inline:
                self._draw()
            elif self._bar is not None:
                self._bar.set_description_str(self.text, refresh=True)

    def close(self, summary: bool = True) -> None:
        """End the display (once). With ``summary`` the final line stays (kernel) or is
        printed (elsewhere); without, a kernel's line is ended as it stands."""
        if self._closed:
            return
        self._closed = True
        if self._inline:
            if summary:
                self._draw(end="\n")
            else:
                print(flush=True)
            return
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if summary and not self.disabled:
            print(self.text, flush=True)


def _describe_poller(poller: "LROPoller[Any]") -> tuple[str, str | None]:
    """('create aci-1', 'aci-1') from the poller's first request, when it can be read."""
    try:
        request = poller.polling_method()._initial_response.http_request  # type: ignore[attr-defined]
        method, url = request.method.upper(), request.url.split("?")[0]
    except AttributeError:
        return "operation", None
    match = re.search(r"/(containerGroups|resourcegroups)/([^/]+)(/(\w+))?$", url, re.I)
    if not match:
        return "operation", None
    name, action = match.group(2), match.group(4)
    verb = action or {"PUT": "create", "DELETE": "delete", "PATCH": "update"}.get(method, method.lower())
    kind = "resource group " if match.group(1).lower() == "resourcegroups" else ""
    return f"{verb} {kind}{name}", name


# azure-core's placeholder while an operation runs; it says nothing the first state did not.
_GENERIC_STATUS = "InProgress"


def _initial_state(poller: "LROPoller[Any]") -> str | None:
    """The state the service answered the first request with (ACI's PUT says "Pending").

    Read from the initial response, not from ``poller.status()``: the SDK polls in a
    thread, so what ``status()`` shows first depends on timing. ``None`` if unknown.
    """
    try:
        response = poller.polling_method()._initial_response.http_response  # type: ignore[attr-defined]
        text = response.text()
        body = json.loads(text) if text else None
    except (AttributeError, ValueError):
        return None
    if isinstance(body, dict) and isinstance(body.get("properties"), dict):
        state = body["properties"].get("provisioningState")
        if isinstance(state, str) and state:
            return state
    # Accepted without a state (e.g. a resource group's DELETE: 202, no body): still running.
    return _GENERIC_STATUS if getattr(response, "status_code", None) in (201, 202) else None


def wait_for_operation(
    poller: "LROPoller[T]", *, label: str | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> T:
    """Wait for an SDK long-running operation (``begin_*``) and return its result.

    Shows the operation's status as it changes (Pending → Succeeded). Errors the service
    sends are raised as the SDK raises them (``HttpResponseError``).
    """
    auto_label, name = _describe_poller(poller)
    progress = _Progress(label or auto_label)
    start = time.monotonic()
    first = _initial_state(poller)

    def see(status: str | None) -> None:
        """Show a polled status on the label."""
        # Deterministic label: the initial state, then only real states from the polls. An
        # answer without a state (start/restart: 204, no body) shows none of the poller's
        # generic "InProgress": whether its thread has finished yet is a matter of timing.
        if status == _GENERIC_STATUS and (progress.states or first is None):
            return
        progress.see(status)

    try:
        see(first or poller.status())
        while not poller.done():
            if timeout is not None and time.monotonic() - start > timeout:
                raise WaitTimeout(
                    f"{progress.label}: still {poller.status()} after {timeout:g} s. It goes on "
                    "in Azure; wait again with wait(poller) or check it with get()."
                )
            poller.wait(0.2)  # raises the operation's error, as result() does
            see(poller.status())
        result = poller.result()
        see(poller.status())
        return result
    except HttpResponseError as err:
        # The operation ended Failed (a failed create): say so before the error is raised,
        # whatever the polling thread's status() says at this instant.
        if isinstance(err.__cause__, OperationFailed):
            see("Failed")
        raise
    except KeyboardInterrupt:
        progress.close(summary=False)
        # wait_for_state reads a container group: no help for a deletion or a resource group.
        follow = name and not progress.label.startswith(("delete ", "resource group "))
        follow = follow and " resource group " not in progress.label
        hint = "wait(poller)" + (f" or wait_for_state(s, {name!r})" if follow else "")
        print(f"Stopped waiting; {progress.label} goes on in Azure, untouched. "
              f"To wait again: {hint}.", flush=True)
        raise
    finally:
        progress.close()


def _container_state(group: "ContainerGroup", container: str) -> str | None:
    for c in group.containers:
        if c.name == container:
            view = c.instance_view
            if view is None or view.current_state is None:
                return None
            return view.current_state.state
    raise ValueError(
        f"container group {group.name!r} has no container {container!r}; it has "
        f"{', '.join(c.name for c in group.containers)}"
    )


def settled_states(group: "ContainerGroup") -> tuple[str, ...]:
    """The states in which ``group`` has settled: a server's ``Running`` is one, a task's is not."""
    return GROUP_FINAL_STATES if restart_policy(group).lower() == "always" else TASK_FINAL_STATES


def wait_for_state(
    session: "Session",
    name: str,
    states: str | Iterable[str] | None = None,
    *,
    container: str | None = None,
    resource_group: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> "ContainerGroup":
    """Poll a container group until its state (or ``container``'s) is one of ``states``.

    Returns the last ``ContainerGroup`` read (with its instance view). Group states are
    Pending, Running, Succeeded, Failed, Stopped; a container's are Waiting, Running,
    Terminated. Without ``states``, waits until the group has settled: Running (or Stopped,
    Failed) for a server, Succeeded, Failed or Stopped for a task (restart policy Never or
    OnFailure), which is still at work while Running. A group whose provisioning failed
    ends the wait too.
    """
    wanted = _wanted_states(states, container is not None)
    rg = resource_group or session.resource_group
    label = f"{name}/{container}" if container else name
    progress = _Progress(label)
    poll = Poll(session, timeout)
    resume = f"wait_for_state(s, {name!r}" + (f", container={container!r}" if container else "") + ")"
    try:
        while True:
            group = session.aci.container_groups.get(rg, name)
            state = _container_state(group, container) if container else group_state(group)
            progress.see(state)
            if wanted is None:
                wanted = ("Running", "Terminated") if container else settled_states(group)
            if state in wanted:
                return group
            if group.provisioning_state == "Failed":
                progress.see("provisioning Failed")
                return group
            if container and group_state(group) == "Stopped":
                # A stopped group's containers have no instance view: nothing will change.
                progress.see("group Stopped")
                return group
            if poll.expired():
                raise WaitTimeout(
                    f"{label} is still {state} after {timeout:g} s (waiting for "
                    f"{' or '.join(wanted)}). Nothing was changed; wait again with {resume}."
                )
            poll.sleep()
    except KeyboardInterrupt:
        progress.close(summary=False)
        print(f"Stopped waiting; {label} was left as it is. To wait again: {resume}.", flush=True)
        raise
    finally:
        progress.close()


def _wanted_states(states: str | Iterable[str] | None, container: bool
                   ) -> tuple[str, ...] | None:
    """``states`` as the service spells them ("running" -> "Running"); unknown ones refused.
    ``None`` stays None: wait until the group has settled."""
    if states is None:
        return None
    known = CONTAINER_STATES if container else GROUP_STATES
    given = [states] if isinstance(states, str) else list(states)
    spelled = {k.lower(): k for k in known}
    out = [spelled.get(s.lower()) if isinstance(s, str) else None for s in given]
    if not given or None in out:
        what = "a container" if container else "a container group"
        raise ArgumentError(
            f"wait_for_state(states={states!r}): the states of {what} are "
            f"{', '.join(known)}; pass one of them or a list of them.")
    return tuple(s for s in out if s is not None)


def wait_for_container(
    session: "Session",
    name: str,
    container: str | None = None,
    *,
    resource_group: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> "ContainerGroup":
    """Wait until ``container`` (default: the group's first) is Terminated, e.g. a task's end."""
    if container is None:
        group = session.aci.container_groups.get(resource_group or session.resource_group, name)
        container = group.containers[0].name
    return wait_for_state(session, name, ("Terminated",), container=container,
                          resource_group=resource_group, timeout=timeout)


def wait_for_restarts(
    session: "Session",
    name: str,
    at_least: int = 2,
    *,
    container: str | None = None,
    resource_group: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> "ContainerGroup":
    """Poll until ``container`` (default: the group's first) has restarted ``at_least`` times:
    a crash loop caught in the act. The progress line lists the restart counts seen."""
    rg = resource_group or session.resource_group
    progress = _Progress(f"{name}: restarts")
    poll = Poll(session, timeout)
    try:
        while True:
            group = session.aci.container_groups.get(rg, name)
            c = next((c for c in group.containers if container in (None, c.name)), None)
            if c is None:
                raise ValueError(f"{name} has no container {container!r}")
            count = (c.instance_view.restart_count or 0) if c.instance_view else 0
            progress.see(str(count))
            if count >= at_least:
                return group
            if poll.expired():
                raise WaitTimeout(f"{name} restarted {count} time(s) in {timeout:g} s, not "
                                  f"{at_least}. Nothing was changed.")
            poll.sleep()
    finally:
        progress.close()


def wait(target: Any, *args: Any, **kwargs: Any) -> Any:
    """``wait(poller)`` waits for an operation; ``wait(s, name)`` for a group's final state."""
    from azure.core.polling import LROPoller  # noqa: PLC0415

    if isinstance(target, LROPoller):
        return wait_for_operation(target, *args, **kwargs)
    from .session import Session  # noqa: PLC0415

    if isinstance(target, Session):
        return wait_for_state(target, *args, **kwargs)
    raise TypeError("wait() takes an LROPoller (from a begin_* call) or (session, group name)")
