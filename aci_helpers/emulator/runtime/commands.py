"""Shell builtins and the small set of Linux utilities the simulated images provide.

Each function takes the :class:`~.shell.Machine` and argv, writes through ``m.write`` and
returns the exit status. Messages follow busybox (``ash`` images: alpine, busybox) or
GNU coreutils (``dash`` and ``bash`` images: debian, ubuntu, python, node, nginx ...).
"""

from __future__ import annotations

import math
import re
from typing import Callable

from .files import ReadOnlyFile
from .shell import (ArithError, Forever, Machine, Periodic, TimeText, _Exit, _LoopCtl,
                    strftime_utc)
from . import timing

UtilityFn = Callable[[Machine, list[str]], int]


def _busybox(m: Machine) -> bool:
    return m.image.shell in ("ash", "none")


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
                    m.err(f"printf: invalid number '{arg}'" if _busybox(m)
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
            _test_msg(m, name, "missing ]")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(m, args) else 1
    except _TestError as e:
        _test_msg(m, name, str(e))
        return 2


def _test_msg(m: Machine, name: str, what: str) -> None:
    f = m.frame
    if f.flavour == "dash":
        m.err(f"{f.argv0}: 1: {name}: {what}")
    elif f.flavour == "bash":
        m.err(f"{f.argv0}: line 1: {name}: {what}")
    else:
        m.err(f"{f.argv0}: {name}: {what}")


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
            return path in m.fs or (op in ("-e", "-r", "-w") and _is_dir(m, path))
        if op == "-d":
            return _is_dir(m, path)
        if op == "-x":
            return m._has(x)
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
                m.err(_illegal_number(m, "exit", args[0]))
                code = 2
        raise _Exit(code & 0xFF)
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
        raise _LoopCtl(name, max(n, 1))
    if name == "shift":
        n = int(args[0]) if args and args[0].isdigit() else 1
        f.positional = f.positional[n:]
        return 0
    if name == "exec":
        if not args:
            return 0
        status = m.command(args, line=1, shell=False)
        raise _Exit(status)
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
        raise _Exit(int(args[0]) if args else m.status)
    if name in ("type", "command"):
        if name == "command" and args and args[0] != "-v":
            return m.command(args, line=1, shell=True)
        names = [a for a in args if not a.startswith("-")]
        status = 0
        for a in names:
            if a in ("echo", "printf", "test", "[", "true", "false", "pwd", "exit", "cd"):
                m.line(a if name == "command" else f"{a} is a shell builtin")
            elif m._has(a):
                m.line(f"/usr/bin/{a}" if name == "command" else f"{a} is /usr/bin/{a}")
            else:
                status = 1
        return status
    return 0  # trap, wait, umask, ulimit: nothing observable here


def _illegal_number(m: Machine, cmd: str, arg: str) -> str:
    f = m.frame
    if f.flavour == "dash":
        return f"{f.argv0}: 1: {cmd}: Illegal number: {arg}"
    if f.flavour == "bash":
        return f"{f.argv0}: line 1: {cmd}: {arg}: numeric argument required"
    return f"{f.argv0}: {cmd}: Illegal number: {arg}"


# ---------------------------------------------------------------------------------------
# utilities
# ---------------------------------------------------------------------------------------
def _duration(arg: str) -> float | None:
    if arg in ("infinity", "inf"):
        return math.inf
    mt = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
    if not mt:
        return None
    return float(mt.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[mt.group(2)]


def sleep(m: Machine, argv: list[str]) -> int:
    """``sleep DURATION...``: advance the clock by their sum; ``infinity`` blocks forever."""
    if len(argv) < 2:
        m.err("sleep: missing operand")
        if not _busybox(m):
            m.err("Try 'sleep --help' for more information.")
        return 1
    total = 0.0
    for arg in argv[1:]:
        d = _duration(arg)
        if d is None:
            if _busybox(m):
                m.err(f"sleep: invalid number '{arg}'")
            else:
                m.err(f"sleep: invalid time interval '{arg}'")
                m.err("Try 'sleep --help' for more information.")
            return 1
        total += d
    if math.isinf(total):
        raise Forever()
    m.advance(total)
    return 0


_SYSTEM_DIRS = frozenset({"/", "/tmp", "/etc", "/usr", "/bin", "/root", "/var", "/dev", "/proc"})


def _is_dir(m: Machine, path: str) -> bool:
    return path in _SYSTEM_DIRS or m.fs.is_dir(path)


def _read_only(m: Machine, prog: str, name: str, busybox_verb: str, gnu_verb: str) -> None:
    """The message of a utility refused by a read-only mount."""
    m.err(f"{prog}: {busybox_verb} '{name}': Read-only file system" if _busybox(m)
          else f"{prog}: {gnu_verb} '{name}': Read-only file system")


def _read_file(m: Machine, prog: str, name: str) -> str | None:
    if name == "-":
        return m.stdin
    if name == "/dev/null":
        return ""
    path = m.abspath(name)
    if path in m.fs:
        return m.fs[path]
    if m.fs.is_dir(path):
        m.err(f"{prog}: read error: Is a directory" if _busybox(m) else f"{prog}: {name}: Is a directory")
        return None
    if name in ("/etc/hostname",):
        return m.frame.vars.get("HOSTNAME", "") + "\n"
    if name == "/etc/os-release":
        return _OS_RELEASE.get(m.image.shell, _OS_RELEASE["dash"])
    if _busybox(m):
        m.err(f"{prog}: can't open '{name}': No such file or directory")
    else:
        m.err(f"{prog}: {name}: No such file or directory")
    return None


_OS_RELEASE = {
    "ash": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.0\nPRETTY_NAME="Alpine Linux v3.21"\n',
    "dash": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
            'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
    "bash": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
            'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
}


def cat(m: Machine, argv: list[str]) -> int:
    """``cat [FILE...]``: print the files (``-`` or none: standard input)."""
    files = [a for a in argv[1:] if not (a.startswith("-") and a != "-")] or ["-"]
    status = 0
    for name in files:
        text = _read_file(m, "cat", name)
        if text is None:
            status = 1
        else:
            m.write(text)
    return status


class _BadCount(Exception):
    pass


def _lines_arg(args: list[str]) -> tuple[int, bool, list[str]]:
    n, follow, files = 10, False, []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-f", "-F", "--follow"):
            follow = True
        elif a == "-n" and i + 1 < len(args):
            if not args[i + 1].lstrip("+").isdigit():
                raise _BadCount(args[i + 1])
            n = int(args[i + 1].lstrip("+"))
            i += 1
        elif re.fullmatch(r"-n?\d+", a):
            n = int(a.lstrip("-n"))
        elif a.startswith("-") and a != "-":
            if "f" in a:
                follow = True
        else:
            files.append(a)
        i += 1
    return n, follow, files


def _count_error(m: Machine, prog: str, value: str) -> int:
    m.err(f"{prog}: invalid number '{value}'" if _busybox(m)
          else f"{prog}: invalid number of lines: '{value}'")
    return 1


def tail(m: Machine, argv: list[str]) -> int:
    """``tail [-n N] [-f] [FILE...]``: the last lines of each file; ``-f`` then blocks forever."""
    try:
        n, follow, files = _lines_arg(argv[1:])
    except _BadCount as e:
        return _count_error(m, "tail", str(e))
    status = 0
    for name in files or ["-"]:
        text = _read_file(m, "tail", name)
        if text is None:
            status = 1
            continue
        lines = text.splitlines(keepends=True)
        m.write("".join(lines[-n:] if n else []))
    if follow and len(files) == 1 and status == 0:
        _follow(m, m.abspath(files[0]), files[0], text or "")
    if follow and (status == 0 or _busybox(m)):
        raise Forever()
    if follow and not _busybox(m):
        m.err("tail: no files remaining")
    return status


def _follow(m: Machine, path: str, name: str, seen: str) -> None:
    """``tail -f`` of a file another container writes: print what it adds, when it adds it."""
    for t in m.fs.future_writes(path):
        m.advance(t - m.clock)
        now = m.fs.get(path, "")
        if now.startswith(seen):
            m.write(now[len(seen):])
        else:
            m.err(f"tail: {name}: file truncated")
            m.write(now)
        seen = now


def head(m: Machine, argv: list[str]) -> int:
    """``head [-n N] [FILE...]``: the first lines of each file."""
    try:
        n, _, files = _lines_arg(argv[1:])
    except _BadCount as e:
        return _count_error(m, "head", str(e))
    status = 0
    for name in files or ["-"]:
        text = _read_file(m, "head", name)
        if text is None:
            status = 1
            continue
        m.write("".join(text.splitlines(keepends=True)[:n]))
    return status


def env(m: Machine, argv: list[str]) -> int:
    """``env [-i] [NAME=value...] [CMD...]``: run CMD with these variables, or print them."""
    args = argv[1:]
    extra: list[tuple[str, str]] = []
    ignore = False
    while args and ("=" in args[0] or args[0] in ("-i", "-")):
        a = args.pop(0)
        if a in ("-i", "-"):
            ignore = True
        else:
            k, v = a.split("=", 1)
            extra.append((k, v))
    if args:
        f = m.frame
        saved = (dict(f.vars), set(f.exported))
        if ignore:
            f.vars, f.exported = {}, set()
        for k, v in extra:
            f.vars[k] = v
            f.exported.add(k)
        try:
            return m.command(args, line=1, shell=False)
        finally:
            f.vars, f.exported = saved
    items = [] if ignore else m.env_items()
    merged = dict(items)
    merged.update(extra)
    for k, v in merged.items():
        m.line(f"{k}={v}")
    return 0


def printenv(m: Machine, argv: list[str]) -> int:
    """``printenv [NAME...]``: the whole environment or the named values (1 if one is unset)."""
    env_map = dict(m.env_items())
    if len(argv) == 1:
        for k, v in env_map.items():
            m.line(f"{k}={v}")
        return 0
    status = 0
    for name in argv[1:]:
        if name in env_map:
            m.line(env_map[name])
        else:
            status = 1
    return status


def date(m: Machine, argv: list[str]) -> int:
    """``date [+FORMAT] [-u|-R|-I]``: the time it prints at, in UTC."""
    fmt = "%a %b %e %H:%M:%S UTC %Y"
    for a in argv[1:]:
        if a.startswith("+"):
            fmt = a[1:]
        elif a in ("-u", "--utc", "-R", "-I"):
            if a == "-R":
                fmt = "%a, %d %b %Y %H:%M:%S +0000"
            elif a == "-I":
                fmt = "%Y-%m-%d"
        else:
            m.err(f"date: invalid date '{a}'")
            return 1
    m.write(TimeText(lambda e, fmt=fmt: strftime_utc(fmt, e), m.epoch))
    m.write("\n")
    return 0


def hostname(m: Machine, argv: list[str]) -> int:
    """``hostname``: the ``HOSTNAME`` variable (``localhost`` when unset)."""
    m.line(m.frame.vars.get("HOSTNAME", "localhost"))
    return 0


def whoami(m: Machine, argv: list[str]) -> int:
    """``whoami``: always root."""
    m.line("root")
    return 0


def id_(m: Machine, argv: list[str]) -> int:
    """``id``: root's ids, with busybox's longer group list on busybox images."""
    if _busybox(m):
        m.line("uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),"
               "10(wheel),11(floppy),20(dialout),26(tape),27(video)")
    else:
        m.line("uid=0(root) gid=0(root) groups=0(root)")
    return 0


KERNEL = "5.15.0-1079-azure"  # guess: a typical ACI host kernel string


def uname(m: Machine, argv: list[str]) -> int:
    """``uname [-asnrm]``: Linux on a typical ACI host kernel, x86_64."""
    flags = "".join(a.lstrip("-") for a in argv[1:]) or "s"
    host = m.frame.vars.get("HOSTNAME", "localhost")
    if "a" in flags:
        tail_ = "x86_64 Linux" if _busybox(m) else "x86_64 GNU/Linux"
        m.line(f"Linux {host} {KERNEL} #89-Ubuntu SMP Tue Nov 26 2024 {tail_}")
        return 0
    parts = []
    for ch, val in (("s", "Linux"), ("n", host), ("r", KERNEL), ("m", "x86_64")):
        if ch in flags:
            parts.append(val)
    m.line(" ".join(parts))
    return 0


def seq(m: Machine, argv: list[str]) -> int:
    """``seq [FIRST [INC]] LAST``: integers only, at most a million of them."""
    nums = argv[1:]
    try:
        vals = [int(x) for x in nums]
    except ValueError:
        m.err(f"seq: invalid number '{nums[0] if nums else ''}'" if _busybox(m)
              else f"seq: invalid floating point argument: '{nums[0] if nums else ''}'")
        return 1
    if len(vals) == 1:
        first, inc, last = 1, 1, vals[0]
    elif len(vals) == 2:
        first, inc, last = vals[0], 1, vals[1]
    elif len(vals) == 3:
        first, inc, last = vals
    else:
        m.err("seq: missing operand")
        return 1
    if inc == 0 or (last - first) / inc > 1_000_000:
        m.err("[aci-emulator] seq: sequences longer than 1,000,000 numbers are not simulated")
        return 1
    m.write("".join(f"{v}\n" for v in range(first, last + (1 if inc > 0 else -1), inc)))
    return 0


def mkdir(m: Machine, argv: list[str]) -> int:
    """``mkdir``: succeeds (directories are not stored: they follow from file paths),
    except in a read-only mount."""
    status = 0
    for a in argv[1:]:
        if not a.startswith("-") and not m.fs.writable(m.abspath(a)):
            _read_only(m, "mkdir", a, "can't create directory", "cannot create directory")
            status = 1
    return status


def touch(m: Machine, argv: list[str]) -> int:
    """``touch FILE...``: create the missing files, empty."""
    status = 0
    for a in argv[1:]:
        if not a.startswith("-"):
            try:
                m.fs.setdefault(m.abspath(a), "")
            except ReadOnlyFile:
                m.err(f"touch: {a}: Read-only file system" if _busybox(m)
                      else f"touch: cannot touch '{a}': Read-only file system")
                status = 1
    return status


def rm(m: Machine, argv: list[str]) -> int:
    """``rm [-f] FILE...``: remove files (a missing one is an error without ``-f``)."""
    status = 0
    force = any(a.startswith("-") and "f" in a for a in argv[1:])
    for a in argv[1:]:
        if a.startswith("-"):
            continue
        try:
            gone = m.fs.pop(m.abspath(a), None)
        except ReadOnlyFile:
            _read_only(m, "rm", a, "can't remove", "cannot remove")
            status = 1
            continue
        if gone is None and not force:
            m.err(f"rm: can't remove '{a}': No such file or directory" if _busybox(m)
                  else f"rm: cannot remove '{a}': No such file or directory")
            status = 1
    return status


def _copy(m: Machine, argv: list[str], move: bool) -> int:
    """``cp SRC... DEST`` / ``mv SRC... DEST``: files only; DEST may be a directory."""
    prog = "mv" if move else "cp"
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) < 2:
        m.err(f"{prog}: missing destination file operand" if not _busybox(m)
              else f"BusyBox: {prog}: need at least two arguments")
        return 1
    *sources, dest = args
    dest_path = m.abspath(dest)
    into = _is_dir(m, dest_path) and dest_path not in m.fs
    status = 0
    for src in sources:
        text = _read_file(m, prog, src)
        if text is None:
            status = 1
            continue
        target = dest_path.rstrip("/") + "/" + src.rstrip("/").rsplit("/", 1)[-1] if into \
            else dest_path
        try:
            m.fs[target] = text
            if move:
                m.fs.pop(m.abspath(src), None)
        except ReadOnlyFile:
            _read_only(m, prog, dest if not move or m.fs.writable(target) else src,
                       "can't create", "cannot create regular file")
            status = 1
    return status


_ROOT_DIRS = ["bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run",
              "sbin", "srv", "sys", "tmp", "usr", "var"]


def ls(m: Machine, argv: list[str]) -> int:
    """``ls [PATH...]``: the names in each directory, or the file's own name."""
    targets = [a for a in argv[1:] if not a.startswith("-")] or [m.frame.cwd]
    status = 0
    for t in targets:
        path = m.abspath(t)
        if path in m.fs:
            m.line(t)
            continue
        prefix = path.rstrip("/") + "/"
        names = sorted({p[len(prefix):].split("/")[0] for p in m.fs if p.startswith(prefix)}
                       | {mp.path[len(prefix):].split("/")[0] for mp in m.fs.mounts
                          if mp.path.startswith(prefix)})
        if path == "/":
            names = sorted(set(names) | set(_ROOT_DIRS))
        if names or path in ("/", "/tmp", "/root", "/home", "/var", "/usr", "/etc") or \
                m.fs.is_dir(path):
            for name in names:
                m.line(name)
        else:
            m.err(f"ls: {t}: No such file or directory" if _busybox(m)
                  else f"ls: cannot access '{t}': No such file or directory")
            status = 1 if _busybox(m) else 2
    return status


def wc(m: Machine, argv: list[str]) -> int:
    """``wc [-lwc] [FILE]``: line, word and byte counts of the file or standard input."""
    flags = "".join(a.lstrip("-") for a in argv[1:] if a.startswith("-")) or "lwc"
    files = [a for a in argv[1:] if not a.startswith("-")]
    text = m.stdin if not files else (_read_file(m, "wc", files[0]) or "")
    counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
    vals = [str(counts[k]) for k in "lwc" if k in flags]
    m.line(" ".join(vals) + (f" {files[0]}" if files else ""))
    return 0


def expr(m: Machine, argv: list[str]) -> int:
    """``expr``: one integer or comparison expression (``A OP B``), or a single value."""
    args = argv[1:]
    try:
        if len(args) == 3 and args[1] in ("+", "-", "*", "/", "%", "<", ">", "=", "!=", "<=", ">="):
            a, op, b = args
            if op in ("=", "!=") and not (a.lstrip("-").isdigit() and b.lstrip("-").isdigit()):
                v = int((a == b) == (op == "="))
            else:
                from .shell import _arith_eval  # noqa: PLC0415
                v = _arith_eval(f"{int(a)} {'==' if op == '=' else op} {int(b)}", {})
        elif len(args) == 1:
            m.line(args[0])
            return 0 if args[0] not in ("", "0") else 1
        else:
            raise ValueError
    except (ValueError, ArithError):
        m.err("expr: syntax error" if not _busybox(m) else "expr: syntax error")
        return 2
    m.line(str(v))
    return 0 if v else 1


def basename(m: Machine, argv: list[str]) -> int:
    """``basename PATH [SUFFIX]``."""
    if len(argv) < 2:
        return 1
    b = argv[1].rstrip("/").rsplit("/", 1)[-1] or "/"
    if len(argv) > 2 and b.endswith(argv[2]) and b != argv[2]:
        b = b[: -len(argv[2])]
    m.line(b)
    return 0


def dirname(m: Machine, argv: list[str]) -> int:
    """``dirname PATH``."""
    if len(argv) < 2:
        return 1
    d = argv[1].rstrip("/").rpartition("/")[0]
    m.line(d or ("/" if argv[1].startswith("/") else "."))
    return 0


def yes(m: Machine, argv: list[str]) -> int:
    """``yes [TEXT]``: the text repeated forever in the log (captured or redirected: blocks)."""
    text = " ".join(argv[1:]) or "y"
    if m.capture_depth or m.fds.get(1) != "log":
        raise Forever()
    raise Periodic(m.clock, timing.MIN_LOOP_ITERATION_SECONDS, [(0.0, text)])


UTILITIES: dict[str, UtilityFn] = {
    "echo": lambda m, a: echo(m, a), "printf": printf, "sleep": sleep, "cat": cat,
    "true": lambda m, a: 0, "false": lambda m, a: 1, "env": env, "printenv": printenv,
    "date": date, "hostname": hostname, "whoami": whoami, "pwd": lambda m, a: (m.line(m.frame.cwd), 0)[1],
    "uname": uname, "tail": tail, "head": head, "seq": seq, "test": test, "[": test,
    "mkdir": mkdir, "touch": touch, "rm": rm, "ls": ls, "id": id_, "wc": wc, "expr": expr,
    "basename": basename, "dirname": dirname, "yes": yes,
    "cp": lambda m, a: _copy(m, a, move=False), "mv": lambda m, a: _copy(m, a, move=True),
}
