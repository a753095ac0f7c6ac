"""The simulated container process: a small POSIX-shell interpreter over a simulated clock.

`Machine` runs an argv the way a container runtime would (exec form: no shell unless the
argv names one) and records every line printed to stdout/stderr with the simulated time
it was printed. It holds the process's state (shell frame, file table, descriptors,
clock, output) and dispatches commands to the table it is given; walking the syntax tree
(`execute.py`) and expanding words (`expand.py`) are its other two parts. Nothing here reads the real clock, the network or the disk: files live
in an in-memory table seeded from the image, and `sleep N` advances the simulated clock.

Infinite programs are summarised rather than run: a `while`/`until` iteration that leaves
the shell state exactly as it found it will repeat forever, so the machine stops and
reports a :class:`~.program.Cycle`; servers (node, nginx ...) report theirs directly. An
iteration whose only change is the time printed in its lines (`echo $(date)`) is a cycle
too, its lines replayed on demand (`replay.py`).
"""

from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from .. import timing
from ..files import Mount, ReadOnlyFile, file_table, normpath
from ..images import ImageInfo
from ..lines import Joined, LineText, TimeText
from ..program import Cycle
from .execute import Execution
from .expand import Expansion
from .messages import exec_not_found_line, not_found_line
from .signals import Budget, Exit, Forever, Horizon, LoopControl, Periodic
from .state import Capture, Frame

SHELLS = {"sh": None, "ash": "ash", "dash": "dash", "bash": "bash"}
BIN_DIRS = ("/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/usr/local/sbin")
#: Directories every image has, whether or not its file table holds a file in them.
SYSTEM_DIRS = frozenset({"/", "/tmp", "/etc", "/usr", "/bin", "/root", "/var", "/dev", "/proc"})

#: A command: it gets the machine and its argv, writes through the machine, returns a status.
CommandFn = Callable[["Machine", list[str]], int]


@dataclass(frozen=True)
class CommandTable:
    """What the machine can run, by name, built once (``launch.py``) and handed to it.

    ``builtins`` run in the shell itself (no binary needed, shell commands only);
    ``utilities`` are the binaries of the images' families (cat, sleep ...), run when the
    image has them; ``programs`` are the special executables (node, python, nginx ...),
    looked up by the path as given first, then by its base name."""

    builtins: Mapping[str, CommandFn]
    utilities: Mapping[str, CommandFn]
    programs: Mapping[str, CommandFn]


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


class Machine(Execution, Expansion):
    """One container process under simulation: its shell state, file table, simulated
    clock and output, running the commands of its ``commands`` table."""

    def __init__(self, image: ImageInfo, env: list[tuple[str, str]], peers: Sequence[ImageInfo],
                 seed: int, started_at: float, horizon: float = math.inf,
                 budget: int = timing.LAUNCH_STEP_BUDGET, mounts: Sequence[Mount] = (), *,
                 commands: CommandTable) -> None:
        self.image = image
        self.commands = commands
        self.peers = list(peers)
        self._epoch = started_at
        self._seed = seed
        # One flag shared with the clones (a clone's output becomes this machine's): see
        # identity_read.
        self._identity = [False]
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
        self._rng: random.Random | None = None  # made when first used (seeding costs)
        self.rng_calls = 0
        self.capture_depth = 0
        self.cond_depth = 0
        self.tainted = 0
        #: Time-derived text that reached something other than printed output: a
        #: condition, a variable, a file, a command's arguments (see OUTPUT_ONLY).
        self.flow_tainted = 0
        self.loop_depth = 0
        self.frame = Frame(vars=dict(env), exported={k for k, _ in env}, cwd=image.workdir or "/",
                           positional=[], argv0="sh", flavour=image.shell)
        self.start_error: str | None = None
        #: The status of the last command substitution of the simple command being run.
        self.last_sub_status: int | None = None

    def clone(self) -> "Machine":
        """A machine in the same state (shell frame, files, descriptors, random state,
        clock) with no output yet and no horizon: running it leaves this one untouched."""
        c = copy.copy(self)
        c.frame = self.frame.copy()
        c.fs = self.fs.copy(lambda: c.clock)
        c.fds = dict(self.fds)
        if self._rng is not None:
            c._rng = random.Random()
            c._rng.setstate(self._rng.getstate())
        c.events = []
        c.partial = []
        c.steps = 0
        c.horizon = math.inf
        return c

    @property
    def identity_read(self) -> bool:
        """Whether the run (or a clone's) read what tells this container from another
        launched with the same spec: its start time, its random seed or its HOSTNAME. A
        shell, a utility or a program reading the whole environment counts as reading all
        three; a program's :meth:`getenv` of another variable does not. Until it does, its
        Program is the same for every such container, and ``launch`` shares it."""
        return self._identity[0]

    @property
    def epoch(self) -> float:
        """When the container started (Unix seconds): dates in its output count from it."""
        self._identity[0] = True
        return self._epoch

    @property
    def rng(self) -> random.Random:
        """The container's random numbers (``$RANDOM``, ids in log lines), from its seed."""
        self._identity[0] = True
        if self._rng is None:
            self._rng = random.Random(self._seed)
        return self._rng

    # -- running ---------------------------------------------------------------------
    def run_argv(self, argv: Sequence[str]) -> Outcome:
        """Run ``argv`` as the container's process (exec form) and report how it ended."""
        def start() -> int:
            for note in self.fs.notes():
                self.err(note)
            return self.exec_argv(list(argv), exec_form=True)

        kind, code, cycle, _ = self.run_action(start)
        self.flush()
        return Outcome(self.events, kind, self.clock, code & 0xFF if kind == "exit" else None,
                       cycle, self.start_error, list(self.fs.ops))

    def run_action(self, action: Callable[[], int]) -> tuple[str, int, Cycle | None, bool]:
        """Run ``action`` and say how it ended: ``(kind, status, cycle, exited)``, ``kind``
        one of exit, forever, cycle, horizon, budget; ``exited`` when ``exit`` (or a fatal
        error) ended it rather than its last command."""
        kind, code, cycle, exited = "exit", 0, None, False
        try:
            code = action()
        except Exit as e:
            code, exited = e.code, True
        except Forever:
            kind = "forever"
        except Periodic as p:
            kind, cycle = "cycle", p.cycle
        except Horizon:
            kind = "horizon"
        except Budget:
            kind = "budget"
        except LoopControl:
            code = self.status
        except RecursionError:
            self.err("[aci-emulator] the command nests too deeply to simulate")
            code = 2
        except Exception as exc:  # noqa: BLE001 - a bug here must not take the emulator down with it
            self.err(f"[aci-emulator] internal error while simulating this command "
                     f"({type(exc).__name__}: {exc}); please report it")
            code = 1
        return kind, code, cycle, exited

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
        if isinstance(sink, Capture) or (isinstance(sink, tuple) and sink[0] == "file"):
            if isinstance(text, TimeText):
                self.tainted += 1
                if not (isinstance(sink, Capture) and sink.substitution):
                    self.flow_tainted += 1
                text = text(self.clock)
            if isinstance(sink, Capture):
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
            self.events.append((self.clock, Joined(parts)))

    def flush(self) -> None:
        """End the line being written, if any (at the end of a run or before a whole line)."""
        if self.partial:
            self._emit()

    def emit_at(self, t: float, text: LineText) -> None:
        """Print a whole line at simulated time ``t`` (>= now), advancing the clock."""
        self.advance(t - self.clock)
        if isinstance(text, str):
            self.line(text)
        else:
            self.flush()
            self.events.append((self.clock, text))

    def serve(self, start_lines: Sequence[tuple[float, LineText]],
              cycle: tuple[float, float, Sequence[tuple[float, LineText]]] | None = None) -> None:
        """Behave as a server: print start-up lines (offsets from now), then block forever
        or repeat ``cycle`` = (first offset, period, events) forever. Never returns."""
        now = self.clock
        for dt, text in start_lines:
            self.emit_at(now + dt, text)
        self.flush()
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
        if base in SHELLS and self.has_executable(name):
            return self.run_shell(argv)
        if exec_form and not self.has_executable(name) and not self.script_file(name):
            msg = exec_not_found_line(name)
            self.start_error = msg
            self.err(msg)
            raise Exit(127)
        return self.command(argv, line=1, shell=False)

    def has_executable(self, name: str) -> bool:
        """Whether the image has executable ``name`` (a bare name or a path)."""
        exes = self.image.executables
        if name in exes:
            return True
        if "/" in name:
            d, _, b = name.rpartition("/")
            return (d in BIN_DIRS or d == "") and b in exes and not b.startswith("/")
        return False

    def script_file(self, name: str) -> str | None:
        """The text of the script file ``name`` names (a path), or None."""
        if "/" not in name:
            return None
        path = self.abspath(name)
        return self.fs.get(path)

    def is_dir(self, path: str) -> bool:
        """Whether the absolute ``path`` is a directory (a standard one, a mount point, or a
        folder holding files)."""
        return path in SYSTEM_DIRS or self.fs.is_dir(path)

    def abspath(self, p: str) -> str:
        """``p`` as a normalised absolute path (relative to the working directory)."""
        if not p.startswith("/"):
            p = (self.frame.cwd.rstrip("/") + "/" + p)
        return normpath(p)

    def run_shell(self, argv: list[str]) -> int:
        """``sh [-e] [-c script [name args...] | file args...]`` with no tty and no stdin."""
        self._identity[0] = True  # a shell reads its variables directly ($HOSTNAME)
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
        new = Frame(vars=frame.vars, exported=frame.exported, cwd=frame.cwd, positional=[],
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
        except Exit as e:
            return e.code & 0xFF
        finally:
            self.frame = saved

    def command(self, argv: list[str], line: int, shell: bool) -> int:
        """Run one command: a shell builtin, a utility, a special program or a script."""
        name = argv[0]
        base = name.rsplit("/", 1)[-1]
        table = self.commands
        if shell and name in table.builtins:
            return table.builtins[name](self, argv)
        if base in SHELLS and self.has_executable(name):
            return self.run_shell(argv)
        if self.has_executable(name):
            key = name if name in table.programs else base
            if key in table.programs:
                return table.programs[key](self, argv)
            if base in table.utilities:
                self._identity[0] = True  # `hostname`, `env`, `date`: the machine's own
                return table.utilities[base](self, [base, *argv[1:]])
            self.err(f"[aci-emulator] {name}: this program exists in the image but the "
                     f"emulator does not simulate it")
            return 1
        script = self.script_file(name)
        if script is not None:
            return self.run_shell(["/bin/sh", self.abspath(name), *argv[1:]])
        if not shell:
            self.err(exec_not_found_line(name))
            return 127
        self.err(not_found_line(self.frame.flavour, self.frame.argv0, line, name))
        return 127

    def env_items(self) -> list[tuple[str, str]]:
        """The exported variables, as (name, value) pairs."""
        self._identity[0] = True  # HOSTNAME among them
        f = self.frame
        return [(k, v) for k, v in f.vars.items() if k in f.exported]

    def getenv(self, name: str, default: str | None = None) -> str | None:
        """The exported variable ``name`` (what a program reads), else ``default``."""
        if name == "HOSTNAME":
            self._identity[0] = True
        f = self.frame
        return f.vars[name] if name in f.exported and name in f.vars else default

    def not_simulated(self, what: str) -> int:
        """Say on stderr that ``what`` is beyond the emulator (rather than fake it); status 1."""
        self.err(f"[aci-emulator] {what} is not simulated; the emulator did not run it")
        return 1
