"""What each shell flavour prints when something goes wrong: busybox ``ash``, ``dash``
and ``bash`` word their errors differently, and a learner compares them with real logs.

Pure functions of the flavour, the shell's ``$0`` (``argv0``) and what went wrong.
"""

from __future__ import annotations

import re

from .parse import ShellSyntaxError

_UNSUPPORTED = (
    (re.compile(r"(^|[;&|\s(])case\s+\S+\s+in(\s|$)"), "shell 'case' statements"),
    (re.compile(r"(^|[;&|\s])(function\s+)?[A-Za-z_][A-Za-z0-9_]*\s*\(\s*\)"), "shell functions"),
    (re.compile(r"<<-?\s*['\"]?[A-Za-z_]"), "here-documents"),
)


def unsupported_construct(src: str) -> str | None:
    """The name of a POSIX construct in ``src`` that the interpreter does not implement."""
    for pattern, name in _UNSUPPORTED:
        if pattern.search(src):
            return name
    return None


def syntax_error_lines(flavour: str, argv0: str, err: ShellSyntaxError, src: str) -> list[str]:
    """The lines ash, dash or bash print for a syntax error in a ``-c`` script."""
    line = err.line
    if err.kind == "unterminated":
        if flavour == "ash":
            return [f"{argv0}: syntax error: unterminated quoted string"]
        if flavour == "dash":
            return [f"{argv0}: {line}: Syntax error: Unterminated quoted string"]
        q = err.token[0] if err.token else "'"
        last = src.count("\n") + 1
        return [f"{argv0}: -c: line {line}: unexpected EOF while looking for matching `{q}'",
                f"{argv0}: -c: line {last + 1}: syntax error: unexpected end of file"]
    tok = err.token
    if flavour == "ash":
        if tok is None:
            exp = f' (expecting "{err.expecting}")' if err.expecting else ""
            return [f"{argv0}: syntax error: unexpected end of file{exp}"]
        return [f'{argv0}: syntax error: unexpected "{tok}"']
    if flavour == "dash":
        if tok is None:
            exp = f' (expecting "{err.expecting}")' if err.expecting else ""
            return [f"{argv0}: {line}: Syntax error: end of file unexpected{exp}"]
        return [f'{argv0}: {line}: Syntax error: "{tok}" unexpected']
    if tok is None:
        return [f"{argv0}: -c: line {line + 1}: syntax error: unexpected end of file"]
    src_line = src.split("\n")[line - 1] if src else ""
    return [f"{argv0}: -c: line {line}: syntax error near unexpected token `{tok}'",
            f"{argv0}: -c: line {line}: `{src_line}'"]


def not_found_line(flavour: str, argv0: str, line: int, cmd: str) -> str:
    """What a shell prints for a command it cannot find (exit status 127)."""
    if "/" in cmd:
        if flavour == "bash":
            return f"{argv0}: line {line}: {cmd}: No such file or directory"
        return (f"{argv0}: {cmd}: not found" if flavour == "ash"
                else f"{argv0}: {line}: {cmd}: not found")
    if flavour == "ash":
        return f"{argv0}: {cmd}: not found"
    if flavour == "dash":
        return f"{argv0}: {line}: {cmd}: not found"
    return f"{argv0}: line {line}: {cmd}: command not found"


def exec_not_found_line(cmd: str) -> str:
    """What the container runtime reports when an exec-form argv[0] does not exist."""
    why = (f"stat {cmd}: no such file or directory" if "/" in cmd
           else "executable file not found in $PATH")
    return ("failed to create shim task: OCI runtime create failed: runc create failed: "
            f'unable to start container process: exec: "{cmd}": {why}: unknown')


def redirect_line(flavour: str, argv0: str, target: str, why: str | None = None) -> str:
    """What the shell prints when a redirection fails: ``target`` cannot be opened (``why``
    None: it does not exist) or created (``why``: the kernel's reason)."""
    verb = "open" if why is None else "create"
    if flavour == "ash":
        return f"{argv0}: can't {verb} {target}: {why or 'no such file'}"
    if flavour == "dash":
        return f"{argv0}: 1: cannot {verb} {target}: {why or 'No such file'}"
    return f"{argv0}: {'line 1: ' if why else ''}{target}: {why or 'No such file or directory'}"


def arith_line(flavour: str, argv0: str, expr: str, why: str) -> str:
    """What the shell prints for an arithmetic expansion it cannot evaluate."""
    zero = "division by zero" in why
    if flavour == "dash":
        return (f'{argv0}: 1: arithmetic expression: '
                f'{"division by zero" if zero else "expecting primary"}: "{expr}"')
    if flavour == "bash":
        return (f"{argv0}: line 1: {expr}: " +
                ("division by 0 (error token is \"0\")" if zero else "syntax error: operand expected"))
    return f"{argv0}: {'divide by zero' if zero else 'arithmetic syntax error'}"


def illegal_number_line(flavour: str, argv0: str, cmd: str, arg: str) -> str:
    """What ``exit`` (and other builtins taking a number) print for a non-number."""
    what = f"{arg}: numeric argument required" if flavour == "bash" else f"Illegal number: {arg}"
    return builtin_line(flavour, argv0, cmd, what)


def builtin_line(flavour: str, argv0: str, name: str, what: str) -> str:
    """A builtin's own complaint (``test``'s "missing ]" ...), prefixed as the shell does."""
    if flavour == "dash":
        return f"{argv0}: 1: {name}: {what}"
    if flavour == "bash":
        return f"{argv0}: line 1: {name}: {what}"
    return f"{argv0}: {name}: {what}"
