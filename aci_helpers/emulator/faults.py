"""Injected faults: ARM errors on demand, for tests and for demonstrating transient errors.

The emulator never fails on its own (real ARM sometimes does: throttling, no capacity,
internal errors). ``Emulator.inject_fault`` queues an error for the next requests that
match; each is answered with the ARM envelope, and, like every refused request, changes
nothing. Faults live in the Emulator object (this process only), not in the state file. A served
emulator keeps each client's faults for that client's requests only (``session``,
``overlays.py``).

``during="operation"`` injects the other form a failure takes on Azure: the create (a PUT
of a container group) is accepted, and its long-running operation ends ``Failed`` with the
error (a region out of capacity, as public reports show it: Azure/Azure-Landing-Zones#2404).

Note that azure-core's retry policy retries 408, 429, 500, 502, 503 and 504 by itself (three
times by default), as it does against Azure; a 409 or 4xx fault reaches the caller at once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from .errors import InjectedFault


@dataclass
class Fault:
    """One queued fault: which requests it answers, with what, and how many more times."""

    method: str
    path: re.Pattern[str]
    status: int
    code: str
    message: str
    remaining: int
    retry_after: int | None
    session: str | None = None  # a served emulator's client: its requests only; None: all
    during: str = "request"     # "request": the answer; "operation": the create's outcome
    event: str | None = None    # during="operation": the Warning event's name


@dataclass(frozen=True)
class OperationFault:
    """A create the emulator accepts and then fails: its operation's error, and the Warning
    event the operation and the group show (``message``/``event`` None: the model's default
    for the code)."""

    code: str
    message: str | None
    event: str | None


#: Faults queued at most at once (a served emulator takes them from every client).
MAX_FAULTS = 1000


class Faults:
    """The queue of injected faults, safe across threads (the SDK polls in a thread)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, method: str, path: str, *, status: int, code: str, message: str | None,
            times: int, retry_after: int | None, session: str | None = None,
            during: str = "request", event: str | None = None) -> None:
        """Queue a fault (for ``session``'s requests only, when given); raise ValueError,
        changing nothing, when an argument is wrong."""
        if not isinstance(method, str) or not method.strip().isalpha():
            raise ValueError(f"method must be an HTTP method such as 'GET' or 'PUT', not {method!r}")
        try:
            pattern = re.compile(path, re.IGNORECASE)
        except (re.error, TypeError) as err:
            raise ValueError(f"path must be a regular expression searched in the request path "
                             f"(e.g. r'/containerGroups$'), not {path!r}: {err}") from None
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error status from 400 to 599, not {status!r}")
        if not isinstance(code, str) or not code:
            raise ValueError(f"code must be a non-empty ARM error code, not {code!r}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a positive integer, not {times!r}")
        if retry_after is not None and (isinstance(retry_after, bool)
                                        or not isinstance(retry_after, int) or retry_after < 0):
            raise ValueError(f"retry_after must be a non-negative integer or None, not {retry_after!r}")
        if during not in ("request", "operation"):
            raise ValueError(f"during must be 'request' (the answer) or 'operation' (the create's "
                             f"long-running operation fails), not {during!r}")
        if during == "operation" and method.strip().upper() != "PUT":
            raise ValueError("during='operation' fails the operation of a create: the method is "
                             f"'PUT' (of a container group), not {method!r}")
        if event is not None and (during != "operation" or not isinstance(event, str) or not event):
            raise ValueError("event names the Warning event of a failed operation: a non-empty "
                             "string, with during='operation'")
        text = message if during == "operation" else message or (
            f"The emulator was asked to fail this request (Emulator.inject_fault, code {code}).")
        with self._lock:
            if len(self._faults) >= MAX_FAULTS:
                raise ValueError(f"{MAX_FAULTS} faults are queued already: let some requests "
                                 "take them (or reset the emulator) before adding more")
            self._faults.append(Fault(method.strip().upper(), pattern, status, code, text,
                                      times, retry_after, session, during, event))

    def check(self, method: str, path: str, session: str | None = None) -> OperationFault | None:
        """Raise the first queued fault that matches this request (of ``session``), if any; for
        a fault ``during="operation"``, return it instead (the request goes on, its operation
        fails)."""
        with self._lock:
            for fault in self._faults:
                if fault.method == method and fault.session in (None, session) \
                        and fault.path.search(path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    break
            else:
                return None
        if fault.during == "operation":
            return OperationFault(fault.code, fault.message, fault.event)
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        raise InjectedFault(fault.message, fault.code, fault.status, headers)

    def clear(self) -> None:
        """Forget every queued fault."""
        with self._lock:
            self._faults.clear()
