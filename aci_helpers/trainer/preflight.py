"""``aci-tutorial preflight``: will this machine (and, with --azure, this subscription) work?

Each check returns a :class:`~.out.Check`: green, or red with the fix. Local checks never
touch Azure; the emulator round trip runs on a private in-memory cloud. The Azure checks
read, and create only an empty, tagged resource group that they delete again: nothing
billed is left behind.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import importlib.util
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .out import Check

if TYPE_CHECKING:
    from ..session import Session

MIN_PYTHON = (3, 11)
DIST = "aci-helpers"
# What a learner's JupyterLab needs beyond the package's own dependencies (the dev extra).
JUPYTER_PACKAGES = ("jupyterlab", "ipykernel")
ARM_SCOPE = "https://management.azure.com/.default"
NAMESPACE = "Microsoft.ContainerInstance"
PROVIDER_FIX = (f"az provider register --namespace {NAMESPACE}   (once per subscription, by "
                "someone allowed to register providers;\nit takes a minute or two. The SDK "
                "also tries by itself on first use, which fails for participants\nwho may "
                "only write to their own resource group)")


def _timed(fn: Callable[[], Check]) -> Check:
    began = time.perf_counter()
    check = fn()
    return Check(check.name, check.status, check.detail, check.fix, time.perf_counter() - began)


# ---------------------------------------------------------------------------------- local
def check_python() -> Check:
    """Python is new enough."""
    v = sys.version_info
    ok = v[:2] >= MIN_PYTHON
    return Check("Python", "ok" if ok else "fail", f"{v.major}.{v.minor}.{v.micro} ({sys.executable})",
                 "" if ok else "install Python 3.11 or newer, then: make lab PYTHON=python3.12")


def _requirements() -> list[Any]:
    from packaging.requirements import Requirement  # noqa: PLC0415

    reqs = []
    for text in md.requires(DIST) or []:
        req = Requirement(text)
        if req.marker is None or req.name.lower() in JUPYTER_PACKAGES:
            reqs.append(req)
    return reqs


def check_packages() -> Check:
    """Every installed dependency satisfies the package's pins."""
    try:
        reqs = _requirements()
    except md.PackageNotFoundError:
        return Check("packages", "fail", f"{DIST} is not installed in {sys.executable}",
                     'pip install -e ".[dev]"   (or: make lab)')
    wrong = []
    for req in reqs:
        try:
            version = md.version(req.name)
        except md.PackageNotFoundError:
            wrong.append(f"{req.name} missing (wants {req.specifier})")
            continue
        if not req.specifier.contains(version, prereleases=True):
            wrong.append(f"{req.name} {version} (wants {req.specifier})")
    if wrong:
        return Check("packages", "fail", "; ".join(wrong),
                     'pip install -e ".[dev]"   (installs the pinned versions)')
    return Check("packages", "ok", f"{len(reqs)} pinned packages installed at matching versions")


def check_kernel() -> Check:
    """The notebooks' ``python3`` kernel exists and can import the package."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel  # noqa: PLC0415
    except ImportError:
        return Check("Jupyter kernel", "fail", "Jupyter is not installed",
                     'pip install -e ".[dev]"   (or: make lab)')
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return Check("Jupyter kernel", "fail", "no 'python3' kernel",
                     "python -m ipykernel install --user")
    exe = spec.argv[0]
    if exe in ("python", "python3", "{python}"):
        exe = sys.executable  # the native kernel: this Python
    try:
        proc = subprocess.run([exe, "-c", "import aci_helpers, ipykernel"], capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return Check("Jupyter kernel", "fail", f"cannot start {exe}: {err}",
                     "python -m ipykernel install --user   (from the environment with the package)")
    if proc.returncode:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return Check("Jupyter kernel", "fail", f"python3 kernel ({exe}) cannot import the kit: {last}",
                     "python -m ipykernel install --user   (from the environment with the package)")
    return Check("Jupyter kernel", "ok", f"python3 → {exe}, imports aci_helpers")


def check_emulator() -> Check:
    """create → Running → logs → delete, on a private in-memory cloud."""
    from .. import connect, ensure_resource_group  # noqa: PLC0415
    from ..builders import single_container_group  # noqa: PLC0415

    name = "preflight-web"
    try:
        # speed=1: the instant clock takes no speed-up, whatever ACI_EMULATOR_SPEED the lab has
        with connect("emulator", state="memory", clock="instant", seed=0, speed=1) as s:
            ensure_resource_group(s)
            cg = s.aci.container_groups
            cg.begin_create_or_update(s.resource_group, name,
                                      single_container_group(name, s.location)).result()
            state = cg.get(s.resource_group, name).instance_view.state
            log = s.aci.containers.list_logs(s.resource_group, name, name).content or ""
            cg.begin_delete(s.resource_group, name).result()
            left = [g.name for g in cg.list()]
    except Exception as err:  # noqa: BLE001 - any failure is the finding
        return Check("emulator", "fail", f"{type(err).__name__}: {err}".splitlines()[0],
                     'reinstall: pip install -e ".[dev]"; if it persists, report it with this line')
    if state != "Running" or not log or left:
        return Check("emulator", "fail", f"state {state}, {len(log)} bytes of log, left {left}",
                     "report this: the emulator's round trip should end Running, with a log, empty")
    return Check("emulator", "ok", "create → Running → logs → delete on an in-memory cloud")


def find_notebooks(folder: str | Path | None = None) -> Path | None:
    """``folder``, else ./notebooks, else the notebooks beside the package (a source checkout)."""
    candidates = [Path(folder)] if folder else [Path.cwd() / "notebooks",
                                                Path(__file__).resolve().parents[2] / "notebooks"]
    return next((p for p in candidates if p.is_dir() and any(p.glob("*.ipynb"))), None)


def notebook_imports(path: Path) -> set[str]:
    """Top-level modules a notebook's code cells import (magics and shell lines skipped)."""
    import nbformat  # noqa: PLC0415

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # an exercise skeleton may be incomplete on purpose
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def check_notebooks(folder: str | Path | None = None) -> Check:
    """Every notebook is valid and every module it imports is installed."""
    where = find_notebooks(folder)
    if where is None:
        return Check("notebooks", "warn" if folder is None else "fail",
                     "no notebooks folder found" + (f" at {folder}" if folder else ""),
                     "run from the repository's folder, or pass --notebooks DIR")
    missing: dict[str, list[str]] = {}
    paths = sorted(where.glob("*.ipynb"))
    for path in paths:
        try:
            mods = notebook_imports(path)
        except Exception as err:  # noqa: BLE001 - an unreadable notebook is the finding
            return Check("notebooks", "fail", f"{path.name} is not a valid notebook: {err}",
                         f"restore it: git checkout -- {path}")
        for mod in sorted(mods):
            if importlib.util.find_spec(mod) is None:
                missing.setdefault(mod, []).append(path.name)
    if missing:
        return Check("notebooks", "fail", "; ".join(f"{m} (imported by {', '.join(n)})"
                                                    for m, n in missing.items()),
                     'pip install -e ".[dev]"')
    return Check("notebooks", "ok", f"{len(paths)} notebooks in {where}, every import installed")


def local_checks(notebooks: str | Path | None = None) -> list[Check]:
    """The checks that need neither Azure nor the network."""
    return [_timed(f) for f in (check_python, check_packages, check_kernel, check_emulator,
                                lambda: check_notebooks(notebooks))]


# ---------------------------------------------------------------------------------- Azure
def check_sign_in(credential: Any) -> Check:
    """The credential gives an ARM token (``az login``, a service principal, ...)."""
    from azure.core.exceptions import ClientAuthenticationError  # noqa: PLC0415

    try:
        credential.get_token(ARM_SCOPE)
    except ClientAuthenticationError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return Check("signed in", "fail", f"no token: {first[:200]}",
                     "az login   (then: az account set --subscription <id>)\nor set "
                     "AZURE_AUTH_LOCATION / AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET")
    return Check("signed in", "ok", f"token for Azure Resource Manager ({type(credential).__name__})")


def _arm_error(err: Any) -> tuple[int | None, str]:
    code = getattr(getattr(err, "error", None), "code", None) or type(err).__name__
    return getattr(err, "status_code", None), code


def check_subscription(session: "Session") -> Check:
    """ARM accepts the token for this subscription."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError  # noqa: PLC0415

    try:
        count = sum(1 for _ in session.resources.resource_groups.list())
    except ClientAuthenticationError as err:
        status, code = _arm_error(err)
        return Check("subscription", "fail", f"ARM refused the token: {code} (HTTP {status})",
                     "az login   (the sign-in expired or is for another tenant)\n"
                     "az account set --subscription <id>")
    except HttpResponseError as err:
        status, code = _arm_error(err)
        return Check("subscription", "fail", f"{session.subscription_id}: {code} (HTTP {status})",
                     "az account list -o table, then set AZURE_SUBSCRIPTION_ID to one you "
                     "may use")
    return Check("subscription", "ok", f"{session.subscription_id} ({count} resource groups visible)")


def check_provider(session: "Session") -> Check:
    """Microsoft.ContainerInstance is registered for the subscription."""
    from azure.core.exceptions import HttpResponseError  # noqa: PLC0415

    try:
        state = session.resources.providers.get(NAMESPACE).registration_state
    except HttpResponseError as err:
        status, code = _arm_error(err)
        return Check("provider", "fail", f"cannot read {NAMESPACE}: {code} (HTTP {status})",
                     PROVIDER_FIX)
    if state != "Registered":
        return Check("provider", "fail", f"{NAMESPACE} is {state}", PROVIDER_FIX)
    return Check("provider", "ok", f"{NAMESPACE} Registered")


def check_quota(session: "Session", region: str, participants: int) -> Check:
    """The region's free standard cores and container groups fit ``participants``."""
    from azure.core.exceptions import HttpResponseError  # noqa: PLC0415

    from .workshop import plan  # noqa: PLC0415

    try:
        needs, (r,) = plan(session, [region])
    except HttpResponseError as err:
        status, code = _arm_error(err)
        return Check("quota", "fail", f"cannot read the usage of {region}: {code} (HTTP {status})",
                     "check the region's name: az account list-locations -o table")
    seen = (f"{region}: {r.cores_limit - r.cores_used} of {r.cores_limit} cores free, "
            f"{r.groups_limit - r.groups_used} of {r.groups_limit} groups; a participant "
            f"needs {needs.cores} cores, {needs.groups} groups")
    if r.fit < participants:
        return Check("quota", "fail", f"{seen}: room for {r.fit}, not {participants}",
                     f"aci-tutorial workshop plan --participants {participants} --region {region} "
                     "--region <another>\nor ask for more: Azure portal → Quotas → Container "
                     f"Instances → {region} → Standard Cores")
    return Check("quota", "ok", f"{seen}: room for {r.fit} (≥ {participants})")


def check_create_resource_group(session: "Session") -> Check:
    """The identity may create (and delete) a resource group: one empty, tagged, deleted again."""
    from azure.core.exceptions import HttpResponseError  # noqa: PLC0415

    from ..session import TUTORIAL_TAGS  # noqa: PLC0415

    name = f"aci-preflight-{secrets.token_hex(3)}"
    groups = session.resources.resource_groups
    try:
        groups.create_or_update(name, {"location": session.location,
                                       "tags": {**TUTORIAL_TAGS, "aci-tutorial-preflight": "1"}})
    except HttpResponseError as err:
        status, code = _arm_error(err)
        return Check("create resource group", "fail", f"{code} (HTTP {status})",
                     "ask the subscription's owner for the Contributor role (or at least "
                     "Microsoft.Resources/subscriptions/resourceGroups/write)")
    try:
        groups.begin_delete(name).result()
    except HttpResponseError as err:
        status, code = _arm_error(err)
        return Check("create resource group", "warn",
                     f"created {name} but could not delete it: {code} (HTTP {status})",
                     f"az group delete --name {name} --yes   (it is empty: it costs nothing)")
    return Check("create resource group", "ok", f"created and deleted {name} (empty, tagged)")


def azure_checks(session: "Session", credential: Any, *, region: str | None = None,
                 participants: int = 1) -> list[Check]:
    """Sign-in, subscription, provider registration, quota headroom, resource-group rights.

    A red line skips the checks that depend on it (a preflight never registers a provider:
    reading quota of an unregistered one would make the SDK register it)."""
    region = region or session.location
    checks = [_timed(lambda: check_sign_in(credential))]
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("subscription", lambda: check_subscription(session)),
        ("provider", lambda: check_provider(session)),
        ("quota", lambda: check_quota(session, region, participants)),
        ("create resource group", lambda: check_create_resource_group(session)),
    ]
    for name, step in steps:
        failed = {c.name for c in checks if c.failed}
        # A failed sign-in or subscription stops everything; an unregistered provider stops
        # the quota read only.
        cause = next((n for n in ("signed in", "subscription") if n in failed), None)
        if cause is None and name == "quota" and "provider" in failed:
            cause = "provider"
        if cause:
            checks.append(Check(name, "skip", f"not checked: '{cause}' failed"))
            continue
        checks.append(_timed(step))
    return checks
