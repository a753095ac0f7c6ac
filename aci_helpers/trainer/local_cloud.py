"""``aci-tutorial serve``, ``aci-tutorial az ARGS...`` and ``aci-tutorial install-cli``: the
emulator as a local cloud over HTTPS, and the real Azure CLI signed in to it.

Registered by the command line's entry with :func:`register` (one line there).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from . import azure_cli

OK, FAILED, USAGE = 0, 1, 2
#: The server ``aci-tutorial az`` starts stops by itself after this long without a request.
IDLE_EXIT_SECONDS = 900


class _Refused(Exception):
    """Bad usage found before anything changed (exit 2)."""


def _emulator(served_ok: bool = False) -> Any:
    """The session of the state file the notebooks use (``ACI_EMULATOR_*``), or, when
    ``served_ok``, of the served emulator they use (``ACI_EMULATOR_URL``)."""
    from .. import connect  # noqa: PLC0415

    s = connect("emulator")
    url = getattr(s.emulator, "url", None)
    if url and not served_ok:
        s.close()
        raise _Refused(f"This machine's kernels use the emulator served at {url} "
                       "(ACI_EMULATOR_URL, or the settings file's emulator_url): it is served "
                       "already. To serve a cloud of your own, unset ACI_EMULATOR_URL (or "
                       "`aci-tutorial workshop leave`).")
    if s.emulator.state is None and not url:
        s.close()
        raise _Refused("ACI_EMULATOR_STATE=memory is a cloud private to one process: there is "
                       "nothing to serve to another one. Unset it (the notebooks' shared state "
                       "file) or set it to a file path.")
    return s


def _log_to(stream: Any) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name, level in (("aci_helpers.emulator.server", logging.INFO),
                        ("uvicorn.error", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


# ----------------------------------------------------------------------------------- serve
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the learner's emulator cloud over HTTPS until Ctrl-C."""
    try:
        s = _emulator()
    except _Refused as err:
        print(f"aci-tutorial: {err}", file=sys.stderr)
        return USAGE
    with s:
        emu = s.emulator
        cloud = emu.local_cloud()
        if args.stop:
            return _stop(cloud)
        try:
            if args.quota_cores is not None:   # what every client meets unless it sets its own
                emu.quota_cores = args.quota_cores
            srv = emu.server(port=args.port, idle_exit=args.idle_exit)
        except ValueError as err:
            print(f"aci-tutorial: {err}", file=sys.stderr)
            return USAGE
        _log_to(sys.stdout)
        srv.start()   # a second server on this state: ServerBusy names the one serving it
        speed = f", speed {emu.speed:g}" if emu.speed != 1 else ""
        speed += f", quota {emu.quota_cores:g} standard cores a region" \
            if args.quota_cores is not None else ""
        print(f"Serving the emulator's cloud at {srv.url}\n"
              f"  state file: {emu.state} (clock {emu.clock}{speed}), the one the notebooks use\n"
              f"  CA certificate: {srv.ca_file}\n"
              f"  Azure CLI: aci-tutorial az container list --output table   (another terminal)\n"
              f"  Python: ClientSecretCredential(tenant, any_id, any_secret, authority="
              f"\"{srv.url}\",\n            disable_instance_discovery=True, connection_verify=CA)"
              f"; clients get base_url=\"{srv.url}\", connection_verify=CA\n"
              f"  A class on this machine (JupyterHub): ACI_EMULATOR_URL={srv.url} "
              f"ACI_EMULATOR_CA={srv.ca_file}\n"
              f"Started in {srv.started_in:.2f} s. Ctrl-C stops it.", flush=True)
        try:
            srv.run()
        except KeyboardInterrupt:
            srv.stop()
        print(f"Stopped serving {emu.state} ({srv.requests} requests).", flush=True)
    return OK


def _stop(cloud: Any) -> int:
    running = cloud.running()
    if running is None:
        print(f"No server serves {cloud.state}.")
        return OK
    if running.pid is None or running.pid == os.getpid():
        print(f"aci-tutorial: {running.holder} serves {cloud.state}; stop it there.",
              file=sys.stderr)
        return FAILED
    os.kill(running.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while cloud.running() is not None:
        if time.monotonic() > deadline:
            print(f"aci-tutorial: {running.holder} did not stop within 10 s.", file=sys.stderr)
            return FAILED
        time.sleep(0.05)
    print(f"Stopped {running.holder}, which served {cloud.state} at {running.url}.")
    return OK


# -------------------------------------------------------------------------------------- az
def _listening(url: str) -> bool:
    host, port = url.split("//", 1)[1].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def _start_background(cloud: Any) -> Any:
    """Start ``aci-tutorial serve`` in the background (it stops after IDLE_EXIT_SECONDS
    without a request) and wait until it listens."""
    cloud.make_home()
    with open(cloud.log_file, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "aci_helpers.trainer", "serve", "--idle-exit",
             str(IDLE_EXIT_SECONDS)], stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 20
    while True:
        running = cloud.running()
        if running is not None and _listening(running.url):
            break
        if (proc.poll() is not None and cloud.running() is None) or time.monotonic() > deadline:
            tail = cloud.log_file.read_text(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError("The local cloud's server did not start:\n  " + "\n  ".join(tail)
                               + f"\n(log: {cloud.log_file}; or run `aci-tutorial serve` in "
                               "another terminal)")
        time.sleep(0.05)
    if running.pid == proc.pid:
        print(f"aci-tutorial: started the local cloud at {running.url} (process {proc.pid}, "
              f"log {cloud.log_file}); it stops after {IDLE_EXIT_SECONDS // 60} min without "
              "requests, or with `aci-tutorial serve --stop`.", file=sys.stderr, flush=True)
    return running


def cmd_az(args: argparse.Namespace) -> int:
    """The real Azure CLI, signed in to the local cloud, with its own output and exit code."""
    try:
        az = azure_cli.find_az()
        s = _emulator(served_ok=True)
    except (azure_cli.AzureCliMissing, _Refused) as err:
        print(f"aci-tutorial: {err}", file=sys.stderr)
        return USAGE
    with s:
        try:
            if getattr(s.emulator, "url", None):   # the class's served emulator
                from ..session import default_state_path  # noqa: PLC0415

                config_dir = default_state_path().parent / "served-cloud-azure"
                url, ca = s.emulator.url, s.emulator.ca_file
            else:
                cloud = s.emulator.local_cloud()
                running = cloud.running() or _start_background(cloud)
                config_dir, url, ca = cloud.azure_config_dir, running.url, running.ca_file
            env = azure_cli.environment(config_dir, ca)
            azure_cli.ensure_signed_in(az, config_dir, url, s.emulator.tenant_id,
                                       s.subscription_id, env)
        except RuntimeError as err:
            print(f"aci-tutorial: {err}", file=sys.stderr)
            return FAILED
    return azure_cli.run(az, list(args.args), env)


# ----------------------------------------------------------------------------- install-cli
def cmd_install_cli(args: argparse.Namespace) -> int:
    """Install the Azure CLI into its own environment."""
    home = azure_cli.cli_home()
    exe = home / "bin" / "az"
    if exe.exists() and not args.force:
        print(f"The Azure CLI for the local cloud is installed in {home} "
              "(--force installs it again).")
        return OK
    print(f"Installing {azure_cli.AZURE_CLI_REQUIREMENT} into {home} (its own environment: it "
          "pins SDK versions the notebooks cannot use) ...", flush=True)
    try:
        took = azure_cli.install(home)
    except (subprocess.CalledProcessError, OSError) as err:
        print(f"aci-tutorial: the install failed ({err}). It needs network access to PyPI once.",
              file=sys.stderr)
        return FAILED
    print(f"Installed in {took:.0f} s. Try: aci-tutorial az container list --output table")
    return OK


# --------------------------------------------------------------------------------- parsers
def register(sub: Any, fmt: type, epilog: str) -> None:
    """Add ``serve``, ``az`` and ``install-cli`` to the command line's subcommands."""
    sv = sub.add_parser(
        "serve", formatter_class=fmt, epilog=epilog, help="the emulator over HTTPS (local cloud)",
        description="Serve the emulator's cloud (the state file the notebooks use, their clock "
        "and speed) over HTTPS on 127.0.0.1, with a CA of its own and the sign-in real clients "
        "perform, until Ctrl-C. One server per state file.")
    sv.add_argument("--port", type=int, help="the port (default: the last one, if free; else any)")
    sv.add_argument("--stop", action="store_true", help="stop the server of this state file")
    sv.add_argument("--idle-exit", type=float, metavar="SECONDS",
                    help="stop after this long without a request")
    sv.add_argument("--quota-cores", type=float, metavar="N",
                    help="standard cores a region (default 100, Azure's default): rehearse a "
                    "class with the quota you asked Azure for")
    sv.set_defaults(func=cmd_serve)

    az = sub.add_parser(
        "az", add_help=False, prefix_chars="\0", formatter_class=fmt,
        help="the real Azure CLI on the local cloud",
        description="Run the Azure CLI against the local cloud (aci-tutorial serve, started in "
        "the background if none runs), signed in once as a dummy service principal in an "
        "isolated AZURE_CONFIG_DIR; ~/.azure is never touched.")
    az.add_argument("args", nargs=argparse.REMAINDER)
    az.set_defaults(func=cmd_az)

    ic = sub.add_parser(
        "install-cli", formatter_class=fmt, epilog=epilog,
        help="install the Azure CLI for `aci-tutorial az`",
        description=f"Install {azure_cli.AZURE_CLI_REQUIREMENT} into an environment of its own "
        f"({azure_cli.cli_home()}).")
    ic.add_argument("--force", action="store_true", help="install again")
    ic.set_defaults(func=cmd_install_cli)
