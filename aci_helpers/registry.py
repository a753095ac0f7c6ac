"""The tutorial's private registry (notebook 08): its login server, user, password and the
managed identity allowed to pull from it, on either backend.

- On the emulator, :func:`private_registry` sets up an emulated Azure Container Registry in the
  emulator's state (``acitutorial<your name suffix>.azurecr.io``, the two tutorial images imported as
  ``aci-helloworld:v1`` and ``aci-wordcount:v1``, a user-assigned identity granted pull) and
  returns its login. The emulator checks credentials only for registries it models like this
  one (docs/emulator-support.md).
- On Azure it reads what you prepared (the notebook lists the ``az`` commands) from
  ``ACI_REGISTRY_SERVER``, ``ACI_REGISTRY_USERNAME``, ``ACI_REGISTRY_PASSWORD`` and
  ``ACI_REGISTRY_IDENTITY``. Set the password in the shell that starts Jupyter (or with
  ``os.environ[...] = getpass.getpass()``), never in a notebook cell: cells are saved.

The password is a :class:`~aci_helpers.storage.Secret` (as 09's storage key): a ``str`` that the SDK sends as it is, but whose ``repr``
and formatting show ``********`` (a notebook output, a traceback; an SDK model of
azure-mgmt-containerinstance 10.1 keeps it, newer ones copy it into a plain ``str``).
``str(secret)`` (and ``print(secret)``) still give the value: do not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError
from .storage import MASK, Secret

if TYPE_CHECKING:
    from .session import Session

#: The images the tutorial's registry holds (``az acr import`` of the public ones).
IMAGES = {"aci-helloworld:v1": "mcr.microsoft.com/azuredocs/aci-helloworld",
          "aci-wordcount:v1": "mcr.microsoft.com/azuredocs/aci-wordcount"}
#: The user-assigned managed identity granted AcrPull on the emulator's registry.
IDENTITY_NAME = "aci-tutorial-pull"
ENV = {"server": "ACI_REGISTRY_SERVER", "username": "ACI_REGISTRY_USERNAME",
       "password": "ACI_REGISTRY_PASSWORD", "identity": "ACI_REGISTRY_IDENTITY"}

_AZURE_SETUP = """\
Notebook 08 on Azure needs a registry of yours (Microsoft's managed-identity page asks for a
Premium registry with trusted services allowed; it is billed per day until you delete it).
Once, in a shell (<registry>: a globally unique name of 5-50 letters and digits):
  az acr create -g {rg} -n <registry> --sku Premium --admin-enabled true
  az acr update -n <registry> --allow-trusted-services true
  az acr import -n <registry> --source mcr.microsoft.com/azuredocs/aci-helloworld:latest --image aci-helloworld:v1
  az acr import -n <registry> --source mcr.microsoft.com/azuredocs/aci-wordcount:latest --image aci-wordcount:v1
  az identity create -g {rg} -n {identity}
  az role assignment create --role AcrPull --assignee $(az identity show -g {rg} -n {identity} --query principalId -o tsv) --scope $(az acr show -n <registry> --query id -o tsv)
then, in the shell that starts Jupyter:
  export ACI_REGISTRY_SERVER=<registry>.azurecr.io ACI_REGISTRY_USERNAME=<registry>
  export ACI_REGISTRY_PASSWORD=$(az acr credential show -n <registry> --query 'passwords[0].value' -o tsv)
  export ACI_REGISTRY_IDENTITY=$(az identity show -g {rg} -n {identity} --query id -o tsv)
Missing now: {missing}."""


@dataclass(frozen=True)
class PrivateRegistry:
    """A private registry's login and the identity allowed to pull from it."""

    server: str
    username: str
    password: Secret
    identity: str
    """Resource id of a user-assigned managed identity granted AcrPull on the registry."""

    def image(self, repository: str = "aci-helloworld:v1") -> str:
        """The full image name of ``repository`` (``name:tag``) in this registry."""
        return f"{self.server}/{repository}"

    def __repr__(self) -> str:
        return (f"PrivateRegistry(server={self.server!r}, username={self.username!r}, "
                f"password={MASK!r}, identity={self.identity!r})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def identity_id(s: "Session", name: str = IDENTITY_NAME) -> str:
    """The resource id of user-assigned identity ``name`` in the session's resource group."""
    return (f"/subscriptions/{s.subscription_id}/resourceGroups/{s.resource_group}/providers/"
            f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}")


def private_registry(s: "Session") -> PrivateRegistry:
    """The tutorial's private registry: emulated on the emulator, yours on Azure (see module)."""
    if s.backend == "emulator":
        from .names import name_suffix  # noqa: PLC0415

        # The learner's stable suffix: running the notebook again finds the same registry.
        identity = identity_id(s)
        login = s.emulator.add_registry(f"acitutorial{name_suffix(s)}.azurecr.io", IMAGES,
                                        pull_identities=[identity])
        return PrivateRegistry(login.server, login.username, Secret(login.password), identity)
    values = {k: (os.environ.get(v) or "").strip() for k, v in ENV.items()}
    missing = [ENV[k] for k, v in values.items() if not v]
    if missing:
        raise ConfigurationError(_AZURE_SETUP.format(rg=s.resource_group, identity=IDENTITY_NAME,
                                                     missing=", ".join(missing)))
    return PrivateRegistry(values["server"].lower(), values["username"],
                           Secret(values["password"]), values["identity"])
