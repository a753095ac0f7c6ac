"""Special executables of the simulated images: node, python, nginx, httpd, redis, hello,
watch and curl, and the tutorial programs built on them (aci-helloworld, the sidecar and
aci-wordcount). Registered into :data:`.shell.SPECIAL` on import.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Callable, Sequence

from . import timing, wordcount
from .images import ImageInfo
from .program import LineText
from .shell import SPECIAL, Machine, TimeText, _Exit, strftime_utc

#: The sidecar's curl version as the docs' access log shows it (User-Agent curl/7.54.0).
CURL_USER_AGENT = "curl/7.54.0"
#: Container IP address httpd reports (guess; ACI does not document it).
CONTAINER_IP = "10.0.0.4"
SERVERS = ("helloworld", "nginx", "httpd")


def _t(m: Machine, fmt: str) -> TimeText:
    return TimeText(lambda e, fmt=fmt: strftime_utc(fmt, e), m.epoch)


def _env(m: Machine, name: str, default: str | None = None) -> str | None:
    return dict(m.env_items()).get(name, default)


def _unsupported(m: Machine, what: str) -> int:
    m.err(f"[aci-emulator] {what} is not simulated; the emulator did not run it")
    return 1


# ---------------------------------------------------------------------------------------
# access logs of servers polled by a sidecar peer
# ---------------------------------------------------------------------------------------
def _sidecar_peer(m: Machine) -> bool:
    return any(p.behaviour == "sidecar" for p in m.peers)


def _access_cycle(m: Machine, fmt_line: Callable[[float], str]) -> tuple[float, float, list[tuple[float, LineText]]] | None:
    if not _sidecar_peer(m):
        return None
    line = TimeText(fmt_line, m.epoch)
    return (timing.SIDECAR_FIRST_REQUEST_SECONDS - m.clock, timing.SIDECAR_INTERVAL_SECONDS,
            [(0.0, line)])


def _clf(e: float) -> str:
    return strftime_utc("%d/%b/%Y:%H:%M:%S +0000", e)


# ---------------------------------------------------------------------------------------
# node (aci-helloworld)
# ---------------------------------------------------------------------------------------
def node(m: Machine, argv: list[str]) -> int:
    """``node [-v | SCRIPT]``: runs aci-helloworld's app; a missing script fails as in node."""
    args = argv[1:]
    version = m.image.version("node", "v22.12.0")
    if not args:
        return 0  # REPL with no tty reads an empty stdin and exits
    if args[0] in ("-v", "--version"):
        m.line(version)
        return 0
    if args[0] in ("-e", "--eval", "-p", "--print"):
        return _unsupported(m, "node -e (JavaScript)")
    script = m.abspath(args[0])
    if m.image.behaviour == "helloworld" and script in ("/usr/src/app/index.js", "/usr/src/app"):
        return helloworld(m)
    if script in m.fs:
        return _unsupported(m, f"node {args[0]}")
    for text in ["node:internal/modules/cjs/loader:1228", "  throw err;", "  ^", "",
                 f"Error: Cannot find module '{script}'",
                 "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
                 "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
                 "    at Function.executeUserEntryPoint [as runMain] "
                 "(node:internal/modules/run_main:174:12)",
                 "    at node:internal/main/run_main_module:28:49 {",
                 "  code: 'MODULE_NOT_FOUND',", "  requireStack: []", "}", "",
                 f"Node.js {version}"]:
        m.err(text)
    return 1


def helloworld(m: Machine) -> int:
    """aci-helloworld: `listening on port 80`, then a morgan `combined` line per request."""
    port = _env(m, "PORT") or "80"
    cycle = _access_cycle(m, lambda e: f'::1 - - [{_clf(e)}] "HEAD / HTTP/1.1" 200 1663 "-" '
                                       f'"{CURL_USER_AGENT}"')
    m.serve([(timing.HELLOWORLD_LISTEN_SECONDS, f"listening on port {port}")], cycle)
    return 0


def node_entrypoint(m: Machine, argv: list[str]) -> int:
    """docker-entrypoint.sh of the node and redis images: exec the arguments."""
    args = argv[1:]
    if m.image.behaviour == "redis":
        if not args or args[0].startswith("-") or args[0].endswith(".conf"):
            args = ["redis-server", *args]
    elif not args or args[0].startswith("-") or not m._has(args[0]):
        args = ["node", *args]
    return m.command(args, line=1, shell=False)


# ---------------------------------------------------------------------------------------
# sidecar: watch + curl
# ---------------------------------------------------------------------------------------
def watch(m: Machine, argv: list[str]) -> int:
    """busybox watch: a header, a blank line, the command's output; every N seconds."""
    args = argv[1:]
    period_str, title = "2", True
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt in ("-n", "--interval") and args:
            period_str = args.pop(0)
        elif opt.startswith("-n") and len(opt) > 2:
            period_str = opt[2:]
        elif opt in ("-t", "--no-title"):
            title = False
    if not args:
        m.err("Usage: watch [-n SEC] [-t] PROG ARGS")
        return 1
    try:
        period = float(period_str)
    except ValueError:
        m.err(f"watch: invalid number '{period_str}'")
        return 1
    cmd = " ".join(args)
    # busybox pads "Every Ns: cmd" to the 80-column default width and writes the time
    # over its last 20 characters, so the header is 79 characters long.
    prefix = f"Every {period_str}s: {cmd}".ljust(60)[:60]

    def iteration(mm: Machine) -> bool:
        """One refresh: the header (unless ``-t``), the command's output, then the interval."""
        if title:
            mm.line(TimeText(lambda e: prefix + strftime_utc("%Y-%m-%d %H:%M:%S", e), mm.epoch))
            mm.line("")
        mm.run_shell(["/bin/sh", "-c", cmd])
        mm.advance(max(period, 0.1))
        return True

    m.loop(iteration)
    return 0


def _peer_on(m: Machine, port: int) -> ImageInfo | None:
    for p in m.peers:
        if p.behaviour in SERVERS and port in p.ports:
            return p
    return None


_METER = ["  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
          "                                 Dload  Upload   Total   Spent    Left  Speed"]


def _meter(size: int) -> str:
    return f"  0 {size:>5}    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"


def _http_headers(m: Machine, peer: ImageInfo) -> tuple[int, list]:
    date = _t(m, "Date: %a, %d %b %Y %H:%M:%S GMT")
    if peer.behaviour == "helloworld":
        return 1663, ["HTTP/1.1 200 OK", "X-Powered-By: Express", "Accept-Ranges: bytes",
                      "Cache-Control: public, max-age=0",
                      "Last-Modified: Wed, 29 Nov 2017 06:40:40 GMT", 'ETag: W/"67f-16006818640"',
                      "Content-Type: text/html; charset=UTF-8", "Content-Length: 1663", date,
                      "Connection: keep-alive"]
    if peer.behaviour == "nginx":
        v = peer.version("nginx", "1.27.3")
        return 615, ["HTTP/1.1 200 OK", f"Server: nginx/{v}", date, "Content-Type: text/html",
                     "Content-Length: 615", "Last-Modified: Tue, 26 Nov 2024 15:55:00 GMT",
                     "Connection: keep-alive", 'ETag: "6745ef54-267"', "Accept-Ranges: bytes"]
    return 45, ["HTTP/1.1 200 OK", date, f"Server: Apache/{peer.version('httpd', '2.4.62')} (Unix)",
                "Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT", 'ETag: "2d-432a5e4a73a80"',
                "Accept-Ranges: bytes", "Content-Length: 45", "Content-Type: text/html"]


def curl(m: Machine, argv: list[str]) -> int:
    """curl against the group's localhost (peer web servers); any other host fails."""
    args = argv[1:]
    head_only = silent = show_err = fail = False
    url = None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-I", "--head"):
            head_only = True
        elif a in ("-s", "--silent"):
            silent = True
        elif a in ("-S", "--show-error"):
            show_err = True
        elif a in ("-f", "--fail"):
            fail = True
        elif a in ("-o", "--output", "-w", "--write-out", "-H", "--header", "-X", "--request",
                   "-m", "--max-time", "--connect-timeout", "-A", "--user-agent"):
            i += 1
        elif a.startswith("-") and len(a) > 1 and not a.startswith("--"):
            silent |= "s" in a
            show_err |= "S" in a
            fail |= "f" in a
            head_only |= "I" in a
        elif not a.startswith("-"):
            url = a
        i += 1
    if url is None:
        m.err("curl: try 'curl --help' or 'curl --manual' for more information")
        return 2
    mt = re.match(r"^(?:(https?)://)?([^/:]+)(?::(\d+))?(/.*)?$", url)
    if not mt:
        m.err("curl: (3) URL using bad/illegal format or missing URL")
        return 3
    scheme, host, port_s, _path = mt.groups()
    port = int(port_s) if port_s else (443 if scheme == "https" else 80)
    if not silent:
        for text in _METER:
            m.err(text)
    if host in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        peer = _peer_on(m, port)
        if peer is None or scheme == "https":
            if not silent:
                m.err(_meter(0))
            if not silent or show_err:
                m.err(f"curl: (7) Failed to connect to {host} port {port}: Connection refused")
            return 7
        size, headers = _http_headers(m, peer)
        if not silent:
            m.err(_meter(size))
        if head_only:
            for h in headers:
                m.line(h)
            m.line("")
        else:
            m.write(peer.file("/usr/src/app/index.html") or "<html></html>\n")
        return 0
    if not silent:
        m.err(_meter(0))
    if not silent or show_err:
        m.err(f"curl: (6) Could not resolve host: {host}")
    return 6


# ---------------------------------------------------------------------------------------
# python (aci-wordcount, python images)
# ---------------------------------------------------------------------------------------
def python(m: Machine, argv: list[str]) -> int:
    """``python``: ``-V``, ``-c`` code (see MiniPython), ``-m http.server``, aci-wordcount."""
    args = argv[1:]
    version = m.image.version("python", "3.13.1")
    unbuffered = bool(_env(m, "PYTHONUNBUFFERED"))
    while args and args[0].startswith("-") and args[0] not in ("-c", "-m", "-V", "--version", "-"):
        if "u" in args[0]:
            unbuffered = True
        args.pop(0)
    if not args or args[0] == "-":
        m.advance(timing.PYTHON_START_SECONDS)
        return 0  # REPL with no tty: reads an empty stdin and exits
    if args[0] in ("-V", "--version"):
        m.line(f"Python {version}")
        return 0
    m.advance(timing.PYTHON_START_SECONDS)
    if args[0] == "-c":
        if len(args) < 2:
            m.err("Argument expected for the -c option")
            return 2
        return MiniPython(m, unbuffered).run(args[1])
    if args[0] == "-m":
        mod = args[1] if len(args) > 1 else ""
        if mod == "http.server":
            port = args[2] if len(args) > 2 and args[2].isdigit() else "8000"
            lines = []
            if unbuffered:  # print() to a pipe is block-buffered: nothing shows otherwise
                lines = [(0.0, f"Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ...")]
            m.serve(lines)
        return _unsupported(m, f"python -m {mod}")
    script = m.abspath(args[0])
    if m.image.behaviour == "wordcount" and script == "/wordcount.py":
        return run_wordcount(m, args[1:])
    if script in m.fs:
        return _unsupported(m, f"python {args[0]}")
    shown = script if tuple(int(x) for x in version.split(".")[:2]) >= (3, 11) else args[0]
    m.err(f"{argv[0].rsplit('/', 1)[-1]}: can't open file '{shown}': "
          f"[Errno 2] No such file or directory")
    return 2


def run_wordcount(m: Machine, args: list[str]) -> int:
    """``python wordcount.py [URL]`` as the aci-wordcount image runs it."""
    url = args[0] if args else wordcount.DEFAULT_URL
    values = {}
    for var, default in (("NumWords", "10"), ("MinLength", "0")):
        raw = _env(m, var, default)
        try:
            values[var] = int(raw)
        except ValueError:
            for text in wordcount.int_error(var, raw):
                m.err(text)
            return 1
    rows = wordcount.top_words(url, values["NumWords"], values["MinLength"])
    if rows is None:
        m.advance(timing.WORDCOUNT_FAIL_SECONDS)
        for text in wordcount.download_error(url):
            m.err(text)
        return 1
    m.advance(timing.WORDCOUNT_SECONDS)
    for text in wordcount.format_result(rows):
        m.line(text)
    return 0


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
            return _unsupported(self.m, f"this python -c code ({e})")
        except _PyError as e:
            self.flush()
            for text in ["Traceback (most recent call last):",
                         f'  File "<string>", line {e.line}, in <module>', f"{e.kind}: {e.msg}"]:
                self.m.err(text)
            return 1
        except _Exit as e:
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
                raise _Exit(1)
            raise _Exit(int(code or 0))
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


# ---------------------------------------------------------------------------------------
# nginx, httpd, redis, hello-world
# ---------------------------------------------------------------------------------------
_NGINX_ENTRYPOINT = [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
]


def docker_entrypoint(m: Machine, argv: list[str]) -> int:
    """/docker-entrypoint.sh of the nginx image: configuration lines, then exec."""
    args = argv[1:]
    if m.image.behaviour != "nginx":
        return node_entrypoint(m, argv)
    if args and args[0] in ("nginx", "nginx-debug") and not _env(m, "NGINX_ENTRYPOINT_QUIET_LOGS"):
        m.advance(timing.NGINX_START_SECONDS)
        for text in _NGINX_ENTRYPOINT:
            m.line(text)
    if not args:
        return 0
    return m.command(args, line=1, shell=False)


def nginx(m: Machine, argv: list[str]) -> int:
    """``nginx``: ``-v``, ``-t``; with ``daemon off`` it serves, else it exits at once."""
    args = argv[1:]
    version = m.image.version("nginx", "1.27.3")
    if "-v" in args or "-V" in args:
        m.err(f"nginx version: nginx/{version}")
        return 0
    if "-t" in args:
        m.err("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok")
        m.err("nginx: configuration file /etc/nginx/nginx.conf test is successful")
        return 0
    directives = " ".join(args[i + 1] for i, a in enumerate(args[:-1]) if a == "-g")
    if "daemon off" not in directives:
        return 0  # nginx daemonises: the container's main process exits at once
    d = "%Y/%m/%d %H:%M:%S"
    gcc = ("built by gcc 13.2.1 20240309 (Alpine 13.2.1_git20240309) "
           if m.image.shell == "ash" else "built by gcc 12.2.0 (Debian 12.2.0-14) ")
    notices = ['using the "epoll" event method', f"nginx/{version}", gcc,
               "OS: Linux 5.15.0-1079-azure", "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
               "start worker processes", "start worker process 29"]
    start = [(0.0, TimeText(lambda e, n=n: f"{strftime_utc(d, e)} [notice] 1#1: {n}", m.epoch))
             for n in notices]
    cycle = _access_cycle(m, lambda e: f'::1 - - [{_clf(e)}] "HEAD / HTTP/1.1" 200 0 "-" '
                                       f'"{CURL_USER_AGENT}" "-"')
    m.serve(start, cycle)
    return 0


def httpd(m: Machine, argv: list[str]) -> int:
    """``httpd``: ``-v``, else Apache's start-up lines, then it serves."""
    version = m.image.version("httpd", "2.4.62")
    if "-v" in argv[1:]:
        m.line(f"Server version: Apache/{version} (Unix)")
        return 0
    tid = m.rng.randrange(139_000_000_000_000, 140_999_999_999_999)
    m.rng_calls += 1
    fqdn = (f"AH00558: httpd: Could not reliably determine the server's fully qualified domain "
            f"name, using {CONTAINER_IP}. Set the 'ServerName' directive globally to suppress "
            f"this message")

    def stamp(e: float) -> str:
        """Apache's error-log timestamp of ``e``."""
        return strftime_utc("%a %b %d %H:%M:%S.%f %Y", e)

    start = [(timing.SERVER_START_SECONDS, fqdn), (timing.SERVER_START_SECONDS, fqdn),
             (timing.SERVER_START_SECONDS, TimeText(
                 lambda e: f"[{stamp(e)}] [mpm_event:notice] [pid 1:tid {tid}] AH00489: "
                           f"Apache/{version} (Unix) configured -- resuming normal operations",
                 m.epoch)),
             (timing.SERVER_START_SECONDS, TimeText(
                 lambda e: f"[{stamp(e)}] [core:notice] [pid 1:tid {tid}] AH00094: Command line: "
                           f"'httpd -D FOREGROUND'", m.epoch))]
    cycle = _access_cycle(m, lambda e: f'::1 - - [{_clf(e)}] "HEAD / HTTP/1.1" 200 -')
    m.serve(start, cycle)
    return 0


def redis_server(m: Machine, argv: list[str]) -> int:
    """``redis-server``: ``--version``, else Redis's start-up lines, then it serves."""
    version = m.image.version("redis", "7.4.1")
    if "--version" in argv[1:] or "-v" in argv[1:]:
        m.line(f"Redis server v={version} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 "
               f"build=0000000000000000")
        return 0

    def at(role: str, text: str) -> TimeText:
        """A Redis log line with role letter ``role``, stamped with the time it is printed."""
        return TimeText(lambda e: f"1:{role} {strftime_utc('%d %b %Y %H:%M:%S.%3N', e)} {text}",
                        m.epoch)

    lines = [
        at("C", "# WARNING Memory overcommit must be enabled! Without it, a background save or "
                "replication may fail under low memory condition. Being disabled, it can also "
                "cause failures without low memory condition, see "
                "https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add "
                "'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the "
                "command 'sysctl vm.overcommit_memory=1' for this to take effect."),
        at("C", "* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
        at("C", f"* Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, "
                f"just started"),
        at("C", "# Warning: no config file specified, using the default config. In order to "
                "specify a config file use redis-server /path/to/redis.conf"),
        at("M", "* monotonic clock: POSIX clock_gettime"),
        at("M", "* Running mode=standalone, port=6379."),
        at("M", "* Server initialized"),
        at("M", "* Ready to accept connections tcp"),
    ]
    m.serve([(timing.SERVER_START_SECONDS, t) for t in lines])
    return 0


HELLO_WORLD = """
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/

"""


def hello(m: Machine, argv: list[str]) -> int:
    """``/hello`` of the hello-world image: Docker's greeting."""
    m.write(HELLO_WORLD)
    return 0


def az(m: Machine, argv: list[str]) -> int:
    """``az``: not simulated."""
    return _unsupported(m, "the Azure CLI (az)")


SPECIAL.update({
    "node": node, "python": python, "python3": python, "nginx": nginx, "nginx-debug": nginx,
    "/docker-entrypoint.sh": docker_entrypoint, "docker-entrypoint.sh": node_entrypoint,
    "httpd-foreground": httpd, "httpd": httpd, "redis-server": redis_server, "/hello": hello,
    "watch": watch, "curl": curl, "az": az,
})
