"""The docs' three container-group shapes, built from the SDK's own model classes.

Each builder returns an ``azure.mgmt.containerinstance.models.ContainerGroup`` ready for
``s.aci.container_groups.begin_create_or_update(s.resource_group, name, group)``, tagged
with ``TUTORIAL_TAGS`` so ``cleanup()`` can find it. The numbers are the 2019 sample's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from azure.mgmt.containerinstance.models import (
    Container,
    ContainerGroup,
    ContainerGroupIpAddressType,
    ContainerGroupNetworkProtocol,
    ContainerGroupRestartPolicy,
    ContainerNetworkProtocol,
    ContainerPort,
    EnvironmentVariable,
    IpAddress,
    OperatingSystemTypes,
    Port,
    ResourceRequests,
    ResourceRequirements,
)

from .errors import ArgumentError
from .session import DEFAULT_LOCATION, TUTORIAL_TAGS

HELLOWORLD_IMAGE = "mcr.microsoft.com/azuredocs/aci-helloworld"
SIDECAR_IMAGE = "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar"
WORDCOUNT_IMAGE = "mcr.microsoft.com/azuredocs/aci-wordcount"
WORDCOUNT_COMMAND = ["python", "wordcount.py", "http://shakespeare.mit.edu/romeo_juliet/full.html"]
WORDCOUNT_ENVIRONMENT = {"NumWords": "5", "MinLength": "8"}


# ACI's rules (the same the service checks; see aci_helpers.errors for the learner's version).
_DNS_LABEL = re.compile(r"^[a-z][-a-z0-9]{3,61}[a-z0-9]$")
_MAX_NAME = 63


def _default_dns_label(builder: str, name: str, dns_name_label: str | None) -> str:
    """The group's DNS label: ``dns_name_label``, else the group's name when that is a valid
    label (5-63 characters, a letter first); otherwise say what to pass."""
    if dns_name_label is not None:
        return dns_name_label
    if isinstance(name, str) and _DNS_LABEL.match(name):
        return name
    raise ArgumentError(
        f"{builder}({name!r}): the DNS name label defaults to the group's name, but "
        f"{name!r} cannot be one (DNS labels are 5-63 characters: lowercase letters, digits "
        f"and '-', a letter first, a letter or digit last). Pass dns_name_label=..., e.g. "
        f"dns_name_label=unique_name('aci'), or use a longer group name.")


def tutorial_tags(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tag every builder puts on what it creates, plus ``extra``."""
    return {**TUTORIAL_TAGS, **(extra or {})}


def resources(cpu: float = 1.0, memory_gb: float = 1.0) -> ResourceRequirements:
    """``ResourceRequirements`` asking for ``cpu`` cores and ``memory_gb`` GB."""
    return ResourceRequirements(requests=ResourceRequests(cpu=cpu, memory_in_gb=memory_gb))


def public_ip(ports: Sequence[int] = (80,), dns_name_label: str | None = None) -> IpAddress:
    """A public ``IpAddress`` opening TCP ``ports``, with an optional DNS name label."""
    return IpAddress(
        type=ContainerGroupIpAddressType.PUBLIC,
        ports=[Port(port=p, protocol=ContainerGroupNetworkProtocol.TCP) for p in ports],
        dns_name_label=dns_name_label,
    )


def environment(
    plain: Mapping[str, str] | None = None, secure: Mapping[str, str] | None = None
) -> list[EnvironmentVariable]:
    """Environment variables: ``plain`` ones come back from GET, ``secure`` ones never do."""
    env = [EnvironmentVariable(name=k, value=str(v)) for k, v in (plain or {}).items()]
    env += [EnvironmentVariable(name=k, secure_value=str(v)) for k, v in (secure or {}).items()]
    return env


def single_container_group(
    name: str,
    location: str = DEFAULT_LOCATION,
    *,
    image: str = HELLOWORLD_IMAGE,
    cpu: float = 1.0,
    memory_gb: float = 1.0,
    port: int = 80,
    dns_name_label: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> ContainerGroup:
    """One container named like the group, a public IP on ``port`` and DNS label = name.

    A name that cannot be a DNS label (shorter than 5 characters, or starting with a digit)
    needs an explicit ``dns_name_label``."""
    label = _default_dns_label("single_container_group", name, dns_name_label)
    container = Container(
        name=name,
        image=image,
        resources=resources(cpu, memory_gb),
        ports=[ContainerPort(port=port, protocol=ContainerNetworkProtocol.TCP)],
    )
    return ContainerGroup(
        location=location,
        containers=[container],
        os_type=OperatingSystemTypes.LINUX,
        ip_address=public_ip([port], label),
        tags=tutorial_tags(tags),
    )


def multi_container_group(
    name: str,
    location: str = DEFAULT_LOCATION,
    *,
    app_image: str = HELLOWORLD_IMAGE,
    sidecar_image: str = SIDECAR_IMAGE,
    cpu: float = 1.0,
    memory_gb: float = 2.0,
    port: int = 80,
    dns_name_label: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> ContainerGroup:
    """App ``<name>-1`` (port 80) and sidecar ``<name>-2`` sharing one group.

    As in the sample, both containers share one ``ResourceRequirements`` object (1 CPU,
    2 GB each: 2 CPU and 4 GB in all, within the group maximum of 4 CPU / 16 GB).
    """
    if isinstance(name, str) and len(name) > _MAX_NAME - 2:
        raise ArgumentError(
            f"multi_container_group: the name {name!r} has {len(name)} characters, so the "
            f"container names '{name[:8]}...-1' and '...-2' would exceed ACI's "
            f"{_MAX_NAME}: use a group name of at most {_MAX_NAME - 2} characters.")
    label = _default_dns_label("multi_container_group", name, dns_name_label)
    shared = resources(cpu, memory_gb)
    app = Container(
        name=f"{name}-1",
        image=app_image,
        resources=shared,
        ports=[ContainerPort(port=port, protocol=ContainerNetworkProtocol.TCP)],
    )
    sidecar = Container(name=f"{name}-2", image=sidecar_image, resources=shared)
    return ContainerGroup(
        location=location,
        containers=[app, sidecar],
        os_type=OperatingSystemTypes.LINUX,
        ip_address=public_ip([port], label),
        tags=tutorial_tags(tags),
    )


def task_container_group(
    name: str,
    location: str = DEFAULT_LOCATION,
    *,
    image: str = WORDCOUNT_IMAGE,
    command: Sequence[str] | None = tuple(WORDCOUNT_COMMAND),
    env: Mapping[str, str] | None = None,
    secure_env: Mapping[str, str] | None = None,
    restart_policy: ContainerGroupRestartPolicy | str = ContainerGroupRestartPolicy.NEVER,
    cpu: float = 1.0,
    memory_gb: float = 1.0,
    tags: Mapping[str, str] | None = None,
) -> ContainerGroup:
    """A run-once task: command override, environment variables, restart policy Never.

    Defaults are the sample's word count of Romeo and Juliet (``NumWords=5``,
    ``MinLength=8``); ``env=None`` means those defaults, ``env={}`` means none. No IP.
    ``command`` is a list of arguments (``["/bin/sh", "-c", "echo hi"]``), never one string.
    """
    if isinstance(command, (str, bytes)) or (
            command is not None and not all(isinstance(a, str) for a in command)):
        shown = command if isinstance(command, (str, bytes)) else list(command)
        raise ArgumentError(
            f"task_container_group(command={shown!r}): command is a list of strings, one per "
            f"argument, e.g. ['/bin/sh', '-c', 'echo hi'] for a shell line, or "
            f"['python', 'wordcount.py', 'URL'] (a string would become one argument per "
            f"character).")
    container = Container(
        name=name,
        image=image,
        resources=resources(cpu, memory_gb),
        command=list(command) if command is not None else None,
        environment_variables=environment(
            WORDCOUNT_ENVIRONMENT if env is None else env, secure_env
        ),
    )
    return ContainerGroup(
        location=location,
        containers=[container],
        os_type=OperatingSystemTypes.LINUX,
        restart_policy=restart_policy,
        tags=tutorial_tags(tags),
    )
