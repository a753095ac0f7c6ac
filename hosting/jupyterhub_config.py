"""JupyterHub settings for an ACI tutorial workshop on one machine (README, "Hosted").

Run: ``ACI_WORKSHOP=pycon-2026 jupyterhub -f hosting/jupyterhub_config.py`` with your own
authenticator and spawner added below (tests/hosting/test_jupyterhub.py loads this file with
DummyAuthenticator and SimpleLocalProcessSpawner, on loopback). Zero to JupyterHub: the same
settings as Helm values are in ``hosting/z2jh-config.yaml``.
"""

import os
import shutil
import subprocess
import sys

c = get_config()  # noqa: F821 - JupyterHub's config loader defines it

#: The workshop's id (`aci-tutorial workshop setup --workshop ID`); empty: no workshop.
WORKSHOP = os.environ.get("ACI_WORKSHOP", "").strip()

c.Spawner.default_url = "/lab"
c.Spawner.environment = {"ACI_WORKSHOP": WORKSHOP}
# Memory: a participant's server plus one notebook kernel measured 204-224 MB (PSS)
# running notebooks 00-03 (README, "Hosted"); a learner keeps a few kernels open. Container
# spawners (KubeSpawner, DockerSpawner) enforce these; LocalProcessSpawner does not.
c.Spawner.mem_guarantee = "512M"
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
# Idle kernels are shut down after an hour without activity (a 2-hour workshop keeps them),
# which frees most of the memory; the hub's idle culler (jupyterhub-idle-culler) stops whole
# servers idle for two hours.
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def join_workshop(spawner: object) -> None:
    """Before a participant's server starts: `aci-tutorial workshop join` for them, which
    writes their settings file (workshop, participant, resource group) in their home, so
    every kernel is configured without a step of theirs. A class on one served emulator
    (README): ACI_EMULATOR_URL and ACI_EMULATOR_CA in the hub's environment reach join here,
    which keeps them (a copy of the CA) in the user's settings."""
    if not WORKSHOP:
        return
    env = {**os.environ, **spawner.user_env({}), "JUPYTERHUB_USER": spawner.user.name}
    tool = shutil.which("aci-tutorial") or os.path.join(os.path.dirname(sys.executable),
                                                        "aci-tutorial")
    subprocess.run([tool, "workshop", "join", "--workshop", WORKSHOP], env=env, check=True,
                   timeout=120, stdout=subprocess.DEVNULL)


c.Spawner.pre_spawn_hook = join_workshop
