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
