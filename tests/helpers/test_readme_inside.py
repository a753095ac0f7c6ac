"""The README's exec example (section "Inside a running container") runs as written, in a
kernel where notebook 12's app runs: what it prints is the app's volume and processes."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from azure.mgmt.containerinstance import models as m

pytest.importorskip("websocket")
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text().split("### Inside a running container", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_exec_example_runs(monkeypatch, tmp_path):
    from aci_helpers import connect, ensure_resource_group
    from aci_helpers.names import notebook_name, reset_names

    for var, value in {"ACI_BACKEND": "emulator", "ACI_EMULATOR_STATE": str(tmp_path / "c.db"),
                       "ACI_EMULATOR_CLOCK": "instant", "ACI_EMULATOR_SEED": "0",
                       "XDG_CACHE_HOME": str(tmp_path), "TQDM_DISABLE": "1"}.items():
        monkeypatch.setenv(var, value)
    for var in ("ACI_RESOURCE_GROUP", "ACI_NAME_SUFFIX", "ACI_LOCATION"):
        monkeypatch.delenv(var, raising=False)
    reset_names()
    with connect() as s:      # notebook 12's app, as its first section makes it
        ensure_resource_group(s)
        name = notebook_name("12", "app", s)
        assert f'"{name}"' in readme_example()
        s.aci.container_groups.begin_create_or_update(s.resource_group, name, m.ContainerGroup(
            location=s.location, os_type="Linux", restart_policy="Always",
            volumes=[m.Volume(name="work", empty_dir={})],
            containers=[m.Container(
                name="app", image="alpine:3.20", volume_mounts=[m.VolumeMount(name="work",
                                                                              mount_path="/mnt/work")],
                command=["/bin/sh", "-c", "date +%s > /mnt/work/admin-code.txt; sleep infinity"],
                resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)))],
        )).result()
    ns: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(readme_example(), ns)  # the README's own example
    ns["s"].emulator.close()
    assert out.getvalue().startswith("admin-code.txt\nPID   USER")
