"""The explorer widget itself (ipywidgets). Built by ``aci_helpers.widgets.explorer``.

Layout, top to bottom: title bar (backend, scope, Refresh, auto-refresh), filters, the
table of container groups, the selected group's details (actions, containers, events,
logs) and a create form. Every SDK request is made here, on ``session.aci`` /
``session.resources``, and the last one is shown on the "SDK call:" line.

Long operations: the request is sent in the click handler; when a kernel event loop is
running (JupyterLab, Voilà) the SDK poller is awaited in an asyncio task, so the page
stays usable and only the buttons that would conflict are disabled. Without a loop
(tests, scripts) the poller is waited for in place.
"""

from __future__ import annotations

import asyncio
import html
import re
import shlex
import time
from dataclasses import dataclass
from typing import Any, Callable

import ipywidgets as W
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.core.polling import LROPoller

from ..errors import AciHelpersError, explain_error

ALL = ""  # the filters' "no filter" value
STATES = ("Running", "Pending", "Stopped", "Succeeded", "Failed")
SORT_KEYS = {
    "Name": lambda r: (r.name, r.resource_group),
    "Resource group": lambda r: (r.resource_group.lower(), r.name),
    "State": lambda r: (r.state or "~", r.name),
    "Location": lambda r: (r.location or "", r.name),
    "CPU": lambda r: (r.cpu, r.name),
    "Memory": lambda r: (r.memory_gb, r.name),
}
TAILS = (("last 20 lines", 20), ("last 50 lines", 50), ("last 200 lines", 200), ("everything", 0))
INTERVALS = tuple((f"every {n} s", n) for n in (5, 10, 30, 60))
RESTART_POLICIES = ("Always", "OnFailure", "Never")
MASK = "••••••"

# (background colour, symbol): the symbol and the word carry the meaning too, so the
# badge still reads on a washed-out projector or for colour-blind learners.
BADGES: dict[str, tuple[str, str]] = {
    "Running": ("#1a7f37", "●"),
    "Succeeded": ("#0969da", "✔"),
    "Pending": ("#9a6700", "◌"), "Creating": ("#9a6700", "◌"), "Updating": ("#9a6700", "◌"),
    "Repairing": ("#9a6700", "◌"), "Waiting": ("#9a6700", "◌"),
    "Stopped": ("#57606a", "■"), "Terminated": ("#57606a", "■"),
    "Failed": ("#cf222e", "✖"), "Unhealthy": ("#cf222e", "✖"),
}

CSS = """<style>
.aci-explorer { font-size: 15px; max-width: 1500px; }
.aci-explorer .widget-html-content { line-height: 1.45; }
.aci-explorer .aci-top h2 { margin: 0; font-size: 24px; }
.aci-explorer .aci-sub { opacity: .8; }
.aci-explorer .lm-TabBar-tab, .aci-explorer .p-TabBar-tab { font-size: 15px; min-width: 130px; }
.aci-explorer .lm-TabBar-tab.lm-mod-current, .aci-explorer .p-TabBar-tab.p-mod-current {
  font-weight: 700; }
.aci-explorer .jupyter-widget-Collapse-header { font-size: 16px; font-weight: 700; }
.aci-explorer .aci-sdk code { font-size: 14px; background: rgba(128,128,128,.15);
  padding: 2px 6px; border-radius: 4px; }
.aci-explorer .aci-head { font-weight: 700; border-bottom: 2px solid rgba(128,128,128,.6); }
.aci-explorer .aci-row { border-bottom: 1px solid rgba(128,128,128,.3); align-items: center; }
.aci-explorer .aci-row-selected { background: rgba(9,105,218,.16);
  box-shadow: inset 5px 0 0 #0969da; }
.aci-explorer .aci-cells { display: flex; align-items: center; }
.aci-explorer .aci-cells > span { padding: 0 8px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.aci-explorer .aci-cells > span { flex: 0 0 auto; }
.aci-explorer .c-rg { width: 140px; } .aci-explorer .c-state { width: 125px; }
.aci-explorer .c-loc { width: 85px; } .aci-explorer .c-rp { width: 85px; }
.aci-explorer .c-cpu { width: 50px; text-align: right; }
.aci-explorer .c-mem { width: 70px; text-align: right; }
.aci-explorer .aci-cells > .c-addr { flex: 1 1 auto; width: 200px; }
.aci-explorer .aci-badge { display: inline-block; padding: 1px 10px; border-radius: 12px;
  color: #fff; font-weight: 700; font-size: 14px; line-height: 22px; white-space: nowrap; }
.aci-explorer .aci-badge-none { color: inherit; border: 1px dashed rgba(128,128,128,.8); }
.aci-explorer table.aci-table { border-collapse: collapse; width: 100%; }
.aci-explorer table.aci-table th, .aci-explorer table.aci-table td { text-align: left;
  padding: 5px 10px; border-bottom: 1px solid rgba(128,128,128,.3); vertical-align: top; }
.aci-explorer .aci-empty { padding: 18px; border: 2px dashed rgba(128,128,128,.5);
  border-radius: 8px; margin: 8px 0; }
.aci-explorer .aci-error { border-left: 6px solid #cf222e; background: rgba(207,34,46,.1);
  padding: 8px 12px; border-radius: 4px; }
.aci-explorer .aci-ok { border-left: 6px solid #1a7f37; background: rgba(26,127,55,.1);
  padding: 8px 12px; border-radius: 4px; }
.aci-explorer .aci-note { border-left: 6px solid #9a6700; background: rgba(154,103,0,.1);
  padding: 8px 12px; border-radius: 4px; }
.aci-explorer .aci-busy { border-left: 6px solid #0969da; background: rgba(9,105,218,.1);
  padding: 8px 12px; border-radius: 4px; }
/* ipywidgets only fades a disabled button (opacity .6): on a projector a faded orange
   Stop still reads as a button to press. Grey it out and strike the cursor. */
.aci-explorer .jupyter-button:disabled { filter: grayscale(1); opacity: .45; cursor: not-allowed; }
.aci-explorer .aci-spin { display: inline-block; animation: aci-spin 1s linear infinite; }
@keyframes aci-spin { to { transform: rotate(360deg); } }
.aci-explorer .aci-timeline { border-left: 3px solid rgba(128,128,128,.5); margin-left: 8px; }
.aci-explorer .aci-ev { padding: 3px 0 3px 14px; position: relative; }
.aci-explorer .aci-ev::before { content: ""; position: absolute; left: -8px; top: 10px;
  width: 13px; height: 13px; border-radius: 50%; background: #0969da; }
.aci-explorer .aci-ev-warning::before { background: #cf222e; }
.aci-explorer .aci-ev .t { font-family: monospace; opacity: .8; margin-right: 8px; }
.aci-explorer .aci-tag { font-size: 12px; font-weight: 700; padding: 0 6px; border-radius: 8px;
  border: 1px solid currentColor; margin-left: 6px; }
.aci-explorer .aci-log-box { display: flex; flex-direction: column-reverse; max-height: 340px;
  overflow: auto; border-radius: 6px; }  /* column-reverse: opens (and stays) at the newest line */
.aci-explorer pre.aci-log { margin: 0; padding: 10px; flex: 0 0 auto;
  font-family: var(--jp-code-font-family, monospace);
  background: rgba(128,128,128,.12); border-radius: 6px; font-size: 14px; line-height: 1.35; }
</style>"""

_BUTTON_STYLE = {"font_size": "15px"}
# The compact columns first, the address (long, clipped with "…") last: in a 1280 px
# JupyterLab window with the file browser open, name to memory fit without scrolling.
NAME_WIDTH = "190px"
TABLE_MIN_WIDTH = "1060px"


def _cells_layout() -> W.Layout:
    return W.Layout(flex="1 1 auto", min_width="800px")
_FIELD_STYLE = {"description_width": "150px"}


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def badge(state: str | None) -> str:
    """HTML for a state badge: colour, symbol and the state's name."""
    if not state:
        return '<span class="aci-badge aci-badge-none">? unknown</span>'
    colour, symbol = BADGES.get(state, ("#57606a", "•"))
    return (f'<span class="aci-badge aci-state-{_esc(state).lower()}" '
            f'style="background:{colour}">{symbol} {_esc(state)}</span>')


def _sdk(call: str) -> str:
    return f'<span class="aci-sdk"><b>SDK call:</b> <code>{_esc(call)}</code></span>'


def _enum(value: Any) -> Any:
    return getattr(value, "value", value)


def _rg_of(resource_id: str | None) -> str:
    m = re.search(r"/resourceGroups/([^/]+)", resource_id or "", re.I)
    return m.group(1) if m else ""


def _group_state(group: Any) -> str | None:
    if group.instance_view is not None and group.instance_view.state:
        return group.instance_view.state
    return group.provisioning_state


def _in_transition(group: Any) -> bool:
    """Still on its way to a final state: pending, or a container waiting to start."""
    if _group_state(group) in ("Pending", "Creating", "Updating", "Repairing"):
        return True
    return any(c.instance_view is not None and c.instance_view.current_state is not None
               and c.instance_view.current_state.state == "Waiting" for c in group.containers)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _error_html(err: BaseException, what: str) -> str:
    """ARM code, HTTP status, the service's message as sent, and a hint."""
    if isinstance(err, (HttpResponseError, AciHelpersError, ClientAuthenticationError)):
        e = explain_error(err)
        head = f"<b>{_esc(e.code or 'Error')}</b>" + (f" (HTTP {e.status})" if e.status else "")
        hint = f"<br><i>Hint:</i> {_esc(e.hint)}" if e.hint else ""
        return (f'<div class="aci-error">{_esc(what)} failed: {head}<br>'
                f'<span class="aci-error-message">{_esc(e.message)}</span>{hint}</div>')
    return (f'<div class="aci-error">{_esc(what)} failed: <b>{_esc(type(err).__name__)}</b>'
            f"<br>{_esc(err)}</div>")


@dataclass
class GroupRow:
    """One container group as the table shows it (from a ``get``, so it has a state)."""

    key: str  # the ARM id in lower case: names repeat across resource groups
    name: str
    resource_group: str
    state: str | None
    location: str
    ip: str | None
    fqdn: str | None
    restart_policy: str
    cpu: float
    memory_gb: float
    images: str
    group: Any

    @classmethod
    def of(cls, g: Any) -> "GroupRow":
        """The row of an SDK container group (CPU and memory summed over its containers)."""
        cpu = sum((c.resources.requests.cpu or 0) for c in g.containers if c.resources)
        mem = sum((c.resources.requests.memory_in_gb or 0) for c in g.containers if c.resources)
        ip = g.ip_address
        return cls(key=(g.id or g.name).lower(), name=g.name, resource_group=_rg_of(g.id),
                   state=_group_state(g), location=g.location or "",
                   ip=ip.ip if ip else None, fqdn=ip.fqdn if ip else None,
                   restart_policy=str(_enum(g.restart_policy) or ""), cpu=float(cpu),
                   memory_gb=float(mem), images=" ".join(c.image or "" for c in g.containers),
                   group=g)

    def matches(self, text: str) -> bool:
        """True when each word of ``text`` occurs in the row's text fields (case-insensitive)."""
        hay = " ".join(str(v or "") for v in (self.name, self.resource_group, self.state,
                                              self.location, self.ip, self.fqdn, self.images))
        return all(word in hay.lower() for word in text.lower().split())


class Explorer(W.VBox):
    """Browse, inspect and act on container groups. See ``aci_helpers.widgets.explorer``."""

    def __init__(self, session: Any, *, resource_group: str | None = None,
                 auto_refresh: float | None = None) -> None:
        self.session = session
        self.groups: dict[str, GroupRow] = {}
        self.selected: str | None = None
        self.busy: dict[str, str] = {}  # key (group key or "create") -> what is running
        self.last_call: str = ""
        self._rows: dict[str, tuple[W.HBox, W.Button, W.HTML]] = {}
        self._auto_task: asyncio.Task[None] | None = None
        self._quiet = False  # set while options are rewritten, so observers do not fire
        self._secure_env: dict[str, str] = {}
        self._status_from_auto = False  # the status line shows an auto-refresh error
        self._build(resource_group, auto_refresh)
        super().__init__(children=self._layout())
        self.add_class("aci-explorer")
        self.refresh()
        self.create_name.value = self._suggest_name()
        if auto_refresh:
            self.auto_refresh.value = True

    def _suggest_name(self) -> str:
        from ..names import unique_name  # noqa: PLC0415

        taken = {r.name for r in self.groups.values()}
        name = unique_name("explore", self.session)
        for _ in range(20):  # seeded names repeat across kernels: skip the ones in use
            if name not in taken:
                break
            name = unique_name("explore", self.session)
        return name

    # ------------------------------------------------------------------ building
    def _build(self, resource_group: str | None, auto_refresh: float | None) -> None:
        s = self.session
        self.title = W.HTML(
            f'<div class="aci-top"><h2>Container groups</h2><span class="aci-sub">backend: '
            f"<b>{_esc(s.backend)}</b> · subscription {_esc(s.subscription_id)} · "
            f"default location {_esc(s.location)}</span></div>",
            layout=W.Layout(flex="1 1 420px"))  # a narrow panel wraps the buttons below it
        self.refresh_button = W.Button(description="Refresh", icon="refresh", button_style="primary",
                                       tooltip="List the groups again (keeps the selection)",
                                       style=_BUTTON_STYLE, layout=W.Layout(width="130px"))
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
        self.sort_desc = W.ToggleButton(value=False, description="descending", icon="sort-amount-desc",
                                        layout=W.Layout(width="130px"))
        for w in (self.text_filter, self.state_filter, self.sort_by, self.sort_desc):
            w.observe(lambda _: self._render_table(), names="value")

        self.status = W.HTML()  # the outcome of the last refresh or action
        self.progress = W.HTML()  # what is running now
        self.sdk_call = W.HTML(_sdk("(none yet)"))
        self.table = W.VBox(layout=W.Layout(max_height="460px", overflow="auto"))
        self.table.add_class("aci-table-box")
        # Built once: a refresh (auto-refresh too) changes values, never replaces widgets,
        # so the browser redraws nothing that did not change (no flicker, no leaked models).
        self.table_head = W.HBox(
            [W.HTML("Name", layout=W.Layout(width=NAME_WIDTH, flex="0 0 auto", padding="0 0 0 8px")),
             W.HTML('<div class="aci-cells"><span class="c-rg">Resource group</span>'
                    '<span class="c-state">State</span><span class="c-loc">Location</span>'
                    '<span class="c-rp">Restart</span><span class="c-cpu">CPU</span>'
                    '<span class="c-mem">Memory</span><span class="c-addr">IP address / FQDN</span>'
                    "</div>", layout=_cells_layout())],
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
        self.delete_confirm_text = W.Text(placeholder="type the group's name",
                                          continuous_update=True, layout=W.Layout(width="240px"))
        self.delete_confirm_button = W.Button(description="Delete permanently", icon="trash",
                                              button_style="danger", disabled=True,
                                              style=_BUTTON_STYLE, layout=W.Layout(width="190px"))
        self.delete_cancel_button = W.Button(description="Cancel", style=_BUTTON_STYLE)
        self.delete_prompt = W.HTML()
        self.delete_confirm_text.observe(self._on_confirm_text, names="value")
        self.delete_confirm_button.on_click(lambda _: self._delete_confirmed())
        self.delete_cancel_button.on_click(lambda _: self._hide_delete_confirm())
        self.delete_box = W.VBox([self.delete_prompt, W.HBox(
            [self.delete_confirm_text, self.delete_confirm_button, self.delete_cancel_button])],
            layout=W.Layout(display="none", padding="6px", border="2px solid #cf222e"))

        self.containers_html = W.HTML()
        self.events_html = W.HTML()
        self.logs_container = W.Dropdown(description="Container", style={"description_width": "80px"},
                                         layout=W.Layout(width="320px"))
        self.logs_tail = W.Dropdown(options=TAILS, value=50, layout=W.Layout(width="150px"))
        self.logs_timestamps = W.Checkbox(value=False, description="timestamps", indent=False,
                                          layout=W.Layout(width="120px"))
        self.logs_refresh = W.Button(description="Refresh logs", icon="refresh", style=_BUTTON_STYLE,
                                     layout=W.Layout(width="150px"))
        self.logs_refresh.on_click(lambda _: self.load_logs())
        for w in (self.logs_container, self.logs_tail, self.logs_timestamps):
            w.observe(lambda _: self.load_logs() if not self._quiet else None, names="value")
        self.logs_html = W.HTML()
        self.tabs = W.Tab(children=[
            self.containers_html, self.events_html,
            W.VBox([W.HBox([self.logs_container, self.logs_tail, self.logs_timestamps,
                            self.logs_refresh]), self.logs_html])],
            titles=("Containers", "Events", "Logs"))
        self.details = W.VBox(layout=W.Layout(padding="8px 0"))
        self.details.add_class("aci-details")

        self._build_form()

    def _action_button(self, label: str, icon: str, style: str, action: str) -> W.Button:
        b = W.Button(description=label, icon=icon, button_style=style, disabled=True,
                     style=_BUTTON_STYLE, layout=W.Layout(width="125px"))
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
                                      style=_BUTTON_STYLE, layout=W.Layout(width="140px"),
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
        return [W.HTML(CSS), top, filters, self.table, self.progress, self.status, self.sdk_call,
                self.details, self.create_section]

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
        aci = self.session.aci
        scope = self.rg_filter.value
        call = (f"s.aci.container_groups.list_by_resource_group({scope!r})" if scope
                else "s.aci.container_groups.list()")
        if not background:
            self._show_call(call + " then .get(resource_group, name) for each group")
        try:
            self._update_scope_options()
            listed = list(aci.container_groups.list_by_resource_group(scope) if scope
                          else aci.container_groups.list())
            rows: dict[str, GroupRow] = {}
            for g in listed:
                try:
                    # A list result carries no instance view, so no state: get each group.
                    row = GroupRow.of(aci.container_groups.get(_rg_of(g.id), g.name))
                except ResourceNotFoundError:
                    continue  # deleted between list and get
                rows[row.key] = row
        except Exception as err:  # noqa: BLE001 - shown to the learner, the widget stays up
            self.status.value = _error_html(err, "Auto-refresh" if background else "Refresh")
            self._status_from_auto = background
            return
        self.groups = rows
        if not background or self._status_from_auto:
            self.status.value = ""
            self._status_from_auto = False
        if self.selected and self.selected not in rows:
            self.status.value = ('<div class="aci-note">The selected group no longer exists '
                                 "(deleted, or outside the resource-group filter).</div>")
            self.selected = None
        self._render_table()
        self._render_details()

    def _update_scope_options(self) -> None:
        names = sorted((rg.name for rg in self.session.resources.resource_groups.list()), key=str.lower)
        current = self.rg_filter.value
        if current and current not in names:
            names.append(current)  # keep a filter on a group that was just deleted
        options = [("All resource groups", ALL), *[(n, n) for n in names]]
        if list(self.rg_filter.options) != options:
            self._quiet = True
            try:
                self.rg_filter.options = options
                self.rg_filter.value = current
            finally:
                self._quiet = False

    def visible_rows(self) -> list[GroupRow]:
        """The groups the table shows now: filtered by text and state, then sorted."""
        text, state = self.text_filter.value.strip(), self.state_filter.value
        rows = [r for r in self.groups.values()
                if (not state or r.state == state) and (not text or r.matches(text))]
        return sorted(rows, key=SORT_KEYS[self.sort_by.value], reverse=self.sort_desc.value)

    def row_button(self, name: str, resource_group: str | None = None) -> W.Button:
        """The table's button that selects group ``name`` (tests and notebooks)."""
        for key, (_, button, _) in self._rows.items():
            row = self.groups.get(key)
            if row and row.name == name and resource_group in (None, row.resource_group):
                return button
        raise KeyError(f"no row for container group {name!r} in the table")

    def select(self, key: str | None) -> None:
        """Select a group by key (its ARM id, any case) and read it again with ``get``."""
        self.selected = key.lower() if key else None
        self.status.value = ""  # an earlier action's outcome is about another group
        self._hide_delete_confirm()
        if self.selected in self.groups:
            row = self.groups[self.selected]
            self._show_call(f"s.aci.container_groups.get({row.resource_group!r}, {row.name!r})")
            try:
                self.groups[self.selected] = GroupRow.of(
                    self.session.aci.container_groups.get(row.resource_group, row.name))
            except Exception as err:  # noqa: BLE001
                self.status.value = _error_html(err, f"Reading {row.name}")
        self._render_table()
        self._render_details()

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
            scope = f"resource group {self.rg_filter.value}" if self.rg_filter.value else "this subscription"
            self.table_note.value = (
                f'<div class="aci-empty"><b>No container groups in {_esc(scope)} yet.</b><br>'
                "Create one with the <b>+ Create a container group</b> form below (or run "
                "notebook 01), then press <b>Refresh</b>.</div>")
            children.append(self.table_note)
        elif not rows:
            self.table_note.value = (
                f'<div class="aci-empty"><b>No group matches the filters</b> '
                f"({len(self.groups)} hidden). Clear the text filter or choose "
                "<b>All states</b>.</div>")
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
        addr = " · ".join(_esc(x) for x in (row.ip, row.fqdn) if x) or "—"
        cells.value = (f'<div class="aci-cells"><span class="c-rg" title="{_esc(row.resource_group)}">'
                       f'{_esc(row.resource_group)}</span>'
                       f'<span class="c-state">{badge(row.state)}</span>'
                       f'<span class="c-loc">{_esc(row.location)}</span>'
                       f'<span class="c-rp">{_esc(row.restart_policy)}</span>'
                       f'<span class="c-cpu">{row.cpu:g}</span>'
                       f'<span class="c-mem">{row.memory_gb:g} GB</span>'
                       f'<span class="c-addr" title="{addr}">{addr}</span></div>')
        return box

    def _render_details(self) -> None:
        row = self.groups.get(self.selected or "")
        if row is None:
            if self.details.children != (self.empty_details,):
                self.details.children = (self.empty_details,)
            self._update_buttons()
            return
        g = row.group
        addr = ""
        if row.ip or row.fqdn:
            ports = ", ".join(str(p.port) for p in (g.ip_address.ports or []))
            addr = (f" · IP <b>{_esc(row.ip or 'not yet')}</b>"
                    + (f" · FQDN <b>{_esc(row.fqdn)}</b>" if row.fqdn else "")
                    + (f" · ports {_esc(ports)}" if ports else ""))
        self.details_title.value = (
            f'<div><span style="font-size:22px;font-weight:700">{_esc(row.name)}</span> '
            f"{badge(row.state)}</div><div>resource group <b>{_esc(row.resource_group)}</b> · "
            f"{_esc(row.location)} · restart policy <b>{_esc(row.restart_policy)}</b> · "
            f"{row.cpu:g} CPU, {row.memory_gb:g} GB · provisioning "
            f"{_esc(g.provisioning_state)}{addr}</div>")
        self.containers_html.value = self._containers_html(g)
        self.events_html.value = self._events_html(g)
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

    @staticmethod
    def _containers_html(g: Any) -> str:
        rows = []
        for c in g.containers:
            view = c.instance_view
            cur = view.current_state if view is not None else None
            req = c.resources.requests if c.resources else None
            env = []
            for e in c.environment_variables or []:
                # The service never returns a secure value (name only); mask it anyway, in
                # case a locally built model is shown.
                if e.secure_value is not None or e.value is None:
                    env.append(f'{_esc(e.name)} = <span class="aci-secure">{MASK}</span>'
                               '<span class="aci-tag">secure</span>')
                else:
                    env.append(f"{_esc(e.name)} = {_esc(e.value)}")
            cmd = " ".join(shlex.quote(x) for x in c.command) if c.command else "(image default)"
            rows.append(
                f"<tr><td><b>{_esc(c.name)}</b></td><td>{_esc(c.image)}</td>"
                f"<td>{badge(cur.state) if cur else '<i>no state</i>'}"
                f"{'<br>' + _esc(cur.detail_status) if cur and cur.detail_status else ''}</td>"
                f"<td>{_esc(view.restart_count if view else '—')}</td>"
                f"<td>{_esc(cur.exit_code if cur and cur.exit_code is not None else '—')}</td>"
                f"<td>{(req.cpu if req else 0):g} CPU, {(req.memory_in_gb if req else 0):g} GB</td>"
                f"<td><code>{_esc(cmd)}</code></td>"
                f"<td>{'<br>'.join(env) or '—'}</td></tr>")
        note = ("" if any(c.instance_view for c in g.containers) else
                "<p><i>No container details: the group is stopped or not started yet.</i></p>")
        return ('<table class="aci-table aci-containers"><tr><th>Container</th><th>Image</th>'
                "<th>State</th><th>Restarts</th><th>Exit code</th><th>Resources</th>"
                f"<th>Command</th><th>Environment</th></tr>{''.join(rows)}</table>{note}")

    @staticmethod
    def _events_html(g: Any) -> str:
        items: list[tuple[Any, int, str]] = []
        sources = [("group", g.instance_view.events if g.instance_view else None)]
        sources += [(c.name, c.instance_view.events if c.instance_view else None) for c in g.containers]
        for who, events in sources:
            for e in events or []:
                t = e.first_timestamp or e.last_timestamp
                when = t.strftime("%Y-%m-%d %H:%M:%S") if t else "—"
                warn = (e.type or "").lower() == "warning"
                count = f" <i>×{e.count}</i>" if e.count and e.count > 1 else ""
                tag = '<span class="aci-tag" style="color:#cf222e">⚠ Warning</span>' if warn else ""
                html_ = (f'<div class="aci-ev{" aci-ev-warning" if warn else ""}">'
                         f'<span class="t">{when}</span><b>{_esc(e.name)}</b>{tag} '
                         f"<i>{_esc(who)}</i>: {_esc(e.message)}{count}</div>")
                items.append((t.timestamp() if t else float("inf"), len(items), html_))
        if not items:
            return '<div class="aci-empty">No events yet.</div>'
        return '<div class="aci-timeline">' + "".join(h for *_, h in sorted(items)) + "</div>"

    def load_logs(self, show_call: bool = True) -> None:
        """Read the selected container's log (``containers.list_logs``) into the Logs tab."""
        row = self.groups.get(self.selected or "")
        container = self.logs_container.value
        if row is None or not container:
            self.logs_html.value = ""
            return
        tail = self.logs_tail.value or None
        args = f"{row.resource_group!r}, {row.name!r}, {container!r}"
        args += f", tail={tail}" if tail else ""
        args += ", timestamps=True" if self.logs_timestamps.value else ""
        if show_call:
            self._show_call(f"s.aci.containers.list_logs({args})")
        try:
            logs = self.session.aci.containers.list_logs(
                row.resource_group, row.name, container, tail=tail,
                timestamps=self.logs_timestamps.value or None)
        except Exception as err:  # noqa: BLE001
            self.logs_html.value = _error_html(err, "Reading the log")
            return
        text = logs.content or ""
        self.logs_html.value = (f'<div class="aci-log-box"><pre class="aci-log">{_esc(text)}</pre></div>'
                                if text else
                                '<div class="aci-empty">Nothing printed yet.</div>')

    def _update_buttons(self) -> None:
        row = self.groups.get(self.selected or "")
        busy = row is not None and row.key in self.busy
        stopped = row is not None and row.state == "Stopped"
        self.start_button.disabled = row is None or busy or not stopped
        self.stop_button.disabled = row is None or busy or stopped
        self.restart_button.disabled = row is None or busy or stopped
        self.delete_button.disabled = row is None or busy
        self.delete_confirm_button.disabled = (
            row is None or busy or self.delete_confirm_text.value.strip() != row.name)
        self.create_button.disabled = "create" in self.busy
        for b, call in ((self.start_button, "begin_start"), (self.stop_button, "stop"),
                        (self.restart_button, "begin_restart"), (self.delete_button, "begin_delete")):
            b.tooltip = (f"s.aci.container_groups.{call}({row.resource_group!r}, {row.name!r})"
                         if row else "select a group first")

    def _show_call(self, call: str) -> None:
        self.last_call = call
        self.sdk_call.value = _sdk(call)

    # ------------------------------------------------------------------ acting
    def _on_action(self, action: str) -> None:
        row = self.groups.get(self.selected or "")
        if row is None:
            self.status.value = '<div class="aci-note">Select a group first.</div>'
            return
        if row.key in self.busy:  # Button.click() runs handlers even when disabled
            self.status.value = (f'<div class="aci-note">Wait: {_esc(self.busy[row.key])} is '
                                 "still running.</div>")
            return
        if action == "delete":
            self._show_delete_confirm(row)
            return
        cg = self.session.aci.container_groups
        rg, name = row.resource_group, row.name
        start: Callable[[], Any] = {"start": lambda: cg.begin_start(rg, name),
                                    "stop": lambda: cg.stop(rg, name),
                                    "restart": lambda: cg.begin_restart(rg, name)}[action]
        call = {"start": "begin_start", "stop": "stop", "restart": "begin_restart"}[action]
        self._run(row.key, f"{action} {name}", f"s.aci.container_groups.{call}({rg!r}, {name!r})",
                  start, lambda _: self._done(f"{action.capitalize()} {name}: done.", row.key))

    def _show_delete_confirm(self, row: GroupRow) -> None:
        self.delete_prompt.value = (
            f"<b>Delete {_esc(row.name)}</b> (resource group {_esc(row.resource_group)})? Its "
            "containers and logs are gone for good. Type its name to confirm.")
        self.delete_confirm_text.value = ""
        self.delete_box.layout.display = "flex"
        self._update_buttons()

    def _hide_delete_confirm(self) -> None:
        self.delete_box.layout.display = "none"
        self.delete_confirm_text.value = ""

    def _on_confirm_text(self, _: Any) -> None:
        self._update_buttons()

    def _delete_confirmed(self) -> None:
        row = self.groups.get(self.selected or "")
        if row is None or self.delete_box.layout.display == "none" \
                or self.delete_confirm_text.value.strip() != row.name:
            self.status.value = ('<div class="aci-note">Nothing was deleted: press '
                                 "<b>Delete…</b>, then type the group's name to confirm.</div>")
            return
        if row.key in self.busy:
            self.status.value = f'<div class="aci-note">Wait: {_esc(self.busy[row.key])}.</div>'
            return
        self._hide_delete_confirm()
        cg = self.session.aci.container_groups
        rg, name = row.resource_group, row.name
        self._run(row.key, f"delete {name}", f"s.aci.container_groups.begin_delete({rg!r}, {name!r})",
                  lambda: cg.begin_delete(rg, name), lambda _: self._deleted(row.key, name))

    def _deleted(self, key: str, name: str) -> None:
        if self.selected == key:
            self.selected = None  # gone on purpose: no "no longer exists" note
        self._done(f"Deleted {name}.")

    def _add_secure(self, quiet: bool = False) -> None:
        """Move the typed secure variable into the kernel; the browser keeps only its name.

        A Password widget's value is widget state, synced to the page (and saved in the
        notebook with "Save Widget State"): it is emptied as soon as the value is taken."""
        name, value = self.create_secure_name.value.strip(), self.create_secure_value.value
        if not name:
            if not quiet:
                self.create_result.value = '<div class="aci-note">Give the secure variable a name.</div>'
            return
        self._secure_env[name] = value
        self.create_secure_name.value = ""
        self.create_secure_value.value = ""
        self._render_secure_list()

    def _clear_secure(self) -> None:
        self._secure_env.clear()
        self._render_secure_list()

    def _render_secure_list(self) -> None:
        self.create_secure_list.value = "".join(
            f'<span class="aci-tag">secure: {_esc(n)} = {MASK}</span> ' for n in self._secure_env)
        self.create_secure_clear.layout.display = "" if self._secure_env else "none"

    def _form_group(self) -> tuple[str, str, Any, str]:
        """The ContainerGroup the form describes; raises ValueError for what the form can tell."""
        from azure.mgmt.containerinstance.models import (  # noqa: PLC0415
            Container, ContainerGroup, ContainerPort, OperatingSystemTypes)

        from ..builders import environment, public_ip, resources, tutorial_tags  # noqa: PLC0415

        name = self.create_name.value.strip()
        rg = self.create_rg.value.strip()
        image = self.create_image.value.strip()
        if not name or not rg or not image:
            raise ValueError("Name, resource group and image are required.")
        plain: dict[str, str] = {}
        for n, line in enumerate(self.create_env.value.splitlines(), 1):
            if not line.strip():
                continue
            if "=" not in line:
                raise ValueError(f"Environment line {n} is not NAME=value: {line.strip()!r}")
            k, v = line.split("=", 1)
            plain[k.strip()] = v.strip()
        secure = dict(self._secure_env)
        try:
            command = shlex.split(self.create_command.value) or None
        except ValueError as err:
            raise ValueError(f"Command: {err}") from None
        port, dns = self.create_port.value, self.create_dns.value.strip() or None
        if dns and not port:
            raise ValueError("A DNS name label needs a public IP address: give a port.")
        container = Container(
            name=name, image=image, resources=resources(self.create_cpu.value, self.create_memory.value),
            ports=[ContainerPort(port=port)] if port else None, command=command,
            environment_variables=environment(plain, secure) or None)
        group = ContainerGroup(
            location=self.session.location, containers=[container],
            os_type=OperatingSystemTypes.LINUX, restart_policy=self.create_restart.value,
            ip_address=public_ip([port], dns) if port else None, tags=tutorial_tags())
        return rg, name, group, f"s.aci.container_groups.begin_create_or_update({rg!r}, {name!r}, group)"

    def create(self) -> None:
        """Send the form's group with ``begin_create_or_update``; show the service's verdict."""
        if "create" in self.busy:
            self.create_result.value = '<div class="aci-note">A create is already running.</div>'
            return
        # Typed but not added: the learner surely meant it. Taken now, so the value leaves
        # the browser even if the service refuses the group (the form keeps it, masked).
        self._add_secure(quiet=True)
        try:
            rg, name, group, call = self._form_group()
        except ValueError as err:
            self.create_result.value = f'<div class="aci-error">Form: {_esc(err)}</div>'
            return
        self.create_result.value = ""
        session = self.session

        def start() -> Any:
            """Send the create; the tutorial's own resource group is ensured first."""
            if rg == session.resource_group:
                from ..session import ensure_resource_group  # noqa: PLC0415

                ensure_resource_group(session)  # the tutorial's own group, tagged for cleanup
            return session.aci.container_groups.begin_create_or_update(rg, name, group)

        def done(result: Any) -> None:
            """After the create: clear the secrets, refresh, select and follow the new group."""
            self._clear_secure()
            self.create_result.value = (f'<div class="aci-ok">Created <b>{_esc(name)}</b> '
                                        f"(provisioning {_esc(result.provisioning_state)}).</div>")
            self.refresh()
            self.create_name.value = self._suggest_name()
            key = (result.id or "").lower()
            if key in self.groups:
                self.select(key)
                self._follow(key)
            self._show_call(call)

        self._run("create", f"create {name}", call, start, done, error_to=self.create_result)
        if "create" in self.busy:  # still running: say so where the learner is looking
            self.create_result.value = self.progress.value

    def _run(self, key: str, label: str, call: str, start: Callable[[], Any],
             done: Callable[[Any], None], error_to: W.HTML | None = None) -> None:
        """Send a request; wait for its poller without blocking the kernel when possible."""
        out = error_to or self.status

        def fail(err: BaseException) -> None:
            """Show ``err`` where this action reports its errors."""
            out.value = _error_html(err, label.capitalize())

        self._show_call(call)
        self.status.value = ""  # the last action's outcome no longer applies
        self.busy[key] = label
        self._update_buttons()
        self.progress.value = (f'<div class="aci-busy"><span class="aci-spin">↻</span> '
                               f"{_esc(label)}: sending…</div>")
        try:
            result = start()
        except Exception as err:  # noqa: BLE001 - e.g. the service refused the request
            self._finish(key)
            fail(err)
            return
        loop = _running_loop()
        if isinstance(result, LROPoller) and not result.done() and loop is not None:
            loop.create_task(self._await_poller(key, label, result, done, fail))
            return
        try:
            value = result.result() if isinstance(result, LROPoller) else result
        except Exception as err:  # noqa: BLE001
            self._finish(key)
            fail(err)
            return
        self._finish(key)
        done(value)

    async def _await_poller(self, key: str, label: str, poller: LROPoller[Any],
                            done: Callable[[Any], None], fail: Callable[[BaseException], None]) -> None:
        began = time.monotonic()
        try:
            while not poller.done():
                self.progress.value = (
                    f'<div class="aci-busy"><span class="aci-spin">↻</span> {_esc(label)}: '
                    f"{_esc(poller.status())} ({time.monotonic() - began:.0f} s)</div>")
                if key == "create":  # the form is far below the table: show it there too
                    self.create_result.value = self.progress.value
                await asyncio.sleep(0.5)
            value = poller.result()
        except Exception as err:  # noqa: BLE001 - a task must not die with an unshown error
            self._finish(key)
            fail(err)
            return
        self._finish(key)
        try:
            done(value)
        except Exception as err:  # noqa: BLE001
            fail(err)

    def _follow(self, key: str, timeout: float = 120.0) -> None:
        """After an action, keep re-reading a group that is still on its way (Pending...)."""
        row = self.groups.get(key)
        loop = _running_loop()
        if loop is None or row is None or not _in_transition(row.group) or key in self.busy:
            return
        self.busy[key] = f"{row.name} on its way"
        self._update_buttons()
        loop.create_task(self._follow_loop(key, row.resource_group, row.name, timeout))

    async def _follow_loop(self, key: str, rg: str, name: str, timeout: float) -> None:
        began = time.monotonic()
        try:
            while time.monotonic() - began < timeout:
                await asyncio.sleep(max(1.0, float(self.session.polling_interval)))
                group = self.session.aci.container_groups.get(rg, name)
                self.groups[key] = GroupRow.of(group)
                self.progress.value = (
                    f'<div class="aci-busy"><span class="aci-spin">↻</span> waiting for '
                    f"{_esc(name)}: {_esc(_group_state(group))} "
                    f"({time.monotonic() - began:.0f} s)</div>")
                if not _in_transition(group):
                    break
        except Exception as err:  # noqa: BLE001 - e.g. deleted meanwhile: say so, stop following
            self.status.value = _error_html(err, f"Following {name}")
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
        self.status.value = f'<div class="aci-ok">{_esc(message)}</div>' + self.status.value
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
            self.status.value = ('<div class="aci-note">Auto-refresh needs a running Jupyter '
                                 "kernel; press <b>Refresh</b> instead.</div>")
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
                    self.status.value = _error_html(err, "Auto-refresh")
                    self._status_from_auto = True

    def close(self) -> None:
        """Stop auto-refresh and close every widget of the explorer."""
        if self._auto_task is not None:
            self._auto_task.cancel()
            self._auto_task = None
        for box, button, cells in self._rows.values():
            for w in (button, cells, box):
                w.close()
        self._rows.clear()
        super().close()
