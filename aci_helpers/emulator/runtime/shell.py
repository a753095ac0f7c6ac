"""The simulated container process: a small POSIX-shell interpreter over a simulated clock.

`Machine` runs an argv the way a container runtime would (exec form: no shell unless the
argv names one) and records every line printed to stdout/stderr with the simulated time
it was printed. Nothing here reads the real clock, the network or the disk: files live
in an in-memory table seeded from the image, and `sleep N` advances the simulated clock.

Infinite programs are summarised rather than run: a `while`/`until` iteration that leaves
the shell state exactly as it found it will repeat forever, so the machine stops and
reports a :class:`~.program.Cycle`; servers (node, nginx ...) report theirs directly. An
iteration whose only change is the time printed in its lines (`echo $(date)`) is a cycle
too, its lines replayed on demand (`replay.py`).
"""

from __future__ import annotations

import ast
import functools
import math
import random
import re
import time as _time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from . import timing
from .files import Mount, ReadOnlyFile, file_table, normpath
from .images import ImageInfo
from .program import Cycle, LineText
from .replay import timed_events
from .shell_parse import (AndOr, For, Group, If, Loop, Parser, Pipeline, Redir, Seq, Simple,
                          ShellSyntaxError)

SHELLS = {"sh": None, "ash": "ash", "dash": "dash", "bash": "bash"}
BIN_DIRS = ("/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/usr/local/sbin")
#: Commands every shell runs itself (no binary needed).
SHELL_BUILTINS = {"echo", "printf", "test", "[", "true", "false", "pwd", ":", "exit", "export",
                  "unset", "cd", "set", "break", "continue", "shift", "exec", "eval", "trap",
                  "wait", "read", "source", ".", "local", "return", "type", "command", "umask",
                  "ulimit"}

#: Commands whose arguments only become printed text: time substituted into them
#: (`echo $(date)`) changes what a loop prints, never what it does.
OUTPUT_ONLY = {"echo", "printf"}

# Special executables (node, python, nginx ...) registered by programs.py.
SpecialFn = Callable[["Machine", list[str]], int]
SPECIAL: dict[str, SpecialFn] = {}

# ---------------------------------------------------------------------------------------
# control flow signals
# ---------------------------------------------------------------------------------------


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class _LoopCtl(Exception):
    def __init__(self, kind: str, n: int) -> None:
        self.kind, self.n = kind, n


class Forever(Exception):
    """The process blocks forever from now on (sleep infinity, tail -f, a quiet server)."""


class Periodic(Exception):
    """From ``start`` on, ``events`` repeat every ``period`` seconds, forever."""

    def __init__(self, start: float, period: float, events: Sequence[tuple[float, LineText]]):
        self.cycle = Cycle(start, period, tuple(events))


class Horizon(Exception):
    """Simulation reached the time it was asked to stop at."""


class Budget(Exception):
    """Simulation executed more simple commands than it was allowed to."""


# ---------------------------------------------------------------------------------------
# time-dependent text
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeText:
    """Text rendered from the absolute print time: ``fn(epoch_seconds)``."""

    fn: Callable[[float], str]
    epoch: float

    def __call__(self, t: float) -> str:
        return self.fn(self.epoch + t)


@dataclass(frozen=True)
class _Joined:
    parts: tuple

    def __call__(self, t: float) -> str:
        return "".join(p if isinstance(p, str) else p(t) for p in self.parts)


class _Capture:
    def __init__(self, substitution: bool = False) -> None:
        self.parts: list[str] = []
        #: A `$(...)` capture: its text becomes words that run_simple checks (a pipe's
        #: text goes to the next command, whose effect nothing checks).
        self.substitution = substitution

    def text(self) -> str:
        """Everything written to the capture so far."""
        return "".join(self.parts)


# ---------------------------------------------------------------------------------------
# messages per shell flavour
# ---------------------------------------------------------------------------------------
def _tokname(tok: str | None) -> str:
    return "end of file" if tok is None else tok


_UNSUPPORTED = (
    (re.compile(r"(^|[;&|\s(])case\s+\S+\s+in(\s|$)"), "shell 'case' statements"),
    (re.compile(r"(^|[;&|\s])(function\s+)?[A-Za-z_][A-Za-z0-9_]*\s*\(\s*\)"), "shell functions"),
    (re.compile(r"<<-?\s*['\"]?[A-Za-z_]"), "here-documents"),
)


def unsupported_construct(src: str) -> str | None:
    """The name of a POSIX construct in ``src`` that the interpreter does not implement."""
    for pattern, name in _UNSUPPORTED:
        if pattern.search(src):
            return name
    return None


def syntax_error_lines(flavour: str, argv0: str, err: ShellSyntaxError, src: str) -> list[str]:
    """The lines ash, dash or bash print for a syntax error in a ``-c`` script."""
    line = err.line
    if err.kind == "unterminated":
        if flavour == "ash":
            return [f"{argv0}: syntax error: unterminated quoted string"]
        if flavour == "dash":
            return [f"{argv0}: {line}: Syntax error: Unterminated quoted string"]
        q = err.token[0] if err.token else "'"
        last = src.count("\n") + 1
        return [f"{argv0}: -c: line {line}: unexpected EOF while looking for matching `{q}'",
                f"{argv0}: -c: line {last + 1}: syntax error: unexpected end of file"]
    tok = err.token
    if flavour == "ash":
        if tok is None:
            exp = f' (expecting "{err.expecting}")' if err.expecting else ""
            return [f"{argv0}: syntax error: unexpected end of file{exp}"]
        return [f'{argv0}: syntax error: unexpected "{tok}"']
    if flavour == "dash":
        if tok is None:
            exp = f' (expecting "{err.expecting}")' if err.expecting else ""
            return [f"{argv0}: {line}: Syntax error: end of file unexpected{exp}"]
        return [f'{argv0}: {line}: Syntax error: "{tok}" unexpected']
    if tok is None:
        return [f"{argv0}: -c: line {line + 1}: syntax error: unexpected end of file"]
    src_line = src.split("\n")[line - 1] if src else ""
    return [f"{argv0}: -c: line {line}: syntax error near unexpected token `{tok}'",
            f"{argv0}: -c: line {line}: `{src_line}'"]


def not_found_line(flavour: str, argv0: str, line: int, cmd: str) -> str:
    """What a shell prints for a command it cannot find (exit status 127)."""
    if flavour == "ash":
        return f"{argv0}: {cmd}: not found"
    if flavour == "dash":
        return f"{argv0}: {line}: {cmd}: not found"
    return f"{argv0}: line {line}: {cmd}: command not found"


def exec_not_found_line(cmd: str) -> str:
    """What the container runtime reports when an exec-form argv[0] does not exist."""
    why = (f"stat {cmd}: no such file or directory" if "/" in cmd
           else "executable file not found in $PATH")
    return ("failed to create shim task: OCI runtime create failed: runc create failed: "
            f'unable to start container process: exec: "{cmd}": {why}: unknown')


# ---------------------------------------------------------------------------------------
# the machine
# ---------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """How a simulation ended: exited, blocked forever, cycling, or cut short."""

    events: list[tuple[float, LineText]]
    kind: str  # "exit" | "forever" | "cycle" | "horizon" | "budget"
    clock: float
    exit_code: int | None = None
    cycle: Cycle | None = None
    start_error: str | None = None
    #: Changes this process made to mounted volumes, as ``(volume name, FileOp)``.
    writes: list = field(default_factory=list)


@dataclass
class _Frame:
    """Shell-level state that a subshell copies and restores."""

    vars: dict[str, str]
    exported: set[str]
    cwd: str
    positional: list[str]
    argv0: str
    flavour: str
    errexit: bool = False


class Machine:
    """One container process under simulation."""

    def __init__(self, image: ImageInfo, env: list[tuple[str, str]], peers: Sequence[ImageInfo],
                 seed: int, started_at: float, horizon: float = math.inf,
                 budget: int = timing.LAUNCH_STEP_BUDGET, mounts: Sequence[Mount] = ()) -> None:
        self.image = image
        self.peers = list(peers)
        self.seed = seed
        self.epoch = started_at
        self.horizon = horizon
        self.budget = budget
        self.steps = 0
        self.clock = 0.0
        self.events: list[tuple[float, LineText]] = []
        self.partial: list = []
        self.fs = file_table(dict(image.files), mounts, lambda: self.clock)
        self.fds: dict[int, object] = {1: "log", 2: "log"}
        self.stdin = ""
        self.status = 0
        self.rng = random.Random(seed)
        self.rng_calls = 0
        self.capture_depth = 0
        self.cond_depth = 0
        self.tainted = 0
        #: Time-derived text that reached something other than printed output: a
        #: condition, a variable, a file, a command's arguments (see OUTPUT_ONLY).
        self.flow_tainted = 0
        self.loop_depth = 0
        self.frame = _Frame(vars=dict(env), exported={k for k, _ in env}, cwd=image.workdir or "/",
                            positional=[], argv0="sh", flavour=image.shell)
        self.start_error: str | None = None

    # -- running ---------------------------------------------------------------------
    def run_argv(self, argv: Sequence[str]) -> Outcome:
        """Run ``argv`` as the container's process (exec form) and report how it ended."""
        kind, code, cycle = "exit", 0, None
        try:
            for note in self.fs.notes():
                self.err(note)
            code = self.exec_argv(list(argv), exec_form=True)
        except _Exit as e:
            code = e.code
        except Forever:
            kind = "forever"
        except Periodic as p:
            kind, cycle = "cycle", p.cycle
        except Horizon:
            kind = "horizon"
        except Budget:
            kind = "budget"
        except _LoopCtl:
            code = self.status
        except RecursionError:
            self.err("[aci-emulator] the command nests too deeply to simulate")
            code = 2
        except Exception as exc:  # noqa: BLE001 - a bug here must not take the emulator down with it
            self.err(f"[aci-emulator] internal error while simulating this command "
                     f"({type(exc).__name__}: {exc}); please report it")
            code = 1
        self._flush()
        return Outcome(self.events, kind, self.clock, code & 0xFF if kind == "exit" else None,
                       cycle, self.start_error, list(self.fs.ops))

    def step(self) -> None:
        """Count one command against the step budget and spend its simulated time."""
        self.steps += 1
        if self.steps > self.budget:
            raise Budget()
        self.advance(timing.COMMAND_SECONDS)

    def advance(self, seconds: float) -> None:
        """Move the simulated clock on by ``seconds``; past the horizon, raise Horizon."""
        if seconds <= 0:
            return
        if self.clock + seconds > self.horizon:
            self.clock = self.horizon
            raise Horizon()
        self.clock += seconds

    # -- output ------------------------------------------------------------------------
    def write(self, text: str | TimeText, fd: int = 1) -> None:
        """Write to a file descriptor (the log, /dev/null, a file or a capture)."""
        sink = self.fds.get(fd, "log")
        if sink == "null" or text == "":
            return
        if isinstance(sink, _Capture) or (isinstance(sink, tuple) and sink[0] == "file"):
            if isinstance(text, TimeText):
                self.tainted += 1
                if not (isinstance(sink, _Capture) and sink.substitution):
                    self.flow_tainted += 1
                text = text(self.clock)
            if isinstance(sink, _Capture):
                sink.parts.append(text)
            else:
                try:
                    self.fs.append(sink[1], text)
                except ReadOnlyFile:  # checked when the file was opened; kept for safety
                    pass
            return
        if isinstance(text, TimeText):
            self.partial.append(text)
            return
        pieces = text.split("\n")
        for piece in pieces[:-1]:
            if piece:
                self.partial.append(piece)
            self._emit()
        if pieces[-1]:
            self.partial.append(pieces[-1])

    def line(self, text: str | TimeText, fd: int = 1) -> None:
        """Write ``text`` followed by a newline."""
        self.write(text, fd)
        self.write("\n", fd)

    def err(self, text: str) -> None:
        """Write ``text`` and a newline to standard error."""
        self.line(text, 2)

    def _emit(self) -> None:
        parts = tuple(self.partial)
        self.partial = []
        if all(isinstance(p, str) for p in parts):
            self.events.append((self.clock, "".join(parts)))
        elif len(parts) == 1:
            self.events.append((self.clock, parts[0]))
        else:
            self.events.append((self.clock, _Joined(parts)))

    def _flush(self) -> None:
        if self.partial:
            self._emit()

    def emit_at(self, t: float, text: LineText) -> None:
        """Print a whole line at simulated time ``t`` (>= now), advancing the clock."""
        self.advance(t - self.clock)
        if isinstance(text, str):
            self.line(text)
        else:
            self._flush()
            self.events.append((self.clock, text))

    def serve(self, start_lines: Sequence[tuple[float, LineText]],
              cycle: tuple[float, float, Sequence[tuple[float, LineText]]] | None = None) -> None:
        """Behave as a server: print start-up lines (offsets from now), then block forever
        or repeat ``cycle`` = (first offset, period, events) forever. Never returns."""
        now = self.clock
        for dt, text in start_lines:
            self.emit_at(now + dt, text)
        self._flush()
        if cycle is None or self.capture_depth or self.fds.get(1) != "log":
            raise Forever()
        first, period, events = cycle
        raise Periodic(now + first, period, list(events))

    # -- state snapshot (cycle detection) ----------------------------------------------
    def snapshot(self) -> tuple:
        """The observable state, to spot a loop iteration that changed nothing."""
        f = self.frame
        return (tuple(sorted(f.vars.items())), tuple(sorted(f.exported)), f.cwd,
                tuple(f.positional), self.status, tuple(sorted(self.fs.items())),
                tuple(p if isinstance(p, str) else id(p) for p in self.partial),
                self.rng_calls, tuple(sorted((k, str(v)) for k, v in self.fds.items())),
                self.stdin)

    # -- exec form ---------------------------------------------------------------------
    def exec_argv(self, argv: list[str], exec_form: bool = False) -> int:
        """Run a command line that no shell has parsed (the container's own argv)."""
        if not argv:
            return 0
        name = argv[0]
        base = name.rsplit("/", 1)[-1]
        if base in SHELLS and self._has(name):
            return self.run_shell(argv)
        if exec_form and not self._has(name) and not self._script_file(name):
            msg = exec_not_found_line(name)
            self.start_error = msg
            self.err(msg)
            raise _Exit(127)
        return self.command(argv, line=1, shell=False)

    def _has(self, name: str) -> bool:
        """Whether the image has executable ``name`` (a bare name or a path)."""
        exes = self.image.executables
        if name in exes:
            return True
        if "/" in name:
            d, _, b = name.rpartition("/")
            return (d in BIN_DIRS or d == "") and b in exes and not b.startswith("/")
        return False

    def _script_file(self, name: str) -> str | None:
        if "/" not in name:
            return None
        path = self.abspath(name)
        return self.fs.get(path)

    def abspath(self, p: str) -> str:
        """``p`` as a normalised absolute path (relative to the working directory)."""
        if not p.startswith("/"):
            p = (self.frame.cwd.rstrip("/") + "/" + p)
        return normpath(p)

    def run_shell(self, argv: list[str]) -> int:
        """``sh [-e] [-c script [name args...] | file args...]`` with no tty and no stdin."""
        base = argv[0].rsplit("/", 1)[-1]
        flavour = SHELLS[base] or self.image.shell
        if flavour == "none":
            flavour = "ash"
        args = argv[1:]
        script: str | None = None
        errexit = False
        while args and args[0].startswith("-") and args[0] not in ("-", "--"):
            opt = args.pop(0)
            if "c" in opt[1:]:
                if not args:
                    self.err(f"{argv[0]}: -c: option requires an argument")
                    return 2
                script = args.pop(0)
            if "e" in opt[1:]:
                errexit = True
        if args and args[0] == "--":
            args.pop(0)
        frame = self.frame
        new = _Frame(vars=frame.vars, exported=frame.exported, cwd=frame.cwd, positional=[],
                     argv0=argv[0], flavour=flavour, errexit=errexit)
        if script is None:
            if not args:
                return 0  # no tty, empty stdin: the shell reads EOF and exits 0
            path = self.abspath(args[0])
            text = self.fs.get(path)
            if text is None:
                if flavour == "ash":
                    self.err(f"{argv[0]}: can't open '{args[0]}': No such file or directory")
                    return 2
                if flavour == "dash":
                    self.err(f"{argv[0]}: 0: cannot open {args[0]}: No such file")
                    return 2
                self.err(f"{argv[0]}: {args[0]}: No such file or directory")
                return 127
            script, new.argv0, new.positional = text, args[0], args[1:]
        else:
            if args:
                new.argv0, new.positional = args[0], args[1:]
        saved = self.frame
        self.frame = new
        try:
            return self.run_script(script)
        except _Exit as e:
            return e.code & 0xFF
        finally:
            self.frame = saved

    def run_script(self, src: str) -> int:
        """Parse and run ``src`` one complete command at a time, like dash/ash."""
        parser = Parser(src)
        while True:
            try:
                if parser.at_end():
                    return self.status
                seq = parser.next_command()
            except ShellSyntaxError as e:
                construct = unsupported_construct(src)
                if construct:
                    # A real shell would run this: say the emulator cannot, rather than
                    # blame the user's script with a syntax error it does not have.
                    self.err(f"[aci-emulator] {construct} are not simulated; the emulator did "
                             f"not run this script")
                    self.status = 1
                    raise _Exit(1)
                for text in syntax_error_lines(self.frame.flavour, self.frame.argv0, e, src):
                    self.err(text)
                self.status = 2
                raise _Exit(2)
            self.run_seq(seq)

    # -- AST execution -----------------------------------------------------------------
    def run_seq(self, seq: Seq) -> int:
        """Run each and-or list of ``seq``; the last status."""
        for item in seq.items:
            self.run_and_or(item)
        return self.status

    def run_and_or(self, node: AndOr) -> int:
        """Run an ``&&``/``||`` list; ``set -e`` applies only to its last pipeline."""
        if node.rest:
            self.cond_depth += 1
            try:
                status = self.run_pipeline(node.first)
                for i, (op, pipe) in enumerate(node.rest):
                    if (op == "&&") == (status == 0):
                        if i == len(node.rest) - 1:
                            self.cond_depth -= 1
                            try:
                                status = self.run_pipeline(pipe)
                            finally:
                                self.cond_depth += 1
                        else:
                            status = self.run_pipeline(pipe)
            finally:
                self.cond_depth -= 1
            self.status = status
            return status
        status = self.run_pipeline(node.first)
        return status

    def run_pipeline(self, pipe: Pipeline) -> int:
        """Run a pipeline, each command's output the next one's input; ``!`` negates."""
        if pipe.negate:
            self.cond_depth += 1
        try:
            if len(pipe.cmds) == 1:
                status = self.run_cmd(pipe.cmds[0])
            else:
                data = self.stdin
                for cmd in pipe.cmds[:-1]:
                    cap = _Capture()
                    saved_in = self.stdin
                    self.stdin = data
                    self._subshell(lambda c=cmd: self.run_cmd(c), fd1=cap)
                    self.stdin = saved_in
                    data = cap.text()
                saved_in = self.stdin
                self.stdin = data
                try:
                    status = self.run_cmd(pipe.cmds[-1])
                finally:
                    self.stdin = saved_in
        finally:
            if pipe.negate:
                self.cond_depth -= 1
        if pipe.negate:
            status = 0 if status else 1
        self.status = status
        if status and self.frame.errexit and not self.cond_depth and not pipe.negate:
            raise _Exit(status)
        return status

    def _subshell(self, fn: Callable[[], int], fd1: object | None = None) -> int:
        f = self.frame
        saved = (self.frame, dict(self.fds))
        self.frame = _Frame(vars=dict(f.vars), exported=set(f.exported), cwd=f.cwd,
                            positional=list(f.positional), argv0=f.argv0, flavour=f.flavour,
                            errexit=f.errexit)
        if fd1 is not None:
            self.fds[1] = fd1
            self.capture_depth += 1
        try:
            return fn()
        except _Exit as e:
            return e.code & 0xFF
        except _LoopCtl:
            return 0
        finally:
            self.frame, self.fds = saved
            if fd1 is not None:
                self.capture_depth -= 1

    def run_cmd(self, node: Simple | Loop | For | If | Group) -> int:
        """Run a simple or compound command with its redirections."""
        if isinstance(node, Simple):
            return self.run_simple(node)
        saved = self._redirect(getattr(node, "redirs", []))
        if saved is None:
            return 1
        try:
            if isinstance(node, Loop):
                return self.run_loop(node)
            if isinstance(node, For):
                return self.run_for(node)
            if isinstance(node, If):
                return self.run_if(node)
            if isinstance(node, Group):
                if node.subshell:
                    status = self._subshell(lambda: self.run_seq(node.body))
                    self.status = status
                    return status
                return self.run_seq(node.body)
            raise TypeError(node)
        finally:
            self.fds = saved

    def _cond(self, seq: Seq) -> int:
        self.cond_depth += 1
        try:
            return self.run_seq(seq)
        finally:
            self.cond_depth -= 1

    def run_if(self, node: If) -> int:
        """Run the first branch whose condition succeeds, else the ``else`` part."""
        for cond, body in node.branches:
            if self._cond(cond) == 0:
                return self.run_seq(body)
        if node.orelse is not None:
            return self.run_seq(node.orelse)
        self.status = 0
        return 0

    def run_loop(self, node: Loop) -> int:
        """Run a ``while`` or ``until`` loop."""
        def iteration(m: Machine) -> bool:
            """One pass: test the condition, then run the body; False once the loop ends."""
            c = m._cond(node.cond)
            if (c == 0) == node.until:
                return False
            m.run_seq(node.body)
            return True

        status = self.loop(iteration)
        self.status = status
        return status

    def loop(self, iteration: Callable[["Machine"], bool]) -> int:
        """Run ``iteration(machine)`` until it returns False; spot and report endless
        repetition. It gets the machine to run on: a replay runs it on a copy."""
        last = 0
        self.loop_depth += 1
        try:
            return self._loop(iteration, last)
        finally:
            self.loop_depth -= 1

    def _loop(self, iteration: Callable[["Machine"], bool], last: int) -> int:
        while True:
            # While another container may still change a mounted volume, an iteration that
            # changed nothing can still behave differently next time: no cycle before then.
            detect = not self.capture_depth and self.fds.get(1) == "log" and \
                self.fds.get(2) == "log" and self.clock >= self.fs.quiet_after
            before = self.snapshot() if detect else None
            t0, n0, taint0, flow0 = self.clock, len(self.events), self.tainted, self.flow_tainted
            try:
                if not iteration(self):
                    return last
                last = self.status
            except _LoopCtl as ctl:
                if ctl.n > 1:
                    raise _LoopCtl(ctl.kind, ctl.n - 1)
                if ctl.kind == "break":
                    return 0
            if self.clock - t0 < timing.MIN_LOOP_ITERATION_SECONDS:
                self.advance(t0 + timing.MIN_LOOP_ITERATION_SECONDS - self.clock)
            if detect and self.flow_tainted == flow0 and self.snapshot() == before and \
                    not self.partial:
                period = self.clock - t0
                if self.tainted == taint0:
                    raise Periodic(self.clock, period,
                                   [(t - t0, text) for t, text in self.events[n0:]])
                if not self.fs.mounts:  # the time only reached printed lines: replay them
                    raise Periodic(self.clock, period, timed_events(self, iteration, t0, n0))

    def run_for(self, node: For) -> int:
        """Run a ``for`` loop over its words (or the positional parameters)."""
        taint0 = self.tainted
        items = self.expand_words(node.words) if node.words is not None else list(self.frame.positional)
        if self.tainted != taint0:
            self.flow_tainted += 1
        status = 0
        self.loop_depth += 1
        try:
            return self._for(node, items, status)
        finally:
            self.loop_depth -= 1

    def _for(self, node: For, items: list[str], status: int) -> int:
        for item in items:
            self.frame.vars[node.var] = item
            try:
                self.run_seq(node.body)
                status = self.status
            except _LoopCtl as ctl:
                if ctl.n > 1:
                    raise _LoopCtl(ctl.kind, ctl.n - 1)
                if ctl.kind == "break":
                    break
        self.status = status
        return status

    # -- redirections ------------------------------------------------------------------
    def _redirect(self, redirs: list[Redir]) -> dict | None:
        saved = dict(self.fds)
        for r in redirs:
            fields = self.expand_word(r.target)
            target = fields[0] if fields else ""
            if r.op in (">&", "<&"):
                if target.isdigit():
                    self.fds[r.fd] = self.fds.get(int(target), "log")
                continue
            if r.op == "<":
                path = self.abspath(target)
                if target == "/dev/null":
                    self.stdin = ""
                elif path in self.fs:
                    self.stdin = self.fs[path]
                else:
                    self.err(self._redirect_msg(target))
                    self.fds = saved
                    return None
                continue
            if target in ("/dev/null",):
                sink: object = "null"
            elif target in ("/dev/stdout", "/proc/1/fd/1"):
                sink = saved.get(1, "log")
            elif target in ("/dev/stderr", "/proc/1/fd/2"):
                sink = saved.get(2, "log")
            else:
                path = self.abspath(target)
                try:
                    if r.op == ">":
                        self.fs[path] = ""
                    elif path not in self.fs:
                        # Creates the file if it is missing; replayed on a later attempt, the
                        # same change keeps what an earlier attempt appended.
                        self.fs.append(path, "")
                except ReadOnlyFile as exc:
                    self.err(self._redirect_msg(target, str(exc)))
                    self.fds = saved
                    return None
                sink = ("file", path)
            if r.fd == -1:
                self.fds[1] = self.fds[2] = sink
            else:
                self.fds[r.fd] = sink
        return saved

    def _redirect_msg(self, target: str, why: str | None = None) -> str:
        """What the shell prints when a redirection fails: ``target`` cannot be opened (``why``
        None: it does not exist) or created (``why``: the kernel's reason)."""
        f = self.frame
        verb = "open" if why is None else "create"
        if f.flavour == "ash":
            return f"{f.argv0}: can't {verb} {target}: {why or 'no such file'}"
        if f.flavour == "dash":
            return f"{f.argv0}: 1: cannot {verb} {target}: {why or 'No such file'}"
        return f"{f.argv0}: {'line 1: ' if why else ''}{target}: {why or 'No such file or directory'}"

    # -- simple commands ---------------------------------------------------------------
    def run_simple(self, node: Simple) -> int:
        """Run a simple command; assignments alone set variables, before a command only for it."""
        self.step()
        sub_status_before = self.status
        self._last_sub_status: int | None = None
        taint0 = self.tainted
        argv = self.expand_words(node.words)
        values = [(name, "".join(self.expand_word(raw, split=False))) for name, raw in node.assigns]
        saved = self._redirect(node.redirs)
        if self.tainted != taint0 and not (argv and argv[0] in OUTPUT_ONLY and not values
                                           and not self.cond_depth
                                           and self.fds.get(1) == "log"):
            self.flow_tainted += 1
        if saved is None:
            self.status = 1
            return 1
        try:
            if not argv:
                for name, value in values:
                    self.frame.vars[name] = value
                status = self._last_sub_status if self._last_sub_status is not None else 0
                self.status = status
                return status
            if values:
                f = self.frame
                old = {k: (f.vars.get(k), k in f.exported) for k, _ in values}
                for k, v in values:
                    f.vars[k] = v
                    f.exported.add(k)
                try:
                    status = self.command(argv, node.line, shell=True)
                finally:
                    for k, (v, was) in old.items():
                        if v is None:
                            f.vars.pop(k, None)
                        else:
                            f.vars[k] = v
                        if not was:
                            f.exported.discard(k)
            else:
                status = self.command(argv, node.line, shell=True)
        finally:
            self.fds = saved
        del sub_status_before
        self.status = status
        return status

    def command(self, argv: list[str], line: int, shell: bool) -> int:
        """Run one command: a shell builtin, a utility, a special program or a script."""
        from . import commands  # noqa: PLC0415 - local import: commands imports this module

        name = argv[0]
        base = name.rsplit("/", 1)[-1]
        if shell and name in SHELL_BUILTINS:
            return commands.builtin(self, argv)
        if base in SHELLS and self._has(name):
            return self.run_shell(argv)
        if self._has(name):
            key = name if name in SPECIAL else base
            if key in SPECIAL:
                return SPECIAL[key](self, argv)
            if base in commands.UTILITIES:
                return commands.UTILITIES[base](self, [base, *argv[1:]])
            self.err(f"[aci-emulator] {name}: this program exists in the image but the "
                     f"emulator does not simulate it")
            return 1
        script = self._script_file(name)
        if script is not None:
            return self.run_shell(["/bin/sh", self.abspath(name), *argv[1:]])
        if not shell:
            msg = exec_not_found_line(name)
            self.err(msg)
            return 127
        f = self.frame
        if "/" in name and f.flavour != "bash":
            msg = (f"{f.argv0}: {name}: not found" if f.flavour == "ash"
                   else f"{f.argv0}: {line}: {name}: not found")
        elif "/" in name:
            msg = f"{f.argv0}: line {line}: {name}: No such file or directory"
        else:
            msg = not_found_line(f.flavour, f.argv0, line, name)
        self.err(msg)
        return 127

    def env_items(self) -> list[tuple[str, str]]:
        """The exported variables, as (name, value) pairs."""
        f = self.frame
        return [(k, v) for k, v in f.vars.items() if k in f.exported]

    # -- expansion ---------------------------------------------------------------------
    def expand_words(self, raws: Sequence[str]) -> list[str]:
        """Expand each raw word, with field splitting, into one argument list."""
        out: list[str] = []
        for raw in raws:
            out.extend(self.expand_word(raw))
        return out

    def expand_word(self, raw: str, split: bool = True) -> list[str]:
        """Expand one raw word: quotes, backslashes, $VAR, ${...}, $(...), $((...)), ~."""
        pieces: list[tuple[str, bool]] = []  # (text, splittable)
        quoted_any = False
        i, n = 0, len(raw)
        if raw.startswith("~") and (n == 1 or raw[1] == "/"):
            pieces.append((self.frame.vars.get("HOME", "/root"), False))
            i = 1
        buf = []
        while i < n:
            c = raw[i]
            if c == "\\":
                if i + 1 < n:
                    buf.append(raw[i + 1])
                i += 2
                continue
            if c == "'":
                j = raw.index("'", i + 1)
                buf.append(raw[i + 1:j])
                quoted_any = True
                i = j + 1
                continue
            if c == '"':
                quoted_any = True
                i = self._expand_dquote(raw, i + 1, buf)
                continue
            if c in "$`":
                text, i, at_fields = self._dollar(raw, i)
                if text is None:
                    buf.append(c)
                    i += 1
                    continue
                pieces.append(("".join(buf), False))
                buf = []
                pieces.append((text, True))
                continue
            buf.append(c)
            i += 1
        pieces.append(("".join(buf), False))
        if not split:
            return ["".join(p for p, _ in pieces)]
        fields: list[str] = []
        cur: list[str] = []
        have = False
        for text, splittable in pieces:
            if not splittable:
                if text:
                    cur.append(text)
                    have = True
                continue
            parts = re.split(r"[ \t\n]+", text)
            for k, part in enumerate(parts):
                if k > 0:
                    if have or cur:
                        fields.append("".join(cur))
                    cur, have = [], False
                if part:
                    cur.append(part)
                    have = True
        if have or cur:
            fields.append("".join(cur))
        if not fields and quoted_any:
            fields = [""]
        return fields

    def _expand_dquote(self, raw: str, i: int, buf: list[str]) -> int:
        n = len(raw)
        while i < n:
            c = raw[i]
            if c == '"':
                return i + 1
            if c == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                if raw[i + 1] != "\n":
                    buf.append(raw[i + 1])
                i += 2
                continue
            if c in "$`":
                text, j, _ = self._dollar(raw, i)
                if text is None:
                    buf.append(c)
                    i += 1
                else:
                    buf.append(text)
                    i = j
                continue
            buf.append(c)
            i += 1
        return i

    def _dollar(self, raw: str, i: int) -> tuple[str | None, int, bool]:
        """Expand the ``$...`` or backquote at ``i``: (text, next index, was $@)."""
        n = len(raw)
        if raw[i] == "`":
            j = i + 1
            while j < n and raw[j] != "`":
                j += 2 if raw[j] == "\\" else 1
            return self._substitute(raw[i + 1:j].replace("\\`", "`")), j + 1, False
        if i + 1 >= n:
            return None, i, False
        c = raw[i + 1]
        if raw.startswith("$((", i):
            end = _match_close(raw, i + 1)
            expr = raw[i + 3:end - 1]
            try:
                return str(self.arith(expr)), end + 1, False
            except ArithError as e:
                self.err(self._arith_msg(expr, str(e)))
                raise _Exit(2) from None
        if c == "(":
            end = _match_close(raw, i + 1)
            return self._substitute(raw[i + 2:end]), end + 1, False
        if c == "{":
            end = raw.index("}", i + 2)
            depth_end = _match_brace(raw, i + 1)
            return self._param_expr(raw[i + 2:depth_end]), depth_end + 1, False
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (raw[j].isalnum() or raw[j] == "_"):
                j += 1
            return self.var(raw[i + 1:j]), j, False
        if c.isdigit() or c in "?$#@*!-":
            return self.var(c), i + 2, c in "@*"
        return None, i, False

    def _arith_msg(self, expr: str, why: str) -> str:
        f = self.frame
        zero = "division by zero" in why
        if f.flavour == "dash":
            return (f'{f.argv0}: 1: arithmetic expression: '
                    f'{"division by zero" if zero else "expecting primary"}: "{expr}"')
        if f.flavour == "bash":
            return (f"{f.argv0}: line 1: {expr}: " +
                    ("division by 0 (error token is \"0\")" if zero else "syntax error: operand expected"))
        return f"{f.argv0}: {'divide by zero' if zero else 'arithmetic syntax error'}"

    def var(self, name: str) -> str:
        """The value of variable or special parameter ``name`` (empty when unset)."""
        f = self.frame
        if name == "?":
            return str(self.status)
        if name == "$":
            return "1"
        if name == "!":
            return ""
        if name == "#":
            return str(len(f.positional))
        if name in ("@", "*"):
            return " ".join(f.positional)
        if name == "-":
            return "e" if f.errexit else ""
        if name.isdigit():
            k = int(name)
            if k == 0:
                return f.argv0
            return f.positional[k - 1] if k <= len(f.positional) else ""
        if name == "RANDOM" and f.flavour == "bash" and "RANDOM" not in f.vars:
            self.rng_calls += 1
            return str(self.rng.randrange(32768))
        return f.vars.get(name, "")

    def _param_expr(self, expr: str) -> str:
        if expr.startswith("#"):
            return str(len(self.var(expr[1:])))
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!])(:?[-=+?])?(.*)$", expr, re.S)
        if not m:
            return ""
        name, op, word = m.group(1), m.group(2), m.group(3)
        value = self.var(name)
        is_set = name in self.frame.vars or not name.isidentifier()
        if not op:
            return value
        empty = (value == "") if op.startswith(":") else not is_set
        w = lambda: "".join(self.expand_word(word, split=False))  # noqa: E731
        kind = op[-1]
        if kind == "-":
            return w() if empty else value
        if kind == "=":
            if empty:
                self.frame.vars[name] = w()
                return self.frame.vars[name]
            return value
        if kind == "+":
            return "" if empty else w()
        if kind == "?" and empty:
            self.err(f"{self.frame.argv0}: {name}: {w() or 'parameter not set'}")
            raise _Exit(2)
        return value

    def _substitute(self, src: str) -> str:
        cap = _Capture(substitution=True)

        def body() -> int:
            """Run the substituted script; its status."""
            self.run_script(src)
            return self.status

        status = self._subshell(body, fd1=cap)
        self._last_sub_status = status
        return cap.text().rstrip("\n")

    def arith(self, expr: str) -> int:
        """Evaluate a ``$((...))`` expression (integers, C operators, variables)."""
        text = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: self.var(m.group(1)) or "0", expr)
        text = re.sub(r"\$([0-9#?])", lambda m: self.var(m.group(1)) or "0", text)
        assign = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/%]?=)(?!=)\s*(.*)$", text, re.S)
        if assign:
            name, op, rhs = assign.groups()
            value = self.arith(rhs)
            if op != "=":
                cur = int(self.frame.vars.get(name, "0") or 0)
                value = _arith_eval(f"{cur} {op[0]} {value}", {})
            self.frame.vars[name] = str(value)
            return value
        names = {k: int(v) if re.fullmatch(r"-?\d+", v or "") else 0
                 for k, v in self.frame.vars.items()}
        return _arith_eval(text, names)


def _match_close(raw: str, i: int) -> int:
    """Index of the ``)`` that closes the ``(`` at ``i``."""
    depth, j, n = 0, i, len(raw)
    while j < n:
        c = raw[j]
        if c == "\\":
            j += 2
            continue
        if c == "'":
            j = raw.index("'", j + 1) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return n - 1


def _match_brace(raw: str, i: int) -> int:
    depth, j, n = 0, i, len(raw)
    while j < n:
        if raw[j] == "{":
            depth += 1
        elif raw[j] == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return n - 1


_ARITH_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Constant,
                ast.Name, ast.Load, ast.IfExp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
                ast.Mod, ast.Pow, ast.USub, ast.UAdd, ast.Not, ast.Invert, ast.And, ast.Or,
                ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.BitAnd, ast.BitOr,
                ast.BitXor, ast.LShift, ast.RShift)


class ArithError(Exception):
    pass


@functools.lru_cache(maxsize=512)
def _arith_tree(text: str) -> ast.Expression | None:
    """The checked syntax tree of an arithmetic expression (None: not one we evaluate);
    cached, as a loop evaluates the same text on every iteration."""
    py = text.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = re.sub(r"(?<![<>=!])/(?!/)", "//", py)
    try:
        tree = ast.parse(py.strip() or "0", mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _ARITH_NODES):
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            return None
    return tree


def _arith_eval(text: str, names: dict[str, int]) -> int:
    tree = _arith_tree(text)
    if tree is None:
        raise ArithError(text)

    def ev(node: ast.AST) -> int:
        """The integer value of ``node``, with the shell's truncating division."""
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return int(node.value)
        if isinstance(node, ast.Name):
            return names.get(node.id, 0)
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return {ast.USub: -v, ast.UAdd: v, ast.Not: int(not v), ast.Invert: ~v}[type(node.op)]
        if isinstance(node, ast.BoolOp):
            vals = [ev(v) for v in node.values]
            return int(all(vals)) if isinstance(node.op, ast.And) else int(any(vals))
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators):
                right = ev(right_node)
                ok = {ast.Eq: left == right, ast.NotEq: left != right, ast.Lt: left < right,
                      ast.LtE: left <= right, ast.Gt: left > right, ast.GtE: left >= right}[type(op)]
                if not ok:
                    return 0
                left = right
            return 1
        if isinstance(node, ast.IfExp):
            return ev(node.body) if ev(node.test) else ev(node.orelse)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            op = type(node.op)
            if op in (ast.FloorDiv, ast.Div, ast.Mod):
                if b == 0:
                    raise ArithError("division by zero")
                q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
                return q if op is not ast.Mod else a - b * q
            if op is ast.Pow and (b < 0 or b > 64):
                raise ArithError(text)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Pow: a ** b,
                    ast.BitAnd: a & b, ast.BitOr: a | b, ast.BitXor: a ^ b,
                    ast.LShift: a << b, ast.RShift: a >> b}[op]
        raise ArithError(text)

    return ev(tree)


def strftime_utc(fmt: str, epoch: float) -> str:
    """``date``-style formatting in UTC (adds %e and %N, which Python lacks everywhere)."""
    micros = round(epoch * 1_000_000)  # round once: float epochs like x.05 print as .050000
    secs, frac = divmod(micros, 1_000_000)
    tm = _time.gmtime(secs)
    fmt = (fmt.replace("%e", f"{tm.tm_mday:2d}").replace("%N", f"{frac:06d}000")
           .replace("%3N", f"{frac // 1000:03d}").replace("%f", f"{frac:06d}"))
    fmt = fmt.replace("%Z", "UTC").replace("%z", "+0000").replace("%s", str(secs))
    return _time.strftime(fmt, tm)
