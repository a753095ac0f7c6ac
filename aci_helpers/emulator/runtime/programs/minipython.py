"""A small, safe Python for ``python -c``: literals, names, arithmetic, f-strings,
``print``, assignments, ``for``/``if``, ``time.sleep``, ``sys.exit``, ``os.getenv``.
Anything else is reported as not simulated (never run)."""

from __future__ import annotations

import ast
from typing import Any, Sequence

from ..shell.machine import Machine
from ..shell.signals import Exit


class _Unsupported(Exception):
    pass


class _PyError(Exception):
    def __init__(self, kind: str, msg: str, line: int) -> None:
        self.kind, self.msg, self.line = kind, msg, line


class MiniPython:
    """Runs ``python -c`` code made of literals, names, arithmetic, f-strings, ``print``,
    assignments, ``for ... in range(...)``/lists, ``if``, ``time.sleep`` and ``sys.exit``.
    Anything else is reported as not simulated. Output is block-buffered (shown at exit)
    unless ``-u`` or PYTHONUNBUFFERED, as with a real Python writing to a pipe."""

    _FUNCS = {"len": len, "str": str, "int": int, "float": float, "abs": abs, "round": round,
              "min": min, "max": max, "sum": sum, "sorted": sorted, "list": list, "tuple": tuple,
              "repr": repr, "bool": bool, "range": range}

    def __init__(self, m: Machine, unbuffered: bool) -> None:
        self.m = m
        self.unbuffered = unbuffered
        self.buffer: list[str] = []
        self.names: dict[str, object] = {}
        self.steps = 0

    def out(self, text: str) -> None:
        """Print ``text`` now when unbuffered, else at the next flush."""
        if self.unbuffered:
            self.m.write(text)
        else:
            self.buffer.append(text)

    def flush(self) -> None:
        """Write the buffered output."""
        if self.buffer:
            self.m.write("".join(self.buffer))
            self.buffer = []

    def run(self, code: str) -> int:
        """Run ``code`` as ``python -c`` would; returns the exit status."""
        try:
            tree = ast.parse(code, filename="<string>")
        except SyntaxError as e:
            lines = ['  File "<string>", line %d' % (e.lineno or 1)]
            if e.text:
                lines.append("    " + e.text.rstrip("\n").strip())
                lines.append("    " + " " * max((e.offset or 1) - 1 - (len(e.text) - len(e.text.lstrip())), 0) + "^")
            lines.append(f"SyntaxError: {e.msg}")
            for text in lines:
                self.m.err(text)
            return 1
        try:
            self.block(tree.body)
        except _Unsupported as e:
            self.flush()
            return self.m.not_simulated(f"this python -c code ({e})")
        except _PyError as e:
            self.flush()
            for text in ["Traceback (most recent call last):",
                         f'  File "<string>", line {e.line}, in <module>', f"{e.kind}: {e.msg}"]:
                self.m.err(text)
            return 1
        except Exit as e:
            self.flush()
            return e.code
        self.flush()
        return 0

    def block(self, body: Sequence[ast.stmt]) -> None:
        """Run statements in order."""
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, s: ast.stmt) -> None:
        """Run one statement; unsupported kinds raise _Unsupported."""
        self.steps += 1
        if self.steps > 100_000:
            raise _Unsupported("too many steps")
        self.m.step()
        if isinstance(s, ast.Import | ast.ImportFrom):
            mods = [a.name for a in s.names] if isinstance(s, ast.Import) else [s.module or ""]
            if not set(mods) <= {"sys", "time", "os"}:
                raise _Unsupported(f"import {', '.join(mods)}")
            return
        if isinstance(s, ast.Pass):
            return
        if isinstance(s, ast.Expr):
            self.expr(s.value, s)
            return
        if isinstance(s, ast.Assign) and all(isinstance(t, ast.Name) for t in s.targets):
            v = self.expr(s.value, s)
            for t in s.targets:
                self.names[t.id] = v
            return
        if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name):
            cur = self.expr(ast.Name(s.target.id, ast.Load()), s)
            self.names[s.target.id] = self.binop(s.op, cur, self.expr(s.value, s), s)
            return
        if isinstance(s, ast.For) and isinstance(s.target, ast.Name) and not s.orelse:
            for v in self.expr(s.iter, s):
                self.names[s.target.id] = v
                self.block(s.body)
            return
        if isinstance(s, ast.If):
            self.block(s.body if self.expr(s.test, s) else s.orelse)
            return
        raise _Unsupported(type(s).__name__)

    def binop(self, op: ast.operator, a: Any, b: Any, s: ast.stmt) -> Any:
        """``a op b``; ZeroDivisionError and TypeError become a traceback at ``s``'s line."""
        try:
            if isinstance(op, ast.Pow) and isinstance(b, int) and abs(b) > 1000:
                raise _Unsupported("huge power")
            if isinstance(op, ast.Mult) and isinstance(a, str | list) and isinstance(b, int) and b > 100_000:
                raise _Unsupported("huge repetition")
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b, ast.FloorDiv: lambda: a // b, ast.Mod: lambda: a % b,
                   ast.Pow: lambda: a ** b}
            if type(op) not in ops:
                raise _Unsupported(type(op).__name__)
            return ops[type(op)]()
        except ZeroDivisionError as e:
            raise _PyError("ZeroDivisionError", str(e), s.lineno) from None
        except TypeError as e:
            raise _PyError("TypeError", str(e), s.lineno) from None

    def expr(self, e: ast.expr, s: ast.stmt) -> Any:
        """The value of ``e`` (``s``, its statement, gives error lines)."""
        if isinstance(e, ast.Constant):
            return e.value
        if isinstance(e, ast.Name):
            if e.id in self.names:
                return self.names[e.id]
            if e.id in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[e.id]
            raise _PyError("NameError", f"name '{e.id}' is not defined", s.lineno)
        if isinstance(e, ast.BinOp):
            return self.binop(e.op, self.expr(e.left, s), self.expr(e.right, s), s)
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub | ast.UAdd | ast.Not):
            v = self.expr(e.operand, s)
            return -v if isinstance(e.op, ast.USub) else (+v if isinstance(e.op, ast.UAdd) else not v)
        if isinstance(e, ast.Compare):
            left = self.expr(e.left, s)
            for op, comp in zip(e.ops, e.comparators):
                right = self.expr(comp, s)
                fn = {ast.Eq: lambda: left == right, ast.NotEq: lambda: left != right,
                      ast.Lt: lambda: left < right, ast.LtE: lambda: left <= right,
                      ast.Gt: lambda: left > right, ast.GtE: lambda: left >= right,
                      ast.In: lambda: left in right, ast.NotIn: lambda: left not in right}.get(type(op))
                if fn is None:
                    raise _Unsupported("comparison")
                if not fn():
                    return False
                left = right
            return True
        if isinstance(e, ast.BoolOp):
            vals = None
            for v in e.values:
                vals = self.expr(v, s)
                if isinstance(e.op, ast.And) and not vals:
                    return vals
                if isinstance(e.op, ast.Or) and vals:
                    return vals
            return vals
        if isinstance(e, ast.JoinedStr):
            out = []
            for part in e.values:
                if isinstance(part, ast.Constant):
                    out.append(str(part.value))
                elif isinstance(part, ast.FormattedValue):
                    v = self.expr(part.value, s)
                    v = {115: str, 114: repr, 97: ascii}.get(part.conversion, lambda x: x)(v)
                    spec = "".join(str(self.expr(x, s)) for x in part.format_spec.values) \
                        if part.format_spec else ""
                    out.append(format(v, spec))
            return "".join(out)
        if isinstance(e, ast.List | ast.Tuple):
            items = [self.expr(x, s) for x in e.elts]
            return items if isinstance(e, ast.List) else tuple(items)
        if isinstance(e, ast.Dict) and all(k is not None for k in e.keys):
            return {self.expr(k, s): self.expr(v, s) for k, v in zip(e.keys, e.values)}
        if isinstance(e, ast.Subscript):
            base = self.expr(e.value, s)
            if isinstance(e.slice, ast.Slice):
                parts = [self.expr(x, s) if x is not None else None
                         for x in (e.slice.lower, e.slice.upper, e.slice.step)]
                return base[slice(*parts)]
            key = self.expr(e.slice, s)
            try:
                return base[key]
            except (KeyError, IndexError, TypeError) as err:
                raise _PyError(type(err).__name__, str(err), s.lineno) from None
        if isinstance(e, ast.Attribute) and _dotted(e) == "os.environ":
            return dict(self.m.env_items())
        if isinstance(e, ast.Call):
            return self.call(e, s)
        raise _Unsupported(type(e).__name__)

    def call(self, e: ast.Call, s: ast.stmt) -> Any:
        """The result of a supported call; ``print`` writes the output."""
        name = _dotted(e.func)
        args = [self.expr(a, s) for a in e.args]
        kwargs = {k.arg: self.expr(k.value, s) for k in e.keywords if k.arg}
        if name == "print":
            sep = kwargs.get("sep", " ")
            end = kwargs.get("end", "\n")
            text = (sep if sep is not None else " ").join(str(a) for a in args)
            self.out(text + (end if end is not None else "\n"))
            if kwargs.get("flush"):
                self.flush()
            return None
        if name == "time.sleep":
            self.m.advance(float(args[0]))
            return None
        if name in ("sys.exit", "exit", "quit"):
            code = args[0] if args else 0
            if isinstance(code, str):
                self.flush()
                self.m.err(code)
                raise Exit(1)
            raise Exit(int(code or 0))
        if name in ("os.getenv", "os.environ.get"):
            return dict(self.m.env_items()).get(args[0], args[1] if len(args) > 1 else None)
        if name in self._FUNCS:
            try:
                result = self._FUNCS[name](*args, **kwargs)
            except (TypeError, ValueError) as err:
                raise _PyError(type(err).__name__, str(err), s.lineno) from None
            if name == "range" and len(result) > 100_000:
                raise _Unsupported("huge range")
            return result
        if isinstance(e.func, ast.Attribute) and e.func.attr in ("upper", "lower", "strip", "split",
                                                                 "join", "replace", "format",
                                                                 "title", "items", "keys",
                                                                 "values", "get"):
            obj = self.expr(e.func.value, s)
            return getattr(obj, e.func.attr)(*args, **kwargs)
        raise _Unsupported(f"call to {name or 'a function'}")


def _dotted(e: ast.expr) -> str:
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        return _dotted(e.value) + "." + e.attr
    return ""
