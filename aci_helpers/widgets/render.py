"""HTML of the explorer: pure functions of the state, no widgets (tested without a kernel)."""

from __future__ import annotations

import html
import shlex
from typing import Any, Iterable

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from ..errors import AciHelpersError, explain_error
from ..models import GroupRow
from .state import volume_rows

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
.aci-explorer .aci-cells { display: flex; align-items: center; flex-wrap: wrap; }
.aci-explorer .aci-cells > span { padding: 0 6px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.aci-explorer .aci-cells > span { flex: 0 0 auto; }
.aci-explorer .c-rg { width: 130px; } .aci-explorer .c-state { width: 120px; }
.aci-explorer .c-loc { width: 80px; } .aci-explorer .c-rp { width: 75px; }
.aci-explorer .c-cpu { width: 45px; text-align: right; }
.aci-explorer .c-mem { width: 70px; text-align: right; }
.aci-explorer .aci-cells > .c-addr { flex: 1 1 220px; min-width: 220px; width: auto; }
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
.aci-explorer .aci-exec-command input { font-family: monospace; font-size: 14px; }
.aci-explorer .aci-log-box { display: flex; flex-direction: column-reverse; max-height: 340px;
  overflow: auto; border-radius: 6px; }  /* column-reverse: opens (and stays) at the newest line */
.aci-explorer pre.aci-log { margin: 0; padding: 10px; flex: 0 0 auto;
  font-family: var(--jp-code-font-family, monospace);
  background: rgba(128,128,128,.12); border-radius: 6px; font-size: 14px; line-height: 1.35; }
.aci-explorer table.aci-people td.num, .aci-explorer table.aci-people th.num {
  text-align: right; }
.aci-explorer table.aci-people tr.aci-person td { font-weight: 700;
  border-top: 2px solid rgba(128,128,128,.6); }
.aci-explorer table.aci-people tr.aci-total td { font-weight: 700;
  border-top: 3px double rgba(128,128,128,.8); }
/* The note shown beside the explorer for when it cannot be shown (NEEDS_KERNEL): hidden as
   soon as a live explorer brings this style sheet. */
.aci-needs-kernel { display: none; }
</style>"""

# Displayed just before the explorer. A widget lives in its kernel: in a notebook reopened
# later (JupyterLab then says "Error displaying widget: model not found") or on a static page
# (the book) this note is what explains it; a live explorer's CSS hides it.
NEEDS_KERNEL = (
    '<div class="aci-needs-kernel" style="border-left: 6px solid #9a6700; padding: 6px 12px;">'
    "<b>The explorer needs a running kernel.</b> It is a live widget: in a notebook you "
    "reopen (JupyterLab then shows <i>Error displaying widget</i>) or on a static page, run "
    "this cell again (JupyterLab, Jupyter Notebook or Voilà) to bring it back.</div>")
NEEDS_KERNEL_TEXT = ("The explorer needs a running kernel: run this cell again (JupyterLab, "
                     "Jupyter Notebook or Voilà) to bring it back.")

def esc(value: Any) -> str:
    """HTML-escaped text of ``value`` ('' for None)."""
    return html.escape("" if value is None else str(value))


def badge(state: str | None) -> str:
    """HTML for a state badge: colour, symbol and the state's name."""
    if not state:
        return '<span class="aci-badge aci-badge-none">? unknown</span>'
    colour, symbol = BADGES.get(state, ("#57606a", "•"))
    return (f'<span class="aci-badge aci-state-{esc(state).lower()}" '
            f'style="background:{colour}">{symbol} {esc(state)}</span>')


def sdk_call(call: str) -> str:
    """The "SDK call:" line."""
    return f'<span class="aci-sdk"><b>SDK call:</b> <code>{esc(call)}</code></span>'


def box(kind: str, text_html: str) -> str:
    """A coloured message box: ``kind`` is ok, note, error or busy."""
    return f'<div class="aci-{kind}">{text_html}</div>'


def busy(text: str) -> str:
    """A progress line with a spinner."""
    return box("busy", f'<span class="aci-spin">↻</span> {esc(text)}')


def error_html(err: BaseException, what: str) -> str:
    """ARM code, HTTP status, the service's message as sent, and a hint."""
    if isinstance(err, (HttpResponseError, AciHelpersError, ClientAuthenticationError)):
        e = explain_error(err)
        head = f"<b>{esc(e.code or 'Error')}</b>" + (f" (HTTP {e.status})" if e.status else "")
        hint = f"<br><i>Hint:</i> {esc(e.hint)}" if e.hint else ""
        return (f'<div class="aci-error">{esc(what)} failed: {head}<br>'
                f'<span class="aci-error-message">{esc(e.message)}</span>{hint}</div>')
    return (f'<div class="aci-error">{esc(what)} failed: <b>{esc(type(err).__name__)}</b>'
            f"<br>{esc(err)}</div>")


HEAD_CELLS = ('<div class="aci-cells"><span class="c-rg">Resource group</span>'
              '<span class="c-state">State</span><span class="c-loc">Location</span>'
              '<span class="c-rp">Restart</span><span class="c-cpu">CPU</span>'
              '<span class="c-mem">Memory</span><span class="c-addr">IP address / FQDN</span>'
              "</div>")


def row_cells(row: GroupRow) -> str:
    """The table cells of one group, after its name button."""
    addr = " · ".join(esc(x) for x in (row.ip, row.fqdn) if x) or "—"
    return (f'<div class="aci-cells"><span class="c-rg" title="{esc(row.resource_group)}">'
            f'{esc(row.resource_group)}</span>'
            f'<span class="c-state">{badge(row.state)}</span>'
            f'<span class="c-loc">{esc(row.location)}</span>'
            f'<span class="c-rp">{esc(row.restart_policy)}</span>'
            f'<span class="c-cpu">{row.cpu:g}</span>'
            f'<span class="c-mem">{row.memory_gb:g} GB</span>'
            f'<span class="c-addr" title="{addr}">{addr}</span></div>')


def empty_table(scope: str) -> str:
    """The table's note when there is no group at all."""
    where = f"resource group {scope}" if scope else "this subscription"
    return ('<div class="aci-empty"><b>No container groups in ' + esc(where) + " yet.</b><br>"
            "Create one with the <b>+ Create a container group</b> form below (or run "
            "notebook 01), then press <b>Refresh</b>.</div>")


def filtered_out(hidden: int) -> str:
    """The table's note when the filters hide every group."""
    return (f'<div class="aci-empty"><b>No group matches the filters</b> ({hidden} hidden). '
            "Clear the text filter or choose <b>All states</b>.</div>")


def details_title(row: GroupRow) -> str:
    """The selected group's header: name, state, where, size and address."""
    g = row.group
    addr = ""
    if row.address:
        ports = ", ".join(str(p.port) for p in (g.ip_address.ports or []))
        addr = f" · IP <b>{esc(row.address)}</b>" + (f" · ports {esc(ports)}" if ports else "")
    return (f'<div><span style="font-size:22px;font-weight:700">{esc(row.name)}</span> '
            f"{badge(row.state)}</div><div>resource group <b>{esc(row.resource_group)}</b> · "
            f"{esc(row.location)} · restart policy <b>{esc(row.restart_policy)}</b> · "
            f"{row.cpu:g} CPU, {row.memory_gb:g} GB · provisioning "
            f"{esc(g.provisioning_state)}{addr}</div>")


def containers_html(g: Any) -> str:
    """The Containers tab: one row per container; secure values masked."""
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
                env.append(f'{esc(e.name)} = <span class="aci-secure">{MASK}</span>'
                           '<span class="aci-tag">secure</span>')
            else:
                env.append(f"{esc(e.name)} = {esc(e.value)}")
        cmd = " ".join(shlex.quote(x) for x in c.command) if c.command else "(image default)"
        rows.append(
            f"<tr><td><b>{esc(c.name)}</b></td><td>{esc(c.image)}</td>"
            f"<td>{badge(cur.state) if cur else '<i>no state</i>'}"
            f"{'<br>' + esc(cur.detail_status) if cur and cur.detail_status else ''}</td>"
            f"<td>{esc(view.restart_count if view else '—')}</td>"
            f"<td>{esc(cur.exit_code if cur and cur.exit_code is not None else '—')}</td>"
            f"<td>{(req.cpu if req else 0):g} CPU, {(req.memory_in_gb if req else 0):g} GB</td>"
            f"<td><code>{esc(cmd)}</code></td>"
            f"<td>{'<br>'.join(env) or '—'}</td></tr>")
    note = ("" if any(c.instance_view for c in g.containers) else
            "<p><i>No container details: the group is stopped or not started yet.</i></p>")
    return ('<table class="aci-table aci-containers"><tr><th>Container</th><th>Image</th>'
            "<th>State</th><th>Restarts</th><th>Exit code</th><th>Resources</th>"
            f"<th>Command</th><th>Environment</th></tr>{''.join(rows)}</table>{note}"
            f"{volumes_html(g)}{registries_html(g)}")


_VOLUME_NOTES = {
    "emptyDir": "shared by the group's containers; gone when the group stops or is deleted",
    "secret": "read-only files; Azure never returns their values",
    "Azure Files": "outlives the group",
    "gitRepo": "cloned when the containers start",
    "secretReference": "files from Key Vault secrets",
}


def volumes_html(g: Any) -> str:
    """The group's volumes and where its containers mount them; secrets masked."""
    rows = []
    for v in volume_rows(g):
        source = esc(v.source)
        if v.has_credentials:
            scheme, _, rest = v.source.partition("://")
            source = f"{esc(scheme)}://{MASK}@{esc(rest)}" if rest else f"{MASK}@{source}"
        secret = "<br>".join(f'{esc(part)} <span class="aci-secure">{MASK}</span>'
                             '<span class="aci-tag">secret</span>' for part in v.secret_parts)
        holds = "<br>".join(x for x in (source, secret) if x) or "—"
        where = "<br>".join(f"<b>{esc(c)}</b>: <code>{esc(p)}</code>"
                            + (' <span class="aci-tag">read-only</span>' if ro else "")
                            for c, p, ro in v.mounts) or "<i>not mounted</i>"
        ro = ' <span class="aci-tag">read-only</span>' if v.read_only else ""
        rows.append(f"<tr><td><b>{esc(v.name)}</b></td><td>{esc(v.kind)}{ro}<br>"
                    f'<span class="aci-sub">{esc(_VOLUME_NOTES.get(v.kind, ""))}</span></td>'
                    f"<td>{holds}</td><td>{where}</td></tr>")
    if not rows:
        return ""
    return ('<p><b>Volumes</b></p><table class="aci-table aci-volumes"><tr><th>Volume</th>'
            f"<th>Kind</th><th>Holds</th><th>Mounted by</th></tr>{''.join(rows)}</table>")


def registries_html(g: Any) -> str:
    """The group's private registries: login server and how it signs in (a username, or a
    managed identity); a password is never shown, even if a locally built model holds one."""
    items = []
    for cred in getattr(g, "image_registry_credentials", None) or []:
        if cred.identity:
            how = f"managed identity <code>{esc(cred.identity.rsplit('/', 1)[-1])}</code>"
        else:
            how = f"user <code>{esc(cred.username or '—')}</code>, password " \
                  f'<span class="aci-secure">{MASK}</span><span class="aci-tag">secret</span>'
        items.append(f"<li><b>{esc(cred.server)}</b>: {how}</li>")
    if not items:
        return ""
    return f'<p><b>Registries</b></p><ul class="aci-registries">{"".join(items)}</ul>'


def events_html(g: Any) -> str:
    """The Events tab: the group's and containers' events on one timeline."""
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
                     f'<span class="t">{when}</span><b>{esc(e.name)}</b>{tag} '
                     f"<i>{esc(who)}</i>: {esc(e.message)}{count}</div>")
            items.append((t.timestamp() if t else float("inf"), len(items), html_))
    if not items:
        return '<div class="aci-empty">No events yet.</div>'
    return '<div class="aci-timeline">' + "".join(h for *_, h in sorted(items)) + "</div>"


STOP_START_DOC = "https://learn.microsoft.com/azure/container-instances/container-instances-stop-start"


def log_html(text: str, row: GroupRow | None = None, container: str | None = None,
             backend: str = "emulator") -> str:
    """The Logs tab's text, opened at the newest line; when there is none, why (the group
    ``row`` and its ``container`` say whether it is stopped, ended, or not started yet)."""
    if text:
        return f'<div class="aci-log-box"><pre class="aci-log">{esc(text)}</pre></div>'
    if row is not None and row.state == "Stopped":
        guess = (" (The emulator answers an empty log for a stopped group: its guess of what "
                 "Azure returns.)" if backend == "emulator" else "")
        return ('<div class="aci-empty">No log: this group is stopped. Stopping a group ends '
                "and recycles its containers; it “does not preserve container state” "
                f'(Microsoft: <a href="{STOP_START_DOC}" target="_blank">Manually stop or start '
                "containers</a>), so the log of the run before the stop is not kept. "
                f"<b>Start</b> runs the containers again, with a new log.{guess}</div>")
    state = next((c.instance_view.current_state.state for c in row.group.containers
                  if c.name == container and c.instance_view and c.instance_view.current_state),
                 None) if row is not None else None
    if state == "Terminated":
        return '<div class="aci-empty">The container ended without printing anything.</div>'
    return '<div class="aci-empty">Nothing printed yet.</div>'


def secure_list(names: Iterable[str]) -> str:
    """The names of the secure variables the form holds, values masked."""
    return "".join(f'<span class="aci-tag">secure: {esc(n)} = {MASK}</span> ' for n in names)


def participants_table(workshop: str, people: list[Any], now: float | None = None) -> str:
    """The trainer's table (``trainer.status`` rows, the figures ``aci-tutorial workshop
    status`` prints): participants, stuck longest first, their groups, CPU running, cost
    accrued and progress; totals."""
    if not workshop:
        return ('<div class="aci-empty">No workshop in this subscription: create one with '
                "<code>aci-tutorial workshop setup --workshop ID --participants N</code>, "
                "then press <b>Refresh</b>.</div>")
    rows = []
    for p in people:
        lost = ' <span class="aci-tag">tags lost: still bills</span>' if p.tags_lost else ""
        running = [g for g in p.groups if g.state == "Running"]
        rows.append(f'<tr class="aci-person"><td>{esc(p.participant)}{lost}</td>'
                    f'<td>{esc(p.resource_group)}</td><td class="num">{len(p.groups)}</td>'
                    f'<td class="num">{len(running)}</td><td class="num">{p.cpu_in_use:g}</td>'
                    f'<td class="num">${p.cost_so_far:.4f}</td>'
                    f'<td>{esc(p.progress_text(now))}</td></tr>')
        for g in p.groups:
            rows.append(f'<tr><td></td><td>{esc(g.name)}</td><td colspan="2">{badge(g.state)}</td>'
                        f'<td class="num">{g.cpu:g}</td><td></td><td></td></tr>')
    total_groups = sum(len(p.groups) for p in people)
    running = sum(g.state == "Running" for p in people for g in p.groups)
    cpu = sum(p.cpu_in_use for p in people)
    cost = sum(p.cost_so_far for p in people)
    participants = f"{len(people)} participant{'' if len(people) == 1 else 's'}"
    rows.append(f'<tr class="aci-total"><td>{participants}</td><td></td>'
                f'<td class="num">{total_groups}</td><td class="num">{running}</td>'
                f'<td class="num">{cpu:g}</td><td class="num">${cost:.4f}</td><td></td></tr>')
    return ('<table class="aci-table aci-people"><tr><th>Participant</th><th>Resource group / '
            'container group</th><th class="num">Groups</th><th class="num">Running</th>'
            '<th class="num">CPU running</th><th class="num">Est. cost accrued</th>'
            '<th>Progress (stuck longest first)</th></tr>'
            + "".join(rows) + "</table>"
            '<p class="aci-sub">Costs are estimates from <code>aci_helpers.cost</code> '
            "(Linux pay-as-you-go rates, not verified live) of every run seen, stopped and "
            "deleted groups included: the same figures as <code>aci-tutorial workshop "
            "status</code>.</p>")