"""Running parsed shell code: lists, pipelines, ``if``/``while``/``until``/``for``, subshells,
redirections and simple commands, with ``set -e`` and the loop summaries (a loop iteration
that changes nothing repeats forever: the program becomes a head plus a cycle).

:class:`Execution` is the part of :class:`~.machine.Machine` that walks the syntax tree of
``parse.py``; a simple command is handed to ``Machine.command`` (builtins, utilities, the
image's programs).
"""

from __future__ import annotations

from typing import Callable

from .. import timing
from ..files import ReadOnlyFile
from .messages import redirect_line, syntax_error_lines, unsupported_construct
from .parse import (AndOr, For, Group, If, Loop, Parser, Pipeline, Redir, Seq, Simple,
                    ShellSyntaxError)
from .replay import timed_events
from .signals import Exit, LoopControl, Periodic
from .state import Capture, Frame

#: Commands whose arguments only become printed text: time substituted into them
#: (`echo $(date)`) changes what a loop prints, never what it does.
OUTPUT_ONLY = {"echo", "printf"}


class Execution:
    """Runs syntax trees on the machine (a part of the Machine, which provides the state
    below and ``step``, ``advance``, ``err``, ``abspath``, ``command``, ``snapshot`` and the
    expansion methods)."""

    frame: Frame
    fds: dict[int, object]
    stdin: str
    status: int
    clock: float
    events: list
    partial: list
    cond_depth: int
    capture_depth: int
    loop_depth: int
    tainted: int
    flow_tainted: int
    last_sub_status: int | None

    def run_script(self, src: str) -> int:
        """Parse and run ``src`` one complete command at a time, like dash/ash."""
        parser = Parser(src)
        while True:
            try:
                if parser.at_end():
                    return self.status
                seq = parser.next_command()
            except ShellSyntaxError as e:
                construct = unsupported_construct(src)
                if construct:
                    # A real shell would run this: say the emulator cannot, rather than
                    # blame the user's script with a syntax error it does not have.
                    self.err(f"[aci-emulator] {construct} are not simulated; the emulator did "
                             f"not run this script")
                    self.status = 1
                    raise Exit(1)
                for text in syntax_error_lines(self.frame.flavour, self.frame.argv0, e, src):
                    self.err(text)
                self.status = 2
                raise Exit(2)
            self.run_seq(seq)

    # -- AST execution -----------------------------------------------------------------
    def run_seq(self, seq: Seq) -> int:
        """Run each and-or list of ``seq``; the last status."""
        for item in seq.items:
            self.run_and_or(item)
        return self.status

    def run_and_or(self, node: AndOr) -> int:
        """Run an ``&&``/``||`` list; ``set -e`` applies only to its last pipeline."""
        if node.rest:
            self.cond_depth += 1
            try:
                status = self.run_pipeline(node.first)
                for i, (op, pipe) in enumerate(node.rest):
                    if (op == "&&") == (status == 0):
                        if i == len(node.rest) - 1:
                            self.cond_depth -= 1
                            try:
                                status = self.run_pipeline(pipe)
                            finally:
                                self.cond_depth += 1
                        else:
                            status = self.run_pipeline(pipe)
            finally:
                self.cond_depth -= 1
            self.status = status
            return status
        status = self.run_pipeline(node.first)
        return status

    def run_pipeline(self, pipe: Pipeline) -> int:
        """Run a pipeline, each command's output the next one's input; ``!`` negates."""
        if pipe.negate:
            self.cond_depth += 1
        try:
            if len(pipe.cmds) == 1:
                status = self.run_cmd(pipe.cmds[0])
            else:
                data = self.stdin
                for cmd in pipe.cmds[:-1]:
                    cap = Capture()
                    saved_in = self.stdin
                    self.stdin = data
                    self.subshell(lambda c=cmd: self.run_cmd(c), fd1=cap)
                    self.stdin = saved_in
                    data = cap.text()
                saved_in = self.stdin
                self.stdin = data
                try:
                    status = self.run_cmd(pipe.cmds[-1])
                finally:
                    self.stdin = saved_in
        finally:
            if pipe.negate:
                self.cond_depth -= 1
        if pipe.negate:
            status = 0 if status else 1
        self.status = status
        if status and self.frame.errexit and not self.cond_depth and not pipe.negate:
            raise Exit(status)
        return status

    def subshell(self, fn: Callable[[], int], fd1: object | None = None) -> int:
        """Run ``fn`` in a copy of the shell state (``fd1``: where its output goes); its
        status. Nothing it changes (variables, descriptors) outlives it."""
        saved = (self.frame, dict(self.fds))
        self.frame = self.frame.copy()
        if fd1 is not None:
            self.fds[1] = fd1
            self.capture_depth += 1
        try:
            return fn()
        except Exit as e:
            return e.code & 0xFF
        except LoopControl:
            return 0
        finally:
            self.frame, self.fds = saved
            if fd1 is not None:
                self.capture_depth -= 1

    def run_cmd(self, node: Simple | Loop | For | If | Group) -> int:
        """Run a simple or compound command with its redirections."""
        if isinstance(node, Simple):
            return self.run_simple(node)
        saved = self._redirect(getattr(node, "redirs", []))
        if saved is None:
            return 1
        try:
            if isinstance(node, Loop):
                return self.run_loop(node)
            if isinstance(node, For):
                return self.run_for(node)
            if isinstance(node, If):
                return self.run_if(node)
            if isinstance(node, Group):
                if node.subshell:
                    status = self.subshell(lambda: self.run_seq(node.body))
                    self.status = status
                    return status
                return self.run_seq(node.body)
            raise TypeError(node)
        finally:
            self.fds = saved

    def _cond(self, seq: Seq) -> int:
        self.cond_depth += 1
        try:
            return self.run_seq(seq)
        finally:
            self.cond_depth -= 1

    def run_if(self, node: If) -> int:
        """Run the first branch whose condition succeeds, else the ``else`` part."""
        for cond, body in node.branches:
            if self._cond(cond) == 0:
                return self.run_seq(body)
        if node.orelse is not None:
            return self.run_seq(node.orelse)
        self.status = 0
        return 0

    def run_loop(self, node: Loop) -> int:
        """Run a ``while`` or ``until`` loop."""
        def iteration(m: Execution) -> bool:
            """One pass: test the condition, then run the body; False once the loop ends."""
            c = m._cond(node.cond)
            if (c == 0) == node.until:
                return False
            m.run_seq(node.body)
            return True

        status = self.loop(iteration)
        self.status = status
        return status

    def loop(self, iteration: Callable[["Execution"], bool]) -> int:
        """Run ``iteration(machine)`` until it returns False; spot and report endless
        repetition. It gets the machine to run on: a replay runs it on a copy."""
        last = 0
        self.loop_depth += 1
        try:
            return self._loop(iteration, last)
        finally:
            self.loop_depth -= 1

    def _loop(self, iteration: Callable[["Execution"], bool], last: int) -> int:
        while True:
            # While another container may still change a mounted volume, an iteration that
            # changed nothing can still behave differently next time: no cycle before then.
            detect = not self.capture_depth and self.fds.get(1) == "log" and \
                self.fds.get(2) == "log" and self.clock >= self.fs.quiet_after
            before = self.snapshot() if detect else None
            t0, n0, taint0, flow0 = self.clock, len(self.events), self.tainted, self.flow_tainted
            try:
                if not iteration(self):
                    return last
                last = self.status
            except LoopControl as ctl:
                if ctl.n > 1:
                    raise LoopControl(ctl.kind, ctl.n - 1)
                if ctl.kind == "break":
                    return 0
            if self.clock - t0 < timing.MIN_LOOP_ITERATION_SECONDS:
                self.advance(t0 + timing.MIN_LOOP_ITERATION_SECONDS - self.clock)
            if detect and self.flow_tainted == flow0 and self.snapshot() == before and \
                    not self.partial:
                period = self.clock - t0
                if self.tainted == taint0:
                    raise Periodic(self.clock, period,
                                   [(t - t0, text) for t, text in self.events[n0:]])
                if not self.fs.mounts:  # the time only reached printed lines: replay them
                    raise Periodic(self.clock, period, timed_events(self, iteration, t0, n0))

    def run_for(self, node: For) -> int:
        """Run a ``for`` loop over its words (or the positional parameters)."""
        taint0 = self.tainted
        items = self.expand_words(node.words) if node.words is not None else list(self.frame.positional)
        if self.tainted != taint0:
            self.flow_tainted += 1
        status = 0
        self.loop_depth += 1
        try:
            return self._for(node, items, status)
        finally:
            self.loop_depth -= 1

    def _for(self, node: For, items: list[str], status: int) -> int:
        for item in items:
            self.frame.vars[node.var] = item
            try:
                self.run_seq(node.body)
                status = self.status
            except LoopControl as ctl:
                if ctl.n > 1:
                    raise LoopControl(ctl.kind, ctl.n - 1)
                if ctl.kind == "break":
                    break
        self.status = status
        return status

    # -- redirections ------------------------------------------------------------------
    def _redirect(self, redirs: list[Redir]) -> dict | None:
        saved = dict(self.fds)
        for r in redirs:
            fields = self.expand_word(r.target)
            target = fields[0] if fields else ""
            if r.op in (">&", "<&"):
                if target.isdigit():
                    self.fds[r.fd] = self.fds.get(int(target), "log")
                continue
            if r.op == "<":
                path = self.abspath(target)
                if target == "/dev/null":
                    self.stdin = ""
                elif path in self.fs:
                    self.stdin = self.fs[path]
                else:
                    self.err(redirect_line(self.frame.flavour, self.frame.argv0, target))
                    self.fds = saved
                    return None
                continue
            if target in ("/dev/null",):
                sink: object = "null"
            elif target in ("/dev/stdout", "/proc/1/fd/1"):
                sink = saved.get(1, "log")
            elif target in ("/dev/stderr", "/proc/1/fd/2"):
                sink = saved.get(2, "log")
            else:
                path = self.abspath(target)
                try:
                    if r.op == ">":
                        self.fs[path] = ""
                    elif path not in self.fs:
                        # Creates the file if it is missing; replayed on a later attempt, the
                        # same change keeps what an earlier attempt appended.
                        self.fs.append(path, "")
                except ReadOnlyFile as exc:
                    self.err(redirect_line(self.frame.flavour, self.frame.argv0, target,
                                           str(exc)))
                    self.fds = saved
                    return None
                sink = ("file", path)
            if r.fd == -1:
                self.fds[1] = self.fds[2] = sink
            else:
                self.fds[r.fd] = sink
        return saved

    # -- simple commands ---------------------------------------------------------------
    def run_simple(self, node: Simple) -> int:
        """Run a simple command; assignments alone set variables, before a command only for it."""
        self.step()
        self.last_sub_status = None
        taint0 = self.tainted
        argv = self.expand_words(node.words)
        values = [(name, "".join(self.expand_word(raw, split=False))) for name, raw in node.assigns]
        saved = self._redirect(node.redirs)
        if self.tainted != taint0 and not (argv and argv[0] in OUTPUT_ONLY and not values
                                           and not self.cond_depth
                                           and self.fds.get(1) == "log"):
            self.flow_tainted += 1
        if saved is None:
            self.status = 1
            return 1
        try:
            if not argv:
                for name, value in values:
                    self.frame.vars[name] = value
                status = self.last_sub_status if self.last_sub_status is not None else 0
                self.status = status
                return status
            if values:
                f = self.frame
                old = {k: (f.vars.get(k), k in f.exported) for k, _ in values}
                for k, v in values:
                    f.vars[k] = v
                    f.exported.add(k)
                try:
                    status = self.command(argv, node.line, shell=True)
                finally:
                    for k, (v, was) in old.items():
                        if v is None:
                            f.vars.pop(k, None)
                        else:
                            f.vars[k] = v
                        if not was:
                            f.exported.discard(k)
            else:
                status = self.command(argv, node.line, shell=True)
        finally:
            self.fds = saved
        self.status = status
        return status
