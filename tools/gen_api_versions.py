"""Generate the emulator's per-api-version type trees (``aci_helpers/emulator/data/api/``).

For each Microsoft.ContainerInstance api-version the emulator serves, one compact JSON file:

- ``request``: the container-group type tree a PUT is deserialized against (read-only
  properties dropped), the format of ``model/schema.py``;
- ``response``: the same tree with read-only properties kept: what an answer of that version
  may carry (members outside it are not returned);
- ``resourceTypes``: the Microsoft.ContainerInstance resource types the version's paths
  document (``containerGroups``, ``containerGroupProfiles``, ``ngroups``, ...).

Sources. Five specs are read from ``../shared/reference/aci-rest/<version>/`` (run this from
a checkout with the reference beside it). Two published previews are not in the reference;
their type information was read from Azure/azure-rest-api-specs and is written here as a
difference from a neighbouring version (the spec is never copied):

- 2024-10-01-preview (``specification/containerinstance/resource-manager/
  Microsoft.ContainerInstance/preview/2024-10-01-preview/containerInstance.json`` @0f3f2c25):
  2023-05-01's container group plus ``properties.secretReferences``, ``volumes[].
  secretReference``, ``volumes[].azureFile.storageAccountKeyReference``,
  ``environmentVariables[].secureValueReference``, ``imageRegistryCredentials[].
  passwordReference``; no ``configMap``, no profiles or standby pools; paths: container
  groups only.
- 2024-11-01-preview (``.../ContainerInstance/preview/2024-11-01-preview/
  containerInstance.json`` @b16a50a7): the container group of 2025-09-01 (secret references,
  identityAcls, containerGroupProfile, standbyPoolProfile, configMap); paths: container groups
  and container group profiles (with revisions), no NGroups.

2025-05-01-preview is not published (the specs' readme lists no such tag), so it is not
served.

Usage: ``python tools/gen_api_versions.py`` (writes the files) or ``--check`` (exit 1 when a
file differs from what the reference gives).
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from aci_helpers.emulator.model.schema import build  # one builder, shared

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "aci-rest"
OUT = REPO / "aci_helpers" / "emulator" / "data" / "api"

LOCAL = ("2023-05-01", "2024-05-01-preview", "2025-09-01", "2026-05-01", "2026-06-01-preview")

_SECRET_REF = {"t": "object", "p": {"identity": {"t": "string"}, "name": {"t": "string"},
                                    "secretReferenceUri": {"t": "string"}}}

def resource_types(spec: dict) -> list[str]:
    """Resource types under Microsoft.ContainerInstance that the spec's paths document."""
    out = set()
    for path in spec["paths"]:
        m = re.search(r"/providers/Microsoft\.ContainerInstance/([A-Za-z]+)", path)
        if m and m.group(1) not in ("locations", "operations", "serviceAssociationLinks"):
            out.add(m.group(1))
    return sorted(out)


def _set(tree: dict, path: tuple[str, ...], leaf: dict) -> None:
    node = tree
    for part in path[:-1]:
        node = node["i"] if part == "[]" else node["p"][part]
    node.setdefault("p", {})[path[-1]] = copy.deepcopy(leaf)


def _derive_2024_10(base: dict) -> dict:
    out = copy.deepcopy(base)
    s = {"t": "string"}
    _set(out, ("properties", "secretReferences"), {"t": "array", "i": _SECRET_REF})
    _set(out, ("properties", "volumes", "[]", "secretReference"), {"t": "object", "a": s})
    _set(out, ("properties", "volumes", "[]", "azureFile", "storageAccountKeyReference"), s)
    _set(out, ("properties", "containers", "[]", "properties", "environmentVariables", "[]",
               "secureValueReference"), s)
    _set(out, ("properties", "initContainers", "[]", "properties", "environmentVariables",
               "[]", "secureValueReference"), s)
    _set(out, ("properties", "imageRegistryCredentials", "[]", "passwordReference"), s)
    return out


def generate() -> dict[str, dict]:
    """{version: file content} for every served version."""
    specs = {v: json.loads((REFERENCE / v / "containerInstance.json").read_text("utf-8"))
             for v in LOCAL}
    files: dict[str, dict] = {}
    for v, spec in specs.items():
        files[v] = {"version": v, "source": f"reference aci-rest/{v}/containerInstance.json",
                    "request": build(spec, "ContainerGroup", False),
                    "response": build(spec, "ContainerGroup", True),
                    "resourceTypes": resource_types(spec)}
    base = files["2023-05-01"]
    files["2024-10-01-preview"] = {
        "version": "2024-10-01-preview",
        "source": "Azure/azure-rest-api-specs preview/2024-10-01-preview @0f3f2c25, as a "
                  "difference from 2023-05-01 (tools/gen_api_versions.py)",
        "request": _derive_2024_10(base["request"]),
        "response": _derive_2024_10(base["response"]),
        "resourceTypes": ["containerGroups"]}
    near = files["2025-09-01"]
    files["2024-11-01-preview"] = {
        "version": "2024-11-01-preview",
        "source": "Azure/azure-rest-api-specs preview/2024-11-01-preview @b16a50a7, as "
                  "2025-09-01's container group (tools/gen_api_versions.py)",
        "request": copy.deepcopy(near["request"]), "response": copy.deepcopy(near["response"]),
        "resourceTypes": ["containerGroupProfiles", "containerGroups"]}
    return files


def render(content: dict) -> str:
    """The file text: compact, keys sorted, one line per top-level member."""
    lines = [f"  {json.dumps(k)}: {json.dumps(content[k], sort_keys=True, separators=(',', ':'))}"
             for k in ("version", "source", "resourceTypes", "request", "response")]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str]) -> int:
    if not REFERENCE.is_dir():
        print(f"the reference is not at {REFERENCE}", file=sys.stderr)
        return 2
    files = generate()
    bad = []
    for v, content in sorted(files.items()):
        path = OUT / f"{v}.json"
        text = render(content)
        if "--check" in argv:
            if not path.is_file() or path.read_text("utf-8") != text:
                bad.append(str(path))
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if bad:
        print("out of date: " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
