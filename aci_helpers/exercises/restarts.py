"""10's check: the learner fixes a looping word count in the cloud with the SDK calls
themselves: a task's restart policy, which cannot change in place (delete, then create)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..diagnosis import diagnose
from ..models import enum_text, restart_policy
from .cloud import get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session


def check_fixed_loop(s: "Session", name: str, fixed: Any) -> Feedback:
    """10: ``fixed`` (the learner's task) replaced the looping ``name`` in the cloud: a task's
    restart policy, no restart, exit 0."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if unanswered(fixed):
        return not_yet("fixed is still None: which restart policy runs a task once? Build the "
                       "word count with it, then replace the group in the cloud with it.")
    if not isinstance(fixed, ContainerGroup):
        return not_yet(f"fixed is a {type(fixed).__name__}, not a ContainerGroup: build it with "
                       "task_container_group(loop_name, s.location, restart_policy=...).")
    policy = enum_text(fixed.restart_policy) or "Always"
    if policy.lower() == "always":
        return not_yet(f"fixed has restart policy {policy}, which is what restarts the finished "
                       "task again and again.")
    if policy.lower() not in ("never", "onfailure"):
        return not_yet(f"{policy!r} is not a restart policy: 'Always', 'OnFailure' or 'Never'.")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud: after deleting it, create it again with "
                       "fixed (begin_create_or_update, and wait for it).")
    actual = restart_policy(group)
    if actual.lower() != policy.lower():
        return not_yet(f"{name} in the cloud still has restart policy {actual}. A restart policy "
                       "cannot change in place (notebook 05): Azure refuses an update of it "
                       "(InvalidContainerGroupUpdate). Delete the group first (begin_delete, "
                       "and wait for it), then create it with fixed.")
    d = diagnose(s, name)
    if d.kinds != ["completed"]:
        seen = d.findings[0].what if d.findings else "no state"
        return not_yet(f"{name} is not a completed task yet: {seen} (wait_for_container(s, "
                       f"{name!r}) waits for it).")
    restarts = group.containers[0].instance_view.restart_count or 0
    return passed(f"{name} ran once with restart policy {actual}: exit code 0, {restarts} "
                  "restarts, and diagnose() sees nothing wrong.")
