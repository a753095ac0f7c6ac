"""The shell's builtins (echo, printf, test/[, cd, export, set, exit, eval, read ...): what
every shell runs itself, with no binary in the image.

Each function takes the :class:`~.machine.Machine` and argv, writes through ``m.write`` and
returns the exit status. Messages follow busybox (``ash`` images: alpine, busybox) or
GNU coreutils and dash/bash (debian, ubuntu, python, node, nginx ...).
"""

from __future__ import annotations

import re

from .machine import Machine
from .messages import builtin_line, illegal_number_line
from .signals import Exit, LoopControl

# ---------------------------------------------------------------------------------------
# echo / printf
# ---------------------------------------------------------------------------------------
_ESC = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r",
        "t": "\t", "v": "\v"}


def _escapes(s: str) -> tuple[str, bool]:
    """Interpret echo -e escapes; returns (text, stop) where stop means ``\\c`` was seen."""
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        d = s[i + 1]
        if d == "c":
            return "".join(out), True
        if d in _ESC:
            out.append(_ESC[d])
            i += 2
            continue
        if d == "0" or d.isdigit():
            j = i + 2 if d == "0" else i + 1
            k = j
            while k < n and k < j + 3 and s[k] in "01234567":
                k += 1
            if d != "0" and k == j:
                out.append(c)
                i += 1
                continue
            out.append(chr(int(s[j:k] or "0", 8) & 0xFF))
            i = k
            continue
        out.append(c)
        i += 1
    return "".join(out), False


def echo(m: Machine, argv: list[str], dash_builtin: bool = False) -> int:
    """``echo [-neE]``; dash's builtin takes only ``-n`` and always interprets escapes."""
    args = argv[1:]
    newline, interpret = True, dash_builtin
    if dash_builtin:
        if args and args[0] == "-n":
            newline = False
            args = args[1:]
    else:
        while args and re.fullmatch(r"-[neE]+", args[0]):
            for flag in args[0][1:]:
                if flag == "n":
                    newline = False
                elif flag == "e":
                    interpret = True
                else:
                    interpret = False
            args = args[1:]
    text = " ".join(args)
    stop = False
    if interpret:
        text, stop = _escapes(text)
    m.write(text + ("\n" if newline and not stop else ""))
    return 0


_FMT = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+))?([sdiouxXfFeEgGcb%])")


def printf(m: Machine, argv: list[str]) -> int:
    """``printf FORMAT [ARG...]``; the format is reused until the arguments run out."""
    if len(argv) < 2:
        m.err("printf: usage: printf format [arguments]" if m.frame.flavour == "bash"
              else "printf: missing format")
        return 2 if m.frame.flavour == "bash" else 1
    fmt, args = argv[1], argv[2:]
    out: list[str] = []
    status = 0
    while True:
        used = 0

        def repl(mt: re.Match) -> str:
            """Format one conversion, taking the next argument."""
            nonlocal used, status
            flags, width, prec, conv = mt.groups()
            if conv == "%":
                return "%"
            arg = args[used] if used < len(args) else None
            used += 1
            spec = "%" + flags + (width or "") + (f".{prec}" if prec is not None else "")
            if conv in "sb":
                s = arg or ""
                if conv == "b":
                    s = _escapes(s)[0]
                return (spec + "s") % s
            if conv == "c":
                return (arg or "")[:1]
            if conv in "diouxX":
                try:
                    v = int(arg or "0", 0) if arg and arg[:2].lower() == "0x" else int(arg or "0")
                except ValueError:
                    m.err(f"printf: invalid number '{arg}'" if m.image.busybox
                          else f"printf: {arg}: invalid number")
                    status = 1
                    v = 0
                return (spec + ("d" if conv in "iu" else conv)) % v
            try:
                v = float(arg or "0")
            except ValueError:
                status = 1
                v = 0.0
            return (spec + conv) % v

        piece = _FMT.sub(repl, fmt)
        piece, stop = _escapes(piece)
        out.append(piece)
        if stop or used == 0 or used >= len(args):
            break
        args = args[used:]
    m.write("".join(out))
    return status


# ---------------------------------------------------------------------------------------
# test / [
# ---------------------------------------------------------------------------------------
class _TestError(Exception):
    pass


def test(m: Machine, argv: list[str]) -> int:
    """``test`` and ``[``: 0 when true, 1 when false, 2 on a usage error."""
    name = argv[0]
    args = argv[1:]
    if name == "[":
        if not args or args[-1] != "]":
            m.err(builtin_line(m.frame.flavour, m.frame.argv0, name, "missing ]"))
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(m, args) else 1
    except _TestError as e:
        m.err(builtin_line(m.frame.flavour, m.frame.argv0, name, str(e)))
        return 2


def _int(m: Machine, s: str) -> int:
    if re.fullmatch(r"\s*-?\d+\s*", s):
        return int(s)
    if m.frame.flavour == "dash":
        raise _TestError(f"Illegal number: {s}")
    if m.frame.flavour == "bash":
        raise _TestError(f"{s}: integer expression expected")
    raise _TestError(f"invalid number '{s}'")


def _test_expr(m: Machine, a: list[str]) -> bool:
    for op in ("-o", "-a"):
        if op in a[1:-1]:
            k = len(a) - 1 - a[::-1].index(op)
            left, right = _test_expr(m, a[:k]), _test_expr(m, a[k + 1:])
            return (left or right) if op == "-o" else (left and right)
    if not a:
        return False
    if a[0] == "!" and len(a) > 1:
        return not _test_expr(m, a[1:])
    if a[0] == "(" and a[-1] == ")":
        return _test_expr(m, a[1:-1])
    if len(a) == 1:
        return a[0] != ""
    if len(a) == 2:
        op, x = a
        path = m.abspath(x)
        if op == "-z":
            return x == ""
        if op == "-n":
            return x != ""
        if op in ("-e", "-f", "-s", "-r", "-w"):
            if op == "-s":
                return bool(m.fs.get(path))
            if op == "-w" and not m.fs.writable(path):
                return False
            return path in m.fs or (op in ("-e", "-r", "-w") and m.is_dir(path))
        if op == "-d":
            return m.is_dir(path)
        if op == "-x":
            return m.has_executable(x)
        if op in ("-L", "-h", "-p", "-S", "-b", "-c", "-t"):
            return False
        raise _TestError(f"{op}: unary operator expected")
    if len(a) == 3:
        x, op, y = a
        if op in ("=", "=="):
            return x == y
        if op == "!=":
            return x != y
        if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
            i, j = _int(m, x), _int(m, y)
            return {"-eq": i == j, "-ne": i != j, "-lt": i < j, "-le": i <= j, "-gt": i > j,
                    "-ge": i >= j}[op]
        if op == "<":
            return x < y
        if op == ">":
            return x > y
        raise _TestError(f"{op}: binary operator expected")
    raise _TestError("too many arguments")


# ---------------------------------------------------------------------------------------
# builtins
# ---------------------------------------------------------------------------------------
def builtin(m: Machine, argv: list[str]) -> int:
    """Run a shell builtin (echo, cd, export, set, exit, eval, read, ...)."""
    name, args = argv[0], argv[1:]
    f = m.frame
    if name == "echo":
        return echo(m, argv, dash_builtin=(f.flavour == "dash"))
    if name == "printf":
        return printf(m, argv)
    if name in ("test", "["):
        return test(m, argv)
    if name in ("true", ":"):
        return 0
    if name == "false":
        return 1
    if name == "pwd":
        m.line(f.cwd)
        return 0
    if name == "exit":
        code = m.status
        if args:
            try:
                code = int(args[0])
            except ValueError:
                m.err(illegal_number_line(f.flavour, f.argv0, "exit", args[0]))
                code = 2
        raise Exit(code & 0xFF)
    if name in ("export", "local"):
        for a in args:
            if a.startswith("-"):
                continue
            if "=" in a:
                k, v = a.split("=", 1)
                f.vars[k] = v
            else:
                k = a
            if name == "export":
                f.exported.add(k)
        if name == "export" and not args:
            for k, v in m.env_items():
                m.line(f"export {k}='{v}'")
        return 0
    if name == "unset":
        for a in args:
            if not a.startswith("-"):
                f.vars.pop(a, None)
                f.exported.discard(a)
        return 0
    if name == "cd":
        target = args[0] if args else f.vars.get("HOME", "/root")
        f.cwd = m.abspath(target)
        return 0
    if name == "set":
        for a in args:
            if a.startswith("-") and "e" in a[1:]:
                f.errexit = True
            elif a.startswith("+") and "e" in a[1:]:
                f.errexit = False
        if args and args[0] == "--":
            f.positional = args[1:]
        return 0
    if name in ("break", "continue"):
        if not m.loop_depth:
            if f.flavour == "bash":
                m.err(f"{f.argv0}: line 1: {name}: only meaningful in a `for', `while', or "
                      f"`until' loop")
            return 0
        n = int(args[0]) if args and args[0].isdigit() else 1
        raise LoopControl(name, max(n, 1))
    if name == "shift":
        n = int(args[0]) if args and args[0].isdigit() else 1
        f.positional = f.positional[n:]
        return 0
    if name == "exec":
        if not args:
            return 0
        status = m.command(args, line=1, shell=False)
        raise Exit(status)
    if name == "eval":
        return m.run_script(" ".join(args)) if args else 0
    if name in ("source", "."):
        if not args:
            return 0
        text = m.fs.get(m.abspath(args[0]))
        if text is None:
            m.err(f"{f.argv0}: {args[0]}: No such file or directory" if f.flavour != "dash"
                  else f"{f.argv0}: 1: .: cannot open {args[0]}: No such file")
            return 1 if f.flavour == "bash" else 2
        return m.run_script(text)
    if name == "read":
        names = [a for a in args if not a.startswith("-")] or ["REPLY"]
        if not m.stdin:
            return 1
        line, _, rest = m.stdin.partition("\n")
        m.stdin = rest
        vals = line.split(None, len(names) - 1)
        for i, k in enumerate(names):
            f.vars[k] = vals[i] if i < len(vals) else ""
        return 0
    if name == "return":
        raise Exit(int(args[0]) if args else m.status)
    if name in ("type", "command"):
        if name == "command" and args and args[0] != "-v":
            return m.command(args, line=1, shell=True)
        names = [a for a in args if not a.startswith("-")]
        status = 0
        for a in names:
            if a in ("echo", "printf", "test", "[", "true", "false", "pwd", "exit", "cd"):
                m.line(a if name == "command" else f"{a} is a shell builtin")
            elif m.has_executable(a):
                m.line(f"/usr/bin/{a}" if name == "command" else f"{a} is /usr/bin/{a}")
            else:
                status = 1
        return status
    return 0  # trap, wait, umask, ulimit: nothing observable here


#: Every builtin, by name: the shell runs them itself (`builtin` picks the behaviour).
BUILTINS = {name: builtin for name in (
    "echo", "printf", "test", "[", "true", "false", "pwd", ":", "exit", "export", "unset", "cd",
    "set", "break", "continue", "shift", "exec", "eval", "trap", "wait", "read", "source", ".",
    "local", "return", "type", "command", "umask", "ulimit")}
