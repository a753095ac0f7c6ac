"""Typed errors. An :class:`ArmError` becomes ``{"error": {"code", "message"}}`` in one place
(:func:`aci_helpers.emulator.app.handle`); the rest of the emulator only raises."""

from __future__ import annotations

from . import assumptions as A


class EmulatorError(Exception):
    """Base of every error the emulator raises to Python callers (not over the wire)."""


class StateFileError(EmulatorError):
    """The state file cannot be used (corrupt, or written by a newer emulator)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Cannot use the emulator state file {path!r}: {reason}. Nothing was changed. "
            f"To start from an empty cloud, delete the file (and its -wal/-shm companions) "
            f"or call Emulator(state={path!r}).reset() with a compatible emulator."
        )


class ArmError(EmulatorError):
    """An ARM error answer: HTTP status, ``error.code`` and ``error.message``."""

    status = 400
    code = "BadRequest"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 target: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.target = target
        self.headers = headers or {}

    def body(self) -> dict:
        """The wire envelope."""
        err: dict = {"code": self.code, "message": self.message}
        if self.target:
            err["target"] = self.target
        return {"error": err}

    @classmethod
    def of(cls, pair: tuple[str, int], message: str, **kw) -> "ArmError":
        """Build from an ``(code, status)`` pair of :mod:`assumptions`."""
        return cls(message, code=pair[0], status=pair[1], **kw)


class NotFound(ArmError):
    status = 404
    code = "ResourceNotFound"


class ResourceGroupNotFound(NotFound):
    code = "ResourceGroupNotFound"

    def __init__(self, rg: str) -> None:
        super().__init__(f"Resource group '{rg}' could not be found.")


class ContainerGroupNotFound(NotFound):
    def __init__(self, group: str, rg: str) -> None:
        super().__init__(
            f"The Resource 'Microsoft.ContainerInstance/containerGroups/{group}' under resource "
            f"group '{rg}' was not found. For more details please go to "
            f"https://aka.ms/ARMResourceNotFoundFix")


class BadRequest(ArmError):
    status = 400
    code = "BadRequest"


class Conflict(ArmError):
    status = 409
    code = "Conflict"


class Unauthorized(ArmError):
    status = 401
    code = "AuthenticationFailed"


class InaccessibleImage(BadRequest):
    code = "InaccessibleImage"

    def __init__(self, image: str, group: str) -> None:
        super().__init__(f"The image '{image}' in container group '{group}' is not accessible. "
                         f"Please check the image and registry credential.")


class QuotaReached(BadRequest):
    code = "ContainerGroupQuotaReached"

    def __init__(self, location: str, limit: float, usage: float, requested: float) -> None:
        super().__init__(
            f"Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota "
            f"'StandardCores' exceeded in region '{location}'. Limit: '{_num(limit)}', "
            f"Usage: '{_num(usage)}' Requested: '{_num(requested)}'.")


class InvalidUpdate(ArmError):
    def __init__(self, group: str) -> None:
        code, status = A.ERR_INVALID_UPDATE
        super().__init__(
            f"The updates on container group '{group}' are invalid. If you are going to update "
            f"the os type, restart policy, network profile, CPU, memory or GPU resources for a "
            f"container group, you must delete it first and then create a new one.",
            code=code, status=status)


class NotImplementedOperation(ArmError):
    def __init__(self, what: str) -> None:
        code, status = A.ERR_NOT_IMPLEMENTED
        super().__init__(
            f"The emulator does not implement {what}: it needs an interactive WebSocket session "
            f"with a real container. Use the container's logs instead, or run against Azure.",
            code=code, status=status)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
