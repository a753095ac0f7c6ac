"""The Microsoft.ContainerInstance api-versions the emulator serves, as views of one model.

A container group is stored once, as its request was deserialized by the api-version that
wrote it (``doc["api"]``). Each version has its own type trees (``data/api/<version>.json``,
generated from the specs by ``tools/gen_api_versions.py``):

- a PUT is deserialized against the request tree of its version: members the version does
  not know are dropped (never stored, never returned), as ARM does;
- an answer is cut to the response tree of the version that reads it, so that a group
  written with a newer version and read with an older one shows only what the older one
  knows. When the reading version knows everything the writing one does (the common case:
  the same version) nothing is cut, which keeps the sync path as fast as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import assumptions as A

_DIR = Path(__file__).resolve().parent.parent / "data" / "api"

#: Members real ACI sends that no version's spec declares (recorded at 2023-05-01 and
#: 2024-05-01-preview); kept in every version's answers.
SERVICE_EXTRAS = frozenset({"provisioningTimeoutInSeconds", "isCustomProvisioningTimeout"})


@dataclass(frozen=True)
class ApiVersion:
    """One served api-version: its type trees and the resource types its spec documents."""

    name: str
    request: dict
    response: dict
    resource_types: frozenset[str]

    @property
    def echoes_default_restart_policy(self) -> bool:
        """Whether an answer shows ``restartPolicy: Always`` when the request omitted it."""
        return self.name in A.RESTART_POLICY_ECHOED_WHEN_OMITTED

    def add_service_flags(self, props: dict, from_standby_pool: bool) -> None:
        """The flags the service writes into every group answer of this version:
        ``isCreatedFromStandbyPool`` where the spec declares it, each registry credential's
        ``isDelegatedIdentity`` where recorded (DELEGATED_IDENTITY_SHOWN)."""
        if "isCreatedFromStandbyPool" in self.response["p"]["properties"]["p"]:
            props["isCreatedFromStandbyPool"] = from_standby_pool
        if self.name in A.DELEGATED_IDENTITY_SHOWN and props.get("imageRegistryCredentials"):
            props["imageRegistryCredentials"] = [
                {**c, "isDelegatedIdentity": c.get("isDelegatedIdentity", False)}
                for c in props["imageRegistryCredentials"]]


@lru_cache(maxsize=None)
def api(name: str) -> ApiVersion:
    """The served version ``name`` (KeyError when the emulator does not serve it)."""
    if name not in A.ACI_API_VERSIONS:
        raise KeyError(name)
    data = json.loads((_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return ApiVersion(name, data["request"], data["response"], frozenset(data["resourceTypes"]))


def versions_documenting(resource_type: str) -> tuple[str, ...]:
    """The served versions whose spec documents ``resource_type`` (e.g. ``ngroups``)."""
    return tuple(v for v in A.ACI_API_VERSIONS if resource_type in api(v).resource_types)


def _includes(big: dict, small: dict) -> bool:
    """True when every member path of tree ``small`` is also in tree ``big``."""
    if big.get("t") == "any" and not big.get("o"):
        return True
    for k, sub in (small.get("p") or {}).items():
        other = (big.get("p") or {}).get(k)
        if other is None:
            if big.get("a") is None:
                return False
            other = big["a"]
        if not _includes(other, sub):
            return False
    if "i" in small and not _includes(big.get("i", {"t": "any"}), small["i"]):
        return False
    if isinstance(small.get("a"), dict) and not _includes(big.get("a") or {"t": "any"},
                                                         small["a"]):
        return False
    return True


@lru_cache(maxsize=None)
def covers(reader: str, writer: str) -> bool:
    """True when version ``reader`` knows every member version ``writer`` can store."""
    return reader == writer or _includes(api(reader).response, api(writer).response)


def cut(value: Any, node: dict, top: bool = False) -> Any:
    """``value`` with every member outside the type tree ``node`` removed (a new structure).

    ``top`` marks the container group's ``properties`` object, where SERVICE_EXTRAS stay."""
    t = node.get("t", "any")
    if t == "object" and isinstance(value, dict):
        props = node.get("p", {})
        add = node.get("a")
        out = {}
        for k, v in value.items():
            sub = props.get(k)
            if sub is None:
                sub = add
            if sub is None:
                if top and k in SERVICE_EXTRAS:
                    out[k] = v
                continue
            out[k] = cut(v, sub, top=False)
        return out
    if t == "array" and isinstance(value, list):
        item = node.get("i", {"t": "any"})
        return [cut(v, item) for v in value]
    return value


def shape(body: dict, reader: str) -> dict:
    """A container group's wire body as version ``reader`` shows it."""
    tree = api(reader).response
    out = {}
    for k, v in body.items():
        sub = (tree.get("p") or {}).get(k)
        if sub is None:
            continue
        out[k] = cut(v, sub, top=(k == "properties"))
    return out
