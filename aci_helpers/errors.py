"""Errors the helpers raise, and short explanations of the errors Azure sends.

A learner who mistypes a name should see the ARM error code, the message exactly as
the service sent it, and one line of advice -- not a 60-line traceback.
"""

from __future__ import annotations

import html
import itertools
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError


def _short_traceback(err: BaseException) -> list[str]:
    """What IPython shows instead of the traceback: one line, the message says what to do.

    IPython calls an exception's ``_render_traceback_`` when it displays it; our errors
    are about settings, not code, so the frames inside the helpers would only bury the
    message. (Outside IPython, Python prints the usual traceback.)
    """
    return [f"{type(err).__name__}: {err}"]


class AciHelpersError(Exception):
    """Base class of every error raised by ``aci_helpers`` itself."""

    _render_traceback_ = _short_traceback


class ConfigurationError(AciHelpersError):
    """A setting is missing or wrong; the message names it and what to set."""


class ArgumentError(AciHelpersError, ValueError):
    """A helper was given an argument it cannot use; the message names it and what to pass.

    A ``ValueError`` too, so code that already catches that keeps working."""


class WaitTimeout(AciHelpersError, TimeoutError):
    """Waiting for an operation or a state took longer than the timeout."""


class AuthenticationError(ClientAuthenticationError):
    """Getting a token failed. Short message; the credential chain's details are dropped.

    A subclass of azure-core's ``ClientAuthenticationError`` so code that already
    catches that keeps working.
    """

    _render_traceback_ = _short_traceback


# Advice per ARM error code. Codes marked *unconfirmed* in the reference are matched
# by message as well (see _MESSAGE_HINTS), because the code the service sends may differ.
HINTS: dict[str, str] = {
    "ResourceNotFound": "Check the name and the resource group; list what exists with "
    "s.aci.container_groups.list_by_resource_group(s.resource_group).",
    "ResourceGroupNotFound": "Create the resource group first (ensure_resource_group(s)) "
    "or set ACI_RESOURCE_GROUP to one that exists.",
    "InaccessibleImage": "Three usual causes: a typo in the image name, a tag the registry does "
    "not have, or missing or wrong credentials for a private registry "
    "(image_registry_credentials with its login server).",
    "InvalidImageRegistryIdentity": "The identity of an image registry credential must be one of "
    "the group's user-assigned identities: add its resource id to identity.user_assigned_identities.",
    "InvalidImageRegistryCredential": "Give the registry credential a username and a password, or "
    "the resource id of a user-assigned managed identity the group carries.",
    "InvalidContainerGroupPriority": "priority is 'Regular' (the default) or 'Spot'.",
    "SpotContainerGroupNotSupported": "Spot groups: only in the regions Microsoft lists, and without "
    "a public IP address, virtual network, zones or the Confidential SKU.",
    "RegistryErrorResponse": "The registry refused or throttled the pull; wait a minute and retry.",
    "ContainerGroupQuotaReached": "The region's CPU quota is used up: delete groups you no longer "
    "need (cleanup(s, dry_run=False)), ask for fewer CPUs, use another region (ACI_LOCATION) or "
    "ask Azure support for a higher quota.",
    "ServiceUnavailable": "Read 'Resource requested' in the message: if it is more than one group "
    "may have in the region (Microsoft's 'resource availability by region' page; 4 CPUs and 16 GB "
    "on the emulator), ask for less per container or split the group; otherwise the region has "
    "no capacity right now: retry later or use another region (ACI_LOCATION).",
    "NoRegisteredProviderFound": "The api-version is not supported; upgrade "
    "azure-mgmt-containerinstance.",
    "MissingSubscriptionRegistration": "Register the provider once: "
    "az provider register --namespace Microsoft.ContainerInstance",
    "AuthenticationFailed": "Sign in again (az login) or check AZURE_AUTH_LOCATION.",
    "InvalidAuthenticationToken": "Sign in again (az login) or check AZURE_AUTH_LOCATION.",
    "AuthorizationFailed": "Your identity lacks a role on this scope; ask for Contributor on "
    "the resource group.",
    "InternalServerError": "A transient service error; retry the call.",
    "ContainerLimitGreaterThanContainerGroupTotalRequest": "A container's limits must not exceed "
    "the group's total requests.",
    "InvalidContainerGroupUpdate": "CPU, memory, GPU, OS type, restart policy and network profile "
    "cannot be changed: delete the group, then create it again.",
    "InvalidContainerGroupResourceRequest": "Every request must be a positive number, and the "
    "group as a whole needs at least 1 CPU and 1 GB (one container may ask for less).",
    "InvalidResourceRequestPrecision": "CPU and memory take at most one decimal place, e.g. cpu=1.5, "
    "memory_gb=0.5.",
    "DuplicateContainerNames": "Give each container of the group its own name, e.g. <group>-1, <group>-2.",
    "ContainerNotFound": "Check the container's name: [c.name for c in "
    "s.aci.container_groups.get(s.resource_group, name).containers] lists them.",
    "LocationNotAvailableForResourceType": "Use one of the regions listed in the message, e.g. "
    "ACI_LOCATION=eastus.",
}

_GROUP_NAME_RULES = ("Container group names: 1-63 characters, lowercase letters, digits and '-', "
                     "not starting or ending with '-', no '--'.")
_CONTAINER_NAME_RULES = ("Container names: 1-63 characters, lowercase letters, digits and '-', "
                         "not starting or ending with '-'.")
_DNS_LABEL_RULES = ("DNS name labels: 5-63 characters, lowercase letters, digits and '-'; the first "
                    "a letter, the last a letter or digit.")
# Azure's own rule, as its InvalidContainerEnvironmentVariable message states it (quoted in
# Azure/azure-rest-api-specs#19173, MicrosoftDocs/azure-docs#37092): no length limit is public.
_ENV_NAME_RULES = ("An environment variable name must start with a letter or '_', followed by "
                   "letters, digits or '_': 'MY_NAME', '_x1'; not 'discovery.type', '-Dkey' or "
                   "'1ABC'.")
_DNS_TAKEN = ("DNS name labels are unique per region, across all of Azure: pick another one, "
              "e.g. with another prefix (unique_name('web')), or draw yourself a new name suffix "
              "(set ACI_NAME_SUFFIX, or delete the file aci_helpers.names.suffix_file()).")
HINTS.update({
    "ContainerGroupNameInvalid": _GROUP_NAME_RULES,
    "InvalidContainerGroupName": _GROUP_NAME_RULES,
    "InvalidContainerName": _CONTAINER_NAME_RULES,
    "InvalidDnsNameLabel": _DNS_LABEL_RULES,
    "DnsNameLabelNotAvailable": _DNS_TAKEN,
    "InvalidContainerEnvironmentVariable": _ENV_NAME_RULES,  # Azure's code
    "InvalidEnvironmentVariableName": _ENV_NAME_RULES,  # the emulator's older guess
})

# For codes the reference marks *unconfirmed* (the service may send another one): the message.
_MESSAGE_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"DNS name label .* not available", re.I), _DNS_TAKEN),
    (re.compile(r"DNS name label .* is invalid", re.I), _DNS_LABEL_RULES),
    (re.compile(r"container group name .* is invalid", re.I), _GROUP_NAME_RULES),
    (re.compile(r"container name .* is invalid", re.I), _CONTAINER_NAME_RULES),
    (re.compile(r"environment variable name .* is invalid", re.I), _ENV_NAME_RULES),
    (re.compile(r"valid environment variable name must start", re.I), _ENV_NAME_RULES),
    (re.compile(r"you must delete it first", re.I), HINTS["InvalidContainerGroupUpdate"]),
    (re.compile(r"quota", re.I), HINTS["ContainerGroupQuotaReached"]),
    (re.compile(r"image .* not accessible", re.I), HINTS["InaccessibleImage"]),
]


@dataclass(frozen=True)
class ExplainedError:
    """The short form of an Azure error; renders as text or Markdown in a notebook."""

    code: str | None
    status: int | None
    message: str
    hint: str | None

    def __str__(self) -> str:
        head = self.code or "Error"
        if self.status is not None:
            head += f" (HTTP {self.status})"
        text = f"{head}: {self.message}"
        if self.hint:
            text += f"\nHint: {self.hint}"
        return text

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # noqa: ANN001 - IPython's printer
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        head = f"**{_md(self.code or 'Error')}**"
        if self.status is not None:
            head += f" (HTTP {self.status})"
        md = f"{head}: {_md(self.message)}"
        if self.hint:
            md += f"\n\n*Hint:* {_md(self.hint)}"
        return md


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
# JupyterLab typesets $...$ as maths, even escaped as \$ (jupyterlab/jupyterlab#8645); a
# code span is left alone there, and reads the same in every other Markdown renderer.
_DOLLAR = re.compile(r"(\$(?:\d+(?:\.\d+)?|[A-Za-z_]\w*)?)")


def _md(text: str) -> str:
    """Text shown as itself in Markdown: ``<file>`` must not vanish as an HTML tag, ``*`` or
    ``_`` turn into emphasis, nor ``$0.105 ... $0.054`` into maths (a dollar and what it
    prefixes become a code span: `$0.105`, `$1`)."""
    return "".join(f"`{part}`" if odd else _MD_SPECIAL.sub(r"\\\1", html.escape(part, quote=False))
                   for odd, part in zip(itertools.cycle((False, True)), _DOLLAR.split(text)))


# Messages whose hint differs from their code's (checked first).
_BEFORE_CODE_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"quota 'StandardSpotCores'", re.I),
     "Spot cores have a quota of their own (StandardSpotCores): Microsoft gives 100 on "
     "Enterprise Agreement subscriptions, 10 on default ones and 0 on others. Delete Spot "
     "groups you no longer need, ask Azure support for Spot quota in that region, or run the "
     "group at Regular priority."),
    (re.compile(r"CodePackage activation|executable file not found", re.I),
     "The container could not start: the first item of its command is not a program in the "
     "image. Put each argument in its own item, or run a shell: ['/bin/sh', '-c', 'your "
     "command line']; then delete the failed group and create it again."),
]


def _hint_for(code: str | None, message: str) -> str | None:
    for pattern, hint in _BEFORE_CODE_HINTS:
        if pattern.search(message):
            return hint
    if code and code in HINTS:
        return HINTS[code]
    for pattern, hint in _MESSAGE_HINTS:
        if pattern.search(message) or (code and pattern.search(code)):
            return hint
    return None


def explain_error(err: BaseException) -> ExplainedError:
    """Return the code, status, message (as sent) and a hint for ``err``."""
    code: str | None = None
    message = str(err)
    status: int | None = None
    if isinstance(err, HttpResponseError):
        status = err.status_code
        odata = getattr(err, "error", None)
        if odata is not None and getattr(odata, "code", None):
            code = odata.code
            message = odata.message or message
        elif err.response is not None:
            # Not an ARM body: keep what the server said rather than the SDK's wrapper text.
            message = err.message or message
    elif isinstance(err, (AciHelpersError, ClientAuthenticationError)):
        code = type(err).__name__
    return ExplainedError(code=code, status=status, message=message.strip(),
                          hint=_hint_for(code, message))


def explain(err: BaseException) -> str:
    """One short paragraph for a learner: ``Code (HTTP n): message`` and a hint."""
    return str(explain_error(err))


def _show(obj: ExplainedError) -> None:
    try:
        from IPython import get_ipython  # noqa: PLC0415  (optional dependency)
        from IPython.display import display  # noqa: PLC0415

        if get_ipython() is not None:
            display(obj)
            return
    except ImportError:
        pass
    print(obj, file=sys.stderr)


@contextmanager
def aci_errors(reraise: bool = False) -> Iterator[None]:
    """Show an Azure error in short form instead of a long traceback.

    ``with aci_errors(): ...`` prints the code, message and hint of an
    ``HttpResponseError`` (or a configuration/authentication error) and carries on;
    ``reraise=True`` raises it again afterwards.
    """
    try:
        yield
    except (HttpResponseError, AciHelpersError, ClientAuthenticationError) as err:
        _show(explain_error(err))
        if reraise:
            raise
