"""`aci-tutorial preflight`: the local checks on this machine, and each --azure check
against faults the emulator injects, with the fix it prints."""

from __future__ import annotations

import dataclasses

import pytest

from aci_helpers.builders import single_container_group
from aci_helpers.trainer.out import check_line
from aci_helpers.trainer.preflight import azure_checks, check_notebooks


def by_name(checks):
    return {c.name: c for c in checks}


def test_local_checks_are_green_here(cli):
    code, out, _ = cli("preflight")
    assert code == 0, out
    for name in ("Python", "packages", "Jupyter kernel", "emulator", "notebooks"):
        assert f"✔ ok   {name}: " in out
    assert "5 ok, 0 failed" in out


def test_a_notebook_importing_a_missing_module_is_red(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "%matplotlib inline\nimport os\nfrom not_a_real_module_xyz import thing")])
    nbformat.write(nb, tmp_path / "01_x.ipynb")
    c = check_notebooks(tmp_path)
    assert c.failed and "not_a_real_module_xyz (imported by 01_x.ipynb)" in c.detail
    assert 'pip install -e ".[dev]"' in c.fix


def test_all_azure_checks_green_on_a_healthy_subscription(state):
    checks = azure_checks(state, state.credential, participants=3)
    assert [c.status for c in checks] == ["ok"] * 5, [check_line(c) for c in checks]
    assert "room for" in by_name(checks)["quota"].detail
    assert "created and deleted aci-preflight-" in by_name(checks)["create resource group"].detail
    # nothing left behind
    assert list(state.resources.resource_groups.list()) == []


def test_not_signed_in(state, monkeypatch, tmp_path):
    """The Azure CLI credential with no `az` on PATH: what a machine without a sign-in gives."""
    from azure.identity import AzureCliCredential

    monkeypatch.setenv("PATH", str(tmp_path))
    checks = by_name(azure_checks(state, AzureCliCredential(process_timeout=5)))
    assert checks["signed in"].failed and "az login" in checks["signed in"].fix
    assert all(checks[n].status == "skip" for n in ("subscription", "provider", "quota"))
    assert "'signed in' failed" in checks["quota"].detail


def test_token_refused_by_arm(state):
    state.emulator.inject_fault("GET", r"/resourcegroups$", status=401,
                                code="InvalidAuthenticationToken",
                                message="The access token is invalid.")
    checks = by_name(azure_checks(state, state.credential))
    assert checks["signed in"].status == "ok"
    sub = checks["subscription"]
    assert sub.failed and "InvalidAuthenticationToken (HTTP 401)" in sub.detail
    assert "az login" in sub.fix and checks["provider"].status == "skip"


def test_provider_not_registered(state):
    state.resources.providers.unregister("Microsoft.ContainerInstance")
    checks = by_name(azure_checks(state, state.credential))
    p = checks["provider"]
    assert p.failed and "Microsoft.ContainerInstance is Unregistered" in p.detail
    assert "az provider register --namespace Microsoft.ContainerInstance" in p.fix
    assert checks["quota"].status == "skip"  # reading it would make the SDK register it
    assert checks["create resource group"].status == "ok"
    # a preflight registers nothing
    assert state.resources.providers.get("Microsoft.ContainerInstance").registration_state == "Unregistered"
    text = check_line(p)
    assert text.startswith("✖ FAIL provider: ") and "\n         fix: az provider register" in text


def test_no_quota(state):
    """The region's cores are used up (other groups of the subscription hold them)."""
    from aci_helpers import ensure_resource_group

    ensure_resource_group(state)
    for i in range(25):  # 25 groups of 4 cores: the default quota of 100
        g = single_container_group(f"busy-{i:02d}", state.location, cpu=4, memory_gb=4)
        state.aci.container_groups.begin_create_or_update(state.resource_group, g.containers[0].name, g).result()
    q = by_name(azure_checks(state, state.credential))["quota"]
    assert q.failed and "eastus: 0 of 100 cores free" in q.detail and "room for 0, not 1" in q.detail
    assert "aci-tutorial workshop plan --participants 1 --region eastus" in q.fix
    assert "Quotas" in q.fix


def test_no_right_to_create_a_resource_group(state):
    state.emulator.inject_fault("PUT", r"/resourcegroups/aci-preflight-", status=403,
                                code="AuthorizationFailed")
    c = by_name(azure_checks(state, state.credential))["create resource group"]
    assert c.failed and "AuthorizationFailed (HTTP 403)" in c.detail and "Contributor" in c.fix


def test_a_red_check_is_exit_code_1(cli, tmp_path):
    code, out, _ = cli("preflight", "--notebooks", str(tmp_path / "none"))
    assert code == 1 and "✖ FAIL notebooks: no notebooks folder found" in out


def test_check_lines_have_no_colour_outside_a_terminal(state):
    c = dataclasses.replace(azure_checks(state, state.credential)[0])
    assert "\033[" not in check_line(c)


@pytest.mark.parametrize("argv", [
    [], ["preflight"], ["workshop"], ["workshop", "plan"], ["workshop", "setup"],
    ["workshop", "status"], ["workshop", "cleanup"], ["release"], ["reset"]])
def test_every_subcommand_has_help(argv):
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "aci-tutorial"
    proc = subprocess.run([str(exe), *argv, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "usage: aci-tutorial" in proc.stdout
    assert "exit codes: 0" in proc.stdout


def test_usage_errors_are_exit_code_2():
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "aci-tutorial"
    proc = subprocess.run([str(exe), "workshop", "setup", "--participants", "3"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--workshop" in proc.stderr


def test_reset_empties_the_shared_cloud(state, cli, tmp_path):
    from aci_helpers import ensure_resource_group

    ensure_resource_group(state)
    code, out, _ = cli("reset")
    assert code == 0 and f"Emptied the emulator's cloud in {tmp_path / 'emulator.db'}" in out
    assert list(state.resources.resource_groups.list()) == []
