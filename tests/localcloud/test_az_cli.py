"""Every ``az`` command the notebooks, the README and ``docs/`` name, run for real through
``aci-tutorial az`` against the state the notebooks' SDK clients use.

Needs the Azure CLI (``aci-tutorial install-cli``, or ``ACI_AZURE_CLI``) and
``ACI_REQUIRE_AZURE_CLI=1``: `.ci/run` installs it after `make test` and runs this file so;
elsewhere those tests skip with that reason (the static checks of the commands always run).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, cli_env

# --------------------------------------------------------------------------- the commands
_INLINE = re.compile(r"`(?:aci-tutorial )?(az [a-z][^`]*)`")   # offline, as notebook 12 shows it
_SUBST = re.compile(r"\$\((az [a-z][^)]*)\)")
_LINE = re.compile(r"^\s*(?:\$ |!)?(az [a-z].*?)\s*$")

#: Commands the kit names that the local cloud does not serve, and why (each is also named
#: in docs/emulator-support.md, "Local cloud"). Keyed by their first words.
NOT_SERVED = {
    "az login": "the local cloud signs `aci-tutorial az` in by itself; `az login` is for Azure",
    "az ad": "Microsoft Entra ID applications and service principals are not emulated",
    "az acr": "registries are emulated inside the state (Emulator.add_registry), not as ARM "
              "resources",
    "az identity": "managed identities are not ARM resources here (any well-formed id is "
                   "accepted where a group names one)",
    "az role": "role assignments are not emulated",
    "az storage": "storage accounts and shares are emulated inside the state (file_share()), "
                  "not as ARM resources",
    "az account set": "one subscription: nothing to choose",
}
#: What the local cloud serves.
SERVED = ("az group create", "az group delete", "az container", "az rest ",
          "az provider register", "az account show")


def _texts() -> list[tuple[str, str]]:
    """(where, text) of every notebook cell, the README and every page of docs/."""
    out = []
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        out += [(nb_path.name, cell.source) for cell in nb.cells]
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        out.append((md.relative_to(ROOT).as_posix(), md.read_text()))
    return out


def named_commands() -> list[tuple[str, str]]:
    """(where, command) of every ``az`` command named in the kit, in order, without
    duplicates (a command continued with ``\\`` is joined)."""
    seen: dict[str, str] = {}
    for where, text in _texts():
        text = re.sub(r"\\\n\s*", " ", text)
        found = _INLINE.findall(text) + _SUBST.findall(text)
        for line in text.splitlines():
            m = _LINE.match(line)
            if m and "`" not in m.group(1):
                found.append(m.group(1))
        for cmd in found:
            cmd = re.sub(r"\s+", " ", cmd.replace('\\"', '"')).strip().rstrip(".,;:")
            seen.setdefault(cmd, where)
    return [(where, cmd) for cmd, where in seen.items()]


def _not_served(cmd: str) -> str | None:
    return next((why for key, why in NOT_SERVED.items()
                 if cmd == key or cmd.startswith(key + " ")), None)


def test_every_named_command_is_served_or_named_as_not_served() -> None:
    commands = named_commands()
    assert len(commands) > 20
    # the offline form (`aci-tutorial az ...`, as notebook 12 names its commands) is found too
    assert any(c.endswith("-12-app --exec-command /bin/sh") for _, c in commands), commands
    unknown = [c for _, c in commands if not _not_served(c) and not c.startswith(SERVED)]
    assert not unknown, f"neither run by test_every_named_command nor in NOT_SERVED: {unknown}"
    doc = (ROOT / "docs" / "emulator-support.md").read_text()
    for key in NOT_SERVED:
        assert f"`{key}`" in doc, f"docs/emulator-support.md should name `{key}` as not served"


# ------------------------------------------------------------------------------ the runner
def _find_az() -> str | None:
    from aci_helpers.trainer import azure_cli

    try:
        return azure_cli.find_az()
    except azure_cli.AzureCliMissing:
        return None


# They take minutes (each `az` starts a Python of its own), so `make test` leaves them to
# .ci/run, which installs the CLI and sets ACI_REQUIRE_AZURE_CLI=1 (then a missing CLI fails).
REQUIRED = bool(os.environ.get("ACI_REQUIRE_AZURE_CLI"))
AZ = _find_az() if REQUIRED else None
if REQUIRED and AZ is None:
    raise RuntimeError("ACI_REQUIRE_AZURE_CLI is set but no Azure CLI is installed for the local "
                       "cloud: aci-tutorial install-cli")
needs_az = pytest.mark.skipif(AZ is None, reason="the real Azure CLI's tests run in .ci/run "
                              "(aci-tutorial install-cli, then ACI_REQUIRE_AZURE_CLI=1)")


class Cli:
    """``aci-tutorial az`` on one state file, with a home of its own (``~/.azure`` of the
    test's HOME must never appear)."""

    def __init__(self, tmp: Path, clock: str = "instant") -> None:
        self.state = tmp / "state" / "emulator.db"
        self.home = tmp / "home"
        self.home.mkdir()
        self.env = cli_env(self.state, ACI_AZURE_CLI=AZ or "", HOME=str(self.home),
                           ACI_EMULATOR_CLOCK=clock, ACI_EMULATOR_SEED="0")
        self.env.pop("XDG_CACHE_HOME", None)
        self.env.pop("AZURE_CONFIG_DIR", None)

    def az(self, *args: str, check: bool = True, timeout: float = 120,
           typed: str | None = None) -> subprocess.CompletedProcess:
        """``aci-tutorial az ARGS``; ``typed``: what a person types at it (its standard input)."""
        done = subprocess.run([sys.executable, "-m", "aci_helpers.trainer", "az", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=timeout,
                              input=typed)
        if check:
            assert done.returncode == 0, f"az {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done

    def session(self):
        from aci_helpers import connect

        return connect("emulator", state=self.state, clock=self.env["ACI_EMULATOR_CLOCK"])

    def stop(self) -> None:
        subprocess.run([sys.executable, "-m", "aci_helpers.trainer", "serve", "--stop"], cwd=ROOT,
                       env=self.env, capture_output=True, timeout=30)


@pytest.fixture
def cli(tmp_path: Path):
    c = Cli(tmp_path)
    yield c
    c.stop()
    assert not (c.home / ".azure").exists(), "aci-tutorial az wrote to ~/.azure"


GROUP_YAML = """\
apiVersion: '2023-05-01'
location: eastus
name: {name}
tags: {{created-by: aci-tutorial}}
properties:
  osType: Linux
  restartPolicy: Always
  ipAddress: {{type: Public, ports: [{{port: 80, protocol: TCP}}]}}
  containers:
  - name: {name}-1
    properties:
      image: mcr.microsoft.com/azuredocs/aci-helloworld
      resources: {{requests: {{cpu: 1.0, memoryInGB: 2.0}}}}
      ports: [{{port: 80}}]
  - name: {name}-2
    properties:
      image: mcr.microsoft.com/azuredocs/aci-tutorial-sidecar
      resources: {{requests: {{cpu: 1.0, memoryInGB: 1.0}}}}
"""


def _complete(cmd: str, where: str, n: dict[str, str]) -> list[list[str]]:
    """The command as a learner would type it, the notebook's names filled in; elided parts
    (``…``) completed with what the notebook's group needs. Several lines for a bare name."""
    rg = ["--resource-group", "aci-tutorial-rg"]
    text = cmd.replace("…", "...")
    if where.startswith("02_"):       # notebook 02's <name> is its two-container group
        text = text.replace("<name>", n["multi"])
    for key in sorted((k for k in n if k.startswith(("<", "--"))), key=lambda k: k[0] != "-"):
        text = text.replace(key, n[key])
    words = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', text)][1:]
    base = " ".join(words[:2])
    if base == "container create" and "..." in words:
        extra = words[words.index("...") + 1:]
        name = {"--priority": n["spot"], "--dns-name-label": n["label_group"],
                "--secrets": n["secret_group"], "--image": n["registry_group"],
                "--acr-identity": n["identity_group"]}[extra[0]]
        first = ["container", "create", *rg, "--name", name]
        if extra[0] == "--priority":
            return [first + ["--image", "mcr.microsoft.com/azuredocs/aci-wordcount",
                             "--restart-policy", "Never", "--location", "westus", *extra]]
        if extra[0] == "--dns-name-label":
            return [first + ["--image", "mcr.microsoft.com/azuredocs/aci-helloworld", "--ports",
                             "80", "--ip-address", "Public", *extra]]
        if extra[0] == "--secrets":
            return [first + ["--image", "alpine", "--restart-policy", "Never", "--command-line",
                             "cat /mnt/secrets/api-token", *extra]]
        if extra[0] == "--image":
            return [first + extra]
        return [first + ["--image", f"{n['<server>']}/aci-helloworld:v1", *extra]]
    words = [w for w in words if w != "..."]   # elided: the branches below fill them in
    if words == ["container"]:       # the command group, named in prose: its help
        return [["container", "--help"]]
    if words[:2] == ["container", "create"] and len(words) == 2:
        return [["container", "create", *rg, "--name", n["bare"], "--image",
                 "mcr.microsoft.com/azuredocs/aci-helloworld"]]
    if words[:2] == ["container", "logs"] and words[2:3] == ["--container-name"]:
        return [["container", "logs", *rg, "--name", n["multi"], *words[2:]]]
    if words[:2] == ["container", "exec"] and "--exec-command" not in words:
        # one program, no arguments: a one-shot one prints, and the socket closes
        words = [*words, "--exec-command", "hostname"]
    if words[0] == "container" and "--resource-group" not in words and len(words) >= 2:
        # attach follows a container until it ends: the task, which has ended
        target = n["task"] if where.startswith("03_") or words[1] == "attach" else n["web"]
        tail = ["--yes"] if words[1] == "delete" else []
        if words[1] == "list":
            return [words]
        if words[1] == "delete":
            target = n["bare"]
        return [[*words[:2], *rg, "--name", target, *words[2:], *tail]]
    return [words]


#: Notebook 12's two groups, as its cells make them (the app writes its admin code into an
#: emptyDir, which `az container create` cannot declare; the ticker is a short task).
APP_12 = ("date +%s > /mnt/work/admin-code.txt; echo 'app: started, admin code written'; "
          'while true; do echo "$(date +%T) app: working"; sleep 1; done')
TICKER_12 = 'for i in 1 2 3 4 5; do echo "$(date +%T) step $i of 5"; sleep 1; done'


def _notebook_12_groups(s, base: str) -> None:
    from azure.mgmt.containerinstance import models as m

    one = m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1))
    groups = {
        f"{base}-12-app": m.ContainerGroup(
            location="eastus", os_type="Linux", restart_policy="Always",
            volumes=[m.Volume(name="work", empty_dir={})],
            containers=[m.Container(name="app", image="alpine:3.20", resources=one,
                                    command=["/bin/sh", "-c", APP_12],
                                    volume_mounts=[m.VolumeMount(name="work", mount_path="/mnt/work")])]),
        f"{base}-12-ticker": m.ContainerGroup(
            location="eastus", os_type="Linux", restart_policy="Never",
            containers=[m.Container(name="ticker", image="alpine:3.20", resources=one,
                                    command=["/bin/sh", "-c", TICKER_12])]),
    }
    for name, group in groups.items():
        s.aci.container_groups.begin_create_or_update("aci-tutorial-rg", name, group).result()


def _follow(cli: "Cli", args: list[str], seconds: float = 8) -> str:
    """``az container logs --follow`` until Ctrl-C, which a person presses after ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-m", "aci_helpers.trainer", "az", *args], cwd=ROOT,
                            env=cli.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)    # the CLI polls every 2 s and never stops by itself
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return out + err


#: What a person types into a shell that `az container exec --exec-command /bin/sh` opens
#: (notebook 12's first command, then exit: the socket closes and the CLI ends).
TYPED_IN_SHELL = "ls /mnt/work\rexit\r"


def _names(s) -> dict[str, str]:
    from aci_helpers import unique_name
    from aci_helpers.registry import private_registry

    base = unique_name("aci", s)
    reg = private_registry(s)    # the emulated registry, in the same state as the CLI's
    return {"<name>": base, "<task_name>": f"{base}-task", "<label>": f"{base}-dns",
            "<id>": s.subscription_id, "<region>": "eastus", "<server>": reg.server,
            "<user>": reg.username, "<password>": str(reg.password),
            "<secret>": "s3cret-value", "<value>": "token-value",
            "--acr-identity <id>": f"--acr-identity {reg.identity}",
            "--assign-identity <id>": f"--assign-identity {reg.identity}",
            "web": base, "task": f"{base}-task", "multi": f"{base}-multi", "bare": f"{base}-cli",
            "spot": f"{base}-spot", "label_group": f"{base}-dns", "secret_group": f"{base}-secret",
            "registry_group": f"{base}-private", "identity_group": f"{base}-identity"}


@needs_az
@pytest.mark.slow(120)
def test_every_named_command_runs_through_aci_tutorial_az(cli, tmp_path) -> None:
    s = cli.session()
    n = _names(s)
    lines: list[tuple[str, list[str]]] = []
    for where, cmd in named_commands():
        if _not_served(cmd):
            continue
        for args in _complete(cmd, where, n):
            lines.append((cmd, args))
    (tmp_path / "group.yaml").write_text(GROUP_YAML.format(name=n["multi"]))
    order = ["group create", "provider register", "account show", "container create",
             "container show", "container logs", "container exec", "container attach",
             "container list",
             "container stop",
             "container start", "container restart", "rest", "container delete", "group delete",
             "container"]
    lines.sort(key=lambda item: order.index(next(k for k in order
                                                 if " ".join(item[1]).startswith(k))))
    ran = []
    made_12 = False
    for cmd, args in lines:
        if args[:2] == ["container", "create"] and "--file" in args:
            args = [a if a != "group.yaml" else str(tmp_path / "group.yaml") for a in args]
        if not made_12 and any(f"{n['<name>']}-12-" in a for a in args):
            _notebook_12_groups(s, n["<name>"])   # what notebook 12's cells create
            made_12 = True
        if "--follow" in args:
            ran.append((cmd, args, _follow(cli, args)))
            continue
        shell = args[-2:] == ["--exec-command", "/bin/sh"]
        done = cli.az(*args, typed=TYPED_IN_SHELL if shell else None)
        ran.append((cmd, args, done.stdout))
    # What the CLI showed is what the SDK sees, on the same state.
    outputs = {" ".join(a): out for _, a, out in ran}
    assert any(c.startswith("group create") for c in outputs)
    sub = [out for a, out in outputs.items() if a.startswith("account show")]
    assert sub and sub[0].strip() == s.subscription_id
    listed = [out for a, out in outputs.items() if a.startswith("container list")]
    assert n["web"] in listed[0]
    logs = [out for a, out in outputs.items() if a.startswith("container logs")
            and n["task"] in a]
    assert logs and "[('" in logs[0]    # the word counts of notebook 03
    # notebook 12: a shell, the one-program rule, the ticker's log followed
    inside = {a: out for a, out in outputs.items() if f"{n['<name>']}-12-" in a}
    if inside:
        shell = [out for a, out in inside.items() if a.endswith("--exec-command /bin/sh")]
        assert shell and "admin-code.txt" in shell[0], inside
        refused = [out for a, out in inside.items() if a.endswith("--exec-command ls /mnt/work")]
        assert refused and 'stat ls /mnt/work: no such file' in refused[0], inside
        followed = [out for a, out in inside.items() if a.endswith("--follow")]
        assert followed and "step 5 of 5" in followed[0], inside
    usage = [json.loads(out) for a, out in outputs.items() if a.startswith("rest ")]
    assert {u["name"]["value"] for u in usage[0]["value"]} >= {"StandardCores", "ContainerGroups"}
    # The group was deleted at the end, as notebook 06 does it.
    assert not s.resources.resource_groups.check_existence("aci-tutorial-rg")
    s.close()


@needs_az
@pytest.mark.slow(60)
def test_created_with_the_cli_is_what_the_sdk_reads(cli, tmp_path) -> None:
    """Each flag the notebooks use lands in the group the SDK reads back; the volumes of
    notebook 09's table too."""
    s = cli.session()
    n = _names(s)
    from aci_helpers.storage import file_share

    share = file_share(s)
    cli.az("group", "create", "--name", "aci-tutorial-rg", "--location", "eastus")
    rg = ["--resource-group", "aci-tutorial-rg"]
    cli.az("container", "create", *rg, "--name", n["task"], "--image",
           "mcr.microsoft.com/azuredocs/aci-wordcount", "--restart-policy", "Never",
           "--environment-variables", "NumWords=5", "MinLength=8",
           "--secure-environment-variables", "API_KEY=s3cret-value", "--command-line",
           "python wordcount.py http://shakespeare.mit.edu/romeo_juliet/full.html",
           "--cpu", "1", "--memory", "1.5", "--os-type", "Linux")
    cli.az("container", "create", *rg, "--name", n["bare"], "--image", "alpine",
           "--restart-policy", "Never", "--command-line", "ls /mnt/share /mnt/repo",
           "--azure-file-volume-account-name", share.account, "--azure-file-volume-account-key",
           str(share.key), "--azure-file-volume-share-name", share.name,
           "--azure-file-volume-mount-path", "/mnt/share",
           "--gitrepo-url", "https://github.com/Azure-Samples/aci-helloworld",
           "--gitrepo-mount-path", "/mnt/repo", "--gitrepo-dir", ".", "--gitrepo-revision",
           "HEAD")
    cli.az("container", "create", *rg, "--name", n["registry_group"], "--image",
           f"{n['<server>']}/aci-helloworld:v1", "--registry-login-server", n["<server>"],
           "--registry-username", n["<user>"], "--registry-password", n["<password>"],
           "--ports", "80", "--ip-address", "Public", "--dns-name-label", n["label_group"])
    task = s.aci.container_groups.get("aci-tutorial-rg", n["task"])
    env = {e.name: (e.value, e.secure_value) for e in task.containers[0].environment_variables}
    assert env == {"NumWords": ("5", None), "MinLength": ("8", None), "API_KEY": (None, None)}
    assert task.restart_policy == "Never" and task.containers[0].command[:2] == [
        "python", "wordcount.py"]
    vols = s.aci.container_groups.get("aci-tutorial-rg", n["bare"]).volumes
    assert sorted(v.name for v in vols) and {bool(v.azure_file) for v in vols} == {True, False}
    web = s.aci.container_groups.get("aci-tutorial-rg", n["registry_group"])
    assert web.ip_address.dns_name_label == n["label_group"]
    assert web.image_registry_credentials[0].server == n["<server>"]
    shown = json.loads(cli.az("container", "show", *rg, "--name", n["registry_group"]).stdout)
    assert shown["instanceView"]["state"] == web.instance_view.state
    assert shown["ipAddress"]["ip"] == web.ip_address.ip
    # Where Azure refuses, the CLI shows the emulator's ARM error and exits non-zero.
    bad = cli.az("container", "create", *rg, "--name", "Bad_Name", "--image", "alpine",
                 check=False)
    assert bad.returncode != 0 and "ContainerGroupNameInvalid" in bad.stderr
    s.close()


def _readme_lines() -> list[str]:
    """The ``aci-tutorial`` lines of the README's local-cloud block, comments removed."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## The Azure CLI, offline: the local cloud", 1)[1].split("```sh", 1)[1]
    block = block.split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines()
            if line.strip().startswith("aci-tutorial ")]


@needs_az
@pytest.mark.slow(40)
def test_the_readme_commands_and_logs_follow(tmp_path) -> None:
    """The README's block as written (install-cli is .ci/run's), on notebook 01's group;
    ``logs --follow`` polls the running container until Ctrl-C."""
    cli = Cli(tmp_path, clock="realtime")
    lines = _readme_lines()
    assert lines[0] == "aci-tutorial install-cli" and len(lines) == 3
    try:
        s = cli.session()
        name = _names(s)["web"]
        s.close()
        assert f"--name {name} " in lines[2]     # the README shows notebook 01's name (seed 0)
        cli.az("group", "create", "--name", "aci-tutorial-rg", "--location", "eastus")
        cli.az("container", "create", "--resource-group", "aci-tutorial-rg", "--name", name,
               "--image", "mcr.microsoft.com/azuredocs/aci-helloworld", "--ports", "80",
               "--ip-address", "Public")
        listed = cli.az(*lines[1].split()[2:])
        assert name in listed.stdout and "Running" in listed.stdout or "Succeeded" in listed.stdout
        proc = subprocess.Popen([sys.executable, "-m", "aci_helpers.trainer", *lines[2].split()[1:]],
                                cwd=ROOT, env=cli.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(8)    # the CLI polls every 2 s
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert "listening on port 80" in out, (out, err)
    finally:
        cli.stop()
    assert not (cli.home / ".azure").exists()


def test_named_commands_cover_the_notebooks_flags() -> None:
    """The create flags the assignment lists are among the commands run (named, or in the
    table of notebook 09 and run by test_created_with_the_cli_is_what_the_sdk_reads)."""
    text = " ".join(c for _, c in named_commands())
    for flag in ("--image", "--cpu", "--memory", "--ports", "--ip-address", "--dns-name-label",
                 "--command-line", "--environment-variables", "--secure-environment-variables",
                 "--restart-policy", "--registry-login-server", "--assign-identity",
                 "--secrets", "--priority", "--file"):
        assert flag in text, flag


def _read_until(fd: int, end: bytes, timeout: float = 30) -> bytes:
    """What the terminal shows until it ends with ``end``."""
    import select

    out = b""
    deadline = time.monotonic() + timeout
    while not out.endswith(end):
        left = deadline - time.monotonic()
        assert left > 0, f"no {end!r} within {timeout} s; the terminal showed {out!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:      # the other side closed (EIO)
                chunk = b""
            assert chunk, f"the terminal closed after {out!r}"
            out += chunk
    return out


@needs_az
@pytest.mark.slow(60)
def test_exec_is_an_interactive_shell_in_a_terminal(cli) -> None:
    """``aci-tutorial az container exec ... --exec-command /bin/sh`` in a terminal (a pty of
    30 x 100): the shell's prompt, what is typed echoed by the container's terminal, the
    container's environment with its secure value, the terminal's size; exit ends it."""
    import fcntl
    import pty
    import struct
    import termios

    from azure.mgmt.containerinstance import models as m

    s = cli.session()
    name = _names(s)["web"]
    s.resources.resource_groups.create_or_update("aci-tutorial-rg", {"location": "eastus"})
    s.aci.container_groups.begin_create_or_update("aci-tutorial-rg", name, m.ContainerGroup(
        location="eastus", os_type="Linux", restart_policy="Always", containers=[m.Container(
            name=name, image="mcr.microsoft.com/azuredocs/aci-helloworld",
            resources=m.ResourceRequirements(requests=m.ResourceRequests(cpu=1, memory_in_gb=1)),
            environment_variables=[m.EnvironmentVariable(name="API_KEY",
                                                         secure_value="s3cret-value")])])).result()
    s.close()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aci_helpers.trainer", "az", "container", "exec",
         "--resource-group", "aci-tutorial-rg", "--name", name, "--exec-command", "/bin/sh"],
        cwd=ROOT, env=cli.env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    try:
        assert _read_until(master, b"/usr/src/app # ").endswith(b"/usr/src/app # ")
        os.write(master, b"echo $API_KEY; stty size; ls\r")
        shown = _read_until(master, b"/usr/src/app # ")
        assert b"echo $API_KEY; stty size; ls\r\ns3cret-value\r\n30 100\r\n" in shown
        assert b"index.html  index.js\r\n" in shown
        os.write(master, b"sleep 30\r")
        time.sleep(0.5)
        os.write(master, b"\x03")              # Ctrl-C reaches the container's shell
        assert _read_until(master, b"^C\r\n/usr/src/app # ")
        os.write(master, b"exit\r")
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    # The one-program rule: the command with an argument names no program.
    refused = cli.az("container", "exec", "--resource-group", "aci-tutorial-rg", "--name", name,
                     "--exec-command", "ls /usr/src/app", check=False)
    assert 'exec: \\"ls /usr/src/app\\": stat ls /usr/src/app: no such file' in refused.stdout
