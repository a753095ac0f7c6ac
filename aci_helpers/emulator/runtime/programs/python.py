"""``python`` in the simulated images: ``-V``, ``-c`` code (run by :mod:`.minipython`),
``-m http.server``, and the aci-wordcount image's script (:mod:`.wordcount`)."""

from __future__ import annotations

from .. import timing
from ..shell.machine import Machine
from . import wordcount
from .minipython import MiniPython


def python(m: Machine, argv: list[str]) -> int:
    """``python``: ``-V``, ``-c`` code (see MiniPython), ``-m http.server``, aci-wordcount."""
    args = argv[1:]
    version = m.image.version("python", "3.13.1")
    unbuffered = bool(m.getenv("PYTHONUNBUFFERED"))
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
        return m.not_simulated(f"python -m {mod}")
    script = m.abspath(args[0])
    if m.image.behaviour == "wordcount" and script == "/wordcount.py":
        return run_wordcount(m, args[1:])
    if script in m.fs:
        return m.not_simulated(f"python {args[0]}")
    shown = script if tuple(int(x) for x in version.split(".")[:2]) >= (3, 11) else args[0]
    m.err(f"{argv[0].rsplit('/', 1)[-1]}: can't open file '{shown}': "
          f"[Errno 2] No such file or directory")
    return 2


def run_wordcount(m: Machine, args: list[str]) -> int:
    """``python wordcount.py [URL]`` as the aci-wordcount image runs it."""
    url = args[0] if args else wordcount.DEFAULT_URL
    values = {}
    for var, default in (("NumWords", "10"), ("MinLength", "0")):
        raw = m.getenv(var, default)
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
