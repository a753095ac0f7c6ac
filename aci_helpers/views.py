"""Tables (pandas) and a timeline plot (matplotlib) of container groups.

Pure views on the SDK's model objects: give them what ``list_by_resource_group`` or
``get`` returned. Columns and dtypes are fixed, also when there are no rows, so a
notebook's output does not change shape. A list result has no instance view (the docs
say so), so its ``state`` is missing: ``get`` the group to see it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .models import enum_text, group_requests, resource_group_of, restart_policy

if TYPE_CHECKING:
    import pandas as pd
    from azure.mgmt.containerinstance.models import ContainerGroup
    from matplotlib.figure import Figure

    from .session import Session

STR = "string"
TS = "datetime64[ns, UTC]"

GROUP_COLUMNS: dict[str, str] = {
    "name": STR, "resource_group": STR, "state": STR, "provisioning_state": STR,
    "location": STR, "ip": STR, "fqdn": STR, "restart_policy": STR,
    "cpu": "float64", "memory_gb": "float64", "containers": "Int64", "tags": STR,
}
CONTAINER_COLUMNS: dict[str, str] = {
    "name": STR, "image": STR, "state": STR, "restarts": "Int64", "exit_code": "Int64",
    "ports": STR, "cpu": "float64", "memory_gb": "float64",
}
EVENT_COLUMNS: dict[str, str] = {
    "container": STR, "name": STR, "type": STR, "count": "Int64",
    "first_timestamp": TS, "last_timestamp": TS, "message": STR,
}


def _frame(rows: list[dict[str, Any]], schema: dict[str, str]) -> "pd.DataFrame":
    import pandas as pd  # noqa: PLC0415

    columns = {
        col: pd.Series([r.get(col) for r in rows], dtype=object).astype(dtype)
        if dtype != TS else pd.to_datetime(pd.Series([r.get(col) for r in rows], dtype=object),
                                           utc=True).astype(TS)
        for col, dtype in schema.items()
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))


def _tags(tags: dict[str, str] | None) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted((tags or {}).items()))


def groups_table(
    source: "Session | ContainerGroup | Iterable[ContainerGroup]",
    *,
    details: bool = False,
    resource_group: str | None = None,
) -> "pd.DataFrame":
    """One row per container group.

    ``source`` is a list of groups (e.g. from ``list_by_resource_group``), one group, or a
    session (then the session's resource group is listed). ``details=True`` with a
    session also ``get``s each group, which fills ``state``.
    """
    from .session import Session  # noqa: PLC0415

    if isinstance(source, Session):
        rg = resource_group or source.resource_group
        groups = list(source.aci.container_groups.list_by_resource_group(rg))
        if details:
            groups = [source.aci.container_groups.get(rg, g.name) for g in groups]
    elif hasattr(source, "containers"):
        groups = [source]  # type: ignore[list-item]
    else:
        groups = list(source)  # type: ignore[arg-type]
    rows = []
    for g in groups:
        cpu, mem = group_requests(g)
        ip = g.ip_address
        rows.append({
            "name": g.name,
            "resource_group": resource_group_of(g.id),
            "state": g.instance_view.state if g.instance_view is not None else None,
            "provisioning_state": g.provisioning_state,
            "location": g.location,
            "ip": ip.ip if ip else None,
            "fqdn": ip.fqdn if ip else None,
            "restart_policy": restart_policy(g),
            "cpu": cpu,
            "memory_gb": mem,
            "containers": len(g.containers or []),
            "tags": _tags(g.tags),
        })
    return _frame(rows, GROUP_COLUMNS)


def containers_table(group: "ContainerGroup") -> "pd.DataFrame":
    """One row per container of a group read with ``get`` (state, restarts, exit code...)."""
    rows = []
    for c in group.containers or []:
        view = c.instance_view
        current = view.current_state if view is not None else None
        req = c.resources.requests if c.resources else None
        rows.append({
            "name": c.name,
            "image": c.image,
            "state": current.state if current is not None else None,
            "restarts": view.restart_count if view is not None else None,
            "exit_code": current.exit_code if current is not None else None,
            "ports": ", ".join(f"{p.port}/{enum_text(p.protocol) or 'TCP'}" for p in (c.ports or [])),
            "cpu": req.cpu if req else None,
            "memory_gb": req.memory_in_gb if req else None,
        })
    return _frame(rows, CONTAINER_COLUMNS)


def _event_rows(group: "ContainerGroup") -> list[dict[str, Any]]:
    rows = []
    group_events = group.instance_view.events if group.instance_view is not None else None
    sources = [(None, group_events or [])]
    sources += [(c.name, (c.instance_view.events or []) if c.instance_view else [])
                for c in group.containers or []]
    for container, events in sources:
        for e in events:
            rows.append({
                "container": container, "name": e.name, "type": e.type, "count": e.count,
                "first_timestamp": e.first_timestamp, "last_timestamp": e.last_timestamp,
                "message": e.message,
            })
    return rows


def events_table(group: "ContainerGroup") -> "pd.DataFrame":
    """The group's and its containers' events in time order (``container`` is empty for
    group-level events). Read the group with ``get``: list results carry no events."""
    df = _frame(_event_rows(group), EVENT_COLUMNS)
    # Stable sort: events with the same timestamp keep the order the service gave.
    return df.sort_values("first_timestamp", kind="stable", na_position="last").reset_index(drop=True)


def plot_timeline(group: "ContainerGroup", *, ax: Any = None) -> "Figure":
    """A timeline of the group's events, one row per container; returns the Figure.

    Bars show when each container ran (current and previous state); dots mark events,
    labelled with their name. Deterministic: the right edge is the last time seen in
    the data, never "now". The figure is closed for pyplot, so a notebook shows it once
    when it is the cell's value (no ``plt.show()`` needed).
    """
    import matplotlib.dates as mdates  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    containers = [c.name for c in group.containers or []]
    rows = _event_rows(group)
    spans: list[tuple[int, datetime, datetime | None, str]] = []
    for i, c in enumerate(group.containers or []):
        view = c.instance_view
        for st in ((view.previous_state, view.current_state) if view is not None else ()):
            if st is not None and st.start_time is not None:
                spans.append((i, st.start_time, st.finish_time, st.state or ""))
    times = [t for r in rows for t in (r["first_timestamp"], r["last_timestamp"]) if t]
    times += [t for _, s, f, _ in spans for t in (s, f) if t]

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.7 * max(1, len(containers))))
        plt.close(fig)  # shown once, as the cell's value, not again by the inline backend
    else:
        fig = ax.figure
    ax.set_title(f"Events of {group.name}")
    ax.set_yticks(range(len(containers)), labels=containers)
    ax.set_ylim(-0.6, max(0.6, len(containers) - 0.4))
    ax.invert_yaxis()
    if not times:
        ax.text(0.5, 0.5, "no events yet (read the group with get())", ha="center",
                va="center", transform=ax.transAxes)
        return fig
    first, last = min(times), max(times)
    span = (last - first).total_seconds()
    # Still-running bars end a little after the last event, so they stay visible even when
    # the container started at the last event seen (deterministic: derived from the data).
    pad = timedelta(seconds=max(1.0, 0.1 * span))
    end = last + pad
    colours = {"Running": "tab:green", "Terminated": "tab:gray", "Waiting": "tab:orange"}
    for i, start, finish, state in spans:
        finish = finish or end
        ax.barh(i, mdates.date2num(finish) - mdates.date2num(start), left=mdates.date2num(start),
                height=0.35, color=colours.get(state, "tab:blue"), alpha=0.35)
    index = {name: i for i, name in enumerate(containers)}
    for r in rows:
        y = index.get(r["container"], -0.45)  # group-level events sit just above the first row
        t = r["first_timestamp"]
        if t is None:
            continue
        ax.plot([mdates.date2num(t)], [y], "o", color="tab:red" if r["type"] == "Warning" else "tab:blue")
        ax.annotate(r["name"] or "", (mdates.date2num(t), y), xytext=(3, 6),
                    textcoords="offset points", fontsize=8, rotation=30)
    ax.set_xlim(mdates.date2num(first - pad), mdates.date2num(end))
    if span + 2 * pad.total_seconds() <= 300:
        # Whole seconds only: the default locator ticks every 0.5 s on short spans, and
        # "%H:%M:%S" then prints each second twice.
        step = max(1, math.ceil((span + 2 * pad.total_seconds()) / 6))
        ax.xaxis.set_major_locator(mdates.SecondLocator(interval=step, tz="UTC"))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S", tz="UTC"))
    ax.set_xlabel("time (UTC)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
