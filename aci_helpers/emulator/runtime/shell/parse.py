"""Lexer and parser for the POSIX-shell subset the simulated containers understand.

Supported: simple commands with assignments and redirections, ``;`` ``&&`` ``||`` ``|``
``&`` (run in the foreground), ``!``, ``while``/``until``, ``for``, ``if``/``elif``/``else``,
``{ ...; }`` and ``( ... )``, comments, single/double quotes, backslashes. Not supported
(parsed as plain words, so they fail like unknown commands): ``case``, functions,
here-documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_END_WORDS = {"then", "elif", "else", "fi", "do", "done", "}"}
_OPS = ("&&", "||", ";;", ">>", "<<", ">&", "<&", "&>", ";", "&", "|", "(", ")", "<", ">")


class ShellSyntaxError(Exception):
    """A parse error. ``token`` is the offending token text, None at end of input."""

    def __init__(self, kind: str, token: str | None, line: int, expecting: str | None = None):
        self.kind = kind  # "unexpected" | "unterminated"
        self.token = token
        self.line = line
        self.expecting = expecting
        super().__init__(f"{kind} {token!r} line {line} expecting {expecting!r}")


@dataclass
class Tok:
    kind: str  # WORD, OP, NL, EOF, ERR, IO (fd number before a redirection)
    text: str
    line: int


def lex(src: str) -> list[Tok]:
    """Split ``src`` into tokens. An unterminated quote ends the list with an ERR token."""
    toks: list[Tok] = []
    i, n, line = 0, len(src), 1
    while i < n:
        c = src[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and src[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if c == "\n":
            toks.append(Tok("NL", "\n", line))
            line += 1
            i += 1
            continue
        if c == "#":
            while i < n and src[i] != "\n":
                i += 1
            continue
        op = next((o for o in _OPS if src.startswith(o, i)), None)
        if op:
            toks.append(Tok("OP", op, line))
            i += len(op)
            continue
        start, start_line = i, line
        try:
            i, line = _scan_word(src, i, line)
        except _Unterminated:
            toks.append(Tok("ERR", src[start:], start_line))
            return toks
        word = src[start:i]
        if word.isdigit() and i < n and src[i] in "<>":
            toks.append(Tok("IO", word, start_line))
        else:
            toks.append(Tok("WORD", word, start_line))
    toks.append(Tok("EOF", "", line))
    return toks


class _Unterminated(Exception):
    pass


def _scan_word(src: str, i: int, line: int) -> tuple[int, int]:
    n = len(src)
    while i < n:
        c = src[i]
        if c in " \t\n;&|()<>":
            break
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = src.find("'", i + 1)
            if j < 0:
                raise _Unterminated
            line += src.count("\n", i, j)
            i = j + 1
            continue
        if c == '"':
            i, line = _scan_dquote(src, i + 1, line)
            continue
        if c == "`":
            j = i + 1
            while j < n and src[j] != "`":
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                raise _Unterminated
            i = j + 1
            continue
        if c == "$" and i + 1 < n and src[i + 1] in "({":
            i, line = _scan_dollar(src, i, line)
            continue
        i += 1
    return i, line


def _scan_dquote(src: str, i: int, line: int) -> tuple[int, int]:
    n = len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1, line
        if c == "\n":
            line += 1
        if c == "$" and i + 1 < n and src[i + 1] in "({":
            i, line = _scan_dollar(src, i, line)
            continue
        if c == "`":
            j = src.find("`", i + 1)
            if j < 0:
                raise _Unterminated
            i = j + 1
            continue
        i += 1
    raise _Unterminated


def _scan_dollar(src: str, i: int, line: int) -> tuple[int, int]:
    """Skip ``$(...)``, ``$((...))`` or ``${...}`` starting at ``i``."""
    open_c = src[i + 1]
    close_c = ")" if open_c == "(" else "}"
    depth, j, n = 0, i + 1, len(src)
    while j < n:
        c = src[j]
        if c == "\\":
            j += 2
            continue
        if c == "'" and open_c == "(":
            k = src.find("'", j + 1)
            if k < 0:
                raise _Unterminated
            j = k + 1
            continue
        if c == '"':
            j, line = _scan_dquote(src, j + 1, line)
            continue
        if c == "\n":
            line += 1
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return j + 1, line
        j += 1
    raise _Unterminated


# ---------------------------------------------------------------------------------------
# AST
# ---------------------------------------------------------------------------------------
@dataclass
class Redir:
    fd: int
    op: str  # > >> < >& <&
    target: str  # raw word


@dataclass
class Simple:
    assigns: list[tuple[str, str]]
    words: list[str]
    redirs: list[Redir]
    line: int


@dataclass
class Pipeline:
    cmds: list
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]] = field(default_factory=list)


@dataclass
class Seq:
    items: list


@dataclass
class Loop:
    cond: Seq
    body: Seq
    until: bool
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class For:
    var: str
    words: list[str] | None
    body: Seq
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    orelse: Seq | None
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Group:
    body: Seq
    subshell: bool
    redirs: list[Redir] = field(default_factory=list)


def _is_name(s: str) -> bool:
    return bool(s) and (s[0].isalpha() or s[0] == "_") and all(c.isalnum() or c == "_" for c in s)


class Parser:
    """Parses one complete command at a time (``next_command``), like dash and ash do."""

    def __init__(self, src: str) -> None:
        self.toks = lex(src)
        self.i = 0

    # -- token helpers -----------------------------------------------------------------
    @property
    def tok(self) -> Tok:
        """The current token."""
        return self.toks[self.i]

    def _advance(self) -> Tok:
        t = self.toks[self.i]
        if t.kind != "EOF":
            self.i += 1
        return t

    def _word_is(self, *words: str) -> bool:
        return self.tok.kind == "WORD" and self.tok.text in words

    def _fail(self, expecting: str | None = None):
        t = self.tok
        if t.kind == "ERR":
            raise ShellSyntaxError("unterminated", t.text, t.line)
        if t.kind == "EOF":
            raise ShellSyntaxError("unexpected", None, t.line, expecting)
        if t.kind == "NL":
            raise ShellSyntaxError("unexpected", "newline", t.line, expecting)
        raise ShellSyntaxError("unexpected", t.text, t.line, expecting)

    def _skip_nl(self) -> None:
        while self.tok.kind == "NL":
            self._advance()

    def _expect_word(self, word: str) -> None:
        if not self._word_is(word):
            self._fail(word)
        self._advance()

    # -- grammar -----------------------------------------------------------------------
    def at_end(self) -> bool:
        """True when only newlines are left (they are skipped)."""
        self._skip_nl()
        return self.tok.kind == "EOF"

    def next_command(self) -> Seq:
        """The next newline-terminated complete command (raises ShellSyntaxError)."""
        self._skip_nl()
        seq = self._list(top=True)
        if self.tok.kind not in ("NL", "EOF"):
            self._fail()
        return seq

    def _at_list_end(self, top: bool) -> bool:
        t = self.tok
        if t.kind in ("EOF", "ERR"):
            return True
        if t.kind == "NL":
            return top
        if t.kind == "OP" and t.text == ")":
            return True
        return t.kind == "WORD" and t.text in _END_WORDS

    def _list(self, top: bool) -> Seq:
        items = []
        if not top:
            self._skip_nl()
        while not self._at_list_end(top):
            items.append(self._and_or())
            t = self.tok
            if t.kind == "OP" and t.text in (";", "&"):
                self._advance()
                if not top:
                    self._skip_nl()
                continue
            if t.kind == "NL":
                if top:
                    break
                self._skip_nl()
                continue
            break
        if self.tok.kind == "ERR":
            self._fail()
        return Seq(items)

    def _body(self, end_expect: str) -> Seq:
        seq = self._list(top=False)
        if not seq.items:
            self._fail(end_expect)
        return seq

    def _and_or(self) -> AndOr:
        node = AndOr(self._pipeline())
        while self.tok.kind == "OP" and self.tok.text in ("&&", "||"):
            op = self._advance().text
            self._skip_nl()
            node.rest.append((op, self._pipeline()))
        return node

    def _pipeline(self) -> Pipeline:
        negate = False
        if self._word_is("!"):
            self._advance()
            negate = True
        cmds = [self._command()]
        while self.tok.kind == "OP" and self.tok.text == "|":
            self._advance()
            self._skip_nl()
            cmds.append(self._command())
        return Pipeline(cmds, negate)

    def _command(self):
        t = self.tok
        if t.kind == "WORD":
            if t.text in ("while", "until"):
                return self._with_redirs(self._loop())
            if t.text == "for":
                return self._with_redirs(self._for())
            if t.text == "if":
                return self._with_redirs(self._if())
            if t.text == "{":
                self._advance()
                body = self._body("}")
                self._expect_word("}")
                return self._with_redirs(Group(body, subshell=False))
            if t.text in _END_WORDS or t.text == "in":
                self._fail()
        if t.kind == "OP" and t.text == "(":
            self._advance()
            body = self._body(")")
            if not (self.tok.kind == "OP" and self.tok.text == ")"):
                self._fail(")")
            self._advance()
            return self._with_redirs(Group(body, subshell=True))
        return self._simple()

    def _with_redirs(self, node: Loop | For | If | Group) -> Loop | For | If | Group:
        while self.tok.kind in ("IO",) or (self.tok.kind == "OP" and self.tok.text in
                                            (">", ">>", "<", ">&", "<&", "&>")):
            node.redirs.append(self._redir())
        return node

    def _redir(self) -> Redir:
        fd = None
        if self.tok.kind == "IO":
            fd = int(self._advance().text)
        op = self._advance().text
        if self.tok.kind != "WORD":
            self._fail()
        target = self._advance().text
        if op == "&>":
            return Redir(-1, ">", target)  # bash: both stdout and stderr
        if fd is None:
            fd = 0 if op in ("<", "<&") else 1
        return Redir(fd, op, target)

    def _simple(self) -> Simple:
        line = self.tok.line
        assigns: list[tuple[str, str]] = []
        words: list[str] = []
        redirs: list[Redir] = []
        while True:
            t = self.tok
            if t.kind == "IO" or (t.kind == "OP" and t.text in (">", ">>", "<", ">&", "<&", "&>")):
                redirs.append(self._redir())
                continue
            if t.kind != "WORD":
                break
            if not words and "=" in t.text and _is_name(t.text.split("=", 1)[0]):
                name, value = t.text.split("=", 1)
                assigns.append((name, value))
                self._advance()
                continue
            words.append(t.text)
            self._advance()
        if not assigns and not words and not redirs:
            self._fail()
        return Simple(assigns, words, redirs, line)

    def _loop(self) -> Loop:
        until = self._advance().text == "until"
        cond = self._body("do")
        return Loop(cond, self._do_done(), until)

    def _do_done(self) -> Seq:
        """A loop's ``do ... done`` part: its body."""
        self._expect_word("do")
        body = self._body("done")
        self._expect_word("done")
        return body

    def _for(self) -> For:
        self._advance()
        if self.tok.kind != "WORD" or not _is_name(self.tok.text):
            self._fail()
        var = self._advance().text
        words: list[str] | None = None
        self._skip_nl()
        if self._word_is("in"):
            self._advance()
            words = []
            while self.tok.kind == "WORD":
                words.append(self._advance().text)
            if self.tok.kind == "OP" and self.tok.text == ";":
                self._advance()
            elif self.tok.kind != "NL":
                self._fail("do")
        elif self.tok.kind == "OP" and self.tok.text == ";":
            self._advance()
        self._skip_nl()
        return For(var, words, self._do_done())

    def _if(self) -> If:
        self._advance()
        branches = []
        cond = self._body("then")
        self._expect_word("then")
        body = self._body("fi")
        branches.append((cond, body))
        orelse = None
        while True:
            if self._word_is("elif"):
                self._advance()
                cond = self._body("then")
                self._expect_word("then")
                branches.append((cond, self._body("fi")))
                continue
            if self._word_is("else"):
                self._advance()
                orelse = self._body("fi")
            self._expect_word("fi")
            return If(branches, orelse)
