"""The hub settings the README recommends are the ones hosting/ commits: the Zero to
JupyterHub values (valid YAML) and the single-machine jupyterhub_config.py (loaded as
JupyterHub loads it), culling and memory limits alike."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_z2jh_values_are_yaml_and_carry_the_readmes_settings():
    values = yaml.safe_load((ROOT / "hosting" / "z2jh-config.yaml").read_text())
    single = values["singleuser"]
    assert single["memory"] == {"guarantee": "512M", "limit": "1G"}
    assert single["defaultUrl"] == "/lab" and "ACI_WORKSHOP" in single["extraEnv"]
    hook = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert 'aci-tutorial workshop join --workshop "$ACI_WORKSHOP" --participant "$JUPYTERHUB_USER"' in hook
    kernels = single["extraFiles"]["jupyter_server_config"]["data"]["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] == 3600
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 7200
    for text in ("memory guarantee 512 MB and limit 1 GB", "cull_idle_timeout\n  = 3600",
                 "`cull.timeout: 7200`", "hosting/z2jh-config.yaml"):
        assert text in README, text


def test_single_machine_config_loads_as_jupyterhub_loads_it(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("ACI_WORKSHOP", "pycon-2026")
    c = PyFileConfigLoader("jupyterhub_config.py", path=str(ROOT / "hosting")).load_config()
    assert c.Spawner.mem_limit == "1G" and c.Spawner.mem_guarantee == "512M"
    assert "--MappingKernelManager.cull_idle_timeout=3600" in c.Spawner.args
    assert c.Spawner.environment == {"ACI_WORKSHOP": "pycon-2026"}
    assert callable(c.Spawner.pre_spawn_hook) and c.Spawner.default_url == "/lab"
