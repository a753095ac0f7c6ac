"""Typed errors raised by the simulated runtime."""

from __future__ import annotations


class RuntimeImageError(Exception):
    """Base of the errors raised while resolving an image reference."""

    def __init__(self, image: str, message: str) -> None:
        self.image = image
        super().__init__(message)


class ImageNotFound(RuntimeImageError):
    """The reference is malformed, or names no image the simulated registries hold."""

    def __init__(self, image: str, reason: str = "") -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(
            image,
            f"The image {image!r} was not found{why}. Check the spelling, the registry host "
            f"and the tag; to simulate an image of your own, add it with "
            f"ImageCatalog.add() or the ACI_EMULATOR_IMAGES file.",
        )


class RegistryCredentialsRequired(RuntimeImageError):
    """The image lives on a private registry the group has no credentials for."""

    def __init__(self, image: str, server: str) -> None:
        self.server = server
        super().__init__(
            image,
            f"The image {image!r} is on the registry {server!r}, which is not public: "
            f"add imageRegistryCredentials for server {server!r} to the container group.",
        )


class OutputTooLarge(Exception):
    """A program printed more lines than one ``output()`` call may build; pass ``tail``."""
