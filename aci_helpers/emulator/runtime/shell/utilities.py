"""The Linux utilities the simulated images provide (sleep, cat, tail, head, env, date, ls,
cp ...), run when the image has them.

Each function takes the :class:`~.machine.Machine` and argv, writes through ``m.write`` and
returns the exit status. Messages follow busybox (``ash`` images: alpine, busybox) or
GNU coreutils (``dash`` and ``bash`` images: debian, ubuntu, python, node, nginx ...).
"""

from __future__ import annotations

import math
import re
from typing import Callable

from .. import timing
from ..files import ReadOnlyFile
from ..lines import formatted
from .arith import ArithError, arith_eval
from .builtin import echo, printf, test
from .machine import CommandFn, Machine
from .signals import Forever, Periodic


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
        if not m.image.busybox:
            m.err("Try 'sleep --help' for more information.")
        return 1
    total = 0.0
    for arg in argv[1:]:
        d = _duration(arg)
        if d is None:
            if m.image.busybox:
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


def _read_only(m: Machine, prog: str, name: str, busybox_verb: str, gnu_verb: str) -> None:
    """The message of a utility refused by a read-only mount."""
    m.err(f"{prog}: {busybox_verb} '{name}': Read-only file system" if m.image.busybox
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
        m.err(f"{prog}: read error: Is a directory" if m.image.busybox else f"{prog}: {name}: Is a directory")
        return None
    if name in ("/etc/hostname",):
        return m.frame.vars.get("HOSTNAME", "") + "\n"
    if name == "/etc/os-release":
        return _OS_RELEASE.get(m.image.shell, _OS_RELEASE["dash"])
    if m.image.busybox:
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
    m.err(f"{prog}: invalid number '{value}'" if m.image.busybox
          else f"{prog}: invalid number of lines: '{value}'")
    return 1


def _print_lines(m: Machine, prog: str, files: list[str],
                 pick: Callable[[list[str]], list[str]]) -> tuple[int, str | None]:
    """Print ``pick(lines)`` of each file (standard input if none); (status, last text read)."""
    status, text = 0, None
    for name in files or ["-"]:
        text = _read_file(m, prog, name)
        if text is None:
            status = 1
            continue
        m.write("".join(pick(text.splitlines(keepends=True))))
    return status, text


def tail(m: Machine, argv: list[str]) -> int:
    """``tail [-n N] [-f] [FILE...]``: the last lines of each file; ``-f`` then blocks forever."""
    try:
        n, follow, files = _lines_arg(argv[1:])
    except _BadCount as e:
        return _count_error(m, "tail", str(e))
    status, text = _print_lines(m, "tail", files, lambda lines: lines[-n:] if n else [])
    if follow and len(files) == 1 and status == 0:
        _follow(m, m.abspath(files[0]), files[0], text or "")
    if follow and (status == 0 or m.image.busybox):
        raise Forever()
    if follow and not m.image.busybox:
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
    return _print_lines(m, "head", files, lambda lines: lines[:n])[0]


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
    m.write(formatted(fmt, m.epoch))
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
    if m.image.busybox:
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
        tail_ = "x86_64 Linux" if m.image.busybox else "x86_64 GNU/Linux"
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
        m.err(f"seq: invalid number '{nums[0] if nums else ''}'" if m.image.busybox
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
                m.err(f"touch: {a}: Read-only file system" if m.image.busybox
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
            m.err(f"rm: can't remove '{a}': No such file or directory" if m.image.busybox
                  else f"rm: cannot remove '{a}': No such file or directory")
            status = 1
    return status


def _copy(m: Machine, argv: list[str], move: bool) -> int:
    """``cp SRC... DEST`` / ``mv SRC... DEST``: files only; DEST may be a directory."""
    prog = "mv" if move else "cp"
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) < 2:
        m.err(f"{prog}: missing destination file operand" if not m.image.busybox
              else f"BusyBox: {prog}: need at least two arguments")
        return 1
    *sources, dest = args
    dest_path = m.abspath(dest)
    into = m.is_dir(dest_path) and dest_path not in m.fs
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
            m.err(f"ls: {t}: No such file or directory" if m.image.busybox
                  else f"ls: cannot access '{t}': No such file or directory")
            status = 1 if m.image.busybox else 2
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
                v = arith_eval(f"{int(a)} {'==' if op == '=' else op} {int(b)}", {})
        elif len(args) == 1:
            m.line(args[0])
            return 0 if args[0] not in ("", "0") else 1
        else:
            raise ValueError
    except (ValueError, ArithError):
        m.err("expr: syntax error")
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


UTILITIES: dict[str, CommandFn] = {
    "echo": lambda m, a: echo(m, a), "printf": printf, "sleep": sleep, "cat": cat,
    "true": lambda m, a: 0, "false": lambda m, a: 1, "env": env, "printenv": printenv,
    "date": date, "hostname": hostname, "whoami": whoami, "pwd": lambda m, a: (m.line(m.frame.cwd), 0)[1],
    "uname": uname, "tail": tail, "head": head, "seq": seq, "test": test, "[": test,
    "mkdir": mkdir, "touch": touch, "rm": rm, "ls": ls, "id": id_, "wc": wc, "expr": expr,
    "basename": basename, "dirname": dirname, "yes": yes,
    "cp": lambda m, a: _copy(m, a, move=False), "mv": lambda m, a: _copy(m, a, move=True),
}
