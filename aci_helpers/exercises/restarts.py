"""10's check: a crash-looping task fixed with the right restart policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..diagnosis import diagnose
from ..models import enum_text, restart_policy
from .cloud import get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session


def check_fixed_loop(s: "Session", name: str, my_restart_policy: Any) -> Feedback:
    """10: the word count ``name`` ran once: a task's restart policy, no restart, exit 0."""
    if unanswered(my_restart_policy):
        return not_yet("my_restart_policy is still None: which restart policy runs a task once?")
    policy = str(enum_text(my_restart_policy))
    if policy.lower() == "always":
        return not_yet("'Always' is what restarts the finished task again and again.")
    if policy.lower() not in ("never", "onfailure"):
        return not_yet(f"{policy!r} is not a restart policy: 'Always', 'OnFailure' or 'Never'.")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud: run the cell (it deletes the old group and "
                       "creates it again).")
    actual = restart_policy(group)
    if actual.lower() != policy.lower():
        return not_yet(f"{name} in the cloud still has restart policy {actual}: a restart policy "
                       "cannot change in place, the cell must delete the group first.")
    d = diagnose(s, name)
    if d.kinds != ["completed"]:
        seen = d.findings[0].what if d.findings else "no state"
        return not_yet(f"{name} is not a completed task yet: {seen}.")
    restarts = group.containers[0].instance_view.restart_count or 0
    return passed(f"{name} ran once with restart policy {actual}: exit code 0, {restarts} "
                  "restarts, and diagnose() sees nothing wrong.")
