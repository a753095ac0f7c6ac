"""The aci-wordcount image's script, simulated from shipped word counts (no network).

Algorithm (wordcount/README.md of the reference): keep the rows of the play's count table
whose word has at least ``MinLength`` characters, in order, take the first ``NumWords``
(Python slice semantics), and ``pprint`` the list of ``(word, count)`` tuples.
"""

from __future__ import annotations

import json
import pprint
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

PLAY_FILES = ("hamlet.json", "romeo_juliet.json")
DEFAULT_URL = "http://shakespeare.mit.edu/hamlet/full.html"


@lru_cache(maxsize=None)
def plays() -> dict[str, list[tuple[str, int]]]:
    """URL (without scheme) -> count table, loaded once from the shipped data files."""
    out: dict[str, list[tuple[str, int]]] = {}
    data = resources.files("aci_helpers.emulator").joinpath("data")
    for name in PLAY_FILES:
        doc = json.loads(data.joinpath(name).read_text(encoding="utf-8"))
        key = doc["url"].split("://", 1)[1]
        out[key] = [(str(w), int(c)) for w, c in doc["counts"]]
    return out


def top_words(url: str, num_words: int, min_length: int) -> list[tuple[str, int]] | None:
    """The list the script prints, or None when the URL is not one of the shipped plays."""
    rows = _top_words(url, num_words, min_length)
    return None if rows is None else list(rows)


# Cached: a class runs the same count again and again, and filtering a play's table is
# most of the cost of launching the container (about 1 ms).
@lru_cache(maxsize=256)
def _top_words(url: str, num_words: int, min_length: int) -> tuple[tuple[str, int], ...] | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    table = plays().get(parts.netloc.lower() + parts.path)
    if table is None:
        return None
    return tuple([row for row in table if len(row[0]) >= min_length][:num_words])


def format_result(rows: list[tuple[str, int]]) -> list[str]:
    """The printed lines: ``pprint.pprint(rows)`` (one tuple per line past 80 columns)."""
    return list(_formatted(tuple(rows)))


@lru_cache(maxsize=256)
def _formatted(rows: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    return tuple(pprint.pformat(list(rows)).split("\n"))


# Traceback frames of the script and of urllib (guess: the script uses urllib.request and
# the image runs Python 3.6; line numbers are plausible, not known).
_SCRIPT = '  File "wordcount.py", line {line}, in <module>'
_URLLIB = "/usr/local/lib/python3.6/urllib/request.py"


def int_error(var: str, value: str) -> list[str]:
    """Traceback for ``int(os.getenv(var))`` on a non-integer value."""
    line = 12 if var == "NumWords" else 13
    default = 10 if var == "NumWords" else 0
    return ["Traceback (most recent call last):",
            _SCRIPT.format(line=line),
            f"    {var.lower()} = int(os.getenv('{var}', {default}))",
            f"ValueError: invalid literal for int() with base 10: {value!r}"]


def download_error(url: str) -> list[str]:
    """Traceback of a failed ``urllib.request.urlopen(url)``."""
    head = ["Traceback (most recent call last):", _SCRIPT.format(line=16),
            "    response = urllib.request.urlopen(url)",
            f'  File "{_URLLIB}", line 223, in urlopen',
            "    return opener.open(url, data, timeout)"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ftp", "file", "data"):
        return head + [f'  File "{_URLLIB}", line 511, in open',
                       "    req = Request(fullurl, data)",
                       f'  File "{_URLLIB}", line 329, in __init__',
                       "    self.full_url = url",
                       f'  File "{_URLLIB}", line 355, in full_url',
                       "    self._parse()",
                       f'  File "{_URLLIB}", line 384, in _parse',
                       '    raise ValueError("unknown url type: %r" % self.full_url)',
                       f"ValueError: unknown url type: {url!r}"]
    if parts.netloc.lower() == "shakespeare.mit.edu":
        return head + [f'  File "{_URLLIB}", line 532, in open',
                       "    response = meth(req, response)",
                       f'  File "{_URLLIB}", line 642, in http_response',
                       "    'http', request, response, code, msg, hdrs)",
                       f'  File "{_URLLIB}", line 570, in error',
                       "    return self._call_chain(*args)",
                       f'  File "{_URLLIB}", line 504, in _call_chain',
                       "    result = func(*args)",
                       f'  File "{_URLLIB}", line 650, in http_error_default',
                       "    raise HTTPError(req.full_url, code, msg, hdrs, fp)",
                       "urllib.error.HTTPError: HTTP Error 404: Not Found"]
    return head + [f'  File "{_URLLIB}", line 526, in open',
                   "    response = self._open(req, data)",
                   f'  File "{_URLLIB}", line 544, in _open',
                   "    '_open', req)",
                   f'  File "{_URLLIB}", line 504, in _call_chain',
                   "    result = func(*args)",
                   f'  File "{_URLLIB}", line 1346, in http_open',
                   "    return self.do_open(http.client.HTTPConnection, req)",
                   f'  File "{_URLLIB}", line 1320, in do_open',
                   "    raise URLError(err)",
                   "urllib.error.URLError: <urlopen error [Errno -2] Name or service not known>"]
