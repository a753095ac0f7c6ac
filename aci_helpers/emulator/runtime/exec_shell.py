"""The process an exec session starts, inside a running container, on a terminal.

:class:`ExecMachine` is the shell machine (``shell/machine.py``) of an interactive process:
its error messages are an interactive shell's (bash leaves out ``line N:``, dash numbers
the lines typed so far), it knows the terminal's size (``stty size``, ``ls`` in columns,
bash's ``LINES``/``COLUMNS``) and the container's main process (busybox ``ps``).
:func:`run_source` runs one command typed at the prompt and says how it ended, and
:func:`prompt` is what the shell prints before reading the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

from . import timing
from .exec_tty import columns, onlcr
from .images import ImageInfo
from .lines import render
from .program import Cycle
from .programs import PROGRAMS
from .shell.builtin import BUILTINS, builtin
from .shell.machine import CommandTable, Machine
from .shell.messages import syntax_error_lines, unsupported_construct
from .shell.parse import Parser, Seq, ShellSyntaxError
from .shell.state import Capture
from .shell.utilities import UTILITIES

#: The prompts an interactive root shell prints with no profile of its own (guesses for the
#: images' defaults): busybox ash ``\w \$ ``, dash ``# ``, bash Debian's ``\u@\h:\w\$ ``.
DEFAULT_PS1 = {"ash": "\\w \\$ ", "dash": "# ", "bash": "\\u@\\h:\\w\\$ "}
#: The continuation prompt (an open quote, ``while`` without ``done`` ...).
DEFAULT_PS2 = "> "
#: The terminal's name in the exec'd process's environment (Docker's exec -t sets
#: TERM=xterm; what ACI sets is not public: guess).
EXEC_TERM = "xterm"
#: Process ids ``ps`` shows: the main process is 1 (the container's init), the exec'd
#: shell and its commands get these (guess; real ids depend on what ran before).
EXEC_PID, PS_PID = 7, 13


@dataclass(frozen=True)
class Terminal:
    """The terminal size the exec request asked for (``terminalSize``: rows, cols)."""

    rows: int = 24
    cols: int = 80


class ExecMachine(Machine):
    """A machine running an interactive process on a terminal, beside the main process."""

    terminal: Terminal = Terminal()
    main_argv: tuple[str, ...] = ()
    #: Lines typed so far (dash's error messages number them).
    lineno: int = 1
    #: Whether the process is an interactive shell (its errors drop the ``-c`` forms).
    interactive: bool = False

    def err(self, text: str) -> None:
        """Write an error line, worded as an interactive shell words it."""
        if self.interactive:
            text = interactive_error(self.frame.flavour, self.frame.argv0, text, self.lineno)
        super().err(text)


def interactive_error(flavour: str, argv0: str, text: str, lineno: int) -> str:
    """An error message of a ``-c`` script as the same shell prints it at a prompt."""
    if flavour == "bash":
        for prefix in (f"{argv0}: -c: line ", f"{argv0}: line "):
            if text.startswith(prefix):
                rest = text[len(prefix):]
                num, sep, tail = rest.partition(": ")
                if sep and num.isdigit():
                    return f"{argv0}: {tail}"
    elif flavour == "dash" and text.startswith(f"{argv0}: 1: "):
        return f"{argv0}: {lineno}: {text[len(argv0) + 5:]}"
    return text


# -- commands only a terminal has -------------------------------------------------------
def _stty(m: Machine, argv: list[str]) -> int:
    size = getattr(m, "terminal", Terminal())
    if argv[1:] == ["size"]:
        m.line(f"{size.rows} {size.cols}")
        return 0
    if len(argv) == 1:
        m.line("speed 38400 baud; line = 0;" if not m.image.busybox else "speed 38400 baud;")
        return 0
    return 0  # setting modes: accepted, nothing to show


def _tty(m: Machine, argv: list[str]) -> int:
    m.line("/dev/pts/0")
    return 0


def _clear(m: Machine, argv: list[str]) -> int:
    m.write("\x1b[H\x1b[J")
    return 0


def _ps(m: Machine, argv: list[str]) -> int:
    """busybox ``ps``: the main process (pid 1), this shell, ``ps`` itself."""
    main = " ".join(getattr(m, "main_argv", ())) or "(none)"
    m.line("PID   USER     TIME  COMMAND")
    for pid, cmd in ((1, main), (EXEC_PID, m.frame.argv0), (PS_PID, "ps")):
        m.line(f"{pid:5d} root      0:00 {cmd}")
    return 0


def _ls(m: Machine, argv: list[str]) -> int:
    """``ls`` whose output goes to the terminal lists names in columns, as wide as it."""
    to_tty = m.fds.get(1, "log") == "log" and not m.capture_depth
    if not to_tty or any(a in ("-1", "-l") or (a.startswith("-") and "1" in a) for a in argv[1:]):
        return UTILITIES["ls"](m, argv)
    cap = Capture()
    saved = dict(m.fds)
    m.fds[1] = cap
    m.capture_depth += 1
    try:
        status = UTILITIES["ls"](m, argv)
    finally:
        m.fds = saved
        m.capture_depth -= 1
    names = cap.text().splitlines()
    width = getattr(m, "terminal", Terminal()).cols
    for row in columns(names, width, uniform=m.image.busybox):
        m.line(row)
    return status


def _cd(m: Machine, argv: list[str]) -> int:
    """``cd`` that refuses a directory that is not there (what a learner at a prompt sees)."""
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    if args and args[0] != "-":
        path = m.abspath(args[0])
        if path in m.fs or not m.is_dir(path):
            why = "Not a directory" if path in m.fs else "No such file or directory"
            f = m.frame
            if f.flavour == "bash":
                m.err(f"{f.argv0}: line 1: cd: {args[0]}: {why}")
            elif f.flavour == "dash":
                m.err(f"{f.argv0}: 1: cd: can't cd to {args[0]}")
            else:
                m.err(f"{f.argv0}: cd: can't cd to {args[0]}: {why}")
            return 1 if f.flavour != "dash" else 2
    return builtin(m, argv)


#: What an exec'd process can run: the image's commands, plus those of a terminal.
EXEC_COMMANDS = CommandTable(
    builtins={**BUILTINS, "cd": _cd},
    utilities={**UTILITIES, "stty": _stty, "tty": _tty, "clear": _clear, "ps": _ps, "ls": _ls},
    programs=PROGRAMS)


def exec_image(info: ImageInfo) -> ImageInfo:
    """The image as the exec'd process sees it: with a shell, it has stty, tty and clear
    (busybox and coreutils ship them) and, on busybox, ps (Debian's slim images have none)."""
    if info.shell == "none":
        return info
    extra = {"stty", "tty", "clear"} | ({"ps"} if info.busybox else set())
    return replace(info, executables=info.executables | extra)


# -- prompts ----------------------------------------------------------------------------
def prompt(m: Machine, continuation: bool = False) -> str:
    """PS1 (or PS2) as the shell shows it: bash and ash expand ``\\u \\h \\w \\W \\$``."""
    f = m.frame
    if continuation:
        return f.vars.get("PS2", DEFAULT_PS2)
    ps1 = f.vars.get("PS1", DEFAULT_PS1.get(f.flavour, "# "))
    if f.flavour == "dash":
        return ps1
    home = f.vars.get("HOME", "/root")
    cwd = f.cwd
    short = "~" + cwd[len(home):] if home != "/" and (cwd == home or cwd.startswith(home + "/")) \
        else cwd
    host = f.vars.get("HOSTNAME", "localhost").split(".")[0]
    subs = {"u": "root", "h": host, "H": host, "w": short, "W": short.rsplit("/", 1)[-1] or "/",
            "$": "#", "s": f.argv0.rsplit("/", 1)[-1], "n": "\n", "\\": "\\"}
    out, i = [], 0
    while i < len(ps1):
        c = ps1[i]
        if c == "\\" and i + 1 < len(ps1) and ps1[i + 1] in subs:
            out.append(subs[ps1[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


# -- running what is typed --------------------------------------------------------------
@dataclass
class Ran:
    """How one command typed at the prompt ended, and what it printed (terminal text at
    its time, ``\\r\\n`` newlines): ``done`` (back to the prompt), ``exit`` (the shell
    ended), ``forever`` (it blocks until interrupted), ``cycle`` (prints ``cycle`` forever
    until interrupted) or ``budget`` (too long to simulate: blocks, with a note)."""

    kind: str
    output: list[tuple[float, str]] = field(default_factory=list)
    code: int = 0
    cycle: Cycle | None = None


#: What the runtime prints when it stops simulating a typed command (its step budget).
CUT_NOTE = ("[aci-emulator] the rest of this command is not simulated: it ran {n:,} commands "
            "without settling into a pattern; press Ctrl-C")


def parse_typed(src: str) -> list[Seq] | ShellSyntaxError | None:
    """The commands of ``src`` (lines typed so far), None when it is incomplete (an open
    quote, loop or ``if``, a trailing ``&&`` or backslash), or its syntax error."""
    stripped = src.rstrip("\n")
    if (len(stripped) - len(stripped.rstrip("\\"))) % 2 == 1:
        return None  # a backslash before the newline: the line goes on
    parser = Parser(src)
    seqs: list[Seq] = []
    try:
        while not parser.at_end():
            seqs.append(parser.next_command())
    except ShellSyntaxError as e:
        if e.kind == "unterminated" or e.token is None:
            return None
        return e
    return seqs


def syntax_error_text(m: ExecMachine, err: ShellSyntaxError, src: str) -> list[str]:
    """What the interactive shell prints for a syntax error in what was typed."""
    f = m.frame
    construct = unsupported_construct(src)
    if construct:
        return [f"[aci-emulator] {construct} are not simulated; the emulator did not run this"]
    lines = syntax_error_lines(f.flavour, f.argv0, err, src)
    if f.flavour == "bash":
        return [interactive_error("bash", f.argv0, lines[0], m.lineno)]
    return [interactive_error(f.flavour, f.argv0, ln, m.lineno) for ln in lines]


def run_source(m: ExecMachine, seqs: Sequence[Seq], budget: int = timing.LAUNCH_STEP_BUDGET) -> Ran:
    """Run parsed commands on ``m`` from its clock on: what they printed, how they ended."""
    return run_action(m, lambda mm: run_seqs(mm, seqs), budget)


def run_seqs(m: Machine, seqs: Sequence[Seq]) -> int:
    """Run parsed commands on ``m``; the last status."""
    for seq in seqs:
        m.run_seq(seq)
    return m.status


def run_action(m: ExecMachine, action: Callable[[Machine], int],
               budget: int = timing.LAUNCH_STEP_BUDGET) -> Ran:
    """Run ``action(m)`` (commands, or a program's argv) from ``m``'s clock on.

    A loop that settles into a cycle, or a command that blocks (``sleep infinity``, ``tail
    -f``), never returns to the prompt: the caller shows its output until an interrupt."""
    m.events, m.partial, m.steps, m.budget = [], [], 0, budget
    kind, code, cycle, exited = m.run_action(lambda: action(m))
    if kind == "exit":
        kind = "exit" if exited else "done"
        code &= 0xFF
    elif kind == "budget":
        m.flush()
        m.line(CUT_NOTE.format(n=budget), 2)
    out = [(t, onlcr(render(t, text) + "\n")) for t, text in m.events]
    if m.partial:  # printed without a final newline: the prompt follows on the same line
        text = "".join(p if isinstance(p, str) else p(m.clock) for p in m.partial)
        out.append((m.clock, onlcr(text)))
    m.events, m.partial = [], []
    if kind == "done":
        m.status = code
    return Ran(kind, out, code, cycle)


def cycle_time(cycle: Cycle, index: int) -> float:
    """When the ``index``-th line of ``cycle`` is printed (without rendering it)."""
    k, j = divmod(index, len(cycle.events))
    return cycle.start + k * cycle.period + cycle.events[j][0]

