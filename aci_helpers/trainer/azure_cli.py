"""The real Azure CLI, pointed at the local cloud: where it is, how it is installed, and
its isolated configuration (a custom cloud, instance discovery off, a dummy service
principal signed in once).

The CLI lives in an environment of its own: azure-cli 2.91 pins azure-mgmt-resource 24.0.0,
azure-mgmt-containerinstance 10.2.0b1 and azure-core 1.39.0, while the kit's notebooks need
azure-mgmt-resource 26 and containerinstance 10.1 (pip cannot put both in one
environment). ``AZURE_CONFIG_DIR`` is the local cloud's own ``azure/`` folder beside the
state file: ``~/.azure`` is never read or written, and a plain ``az`` keeps talking to Azure.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..session import default_state_path

#: The Azure CLI release the local cloud is tested with.
AZURE_CLI_REQUIREMENT = "azure-cli>=2.91,<2.92"
#: The dummy service principal the CLI signs in as (the local cloud accepts any).
CLIENT_ID = "aci-tutorial-local"
CLIENT_SECRET = "local-cloud-accepts-any-secret"   # not a secret: the emulator takes any
CLOUD_NAME = "AciTutorialLocal"
_STAMP = "aci-tutorial.json"


class AzureCliMissing(Exception):
    """No Azure CLI for the local cloud: the message says how to install it."""


def cli_home() -> Path:
    """Where ``aci-tutorial install-cli`` puts the Azure CLI's own environment."""
    return default_state_path().parent / "azure-cli"


def find_az() -> str:
    """The ``az`` to run: ``ACI_AZURE_CLI`` (a path), else the one ``install-cli`` made."""
    chosen = os.environ.get("ACI_AZURE_CLI", "").strip()
    if chosen:
        path = shutil.which(os.path.expanduser(chosen))
        if path is None:
            raise AzureCliMissing(f"ACI_AZURE_CLI={chosen} is not an executable Azure CLI. Point "
                                  "it at an `az` (2.91), or unset it and run: "
                                  "aci-tutorial install-cli")
        return path
    exe = cli_home() / ("Scripts/az.bat" if os.name == "nt" else "bin/az")
    if exe.exists():
        return str(exe)
    raise AzureCliMissing(
        "The Azure CLI for the local cloud is not installed. Install it (about 370 MB, in its "
        f"own environment {cli_home()}, because azure-cli 2.91 pins SDK versions the notebooks "
        "cannot use):\n  aci-tutorial install-cli\nor point ACI_AZURE_CLI at an az 2.91 you "
        "have. Your own `az` and ~/.azure are not touched either way.")


def _uv() -> str | None:
    found = shutil.which("uv")
    if found:
        return found
    local = Path(sys.executable).with_name("uv")
    return str(local) if local.exists() else None


def install(home: Path | None = None) -> float:
    """Make the Azure CLI's environment (uv when available, else venv + pip); the seconds
    it took. Raises ``subprocess.CalledProcessError`` when an installer fails."""
    home = home or cli_home()
    began = time.perf_counter()
    home.parent.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if uv:
        subprocess.run([uv, "venv", "--quiet", "--allow-existing", "--python", sys.executable,
                        str(home)], check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python),
                        AZURE_CLI_REQUIREMENT], check=True)
    else:
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", AZURE_CLI_REQUIREMENT],
                       check=True)
    return time.perf_counter() - began


def environment(config_dir: Path, ca_file: str) -> dict[str, str]:
    """The environment the CLI runs in: its isolated configuration, the local CA, no
    telemetry, no proxy for 127.0.0.1."""
    env = dict(os.environ)
    no_proxy = ",".join(p for p in (env.get("NO_PROXY") or env.get("no_proxy") or "",
                                    "127.0.0.1,localhost") if p)
    env.update({
        "AZURE_CONFIG_DIR": str(config_dir),
        "REQUESTS_CA_BUNDLE": ca_file,        # the local CA only: checks stay on
        # `az container exec` opens its wss:// socket with websocket-client, which reads
        # its CA bundle from here (it passes no sslopt)
        "WEBSOCKET_CLIENT_CA_BUNDLE": ca_file,
        "AZURE_CORE_COLLECT_TELEMETRY": "no",
        "AZURE_CORE_INSTANCE_DISCOVERY": "false",
        "AZURE_EXTENSION_USE_DYNAMIC_INSTALL": "no",
        "NO_PROXY": no_proxy, "no_proxy": no_proxy,
    })
    for name in ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "AZURE_CLOUD_NAME", "ARM_CLOUD_METADATA_URL"):
        env.pop(name, None)
    return env


def _signed_in(config_dir: Path, url: str, subscription: str) -> bool:
    try:
        stamp = json.loads((config_dir / _STAMP).read_text())
        profile = json.loads((config_dir / "azureProfile.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return False
    subs = profile.get("subscriptions") if isinstance(profile, dict) else None
    return isinstance(stamp, dict) and stamp.get("url") == url and isinstance(subs, list) and \
        any(isinstance(s, dict) and s.get("id") == subscription and s.get("isDefault")
            and s.get("environmentName") == CLOUD_NAME for s in subs)


def _run(az: str, args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([az, *args], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"`az {' '.join(args[:3])}` failed while signing in to the local "
                           f"cloud (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}")


def ensure_signed_in(az: str, config_dir: Path, url: str, tenant: str,
                     subscription: str, env: dict[str, str]) -> bool:
    """Register the local cloud (``az cloud register`` reads its ``/metadata/endpoints``),
    make it active, and sign in the dummy service principal -- once per URL. True when it
    had to."""
    if _signed_in(config_dir, url, subscription):
        return False
    config_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    endpoint = url.rstrip("/") + "/"
    clouds = configparser.ConfigParser()
    try:
        clouds.read(config_dir / "clouds.config", encoding="utf-8")
    except configparser.Error:
        pass
    verb = "update" if clouds.has_section(CLOUD_NAME) else "register"
    _run(az, ["cloud", verb, "--name", CLOUD_NAME, "--endpoint-resource-manager", endpoint],
         env)
    _run(az, ["cloud", "set", "--name", CLOUD_NAME], env)
    _run(az, ["login", "--service-principal", "--username", CLIENT_ID, "--password",
              CLIENT_SECRET, "--tenant", tenant, "--output", "none"], env)
    (config_dir / _STAMP).write_text(json.dumps({"url": url, "signed_in": time.time()}))
    return True


def run(az: str, args: list[str], env: dict[str, str]) -> Any:
    """Run ``az ARGS`` with the CLI's own output and exit code (the process becomes az on
    POSIX)."""
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(az, [az, *args], env)
    return subprocess.run([az, *args], env=env).returncode
