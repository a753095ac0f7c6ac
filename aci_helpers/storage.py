"""The Azure Files share of notebook 09: storage account name, share name and key, on either
backend.

- On the emulator, :func:`file_share` names an emulated share (``acitutorial<6 hex digits>``
  / ``aci-results``, the digits from the emulator's seed) with a made-up key. The emulator
  has no storage accounts: any account and share exist, any key mounts, and the share's
  files stay in the emulator's state until the cloud is reset (docs/emulator-support.md).
- On Azure it reads the share you created (the notebook lists the ``az`` commands) from
  ``ACI_STORAGE_ACCOUNT``, ``ACI_STORAGE_SHARE`` (default ``aci-results``) and
  ``ACI_STORAGE_KEY``. Set the key in the shell that starts Jupyter, never in a notebook
  cell: cells are saved.

The key is a :class:`Secret`: a ``str`` that the SDK sends as it is, but whose ``repr``
and formatting show ``********`` (in a notebook output, a traceback, a model printed
whole). ``str(secret)`` and ``print(secret)`` still give the value: do not.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .session import Session

MASK = "********"
DEFAULT_SHARE = "aci-results"
ENV = {"account": "ACI_STORAGE_ACCOUNT", "share": "ACI_STORAGE_SHARE", "key": "ACI_STORAGE_KEY"}
# Azure's naming rules: accounts 3-24 lowercase letters and digits; shares 3-63 lowercase
# letters, digits and single hyphens, starting and ending with a letter or digit.
_ACCOUNT = re.compile(r"[a-z0-9]{3,24}")
_SHARE = re.compile(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")

_AZURE_SETUP = """\
Notebook 09 on Azure needs an Azure Files share of yours (a storage account is billed for
what it stores, cents per GB and month; delete it when you are done). Once, in a shell
(<account>: a globally unique name of 3-24 lowercase letters and digits):
  az storage account create -g {rg} -n <account> -l {location} --sku Standard_LRS
  az storage share create --name {share} --account-name <account>
then, in the shell that starts Jupyter:
  export ACI_STORAGE_ACCOUNT=<account> ACI_STORAGE_SHARE={share}
  export ACI_STORAGE_KEY=$(az storage account keys list -g {rg} -n <account> --query '[0].value' -o tsv)
Missing now: {missing}."""


class Secret(str):
    """A secret string: ``repr`` and ``format`` show ``********``; ``str()`` is the value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclass(frozen=True)
class FileShare:
    """An Azure Files share and the key of its storage account."""

    account: str
    name: str
    key: Secret

    def __repr__(self) -> str:
        return f"FileShare(account={self.account!r}, name={self.name!r}, key={MASK!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def file_share(s: "Session") -> FileShare:
    """The tutorial's file share: emulated on the emulator, yours on Azure (see module)."""
    if s.backend == "emulator":
        digest = hashlib.sha512(f"aci-tutorial-storage:{s.settings.seed}".encode()).digest()
        # Same seed, same account: running the notebook again finds the same share.
        return FileShare(f"acitutorial{digest.hex()[:6]}", DEFAULT_SHARE,
                         Secret(base64.b64encode(digest).decode()))
    values = {k: (os.environ.get(v) or "").strip() for k, v in ENV.items()}
    values["share"] = values["share"] or DEFAULT_SHARE
    missing = [ENV[k] for k, v in values.items() if not v]
    if missing:
        raise ConfigurationError(_AZURE_SETUP.format(
            rg=s.resource_group, location=s.location, share=values["share"],
            missing=", ".join(missing)))
    if not _ACCOUNT.fullmatch(values["account"]):
        raise ConfigurationError(
            f"{ENV['account']}={values['account'][:30]!r} is not a storage account name: 3-24 "
            "lowercase letters and digits (az storage account list --query [].name).")
    if not _SHARE.fullmatch(values["share"]):
        raise ConfigurationError(
            f"{ENV['share']}={values['share'][:70]!r} is not a file share name: 3-63 lowercase "
            "letters, digits and single hyphens, starting and ending with a letter or digit.")
    return FileShare(values["account"], values["share"], Secret(values["key"]))
