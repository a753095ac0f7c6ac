"""The explorer widget (ipywidgets): thin views over :class:`~.state.ExplorerState`.

Layout, top to bottom: title bar (backend, scope, Refresh, auto-refresh), filters, the
table of container groups, the selected group's details (actions, containers, events,
logs, exec and attach: ``_exec.py``), the trainer's view of a workshop and a create form.
The state makes every SDK request and decides what may be pressed; ``render`` turns it
into HTML; this module builds the widgets, keeps them in step with the state, and runs
actions.

Long operations: the request is sent in the click handler; when a kernel event loop is
running (JupyterLab, Voilà) the SDK poller is awaited in an asyncio task, so the page
stays usable and only the buttons that would conflict are disabled. Without a loop
(tests, scripts) the poller is waited for in place.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

import ipywidgets as W
from azure.core.polling import LROPoller

from ..models import GroupRow, group_state
from . import render
from ._confirm import BUTTON_STYLE, ConfirmBox
from ._exec import AttachView, ExecPanel
from ._trainer import TrainerView
from .render import CSS, HEAD_CELLS, MASK, badge, busy, error_html, esc, sdk_call
from .state import ALL, SORT_KEYS, STATES, Action, CreateForm, ExplorerState, NotNow, in_transition

__all__ = ["Explorer", "GroupRow", "MASK", "badge"]

TAILS = (("last 20 lines", 20), ("last 50 lines", 50), ("last 200 lines", 200), ("everything", 0))
INTERVALS = tuple((f"every {n} s", n) for n in (5, 10, 30, 60))
RESTART_POLICIES = ("Always", "OnFailure", "Never")
LOGS_TAB = 2  # the details' tabs: Containers, Events, Logs, Exec, Attach

# The compact columns first, the address last: it takes what is left of the row and wraps
# onto its own line when less than 220 px are left (a 1280 px JupyterLab window with the
# file browser open), so it is never off-screen; the table scrolls sideways only when even
# the compact columns do not fit.
NAME_WIDTH = "190px"
TABLE_MIN_WIDTH = "800px"
_FIELD_STYLE = {"description_width": "150px"}


def _cells_layout() -> W.Layout:
    return W.Layout(flex="1 1 auto", min_width="600px")


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Explorer(W.VBox):
    """Browse, inspect and act on container groups. See ``aci_helpers.widgets.explorer``."""

    def __init__(self, session: Any, *, resource_group: str | None = None,
                 auto_refresh: float | None = None) -> None:
        self.session = session
        self.state = ExplorerState(session, scope=resource_group or ALL)
        self.last_call: str = ""
        self._logs_call = ""  # the call that read the log the Logs tab shows
        self._rows: dict[str, tuple[W.HBox, W.Button, W.HTML]] = {}
        self._auto_task: asyncio.Task[None] | None = None
        self._quiet = False  # set while options are rewritten, so observers do not fire
        self._status_from_auto = False  # the status line shows an auto-refresh error
        self._build(resource_group, auto_refresh)
        super().__init__(children=self._layout())
        self.add_class("aci-explorer")
        self.refresh()
        self.create_name.value = self._suggest_name()
        if auto_refresh:
            self.auto_refresh.value = True

    # the state's data, under the names the explorer always had
    groups = property(lambda self: self.state.groups)
    busy = property(lambda self: self.state.busy)
    selected = property(lambda self: self.state.selected)
    _secure_env = property(lambda self: self.state.secure_env)

    def _suggest_name(self) -> str:
        from ..names import unique_name  # noqa: PLC0415

        taken = {r.name for r in self.groups.values()}
        base = unique_name("explore", self.session)  # the learner's stable name
        for n in range(1, 21):  # skip the ones in use: explore-<suffix>, then -2, -3...
            name = base if n == 1 else f"{base}-{n}"
            if name not in taken:
                break
        return name

    # ------------------------------------------------------------------ building
    def _build(self, resource_group: str | None, auto_refresh: float | None) -> None:
        s = self.session
        self.title = W.HTML(
            f'<div class="aci-top"><h2>Container groups</h2><span class="aci-sub">backend: '
            f"<b>{esc(s.backend)}</b> · subscription {esc(s.subscription_id)} · "
            f"default location {esc(s.location)}</span></div>",
            layout=W.Layout(flex="1 1 420px"))  # a narrow panel wraps the buttons below it
        self.refresh_button = W.Button(description="Refresh", icon="refresh", button_style="primary",
                                       tooltip="List the groups again (keeps the selection)",
                                       style=BUTTON_STYLE, layout=W.Layout(width="130px"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.auto_refresh = W.Checkbox(value=False, description="Auto-refresh", indent=False,
                                       layout=W.Layout(width="120px"))
        intervals = list(INTERVALS)
        if auto_refresh and auto_refresh not in [v for _, v in intervals]:
            intervals.insert(0, (f"every {auto_refresh:g} s", auto_refresh))
        self.auto_interval = W.Dropdown(options=intervals, value=auto_refresh or 10,
                                        layout=W.Layout(width="120px"))
        self.auto_refresh.observe(self._on_auto_refresh, names="value")

        self.rg_filter = W.Dropdown(options=[("All resource groups", ALL)], value=ALL,
                                    description="Resource group", style=_FIELD_STYLE,
                                    layout=W.Layout(width="360px"))
        if resource_group:
            self.rg_filter.options = [("All resource groups", ALL), (resource_group, resource_group)]
            self.rg_filter.value = resource_group
        self.rg_filter.observe(self._on_scope, names="value")
        self.text_filter = W.Text(placeholder="filter: name, image, IP, FQDN…",
                                  continuous_update=True, layout=W.Layout(width="280px"))
        self.state_filter = W.Dropdown(options=[("All states", ALL), *[(x, x) for x in STATES]],
                                       value=ALL, layout=W.Layout(width="140px"))
        self.sort_by = W.Dropdown(options=list(SORT_KEYS), value="Name", description="Sort by",
                                  style={"description_width": "60px"},
                                  layout=W.Layout(width="230px"))
        # The button names the order shown now (a toggle labelled with the other order read
        # as "descending" above an ascending table); a click reverses it.
        self.sort_desc = W.ToggleButton(value=False, layout=W.Layout(width="130px"),
                                        tooltip="click to reverse the order")
        self._label_order()
        self.sort_desc.observe(lambda _: self._label_order(), names="value")
        for w in (self.text_filter, self.state_filter, self.sort_by, self.sort_desc):
            w.observe(self._on_filter, names="value")

        self.status = W.HTML()  # the outcome of the last refresh or action
        self.progress = W.HTML()  # what is running now
        self.sdk_call = W.HTML(sdk_call("(none yet)"))
        self.table = W.VBox(layout=W.Layout(max_height="460px", overflow="auto"))
        self.table.add_class("aci-table-box")
        # Built once: a refresh (auto-refresh too) changes values, never replaces widgets,
        # so the browser redraws nothing that did not change (no flicker, no leaked models).
        self.table_head = W.HBox(
            [W.HTML("Name", layout=W.Layout(width=NAME_WIDTH, flex="0 0 auto", padding="0 0 0 8px")),
             W.HTML(HEAD_CELLS, layout=_cells_layout())],
            layout=W.Layout(min_width=TABLE_MIN_WIDTH))
        self.table_head.add_class("aci-head")
        self.table_note = W.HTML()  # the empty state, or "no group matches the filters"

        # details of the selected group
        self.details_title = W.HTML()
        self.start_button = self._action_button("Start", "play", "success", "start")
        self.stop_button = self._action_button("Stop", "stop", "warning", "stop")
        self.restart_button = self._action_button("Restart", "repeat", "info", "restart")
        self.delete_button = self._action_button("Delete…", "trash", "danger", "delete")
        self.actions = W.HBox([self.start_button, self.stop_button, self.restart_button,
                               self.delete_button], layout=W.Layout(margin="6px 0"))
        self.empty_details = W.HTML(
            '<div class="aci-empty">Select a group (click its name) to see its containers, '
            "events and logs, and to start, stop, restart or delete it.</div>")
        self.delete_box = ConfirmBox(placeholder="type the group's name",
                                     confirm="Delete permanently", icon="trash",
                                     button_width="190px", on_confirm=self._delete_confirmed,
                                     on_change=self._update_buttons)

        self.containers_html = W.HTML()
        self.events_html = W.HTML()
        self.logs_container = W.Dropdown(description="Container", style={"description_width": "80px"},
                                         layout=W.Layout(width="320px"))
        self.logs_tail = W.Dropdown(options=TAILS, value=50, layout=W.Layout(width="150px"))
        self.logs_timestamps = W.Checkbox(value=False, description="timestamps", indent=False,
                                          layout=W.Layout(width="120px"))
        self.logs_refresh = W.Button(description="Refresh logs", icon="refresh", style=BUTTON_STYLE,
                                     layout=W.Layout(width="150px"))
        self.logs_refresh.on_click(lambda _: self.load_logs())
        for w in (self.logs_container, self.logs_tail, self.logs_timestamps):
            w.observe(lambda _: self.load_logs() if not self._quiet else None, names="value")
        self.logs_html = W.HTML()
        # inside a running container: one command at a time, and its output live (_exec.py)
        self.exec_panel = ExecPanel(s, self._show_call)
        self.attach_view = AttachView(s, self._show_call)
        self.tabs = W.Tab(children=[
            self.containers_html, self.events_html,
            W.VBox([W.HBox([self.logs_container, self.logs_tail, self.logs_timestamps,
                            self.logs_refresh]), self.logs_html]),
            self.exec_panel, self.attach_view],
            titles=("Containers", "Events", "Logs", "Exec", "Attach"))
        # Opening Logs reads the log again, and the "SDK call:" line shows that call.
        self.tabs.observe(lambda change: self.load_logs() if change["new"] == LOGS_TAB else None,
                          names="selected_index")
        self.details = W.VBox(layout=W.Layout(padding="8px 0"))
        self.details.add_class("aci-details")

        self._build_form()
        self.trainer = TrainerView(self.state, self._after_trainer_action)

    def _action_button(self, label: str, icon: str, style: str, action: str) -> W.Button:
        b = W.Button(description=label, icon=icon, button_style=style, disabled=True,
                     style=BUTTON_STYLE, layout=W.Layout(width="125px"))
        b.on_click(lambda _: self._on_action(action))
        return b

    def _build_form(self) -> None:
        from ..builders import HELLOWORLD_IMAGE, SIDECAR_IMAGE, WORDCOUNT_IMAGE  # noqa: PLC0415

        s = self.session

        def field(widget: W.Widget, label: str) -> W.Widget:
            """``widget`` labelled ``label``, in the form's style and width."""
            widget.description = label
            widget.style = _FIELD_STYLE
            widget.layout = W.Layout(width="96%", max_width="540px")
            return widget

        self.create_name = field(W.Text(), "Name")  # suggested after the first refresh
        self.create_rg = field(W.Text(value=s.resource_group), "Resource group")
        self.create_image = field(W.Combobox(value=HELLOWORLD_IMAGE, ensure_option=False,
                                             options=[HELLOWORLD_IMAGE, SIDECAR_IMAGE,
                                                      WORDCOUNT_IMAGE]), "Image")
        # Not Bounded*Text: those silently clamp what was typed (400 cores became 4 and a
        # 4-core group was created). The service validates sizes and ports, and says why.
        self.create_cpu = field(W.FloatText(value=1.0, step=0.1), "CPU cores")
        self.create_memory = field(W.FloatText(value=1.5, step=0.1), "Memory (GB)")
        self.create_port = field(W.IntText(value=80), "Port (0 = none)")
        self.create_dns = field(W.Text(placeholder="optional, e.g. my-aci-demo"), "DNS name label")
        self.create_restart = field(W.Dropdown(options=RESTART_POLICIES, value="Always"),
                                    "Restart policy")
        self.create_command = field(W.Text(placeholder="optional, e.g. python wordcount.py"),
                                    "Command")
        self.create_env = field(W.Textarea(placeholder="NAME=value, one per line",
                                           rows=3), "Environment")
        self.create_secure_name = W.Text(placeholder="secure variable name", description="Secure variable",
                                         style=_FIELD_STYLE, layout=W.Layout(width="330px"))
        self.create_secure_value = W.Password(placeholder="value (never shown)",
                                              layout=W.Layout(width="180px"))
        self.create_secure_add = W.Button(description="Add", icon="lock", layout=W.Layout(width="80px"))
        self.create_secure_add.on_click(lambda _: self._add_secure())
        self.create_secure_list = W.HTML()
        self.create_secure_clear = W.Button(description="Forget secure variables", icon="times",
                                            layout=W.Layout(width="210px", display="none"))
        self.create_secure_clear.on_click(lambda _: self._clear_secure())
        self.create_button = W.Button(description="Create", icon="plus", button_style="success",
                                      style=BUTTON_STYLE, layout=W.Layout(width="140px"),
                                      tooltip="s.aci.container_groups.begin_create_or_update(...)")
        self.create_button.on_click(lambda _: self.create())
        self.create_result = W.HTML()
        column = W.Layout(flex="1 1 480px", min_width="420px")
        self.form = W.VBox([
            W.HTML("<b>A new container group</b> with one container, named like the group. "
                   "The service validates it: its own errors show below."),
            W.HBox([W.VBox([self.create_name, self.create_rg, self.create_image, self.create_cpu,
                            self.create_memory, self.create_port], layout=column),
                    W.VBox([self.create_dns, self.create_restart, self.create_command,
                            self.create_env,
                            W.HBox([self.create_secure_name, self.create_secure_value,
                                    self.create_secure_add]),
                            W.HBox([self.create_secure_list, self.create_secure_clear],
                                   layout=W.Layout(align_items="center", flex_flow="row wrap"))],
                           layout=column)],
                   layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.create_button]), self.create_result])
        self.create_section = W.Accordion(children=[self.form], titles=("+ Create a container group",),
                                          selected_index=None)

    def _layout(self) -> list[W.Widget]:
        top = W.HBox([self.title, self.auto_refresh, self.auto_interval, self.refresh_button],
                     layout=W.Layout(align_items="center", flex_flow="row wrap"))
        filters = W.HBox([self.rg_filter, self.text_filter, self.state_filter, self.sort_by,
                          self.sort_desc], layout=W.Layout(flex_flow="row wrap", align_items="center"))
        # A workshop participant (settings file role) sees no trainer section, nor Stop all.
        trainer = [] if self.session.settings.role == "participant" else [self.trainer.section]
        return [W.HTML(CSS), top, filters, self.table, self.progress, self.status, self.sdk_call,
                self.details, *trainer, self.create_section]

    def _ipython_display_(self) -> None:
        """Show the explorer, after a note that only a live explorer hides: in a notebook
        reopened later, or on a static page, the note says to run the cell again."""
        from IPython.display import display  # noqa: PLC0415

        display({"text/html": render.NEEDS_KERNEL, "text/plain": render.NEEDS_KERNEL_TEXT},
                raw=True)
        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        # The text/plain of a displayed widget: nbval compares it, so nothing volatile here.
        scope = self.rg_filter.value or "all resource groups"
        return f"Explorer(backend={self.session.backend!r}, scope={scope!r})"

    # ------------------------------------------------------------------ reading
    def refresh(self, *, background: bool = False) -> None:
        """List the groups again (``get`` each one for its state); keep the selection.

        ``background=True`` (auto-refresh) leaves the "SDK call:" line and the last action's
        outcome alone: a learner reading "Stop failed: ..." or the call a button made must
        not see it replaced a few seconds later by a refresh they did not ask for."""
        self.state.scope = self.rg_filter.value
        if not background:
            self._show_call(self.state.list_call())
        try:
            lost = self.state.refresh()
        except Exception as err:  # noqa: BLE001 - shown to the learner, the widget stays up
            self.status.value = error_html(err, "Auto-refresh" if background else "Refresh")
            self._status_from_auto = background
            return
        self._update_scope_options()
        if not background or self._status_from_auto:
            self.status.value = ""
            self._status_from_auto = False
        if lost:
            self.status.value = render.box("note", "The selected group no longer exists "
                                           "(deleted, or outside the resource-group filter).")
        self._render_table()
        self._render_details()
        self.trainer.render()

    def _update_scope_options(self) -> None:
        options = [("All resource groups", ALL), *[(n, n) for n in self.state.scope_names()]]
        if list(self.rg_filter.options) != options:
            current = self.rg_filter.value
            self._quiet = True
            try:
                self.rg_filter.options = options
                self.rg_filter.value = current
            finally:
                self._quiet = False

    def _label_order(self) -> None:
        desc = self.sort_desc.value
        self.sort_desc.description = "descending" if desc else "ascending"
        self.sort_desc.icon = "sort-amount-desc" if desc else "sort-amount-asc"

    def _on_filter(self, _: Any) -> None:
        s = self.state
        s.text, s.state_filter = self.text_filter.value, self.state_filter.value
        s.sort_by, s.sort_desc = self.sort_by.value, self.sort_desc.value
        self._render_table()

    def visible_rows(self) -> list[GroupRow]:
        """The groups the table shows now: filtered by text and state, then sorted."""
        return self.state.visible_rows()

    def row_button(self, name: str, resource_group: str | None = None) -> W.Button:
        """The table's button that selects group ``name`` (tests and notebooks)."""
        for key, (_, button, _) in self._rows.items():
            row = self.groups.get(key)
            if row and row.name == name and resource_group in (None, row.resource_group):
                return button
        raise KeyError(f"no row for container group {name!r} in the table")

    def select(self, key: str | None) -> None:
        """Select a group by key (its ARM id, any case) and read it again with ``get``."""
        self.status.value = ""  # an earlier action's outcome is about another group
        self.delete_box.hide()
        row = self.groups.get(key.lower() if key else "")
        if row is not None:
            self._show_call(f"s.aci.container_groups.get({row.resource_group!r}, {row.name!r})")
        try:
            self.state.select(key)
        except Exception as err:  # noqa: BLE001
            self.status.value = error_html(err, f"Reading {row.name if row else key}")
        self._render_table()
        self._render_details()
        if row is not None and self.tabs.selected_index == LOGS_TAB and self._logs_call:
            # the Logs tab is open: the new group's log was read too
            self._show_call(f"{self.last_call} then {self._logs_call}")

    # ------------------------------------------------------------------ rendering
    def _render_table(self) -> None:
        rows = self.visible_rows()
        children: list[W.Widget] = [self.table_head]
        for row in rows:
            children.append(self._row_widget(row))
        for key in list(self._rows):
            if key not in self.groups:
                box, button, cells = self._rows.pop(key)
                for w in (button, cells, box):
                    w.close()
        if not self.groups:
            self.table_note.value = render.empty_table(self.rg_filter.value)
            children.append(self.table_note)
        elif not rows:
            self.table_note.value = render.filtered_out(len(self.groups))
            children.append(self.table_note)
        if tuple(children) != self.table.children:
            self.table.children = tuple(children)

    def _row_widget(self, row: GroupRow) -> W.HBox:
        if row.key not in self._rows:
            button = W.Button(layout=W.Layout(width=NAME_WIDTH, flex="0 0 auto"),
                              style={"font_size": "15px", "font_weight": "bold"})
            button.on_click(lambda _, key=row.key: self.select(key))
            cells = W.HTML(layout=_cells_layout())
            # A narrow notebook scrolls the table sideways rather than crushing the names.
            box = W.HBox([button, cells], layout=W.Layout(min_width=TABLE_MIN_WIDTH))
            box.add_class("aci-row")
            self._rows[row.key] = (box, button, cells)
        box, button, cells = self._rows[row.key]
        selected = row.key == self.selected
        button.description = row.name
        button.tooltip = f"Select {row.name}"
        button.button_style = "primary" if selected else ""
        if selected:
            box.add_class("aci-row-selected")
        else:
            box.remove_class("aci-row-selected")
        cells.value = render.row_cells(row)
        return box

    def _render_details(self) -> None:
        row = self.state.selected_row
        self.exec_panel.show(row)
        self.attach_view.show(row)
        if row is None:
            if self.details.children != (self.empty_details,):
                self.details.children = (self.empty_details,)
            self._update_buttons()
            return
        g = row.group
        self.details_title.value = render.details_title(row)
        self.containers_html.value = render.containers_html(g)
        self.events_html.value = render.events_html(g)
        names = [c.name for c in g.containers]
        self._quiet = True
        try:
            keep = self.logs_container.value
            self.logs_container.options = names
            self.logs_container.value = keep if keep in names else (names[0] if names else None)
        finally:
            self._quiet = False
        children = (self.details_title, self.actions, self.delete_box, self.tabs)
        if self.details.children != children:
            self.details.children = children
        self._update_buttons()
        self.load_logs(show_call=False)

    def load_logs(self, show_call: bool = True) -> None:
        """Read the selected container's log (``containers.list_logs``) into the Logs tab."""
        container = self.logs_container.value
        if self.state.selected_row is None or not container:
            self.logs_html.value = ""
            return
        self._logs_call = ""
        try:
            call, text = self.state.logs(container, self.logs_tail.value or None,
                                         self.logs_timestamps.value)
        except Exception as err:  # noqa: BLE001
            self.logs_html.value = error_html(err, "Reading the log")
            return
        self._logs_call = call
        if show_call:
            self._show_call(call)
        self.logs_html.value = render.log_html(text, self.state.selected_row, container,
                                               self.session.backend)

    def _update_buttons(self) -> None:
        b = self.state.buttons(self.delete_box.text.value)
        self.start_button.disabled, self.stop_button.disabled = b.start, b.stop
        self.restart_button.disabled, self.delete_button.disabled = b.restart, b.delete
        self.delete_box.button.disabled = b.delete_confirm
        self.create_button.disabled = b.create
        for button, action in ((self.start_button, "start"), (self.stop_button, "stop"),
                               (self.restart_button, "restart"), (self.delete_button, "delete")):
            button.tooltip = self.state.call_of(action)

    def _show_call(self, call: str) -> None:
        self.last_call = call
        self.sdk_call.value = sdk_call(call)

    def _after_trainer_action(self, call: str) -> None:
        """The trainer's view acted: list the groups again, then show the call it made."""
        self.refresh()
        self._show_call(call)

    # ------------------------------------------------------------------ acting
    def _note(self, err: NotNow, out: W.HTML | None = None) -> None:
        (out or self.status).value = render.box("note", esc(err))

    def _on_action(self, action: str) -> None:
        try:
            if action == "delete":
                self.state.check_ready()
                self._show_delete_confirm()
                return
            act = self.state.action(action)
        except NotNow as err:
            self._note(err)
            return
        name = self.groups[act.key].name
        self.run(act, lambda _: self._done(f"{action.capitalize()} {name}: done.", act.key))

    def _show_delete_confirm(self) -> None:
        row = self.state.selected_row
        assert row is not None
        self.delete_box.ask(
            f"<b>Delete {esc(row.name)}</b> (resource group {esc(row.resource_group)})? Its "
            "containers and logs are gone for good. Type its name to confirm.")

    def _delete_confirmed(self) -> None:
        try:
            act = self.state.delete(self.delete_box.typed)
        except NotNow as err:
            self._note(err)
            return
        self.delete_box.hide()
        name = self.groups[act.key].name

        def deleted(_: Any) -> None:
            self.state.deleted(act.key)  # gone on purpose: no "no longer exists" note
            self._done(f"Deleted {name}.")

        self.run(act, deleted)

    def _add_secure(self, quiet: bool = False) -> None:
        """Move the typed secure variable into the kernel; the browser keeps only its name.

        A Password widget's value is widget state, synced to the page (and saved in the
        notebook with "Save Widget State"): it is emptied as soon as the value is taken."""
        name, value = self.create_secure_name.value.strip(), self.create_secure_value.value
        if not name:
            if not quiet:
                self.create_result.value = render.box("note", "Give the secure variable a name.")
            return
        self.state.secure_env[name] = value
        self.create_secure_name.value = ""
        self.create_secure_value.value = ""
        self._render_secure_list()

    def _clear_secure(self) -> None:
        self.state.secure_env.clear()
        self._render_secure_list()

    def _render_secure_list(self) -> None:
        self.create_secure_list.value = render.secure_list(self.state.secure_env)
        self.create_secure_clear.layout.display = "" if self.state.secure_env else "none"

    def _form(self) -> CreateForm:
        return CreateForm(
            name=self.create_name.value, resource_group=self.create_rg.value,
            image=self.create_image.value, cpu=self.create_cpu.value,
            memory_gb=self.create_memory.value, port=self.create_port.value,
            dns_label=self.create_dns.value, restart_policy=self.create_restart.value,
            command=self.create_command.value, environment=self.create_env.value)

    def create(self) -> None:
        """Send the form's group with ``begin_create_or_update``; show the service's verdict."""
        if "create" in self.busy:
            self.create_result.value = render.box("note", "A create is already running.")
            return
        # Typed but not added: the learner surely meant it. Taken now, so the value leaves
        # the browser even if the service refuses the group (the form keeps it, masked).
        self._add_secure(quiet=True)
        try:
            act = self.state.create(self._form())
        except ValueError as err:
            self.create_result.value = render.box("error", f"Form: {esc(err)}")
            return
        except NotNow as err:
            self._note(err, self.create_result)
            return
        self.create_result.value = ""
        name = act.label.removeprefix("create ")

        def done(result: Any) -> None:
            """After the create: clear the secrets, refresh, select and follow the new group."""
            self._clear_secure()
            self.create_result.value = render.box(
                "ok", f"Created <b>{esc(name)}</b> (provisioning {esc(result.provisioning_state)}).")
            self.refresh()
            self.create_name.value = self._suggest_name()
            key = (result.id or "").lower()
            if key in self.groups:
                self.select(key)
                self._follow(key)
            self._show_call(act.call)

        self.run(act, done, error_to=self.create_result)
        if "create" in self.busy:  # still running: say so where the learner is looking
            self.create_result.value = self.progress.value

    def run(self, act: Action, done: Callable[[Any], None], error_to: W.HTML | None = None) -> None:
        """Send an action's request; wait for its poller without blocking the kernel when possible."""
        out = error_to or self.status

        def fail(err: BaseException) -> None:
            """Show ``err`` where this action reports its errors."""
            out.value = error_html(err, act.label.capitalize())

        self._show_call(act.call)
        self.status.value = ""  # the last action's outcome no longer applies
        self.busy[act.key] = act.label
        self._update_buttons()
        self.progress.value = busy(f"{act.label}: sending…")
        try:
            result = act.start()
        except Exception as err:  # noqa: BLE001 - e.g. the service refused the request
            self._finish(act.key)
            fail(err)
            return
        loop = _running_loop()
        if isinstance(result, LROPoller) and not result.done() and loop is not None:
            loop.create_task(self._await_poller(act, result, done, fail))
            return
        try:
            value = result.result() if isinstance(result, LROPoller) else result
        except Exception as err:  # noqa: BLE001
            self._finish(act.key)
            fail(err)
            return
        self._finish(act.key)
        done(value)

    async def _await_poller(self, act: Action, poller: LROPoller[Any],
                            done: Callable[[Any], None], fail: Callable[[BaseException], None]) -> None:
        began = time.monotonic()
        try:
            while not poller.done():
                self.progress.value = busy(f"{act.label}: {poller.status()} "
                                           f"({time.monotonic() - began:.0f} s)")
                if act.key == "create":  # the form is far below the table: show it there too
                    self.create_result.value = self.progress.value
                await asyncio.sleep(0.5)
            value = poller.result()
        except Exception as err:  # noqa: BLE001 - a task must not die with an unshown error
            self._finish(act.key)
            fail(err)
            return
        self._finish(act.key)
        try:
            done(value)
        except Exception as err:  # noqa: BLE001
            fail(err)

    def _follow(self, key: str, timeout: float = 120.0) -> None:
        """After an action, keep re-reading a group that is still on its way (Pending...)."""
        row = self.groups.get(key)
        loop = _running_loop()
        if loop is None or row is None or not in_transition(row.group) or key in self.busy:
            return
        self.busy[key] = f"{row.name} on its way"
        self._update_buttons()
        loop.create_task(self._follow_loop(key, row.name, timeout))

    async def _follow_loop(self, key: str, name: str, timeout: float) -> None:
        began = time.monotonic()
        try:
            while time.monotonic() - began < timeout:
                await asyncio.sleep(max(1.0, float(self.session.polling_interval)))
                group = self.state.reread(key).group
                self.progress.value = busy(f"waiting for {name}: {group_state(group)} "
                                           f"({time.monotonic() - began:.0f} s)")
                if not in_transition(group):
                    break
        except Exception as err:  # noqa: BLE001 - e.g. deleted meanwhile: say so, stop following
            self.status.value = error_html(err, f"Following {name}")
        finally:
            self.busy.pop(key, None)
            self.progress.value = ""
            self._render_table()
            if self.selected == key:
                self._render_details()
            else:
                self._update_buttons()

    def _finish(self, key: str) -> None:
        self.busy.pop(key, None)
        self.progress.value = ""
        self._update_buttons()

    def _done(self, message: str, key: str | None = None) -> None:
        call = self.last_call
        self.refresh()
        self.status.value = render.box("ok", esc(message)) + self.status.value
        self._show_call(call)  # the action's call, not the refresh that followed it
        if key:
            self._follow(key)

    # ------------------------------------------------------------------ scope, auto-refresh
    def _on_scope(self, _: Any) -> None:
        if not self._quiet:
            self.refresh()

    def _on_auto_refresh(self, change: Any) -> None:
        if self._auto_task is not None:
            self._auto_task.cancel()
            self._auto_task = None
        if not change["new"]:
            return
        loop = _running_loop()
        if loop is None:
            self.status.value = render.box("note", "Auto-refresh needs a running Jupyter "
                                           "kernel; press <b>Refresh</b> instead.")
            self.auto_refresh.value = False
            return
        self._auto_task = loop.create_task(self._auto_loop())

    async def _auto_loop(self) -> None:
        while self.auto_refresh.value:
            await asyncio.sleep(float(self.auto_interval.value))
            if self.auto_refresh.value and self.comm is not None:
                try:
                    self.refresh(background=True)
                except Exception as err:  # noqa: BLE001 - keep refreshing; show, do not log to stderr
                    self.status.value = error_html(err, "Auto-refresh")
                    self._status_from_auto = True

    def close(self) -> None:
        """Stop auto-refresh and close every widget of the explorer."""
        if self._auto_task is not None:
            self._auto_task.cancel()
            self._auto_task = None
        self.attach_view.stop()
        for box, button, cells in self._rows.values():
            for w in (button, cells, box):
                w.close()
        self._rows.clear()
        super().close()
