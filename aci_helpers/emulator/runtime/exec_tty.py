"""The terminal an exec session runs on: a pseudo-terminal's line discipline, simulated.

ACI's exec always gives the process a TTY (stdin without one is not supported:
Azure/azure-cli#15225), and the Azure CLI puts the local terminal in raw mode and sends
keystrokes as they come (``azure/cli/command_modules/container/custom.py``). So, as on a
real pseudo-terminal, the container side echoes what is typed, edits the line (erase,
kill), turns Enter into a line, Ctrl-C into an interrupt and Ctrl-D on an empty line into
end of input, and writes ``\\r\\n`` for every newline the program prints (``onlcr``).

Pure: :meth:`LineDiscipline.feed` turns input text into :class:`Key` events; the session
(``exec.py``) decides what they do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What the terminal shows for an interrupt (ECHOCTL), before the program's own output.
INTERRUPT_ECHO = "^C"
#: Control characters, as a terminal sends them.
ETX, EOT, BS, DEL, NAK, ETB, ESC = "\x03", "\x04", "\x08", "\x7f", "\x15", "\x17", "\x1b"

# An escape sequence a terminal sends for a special key (arrows, Home, F1 ...): CSI or SS3.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~]|[^\[O])", re.S)
# The start of one, cut at the end of a frame: its rest comes in the next.
_ESCAPE_START = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|O)?")


@dataclass(frozen=True)
class Key:
    """One thing the line discipline made of the input.

    ``kind`` is ``echo`` (text to show now), ``line`` (a complete line, without its
    newline), ``interrupt`` (Ctrl-C: the line being typed is dropped) or ``eof`` (Ctrl-D on
    an empty line)."""

    kind: str
    text: str = ""


class LineDiscipline:
    """Canonical-mode input processing with echo (``stty icanon echo icrnl isig``)."""

    def __init__(self) -> None:
        self.buffer = ""
        self._pending_escape = ""

    def feed(self, data: str) -> list[Key]:
        """Process typed (or pasted) text; the events it makes, in order."""
        out: list[Key] = []
        data = self._pending_escape + data
        self._pending_escape = ""
        i, n = 0, len(data)
        while i < n:
            c = data[i]
            if c == ESC:
                mt = _ESCAPE.match(data, i)
                if mt is None and _ESCAPE_START.fullmatch(data, i):
                    self._pending_escape = data[i:]  # the rest of the sequence comes next
                    break
                # A special key: the shells' line editors would move the cursor or recall
                # history; this terminal ignores it (EXEC_TTY_KEYS_IGNORED).
                i = mt.end() if mt else i + 1
                continue
            i += 1
            if c in ("\r", "\n"):
                if c == "\r" and i < n and data[i] == "\n":
                    i += 1  # a client sending CRLF means one Enter
                line, self.buffer = self.buffer, ""
                out.append(Key("echo", "\r\n"))
                out.append(Key("line", line))
            elif c == ETX:
                self.buffer = ""
                out.append(Key("interrupt"))
            elif c == EOT:
                if self.buffer:
                    continue  # canonical mode: delivers the partial line; the shells ignore it
                out.append(Key("eof"))
            elif c in (DEL, BS):
                if self.buffer:
                    self.buffer = self.buffer[:-1]
                    out.append(Key("echo", "\b \b"))
            elif c == NAK:  # Ctrl-U: kill the line
                if self.buffer:
                    out.append(Key("echo", "\b \b" * len(self.buffer)))
                    self.buffer = ""
            elif c == ETB:  # Ctrl-W: erase the last word
                kept = re.sub(r"\S*\s*$", "", self.buffer)
                gone = len(self.buffer) - len(kept)
                if gone:
                    out.append(Key("echo", "\b \b" * gone))
                    self.buffer = kept
            elif c == "\t" or c >= " ":
                self.buffer += c
                out.append(Key("echo", c))
            # other control characters: not echoed, not kept
        return _merge_echoes(out)

    def drop(self) -> None:
        """Forget the line being typed (the process went away)."""
        self.buffer = ""
        self._pending_escape = ""


def _merge_echoes(keys: list[Key]) -> list[Key]:
    out: list[Key] = []
    for k in keys:
        if k.kind == "echo" and out and out[-1].kind == "echo":
            out[-1] = Key("echo", out[-1].text + k.text)
        else:
            out.append(k)
    return out


def onlcr(text: str) -> str:
    """Output as the terminal shows it: every newline becomes ``\\r\\n``."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def columns(names: list[str], width: int, uniform: bool) -> list[str]:
    """``ls`` on a terminal: names in columns filled top to bottom, as wide as the terminal.

    ``uniform`` is busybox's layout (every column as wide as the longest name plus two);
    otherwise GNU's (each column as wide as its own longest name plus two, as many columns
    as fit)."""
    if not names:
        return []
    width = max(width, 1)
    if uniform:
        col = max(len(n) for n in names) + 2
        ncols = max(1, width // col)
        nrows = -(-len(names) // ncols)
        rows = []
        for r in range(nrows):
            cells = [names[c * nrows + r] for c in range(ncols) if c * nrows + r < len(names)]
            rows.append("".join(cell.ljust(col) for cell in cells[:-1]) + cells[-1])
        return rows
    for ncols in range(min(len(names), max(1, width // 3)), 0, -1):
        nrows = -(-len(names) // ncols)
        cols = [names[c * nrows:(c + 1) * nrows] for c in range(ncols)]
        cols = [c for c in cols if c]
        widths = [max(len(n) for n in c) + 2 for c in cols]
        if sum(widths) - 2 <= width or ncols == 1:
            rows = []
            for r in range(nrows):
                cells = [(c[r], w) for c, w in zip(cols, widths) if r < len(c)]
                rows.append("".join(n.ljust(w) for n, w in cells[:-1]) + cells[-1][0])
            return rows
    return list(names)
