"""The explorer's state and every SDK request it makes, without a single widget.

``ExplorerState`` holds what the explorer knows (groups, resource groups and their tags,
the selection, the filters, what is running) and turns each user intent into an
:class:`Action` (label, the SDK call to show, a function that sends it). The widgets in
``_explorer.py`` and ``_trainer.py`` only render this state and run its actions; tests
drive it directly on the emulator, no ipywidgets needed.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any, Callable

from azure.core.exceptions import ResourceNotFoundError

from ..models import GroupRow, group_state, resource_group_of
from ..session import PARTICIPANT_TAG, WORKSHOP_TAG

ALL = ""  # the filters' "no filter" value
STATES = ("Running", "Pending", "Stopped", "Succeeded", "Failed")
SORT_KEYS: dict[str, Callable[["GroupRow"], Any]] = {
    "Name": lambda r: (r.name, r.resource_group),
    "Resource group": lambda r: (r.resource_group.lower(), r.name),
    "State": lambda r: (r.state or "~", r.name),
    "Location": lambda r: (r.location or "", r.name),
    "CPU": lambda r: (r.cpu, r.name),
    "Memory": lambda r: (r.memory_gb, r.name),
}
ACTIONS = {"start": "begin_start", "stop": "stop", "restart": "begin_restart",
           "delete": "begin_delete"}
TRANSITIONS = ("Pending", "Creating", "Updating", "Repairing")


class NotNow(Exception):
    """An intent that cannot be acted on now; the message says why and what to do."""


def in_transition(group: Any) -> bool:
    """Still on its way to a final state: pending, or a container waiting to start."""
    if group_state(group) in TRANSITIONS:
        return True
    return any(c.instance_view is not None and c.instance_view.current_state is not None
               and c.instance_view.current_state.state == "Waiting" for c in group.containers)


@dataclass(frozen=True)
class VolumeRow:
    """One volume of a group as the details show it, and where its containers mount it.

    Nothing secret is kept: ``secret_parts`` names what is secret (``storage account key``,
    the files of a secret volume), never a value; ``source`` is a repository URL without
    its credentials (``has_credentials`` says they were there)."""

    name: str
    kind: str
    source: str
    read_only: bool
    secret_parts: tuple[str, ...]
    has_credentials: bool
    mounts: tuple[tuple[str, str, bool], ...]  # (container, mount path, read-only)


def _without_credentials(url: str) -> tuple[str, bool]:
    """``url`` without ``user:token@`` (a private repository's token), and whether it had one."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, False
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl(), True


def volume_rows(group: Any) -> list[VolumeRow]:
    """The group's volumes with the containers that mount them (init containers included)."""
    mounts: dict[str, list[tuple[str, str, bool]]] = {}
    for c in list(group.containers or []) + list(getattr(group, "init_containers", None) or []):
        for vm in c.volume_mounts or []:
            mounts.setdefault(vm.name, []).append((c.name, vm.mount_path, bool(vm.read_only)))
    rows = []
    for v in getattr(group, "volumes", None) or []:
        source, creds, secret, ro = "", False, (), False
        if v.azure_file is not None:
            af = v.azure_file
            kind, source = "Azure Files", f"{af.storage_account_name}/{af.share_name}"
            ro = bool(af.read_only)
            secret = ("storage account key",)
        elif v.git_repo is not None:
            kind = "gitRepo"
            source, creds = _without_credentials(v.git_repo.repository or "")
            extra = [f"directory {v.git_repo.directory}" if v.git_repo.directory else "",
                     f"revision {v.git_repo.revision[:12]}" if v.git_repo.revision else ""]
            source = " · ".join(x for x in [source, *extra] if x)
        elif v.secret is not None:
            kind, ro = "secret", True
            # Azure returns {} (the files' names too are withheld); a model built locally
            # may hold them: names only.
            secret = tuple(f"file {name}" for name in sorted(v.secret)) or ("values",)
        elif getattr(v, "secret_reference", None) is not None:
            kind, ro = "secretReference", True
            secret = tuple(f"file {name}" for name in sorted(v.secret_reference))
        else:
            kind = "emptyDir"
        rows.append(VolumeRow(v.name, kind, source, ro, secret, creds,
                              tuple(mounts.get(v.name, ()))))
    return rows


@dataclass(frozen=True)
class Action:
    """One SDK request the user asked for: ``start()`` sends it (a poller or a result)."""

    key: str  # what it keeps busy: a group's key, "create" or "workshop:<id>"
    label: str
    call: str
    start: Callable[[], Any]


@dataclass(frozen=True)
class Buttons:
    """Which of the details' buttons are disabled now."""

    start: bool
    stop: bool
    restart: bool
    delete: bool
    delete_confirm: bool
    create: bool


@dataclass(frozen=True)
class CreateForm:
    """What the create form holds (strings and numbers as typed)."""

    name: str
    resource_group: str
    image: str
    cpu: float
    memory_gb: float
    port: int
    dns_label: str = ""
    restart_policy: str = "Always"
    command: str = ""
    environment: str = ""


@dataclass
class Participant:
    """One participant of a workshop: their resource group and its container groups."""

    name: str
    resource_group: str
    rows: list[GroupRow] = field(default_factory=list)

    @property
    def running(self) -> list[GroupRow]:
        """The groups that are running now."""
        return [r for r in self.rows if r.state == "Running"]

    @property
    def cpu_running(self) -> float:
        """vCPUs requested by the running groups."""
        return sum(r.cpu for r in self.running)

    @property
    def cost_per_hour(self) -> float:
        """Estimated USD per hour of what runs now (``aci_helpers.cost`` rates)."""
        from ..cost import estimate_cost  # noqa: PLC0415

        return sum(estimate_cost(cpu=r.cpu, memory_gb=r.memory_gb, region=r.location,
                                 duration=3600).total for r in self.running)


@dataclass(frozen=True)
class ResourceGroupInfo:
    """A resource group as listed: its name and tags."""

    name: str
    tags: dict[str, str]


class ExplorerState:
    """What the explorer shows and does, on one session. No widgets here."""

    def __init__(self, session: Any, *, scope: str = ALL) -> None:
        self.session = session
        self.scope = scope  # a resource group name, or ALL
        self.text = ""
        self.state_filter = ALL
        self.sort_by = "Name"
        self.sort_desc = False
        self.groups: dict[str, GroupRow] = {}
        self.resource_groups: dict[str, ResourceGroupInfo] = {}  # by lower-case name
        self.selected: str | None = None
        self.busy: dict[str, str] = {}  # key (group key, "create", ...) -> what is running
        self.secure_env: dict[str, str] = {}

    # ------------------------------------------------------------------ reading
    def list_call(self) -> str:
        """The SDK call a refresh makes, as shown to the learner."""
        first = (f"s.aci.container_groups.list_by_resource_group({self.scope!r})" if self.scope
                 else "s.aci.container_groups.list()")
        return first + " then .get(resource_group, name) for each group"

    def refresh(self) -> bool:
        """List resource groups and container groups again (``get`` each for its state).

        Raises the SDK's error, changing nothing, when a request fails. Returns True when
        the selected group is gone (deleted, or outside the filter) and was unselected."""
        aci = self.session.aci
        rgs = {rg.name.lower(): ResourceGroupInfo(rg.name, dict(rg.tags or {}))
               for rg in self.session.resources.resource_groups.list()}
        listed = list(aci.container_groups.list_by_resource_group(self.scope) if self.scope
                      else aci.container_groups.list())
        rows: dict[str, GroupRow] = {}
        for g in listed:
            try:
                # A list result carries no instance view, so no state: get each group.
                row = GroupRow.of(aci.container_groups.get(resource_group_of(g.id), g.name))
            except ResourceNotFoundError:
                continue  # deleted between list and get
            rows[row.key] = row
        self.resource_groups, self.groups = rgs, rows
        if self.selected and self.selected not in rows:
            self.selected = None
            return True
        return False

    def scope_names(self) -> list[str]:
        """Resource-group names for the filter (the current one kept even if just deleted)."""
        names = sorted((rg.name for rg in self.resource_groups.values()), key=str.lower)
        if self.scope and self.scope not in names:
            names.append(self.scope)
        return names

    def visible_rows(self) -> list[GroupRow]:
        """The groups the table shows now: filtered by text and state, then sorted."""
        text, state = self.text.strip(), self.state_filter
        rows = [r for r in self.groups.values()
                if (not state or r.state == state) and (not text or r.matches(text))]
        return sorted(rows, key=SORT_KEYS[self.sort_by], reverse=self.sort_desc)

    @property
    def selected_row(self) -> GroupRow | None:
        """The selected group's row, if any."""
        return self.groups.get(self.selected or "")

    def select(self, key: str | None) -> str | None:
        """Select a group by key (its ARM id, any case); return the ``get`` call to show.

        Reads the group again; raises the SDK's error (the selection stays)."""
        self.selected = key.lower() if key else None
        row = self.selected_row
        if row is None:
            return None
        self.reread(row.key)
        return f"s.aci.container_groups.get({row.resource_group!r}, {row.name!r})"

    def reread(self, key: str) -> GroupRow:
        """``get`` one group again and keep its new row."""
        row = self.groups[key]
        self.groups[key] = GroupRow.of(
            self.session.aci.container_groups.get(row.resource_group, row.name))
        return self.groups[key]

    def logs(self, container: str, tail: int | None, timestamps: bool) -> tuple[str, str]:
        """(the call, the log text) of one container of the selected group."""
        row = self.selected_row
        if row is None:
            raise NotNow("Select a group first.")
        args = f"{row.resource_group!r}, {row.name!r}, {container!r}"
        args += f", tail={tail}" if tail else ""
        args += ", timestamps=True" if timestamps else ""
        logs = self.session.aci.containers.list_logs(
            row.resource_group, row.name, container, tail=tail, timestamps=timestamps or None)
        return f"s.aci.containers.list_logs({args})", logs.content or ""

    # ------------------------------------------------------------------ what may be pressed
    def buttons(self, confirm_text: str = "") -> Buttons:
        """Which buttons are disabled: none without a selection, none while it is busy."""
        row = self.selected_row
        busy = row is not None and row.key in self.busy
        stopped = row is not None and row.state == "Stopped"
        return Buttons(start=row is None or busy or not stopped,
                       stop=row is None or busy or stopped,
                       restart=row is None or busy or stopped,
                       delete=row is None or busy,
                       delete_confirm=row is None or busy or confirm_text.strip() != row.name,
                       create="create" in self.busy)

    def call_of(self, action: str) -> str:
        """The SDK call a details button makes on the selected group (its tooltip)."""
        row = self.selected_row
        if row is None:
            return "select a group first"
        return f"s.aci.container_groups.{ACTIONS[action]}({row.resource_group!r}, {row.name!r})"

    # ------------------------------------------------------------------ acting
    def check_ready(self) -> GroupRow:
        row = self.selected_row
        if row is None:
            raise NotNow("Select a group first.")
        if row.key in self.busy:  # Button.click() runs handlers even when disabled
            raise NotNow(f"Wait: {self.busy[row.key]} is still running.")
        return row

    def action(self, action: str) -> Action:
        """Start, stop or restart the selected group (raises :class:`NotNow`)."""
        row = self.check_ready()
        cg = self.session.aci.container_groups
        rg, name = row.resource_group, row.name
        start: Callable[[], Any] = {"start": lambda: cg.begin_start(rg, name),
                                    "stop": lambda: cg.stop(rg, name),
                                    "restart": lambda: cg.begin_restart(rg, name)}[action]
        return Action(row.key, f"{action} {name}", self.call_of(action), start)

    def delete(self, confirm_text: str) -> Action:
        """Delete the selected group, only when ``confirm_text`` is its name."""
        row = self.selected_row
        if row is None or confirm_text.strip() != row.name:
            raise NotNow("Nothing was deleted: press Delete…, then type the group's name "
                         "to confirm.")
        row = self.check_ready()
        cg = self.session.aci.container_groups
        rg, name = row.resource_group, row.name
        return Action(row.key, f"delete {name}", self.call_of("delete"),
                      lambda: cg.begin_delete(rg, name))

    def deleted(self, key: str) -> None:
        """Forget the selection of a group deleted on purpose."""
        if self.selected == key:
            self.selected = None

    def form_group(self, form: CreateForm) -> tuple[str, str, Any, str]:
        """The ContainerGroup the form describes; raises ValueError for what the form can tell."""
        from azure.mgmt.containerinstance.models import (  # noqa: PLC0415
            Container, ContainerGroup, ContainerPort, OperatingSystemTypes)

        from ..builders import environment, public_ip, resources, tutorial_tags  # noqa: PLC0415

        name, rg, image = form.name.strip(), form.resource_group.strip(), form.image.strip()
        if not name or not rg or not image:
            raise ValueError("Name, resource group and image are required.")
        plain: dict[str, str] = {}
        for n, line in enumerate(form.environment.splitlines(), 1):
            if not line.strip():
                continue
            if "=" not in line:
                raise ValueError(f"Environment line {n} is not NAME=value: {line.strip()!r}")
            k, v = line.split("=", 1)
            plain[k.strip()] = v.strip()
        try:
            command = shlex.split(form.command) or None
        except ValueError as err:
            raise ValueError(f"Command: {err}") from None
        port, dns = form.port, form.dns_label.strip() or None
        if dns and not port:
            raise ValueError("A DNS name label needs a public IP address: give a port.")
        container = Container(
            name=name, image=image, resources=resources(form.cpu, form.memory_gb),
            ports=[ContainerPort(port=port)] if port else None, command=command,
            environment_variables=environment(plain, dict(self.secure_env)) or None)
        group = ContainerGroup(
            location=self.session.location, containers=[container],
            os_type=OperatingSystemTypes.LINUX, restart_policy=form.restart_policy,
            ip_address=public_ip([port], dns) if port else None, tags=tutorial_tags())
        return rg, name, group, f"s.aci.container_groups.begin_create_or_update({rg!r}, {name!r}, group)"

    def create(self, form: CreateForm) -> Action:
        """Create the form's group (raises ValueError for the form, NotNow while one runs)."""
        if "create" in self.busy:
            raise NotNow("A create is already running.")
        rg, name, group, call = self.form_group(form)
        session = self.session

        def start() -> Any:
            """Send the create; the tutorial's own resource group is ensured first."""
            if rg == session.resource_group:
                from ..session import ensure_resource_group  # noqa: PLC0415

                ensure_resource_group(session)  # the tutorial's own group, tagged for cleanup
            return session.aci.container_groups.begin_create_or_update(rg, name, group)

        return Action("create", f"create {name}", call, start)

    # ------------------------------------------------------------------ the trainer's view
    def workshops(self) -> list[str]:
        """The workshop ids carried by resource groups (``aci-tutorial workshop setup``)."""
        return sorted({rg.tags[WORKSHOP_TAG] for rg in self.resource_groups.values()
                       if rg.tags.get(WORKSHOP_TAG)})

    def participants(self, workshop: str) -> list[Participant]:
        """The participants of ``workshop``, each with the container groups in their group."""
        people: dict[str, Participant] = {}
        for key, rg in self.resource_groups.items():
            if rg.tags.get(WORKSHOP_TAG) == workshop:
                people[key] = Participant(rg.tags.get(PARTICIPANT_TAG) or rg.name, rg.name)
        for row in self.groups.values():
            if row.resource_group.lower() in people:
                people[row.resource_group.lower()].rows.append(row)
        for p in people.values():
            p.rows.sort(key=lambda r: r.name)
        return sorted(people.values(), key=lambda p: (p.name.lower(), p.resource_group))

    def class_status(self, workshop: str) -> list[Any]:
        """The workshop as ``aci-tutorial workshop status`` reads it (the same function: the
        same cost accrued and progress), stuck longest first; it updates the cost ledger."""
        from ..trainer.status import status  # noqa: PLC0415  (the trainer's tools, lazily)

        people = status(self.session, workshop)
        return sorted(people, key=lambda p: (-(p.stuck_for() or -1), p.participant.lower()))

    def stop_workshop(self, workshop: str, confirm_text: str) -> list[Action]:
        """Stop every running group of ``workshop``, only when ``confirm_text`` is its id.

        The cost ledger is brought up to date first, so the runs it ends stay counted."""
        from ..trainer.status import status  # noqa: PLC0415

        if not workshop or confirm_text.strip() != workshop:
            raise NotNow("Nothing was stopped: type the workshop's id to confirm.")
        key = f"workshop:{workshop}"
        if key in self.busy:
            raise NotNow(f"Wait: {self.busy[key]} is still running.")
        status(self.session, workshop, force_ledger=True)
        cg = self.session.aci.container_groups
        actions = []
        for p in self.participants(workshop):
            for row in p.running:
                rg, name = row.resource_group, row.name
                actions.append(Action(row.key, f"stop {name}",
                                      f"s.aci.container_groups.stop({rg!r}, {name!r})",
                                      lambda rg=rg, name=name: cg.stop(rg, name)))
        return actions

