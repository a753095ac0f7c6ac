"""Typed errors. An :class:`ArmError` becomes ``{"error": {"code", "message"}}`` in one place
(:func:`aci_helpers.emulator.app.handle`); the rest of the emulator only raises."""

from __future__ import annotations

from . import assumptions as A


def _one_line(err: BaseException) -> list[str]:
    """What IPython shows instead of a traceback: the error's one message.

    IPython calls ``_render_traceback_`` when it displays an exception (the mechanism
    ``aci_helpers.errors`` uses for its own errors). A state-file problem is about a file,
    not about the notebook's code: the frames inside the emulator and sqlite would only
    bury the message, which already names the file and what to do.
    """
    return [f"{type(err).__name__}: {err}"]


class EmulatorError(Exception):
    """Base of every error the emulator raises to Python callers (not over the wire)."""


RESET_ADVICE = ("To start from an empty cloud, delete the file (and its -wal/-shm "
                "companions; kernels still using it keep the old cloud until restarted)")


class StateFileError(EmulatorError):
    """The state file cannot be used: the message says why, that nothing was changed (when
    true) and what to do."""

    _render_traceback_ = _one_line

    def __init__(self, path: str, reason: str, advice: str | None = None, *,
                 changed_nothing: bool = True) -> None:
        self.path = path
        self.reason = reason
        self.advice = advice if advice is not None else RESET_ADVICE + "."
        nothing = " Nothing was changed." if changed_nothing else ""
        super().__init__(f"Cannot use the emulator state file {path!r}: {reason}.{nothing} "
                         f"{self.advice}")


class StateFileBusy(StateFileError):
    """Another process held the state file's lock for longer than the busy timeout."""

    def __init__(self, path: str, waited: float, holder: str | None) -> None:
        who = holder or "another process"
        super().__init__(
            path, f"{who} has held its lock for {waited:g} s (the file is busy, not damaged)",
            "Wait for that process to finish and try again, or stop it (for a Jupyter kernel: "
            "interrupt or restart it). The file itself is fine: do not delete it.")


class DamagedRecord(StateFileError):
    """One record in the state file cannot be read; the rest of the cloud still works."""

    def __init__(self, path: str, what: str, problem: str, advice: str) -> None:
        self.what = what
        super().__init__(path, f"{what} stored in it is damaged ({problem})", advice)


class ArmError(EmulatorError):
    """An answer of Azure Resource Manager that refuses a request.

    The contract: anything below the dispatcher (the door, the handlers, the model, the
    faults) raises one; :meth:`aci_helpers.emulator.app.App.handle` alone turns it into the
    HTTP answer: status :attr:`status`, headers :attr:`headers`, body
    ``{"error": {"code": code, "message": message[, "target": target]}}``. The request's
    transaction is rolled back, so a refused request changes nothing.

    Each kind of refusal is a subclass that names its ``code`` and ``status`` (from
    :mod:`~aci_helpers.emulator.assumptions` where they are the emulator's guess) and is
    raised with its message only: ``raise DnsNameLabelNotAvailable(f"...")``. The few whose
    message ARM fixes build it themselves from their arguments.
    """

    status: int = 400
    code: str = "BadRequest"
    headers: dict[str, str] = {}

    def __init__(self, message: str, *, target: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.target = target

    def body(self) -> dict:
        """The wire envelope."""
        err: dict = {"code": self.code, "message": self.message}
        if self.target:
            err["target"] = self.target
        return {"error": err}


class InjectedFault(ArmError):
    """An error the caller of ``Emulator.inject_fault`` chose: its code, status and headers."""

    def __init__(self, message: str, code: str, status: int, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.code, self.status, self.headers = code, status, headers


# -- by status ------------------------------------------------------------------------------
class BadRequest(ArmError):
    status, code = 400, "BadRequest"


class Unauthorized(ArmError):
    status, code = 401, "AuthenticationFailed"


class NotFound(ArmError):
    status, code = 404, "ResourceNotFound"


class Conflict(ArmError):
    status, code = 409, "Conflict"


# -- the request itself (door, dispatch, handlers) ------------------------------------------
class InvalidRequestContent(BadRequest):
    """The body cannot be deserialized; ``detail`` says where and why (never a value: it
    may be a secret)."""

    code = "InvalidRequestContent"

    def __init__(self, detail: str) -> None:
        super().__init__(f"The request content was invalid and could not be deserialized: "
                         f"'{detail}'.")


class RequestContentTooLarge(ArmError):
    code, status = A.ERR_REQUEST_TOO_LARGE


class InvalidAuthenticationToken(Unauthorized):
    code = "InvalidAuthenticationToken"


class MissingApiVersionParameter(BadRequest):
    code = "MissingApiVersionParameter"


class InvalidApiVersionParameter(BadRequest):
    code = A.RESOURCES_BAD_API_VERSION_CODE


class NoRegisteredProviderFound(BadRequest):
    code = "NoRegisteredProviderFound"
    headers = {"x-ms-failure-cause": "gateway"}  # as recorded: ARM's gateway answers


class SubscriptionNotFound(NotFound):
    code = "SubscriptionNotFound"


class InvalidResourceType(ArmError):
    code, status = A.ERR_UNKNOWN_ROUTE


class UnknownPath(ArmError):
    code, status = A.ERR_UNKNOWN_PATH


class MethodNotAllowed(ArmError):
    code, status = A.ERR_METHOD_NOT_ALLOWED


class InvalidParameter(BadRequest):
    code = "InvalidParameter"


class NotImplementedType(ArmError):
    code, status = A.ERR_NOT_IMPLEMENTED


# -- subscriptions and resource providers ---------------------------------------------------
class InvalidResourceNamespace(ArmError):
    code, status = A.ERR_UNKNOWN_NAMESPACE


class MissingSubscriptionRegistration(ArmError):
    code, status = A.ERR_NOT_REGISTERED


# -- resource groups ------------------------------------------------------------------------
class ResourceGroupNotFound(NotFound):
    code = "ResourceGroupNotFound"

    def __init__(self, rg: str) -> None:
        super().__init__(f"Resource group '{rg}' could not be found.")


class InvalidResourceGroup(BadRequest):
    code = "InvalidResourceGroup"


class ResourceGroupBeingDeleted(Conflict):
    code = "ResourceGroupBeingDeleted"


class InvalidResourceGroupLocation(Conflict):
    code = "InvalidResourceGroupLocation"


class OperationResultNotFound(NotFound):
    code = "OperationResultNotFound"


class LocationRequired(BadRequest):
    code = "LocationRequired"


class LocationNotAvailableForResourceGroup(BadRequest):
    code = "LocationNotAvailableForResourceGroup"


class LocationNotAvailableForResourceType(BadRequest):
    code = "LocationNotAvailableForResourceType"


class InvalidTagCount(BadRequest):
    code = "InvalidTagCount"


class InvalidTagNameCharacters(BadRequest):
    code = "InvalidTagNameCharacters"


class InvalidTagName(BadRequest):
    code = "InvalidTagName"


# -- container groups -----------------------------------------------------------------------
class ContainerGroupNotFound(NotFound):
    def __init__(self, group: str, rg: str) -> None:
        super().__init__(
            f"The Resource 'Microsoft.ContainerInstance/containerGroups/{group}' under resource "
            f"group '{rg}' was not found. For more details please go to "
            f"https://aka.ms/ARMResourceNotFoundFix")


class ContainerGroupProfileNotFound(NotFound):
    def __init__(self, profile: str, rg: str) -> None:
        super().__init__(
            f"The Resource 'Microsoft.ContainerInstance/containerGroupProfiles/{profile}' under "
            f"resource group '{rg}' was not found. For more details please go to "
            f"https://aka.ms/ARMResourceNotFoundFix")


class ContainerGroupProfileRevisionNotFound(NotFound):
    """A revision the profile never had (ResourceNotFound: the code is the emulator's guess)."""

    def __init__(self, profile: str, revision: object, count: int) -> None:
        super().__init__(f"The container group profile '{profile}' has no revision "
                         f"'{revision}': its revisions are 1 to {count}.")


class SecurityContextNotSupported(BadRequest):
    code = "SecurityContextNotSupported"


class InvalidResourceLocation(Conflict):
    code = "InvalidResourceLocation"

    def __init__(self, name: str, existing: str, rg: str, location: str) -> None:
        super().__init__(f"The resource '{name}' already exists in location '{existing}' in "
                         f"resource group '{rg}'. A resource with the same name cannot be "
                         f"created in location '{location}'. Please select a new resource name.")


class ContainerGroupNameInvalid(ArmError):
    code, status = A.ERR_INVALID_GROUP_NAME


class InvalidContainerName(ArmError):
    code, status = A.ERR_INVALID_CONTAINER_NAME


class InvalidDnsNameLabel(ArmError):
    code, status = A.ERR_INVALID_DNS_LABEL


class DnsNameLabelNotAvailable(ArmError):
    code, status = A.ERR_DNS_LABEL_TAKEN


class InvalidContainerEnvironmentVariable(ArmError):
    code, status = A.ERR_INVALID_ENV_NAME


class DuplicateEnvironmentVariables(ArmError):
    code, status = A.ERR_DUPLICATE_ENV_NAME


class InvalidResourceRequest(ArmError):
    code, status = A.ERR_INVALID_RESOURCES


class InvalidResourceRequestPrecision(ArmError):
    code, status = A.ERR_RESOURCE_PRECISION


class LimitGreaterThanRequest(ArmError):
    code, status = A.ERR_LIMITS_OVER_REQUEST


class OverRegionMaximum(ArmError):
    code, status = A.ERR_OVER_REGION_MAXIMUM


class InvalidPort(ArmError):
    code, status = A.ERR_INVALID_PORT


class TooManyPorts(ArmError):
    code, status = A.ERR_TOO_MANY_PORTS


class DuplicatePorts(ArmError):
    code, status = A.ERR_DUPLICATE_PORTS


class MissingIpAddressPorts(BadRequest):
    code = "MissingIpAddressPorts"


class IpAddressPortsNotExposed(ArmError):
    code, status = A.ERR_IP_PORT_NOT_EXPOSED


class TooManyContainers(ArmError):
    code, status = A.ERR_TOO_MANY_CONTAINERS


class DuplicateContainerNames(ArmError):
    code, status = A.ERR_DUPLICATE_CONTAINER


class UnsupportedFeature(ArmError):
    code, status = A.ERR_UNSUPPORTED_FEATURE


class InvalidOsType(ArmError):
    code, status = A.ERR_INVALID_OS_TYPE


class InvalidRestartPolicy(ArmError):
    code, status = A.ERR_INVALID_RESTART_POLICY


class InvalidContainerGroupPriority(ArmError):
    code, status = A.ERR_INVALID_PRIORITY


class SpotContainerGroupNotSupported(ArmError):
    code, status = A.ERR_SPOT_UNSUPPORTED


class InvalidImageRegistryIdentity(ArmError):
    code, status = A.ERR_REGISTRY_IDENTITY


class InvalidImageRegistryCredential(ArmError):
    code, status = A.ERR_REGISTRY_CREDENTIAL_INCOMPLETE


class ContainerGroupStopped(ArmError):
    code, status = A.ERR_GROUP_STOPPED


class ContainerNotFound(ArmError):
    code, status = A.ERR_CONTAINER_NOT_FOUND


class OperationNotFound(ArmError):
    code, status = A.ERR_OPERATION_NOT_FOUND


class InaccessibleImage(BadRequest):
    code = "InaccessibleImage"

    def __init__(self, image: str, group: str) -> None:
        super().__init__(f"The image '{image}' in container group '{group}' is not accessible. "
                         f"Please check the image and registry credential.")


class QuotaReached(BadRequest):
    code = "ContainerGroupQuotaReached"

    def __init__(self, location: str, limit: float, usage: float, requested: float,
                 quota: str = "StandardCores") -> None:
        super().__init__(
            f"Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota "
            f"'{quota}' exceeded in region '{location}'. Limit: '{_num(limit)}', "
            f"Usage: '{_num(usage)}' Requested: '{_num(requested)}'.")


class InvalidUpdate(ArmError):
    code, status = A.ERR_INVALID_UPDATE

    def __init__(self, group: str) -> None:
        super().__init__(
            f"The updates on container group '{group}' are invalid. If you are going to update "
            f"the os type, restart policy, network profile, CPU, memory or GPU resources for a "
            f"container group, you must delete it first and then create a new one.")


class NotImplementedOperation(ArmError):
    code, status = A.ERR_NOT_IMPLEMENTED

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The emulator does not implement {what}: it needs an interactive WebSocket session "
            f"with a real container. Use the container's logs instead, or run against Azure.")


# -- volumes --------------------------------------------------------------------------------
class TooManyVolumes(ArmError):
    code, status = A.ERR_TOO_MANY_VOLUMES


class InvalidVolume(ArmError):
    code, status = A.ERR_INVALID_VOLUME


class DuplicateVolumes(BadRequest):
    code = "DuplicateVolumes"


class InvalidVolumeMount(ArmError):
    code, status = A.ERR_INVALID_VOLUME_MOUNT


class InvalidAzureFileVolume(ArmError):
    code, status = A.ERR_AZURE_FILE_VOLUME


class InvalidSecretVolume(ArmError):
    code, status = A.ERR_SECRET_VOLUME


class InvalidGitRepoVolume(ArmError):
    code, status = A.ERR_GIT_REPO_VOLUME


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
