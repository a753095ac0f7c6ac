"""The "type its name to confirm" box: a prompt, a text field, a danger button and Cancel.

Hidden until :meth:`ConfirmBox.ask`; what was typed counts only while it is shown. The owner
decides when the button is enabled (``on_change`` runs on every keystroke and on Cancel)
and what the button does (``on_confirm``); the box only holds the widgets.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

BUTTON_STYLE = {"font_size": "15px"}  # the explorer's buttons


class ConfirmBox(W.VBox):
    """A hidden confirmation: ``ask(prompt_html)`` shows it, ``hide()`` hides and clears it."""

    def __init__(self, *, placeholder: str, confirm: str, icon: str, button_width: str,
                 on_confirm: Callable[[], None], on_change: Callable[[], None]) -> None:
        self.prompt = W.HTML()
        self.text = W.Text(placeholder=placeholder, continuous_update=True,
                           layout=W.Layout(width="240px"))
        self.button = W.Button(description=confirm, icon=icon, button_style="danger",
                               disabled=True, style=BUTTON_STYLE,
                               layout=W.Layout(width=button_width))
        self.cancel = W.Button(description="Cancel", style=BUTTON_STYLE)
        self._on_change = on_change
        self.text.observe(lambda _: on_change(), names="value")
        self.button.on_click(lambda _: on_confirm())
        self.cancel.on_click(lambda _: self.hide())
        super().__init__([self.prompt, W.HBox([self.text, self.button, self.cancel])],
                         layout=W.Layout(display="none", padding="6px",
                                         border="2px solid #cf222e"))

    @property
    def shown(self) -> bool:
        """True while the box is on screen."""
        return self.layout.display != "none"

    @property
    def typed(self) -> str:
        """What was typed, or '' while the box is hidden (a hidden field confirms nothing)."""
        return self.text.value if self.shown else ""

    def ask(self, prompt_html: str) -> None:
        """Show the box with ``prompt_html`` and an empty field."""
        self.prompt.value = prompt_html
        self.text.value = ""
        self.layout.display = "flex"
        self._on_change()

    def hide(self) -> None:
        """Hide the box and empty its field."""
        self.layout.display = "none"
        self.text.value = ""
        self._on_change()
