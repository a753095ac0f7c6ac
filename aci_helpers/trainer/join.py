"""``aci-tutorial workshop join``: a participant's one step. It writes the settings file
(``aci_helpers/settings_file.py``) that every kernel's ``connect()`` reads: the workshop,
the participant, their resource group, region and name suffix, and the backend. A hub can
run it for each user when their server starts (README, "Hosted").

On a served emulator (``--emulator-url``, default ``$ACI_EMULATOR_URL``: the class shares
the one ``aci-tutorial serve`` runs), the file also names the server and a copy of its CA
certificate kept beside the file, so that every kernel of the participant reaches it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..session import NAME_SUFFIX_TAG, REGION_TAG, WORKSHOP_TAG
from ..errors import ConfigurationError
from ..settings_file import (KEYS, check_emulator_url, read_settings, settings_path,
                             write_settings)
from .workshop import WorkshopError, check_workshop_id, resource_group_name


@dataclass
class Joined:
    """What join wrote, where, and what the participant should know."""

    path: Path
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


def join(workshop: str, participant: str | None = None, *, location: str | None = None,
         suffix: str | None = None, resource_group: str | None = None, azure: bool = False,
         trainer: bool = False, look_up: bool = True, emulator_url: str | None = None,
         emulator_ca: str | None = None) -> Joined:
    """Write the settings file for ``participant`` of ``workshop`` (or for its trainer).

    ``participant`` defaults to ``$JUPYTERHUB_USER`` (on a hub). A region or suffix not given
    is read from the resource group's tags when this backend can see it (``look_up``).
    ``emulator_url`` (default ``$ACI_EMULATOR_URL``) joins the class's served emulator; its
    CA (``emulator_ca``, default ``$ACI_EMULATOR_CA``, else found beside the server's state)
    is copied beside the settings file."""
    check_workshop_id(workshop)
    backend = "azure" if azure else None
    served = _served(emulator_url, emulator_ca, azure)
    notes: list[str] = []
    if trainer:
        values = {"workshop": workshop, "role": "trainer", "backend": backend or "", **served}
    else:
        participant = (participant or os.environ.get("JUPYTERHUB_USER", "")).strip()
        if not participant:
            raise WorkshopError("Name the participant: --participant p07 (on a JupyterHub it "
                                "defaults to the user's name, $JUPYTERHUB_USER).")
        rg = resource_group or resource_group_name(workshop, participant)
        if location:
            location = re.sub(r"[\s_-]+", "", location).lower()
        if look_up:
            found, why = _tags_of(rg, workshop, participant, backend, location, suffix, served)
            location = location or found.get(REGION_TAG)
            suffix = suffix or found.get(NAME_SUFFIX_TAG)
            if why:
                notes.append(why)
        values = {"workshop": workshop, "participant": participant, "role": "participant",
                  "resource_group": rg, "location": location or "", "name_suffix": suffix or "",
                  "backend": backend or "", **served}
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


def _served(url: str | None, ca: str | None, azure: bool) -> dict[str, str]:
    """The settings of the class's served emulator: its URL and the path of a copy of its
    CA beside the settings file (``{}`` without a URL)."""
    url = (url or os.environ.get("ACI_EMULATOR_URL", "")).strip()
    if not url:
        return {}
    if azure:
        raise WorkshopError("--azure and a served emulator (--emulator-url, ACI_EMULATOR_URL) "
                            "exclude each other: choose the subscription or the class's "
                            "emulator.")
    url = str(check_emulator_url(url, "--emulator-url"))
    given = (ca or os.environ.get("ACI_EMULATOR_CA", "")).strip() or None
    try:
        from .. import connect  # noqa: PLC0415

        with connect("emulator", emulator_url=url, emulator_ca=given) as s:
            source = s.emulator.ca_file   # given, or found beside the server's state
    except ConfigurationError as err:
        raise WorkshopError(f"{err} (join: --emulator-ca FILE)") from None
    path = settings_path()
    if path is None:
        raise WorkshopError("ACI_SETTINGS_FILE=none: there is no settings file to write.")
    copy = path.with_name("emulator-ca.pem")
    if Path(source).resolve() != copy.resolve():
        copy.parent.mkdir(parents=True, exist_ok=True)
        # A certificate, not a secret: the copy stays readable by the participant's kernels
        # even when the trainer's folder is not.
        shutil.copyfile(source, copy)
        os.chmod(copy, 0o644)
    return {"emulator_url": url, "emulator_ca": str(copy)}


def _tags_of(rg: str, workshop: str, participant: str, backend: str | None,
             location: str | None, suffix: str | None, served: dict[str, str]
             ) -> tuple[dict[str, str], str]:
    """The resource group's tags if this backend can read it, and a note when it cannot.

    On the emulator, a group missing from this cloud is created as setup would (an
    emulator-backed hub gives each user a cloud of their own, which the trainer's setup
    never reached); on Azure or the class's served emulator it never is: setup made it, or
    the trainer must."""
    from .. import connect  # noqa: PLC0415
    from .workshop import workshop_tags  # noqa: PLC0415

    try:
        with connect(backend, emulator_url=served.get("emulator_url"),
                     emulator_ca=served.get("emulator_ca")) as s:
            groups = s.resources.resource_groups
            if not groups.check_existence(rg):
                if served:
                    return {}, (f"{rg} is not in the class's cloud at {served['emulator_url']}: "
                                "ask your trainer to run `aci-tutorial workshop setup` for you")
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
    path.with_name("emulator-ca.pem").unlink(missing_ok=True)   # join's copy, if any
    return path
