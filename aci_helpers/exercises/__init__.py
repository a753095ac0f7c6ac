"""The checks of the notebooks' "Try it" exercises.

Each check reads the cloud (and the learner's answer) and returns a :class:`Feedback`:
``Not yet: <hint>`` for the unfilled skeleton and for each common mistake, ``Pass: <what was
seen>`` only when the cloud shows the result. A check never changes anything in the cloud;
it never blames the learner for a group it did not make (it says what it found and how to
get out). The cell convention (tags ``exercise`` / ``check`` / ``solution``) is described in
the README.

Modules: :mod:`.feedback` (the answer), :mod:`.cloud` (what checks read; what an exercise
cell does before sending an answer), then one module per topic, named for what it checks.
"""

from __future__ import annotations

from collections.abc import Callable

from .cloud import delete_if_not_updatable
from ..progress import recorded
from .feedback import Feedback
from .images import check_identity_pull
from .inside import check_admin_code
from .lifecycle import check_deleted, check_stopped
from .reading import check_container_states, check_public_fqdns
from .resource_groups import check_tutorial_groups
from .restarts import check_fixed_loop
from .sizing import check_lean_group, check_try_group
from .spot import check_spot_task
from .tasks import check_two_commands, check_word_count
from .volumes import check_share_reader

#: Each notebook's check, by the notebook's number.
CHECKS: dict[str, Callable[..., Feedback]] = {
    "00": check_tutorial_groups, "01": check_try_group, "02": check_lean_group,
    "03": check_word_count, "03b": check_two_commands, "04": check_public_fqdns,
    "05": check_container_states, "06": check_deleted, "07": check_stopped,
    "08": check_identity_pull, "09": check_share_reader, "10": check_fixed_loop,
    "11": check_spot_task, "12": check_admin_code,
}

# Every check records its outcome where a workshop's trainer can see it (progress.py: only in
# a workshop's resource group; never the answer; off with ACI_PROGRESS=off; never fails the
# check). Wrapped here, once, so that the checks' own modules stay about what they check.
for _notebook, _check in CHECKS.items():
    CHECKS[_notebook] = globals()[_check.__name__] = recorded(
        _notebook, _check.__name__.removeprefix("check_"))(_check)
del _notebook, _check

__all__ = [
    "CHECKS", "Feedback", "check_admin_code", "check_container_states", "check_deleted",
    "check_fixed_loop",
    "check_identity_pull", "check_lean_group", "check_public_fqdns", "check_share_reader",
    "check_spot_task", "check_stopped", "check_try_group", "check_tutorial_groups",
    "check_two_commands", "check_word_count", "delete_if_not_updatable",
]
