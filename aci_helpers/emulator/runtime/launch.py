"""`launch`: turn an image, a command line and an environment into a :class:`Program`.

The one place the runtime's parts meet: the command table (the shell's builtins, the
Linux utilities, the images' programs) is built here, once, and handed to each machine.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Mapping, Sequence

from . import timing
from .files import Mount, normpath
from .images import OPAQUE_IMAGE_NOTE, ImageInfo
from .program import Program, Simulated
from .programs import PROGRAMS
from .shell.builtin import BUILTINS
from .shell.machine import BIN_DIRS, CommandTable, Machine
from .shell.messages import exec_not_found_line
from .shell.utilities import UTILITIES

#: What every simulated machine can run.
COMMANDS = CommandTable(builtins=BUILTINS, utilities=UTILITIES, programs=PROGRAMS)


def missing_program(info: ImageInfo, command: Sequence[str] | None,
                    mount_paths: Sequence[str] = ()) -> str | None:
    """The container runtime's words when ``command`` (exec form, no shell) names a program
    the image does not have, known before the container starts; else None.

    None too for an opaque image (its files are unknown) and for a program under one of
    ``mount_paths`` (a volume's files are known only once it runs: the machine decides then).
    """
    if not command or info.behaviour == "opaque":
        return None
    name = command[0]
    exes = info.executables
    if name in exes:
        return None
    if "/" in name:
        folder, _, base = name.rpartition("/")
        if folder in BIN_DIRS and base in exes:
            return None
        path = normpath(name if name.startswith("/") else f"{info.workdir.rstrip('/')}/{name}")
        if any(path == m or path.startswith(m.rstrip("/") + "/") for m in map(normpath, mount_paths)):
            return None
        if any(normpath(f) == path for f, _ in info.files):
            return None
    return exec_not_found_line(name)


def container_env(info: ImageInfo, env: Mapping[str, str], seed: int) -> list[tuple[str, str]]:
    """The process environment: PATH, HOSTNAME, the image's ENV, the group's variables, HOME.

    HOSTNAME imitates ACI's ``SandboxHost-<18 digits>`` names (guess), derived from ``seed``.
    """
    rng = random.Random(f"hostname:{seed}")
    items: dict[str, str] = {}
    image_env = dict(info.env)
    items["PATH"] = image_env.pop("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    items["HOSTNAME"] = f"SandboxHost-{rng.randrange(10**17, 10**18)}"
    items.update(image_env)
    items.update({str(k): str(v) for k, v in env.items()})
    items.setdefault("HOME", "/root")
    return list(items.items())


def launch(
    info: ImageInfo,
    command: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    peers: Sequence[ImageInfo] = (),
    seed: int = 0,
    *,
    started_at: float | None = None,
    mounts: Sequence[Mount] = (),
) -> Program:
    """Start ``info`` with ``command`` (None or [] = the image's ENTRYPOINT + CMD).

    ``env`` is the container's environment variables (secure ones included), ``peers``
    the other containers of the group (a sidecar polls a web server peer), ``seed`` makes
    any variation reproducible, and ``started_at`` (Unix seconds, default
    ``timing.DEFAULT_STARTED_AT``) only renders dates in the output. ``mounts`` are the
    volumes mounted into the container (:class:`~.files.Mount`); what the program writes to
    them is ``prog.volume_writes(until)``. Same inputs, same Program (results are cached),
    and a program that never read its start time, seed or HOSTNAME is the same Program for
    any of them: a class creating the same task for every learner interprets it once.
    """
    cmd = tuple(str(a) for a in command) if command else ()
    env_key = tuple(sorted((str(k), str(v)) for k, v in (env or {}).items()))
    spec = (info, cmd, env_key, tuple(peers), tuple(mounts))
    shared = _SHARED.get(spec)
    if shared is not None:
        return shared
    start = timing.DEFAULT_STARTED_AT if started_at is None else float(started_at)
    prog = _launch(info, cmd, env_key, spec[3], int(seed), start, spec[4])
    if prog.identity_free:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        _SHARED[spec] = prog
    return prog


#: Programs that read nothing of their container's identity (start time, seed, HOSTNAME),
#: by spec (image, command, environment, peers, mounts): one Program serves every container
#: launched with that spec (``Machine.identity_read``).
_SHARED: dict[tuple, Program] = {}
_SHARED_MAX = 512


@lru_cache(maxsize=512)
def _launch(info: ImageInfo, cmd: tuple[str, ...], env_key: tuple[tuple[str, str], ...],
            peers: tuple[ImageInfo, ...], seed: int, started_at: float,
            mounts: tuple[Mount, ...] = ()) -> Program:
    argv = list(cmd) or info.default_command
    env = container_env(info, dict(env_key), seed)
    description = " ".join(argv)
    notes = [(0.0, n) for n in _notes(mounts)]
    if not argv and info.behaviour == "opaque":
        return Program([*notes, (0.0, OPAQUE_IMAGE_NOTE.format(image=info.familiar))],
                       description="(an image the emulator does not know: runs forever)",
                       identity_free=True)
    if not argv:
        return Program(notes, description="(no command: runs forever, prints nothing)",
                       identity_free=True)

    def machine(horizon: float, budget: int) -> Machine:
        """A fresh machine for this container, stopped at ``horizon`` or after ``budget`` steps."""
        return Machine(info, env, peers, seed, started_at, horizon=horizon, budget=budget,
                       mounts=mounts, commands=COMMANDS)

    main = machine(float("inf"), timing.LAUNCH_STEP_BUDGET)
    out = main.run_argv(argv)
    if out.kind == "exit":
        prog = Program(out.events, exit_after=out.clock, exit_code=out.exit_code,
                       description=description)
    elif out.kind == "forever":
        prog = Program(out.events, description=description)
    elif out.kind == "cycle":
        prog = Program(out.events, cycle=out.cycle, description=description)
    else:
        def simulate(until: float) -> Simulated:
            """The output up to ``until``, simulated again from the start (lazy mode)."""
            res = machine(until, timing.LAZY_STEP_BUDGET).run_argv(argv)
            if res.kind == "cycle":
                return Simulated(res.events, cycle=res.cycle)
            if res.kind == "budget":
                return Simulated(res.events + [(res.clock, _cut_note(res.clock))],
                                 cut_at=res.clock)
            return Simulated([e for e in res.events if e[0] <= until + 1e-9])

        prog = Program([], simulator=simulate, description=description)
    prog.start_error = out.start_error
    if out.kind in ("exit", "forever", "cycle"):
        prog.settled = (out.clock, main.fs.own())
        # a lazily simulated one runs again later, from its own seed and start
        prog.identity_free = not main.identity_read
    # A program without a summary wrote what its first LAUNCH_STEP_BUDGET commands wrote:
    # the other containers see no more of it (bounded work; VOLUME_WRITES_HORIZON_SECONDS).
    prog.writes = tuple(out.writes)
    return prog


def _notes(mounts: tuple[Mount, ...]) -> list[str]:
    out: list[str] = []
    for m in mounts:
        out.extend(n for n in m.volume.notes if n not in out)
    return out


def _cut_note(t: float) -> str:
    """The line that ends a simulation cut short by its step budget: says what was cut."""
    h, rest = divmod(int(t), 3600)
    return (f"[aci-emulator] output after {h}:{rest // 60:02d}:{rest % 60:02d} of running time "
            f"is not simulated: this program's output has no short summary, and the emulator "
            f"stops simulating it after {timing.LAZY_STEP_BUDGET:,} commands")
