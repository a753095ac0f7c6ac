"""A widget explorer for container groups: browse, inspect and act without writing code.

``explorer(s)`` returns an ipywidgets widget (JupyterLab, Notebook, Voilà). Every button
calls the SDK client of the session directly and shows the call it made ("SDK call:"),
because the explorer is a lesson about the SDK, not a replacement for it.

Importing this package is cheap: ipywidgets and the SDK models load when the explorer
is built (``aci_helpers.widgets._explorer``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..session import Session
    from ._explorer import Explorer

__all__ = ["explorer", "in_notebook", "NOT_IN_NOTEBOOK", "Explorer"]

NOT_IN_NOTEBOOK = (
    "The container-group explorer is a Jupyter widget: run explorer(s) in a notebook "
    "(JupyterLab, Jupyter Notebook or Voilà). Outside a notebook, use the tables instead: "
    "print(groups_table(s, details=True))."
)


def in_notebook() -> bool:
    """True when running in a Jupyter kernel that can show widgets (not a plain terminal)."""
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:
        return False
    shell = get_ipython()
    # A terminal IPython has no kernel; ipykernel's shell (also under Voilà) has one.
    return shell is not None and getattr(shell, "kernel", None) is not None


def explorer(
    session: "Session | None" = None,
    *,
    resource_group: str | None = None,
    auto_refresh: float | None = None,
) -> "Explorer | None":
    """Build the explorer widget on ``session`` (default: ``connect()``).

    ``resource_group=None`` lists every container group in the subscription (the filter
    can narrow it); ``auto_refresh`` (seconds) starts with auto-refresh on. Outside a
    notebook, prints what to do instead and returns ``None``.
    """
    if not in_notebook():
        print(NOT_IN_NOTEBOOK)
        return None
    if session is None:
        from ..session import connect  # noqa: PLC0415

        session = connect()
    from ._explorer import Explorer  # noqa: PLC0415

    return Explorer(session, resource_group=resource_group, auto_refresh=auto_refresh)


def __getattr__(name: str) -> Any:
    if name == "Explorer":
        from ._explorer import Explorer  # noqa: PLC0415

        return Explorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
