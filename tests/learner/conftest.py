"""The learner's path: notebooks run as a learner runs them, on the realtime clock.

Each notebook runs in its own nbclient kernel, whose environment is the learner's: the
emulator's realtime clock (sped up with ACI_EMULATOR_SPEED: ten times for a notebook opened
alone, thirty for the paths that chain notebooks; ACI_LEARNER_PATH_SPEED sets both) on a
state file shared by the notebooks of one path, progress bars on, a private cache dir. Runs
are timed and the clouds counted; the figures go to test-artifacts/learner-path-<path>.json
for the report.

A path that goes back to notebooks it opened before (:class:`Learner`) keeps each one's
kernel open, as JupyterLab does, and works on the learner's copy (``make lab``: solutions
are raw cells that Run All skips; the learner shows one, makes it code and runs it).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import inspect
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from run_notebooks import problems  # noqa: E402

import lab  # noqa: E402  (tools/lab.py: the learner's working copy)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"
SPEED = os.environ.get("ACI_LEARNER_PATH_SPEED", "10")
IN_ORDER_SPEED = os.environ.get("ACI_LEARNER_PATH_SPEED", "30")
CELL_TIMEOUT = 300

# Where the prose names a state, what the outputs must show (regular expressions, searched
# in the text of every output of the run). A wait's progress line lists the states it saw
# ("aci-1: Pending → Running" on the realtime clock); the last one is what the prose names.
EXPECTED: dict[str, list[str]] = {
    "00": [r"aci-tutorial-rg: Succeeded in eastus"],
    "01": [r"(?m)^aci-\d+: (.* → )?Running$", r"state\s+Running", r"listening on port 80"],
    "02": [r"(?m)-multi: (.* → )?Running$", r"0\s+Running .*\n.*1\s+Running", r"HTTP/1.1 200 OK",
           r'"HEAD / HTTP/1.1" 200'],
    "03": [r"container: Terminated, exit code 0 \(Completed\); group: Succeeded",
           r"\('BENVOLIO', 74\)", r"API_KEY\s+\(not returned: secure\)"],
    "03b": [r"FOO BAR", r"(?m)-shell: (.* → )?Running$", r"the create failed: ContainerActivationFailed",
            r'exec: "echo FOO BAR": executable file not found in \$PATH', r"provisioning: Failed \| group: Failed",
            r"ehco: not found", r"group: Failed \| exit code 127",
            r"provisioning: Succeeded \| group: Failed \| exit code 1"],
    "04": [r"Succeeded\s+Running\s+Always", r"Succeeded\s+Succeeded\s+Never",
           r"group view: None"],
    "05": [r"aci-\d+-multi-1: \S+ -> Running", r"group state: Running", r"Started\s",
           r"after stop:\s+state Stopped \| IP \d", r"after start:\s+state Running",
           r"after restart: state Running", r"InvalidContainerGroupUpdate",
           r"tags: \{'created-by': 'aci-tutorial'\} \| state: Running"],
    "06": [r"container groups left: \[\]", r"aci-tutorial-rg exists: False"],
    "07": [r"(?m)^web-\d+: (.* → )?Running$", r"(?m)^job-\d+: (.* → )?Succeeded$", r"State: Succeeded",
           r"Secure value shown: False"],
    "09": [r"(?m)-scratch: (.* → )?Succeeded$", r"The sidecar reads /data/log.txt at",
           r"line 3, written by the app at", r"api-token\n32\n", r"as Azure returns it: \{\}",
           r"the writer's log: ''", r"\('BENVOLIO', 74\)", r"key returned: False",
           r"Dockerfile\nLICENSE\nREADME.md\napp", r"InvalidVolume",
           r"groups of this notebook left: \[\]"],
    # second track: 08, 10, 11 (beyond)
    "08": [r"listening on port 80", r"password returned: False",
           r"tag never pushed\s+-> 400 InaccessibleImage", r"wrong password\s+-> 400 InaccessibleImage",
           r"carries aci-tutorial-pull: principal id", r"InvalidImageRegistryIdentity"],
    "10": [r"(?m)-crash: restarts: (.* → )?2$", r"crash loop: the container exits with code 3",
           r"exit code 127: not found", r"pyhton: not found", r"cannot be pulled", r"DnsNameLabelNotAvailable",
           r"ContainerGroupQuotaReached", r"429 twice, Retry-After 1: \[429, 429, 200\] returned",
           r"500 every time: +\[500, 500, 500, 500\] raised", r"409 no capacity, on PUT: +\[409\] raised",
           r"no capacity now \(refused at once\)", r"no capacity now \(accepted, then failed\)",
           r"created in westeurope", r"attempts: \[409, 200\] returned", r"now: Registered"],
    "11": [r"at most 3 tasks at once", r"same results both ways: True", r"quota 'StandardSpotCores' exceeded",
           r"6 tasks, 3 at a time: \d+ s; one after another: \d+ s", r"batch groups left: \[\]"],
    "12": [r"(?m)-12-app: (.* → )?Running$", r"API_KEY: value=None, secure_value=None",
           r"'/ # ls /mnt/work\\r\\nadmin-code.txt\\r\\n/ # '", r"\('exit\\r\\n', 1000\)",
           r'"exec: \\"ls /mnt/work\\": stat ls /mnt/work: no such file or directory"',
           r"API_KEY has 22 characters", r"(?m)^\d\d:\d\d:\d\d app: working$",
           r"(?m)^\d\d:\d\d:\d\d step 5 of 5$", r"nothing in 0.5 s: the socket waits for the password",
           r"'ticker' of group '\S+-12-ticker' is Terminated, not Running",
           r"groups of this notebook left: \[\]"],
}


def key_of(path: Path) -> str:
    """'03b' for 03b_task_commands_and_failures.ipynb."""
    return path.name.split("_")[0]


@dataclass
class Run:
    """One execution of a notebook: its outputs' text, the seconds it took, what went wrong."""

    text: str
    seconds: float
    problems: list[str] = field(default_factory=list)
    groups: int = -1
    """Container groups in the cloud right after the run."""


def output_text(nb: nbformat.NotebookNode) -> str:
    """Every output of a notebook as text (streams, text/plain results, errors)."""
    return cells_text(nb.cells)


def cells_text(cells: list) -> str:
    """Every output of these cells as text (streams, text/plain results, errors). A stream's
    text goes on as written: the kernel flushes a long print in as many pieces as the machine's
    load makes it (``print("left:", x)`` can arrive as "left:" and " []")."""
    parts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type == "error":
                parts.append(f"\n{out.ename}: {out.evalue}\n")
            else:
                parts.append(f"\n{out.get('data', {}).get('text/plain', '')}\n")
    # a line redrawn in place (wait()'s progress, "\r" before each drawing) reads as a front
    # end shows it: its last drawing
    return REDRAWN.sub("", "".join(parts))


REDRAWN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def learner_env(state: Path, cache: Path, speed: str = SPEED) -> dict[str, str]:
    """A learner's kernel environment, on ``state``, with a private cache dir."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ACI_", "AZURE_")) and k != "TQDM_DISABLE"}
    env.update(ACI_BACKEND="emulator", ACI_EMULATOR_CLOCK="realtime", ACI_EMULATOR_SPEED=speed,
               ACI_EMULATOR_STATE=str(state), ACI_EMULATOR_SEED="0", XDG_CACHE_HOME=str(cache))
    return env


def run_twice(path: Path, env: dict[str, str], times: int = 2, participant: bool = False) -> list[Run]:
    """Run All ``times`` in one kernel, like a learner who runs the notebook again; count the
    cloud's container groups after each run. ``participant``: the copy a workshop participant
    gets (``aci-tutorial release``: no solution cells, no outputs)."""
    nb = nbformat.read(path, as_version=4)
    if participant:
        from aci_helpers.trainer.release import participant_copy

        nb = participant_copy(nb)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            shutdown_kernel="immediate",  # see OpenNotebook
                            resources={"metadata": {"path": str(path.parent)}})
    runs = []
    with client.setup_kernel(env=env):
        for _ in range(times):
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
            start = time.monotonic()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            seconds = time.monotonic() - start
            runs.append(Run(output_text(nb), seconds, problems(nb),
                            group_count(Path(env["ACI_EMULATOR_STATE"]))))
    return runs


def group_count(state: Path) -> int:
    """Container groups in the cloud of ``state``, every resource group."""
    from aci_helpers import connect

    with connect("emulator", state=str(state), clock="realtime") as s:
        return sum(1 for _ in s.aci.container_groups.list())


def check_run(key: str, run: Run, participant: bool = False) -> None:
    """No error output; the states the prose names; a skeleton's Not yet and a solution's
    Pass — or, in a participant's copy, Not yet and no Pass, and the prose's states except
    those that only a solution's output shows."""
    assert run.problems == [], f"{key}: {run.problems}"
    skipped = shown_only_by_solutions(key) if participant else set()
    for pattern in EXPECTED[key]:
        if pattern in skipped:
            continue
        assert re.search(pattern, run.text), f"{key}: the prose names {pattern!r}, not in:\n{run.text}"
    assert "Not yet: " in run.text, key
    assert ("Pass: " not in run.text) if participant else ("Pass: " in run.text), key


def shown_only_by_solutions(key: str) -> set[str]:
    """The EXPECTED patterns of notebook ``key`` that its committed outputs show in solution
    cells and nowhere else (a participant's copy has no solution cells)."""
    nb = nbformat.read(next(p for p in NOTEBOOKS if key_of(p) == key), as_version=4)
    solution = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    by_solution = cells_text(solution)
    by_others = cells_text([c for c in nb.cells if c not in solution])
    return {p for p in EXPECTED[key] if re.search(p, by_solution) and not re.search(p, by_others)}


def record(section: str, key: str, figures: dict, speed: str = SPEED) -> None:
    """Keep the figures of one notebook of one path in that path's report file. The notebooks
    of a path may run on different pytest-xdist workers at once: the file is locked while it
    is read and rewritten."""
    import fcntl  # POSIX only, like the rest of the learner tests' runs

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"learner-path-{section}.json"
    with (ARTIFACTS / f".learner-path-{section}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() else {}
        data[key] = {**figures, "speed": speed}
        path.write_text(json.dumps(data, indent=1, sort_keys=True))


#: What a run of each notebook takes on the learner's path (s, at the default speed), for
#: pytest-xdist's longest-first order; 10 includes the SDK's own 10 s registration wait.
SECONDS = {"10": 20, "11": 8, "09": 6, "03": 5, "03b": 5, "05": 5, "12": 5}


def notebook_params() -> list:
    """The notebooks as pytest parameters (id: '03b'), each marked with its cost."""
    return [pytest.param(p, id=key_of(p), marks=pytest.mark.slow(SECONDS.get(key_of(p), 3)))
            for p in NOTEBOOKS]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A private XDG cache dir: never the user's emulator state or name suffix."""
    path = tmp_path / "cache"
    path.mkdir()
    return path


def run_source(source: str, ns: dict):
    """Execute a cell's code in this process; return the value of its last line if it is an
    expression. A cell with a top-level ``await`` (IPython allows it; notebook 11) runs in its
    own event loop."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    ran = eval(compile(tree, "<cell>", "exec", flags=flags), ns)
    if inspect.iscoroutine(ran):
        asyncio.run(ran)
    value = eval(compile(ast.Expression(last.value), "<cell>", "eval", flags=flags), ns) if last else None
    return asyncio.run(value) if inspect.iscoroutine(value) else value


class OpenNotebook:
    """A notebook of the learner's working copy, open with its own kernel until the path ends."""

    def __init__(self, path: Path, env: dict[str, str], stack: contextlib.ExitStack) -> None:
        self.key = key_of(path)
        self.nb = nbformat.read(path, as_version=4)
        self.state = Path(env["ACI_EMULATOR_STATE"])
        # Stopped at once when the path ends: nothing is checked after, and a graceful
        # shutdown takes 0.4-2.6 s per kernel, one kernel after the other (~9 s a module).
        self.client = NotebookClient(self.nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     shutdown_kernel="immediate",
                                     resources={"metadata": {"path": str(path.parent)}})
        stack.enter_context(self.client.setup_kernel(env=env))

    def tagged(self, tag: str) -> list:
        return [c for c in self.nb.cells if tag in c.metadata.get("tags", [])]

    def run_all(self) -> Run:
        """Run All, as JupyterLab does: every code cell in order (raw cells are skipped)."""
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        start = time.monotonic()
        for index, cell in enumerate(self.nb.cells):
            self.client.execute_cell(cell, index)
        return Run(output_text(self.nb), time.monotonic() - start, problems(self.nb),
                   group_count(self.state))

    def run(self, *sources: str) -> Run:
        """Run these sources as new code cells of the notebook (a learner's own cells)."""
        cells = [nbformat.v4.new_code_cell(source) for source in sources]
        start = time.monotonic()
        for cell in cells:  # below the notebook's cells while it runs (nbclient writes it back)
            self.nb.cells.append(cell)
            try:
                self.client.execute_cell(cell, len(self.nb.cells) - 1)
            finally:
                self.nb.cells.pop()
        return Run(cells_text(cells), time.monotonic() - start,
                   problems(nbformat.v4.new_notebook(cells=cells)))

    def solve(self) -> Run:
        """Show the solution, make it code, run it (and the check that follows it)."""
        return self.run(*(cell.source for cell in self.tagged("solution")))

    def answer(self, placeholder: str, answer: str) -> Run:
        """Write ``answer`` over ``placeholder`` in the exercise cell, run it, then the check."""
        exercise, = self.tagged("exercise")
        assert placeholder in exercise.source, (self.key, placeholder)
        check, = self.tagged("check")
        return self.run(exercise.source.replace(placeholder, answer), check.source)


class Learner:
    """One learner's notebooks on one cloud: each opened once, its kernel kept open."""

    def __init__(self, root: Path, speed: str, stack: contextlib.ExitStack) -> None:
        self.copy = root / "my-notebooks"
        lab.prepare(self.copy)  # as `make lab` makes it
        (root / "cache").mkdir()
        self.env = learner_env(root / "cloud.db", root / "cache", speed)
        self.stack = stack
        self.open: dict[str, OpenNotebook] = {}

    def __getitem__(self, key: str) -> OpenNotebook:
        if key not in self.open:
            path = next(p for p in self.copy.glob("*.ipynb") if key_of(p) == key)
            self.open[key] = OpenNotebook(path, self.env, self.stack)
        return self.open[key]


@contextlib.contextmanager
def learner(root: Path, speed: str = IN_ORDER_SPEED):
    """A :class:`Learner` whose kernels all stop when the block ends."""
    with contextlib.ExitStack() as stack:
        yield Learner(root, speed, stack)


def passes(key: str, run: Run) -> None:
    """The check after the learner's answer says Pass, with no error on the way."""
    assert run.problems == [], f"{key}: {run.problems}"
    assert "Pass: " in run.text and "Not yet: " not in run.text, f"{key}:\n{run.text}"


#: What a check says when something it reads is gone (06's clean-up): what to run first.
RUN_FIRST = re.compile(r"run this notebook from the top|run the cell that creates")


def solve_after_the_clean_up(book: OpenNotebook) -> Run:
    """The exercise again after 06's clean-up deleted everything (its cell, then the
    solution): it passes, or its check says what to run first; the learner does that (Run
    All), and then it passes."""
    run = book.run(*(cell.source for cell in book.tagged("exercise")),
                   *(cell.source for cell in book.tagged("solution")))
    assert run.problems == [], f"{book.key}: {run.problems}"
    if "Pass: " not in run.text:
        assert RUN_FIRST.search(run.text), f"{book.key}: no way out in\n{run.text}"
        first = book.run_all()
        assert first.problems == [], f"{book.key}: {first.problems}"
        run = book.solve()
    passes(book.key, run)
    return run


def take_in_order(book: OpenNotebook, section: str) -> None:
    """What a learner does with a notebook on the way through: Run All (every exercise at
    Not yet, the states the prose names, no error), the Try it (the solution, shown and run:
    Pass, and what only the solution shows), the Try it again (Pass again: an exercise done
    twice), then Run All again (the same, and as many groups as after the first)."""
    key = book.key
    first = book.run_all()
    check_run(key, first, participant=True)
    solved = book.solve()
    passes(key, solved)
    for pattern in shown_only_by_solutions(key):
        assert re.search(pattern, solved.text), f"{key}: the solution shows no {pattern!r}"
    twice = book.solve()
    passes(key, twice)
    again = book.run_all()
    check_run(key, again, participant=True)
    assert again.groups == first.groups, f"{key}: a second Run All left {again.groups} groups, not {first.groups}"
    record(section, key, {"seconds": round(first.seconds, 1), "groups_left": first.groups,
                          "exercise_seconds": round(solved.seconds, 1),
                          "exercise_again_seconds": round(twice.seconds, 1),
                          "seconds_again": round(again.seconds, 1),
                          "groups_left_again": again.groups}, IN_ORDER_SPEED)


@pytest.fixture(scope="module")
def student(request, tmp_path_factory):
    """The module's learner: one cloud, the working copy, each notebook's kernel kept open."""
    with learner(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as one:
        yield one


def after_the_clean_up(student: Learner, keys: list[str]) -> None:
    """06 run again (it deletes every group and the resource group), then the Try it of each
    of ``keys`` again in its open kernel."""
    cleanup = student["06"].run_all()
    check_run("06", cleanup, participant=True)
    for key in keys:
        if key != "06":
            solve_after_the_clean_up(student[key])
