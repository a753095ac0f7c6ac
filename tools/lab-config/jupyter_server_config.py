"""JupyterLab's terminals under `make lab` (tools/lab.py puts this folder on
JUPYTER_CONFIG_PATH): the user's shell, with the kit's scripts first on PATH.

Without this, a server whose stdout is not a terminal (started by a script, a test, a
service) runs a login shell, whose /etc/profile resets PATH: `aci-tutorial` and `voila`
would be "command not found" there. bash reads lab-config/bashrc (the user's ~/.bashrc,
then the kit's scripts first again); another shell runs as it is, on the PATH it inherits.
"""
# ruff: noqa: F821 - `c` is the config object Jupyter provides to this file
import os
import shutil
from pathlib import Path

if os.name != "nt":
    _shell = os.environ.get("SHELL") or shutil.which("bash") or shutil.which("sh") or "sh"
    _command = [_shell]
    if Path(_shell).name == "bash":
        _command += ["--rcfile", str(Path(__file__).resolve().with_name("bashrc"))]
    c.ServerApp.terminado_settings = {"shell_command": _command}
