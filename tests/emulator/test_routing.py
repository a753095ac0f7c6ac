"""Routing: the route found for a path's shape (remembered) is the one trying every pattern
in turn would find, whatever the names (words of the patterns included), case, trailing
slashes or characters."""

from __future__ import annotations

import itertools
import random
import re

from aci_helpers.emulator import routing


def _linear(path: str):
    for route in routing.ROUTES:
        m = route.pattern.match(path)
        if m:
            return route, m.groupdict()
    return None, None


def _paths() -> list[str]:
    """Every route's pattern filled with awkward names, and paths no route takes."""
    rng = random.Random(21)
    names = ["rg1", "stop", "logs", "providers", "containerGroups", "Microsoft.ContainerInstance",
             "x" * 70, "a%2Fb", "Kelvin\u212a", "\u017fubscriptions", "é"]
    param = re.compile(r"\(\?P<\w+>\[\^/\]\+\)")
    out = []
    for route in routing.ROUTES:
        text = route.pattern.pattern[1:].removesuffix("/?$").replace("\\.", ".")
        for _ in range(12):
            path = param.sub(lambda _: rng.choice(names), text)
            path = "".join(c.upper() if rng.random() < 0.2 else c for c in path)
            out.append(path + ("/" if rng.random() < 0.3 else ""))
            out.append(path.replace("/", "//", 1))
            out.append(path + "/extra")
    words = ["subscriptions", "resourcegroups", "providers", "stop", "x", ""]
    out += ["/" + "/".join(p) for n in (1, 2, 3, 5) for p in itertools.product(words, repeat=n)]
    # Letters IGNORECASE takes for ASCII ones (long s, Kelvin sign) in the patterns' words,
    # after paths of the same shape that no route takes.
    out += [p.replace("subscriptions", "other") for p in out[:200]]
    out += [p.replace("subscriptions", "\u017fubscriptions").replace("k", "\u212a")
            for p in out[:200]]
    return out


def test_the_remembered_route_is_the_first_that_matches():
    assert routing._WORDS is not None, "every pattern is words and [^/]+ parameters"
    paths = _paths()
    for _ in range(2):  # the second time, from what the first remembered
        for path in paths:
            got, want = routing.match(path), _linear(path)
            assert (got[0] and got[0].name, got[1]) == (want[0] and want[0].name, want[1]), path
