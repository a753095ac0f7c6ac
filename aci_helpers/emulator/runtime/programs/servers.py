"""The servers of the simulated images: aci-helloworld's node app, nginx, httpd, redis, and
Docker's hello-world, with their entrypoint scripts. A server prints its start-up lines,
then serves forever; with a sidecar peer polling it, one access-log line per request.
"""

from __future__ import annotations

from typing import Callable

from .. import timing
from ..lines import LineText, TimeText, strftime_utc
from ..shell.machine import Machine
from ..shell.utilities import KERNEL

#: The sidecar's curl version as the docs' access log shows it (User-Agent curl/7.54.0).
CURL_USER_AGENT = "curl/7.54.0"
#: Container IP address httpd reports (guess; ACI does not document it).
CONTAINER_IP = "10.0.0.4"


# ---------------------------------------------------------------------------------------
# access logs of servers polled by a sidecar peer
# ---------------------------------------------------------------------------------------
def _sidecar_peer(m: Machine) -> bool:
    return any(p.behaviour == "sidecar" for p in m.peers)


def _access_cycle(m: Machine, fmt_line: Callable[[float], str],
                  ) -> tuple[float, float, list[tuple[float, LineText]]] | None:
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
        return m.not_simulated("node -e (JavaScript)")
    script = m.abspath(args[0])
    if m.image.behaviour == "helloworld" and script in ("/usr/src/app/index.js", "/usr/src/app"):
        return helloworld(m)
    if script in m.fs:
        return m.not_simulated(f"node {args[0]}")
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
    port = m.getenv("PORT") or "80"
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
    elif not args or args[0].startswith("-") or not m.has_executable(args[0]):
        args = ["node", *args]
    return m.command(args, line=1, shell=False)


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
    if args and args[0] in ("nginx", "nginx-debug") and not m.getenv("NGINX_ENTRYPOINT_QUIET_LOGS"):
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
               f"OS: Linux {KERNEL}", "getrlimit(RLIMIT_NOFILE): 1048576:1048576",
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
