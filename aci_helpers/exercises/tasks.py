"""03's and 03b's checks: a task's environment variables and command line, its exit code and
what it printed."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from ..builders import task_container_group
from .cloud import container_state, get_group, not_from_this_cell
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session


def _log(s: "Session", name: str, group: Any) -> str:
    return s.aci.containers.list_logs(s.resource_group, name, group.containers[0].name).content or ""


def _the_task(s: "Session", name: str) -> tuple[Any, Feedback | None]:
    """The task ``name`` in the cloud, or what to do when it is not the exercise cell's."""
    group = get_group(s, name)
    if group is None:
        return None, not_yet(f"{name} is not in the cloud yet: run the cell, it creates the task.")
    foreign = not_from_this_cell(name, group, task_container_group(name, s.location))
    return group, not_yet(foreign) if foreign else None


def check_word_count(s: "Session", name: str, num_words: Any, min_length: Any) -> Feedback:
    """03: the task ``name`` ran with the learner's NumWords=3, MinLength=10 and printed them."""
    if num_words is None or min_length is None:
        return not_yet("set MY_NUM_WORDS (how many words to print) and MY_MIN_LENGTH (the "
                       "shortest word to count), then run the cell: it creates the task.")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (num_words, min_length)):
        return not_yet("MY_NUM_WORDS and MY_MIN_LENGTH should be whole numbers (the cell turns "
                       "them into the strings environment variables are).")
    if (num_words, min_length) == (10, 3):
        return not_yet("swapped: NumWords is how many words to print (3), MinLength the "
                       "shortest word that counts (10).")
    if (num_words, min_length) != (3, 10):
        return not_yet(f"the exercise asks for the 3 most frequent words of at least 10 "
                       f"letters; you set {num_words} and {min_length}.")
    group, missing = _the_task(s, name)
    if missing:
        return missing
    env = {v.name: v.value for v in group.containers[0].environment_variables or []}
    sent = (env.get("NumWords"), env.get("MinLength"))
    if sent != (str(num_words), str(min_length)):
        return not_yet(f"the task in the cloud ran with NumWords={sent[0]}, MinLength={sent[1]}: "
                       "run the cell again to send your values.")
    state, code = container_state(group)
    if state != "Terminated":
        return not_yet(f"{name} is still {state or 'starting'}: wait for it to end with "
                       f"wait_for_container(s, {name!r}).")
    if code != 0:
        return not_yet(f"the task failed (exit code {code}): read its log with "
                       f"get_logs(s, {name!r}).")
    text = _log(s, name, group)
    try:
        rows = ast.literal_eval(text)
        words = [(str(w), int(c)) for w, c in rows]
    except (ValueError, SyntaxError, TypeError):
        return not_yet(f"the log of {name} is not a list of (word, count): print it with "
                       f"get_logs(s, {name!r}).")
    if len(words) != num_words or any(len(w) < min_length for w, _ in words):
        return not_yet(f"the log shows {words}: not {num_words} words of at least "
                       f"{min_length} letters.")
    return passed(f"{name} ran with NumWords=3 and MinLength=10 and printed the 3 most frequent "
                  "words of at least 10 letters: " + ", ".join(f"{w} ({c})" for w, c in words) + ".")


def check_two_commands(s: "Session", name: str, command: Any) -> Feedback:
    """03b: the task ``name`` ran two commands and its log is ``FOO`` then ``BAR``."""
    if unanswered(command):
        return not_yet("my_command is still None: write the command list that runs "
                       "'echo FOO' and then 'echo BAR' in one container, then run the cell.")
    if isinstance(command, str):
        return not_yet("the command is a list of strings, one item per argument, not one "
                       "string.")
    if not isinstance(command, (list, tuple)) or not command or \
            not all(isinstance(a, str) for a in command):
        return not_yet("my_command should be a non-empty list of strings.")
    group, missing = _the_task(s, name)
    if missing:
        return missing
    ran = list(group.containers[0].command or [])
    if ran != list(command):
        return not_yet(f"the task in the cloud ran {ran}: run the cell again to send "
                       f"{list(command)}.")
    state, code = container_state(group)
    if state != "Terminated":
        return not_yet(f"{name} is still {state or 'starting'}: wait for it with "
                       f"wait_for_container(s, {name!r}).")
    if code == 127:
        return not_yet(f"exit code 127: there is no program named {command[0]!r}. Each item "
                       "is one argument, with no shell to split it; to run two commands, run a "
                       "shell: ['/bin/sh', '-c', '<both commands>'].")
    lines = _log(s, name, group).splitlines()
    if code != 0:
        return not_yet(f"the task ended with exit code {code}; its log: {lines[:3]}.")
    if lines == ["FOO", "BAR"]:
        return passed(f"{name} ran {list(command)} and printed FOO, then BAR.")
    if len(lines) == 1 and "echo" in lines[0]:
        return not_yet(f"echo printed the rest as text ({lines[0]!r}): ';' and '&&' mean "
                       "something only to a shell. Run one: ['/bin/sh', '-c', "
                       "'echo FOO; echo BAR'].")
    if lines == ["FOO"]:
        return not_yet("only FOO: after the script of 'sh -c', the next items become its "
                       "arguments ($0, $1...), they are not run. Put both commands in the one "
                       "string after -c.")
    return not_yet(f"the log is {lines[:4]}; FOO then BAR is wanted.")
