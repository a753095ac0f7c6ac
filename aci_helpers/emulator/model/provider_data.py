"""Static answers of the provider: its operations list, regional capabilities, cached images."""

from __future__ import annotations

from .. import assumptions as A

_OPS = [
    ("containerGroups/read", "Container Group", "Get Container Groups", "Get all container groups."),
    ("containerGroups/write", "Container Group", "Create or Update Container Group", "Create or update a specific container group."),
    ("containerGroups/delete", "Container Group", "Delete Container Group", "Delete the specific container group."),
    ("containerGroups/restart/action", "Container Group", "Restart Container Group", "Restarts a specific container group."),
    ("containerGroups/stop/action", "Container Group", "Stop Container Group", "Stops a specific container group."),
    ("containerGroups/start/action", "Container Group", "Start Container Group", "Starts a specific container group."),
    ("containerGroups/containers/logs/read", "Container", "Get container logs", "Get the logs for a specific container."),
    ("containerGroups/containers/exec/action", "Container", "Exec into container", "Exec into a specific container."),
    ("containerGroups/containers/attach/action", "Container", "Attach to container", "Attach to the output stream of a container."),
    ("containerGroups/outboundNetworkDependenciesEndpoints/read", "Container Group", "List outbound network dependencies", "List the outbound network dependencies of a container group."),
    ("locations/usages/read", "Usage", "Get Usage", "Get the usage for a specific location."),
    ("locations/capabilities/read", "Capabilities", "Get Capabilities", "Get the capabilities for a specific location."),
    ("locations/cachedImages/read", "Cached Images", "Get Cached Images", "Gets the cached images for the subscription in a region."),
    ("locations/operations/read", "Operation", "Get Operation", "Get the status of an asynchronous operation."),
    ("operations/read", "Operation", "List Operations", "List the operations for Azure Container Instance service."),
]


def operations() -> list[dict]:
    """The provider's operations list, as ARM sends it."""
    return [{"name": f"Microsoft.ContainerInstance/{n}",
             "display": {"provider": "Microsoft Container Instance", "resource": r,
                         "operation": o, "description": d},
             "origin": "User"} for n, r, o, d in _OPS]


def capabilities(location: str) -> list[dict]:
    """Capabilities in ``location`` (canonical): Linux with a public or a private IP, Windows
    with a public one; no GPU. As recorded (.NET SDK LocationListCapabilitieTest, 2021): the
    location written upper-case ('WESTCENTRALUS'), no Windows row with a private IP (Windows
    groups cannot join a virtual network)."""
    return [{"resourceType": "containerGroups", "osType": os_type, "location": location.upper(),
             "ipAddressType": ip, "gpu": "None",
             "capabilities": {"maxMemoryInGB": A.MAX_GROUP_MEMORY_GB, "maxCpu": A.MAX_GROUP_CPU,
                              "maxGpuCount": 0}}
            for os_type, ip in (("Linux", "Public"), ("Linux", "Private"), ("Windows", "Public"))]


#: Images reported as cached in every region (the real list varies; mostly Windows bases):
#: (osType, Windows osVersion or None, image). Windows items carry the osVersion the 2021
#: recording gives the same images (.NET SDK LocationListCachedImagesTest).
CACHED_IMAGES = (
    ("Linux", None, "mcr.microsoft.com/azuredocs/aci-helloworld:latest"),
    ("Linux", None, "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar:latest"),
    ("Linux", None, "mcr.microsoft.com/azuredocs/aci-wordcount:latest"),
    ("Windows", "Windows Server 2019 - Before 2B", "mcr.microsoft.com/windows/servercore:ltsc2019"),
    ("Windows", "Windows Server 2019 - Before 2B", "mcr.microsoft.com/windows/nanoserver:1809"),
)


def cached_images() -> list[dict]:
    """The cached images, as ARM lists them (a Windows one with its osVersion)."""
    return [{"osType": o, **({"osVersion": v} if v else {}), "image": i}
            for o, v, i in CACHED_IMAGES]
