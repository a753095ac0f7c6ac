"""The trainer's view of a workshop, inside the explorer: participants (their resource
groups' ``aci-tutorial-participant`` tag), stuck longest first, with their container groups,
the CPU running, the estimated cost accrued and their progress (the figures of ``aci-tutorial
workshop status``: the same function), totals, and "stop all of this workshop" behind a
typed confirmation. A participant's explorer (settings file role ``participant``, from
``aci-tutorial workshop join``) does not show it. A thin view over :class:`~.state.ExplorerState`: it gets the state and
a callback that refreshes the explorer after an action, never the explorer itself."""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from . import render
from ._confirm import BUTTON_STYLE, ConfirmBox
from .render import error_html, esc
from .state import ExplorerState, NotNow


class TrainerView:
    """The "Trainer: workshops" section; ``section`` is the widget the explorer shows."""

    def __init__(self, state: ExplorerState, refresh: Callable[[str], None]) -> None:
        """``refresh(call)`` lists the groups again and shows ``call``, the SDK call made."""
        self.state = state
        self._refresh = refresh
        self.workshop = W.Dropdown(options=[("(no workshop)", "")], value="",
                                   description="Workshop", style={"description_width": "80px"},
                                   layout=W.Layout(width="320px"))
        self.workshop.observe(lambda _: self.render(), names="value")
        self.table = W.HTML()
        self.result = W.HTML()
        self.stop_all = W.Button(description="Stop all of this workshop…", icon="stop",
                                 button_style="warning", disabled=True,
                                 layout=W.Layout(width="260px"), style=BUTTON_STYLE)
        self.stop_all.on_click(lambda _: self._ask())
        self.confirm_box = ConfirmBox(placeholder="type the workshop's id",
                                      confirm="Stop every running group", icon="stop",
                                      button_width="240px", on_confirm=self.stop_confirmed,
                                      on_change=self._update_buttons)
        body = W.VBox([W.HBox([self.workshop, self.stop_all],
                              layout=W.Layout(align_items="center", flex_flow="row wrap")),
                       self.confirm_box, self.result, self.table])
        self.section = W.Accordion(children=[body], titles=("Trainer: workshops",),
                                   selected_index=None)
        self.section.observe(lambda _: self.render(), names="selected_index")

    def render(self) -> None:
        """Show the workshops the state knows, and the chosen one's participants."""
        workshops = self.state.workshops()
        options = [("(no workshop)", "")] if not workshops else [(w, w) for w in workshops]
        if list(self.workshop.options) != options:
            keep = self.workshop.value
            self.workshop.options = options
            self.workshop.value = keep if keep in workshops else options[0][1]
        ws = self.workshop.value
        if self.section.selected_index is None and ws:
            # Closed: no status requests (one list and a get per group and participant).
            self.table.value = '<div class="aci-empty">Open this section to read the class.</div>'
        else:
            try:
                self.table.value = render.participants_table(
                    ws, self.state.class_status(ws) if ws else [])
            except Exception as err:  # noqa: BLE001 - shown in the section, the explorer stays up
                self.table.value = error_html(err, "Reading the workshop")
        self._update_buttons()

    def _running(self) -> int:
        ws = self.workshop.value
        return sum(len(p.running) for p in self.state.participants(ws)) if ws else 0

    def _update_buttons(self) -> None:
        ws = self.workshop.value
        busy = f"workshop:{ws}" in self.state.busy
        self.stop_all.disabled = not ws or busy or self._running() == 0
        self.confirm_box.button.disabled = (busy or not ws
                                            or self.confirm_box.text.value.strip() != ws)

    def _ask(self) -> None:
        ws = self.workshop.value
        if not ws:
            return
        self.confirm_box.ask(f"<b>Stop all {self._running()} running groups of workshop "
                             f"{esc(ws)}?</b> Participants lose what their containers hold in "
                             "memory; their groups stay (Start brings them back). Type the "
                             "workshop's id to confirm.")

    def stop_confirmed(self) -> None:
        """Stop every running group of the workshop (``stop`` is not long-running)."""
        ws = self.workshop.value
        try:
            actions = self.state.stop_workshop(ws, self.confirm_box.typed)
        except NotNow as err:
            self.result.value = render.box("note", esc(err))
            return
        self.confirm_box.hide()
        key = f"workshop:{ws}"
        self.state.busy[key] = f"stopping workshop {ws}"
        failed: list[str] = []
        try:
            for act in actions:
                try:
                    act.start()
                except Exception as err:  # noqa: BLE001 - stop the others, report this one
                    failed.append(error_html(err, act.label.capitalize()))
        finally:
            self.state.busy.pop(key, None)
        self._refresh(f"s.aci.container_groups.stop(resource_group, name) for each running "
                      f"group of workshop {ws!r}")
        done = len(actions) - len(failed)
        self.result.value = render.box("ok", f"Stopped {done} group{'s' * (done != 1)} of "
                                             f"workshop {esc(ws)}.") + "".join(failed)

    def close(self) -> None:
        """Close the section's widgets."""
        self.section.close()


__all__ = ["TrainerView"]
