"""Shell arithmetic (``$((...))``, ``expr``): integers and C operators, evaluated on a
checked Python syntax tree with the shell's truncating division."""

from __future__ import annotations

import ast
import functools
import re

_ARITH_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Constant,
                ast.Name, ast.Load, ast.IfExp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
                ast.Mod, ast.Pow, ast.USub, ast.UAdd, ast.Not, ast.Invert, ast.And, ast.Or,
                ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.BitAnd, ast.BitOr,
                ast.BitXor, ast.LShift, ast.RShift)


class ArithError(Exception):
    """Not an arithmetic expression the shell evaluates, or a division by zero."""


@functools.lru_cache(maxsize=512)
def _arith_tree(text: str) -> ast.Expression | None:
    """The checked syntax tree of an arithmetic expression (None: not one we evaluate);
    cached, as a loop evaluates the same text on every iteration."""
    py = text.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = re.sub(r"(?<![<>=!])/(?!/)", "//", py)
    try:
        tree = ast.parse(py.strip() or "0", mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _ARITH_NODES):
            return None
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            return None
    return tree


def arith_eval(text: str, names: dict[str, int]) -> int:
    """The value of the expression ``text``, its names read from ``names`` (0 if absent)."""
    tree = _arith_tree(text)
    if tree is None:
        raise ArithError(text)

    def ev(node: ast.AST) -> int:
        """The integer value of ``node``, with the shell's truncating division."""
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return int(node.value)
        if isinstance(node, ast.Name):
            return names.get(node.id, 0)
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return {ast.USub: -v, ast.UAdd: v, ast.Not: int(not v), ast.Invert: ~v}[type(node.op)]
        if isinstance(node, ast.BoolOp):
            vals = [ev(v) for v in node.values]
            return int(all(vals)) if isinstance(node.op, ast.And) else int(any(vals))
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators):
                right = ev(right_node)
                ok = {ast.Eq: left == right, ast.NotEq: left != right, ast.Lt: left < right,
                      ast.LtE: left <= right, ast.Gt: left > right, ast.GtE: left >= right}[type(op)]
                if not ok:
                    return 0
                left = right
            return 1
        if isinstance(node, ast.IfExp):
            return ev(node.body) if ev(node.test) else ev(node.orelse)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            op = type(node.op)
            if op in (ast.FloorDiv, ast.Div, ast.Mod):
                if b == 0:
                    raise ArithError("division by zero")
                q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
                return q if op is not ast.Mod else a - b * q
            if op is ast.Pow and (b < 0 or b > 64):
                raise ArithError(text)
            return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Pow: a ** b,
                    ast.BitAnd: a & b, ast.BitOr: a | b, ast.BitXor: a ^ b,
                    ast.LShift: a << b, ast.RShift: a >> b}[op]
        raise ArithError(text)

    return ev(tree)
