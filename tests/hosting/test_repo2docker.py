"""The repository builds with repo2docker as it is (Binder, Zero to JupyterHub images):
`jupyter-repo2docker --no-build --debug .` prints the Dockerfile it would build; it must
install the conda environment (the package with it), run postBuild (the package into the
environment itself) and start through `start` (the emulator by default, state in $HOME).

repo2docker is not a dependency of the kit: the test installs it once into its own
environment under .cache-local/ (uv when present, else pip), and skips with the reason
only when it cannot be installed (no package index reachable)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow(30)  # longest first under pytest-xdist (see conftest.py)
ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".cache-local" / "repo2docker-venv"
EXE = VENV / "bin" / "jupyter-repo2docker"


def repo2docker() -> Path:
    """The jupyter-repo2docker executable, installed on first use."""
    found = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    if found:
        return Path(found)
    if EXE.exists():
        return EXE
    # `make` puts uv into .venv when there is none on PATH
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    cmds = ([[uv, "venv", "-q", str(VENV)], [uv, "pip", "install", "-q", "--python",
                                             str(VENV / "bin" / "python"), "jupyter-repo2docker"]]
            if uv else [[sys.executable, "-m", "venv", str(VENV)],
                        [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q",
                         "jupyter-repo2docker"]])
    for cmd in cmds:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode:
            shutil.rmtree(VENV, ignore_errors=True)
            pytest.skip(f"cannot install jupyter-repo2docker here ({' '.join(cmd[:3])}: "
                        f"{(proc.stderr.strip().splitlines() or ['?'])[-1][:200]})")
    return EXE


def test_repo2docker_dockerfile_installs_the_package():
    exe = repo2docker()
    proc = subprocess.run([str(exe), "--no-build", "--debug", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-2000:]
    assert "Building conda environment for python=3.12" in out  # environment.yml's pin
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in out
    assert "RUN ./postBuild" in out and 'ENV R2D_ENTRYPOINT="${REPO_DIR}/start"' in out
    # environment.yml installs the package (editable), postBuild into the environment itself
    assert "      - -e .\n" in (ROOT / "environment.yml").read_text()
    assert "python -m pip install --no-deps .\n" in (ROOT / "postBuild").read_text()
    start = (ROOT / "start").read_text()
    assert 'ACI_BACKEND="${ACI_BACKEND:-emulator}"' in start
    assert "$HOME/.cache/aci-tutorial/emulator.db" in start and start.rstrip().endswith('exec "$@"')


def test_start_keeps_a_users_choice_and_defaults_to_the_emulator(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    show = ["bash", str(ROOT / "start"), "bash", "-c", 'echo "$ACI_BACKEND $ACI_EMULATOR_STATE"']
    out = subprocess.run(show, env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"emulator {tmp_path}/.cache/aci-tutorial/emulator.db"
    out = subprocess.run(show, env={**env, "ACI_BACKEND": "azure"}, capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("azure ")
