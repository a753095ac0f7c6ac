"""Emulated private registries and the rules of a group's image registry credentials.

Real ACI pulls a private image with the group's ``imageRegistryCredentials``: a login server
with a username and password, or with a user-assigned managed identity (``identity``) that the
group also carries and that the registry lets pull (AcrPull). A wrong password, a wrong tag or
a missing credential all get the same answer at PUT time: ``InaccessibleImage``.

The emulator cannot check a password against a real registry, so it checks them only for
registries it *models*: an emulated registry (an Azure Container Registry stand-in) kept in the
cloud's state with :meth:`Emulator.add_registry` — its login server, its one user (the
password stored only as a salted hash), the images imported into it (``repository:tag`` →
the public image it behaves like, as ``az acr import`` copies one) and the managed identities
granted pull. Every other registry that is not public accepts any credentials for its server
and runs an image it does not know as an opaque process (the rule for unknown images);
EMULATED_REGISTRIES_CHECK_CREDENTIALS in assumptions.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping

from ..errors import (InaccessibleImage, InvalidImageRegistryCredential,
                      InvalidImageRegistryIdentity)
from .util import det_hex

_META = "registry:"
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$")
_USER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_UAI = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/"
                  r"microsoft\.managedidentity/userassignedidentities/[^/]+$", re.IGNORECASE)


@dataclass(frozen=True)
class RegistryLogin:
    """What ``az acr credential show`` would give: login server, username and password.

    The password is left out of ``repr`` (and so out of tracebacks and notebook outputs)."""

    server: str
    username: str
    password: str = field(repr=False)


def server_key(server: str) -> str:
    """A login server as registries are matched: lower case, no scheme, no trailing slash."""
    from .. import runtime as rt  # noqa: PLC0415 - late: the runtime is a separate package
    return rt.normalise_server(server)


def _hash(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{password}".encode()).hexdigest()


def add(tx: Any, seed: int, catalog: Any, server: str, images: Mapping[str, str] | None,
        username: str | None, pull_identities: Iterable[str]) -> RegistryLogin:
    """Create or update the emulated registry ``server``; return its login. Each imported
    image's source must be one the Emulator's ``catalog`` (a runtime ImageCatalog) runs.

    Raises ValueError, changing nothing, for a malformed server, user, image or identity."""
    from .. import runtime as rt  # noqa: PLC0415
    if not isinstance(server, str) or not _HOST.match(server_key(server) if server else ""):
        raise ValueError(f"server must be a registry login server such as "
                         f"'myregistry.azurecr.io', not {server!r}")
    key = server_key(server)
    if key in rt.PUBLIC_REGISTRIES:
        raise ValueError(f"{key} is a public registry: the emulator pulls from it anonymously "
                         "and cannot model it as a private one")
    name = key.split(".", 1)[0].split(":", 1)[0]
    user = name if username is None else username
    if not isinstance(user, str) or not _USER.match(user):
        raise ValueError(f"username must be 1-64 letters, digits or . _ @ -, not {username!r}")
    old = get(tx, key) or {}
    mapped = dict(old.get("images", {}))
    for target, source in (images or {}).items():
        rest = target.removeprefix(key + "/") if isinstance(target, str) else ""
        host_like = "/" in rest and any(ch in rest.split("/", 1)[0] for ch in ".:")
        ref = _parse(f"{key}/{rest}") if rest and not host_like and \
            ":" in rest.rsplit("/", 1)[-1] else None
        if ref is None or ref.digest is not None or ref.registry != key:
            raise ValueError(f"image {target!r} must be 'repository:tag' (e.g. 'aci-helloworld:v1')")
        try:
            catalog.resolve(source)
        except rt.RuntimeImageError as exc:
            raise ValueError(f"the source of {target!r} is not an image the emulator can run: "
                             f"{exc}") from None
        mapped[f"{ref.repository}:{ref.tag}"] = source
    ids = {i.lower(): i for i in old.get("pull_identities", [])}
    for rid in pull_identities:
        if not isinstance(rid, str) or not _UAI.match(rid):
            raise ValueError(f"pull identities are user-assigned identity resource ids "
                             f"(/subscriptions/<id>/resourceGroups/<rg>/providers/"
                             f"Microsoft.ManagedIdentity/userAssignedIdentities/<name>), not {rid!r}")
        ids.setdefault(rid.lower(), rid)
    # Deterministic per seed and server, so adding the registry again gives the same login.
    password = det_hex(40, "registry-password", seed, key)
    salt = det_hex(16, "registry-salt", seed, key)
    doc = {"server": key, "username": user, "salt": salt, "hash": _hash(salt, password),
           "images": dict(sorted(mapped.items())), "pull_identities": sorted(ids.values())}
    tx.set_meta(_META + key, json.dumps(doc, sort_keys=True))
    return RegistryLogin(key, user, password)


def get(tx: Any, server: str) -> dict | None:
    """The stored registry (password hash included: internal only), or None."""
    raw = tx.meta(_META + server_key(server))
    return None if raw is None else json.loads(raw)


def describe(tx: Any) -> list[dict]:
    """Every emulated registry, without secrets: server, username, images, pull identities."""
    rows = tx.c.execute("SELECT value FROM meta WHERE key LIKE ? ORDER BY key",
                        (_META + "%",)).fetchall()
    return [{k: v for k, v in json.loads(r[0]).items() if k not in ("salt", "hash")}
            for r in rows]


def remove(tx: Any, server: str) -> bool:
    """Forget an emulated registry; True when there was one."""
    cur = tx.c.execute("DELETE FROM meta WHERE key=?", (_META + server_key(server),))
    return cur.rowcount > 0


@lru_cache(maxsize=1024)
def _parse(image: str) -> Any:
    from .. import runtime as rt  # noqa: PLC0415
    try:
        return rt.parse_reference(image)
    except rt.RuntimeImageError:
        return None


def _public(registry: str) -> bool:
    from .. import runtime as rt  # noqa: PLC0415
    return server_key(registry) in rt.PUBLIC_REGISTRIES


def _uai_keys(identity: Any) -> set[str]:
    if not isinstance(identity, dict):
        return set()
    kind = str(identity.get("type") or "").replace(" ", "").lower()
    if "userassigned" not in kind:
        return set()
    return {k.lower() for k in (identity.get("userAssignedIdentities") or {})}


def check_credentials(props: dict, identity: Any, group: str) -> None:
    """Refuse credentials ACI refuses before looking at any image.

    A credential's ``identity`` must be one of the group's user-assigned identities (the
    service's InvalidImageRegistryIdentity); without an identity it needs a username and a
    password (or, from 2025-09-01, a Key Vault ``passwordReference``)."""
    uai = _uai_keys(identity)
    for i, cred in enumerate(props.get("imageRegistryCredentials") or []):
        who = cred.get("identity")
        if who is not None:
            if not _UAI.match(who) or who.lower() not in uai:
                # The service's message, as a user reported it (MicrosoftDocs/azure-docs#117644).
                raise InvalidImageRegistryIdentity(
                    f"The identity in the 'imageRegistryCredentials' of container group "
                    f"'{group}' not found in container group identity list")
            continue
        if not cred.get("username") or not (cred.get("password") or cred.get("passwordReference")):
            missing = "username" if not cred.get("username") else "password"
            raise InvalidImageRegistryCredential(
                f"The image registry credential for server '{cred['server']}' of container group "
                f"'{group}' has no {missing}. Give a username and a password, or a user-assigned "
                f"managed identity ('identity') the group carries.",
                target=f"properties.imageRegistryCredentials[{i}]")


def resolve_pulls(tx: Any, props: dict, group: str) -> dict[str, str]:
    """For images on emulated registries: check the pull as the registry would, and return
    ``{image: the public image it behaves like}``. Other images are left to the catalog."""
    creds = {server_key(c["server"]): c for c in props.get("imageRegistryCredentials") or []}
    pulls: dict[str, str] = {}
    for c in props["containers"] + props.get("initContainers", []):
        image = c["properties"]["image"]
        ref = _parse(image)
        # A public registry is never an emulated one (add refuses it): no lookup needed.
        reg = None if ref is None or _public(ref.registry) else get(tx, ref.registry)
        if reg is None:
            continue
        cred = creds.get(reg["server"])
        if cred is None or not _allowed(reg, cred):
            raise InaccessibleImage(image, group)
        source = reg["images"].get(f"{ref.repository}:{ref.tag}") if ref.tag else None
        if source is None:      # a typo of the repository, a tag never pushed, a digest
            raise InaccessibleImage(image, group)
        pulls[image] = source
    return pulls


def _allowed(reg: dict, cred: dict) -> bool:
    if cred.get("identity") is not None:
        return cred["identity"].lower() in {i.lower() for i in reg["pull_identities"]}
    password = cred.get("password")
    if cred.get("username") != reg["username"] or not isinstance(password, str):
        return False    # a passwordReference cannot be resolved here: no Key Vault
    return hmac.compare_digest(_hash(reg["salt"], password), reg["hash"])
