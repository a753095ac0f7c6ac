"""12's check: the admin code the app wrote into its scratch volume, found from inside.

Nothing outside the container shows it (the group's JSON has no file of a volume, the log
does not print it): the learner reads it with exec. The check reads it the same way, to
compare; its "Not yet" hints never show the code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..models import enum_text
from .cloud import get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session

#: Where notebook 12's app writes its admin code (its emptyDir is mounted at /mnt/work).
ADMIN_CODE_FILE = "/mnt/work/admin-code.txt"

_RUNTIME_REFUSAL = re.compile(r"oci runtime error|exec failed|stat .+: no such file or directory",
                              re.IGNORECASE)
_SHELL_ERROR = re.compile(r"can't open|no such file or directory|not found", re.IGNORECASE)


def _refused(answer: str) -> bool:
    """The answer is what the runtime says to a command given with arguments."""
    return bool(_RUNTIME_REFUSAL.search(answer))


def check_admin_code(s: "Session", name: str, my_answer: Any, container: str = "app") -> Feedback:
    """12: ``my_answer`` is the admin code that ``container`` of group ``name`` wrote into
    ``ADMIN_CODE_FILE``, as the file holds it now (read by exec, as the learner does)."""
    from ..terminal import ExecError, exec_command  # noqa: PLC0415 - websocket-client, on use

    if unanswered(my_answer):
        return not_yet("my_answer is still None: the app wrote its admin code into a file of "
                       "its scratch volume, /mnt/work. Read that file from inside the running "
                       "container (exec) and set my_answer to the code, as text.")
    if isinstance(my_answer, bytes):
        my_answer = my_answer.decode("utf-8", "replace")
    if isinstance(my_answer, int) and not isinstance(my_answer, bool):
        my_answer = str(my_answer)
    if not isinstance(my_answer, str):
        return not_yet(f"my_answer is a {type(my_answer).__name__}: set it to the code, as text "
                       "(a str), e.g. what exec_command(...) returns, .strip()ped.")
    answer = my_answer.strip()
    if answer.endswith("[[EOM]]"):
        return not_yet("that is the exec password, not the code: it only opens the socket. "
                       "Never print or keep it; send it, then read what the shell prints.")
    if _refused(answer):
        return not_yet("that is the runtime refusing the command: exec runs one program without "
                       "arguments, so 'cat /mnt/work/...' names a program of that whole name. "
                       "Start /bin/sh and type the command into it (exec_command does that).")
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud (notebook 06's clean-up, or a delete, removed "
                       "it): run this notebook from the top: its first section creates the app "
                       "again, and it writes a new code.")
    state = enum_text(group.instance_view.state) if group.instance_view else None
    if state == "Stopped":
        return not_yet(f"{name} is Stopped: nothing runs in it, so there is nothing to exec into. "
                       f"Start it (wait(s.aci.container_groups.begin_start(s.resource_group, "
                       f"{name!r}))); the app writes a new code when it starts: then read it.")
    if answer == "":
        return not_yet("my_answer is empty. If you read from the socket before sending the "
                       "password, nothing comes: the socket waits for the password as its first "
                       "message. Send it first, then read (or use exec_command).")
    if _SHELL_ERROR.search(answer):
        return not_yet("that is the shell's error, not the code: the file is not at that path. "
                       "List the volume first (ls /mnt/work), then cat the file it holds.")
    try:
        truth = exec_command(s, name, container, f"cat {ADMIN_CODE_FILE}", timeout=30).strip()
    except ExecError as err:
        return not_yet(f"the check could not look inside {name}: {err}")
    if truth and answer == truth:
        return passed(f"you read the admin code {truth} that the app wrote to {ADMIN_CODE_FILE} "
                      f"inside {name}: neither the group's JSON nor its log shows it.")
    if truth and truth in answer.split():
        return not_yet("my_answer holds more than the code: the terminal's prompt, the echo of "
                       "what was typed, or other lines. Keep only what the file holds "
                       "(exec_command returns just what the command printed; .strip() it).")
    if answer.isdigit():
        return not_yet("that is not the code the file holds now. The app writes a new code each "
                       "time it starts: if the group was restarted or started again since you "
                       "read it, read it again.")
    return not_yet("that is not what the app wrote. Look inside the container: list /mnt/work, "
                   "then print the file with cat.")
