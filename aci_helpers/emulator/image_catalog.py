"""The image catalog an :class:`~aci_helpers.emulator.Emulator` runs: the runtime's built-in
images plus those of the file named by ``ACI_EMULATOR_IMAGES``, read once, when the
Emulator is made, and handed down to the model as one catalog object.

The simulated runtime reads no setting and no file: this is where its one setting is read.
"""

from __future__ import annotations

import json
import os
from typing import Mapping

from .runtime import ImageCatalog

#: The environment variable naming a JSON file of extra images.
IMAGES_VARIABLE = "ACI_EMULATOR_IMAGES"


class CatalogFileError(Exception):
    """An extra-images JSON file (ACI_EMULATOR_IMAGES) cannot be used."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(
            f"Cannot load extra images from {path!r}: {reason}. The file must hold a JSON "
            f'list of objects like {{"reference": "myreg.azurecr.io/app:v1", '
            f'"default_command": ["/bin/sh", "-c", "echo hi"]}}.'
        )


def load_catalog(environ: Mapping[str, str] = os.environ) -> ImageCatalog:
    """The built-in images, plus those of the file ``environ[IMAGES_VARIABLE]`` names (if
    set and not empty). Raises :class:`CatalogFileError` for a file that cannot be used."""
    catalog = ImageCatalog.default()
    path = environ.get(IMAGES_VARIABLE)
    if path:
        add_images_file(catalog, path)
    return catalog


def add_images_file(catalog: ImageCatalog, path: str) -> None:
    """Add every image of the JSON file ``path`` (a list of ``catalog.add()`` keyword
    objects); a file that cannot be read or used raises CatalogFileError, adding none."""
    try:
        with open(path, encoding="utf-8") as fh:
            entries = json.load(fh)
    except (OSError, ValueError) as exc:
        raise CatalogFileError(path, str(exc)) from None
    try:
        catalog.add_entries(entries)
    except ValueError as exc:
        raise CatalogFileError(path, str(exc)) from None
