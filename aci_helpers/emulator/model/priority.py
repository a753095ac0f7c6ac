"""A container group's ``priority``: ``Regular`` (the default) or ``Spot``.

Spot container groups (a preview) run on spare capacity at a discount and may be evicted at
any time. Microsoft's page *Azure Container Instances Spot containers* lists what they do not
support: a public IP address (so no ports to the internet, no DNS label), virtual networks,
the Confidential SKU, availability-zone pinning; and its quota page names the regions that
offer them (SPOT_LOCATIONS). The emulator refuses those combinations with the guessed codes of
assumptions.py, stores and echoes ``priority`` in every api-version, and never evicts a group
(SPOT_NEVER_EVICTED).
"""

from __future__ import annotations

from .. import assumptions as A
from ..errors import (InvalidContainerGroupPriority, SpotContainerGroupNotSupported)

_PRIORITY = {"regular": "Regular", "spot": "Spot"}


def check(props: dict, location: str, group: str, zones: object = None) -> None:
    """Canonicalise ``props['priority']`` in place; refuse what Spot does not support
    (``zones`` is the group's top-level ``zones``)."""
    raw = props.get("priority")
    if raw is None:
        return
    value = _PRIORITY.get(str(raw).lower()) if isinstance(raw, str) else None
    if value is None:
        raise InvalidContainerGroupPriority(
            f"The priority '{str(raw)[:40]}' of container group '{group}' is invalid. Use "
            "'Regular' (the default) or 'Spot'.")
    props["priority"] = value
    if value != "Spot":
        return
    if location not in A.SPOT_LOCATIONS:
        raise SpotContainerGroupNotSupported(
            f"Spot container groups are not available in region '{location}'. Regions that offer "
            f"them: {', '.join(A.SPOT_LOCATIONS)}.")
    ip = props.get("ipAddress") or {}
    if ip.get("type") == "Public":
        raise SpotContainerGroupNotSupported(
            f"Spot container group '{group}' cannot have a public IP address (no ports open to the "
            "internet, no DNS name label): remove 'ipAddress'.")
    for used, what in ((props.get("subnetIds"), "a virtual network"),
                       (zones, "availability zones")):
        if used:
            raise SpotContainerGroupNotSupported(
                f"Spot container group '{group}' cannot use {what}.")
    if props.get("sku") == "Confidential":
        raise SpotContainerGroupNotSupported(
            f"Spot container group '{group}' cannot use the Confidential SKU.")
