"""Exec into a running container: a command started beside its main process, on a terminal.

What ACI's exec does, as far as public sources say (``docs/emulator-support.md``): the
command is **one program without arguments** (Microsoft's "Execute a command in a running
Azure container instance", Restrictions), so ``"ls /app"`` names a program that does not
exist and the runtime refuses it (Azure/azure-cli#8687, #10039); ``/bin/sh`` starts a shell
that reads what is typed. The process runs inside the container: its image's files and
shell, its environment (secure values included), its working directory, its volumes with
what has been written to them, and it has a TTY (Azure/azure-cli#15225).

    from aci_helpers.emulator.runtime import start_exec, Terminal

    s = start_exec(info, "/bin/sh", main_command=None, env={"K": "v"}, peers=[], seed=0,
                   started_at=t0, mounts=mounts, at=42.0, terminal=Terminal(24, 80))
    s.read(42.0)                  # '/ # '          (the prompt)
    s.write("echo $K\\r", 43.0)    # keystrokes (text or bytes), at a time
    s.read(43.0)                  # 'echo $K\\r\\nv\\r\\n/ # '
    s.next_at()                   # when more output is due (None: waiting for input)
    s.write("exit\\r", 44.0); s.read(44.0); s.finished   # True: close the socket
    s.changes()                   # what it wrote: the container's own files, its volumes

Times are seconds after the container started, like :func:`~.launch.launch`'s. Commands
take no time except what they sleep; their output is due at its simulated time, so a
caller pacing ``read`` on a clock shows ``sleep 2; echo done`` as a real terminal would.
Ctrl-C interrupts a running command exactly where the clock has got to (the command is run
again from its start up to that time, so what it wrote to files by then is what it wrote).
Pure: no clock, no threads; the caller (the emulator's WebSocket endpoint) owns time.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from . import timing
from .exec_shell import (DEFAULT_PS1, DEFAULT_PS2, EXEC_COMMANDS, EXEC_TERM, ExecMachine, Ran,
                         Terminal, cycle_time, exec_image, parse_typed, prompt, run_action,
                         run_seqs, syntax_error_text)
from .exec_tty import INTERRUPT_ECHO, LineDiscipline, onlcr
from .files import FileOp, Mount, Volume, file_table
from .images import OPAQUE_IMAGE_NOTE, ImageInfo
from .launch import COMMANDS, container_env, launch
from .program import Cycle, Program
from .shell.machine import SHELLS, Machine

__all__ = ["ExecChanges", "ExecSession", "Terminal", "exec_refusal", "start_exec"]

#: What the container runtime answered, in a public report of ACI's exec (Azure/azure-cli
#: #8687, 2019), when the command names no program: the whole string is the program's
#: name, so ``"ls /app"`` is refused like a typo. Whether today's runtime words it the same
#: is not public (guess: EXEC_REFUSAL_WORDING).
EXEC_REFUSAL = ('rpc error: code = 2 desc = oci runtime error: exec failed: '
                'container_linux.go:247: starting container process caused '
                '"exec: \\"{cmd}\\": {why}"')
#: Programs whose interactive prompt (a REPL) the emulator does not simulate.
INTERPRETERS = frozenset({"python", "python3", "node", "redis-cli", "pip", "npm"})
#: One-shot programs that read their standard input when given no file: they read what is
#: typed until Ctrl-D, then run (``cat`` echoes each line back as it comes).
STDIN_READERS = frozenset({"wc", "head", "tail"})
#: The most lines one ``read`` returns (the rest stays due: call again).
LINES_PER_READ = 10_000
#: Exit statuses of a process ended by a signal (128 + SIGINT / SIGHUP), as a shell reports.
INTERRUPTED, HUNG_UP = 130, 129


def exec_refusal(command: str) -> str:
    """The runtime's answer to an exec command that names no program in the image."""
    why = (f"stat {command}: no such file or directory" if "/" in command
           else "executable file not found in $PATH")
    return EXEC_REFUSAL.format(cmd=command, why=why)


@dataclass(frozen=True)
class ExecChanges:
    """What exec sessions changed in a container's run: its own files (path -> text, None
    when removed) and their writes to mounted volumes (``(volume name, FileOp)``, in time
    order). Handed to the next :func:`start_exec` of the same run, they are there again."""

    files: Mapping[str, str | None] = field(default_factory=dict)
    volume_writes: tuple[tuple[str, FileOp], ...] = ()

    def then(self, later: "ExecChanges") -> "ExecChanges":
        """These changes followed by ``later``'s."""
        return ExecChanges({**self.files, **later.files},
                           tuple(self.volume_writes) + tuple(later.volume_writes))


def start_exec(
    info: ImageInfo,
    command: str,
    *,
    main_command: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    peers: Sequence[ImageInfo] = (),
    seed: int = 0,
    started_at: float | None = None,
    mounts: Sequence[Mount] = (),
    at: float = 0.0,
    terminal: Terminal = Terminal(),
    changes: ExecChanges | None = None,
) -> "ExecSession":
    """Start ``command`` (one program, no arguments) in the container at ``at`` seconds.

    The container is described as for :func:`~.launch.launch` (image, its main command,
    environment with secure values, peers, seed, start time, mounts with the *other*
    containers' writes); ``changes`` are what earlier exec sessions of this run wrote.
    """
    start = timing.DEFAULT_STARTED_AT if started_at is None else float(started_at)
    env = dict(env or {})
    at = max(float(at), 0.0)
    main_argv = [str(a) for a in main_command] if main_command else list(info.default_command)
    prog = launch(info, main_command, env, peers, seed, started_at=start, mounts=mounts)
    own = _main_files(info, prog, main_argv, env, peers, seed, start, mounts, at)
    changes = changes or ExecChanges()
    for path, text in changes.files.items():
        if text is None:
            own.pop(path, None)
        else:
            own[path] = text
    exec_mounts = _with_writes(mounts, [*prog.writes, *changes.volume_writes])
    items = container_env(info, env, seed)
    if not any(k == "TERM" for k, _ in items):
        items.append(("TERM", EXEC_TERM))
    m = ExecMachine(exec_image(info), items, peers, seed, start, mounts=exec_mounts,
                    commands=EXEC_COMMANDS)
    m.fs = file_table(own, exec_mounts, lambda: m.clock)
    m.advance(at)
    m.terminal, m.main_argv = terminal, tuple(main_argv)
    return ExecSession(m, str(command), terminal, at, dict(own))


def _main_files(info: ImageInfo, prog: Program, argv: list[str], env: Mapping[str, str],
                peers: Sequence[ImageInfo], seed: int, start: float, mounts: Sequence[Mount],
                at: float) -> dict[str, str]:
    """The container's own files (not its volumes') at ``at``: the image's, as the main
    process ``prog`` has changed them by then (simulated again up to ``at``, unless they
    had stopped changing before)."""
    if prog.settled is not None and at >= prog.settled[0]:
        return dict(prog.settled[1])
    main = Machine(info, container_env(info, env, seed), peers, seed, start, horizon=at,
                   budget=timing.LAZY_STEP_BUDGET, mounts=mounts, commands=COMMANDS)
    if argv:
        main.run_argv(argv)
    return main.fs.own()


def _with_writes(mounts: Sequence[Mount], writes: Sequence[tuple[str, FileOp]]) -> list[Mount]:
    """``mounts`` whose volumes also carry ``writes`` (the main process's, earlier execs')."""
    extra: dict[str, list[FileOp]] = {}
    for vname, op in writes:
        extra.setdefault(vname, []).append(op)
    out = []
    for mp in mounts:
        v = mp.volume
        ops = extra.get(v.name)
        if ops:
            v = Volume(v.name, v.files, tuple(sorted([*v.writes, *ops], key=lambda op: op.t)),
                       v.read_only, v.notes)
        out.append(Mount(mp.path, v, mp.read_only))
    return out


# An action a session runs on its machine (commands typed, or the program's argv).
Action = Callable[[Machine], int]


class ExecSession:
    """One exec'd process and its terminal: keystrokes in, terminal output out, by time.

    ``mode`` is ``shell`` (an interactive shell), ``program`` (a one-shot program),
    ``stdin`` (a program reading what is typed until Ctrl-D) or ``ended``."""

    def __init__(self, m: ExecMachine, command: str, terminal: Terminal, at: float,
                 own: dict[str, str]) -> None:
        self.command = command
        self.terminal = terminal
        self.started = at
        self.exit_code: int | None = None
        self.ended_at: float | None = None
        self._m = m
        self._own0 = own
        self._tty = LineDiscipline()
        self._out: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._now = at
        self._busy_until = at
        self._typed: deque[tuple[str, str]] = deque()
        self._cycle: Cycle | None = None
        self._cycle_next = 0
        self._snapshot: ExecMachine | None = None
        self._running: Action | None = None
        self._pending_src = ""
        self._stdin = ""
        self._reader = ""
        self.mode = "shell"
        self._start(at)

    # -- public API ------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """The process has ended and everything it printed has been read: close."""
        return self.ended_at is not None and not self._out and self._cycle is None

    @property
    def blocked(self) -> bool:
        """A command runs that will not end by itself (it blocks, or prints forever)."""
        return self.ended_at is None and math.isinf(self._busy_until)

    def write(self, data: str | bytes, now: float) -> None:
        """Keystrokes (or pasted text) arriving at ``now``."""
        now = self._tick(now)
        if self.ended_at is not None:
            return
        text = data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else str(data)
        for key in self._tty.feed(text):
            if self.ended_at is not None:
                break
            if key.kind == "echo":
                self._emit(now, key.text)
            elif key.kind == "interrupt":
                self._interrupt(now)
            elif self._busy_until > now or self._typed:
                self._typed.append((key.kind, key.text))  # typed ahead: read when it is done
            else:
                self._take(key.kind, key.text, now)
        self._drain(now)

    def read(self, now: float, limit: int = LINES_PER_READ) -> str:
        """The terminal output due by ``now`` (at most ``limit`` pieces; call again)."""
        now = self._tick(now)
        if self._cycle is not None:
            cyc = self._cycle
            while cycle_time(cyc, self._cycle_next) <= now + 1e-9:
                t, text = cyc.line(self._cycle_next)
                self._emit(t, onlcr(text + "\n"))
                self._cycle_next += 1
                if len(self._out) >= limit:
                    break
        n = 0
        for t, _, _ in self._out:
            if t > now + 1e-9 or n >= limit:
                break
            n += 1
        due, self._out = self._out[:n], self._out[n:]
        return "".join(text for _, _, text in due)

    def next_at(self) -> float | None:
        """When output is next due (None: nothing until more input, or nothing ever)."""
        times = []
        if self._out:
            times.append(self._out[0][0])
        if self._cycle is not None:
            times.append(cycle_time(self._cycle, self._cycle_next))
        if self._typed and math.isfinite(self._busy_until):
            times.append(self._busy_until)
        return min(times) if times else None

    def hangup(self, now: float) -> None:
        """The terminal went away (the client disconnected): the process ends where it was."""
        now = self._tick(now)
        if self.ended_at is None:
            self._stop_running(now)
            self._end(now, HUNG_UP)
        self._out.clear()

    def changes(self) -> ExecChanges:
        """What this session changed: the container's own files, and writes to its volumes."""
        now = self._m.fs.own()
        files: dict[str, str | None] = {p: t for p, t in now.items() if self._own0.get(p) != t}
        files.update({p: None for p in self._own0 if p not in now})
        return ExecChanges(files, tuple(self._m.fs.ops))

    # -- the process -----------------------------------------------------------------------
    def _start(self, at: float) -> None:
        m, name = self._m, self.command
        base = name.rsplit("/", 1)[-1]
        if m.image.os_type.lower() == "windows":
            self._emit(at, onlcr("[aci-emulator] exec into Windows containers (cmd, powershell) "
                                 "is not simulated\n"))
            return self._end(at, 1)
        if base in SHELLS and m.has_executable(name):
            return self._start_shell(at)
        if not m.has_executable(name) and not m.script_file(name):
            self._emit(at, onlcr(exec_refusal(name) + "\n"))
            return self._end(at, 127)
        if base in INTERPRETERS:
            self._emit(at, onlcr(f"[aci-emulator] the interactive {base} prompt is not "
                                 f"simulated; exec /bin/sh and run {base} from there\n"))
            return self._end(at, 1)
        if base == "cat" or base in STDIN_READERS:
            self.mode, self._reader = "stdin", base
            return None
        self.mode = "program"
        self._run(lambda mm: mm.exec_argv([name], exec_form=True), at)

    def _start_shell(self, at: float) -> None:
        m, name = self._m, self.command
        base = name.rsplit("/", 1)[-1]
        flavour = SHELLS[base] or m.image.shell
        flavour = "ash" if flavour == "none" else flavour
        f = m.frame
        f.argv0, f.flavour = name, flavour
        f.vars.setdefault("PS1", DEFAULT_PS1.get(flavour, "# "))
        f.vars.setdefault("PS2", DEFAULT_PS2)
        if flavour == "bash":  # checkwinsize: bash keeps the terminal's size in these
            f.vars["LINES"], f.vars["COLUMNS"] = str(self.terminal.rows), str(self.terminal.cols)
        m.interactive = True
        if m.image.behaviour == "opaque":
            self._emit(at, onlcr(f"[aci-emulator] {OPAQUE_IMAGE_NOTE.format(image=m.image.familiar)}"
                                 f" (its files are not known either: a generic shell)\n"))
        self._emit(at, prompt(m))

    def _take(self, kind: str, text: str, t: float) -> None:
        """A line (or end of input) the process reads at ``t``."""
        if self.mode == "shell":
            if kind == "eof":
                self._emit(t, "exit\r\n" if self._m.frame.flavour == "bash" else "\r\n")
                return self._end(t, self._m.status)
            return self._shell_line(text, t)
        if self.mode == "stdin":
            if kind == "eof":
                return self._run_reader(t)
            if self._reader == "cat":
                self._emit(t, text + "\r\n")
            else:
                self._stdin += text + "\n"
        # a one-shot program reads nothing: what is typed is echoed, then dropped

    def _shell_line(self, line: str, t: float) -> None:
        m = self._m
        src = self._pending_src + line + "\n"
        parsed = parse_typed(src)
        if parsed is None:
            self._pending_src = src
            self._emit(t, prompt(m, continuation=True))
            return
        self._pending_src = ""
        m.advance(t - m.clock)
        self._busy_until = t
        if isinstance(parsed, Exception):
            for text in syntax_error_text(m, parsed, src):
                self._emit(t, onlcr(text + "\n"))
            m.status = 2
        elif parsed:
            self._run(lambda mm: run_seqs(mm, parsed), t)
        m.lineno += src.count("\n")
        if self.ended_at is None and math.isfinite(self._busy_until):
            self._emit(self._busy_until, prompt(m))

    def _run(self, action: Action, t: float) -> None:
        """Run ``action`` from ``t`` on: queue its output, note when it ends."""
        m = self._m
        self._snapshot, self._running = m.clone(), action
        ran: Ran = run_action(m, action)
        for when, text in ran.output:
            self._emit(when, text)
        if ran.kind in ("done", "exit"):
            self._busy_until = m.clock  # the snapshot stays: Ctrl-C before then stops it
            if ran.kind == "exit" or self.mode == "program":
                if ran.kind == "exit" and self.mode == "shell" and m.frame.flavour == "bash":
                    self._emit(m.clock, "exit\r\n")
                self._end(m.clock, ran.code)
            return
        self._busy_until = math.inf  # blocks, or prints forever, until interrupted
        if ran.kind == "cycle" and ran.cycle is not None and ran.cycle.events:
            self._cycle, self._cycle_next = ran.cycle, 0

    def _run_reader(self, t: float) -> None:
        m, name = self._m, self.command
        m.advance(t - m.clock)
        if self._reader == "cat":
            return self._end(t, 0)
        m.stdin = self._stdin
        self.mode = "program"
        self._run(lambda mm: mm.exec_argv([name], exec_form=True), t)

    def _interrupt(self, now: float) -> None:
        """Ctrl-C: the running command stops where it is; a shell prompts again."""
        self._emit(now, INTERRUPT_ECHO)
        self._typed.clear()
        running = self._busy_until > now + 1e-9
        if running:
            self._stop_running(now)
        self._pending_src = ""
        if self.mode != "shell":
            self._emit(now, "\r\n")
            return self._end(now, INTERRUPTED)
        self._m.status = INTERRUPTED
        self._emit(now, "\r\n" + prompt(self._m))

    def _stop_running(self, now: float) -> None:
        """Stop the running command at ``now``: drop what it would print later, and take
        its state at ``now`` (run again from its start with ``now`` as the horizon)."""
        if self._busy_until <= now + 1e-9:
            return
        self._out = [o for o in self._out if o[0] <= now + 1e-9]
        self._cycle = None
        if self._snapshot is not None and self._running is not None:
            m = self._snapshot.clone()
            m.horizon = now
            run_action(m, self._running)
            m.horizon = math.inf
            m.advance(now - m.clock)
            self._m = m
        else:
            self._m.advance(now - self._m.clock)
        self._snapshot = self._running = None
        self._busy_until = now

    def _end(self, t: float, code: int) -> None:
        self.ended_at, self.exit_code, self.mode = t, code, "ended"
        self._typed.clear()
        self._tty.drop()

    # -- plumbing --------------------------------------------------------------------------
    def _tick(self, now: float) -> float:
        now = max(float(now), self._now)
        self._now = now
        self._drain(now)
        return now

    def _drain(self, now: float) -> None:
        """Lines typed ahead while a command ran: read them once it is done."""
        while self._typed and self.ended_at is None and self._busy_until <= now + 1e-9:
            kind, text = self._typed.popleft()
            self._take(kind, text, self._busy_until)

    def _emit(self, t: float, text: str) -> None:
        if text:
            bisect.insort(self._out, (t, next(self._order), text))

