"""``aci-tutorial workshop join``: a participant's one step. It writes the settings file
(``aci_helpers/settings_file.py``) that every kernel's ``connect()`` reads: the workshop,
the participant, their resource group, region and name suffix, and the backend. A hub can
run it for each user when their server starts (README, "Hosted").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..session import NAME_SUFFIX_TAG, REGION_TAG, WORKSHOP_TAG
from ..settings_file import KEYS, read_settings, settings_path, write_settings
from .workshop import WorkshopError, check_workshop_id, resource_group_name


@dataclass
class Joined:
    """What join wrote, where, and what the participant should know."""

    path: Path
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


def join(workshop: str, participant: str | None = None, *, location: str | None = None,
         suffix: str | None = None, resource_group: str | None = None, azure: bool = False,
         trainer: bool = False, look_up: bool = True) -> Joined:
    """Write the settings file for ``participant`` of ``workshop`` (or for its trainer).

    ``participant`` defaults to ``$JUPYTERHUB_USER`` (on a hub). A region or suffix not given
    is read from the resource group's tags when this backend can see it (``look_up``)."""
    check_workshop_id(workshop)
    backend = "azure" if azure else None
    notes: list[str] = []
    if trainer:
        values = {"workshop": workshop, "role": "trainer", "backend": backend or ""}
    else:
        participant = (participant or os.environ.get("JUPYTERHUB_USER", "")).strip()
        if not participant:
            raise WorkshopError("Name the participant: --participant p07 (on a JupyterHub it "
                                "defaults to the user's name, $JUPYTERHUB_USER).")
        rg = resource_group or resource_group_name(workshop, participant)
        if location:
            location = re.sub(r"[\s_-]+", "", location).lower()
        if look_up:
            found, why = _tags_of(rg, workshop, participant, backend, location, suffix)
            location = location or found.get(REGION_TAG)
            suffix = suffix or found.get(NAME_SUFFIX_TAG)
            if why:
                notes.append(why)
        values = {"workshop": workshop, "participant": participant, "role": "participant",
                  "resource_group": rg, "location": location or "", "name_suffix": suffix or "",
                  "backend": backend or ""}
        private = any(n.startswith("created ") for n in notes)  # their own cloud: no collisions
        if (not location or not suffix) and not private:
            notes.append("no region or name suffix given: the defaults apply (ACI_LOCATION or "
                         "eastus; names from your own suffix). Your trainer's list has "
                         "--location and --suffix for you.")
    path = write_settings(values, comment="Written by `aci-tutorial workshop join`: every "
                          "kernel's connect() reads it.\nTo stop: aci-tutorial workshop leave")
    written = read_settings(path)
    for key, env in KEYS.items():
        if env and key in written and os.environ.get(env, "").strip() not in ("", written[key]):
            notes.append(f"{env}={os.environ[env].strip()} is set here and wins over the file: "
                         f"unset it (or restart without it) to use {written[key]!r}.")
    return Joined(path, written, notes)


def _tags_of(rg: str, workshop: str, participant: str, backend: str | None,
             location: str | None, suffix: str | None) -> tuple[dict[str, str], str]:
    """The resource group's tags if this backend can read it, and a note when it cannot.

    On the emulator, a group missing from this cloud is created as setup would (an
    emulator-backed hub gives each user a cloud of their own, which the trainer's setup
    never reached); on Azure it never is: setup made it, or the trainer must."""
    from .. import connect  # noqa: PLC0415
    from .workshop import workshop_tags  # noqa: PLC0415

    try:
        with connect(backend) as s:
            groups = s.resources.resource_groups
            if not groups.check_existence(rg):
                if s.backend != "emulator":
                    return {}, f"{rg} is not in this subscription (or you may not read it): ask your trainer"
                groups.create_or_update(rg, {"location": location or s.location, "tags":
                                             workshop_tags(workshop, participant, location, suffix)})
                return {}, f"created {rg} in your own emulator cloud ({s.emulator.state or 'in memory'})"
            tags = groups.get(rg).tags or {}
    except Exception as err:  # noqa: BLE001 - join still writes what it was given
        return {}, f"could not read {rg} ({str(err).splitlines()[0][:120]})"
    if tags.get(WORKSHOP_TAG) != workshop:
        return {}, f"{rg} exists but is not tagged with workshop {workshop!r}"
    return tags, ""


def leave() -> Path | None:
    """Delete the settings file; returns its path if there was one."""
    path = settings_path()
    if path is None or not path.exists():
        return None
    path.unlink()
    return path
