"""What every check answers: a :class:`Feedback`, ``Not yet: <hint>`` or ``Pass: <what was
seen>``, shown as Markdown in a notebook and as text elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import _md


@dataclass(frozen=True)
class Feedback:
    """A check's answer: ``passed`` and the sentence shown (``Pass: ...`` / ``Not yet: ...``)."""

    passed: bool
    text: str

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_markdown_(self) -> str:
        # Prose wraps between words; a notebook's plain-text output breaks lines mid-word.
        head, _, rest = self.text.partition(": ")
        return f"**{head}:** {_md(rest)}"


def passed(text: str) -> Feedback:
    """``Pass: <text>``: the cloud shows the result the exercise asks for."""
    return Feedback(True, f"Pass: {text}")


def not_yet(text: str) -> Feedback:
    """``Not yet: <text>``: what is missing or wrong, and what to do."""
    return Feedback(False, f"Not yet: {text}")


def unanswered(answer: Any) -> bool:
    """The skeleton's placeholder is still there (``None`` or ``...``)."""
    return answer is None or answer is Ellipsis


def num(value: Any) -> str:
    """2.0 as '2', '2' (text) as "'2'": the learner sees what they wrote."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return repr(value)


def same_numbers(values: Iterable[Any], wanted: Iterable[float]) -> bool:
    """``values`` are the numbers ``wanted`` (text and other types never are)."""
    try:
        return all(float(v) == w for v, w in zip(values, wanted, strict=True))
    except (TypeError, ValueError):
        return False
