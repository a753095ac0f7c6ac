"""The sidecar's tools: busybox ``watch``, and ``curl`` against the group's localhost, where
the peer containers' web servers answer (any other host fails to resolve: the emulator has
no network)."""

from __future__ import annotations

import re

from ..images import ImageInfo
from ..lines import TimeText, formatted, strftime_utc
from ..shell.machine import Machine

#: Behaviours of the peers that answer HTTP on their ports.
SERVERS = ("helloworld", "nginx", "httpd")


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
    date = formatted("Date: %a, %d %b %Y %H:%M:%S GMT", m.epoch)
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
    head_only = silent = show_err = False
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
            pass  # every simulated answer is a 200: nothing to fail on
        elif a in ("-o", "--output", "-w", "--write-out", "-H", "--header", "-X", "--request",
                   "-m", "--max-time", "--connect-timeout", "-A", "--user-agent"):
            i += 1
        elif a.startswith("-") and len(a) > 1 and not a.startswith("--"):
            silent |= "s" in a
            show_err |= "S" in a
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
