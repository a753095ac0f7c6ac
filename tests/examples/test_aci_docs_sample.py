"""The way out of the kit: examples/aci_docs_sample.py, plain SDK, run on the emulator by
its one switch (instant clock, in-memory cloud), its Azure path checked offline."""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "aci_docs_sample.py"
# the kit's emulator functions the script may reach, and only from here
EMULATOR_FUNCTION = "_emulator"


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "AZURE_"))}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          env={**base, **env}, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL)


def test_the_command_the_readme_shows_runs_without_a_terminal():
    """`.venv/bin/python examples/aci_docs_sample.py --emulator`, from the checkout, with no
    terminal (stdin closed: CI, a pipe): its pause for ENTER is skipped, no EOFError. The
    seven sections' output is then checked in order."""
    python = ROOT / ".venv" / "bin" / "python"
    command = (".venv/bin/python" if python.exists() else shlex.quote(sys.executable)) + \
        " examples/aci_docs_sample.py --emulator"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "AZURE_"))}
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                          env={**base, "ACI_EMULATOR_CLOCK": "instant"}, cwd=ROOT,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "No terminal to press ENTER in: deleting now (--yes skips the pause)." in out
    suffix = re.search(r"Creating resource group 'aci-rg-(\d{6})' in eastus", out).group(1)
    name = f"aci-{suffix}"
    expected_in_order = [
        f"Creating container group '{name}'...",
        f"container group '{name}' will be reachable at http://{name}.eastus.azurecontainer.io",
        f"Creating container group '{name}-multi'...",
        f"'{name}-multi' will be reachable at http://{name}-multi.eastus.azurecontainer.io",
        f"Creating container group '{name}-task' with start command ['python', 'wordcount.py',",
        f"Creation of container group '{name}-task' finished: provisioning state Succeeded",
        f"Container group '{name}-task' finished: Succeeded",
        f"Logs for container '{name}-task':",
        "('BENVOLIO', 74)",          # the real word count of Romeo and Juliet, MinLength=8
        f"Listing container groups in resource group 'aci-rg-{suffix}'...",
        f"  {name}\n  {name}-multi\n  {name}-task\n",
        f"Name:   {name}\nState:  Succeeded\nFQDN:   {name}.eastus.azurecontainer.io",
        "Region: eastus",
        f"  Name:  {name}\n  Image: mcr.microsoft.com/azuredocs/aci-helloworld\n  State: Running",
        f"Deleting container group '{name}-task'...",
        f"Deleting resource group 'aci-rg-{suffix}'...",
        "Deleted.",
    ]
    at = 0
    for text in expected_in_order:
        found = out.find(text, at)
        assert found >= 0, f"{text!r} not found after position {at} in:\n{out}"
        at = found + len(text)
    logs = out.split(f"Logs for container '{name}-task':\n")[1].split("\n\n")[0]
    assert logs.count("('") == 5       # NumWords=5


def test_the_azure_path_imports_nothing_from_the_kit():
    code = (f"import runpy, sys; m = runpy.run_path({str(SCRIPT)!r}, run_name='sample'); "
            "aci, res = m['authenticate'](False); "
            "assert type(aci).__name__ == 'ContainerInstanceManagementClient', aci; "
            "assert aci._config.subscription_id == '00000000-0000-0000-0000-000000000001'; "
            "kit = sorted(n for n in sys.modules if n.split('.')[0] == 'aci_helpers'); "
            "print('kit modules:', kit)")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "AZURE_"))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**base, "AZURE_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000001"},
                          timeout=120, cwd=ROOT / "examples")
    assert done.returncode == 0, done.stderr
    assert "kit modules: []" in done.stdout


def test_only_the_emulator_switch_imports_the_kit():
    tree = ast.parse(SCRIPT.read_text())

    def kit_imports(node: ast.AST) -> list[ast.AST]:
        return [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))
                and "aci_helpers" in ast.dump(n)]

    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]
    reaching = [f.name for f in functions for _ in kit_imports(f)]
    assert reaching == [EMULATOR_FUNCTION] and len(kit_imports(tree)) == 1


def test_without_a_subscription_it_says_what_to_set():
    done = run()
    assert done.returncode != 0
    assert "Set AZURE_SUBSCRIPTION_ID" in done.stderr and "--emulator" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_emulator_setting_is_one_clear_line():
    done = run("--emulator", "--yes", ACI_EMULATOR_CLOCK="instant", ACI_EMULATOR_SPEED="10")
    assert done.returncode != 0
    assert "realtime clock only" in done.stderr and "Traceback" not in done.stderr


def test_every_sdk_call_shows_its_az_equivalent():
    lines = SCRIPT.read_text().splitlines()
    calls = re.compile(r"\.(container_groups|containers|resource_groups)\.\w+\(")
    checked = 0
    for i, line in enumerate(lines):
        if calls.search(line) and not line.lstrip().startswith("#"):
            checked += 1
            before = "\n".join(lines[max(0, i - 6):i])
            assert re.search(r"#\s+az (group|container) ", before), \
                f"line {i + 1} has no `az` equivalent in a comment above it: {line.strip()}"
    assert checked == 10  # create rg, 3 creates, 2 gets, logs, list, 2 deletes


def test_at_a_terminal_it_waits_for_enter_before_deleting():
    """A person at a terminal gets the 2019 sample's pause: nothing is deleted until ENTER."""
    import pty
    import select

    base = {k: v for k, v in os.environ.items() if not k.startswith(("ACI_", "AZURE_"))}
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "--emulator"], cwd=ROOT, stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True,
                            env={**base, "ACI_EMULATOR_CLOCK": "instant"})
    os.close(slave)
    seen = b""
    try:
        while b"Press ENTER" not in seen:
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, f"no prompt for ENTER within 60 s:\n{seen.decode()[-2000:]}"
            seen += os.read(master, 65536)
        assert b"Deleting" not in seen and proc.poll() is None  # waiting, nothing deleted
        os.write(master, b"\n")
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the script has ended and closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=60) == 0, seen.decode()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert b"Deleted." in seen.split(b"Press ENTER")[1]
