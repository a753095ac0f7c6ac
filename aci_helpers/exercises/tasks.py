"""03's and 03b's checks: the learner writes a task's model (03: the container group, with its
environment variables and restart policy; 03b: the container and its command line), sends
it, and the check reads its exit code and what it printed."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..models import enum_text, restart_policy
from .cloud import container_state, get_group
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from azure.mgmt.containerinstance.models import Container, ContainerGroup

    from ..session import Session

WORDCOUNT = "mcr.microsoft.com/azuredocs/aci-wordcount"
TASK_POLICIES = ("never", "onfailure")
NOT_FOUND = "executable file not found"


def _log(s: "Session", name: str, group: Any) -> str:
    return s.aci.containers.list_logs(s.resource_group, name, group.containers[0].name).content or ""


def _env(container: "Container") -> dict[str, Any]:
    """{name: value} of a container's environment variables (secure ones: their secure value)."""
    return {v.name: v.value if v.value is not None else v.secure_value
            for v in container.environment_variables or []}


def _activation_failure(group: "ContainerGroup") -> str | None:
    """The message of a create that failed because the container's program does not exist
    (Azure's CodePackage activation error, as public reports show it), else None."""
    if (group.provisioning_state or "").lower() != "failed":
        return None
    view = group.containers[0].instance_view
    for event in (view.events or []) if view is not None else []:
        if NOT_FOUND in (event.message or ""):
            return event.message
    for event in (group.instance_view.events or []) if group.instance_view is not None else []:
        if NOT_FOUND in (event.message or ""):
            return event.message
    return "the create failed"


# ---- 03: the word count's model ------------------------------------------------------------

def _task_model_hint(my_task: Any, name: str) -> str | None:
    """What is wrong with the learner's ``my_task`` (the model, before the cloud), else None."""
    from azure.mgmt.containerinstance.models import ContainerGroup  # noqa: PLC0415

    if not isinstance(my_task, ContainerGroup):
        return (f"my_task is a {type(my_task).__name__}, not a ContainerGroup: the model classes "
                "of the cell above (ContainerGroup, Container, EnvironmentVariable...) build it.")
    if not my_task.containers or len(my_task.containers) != 1:
        return "my_task should hold one container: the word count."
    container = my_task.containers[0]
    if (container.image or "").split(":")[0] != WORDCOUNT:
        return (f"its container runs {container.image!r}; the word count is the image "
                f"{WORDCOUNT}.")
    if isinstance(container.command, str):
        return "a command is a list of strings, one item per argument, never one string."
    if container.command and any("romeo" in part for part in container.command):
        return ("it counts Romeo and Juliet: the exercise wants Hamlet, which the image counts "
                "by default. Leave command out (None).")
    policy = enum_text(my_task.restart_policy)
    if policy is None:
        return ("my_task sets no restart policy, so Azure uses Always: the word count would "
                "start again each time it ends (and bill). Which policy runs a task once?")
    if policy.lower() not in TASK_POLICIES:
        return (f"restart policy {policy!r} starts the word count again each time it ends: a "
                "task needs one that lets it stop.")
    env = _env(container)
    secure = [v.name for v in container.environment_variables or [] if v.secure_value is not None]
    if secure:
        return (f"{', '.join(secure)} is a secure_value: Azure never returns it, so neither you "
                "nor the check can read it back. Settings take value=; secure_value is for "
                "secrets.")
    wrong_case = [n for n in env if n.lower() in ("numwords", "minlength")
                  and n not in ("NumWords", "MinLength")]
    if wrong_case:
        return (f"the script reads NumWords and MinLength, and names are case-sensitive: "
                f"{', '.join(wrong_case)} is another variable, which it ignores.")
    missing = [n for n in ("NumWords", "MinLength") if n not in env]
    if missing:
        return (f"no {' and no '.join(missing)}: the script reads how many words to print "
                "(NumWords) and the shortest word that counts (MinLength) from environment "
                "variables.")
    values = (str(env["NumWords"]), str(env["MinLength"]))
    if values == ("10", "3"):
        return ("swapped: NumWords is how many words to print (3), MinLength the shortest "
                "word that counts (10).")
    if values != ("3", "10"):
        return (f"the exercise asks for the 3 most frequent words of at least 10 letters; you "
                f"set NumWords={values[0]} and MinLength={values[1]}.")
    return None


def check_word_count(s: "Session", name: str, my_task: Any) -> Feedback:
    """03: ``my_task`` (the learner's model) ran as ``name`` once, with NumWords=3 and
    MinLength=10, and printed Hamlet's 3 most frequent words of 10 letters or more."""
    if unanswered(my_task):
        return not_yet("my_task is still None: describe the task with the model classes, as the "
                       "cell above does for Romeo and Juliet: what its container runs, what it "
                       "is told, and what happens when it ends.")
    hint = _task_model_hint(my_task, name)
    if hint:
        return not_yet(hint)
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud yet: run the cell, it sends my_task.")
    sent_env = _env(group.containers[0])
    if (str(sent_env.get("NumWords")), str(sent_env.get("MinLength"))) != ("3", "10") or \
            restart_policy(group).lower() not in TASK_POLICIES or \
            (group.containers[0].image or "").split(":")[0] != WORDCOUNT or \
            any("romeo" in part for part in group.containers[0].command or []):
        return not_yet(f"the task in the cloud is not your my_task (restart policy "
                       f"{restart_policy(group)}, NumWords={sent_env.get('NumWords')}, "
                       f"MinLength={sent_env.get('MinLength')}): run the cell again to send it.")
    state, code = container_state(group)
    if state != "Terminated":
        return not_yet(f"{name} is still {state or 'starting'}: wait for it to end with "
                       f"wait_for_container(s, {name!r}).")
    if code != 0:
        return not_yet(f"the task failed (exit code {code}): read its log with "
                       f"get_logs(s, {name!r}).")
    text = _log(s, name, group)
    try:
        words = [(str(w), int(c)) for w, c in ast.literal_eval(text)]
    except (ValueError, SyntaxError, TypeError):
        return not_yet(f"the log of {name} is not a list of (word, count): print it with "
                       f"get_logs(s, {name!r}).")
    if len(words) != 3 or any(len(w) < 10 for w, _ in words):
        return not_yet(f"the log shows {words}: not 3 words of at least 10 letters.")
    return passed(f"{name} ran once (restart policy {restart_policy(group)}) with NumWords=3 and "
                  "MinLength=10, and printed Hamlet's 3 most frequent words of at least 10 "
                  "letters: " + ", ".join(f"{w} ({c})" for w, c in words) + ".")


# ---- 03b: a container that runs two commands ------------------------------------------------

def _container_hint(my_container: Any, name: str) -> str | None:
    """What is wrong with the learner's ``my_container`` (before the cloud), else None."""
    from azure.mgmt.containerinstance.models import Container, ContainerGroup  # noqa: PLC0415

    if isinstance(my_container, ContainerGroup):
        return ("my_container is a whole ContainerGroup: the cell makes the group; write the "
                "Container that goes in it.")
    if not isinstance(my_container, Container):
        return f"my_container is a {type(my_container).__name__}, not a Container."
    if my_container.name != name:
        return f"name the container {name!r} (two_name), as the group; it is {my_container.name!r}."
    if not my_container.image:
        return "the container has no image: the word-count image has a shell, any Linux image would do."
    if my_container.resources is None or my_container.resources.requests is None:
        return ("the container requests no CPU and memory (resources): Azure refuses a "
                "container without its requests.")
    command = my_container.command
    if command is None:
        return ("my_container has no command, so its image's own runs (the word count): set "
                "command to the command line that runs both echo commands.")
    if isinstance(command, str):
        return "the command is a list of strings, one item per argument, not one string."
    if not isinstance(command, (list, tuple)) or not command or \
            not all(isinstance(a, str) for a in command):
        return "the command should be a non-empty list of strings."
    return None


def _no_such_program(command: list[str]) -> str:
    return (f"there is no program named {command[0]!r}. Each item is one argument, with no "
            "shell to split it; to run two commands, run a shell: "
            "['/bin/sh', '-c', '<both commands>'].")


def check_two_commands(s: "Session", name: str, my_container: Any) -> Feedback:
    """03b: the learner's container ran as the task ``name`` and printed ``FOO`` then ``BAR``."""
    if unanswered(my_container):
        return not_yet("my_container is still None: write the Container (a name, an image, the "
                       "CPU and memory it requests, and a command) whose command line runs "
                       "'echo FOO' and then 'echo BAR', then run the cell.")
    hint = _container_hint(my_container, name)
    if hint:
        return not_yet(hint)
    command = list(my_container.command)
    group = get_group(s, name)
    if group is None:
        return not_yet(f"{name} is not in the cloud yet: run the cell, it sends my_container "
                       "in a task group.")
    ran = list(group.containers[0].command or [])
    if ran != command:
        return not_yet(f"the task in the cloud ran {ran}: run the cell again to send "
                       f"{command}.")
    failure = _activation_failure(group)
    if failure:
        return not_yet(f"the create failed, the container could not start ({failure[:90]}): "
                       + _no_such_program(command))
    state, code = container_state(group)
    if state != "Terminated":
        return not_yet(f"{name} is still {state or 'starting'}: wait for it with "
                       f"wait_for_container(s, {name!r}).")
    lines = _log(s, name, group).splitlines()
    if code == 127 and not command[0].endswith("sh"):
        return not_yet(f"exit code 127: {_no_such_program(command)}")
    if code != 0:
        return not_yet(f"the task ended with exit code {code}; its log: {lines[:3]}.")
    if lines == ["FOO", "BAR"]:
        return passed(f"{name} ran {command} and printed FOO, then BAR.")
    if len(lines) == 1 and "echo" in lines[0]:
        return not_yet(f"echo printed the rest as text ({lines[0]!r}): ';' and '&&' mean "
                       "something only to a shell. Run one: ['/bin/sh', '-c', "
                       "'echo FOO; echo BAR'].")
    if lines == ["FOO"]:
        return not_yet("only FOO: after the script of 'sh -c', the next items become its "
                       "arguments ($0, $1...), they are not run. Put both commands in the one "
                       "string after -c.")
    return not_yet(f"the log is {lines[:4]}; FOO then BAR is wanted.")
