"""Every shell command that README.md, docs/, book/ and the notebooks show works as written,
from where they say to type it.

Where: a terminal in the checkout with the kit's scripts first on PATH, which is what
JupyterLab's terminal is under `make lab` (tools/lab.py: it opens in the checkout) and what
`source .venv/bin/activate` gives; a `!` line runs with the same PATH (the kernel's).
What counts as a command: the lines of fenced `sh`/`bash`/`powershell` blocks, `!` lines of
code cells, and inline code that starts with a command (`make ...`, `aci-tutorial ...`,
`voila ...`, `python ...`, `pip ...`, `az ...`, `export ...`, `VAR=value make ...`).

Each command is classified by RULES, first match wins, and the classification is the
explicit skip list: run for real (in a throw-away emulator state), run as a
dry run (`make -n`: the targets `make test` itself runs, or servers), checked (a server:
its program and its file), covered by a named test (that runs it exactly as shown), or
skipped with the reason. A command no rule covers fails the test: classify it here.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lab  # noqa: E402

SOURCES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
           *sorted((ROOT / "book").glob("*.md")), *sorted((ROOT / "notebooks").glob("*.ipynb"))]
WORDS = r"(?:make|aci-tutorial|voila|python3?|py|pip|az|jupyter|export|source|uv|\.venv[/\\]\S+)"
# a command: optional VAR=value assignments, a command word, at least one argument
INLINE = re.compile(rf"^!?(?:[A-Z][A-Z0-9_]*=\S+\s+)*{WORDS}(?=\s)\s+\S")
SHELL_FENCES = ("sh", "bash", "shell", "console", "powershell")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
# inline code, which may run on over a line break (not a blank line): Markdown reads it as a space
CODE_SPAN = re.compile(r"(?<!`)`((?:[^`\n]|\n(?!\n))+)`(?!`)")


@dataclass
class Shown:
    """One command and every place that shows it."""
    command: str
    places: list[str] = field(default_factory=list)


def _fenced_lines(body: str) -> list[str]:
    """A shell block's commands: continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        line = (current + line.strip()).strip()
        current = ""
        line = re.split(r"\s+#\s", line, maxsplit=1)[0].strip()  # a trailing comment
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _from_markdown(text: str, where: str) -> list[tuple[str, str]]:
    found = []
    for lang, body in FENCE.findall(text):
        if lang.lower() in SHELL_FENCES:
            found += [(cmd, f"{where} ({lang} block)") for cmd in _fenced_lines(body)]
    prose = FENCE.sub("", text)
    for span in CODE_SPAN.findall(prose):
        span = " ".join(span.split())
        if INLINE.match(span):
            found.append((span, where))
    return found


def shown_commands() -> list[Shown]:
    """Every command shown, once, in the order first shown, with every place showing it."""
    seen: dict[str, Shown] = {}
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix == ".ipynb":
            found = []
            for i, cell in enumerate(json.loads(path.read_text())["cells"]):
                source = "".join(cell["source"])
                if cell["cell_type"] == "markdown":
                    found += _from_markdown(source, f"{rel} cell {i}")
                else:
                    found += [(ln.strip(), f"{rel} cell {i} (! line)") for ln in source.splitlines()
                              if ln.strip().startswith(("!", "%env"))]
        else:
            found = _from_markdown(path.read_text(), rel)
        for command, place in found:
            # a `!` line is the same command, typed in a cell (the kernel has the lab's PATH;
            # tests/browser/test_lab_working_copy.py types one in a real cell)
            key = command.removeprefix("!")
            seen.setdefault(key, Shown(key)).places.append(place)
    return list(seen.values())


@dataclass
class Rule:
    """How the commands a pattern matches are tried. ``how``: run, dry-run, check, covered,
    skip. ``why``: the reason (skip), the test (covered), or a note on the substitution."""
    pattern: str
    how: str
    why: str = ""
    exit_codes: tuple[int, ...] = (0,)
    typed: str | None = None  # what a person types, at a terminal (a pseudo-terminal here)
    plain: bool = False  # a terminal other than the lab's: the kit's scripts not on PATH
    substitute: tuple[tuple[str, str], ...] = ()

    def matches(self, command: str) -> bool:
        return re.search(self.pattern, command) is not None


# Not runnable offline, or not here: (pattern, the reason).
SKIPPED = [
    (r"(^|[\s(!])az\s|^aci-tutorial az$", "the Azure CLI: each `az` command the kit names "
     "runs offline through `aci-tutorial az` in tests/localcloud/test_az_cli.py::"
     "test_every_named_command_runs_through_aci_tutorial_az (with the CLI installed: .ci/run)"),
    (r"^aci-tutorial install-cli$", "installs azure-cli from PyPI into its own environment "
     "(network, ~370 MB); .ci/run does it before tests/localcloud's real-CLI tests"),
    (r"^aci-tutorial (release|workshop join)$", "names the command in a sentence; its full "
     "form, shown nearby, is run"),
    (r"^pip install ", "installs from PyPI (network, and changes the environment); the kit's "
     "own pins are checked by tests/test_packaging.py"),
    (r"^python aci_docs_sample\.py$", "real Azure: creates billable resources (after "
     "`az login`); its offline twin, `--emulator`, is run below"),
    (r"^python wordcount\.py ", "what the aci-wordcount image runs inside its container, not "
     "a command for the learner's machine"),
    (r"^(py -3|\.venv\\Scripts\\)", "Windows (PowerShell) only; the same steps run here as "
     "`make lab`, whose launcher tools/lab.py is what the last line runs"),
    (r"^aci-tutorial preflight --azure", "signs in to Azure and checks a subscription; the "
     "local checks are run by `aci-tutorial preflight` below"),
    (r"^python -c$", "a fragment of the support matrix: what a container's command line may "
     "run in the emulator's simulated shell, not a command to type"),
    (r"^export \w+=<", "fills in the learner's own Azure storage account (`<account>`), made "
     "by the `az` lines before it"),
    (r"^%env ", "an IPython magic, typed in a notebook cell, not a shell command (it sets a "
     "variable in the kernel; the `...` stands for the line shown beside it)"),
]

RULES = [
    *(Rule(pattern, "skip", why) for pattern, why in SKIPPED),
    # --- servers and the suite itself: dry runs and checks -----------------------------
    Rule(r"^(\w+=\S+ )*make (lab|test|notebooks|bench|book)\b(?!-)", "dry-run",
         "make -n: `make lab` starts JupyterLab until Ctrl-C (tools/lab.py is run by "
         "tests/browser/test_lab_working_copy.py), `make test` is this suite, `make notebooks`, "
         "`make bench` and `make book` take minutes"),
    Rule(r"^aci-tutorial serve$", "run", "with --help: a server until Ctrl-C; "
         "tests/localcloud/test_server.py starts it and stops it", substitute=(("$", " --help"),)),
    Rule(r"^aci-tutorial serve --port 8443$|^export ACI_EMULATOR_URL=|^ACI_WORKSHOP=\S+ jupyterhub ",
         "covered", "tests/hosting/test_jupyterhub.py::test_a_class_of_five_on_one_served_emulator"),
    Rule(r"^aci-tutorial serve --port 8443 --quota-cores \d+$", "covered",
         "tests/localcloud/test_served_kernel.py::test_serve_quota_cores_is_what_every_client_meets"),
    Rule(r"^voila notebooks/07_widget_explorer\.ipynb$", "check", "a server until Ctrl-C: "
         "`voila` on the lab's PATH and the notebook where it says; Voila rendering 07 is "
         "tests/browser/test_explorer_voila.py"),
    Rule(r"^\.venv/bin/python examples/aci_docs_sample\.py --emulator$", "covered",
         "tests/examples/test_aci_docs_sample.py::test_the_command_the_readme_shows_runs_without_a_terminal"),
    Rule(r"^\.venv/bin/python tools/screenshot_explorer\.py$", "run", "with --help: it runs "
         "Voila and Chromium for ~20 s; tests/browser/test_explorer_voila.py takes the same "
         "picture with the tool's capture() and compares it with the committed one",
         substitute=(("$", " --help"),)),
    # --- run for real -------------------------------------------------------------------
    Rule(r"^make lab-reset$", "run", "with LAB_DIR in a temporary folder (never the "
         "checkout's my-notebooks/)", substitute=(("$", " LAB_DIR={tmp}/my-notebooks"),)),
    Rule(r"^aci-tutorial COMMAND --help$", "run", "COMMAND is each of the CLI's commands"),
    Rule(r"^aci-tutorial workshop plan ", "run", "exit 1: 30 participants do not fit a "
         "region's default 100 cores, as the README says", exit_codes=(1,),
         substitute=((r" \[--region R \.\.\.\]", ""),)),
    Rule(r"^aci-tutorial release \.\./release( --git)?$", "run", "OUTDIR in a temporary folder "
         "instead of beside the checkout", substitute=((r"\.\./release", "{tmp}/release"),)),
    Rule(r"^aci-tutorial workshop cleanup ", "run", "at a terminal, where the trainer types the "
         "workshop's id", typed="pycon-2026\n"),
    Rule(r"^source \.venv/bin/activate$", "run", "in a terminal without the kit on PATH, "
         "then `aci-tutorial` is found", plain=True,
         substitute=(("$", " && command -v aci-tutorial && aci-tutorial --help"),)),
    Rule(r"^python -m aci_helpers\.trainer$", "run", "the CLI's other name, with --help",
         substitute=(("$", " --help"),)),
    Rule(r"^aci-tutorial workshop reset ", "run", "at a terminal, where the trainer types the "
         "participant", typed="p07\n"),
    Rule(r"^aci-tutorial workshop join --workshop \$ACI_WORKSHOP$", "run", "as a hub's start "
         "hook runs it: ACI_WORKSHOP and JUPYTERHUB_USER set",
         substitute=((r"\$ACI_WORKSHOP", "pycon-2026"), ("^", "JUPYTERHUB_USER=p07 "))),
    Rule(r"^ACI_EMULATOR_STATE=/home/p07/\S+ aci-tutorial ", "run", "on a hub, a participant's "
         "state file; here the test's, whose workshop the cleanup above deleted (exit 1, "
         "'No resource group carries workshop')", exit_codes=(0, 1),
         substitute=((r"^ACI_EMULATOR_STATE=\S+", "ACI_EMULATOR_STATE={tmp}/emulator.db"),)),
    Rule(r"^!?aci-tutorial |^export [A-Z_]+=[\w.~/-]+$", "run"),
]


def rule_for(command: str) -> Rule | None:
    return next((r for r in RULES if r.matches(command)), None)


SHOWN = shown_commands()


def test_every_shown_command_is_classified():
    unclassified = [f"{s.command!r} ({s.places[0]})" for s in SHOWN if rule_for(s.command) is None]
    assert not unclassified, ("commands shown but not tried; add a rule to RULES:\n"
                              + "\n".join(unclassified))
    # the extraction finds what it must (a broken extractor would pass vacuously)
    commands = {s.command for s in SHOWN}
    for expected in ("make lab", "make test", "aci-tutorial preflight", "make lab-reset",
                     "voila notebooks/07_widget_explorer.ipynb",
                     ".venv/bin/python examples/aci_docs_sample.py --emulator"):
        assert expected in commands, expected


@pytest.fixture(scope="module")
def terminal(tmp_path_factory):
    """({"lab": env, "plain": env}, tmp): a lab terminal's environment (tools/lab.py's: the
    kit's scripts first on PATH) and another terminal's, on a throw-away emulator state with
    the realtime clock sped up ten times, as in `ACI_EMULATOR_SPEED=10 make lab` (a trainer's
    rehearsal, which the README suggests)."""
    tmp = tmp_path_factory.mktemp("shown")
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("ACI_", "AZURE_")) and k not in ("MAKEFLAGS", "MFLAGS")}
    scripts = str(lab.scripts_dir())
    base["PATH"] = os.pathsep.join(p for p in base.get("PATH", "").split(os.pathsep)
                                   if p != scripts)  # proves the lab puts it there
    # the user's own settings, state and Azure CLI are never read or written: `workshop join`
    # writes a settings file (XDG_CONFIG_HOME), the CLI lives beside the state (XDG_CACHE_HOME)
    base.update(XDG_CONFIG_HOME=str(tmp / "config"), XDG_CACHE_HOME=str(tmp / "cache"))
    base.update(ACI_BACKEND="emulator", ACI_EMULATOR_STATE=str(tmp / "emulator.db"),
                ACI_EMULATOR_CLOCK="realtime", ACI_EMULATOR_SPEED="10", ACI_EMULATOR_SEED="0")
    return {"lab": lab.lab_environment(base), "plain": base}, tmp


def _shell(command: str, env: dict[str, str], typed: str | None = None,
           cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``command`` in bash; with ``typed``, at a terminal (a pseudo-terminal) where that
    is typed ahead, as a person would answer its prompt. Output in ``stdout`` (both streams
    at a terminal)."""
    if typed is None:
        return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=180)
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    os.write(master, typed.encode())
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = proc.wait(timeout=180)
    return subprocess.CompletedProcess(command, code, b"".join(chunks).decode(errors="replace"), "")


def _cli_commands() -> list[list[str]]:
    """``COMMAND --help`` (and ``workshop STEP --help``) for each command of the CLI."""
    from aci_helpers.trainer.cli import build_parser

    def choices(parser) -> dict:
        actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        return actions[0].choices if actions else {}

    out = []
    for name, parser in choices(build_parser()).items():
        out.append([name, "--help"])
        out += [[name, step, "--help"] for step in choices(parser)]
    return out


@pytest.mark.parametrize("shown", SHOWN, ids=[s.command[:60] for s in SHOWN])
def test_a_shown_command_works_as_written(shown, terminal):
    envs, tmp = terminal
    rule = rule_for(shown.command)
    if rule is None:
        pytest.fail(f"not classified: {shown.command!r} (see the first test)")
    where = "; ".join(shown.places)
    env = envs["plain" if rule.plain else "lab"]
    if rule.how == "skip":
        pytest.skip(f"{rule.why} [{where}]")
    command = shown.command.removeprefix("!")
    for pattern, replacement in rule.substitute:
        command = re.sub(pattern, replacement.format(tmp=tmp), command)
    if rule.how == "covered":
        file, test = rule.why.split("::")
        assert f"def {test}(" in (ROOT / file).read_text(), f"{rule.why} is gone"
        pytest.skip(f"run as shown by {rule.why} [{where}]")
    if rule.how == "check":
        program, path = shlex.split(command)
        done = _shell(f"command -v {program}", env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip() == str(lab.scripts_dir() / program), done.stdout
        assert (ROOT / path).is_file(), f"{path} is not where {where} says"
        return
    commands = [command]
    if rule.how == "dry-run":
        commands = [re.sub(r"\bmake ", "make -n ", command, count=1)]
    elif command == "aci-tutorial COMMAND --help":
        commands = ["aci-tutorial --help"]  # the program on PATH; each command's help in-process
        for argv in _cli_commands():
            if argv[0] == "az":  # `aci-tutorial az --help` is the Azure CLI's own help
                continue
            with pytest.raises(SystemExit) as exited:
                from aci_helpers.trainer.cli import build_parser
                build_parser().parse_args(argv)
            assert exited.value.code == 0, argv
    for cmd in commands:
        done = _shell(cmd, env, rule.typed)
        assert done.returncode in rule.exit_codes, (
            f"{cmd!r} (shown in {where}) exited {done.returncode}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
