"""The special executables of the simulated images (node, python, nginx, httpd, redis,
hello, watch, curl) and the tutorial programs built on them (aci-helloworld, the sidecar,
aci-wordcount): :data:`PROGRAMS`, by the name or path a command line gives."""

from __future__ import annotations

from ..shell.machine import CommandFn, Machine
from .python import python
from .servers import docker_entrypoint, hello, httpd, nginx, node, node_entrypoint, redis_server
from .sidecar import curl, watch


def az(m: Machine, argv: list[str]) -> int:
    """``az`` (the azure-cli image): not simulated."""
    return m.not_simulated("the Azure CLI (az)")


PROGRAMS: dict[str, CommandFn] = {
    "node": node, "python": python, "python3": python, "nginx": nginx, "nginx-debug": nginx,
    "/docker-entrypoint.sh": docker_entrypoint, "docker-entrypoint.sh": node_entrypoint,
    "httpd-foreground": httpd, "httpd": httpd, "redis-server": redis_server, "/hello": hello,
    "watch": watch, "curl": curl, "az": az,
}
