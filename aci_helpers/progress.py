"""Progress a trainer can see: each exercise check's outcome, as tags on the participant's
resource group.

Only in a workshop (the resource group carries ``aci-tutorial-workshop``, which ``aci-tutorial
workshop setup`` put there): a learner on their own records nothing and sends no request.
What is recorded is the notebook, the exercise, pass or not yet, and when; never the answer,
code or output. On Azure the tags are the resource group's own (the participant can read
them: ``az group show``, or :func:`my_progress`); on the emulator, the same tags in its state.

Encoding (Azure allows 50 tags per resource group, names up to 512 characters, values up
to 256): one tag per notebook, ``aci-tutorial-progress-<notebook>``, whose value lists its
exercises as ``<exercise>=P<t>`` (passed at t) or ``<exercise>=N<t1>.<t2>`` (not yet: first
checked at t1, last at t2), separated by ``,``; times are Unix seconds in base 36 (6
characters until 2059). 13 notebooks take 13 tags.

Recording never fails a check: without the right to write tags, say, the check answers as
always and a one-line note says once per kernel that progress was not recorded.
``ACI_PROGRESS=off`` turns recording off.
"""

from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .session import WORKSHOP_TAG

if TYPE_CHECKING:
    from .session import Session

ENV = "ACI_PROGRESS"
TAG_PREFIX = "aci-tutorial-progress-"
MAX_TAGS = 50  # Azure: tags per resource group
MAX_VALUE = 256  # Azure: characters of a tag value
_NOTEBOOK = re.compile(r"[0-9]{2}[a-z]?")
_EXERCISE = re.compile(r"[a-z][a-z0-9_]{0,39}")
_ENTRY = re.compile(r"([a-z][a-z0-9_]{0,39})=(?:P([0-9a-z]+)|N([0-9a-z]+)\.([0-9a-z]+))")
_noted: set[str] = set()  # what this kernel has said once already


@dataclass(frozen=True)
class Outcome:
    """One exercise's record: passed (at ``since``) or not yet (first checked at ``since``,
    last at ``last``)."""

    notebook: str
    exercise: str
    passed: bool
    since: float
    last: float


def b36(t: float) -> str:
    """A whole number (seconds, micro-dollars) in base 36: 6 characters for today's Unix time."""
    n, out = int(t), ""
    while True:
        n, r = divmod(n, 36)
        out = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + out
        if not n:
            return out


def encode(outcomes: list[Outcome]) -> str:
    """One notebook's tag value (the oldest entries dropped if it would pass 256 characters)."""
    parts = [f"{o.exercise}=P{b36(o.since)}" if o.passed else
             f"{o.exercise}=N{b36(o.since)}.{b36(o.last)}"
             for o in sorted(outcomes, key=lambda o: o.last)]
    while len(",".join(parts)) > MAX_VALUE:
        parts.pop(0)
    return ",".join(parts)


def decode(notebook: str, value: str) -> list[Outcome]:
    """The outcomes a tag value holds (what it cannot read is left out)."""
    out = []
    for part in (value or "").split(","):
        m = _ENTRY.fullmatch(part.strip())
        if not m:
            continue
        if m.group(2):
            t = int(m.group(2), 36)
            out.append(Outcome(notebook, m.group(1), True, t, t))
        else:
            out.append(Outcome(notebook, m.group(1), False, int(m.group(3), 36),
                               int(m.group(4), 36)))
    return out


def read_progress(tags: dict[str, str] | None) -> list[Outcome]:
    """Every outcome recorded in a resource group's tags, oldest activity first."""
    out = []
    for name, value in (tags or {}).items():
        if name.lower().startswith(TAG_PREFIX):
            out += decode(name[len(TAG_PREFIX):].lower(), value)
    return sorted(out, key=lambda o: o.last)


def merge(tags: dict[str, str], notebook: str, exercise: str, passed: bool,
          now: float) -> dict[str, str]:
    """``tags`` with this check's outcome added (a pass is kept: a later 'not yet', after
    running the skeleton again, does not undo it)."""
    name = TAG_PREFIX + notebook
    key = next((k for k in tags if k.lower() == name), name)  # tag names are case-insensitive
    mine = {o.exercise: o for o in decode(notebook, tags.get(key, ""))}
    old = mine.get(exercise)
    if old is not None and old.passed:
        return dict(tags)
    if passed:
        mine[exercise] = Outcome(notebook, exercise, True, now, now)
    else:
        mine[exercise] = Outcome(notebook, exercise, False, old.since if old else now, now)
    out = dict(tags)
    out[key] = encode(list(mine.values()))
    return out


def recording_on(session: "Session") -> bool:
    """Whether checks record here: not turned off, and a workshop's resource group (by the
    settings file, or by setup's naming: the tag is checked before writing)."""
    if os.environ.get(ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return False
    settings = getattr(session, "settings", None)
    return bool(getattr(settings, "workshop", None)) or str(
        getattr(session, "resource_group", "")).startswith("aci-ws-")


def record_progress(session: "Session", notebook: str, exercise: str, outcome: Any) -> Any:
    """Record a check's outcome for the trainer; returns ``outcome`` unchanged.

    ``outcome`` is the check's answer (anything with a ``passed`` attribute, or a bool).
    Never raises: a failure to record is one note, once per kernel."""
    try:
        if not recording_on(session):
            return outcome
        passed = bool(getattr(outcome, "passed", outcome))
        if not _NOTEBOOK.fullmatch(notebook) or not _EXERCISE.fullmatch(exercise):
            raise ValueError(f"notebook {notebook!r} / exercise {exercise!r} cannot name a record")
        groups = session.resources.resource_groups
        rg = groups.get(session.resource_group)
        tags = dict(rg.tags or {})
        if not tags.get(WORKSHOP_TAG):
            return outcome  # not a workshop's group: nothing to record, nothing to say
        new = merge(tags, notebook, exercise, passed, time.time())
        if len(new) > MAX_TAGS:
            raise ValueError(f"{session.resource_group} has {len(tags)} tags already and Azure "
                             f"allows {MAX_TAGS}")
        # The resource group's PATCH replaces its tags: the ones read above, plus this record.
        groups.update(session.resource_group, {"tags": new})
        _once("recorded", "(Recorded for your trainer: notebook, exercise, pass or not yet, and "
                          f"when, as tags on {session.resource_group}; never your code or "
                          f"answers. {ENV}=off turns this off.)")
    except Exception as err:  # noqa: BLE001 - recording must never fail a check
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
        _once("failed", f"(Your progress was not recorded for your trainer: {first}. The "
                        f"check's answer is unaffected. {ENV}=off stops trying.)")
    return outcome


def _once(key: str, text: str) -> None:
    if key not in _noted:
        _noted.add(key)
        print(text)


def recorded(notebook: str, exercise: str) -> Any:
    """Decorator for a check ``fn(s, ...)``: its answer is recorded with :func:`record_progress`."""
    def wrap(fn: Any) -> Any:
        @functools.wraps(fn)
        def check(s: Any, *args: Any, **kwargs: Any) -> Any:
            return record_progress(s, notebook, exercise, fn(s, *args, **kwargs))
        return check
    return wrap


def my_progress(session: "Session") -> list[Outcome]:
    """What your resource group records of your progress (what your trainer sees)."""
    return read_progress(session.resources.resource_groups.get(session.resource_group).tags)


def reset_notes() -> None:
    """Forget the notes said once (tests)."""
    _noted.clear()
