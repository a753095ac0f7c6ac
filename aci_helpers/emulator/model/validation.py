"""Validation and canonicalisation of container-group requests (pure; no store)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import assumptions as A
from ..errors import (ArmError, ContainerGroupNameInvalid, DuplicateContainerNames,
                      DuplicateEnvironmentVariables, DuplicatePorts, InvalidContainerName,
                      InvalidContainerEnvironmentVariable, InvalidDnsNameLabel, InvalidOsType,
                      InvalidPort, InvalidRequestContent, InvalidResourceGroup,
                      InvalidResourceRequest, InvalidResourceRequestPrecision, InvalidRestartPolicy,
                      InvalidTagCount, InvalidTagName, InvalidTagNameCharacters,
                      IpAddressPortsNotExposed, LimitGreaterThanRequest,
                      LocationNotAvailableForResourceGroup, LocationNotAvailableForResourceType,
                      LocationRequired, MissingIpAddressPorts, OverRegionMaximum, TooManyContainers,
                      TooManyPorts, UnsupportedFeature)
from . import volumes
from .confidential import fill_default_policy

GROUP_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
CONTAINER_NAME_RE = GROUP_NAME_RE
DNS_LABEL_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
# Azure's rule, as its own message states it (Azure/azure-rest-api-specs#19173): a letter or '_',
# then letters, digits or '_'. No length limit is public.
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RG_NAME_RE = re.compile(r"^[-\w._()]+$")

_OS = {"linux": "Linux", "windows": "Windows"}
_RESTART = {"always": "Always", "onfailure": "OnFailure", "never": "Never"}
_PROTO = {"tcp": "TCP", "udp": "UDP"}
_IP_TYPE = {"public": "Public", "private": "Private"}
_SKU = {"standard": "Standard", "dedicated": "Dedicated", "confidential": "Confidential"}

# Wire order of known keys (matches the recordings); unknown keys follow in request order.
_CONTAINER_PROPS_ORDER = ("image", "command", "ports", "environmentVariables", "instanceView",
                          "resources", "volumeMounts", "livenessProbe", "readinessProbe",
                          "securityContext")
_GROUP_PROPS_ORDER = ("sku", "provisioningState", "provisioningTimeoutInSeconds",
                      "isCustomProvisioningTimeout", "containers", "initContainers",
                      "imageRegistryCredentials", "restartPolicy", "ipAddress", "osType",
                      "volumes", "instanceView", "diagnostics", "subnetIds", "dnsConfig",
                      "priority", "encryptionProperties", "extensions",
                      "confidentialComputeProperties")


def ordered(d: dict, order: tuple[str, ...]) -> dict:
    """``d`` with the keys of ``order`` first, then the others as they came."""
    out = {k: d[k] for k in order if k in d}
    if len(out) < len(d):
        out.update({k: v for k, v in d.items() if k not in out})
    return out


def check_group_name(name: str) -> None:
    """Refuse a container group name ARM refuses."""
    if len(name) > 63 or not GROUP_NAME_RE.match(name) or "--" in name:
        raise ContainerGroupNameInvalid(
            f"The container group name '{name}' is invalid. The container group name must contain "
            "no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' "
            "(e.g. 'my-name'), without '--'.")


def check_rg_name(name: str) -> None:
    """Refuse a resource group name ARM refuses."""
    if not (1 <= len(name) <= 90) or not RG_NAME_RE.match(name) or name.endswith("."):
        raise InvalidResourceGroup(
            f"The provided resource group name '{name}' is invalid. Resource group names must be "
            f"1 to 90 characters long, only allow alphanumeric characters, periods, underscores, "
            f"hyphens and parenthesis and cannot end in a period.")


def canonical_location(loc: Any, resource_type: str) -> str:
    """The region's canonical name (spaces dropped, lower case); unknown regions are a 400."""
    if not isinstance(loc, str) or not loc.strip():
        raise LocationRequired("The location property is required for this definition.")
    key = loc.replace(" ", "").lower()
    if key not in A.LOCATIONS:
        if resource_type == "resourceGroups":
            raise LocationNotAvailableForResourceGroup(
                f"The provided location '{loc}' is not available for resource group. List of "
                f"available regions is '{','.join(A.LOCATIONS)}'.")
        raise LocationNotAvailableForResourceType(
            f"The provided location '{loc}' is not available for resource type "
            f"'Microsoft.ContainerInstance/{resource_type}'. List of available regions for the "
            f"resource type is '{','.join(A.LOCATIONS)}'.")
    return key


_TAG_NAME_RESERVED = re.compile(r"[<>%&\\?/\x00-\x1f\x7f]")


def check_tags(tags: Any) -> dict:
    """The tags as a new dict (``None`` gives none); refuse what ARM refuses."""
    if tags is None:
        return {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise InvalidRequestContent("'tags' must be an object whose values are strings")
    if len(tags) > 50:
        raise InvalidTagCount("The number of tags must not exceed 50.")
    reserved = [k for k in tags if _TAG_NAME_RESERVED.search(k)]
    if reserved:
        # ARM's own message (seen in user reports and Microsoft's docs).
        raise InvalidTagNameCharacters(f"The tag names '{', '.join(reserved)}' have reserved "
                                       "characters '<,>,%,&,\\,?,/' or control characters.")
    for k, v in tags.items():
        if len(k) > 512 or len(v) > 256:
            raise InvalidTagName(f"The tag name '{k[:40]}' or its value is too long (names up "
                                 f"to 512 characters, values up to 256).")
    return dict(tags)


def conform_container_group(body: dict, version: str = "2023-05-01") -> dict:
    """The body as ARM's deserializer sees it: JSON types checked against the model of
    api-version ``version`` (the first wrong one is named by its path), nulls and unknown or
    read-only properties dropped."""
    from .schema import conform, container_group_schema  # noqa: PLC0415
    out = conform(body, container_group_schema(version))
    if version not in A.RESOURCES_REQUIRED_VERSIONS:
        _defaults(out)
    return out


def _defaults(body: Any) -> None:
    """What the versions that no longer require them fill in (the Azure CLI 2.91 sends none
    without ``--os-type``, ``--cpu``, ``--memory``): DEFAULT_OS_TYPE for the group, and
    DEFAULT_RESOURCE_REQUESTS for a container without ``resources``."""
    props = body.get("properties") if isinstance(body, dict) else None
    if isinstance(props, dict) and props.get("osType") is None:
        props["osType"] = A.DEFAULT_OS_TYPE
    for c in (props.get("containers") if isinstance(props, dict) else None) or []:
        cp = c.get("properties") if isinstance(c, dict) else None
        if isinstance(cp, dict) and cp.get("resources") is None:
            cp["resources"] = {"requests": dict(A.DEFAULT_RESOURCE_REQUESTS)}


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidRequestContent(f"{what} must be a number, got {type(value).__name__}")
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:  # pragma: no cover - json numbers are always valid
        raise InvalidRequestContent(f"{what} must be a number") from exc
    if not d.is_finite():
        raise InvalidRequestContent(f"{what} must be a finite number")
    return d


def _one_decimal(d: Decimal) -> bool:
    # exponent >= -1 once trailing zeros are gone; safe for any magnitude (no quantize).
    exp = d.normalize().as_tuple().exponent
    return isinstance(exp, int) and exp >= -1


def _enum(value: Any, table: dict, error: type[ArmError], what: str,
          default: str | None) -> str:
    if value is None:
        if default is None:
            raise InvalidRequestContent(f"Required property '{what}' not found in JSON")
        return default
    if not isinstance(value, str) or value.lower() not in table:
        raise error(f"The {what} '{value}' is not supported. Supported values are "
                    f"'{', '.join(table.values())}'.")
    return table[value.lower()]


def _ports(raw: Any, where: str, default_protocol: bool) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidRequestContent(f"'ports' of {where} must be an array")
    out = []
    for p in raw:
        if not isinstance(p, dict) or "port" not in p:
            raise InvalidRequestContent(f"Required property 'port' not found in a port of {where}")
        port = p["port"]
        if isinstance(port, bool) or not isinstance(port, int) or not (1 <= port <= 65535):
            raise InvalidPort(f"The port '{port}' of {where} is invalid. Ports must "
                                          f"be integers between 1 and 65535.")
        q: dict = {}
        if "protocol" in p and p["protocol"] is not None:
            q["protocol"] = _enum(p["protocol"], _PROTO, InvalidPort, "protocol", None)
        elif default_protocol:
            q["protocol"] = "TCP"
        q["port"] = port
        out.append(q)
    return out


def _container(raw: Any, group: str, idx: int, init: bool) -> dict:
    if not isinstance(raw, dict):
        raise InvalidRequestContent(f"'properties.{'initContainers' if init else 'containers'}"
                                    f"[{idx}]' must be an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequestContent(f"Required property 'name' not found in 'properties."
                                    f"{'initContainers' if init else 'containers'}[{idx}]'")
    if len(name) > 63 or not CONTAINER_NAME_RE.match(name):
        raise InvalidContainerName(
            f"The container name '{name}' in container group '{group}' is invalid. The container "
            "name must contain no more than 63 characters and must match the regex "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name').")
    props = raw.get("properties")
    if not isinstance(props, dict):
        raise InvalidRequestContent(
            f"Required property 'properties' not found in container '{name}'")
    image = props.get("image")
    if not isinstance(image, str) or not image.strip():
        raise InvalidRequestContent(f"Required property 'image' not found in container '{name}'")
    p = {k: v for k, v in props.items() if k != "instanceView"}
    if "command" in p and p["command"] is not None:
        if not isinstance(p["command"], list) or not all(isinstance(c, str) for c in p["command"]):
            raise InvalidRequestContent(
                f"'command' of container '{name}' must be an array of strings")
    elif "command" in p:
        del p["command"]
    if not init:
        p["ports"] = _ports(props.get("ports"), f"container '{name}'", default_protocol=False)
    env = props.get("environmentVariables") or []
    if not isinstance(env, list):
        raise InvalidRequestContent(
            f"'environmentVariables' of container '{name}' must be an array")
    seen: set[str] = set()
    clean_env = []
    for e in env:
        if not isinstance(e, dict) or not isinstance(e.get("name"), str):
            raise InvalidRequestContent(f"Required property 'name' not found in an environment "
                                        f"variable of container '{name}'")
        en = e["name"]
        if not ENV_NAME_RE.match(en):
            # Azure's message, word for word (two spaces after each comma but the last).
            raise InvalidContainerEnvironmentVariable(
                f"The environment variable name in container '{name}' of container group "
                f"'{group}' is invalid. A valid environment variable name must start with "
                "alphabetic character or '_', followed by a string of alphanumeric characters "
                "or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName').")
        if en in seen:
            raise DuplicateEnvironmentVariables(
                f"The environment variable '{en}' is defined more than once in container '{name}' "
                f"of container group '{group}'.")
        seen.add(en)
        item = {"name": en}
        # secureValueReference: a Key Vault reference (2024-10-01-preview and later), echoed
        for k in ("value", "secureValue", "secureValueReference"):
            if e.get(k) is not None:
                if not isinstance(e[k], str):
                    raise InvalidRequestContent(f"the {k} of environment variable '{en}' must be a "
                                                f"string")
                item[k] = e[k]
        clean_env.append(item)
    p["environmentVariables"] = clean_env
    if not init:
        res = props.get("resources")
        if not isinstance(res, dict) or not isinstance(res.get("requests"), dict):
            raise InvalidRequestContent(f"Required property 'resources.requests' not found in "
                                        f"container '{name}'")
        p["resources"] = _resources(res, name, group)
    if "volumeMounts" in p and p["volumeMounts"] is not None:
        if not isinstance(p["volumeMounts"], list):
            raise InvalidRequestContent(f"'volumeMounts' of container '{name}' must be an array")
        for vm in p["volumeMounts"]:
            if not isinstance(vm, dict) or not vm.get("name") or not vm.get("mountPath"):
                raise InvalidRequestContent(
                    f"a volume mount of container '{name}' needs 'name' and 'mountPath'")
    return {"name": name, "properties": ordered(p, _CONTAINER_PROPS_ORDER)}


def _resources(res: dict, name: str, group: str) -> dict:
    out: dict = {}
    for part in ("requests", "limits"):
        r = res.get(part)
        if r is None:
            continue
        if not isinstance(r, dict):
            raise InvalidRequestContent(
                f"'resources.{part}' of container '{name}' must be an object")
        q: dict = {}
        for key in ("memoryInGB", "cpu"):
            if key not in r or r[key] is None:
                if part == "requests":
                    raise InvalidRequestContent(f"Required property '{key}' not found in "
                                                f"resources.requests of container '{name}'")
                continue
            d = _decimal(r[key], f"resources.{part}.{key} of container '{name}'")
            if d <= 0:
                raise InvalidResourceRequest(
                    f"The {key} {part[:-1]} '{r[key]}' of container '{name}' in container group "
                    f"'{group}' is invalid. It must be greater than 0.")
            if d > Decimal(A.MAX_SANE_REQUEST[key]):
                raise InvalidResourceRequest(
                    f"The {key} {part[:-1]} '{r[key]}' of container '{name}' in container group "
                    f"'{group}' is invalid. It must be at most {A.MAX_SANE_REQUEST[key]}.")
            if not _one_decimal(d):
                raise InvalidResourceRequestPrecision(
                    f"The {key} {part[:-1]} '{r[key]}' of container '{name}' in container group "
                    f"'{group}' is invalid. {key} can have at most one decimal place (e.g. 1.5).")
            q[key] = float(d)
        _check_gpu(r.get("gpu"), part, name, group)
        for k, v in r.items():
            if k not in q and k not in ("memoryInGB", "cpu"):
                q[k] = v
        out[part] = q
    for k, v in res.items():
        if k not in out:
            out[k] = v
    return out


def _check_gpu(gpu: Any, part: str, name: str, group: str) -> None:
    """A GPU request counts whole GPUs, at least one (the schema already made it an int)."""
    if not isinstance(gpu, dict) or gpu.get("count") is None:
        return
    count = gpu["count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidResourceRequest(
            f"The GPU count '{count}' in resources.{part} of container '{name}' in container group "
            f"'{group}' is invalid. It must be a whole number of at least 1 (or leave 'gpu' out).")


def normalize_properties(props: Any, group: str) -> dict:
    """Check a container group's ``properties`` and fill the service's defaults."""
    if not isinstance(props, dict):
        raise InvalidRequestContent("Required property 'properties' not found in JSON")
    p = {k: v for k, v in props.items()
         if k not in ("provisioningState", "instanceView", "isCustomProvisioningTimeout")}
    containers = props.get("containers")
    if not isinstance(containers, list):
        raise InvalidRequestContent("Required property 'containers' not found in JSON")
    if not containers:
        raise TooManyContainers(
            f"The container group '{group}' must contain at least one container.")
    if len(containers) > A.MAX_CONTAINERS:
        raise TooManyContainers(
            f"The container group '{group}' has {len(containers)} containers; at most "
            f"{A.MAX_CONTAINERS} containers are allowed in a container group.")
    p["containers"] = [_container(c, group, i, False) for i, c in enumerate(containers)]
    init = props.get("initContainers") or []
    if not isinstance(init, list):
        raise InvalidRequestContent("'initContainers' must be an array")
    p["initContainers"] = [_container(c, group, i, True) for i, c in enumerate(init)]
    names = [c["name"] for c in p["containers"] + p["initContainers"]]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise DuplicateContainerNames(
            f"The container name '{dup[0]}' is used more than once in container group '{group}'. "
            "Container names must be unique within a container group.")
    p["osType"] = _enum(props.get("osType"), _OS, InvalidOsType, "osType", None)
    p["restartPolicy"] = _enum(props.get("restartPolicy"), _RESTART,
                               InvalidRestartPolicy, "restartPolicy", "Always")
    p["sku"] = _enum(props.get("sku"), _SKU, UnsupportedFeature, "sku", "Standard")
    fill_default_policy(p)
    p["provisioningTimeoutInSeconds"] = 1800
    p["isCustomProvisioningTimeout"] = False
    _check_group_resources(p, group)
    _check_container_ports(p, group)
    ip = props.get("ipAddress")
    if ip is not None:
        p["ipAddress"] = _ip_address(ip, p, group)
    else:
        p.pop("ipAddress", None)
    volumes.check(p, group)
    creds = props.get("imageRegistryCredentials")
    if creds is not None:
        if not isinstance(creds, list) or not all(isinstance(c, dict) and c.get("server")
                                                  for c in creds):
            raise InvalidRequestContent("every item of 'imageRegistryCredentials' needs a 'server'")
    diag = props.get("diagnostics")
    if diag is not None and not isinstance(diag, dict):
        raise InvalidRequestContent("'diagnostics' must be an object")
    return ordered(p, _GROUP_PROPS_ORDER)


def _check_group_resources(p: dict, group: str) -> None:
    cpu = sum(Decimal(str(c["properties"]["resources"]["requests"]["cpu"]))
              for c in p["containers"])
    mem = sum(Decimal(str(c["properties"]["resources"]["requests"]["memoryInGB"]))
              for c in p["containers"])
    if cpu < Decimal(str(A.MIN_GROUP_CPU)) or mem < Decimal(str(A.MIN_GROUP_MEMORY_GB)):
        raise InvalidResourceRequest(
            f"The requested resource of container group '{group}' with 'cpu' {cpu} and "
            f"'memoryInGB' {mem} is too small. A container group needs at least "
            f"{A.MIN_GROUP_CPU:g} CPU and {A.MIN_GROUP_MEMORY_GB:g} GB of memory in total (a "
            "single container may request less).")
    for c in p["containers"]:
        lim = c["properties"]["resources"].get("limits") or {}
        for key, total in (("cpu", cpu), ("memoryInGB", mem)):
            if key in lim and Decimal(str(lim[key])) > total:
                # The real message (seen in a user report of the service).
                what = "Cpu" if key == "cpu" else "MemoryInGB"
                raise LimitGreaterThanRequest(
                    f"The '{what}' limit '{_g(lim[key])}' in container '{c['name']}' is greater "
                    f"than the total request '{_g(total)}' of container group '{group}'.")


def check_region_maximum(p: dict, location: str, group: str) -> None:
    """A group asking more CPU or memory than the region offers gets the capacity answer.

    Real Azure answers such a PUT with 409 ServiceUnavailable and the same words as when
    the region has no capacity at all (see A.ERR_OVER_REGION_MAXIMUM)."""
    cpu = sum(Decimal(str(c["properties"]["resources"]["requests"]["cpu"]))
              for c in p["containers"])
    mem = sum(Decimal(str(c["properties"]["resources"]["requests"]["memoryInGB"]))
              for c in p["containers"])
    if cpu > Decimal(str(A.MAX_GROUP_CPU)) or mem > Decimal(str(A.MAX_GROUP_MEMORY_GB)):
        raise OverRegionMaximum(A.over_region_maximum_message(
            location, _g(cpu), _g(mem), p["osType"], bool(p.get("subnetIds"))))


def _g(x: Any) -> str:
    d = Decimal(str(x))
    return str(int(d)) if d == d.to_integral_value() else str(d.normalize())


number_text = _g  # a request's number as ARM's messages write it ('6', '1.5'), for the model


def _check_container_ports(p: dict, group: str) -> None:
    """Containers of a group share one network namespace: a port may be exposed once."""
    owner: dict = {}
    for c in p["containers"]:
        for q in c["properties"]["ports"]:
            k = (q["port"], (q.get("protocol") or "TCP").upper())
            if k in owner:
                where = ("container '" + c["name"] + "'" if owner[k] == c["name"] else
                         f"containers '{owner[k]}' and '{c['name']}'")
                raise DuplicatePorts(
                    f"The port '{q['port']}' is exposed more than once ({where}) in container "
                    f"group '{group}'. Containers of a group share one network namespace: expose "
                    "each port once.")
            owner[k] = c["name"]


def _ip_address(ip: Any, p: dict, group: str) -> dict:
    if not isinstance(ip, dict):
        raise InvalidRequestContent("'ipAddress' must be an object")
    out: dict = {}
    ports = _ports(ip.get("ports"), f"the ipAddress of container group '{group}'", True)
    if not ports:
        # Real message and code (seen in user reports of the 2018-2021 service).
        raise MissingIpAddressPorts(f"The ports in the 'ipAddress' of container group "
                                    f"'{group}' cannot be empty.")
    seen_ports: set = set()
    for q in ports:
        if (q["port"], q["protocol"]) in seen_ports:
            raise DuplicatePorts(
                f"The port '{q['port']}' ({q['protocol']}) is listed more than once in the "
                f"'ipAddress' of container group '{group}'. List each port once.")
        seen_ports.add((q["port"], q["protocol"]))
    if len(ports) > A.MAX_PORTS_PER_IP:
        raise TooManyPorts(
            f"The ipAddress of container group '{group}' has {len(ports)} ports; at most "
            f"{A.MAX_PORTS_PER_IP} ports are allowed per IP address.")
    exposed = {(q["port"]) for c in p["containers"] for q in c["properties"]["ports"]}
    unused = [str(q["port"]) for q in ports if q["port"] not in exposed]
    if unused:
        # The real message (seen in a user report); the code is a guess.
        raise IpAddressPortsNotExposed(
            f"Following ports '{', '.join(unused)}' in the 'ipAddress' are not used by any "
            f"container in container group '{group}'.")
    out["ports"] = ports
    out["type"] = _enum(ip.get("type"), _IP_TYPE, InvalidPort, "ipAddress.type", None)
    label = ip.get("dnsNameLabel")
    if label is not None:
        if not isinstance(label, str) or not (5 <= len(label) <= 63) or \
                not DNS_LABEL_RE.match(label):
            raise InvalidDnsNameLabel(
                f"The DNS name label '{label}' in container group '{group}' is invalid. It can "
                "contain only lowercase letters, numbers and hyphens. The first character must be "
                "a letter. The last character must be a letter or number. The value must be "
                "between 5 and 63 characters long.")
        out["dnsNameLabel"] = label
        out["autoGeneratedDomainNameLabelScope"] = \
            ip.get("autoGeneratedDomainNameLabelScope") or A.DNS_LABEL_SCOPE_DEFAULT
    for k, v in ip.items():
        if k not in out and k not in ("ip", "fqdn", "autoGeneratedDomainNameLabelScope"):
            out[k] = v
    return out


def immutable_signature(p: dict) -> tuple:
    """What an update may not change: OS, restart policy, and per-container CPU/memory/GPU."""
    res = tuple(sorted(
        (c["name"], c["properties"]["resources"]["requests"].get("cpu"),
         c["properties"]["resources"]["requests"].get("memoryInGB"),
         repr(c["properties"]["resources"]["requests"].get("gpu")))
        for c in p["containers"]))
    return (p["osType"], p["restartPolicy"], res, repr(p.get("subnetIds")))


def exec_request(body: object) -> tuple[str, int, int]:
    """``command`` and ``terminalSize`` of an exec body (ContainerExecRequest): the command a
    string (missing: empty, which the runtime refuses), rows and cols whole numbers from 1 to
    EXEC_TERMINAL_MAX (missing: EXEC_DEFAULT_TERMINAL)."""
    if not isinstance(body, dict):
        raise InvalidRequestContent("the exec request must be a JSON object with command and "
                                    "terminalSize")
    command = body.get("command")
    if command is None:
        command = ""
    if not isinstance(command, str):
        raise InvalidRequestContent('command must be a string: one program without '
                                    'arguments, e.g. "/bin/sh"')
    size = body.get("terminalSize")
    size = {} if size is None else size
    if not isinstance(size, dict):
        raise InvalidRequestContent("terminalSize must be an object with rows and cols")
    rows_cols = []
    for key, default in zip(("rows", "cols"), A.EXEC_DEFAULT_TERMINAL):
        value = size.get(key)
        value = default if value is None else value
        if isinstance(value, bool) or not isinstance(value, int) \
                or not 1 <= value <= A.EXEC_TERMINAL_MAX:
            raise InvalidRequestContent(f"terminalSize.{key} must be a whole number from 1 to "
                                        f"{A.EXEC_TERMINAL_MAX}")
        rows_cols.append(value)
    return command, rows_cols[0], rows_cols[1]
