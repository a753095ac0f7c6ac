"""The state a shell keeps between commands: its :class:`Frame` (variables, exported names,
working directory, positional parameters, ``$0``, flavour, ``set -e``), which a subshell
copies and restores, and :class:`Capture`, an in-memory sink for a pipe or a ``$(...)``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Frame:
    """Shell-level state that a subshell copies and restores."""

    vars: dict[str, str]
    exported: set[str]
    cwd: str
    positional: list[str]
    argv0: str
    flavour: str
    errexit: bool = False

    def copy(self) -> "Frame":
        """An independent copy (a subshell's, a cloned machine's)."""
        return Frame(vars=dict(self.vars), exported=set(self.exported), cwd=self.cwd,
                     positional=list(self.positional), argv0=self.argv0, flavour=self.flavour,
                     errexit=self.errexit)


class Capture:
    """Output written to a pipe or a command substitution, kept in memory."""

    def __init__(self, substitution: bool = False) -> None:
        self.parts: list[str] = []
        #: A `$(...)` capture: its text becomes words that run_simple checks (a pipe's
        #: text goes to the next command, whose effect nothing checks).
        self.substitution = substitution

    def text(self) -> str:
        """Everything written to the capture so far."""
        return "".join(self.parts)
