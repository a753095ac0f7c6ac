"""Word expansion, as the shell does it before running a command: quotes and backslashes,
``$VAR`` and ``${VAR...}`` forms, special parameters, ``$(...)`` and backquotes, ``$((...))``,
``~`` and field splitting (no globbing).

:class:`Expansion` is the part of :class:`~.machine.Machine` that expands words; it reads the
machine's shell frame (variables, positional parameters) and runs substitutions in a
subshell of the same machine.
"""

from __future__ import annotations

import random
import re
from typing import Callable, Sequence

from .arith import ArithError, arith_eval
from .messages import arith_line
from .signals import Exit
from .state import Capture, Frame


class Expansion:
    """Expands words in the machine's current shell frame (a part of the Machine)."""

    frame: Frame
    status: int
    rng: random.Random
    rng_calls: int
    last_sub_status: int | None
    err: Callable[[str], None]
    run_script: Callable[[str], int]
    subshell: Callable[..., int]

    def expand_words(self, raws: Sequence[str]) -> list[str]:
        """Expand each raw word, with field splitting, into one argument list."""
        out: list[str] = []
        for raw in raws:
            out.extend(self.expand_word(raw))
        return out

    def expand_word(self, raw: str, split: bool = True) -> list[str]:
        """Expand one raw word: quotes, backslashes, $VAR, ${...}, $(...), $((...)), ~."""
        pieces: list[tuple[str, bool]] = []  # (text, splittable)
        quoted_any = False
        i, n = 0, len(raw)
        if raw.startswith("~") and (n == 1 or raw[1] == "/"):
            pieces.append((self.frame.vars.get("HOME", "/root"), False))
            i = 1
        buf = []
        while i < n:
            c = raw[i]
            if c == "\\":
                if i + 1 < n:
                    buf.append(raw[i + 1])
                i += 2
                continue
            if c == "'":
                j = raw.index("'", i + 1)
                buf.append(raw[i + 1:j])
                quoted_any = True
                i = j + 1
                continue
            if c == '"':
                quoted_any = True
                i = self._expand_dquote(raw, i + 1, buf)
                continue
            if c in "$`":
                text, i = self._dollar(raw, i)
                if text is None:
                    buf.append(c)
                    i += 1
                    continue
                pieces.append(("".join(buf), False))
                buf = []
                pieces.append((text, True))
                continue
            buf.append(c)
            i += 1
        pieces.append(("".join(buf), False))
        if not split:
            return ["".join(p for p, _ in pieces)]
        fields: list[str] = []
        cur: list[str] = []
        have = False
        for text, splittable in pieces:
            if not splittable:
                if text:
                    cur.append(text)
                    have = True
                continue
            parts = re.split(r"[ \t\n]+", text)
            for k, part in enumerate(parts):
                if k > 0:
                    if have or cur:
                        fields.append("".join(cur))
                    cur, have = [], False
                if part:
                    cur.append(part)
                    have = True
        if have or cur:
            fields.append("".join(cur))
        if not fields and quoted_any:
            fields = [""]
        return fields

    def _expand_dquote(self, raw: str, i: int, buf: list[str]) -> int:
        n = len(raw)
        while i < n:
            c = raw[i]
            if c == '"':
                return i + 1
            if c == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                if raw[i + 1] != "\n":
                    buf.append(raw[i + 1])
                i += 2
                continue
            if c in "$`":
                text, j = self._dollar(raw, i)
                if text is None:
                    buf.append(c)
                    i += 1
                else:
                    buf.append(text)
                    i = j
                continue
            buf.append(c)
            i += 1
        return i

    def _dollar(self, raw: str, i: int) -> tuple[str | None, int]:
        """Expand the ``$...`` or backquote at ``i``: (text or None if not one, next index)."""
        n = len(raw)
        if raw[i] == "`":
            j = i + 1
            while j < n and raw[j] != "`":
                j += 2 if raw[j] == "\\" else 1
            return self._substitute(raw[i + 1:j].replace("\\`", "`")), j + 1
        if i + 1 >= n:
            return None, i
        c = raw[i + 1]
        if raw.startswith("$((", i):
            end = _match_close(raw, i + 1)
            expr = raw[i + 3:end - 1]
            try:
                return str(self.arith(expr)), end + 1
            except ArithError as e:
                self.err(arith_line(self.frame.flavour, self.frame.argv0, expr, str(e)))
                raise Exit(2) from None
        if c == "(":
            end = _match_close(raw, i + 1)
            return self._substitute(raw[i + 2:end]), end + 1
        if c == "{":
            raw.index("}", i + 2)  # no "}" at all: ValueError (the parser lets none through)
            depth_end = _match_brace(raw, i + 1)
            return self._param_expr(raw[i + 2:depth_end]), depth_end + 1
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (raw[j].isalnum() or raw[j] == "_"):
                j += 1
            return self.var(raw[i + 1:j]), j
        if c.isdigit() or c in "?$#@*!-":
            return self.var(c), i + 2
        return None, i

    def var(self, name: str) -> str:
        """The value of variable or special parameter ``name`` (empty when unset)."""
        f = self.frame
        if name == "?":
            return str(self.status)
        if name == "$":
            return "1"
        if name == "!":
            return ""
        if name == "#":
            return str(len(f.positional))
        if name in ("@", "*"):
            return " ".join(f.positional)
        if name == "-":
            return "e" if f.errexit else ""
        if name.isdigit():
            k = int(name)
            if k == 0:
                return f.argv0
            return f.positional[k - 1] if k <= len(f.positional) else ""
        if name == "RANDOM" and f.flavour == "bash" and "RANDOM" not in f.vars:
            self.rng_calls += 1
            return str(self.rng.randrange(32768))
        return f.vars.get(name, "")

    def _param_expr(self, expr: str) -> str:
        if expr.startswith("#"):
            return str(len(self.var(expr[1:])))
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!])(:?[-=+?])?(.*)$", expr, re.S)
        if not m:
            return ""
        name, op, word = m.group(1), m.group(2), m.group(3)
        value = self.var(name)
        is_set = name in self.frame.vars or not name.isidentifier()
        if not op:
            return value
        empty = (value == "") if op.startswith(":") else not is_set
        w = lambda: "".join(self.expand_word(word, split=False))  # noqa: E731
        kind = op[-1]
        if kind == "-":
            return w() if empty else value
        if kind == "=":
            if empty:
                self.frame.vars[name] = w()
                return self.frame.vars[name]
            return value
        if kind == "+":
            return "" if empty else w()
        if kind == "?" and empty:
            self.err(f"{self.frame.argv0}: {name}: {w() or 'parameter not set'}")
            raise Exit(2)
        return value

    def _substitute(self, src: str) -> str:
        cap = Capture(substitution=True)

        def body() -> int:
            """Run the substituted script; its status."""
            self.run_script(src)
            return self.status

        status = self.subshell(body, fd1=cap)
        self.last_sub_status = status
        return cap.text().rstrip("\n")

    def arith(self, expr: str) -> int:
        """Evaluate a ``$((...))`` expression (integers, C operators, variables)."""
        text = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: self.var(m.group(1)) or "0", expr)
        text = re.sub(r"\$([0-9#?])", lambda m: self.var(m.group(1)) or "0", text)
        assign = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/%]?=)(?!=)\s*(.*)$", text, re.S)
        if assign:
            name, op, rhs = assign.groups()
            value = self.arith(rhs)
            if op != "=":
                cur = int(self.frame.vars.get(name, "0") or 0)
                value = arith_eval(f"{cur} {op[0]} {value}", {})
            self.frame.vars[name] = str(value)
            return value
        names = {k: int(v) if re.fullmatch(r"-?\d+", v or "") else 0
                 for k, v in self.frame.vars.items()}
        return arith_eval(text, names)


def _match_close(raw: str, i: int) -> int:
    """Index of the ``)`` that closes the ``(`` at ``i``."""
    depth, j, n = 0, i, len(raw)
    while j < n:
        c = raw[j]
        if c == "\\":
            j += 2
            continue
        if c == "'":
            j = raw.index("'", j + 1) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return n - 1


def _match_brace(raw: str, i: int) -> int:
    depth, j, n = 0, i, len(raw)
    while j < n:
        if raw[j] == "{":
            depth += 1
        elif raw[j] == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return n - 1
