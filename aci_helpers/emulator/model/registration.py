"""Resource-provider registration of the subscription (Microsoft.Resources ``providers``).

A subscription must be registered for Microsoft.ContainerInstance before ARM lets it use
the namespace; the emulated subscription starts registered (the tutorial's default), and
``providers.unregister`` models one that is not, so a preflight can be tested offline.
The state is one meta row of the store: every kernel on the state file sees it.
"""

from __future__ import annotations

from typing import Any

from .. import assumptions as A
from ..errors import InvalidResourceNamespace, MissingSubscriptionRegistration
from .versions import versions_documenting

NAMESPACE = "Microsoft.ContainerInstance"
#: The meta row of the registration (every Microsoft.ContainerInstance request reads it).
META_KEY = "provider-registration:" + NAMESPACE.lower()
_TYPES = ("containerGroups", "locations", "locations/usages", "locations/capabilities",
          "locations/cachedImages", "locations/operations", "operations")


def _known(namespace: str) -> None:
    if namespace.lower() != NAMESPACE.lower():
        raise InvalidResourceNamespace(f"The resource namespace '{namespace}' is invalid. (The "
                                       f"emulator models only {NAMESPACE}.)")


def state(tx: Any) -> str:
    """The namespace's registration state: Registered (default) or Unregistered."""
    return tx.meta(META_KEY, "Registered")


def wire(sub: str, tx: Any, locations: tuple[str, ...]) -> dict:
    """The Provider object as ARM returns it."""
    return {"id": f"/subscriptions/{sub}/providers/{NAMESPACE}", "namespace": NAMESPACE,
            "registrationState": state(tx), "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [{"resourceType": t, "locations": list(locations),
                               "apiVersions": list(A.ACI_API_VERSIONS)} for t in _TYPES] + [
                # the newer types, with the versions that document them (handlers/preview.py)
                {"resourceType": t, "locations": list(locations),
                 "apiVersions": list(versions_documenting(t))}
                for t in ("containerGroupProfiles", "ngroups", "sandboxGroups")]}


def get(sub: str, tx: Any, namespace: str, locations: tuple[str, ...]) -> dict:
    """GET /subscriptions/{sub}/providers/{namespace}."""
    _known(namespace)
    return wire(sub, tx, locations)


def set_registered(sub: str, tx: Any, namespace: str, registered: bool,
                   locations: tuple[str, ...]) -> dict:
    """POST .../register or .../unregister: takes effect at once (PROVIDER_REGISTRATION_INSTANT)."""
    _known(namespace)
    tx.set_meta(META_KEY, "Registered" if registered else "Unregistered")
    return wire(sub, tx, locations)


def require_registered(sub: str, tx: Any) -> None:
    """Refuse a request to the namespace while the subscription is not registered for it."""
    if state(tx) != "Registered":
        raise MissingSubscriptionRegistration(
            f"The subscription is not registered to use namespace '{NAMESPACE}'. See "
            "https://aka.ms/rps-not-found for how to register subscriptions.")
