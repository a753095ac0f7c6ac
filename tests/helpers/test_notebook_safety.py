"""Notebook 06 deletes things: run its cells on a cloud that holds a group of the learner's own."""

from __future__ import annotations

from pathlib import Path

import nbformat

from aci_helpers import connect, ensure_resource_group, single_container_group, wait_for_operation
from aci_helpers.names import reset_names

ROOT = Path(__file__).resolve().parents[2]


def run_code_cells(path: Path) -> dict:
    """Execute a notebook's code cells in order, in this process (they are plain Python)."""
    nb = nbformat.read(path, as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{path.name}:{cell.execution_count}", "exec"), namespace)
    return namespace


def test_notebook_06_leaves_a_learners_own_group_and_its_resource_group(tmp_path, clean_env, capsys):
    state = tmp_path / "cloud.db"
    clean_env.setenv("ACI_EMULATOR_STATE", str(state))
    clean_env.setenv("ACI_EMULATOR_CLOCK", "instant")
    clean_env.setenv("TQDM_DISABLE", "1")
    reset_names()
    s = connect()
    ensure_resource_group(s)  # the tutorial's (tagged) resource group
    mine = single_container_group("my-own-group", s.location, dns_name_label="my-own-label")
    mine.tags = {"owner": "me"}
    wait_for_operation(s.aci.container_groups.begin_create_or_update(s.resource_group, "my-own-group", mine))

    run_code_cells(ROOT / "notebooks" / "06_delete_container_groups.ipynb")

    assert s.resources.resource_groups.check_existence(s.resource_group)
    assert s.aci.container_groups.get(s.resource_group, "my-own-group").name == "my-own-group"
    assert "still holds my-own-group, not created by the tutorial: left alone." in capsys.readouterr().out


def test_wait_and_cleanup_are_the_functions_whatever_was_imported_first():
    """``wait`` and ``cleanup`` are also module names: importing the module first used to win."""
    import subprocess
    import sys

    code = ("from aci_helpers import wait_for_state, explain\n"
            "import aci_helpers.cleanup, aci_helpers.wait\n"
            "from aci_helpers import wait, cleanup\n"
            "import aci_helpers\n"
            "assert callable(wait) and callable(cleanup), (wait, cleanup)\n"
            "assert callable(aci_helpers.wait) and callable(aci_helpers.cleanup)\n"
            "import sys; assert 'pandas' not in sys.modules and 'tqdm' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
