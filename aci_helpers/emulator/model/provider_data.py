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


_DISPLAY = {
    "westcentralus": "West Central US", "westus": "West US", "eastus": "East US",
    "westeurope": "West Europe", "westus2": "West US 2", "northeurope": "North Europe",
    "southeastasia": "Southeast Asia", "eastus2": "East US 2", "centralus": "Central US",
    "australiaeast": "Australia East", "uksouth": "UK South",
    "southcentralus": "South Central US", "centralindia": "Central India",
    "brazilsouth": "Brazil South", "southindia": "South India",
    "northcentralus": "North Central US", "eastasia": "East Asia",
    "canadacentral": "Canada Central", "japaneast": "Japan East",
    "koreacentral": "Korea Central", "francecentral": "France Central",
    "switzerlandnorth": "Switzerland North", "germanywestcentral": "Germany West Central",
    "uaenorth": "UAE North",
}


def capabilities(location: str) -> list[dict]:
    """Capabilities in ``location``: Linux and Windows, public and private IP, no GPU."""
    disp = _DISPLAY.get(location, location)
    out = []
    for os_type in ("Linux", "Windows"):
        for ip in ("Public", "Private"):
            out.append({"resourceType": "containerGroups", "osType": os_type, "location": disp,
                        "ipAddressType": ip, "gpu": "None",
                        "capabilities": {"maxMemoryInGB": A.MAX_GROUP_MEMORY_GB,
                                         "maxCpu": A.MAX_GROUP_CPU, "maxGpuCount": 0}})
    return out


#: Images reported as cached in every region (the real list varies; mostly Windows bases).
CACHED_IMAGES = (
    ("Linux", "mcr.microsoft.com/azuredocs/aci-helloworld:latest"),
    ("Linux", "mcr.microsoft.com/azuredocs/aci-tutorial-sidecar:latest"),
    ("Linux", "mcr.microsoft.com/azuredocs/aci-wordcount:latest"),
    ("Windows", "mcr.microsoft.com/windows/servercore:ltsc2019"),
    ("Windows", "mcr.microsoft.com/windows/nanoserver:1809"),
)


def cached_images() -> list[dict]:
    """The cached images, as ARM lists them."""
    return [{"osType": o, "image": i} for o, i in CACHED_IMAGES]
