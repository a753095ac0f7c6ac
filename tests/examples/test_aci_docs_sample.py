"""The way out of the kit: examples/aci_docs_sample.py, plain SDK, run on the emulator by
its one switch (instant clock, in-memory cloud), its Azure path checked offline."""

from __future__ import annotations

import ast
import os
import re
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


def test_the_seven_sections_run_on_the_emulator():
    done = run("--emulator", "--yes", ACI_EMULATOR_CLOCK="instant")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
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
