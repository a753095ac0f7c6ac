"""(b) 00 -> 07 in order on one state file, as a learner works through the tutorial, and
(c) each notebook run a second time in the same kernel, right after the first: the second
run shows the same states and leaves as many container groups as the first (names are
stable: re-running updates, never adds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import IN_ORDER_SPEED, NOTEBOOKS, check_run, key_of, learner_env, record, run_twice

pytestmark = pytest.mark.slow(70)  # longest first under pytest-xdist (see conftest.py)


@pytest.fixture(scope="module")
def shared_state(tmp_path_factory) -> tuple[Path, Path]:
    """One cloud (state file) and one cache dir for the whole path."""
    root = tmp_path_factory.mktemp("in-order")
    (root / "cache").mkdir()
    return root / "cloud.db", root / "cache"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=key_of)
def test_in_order_then_again(path, shared_state):
    state, cache = shared_state
    key = key_of(path)
    first, again = run_twice(path, learner_env(state, cache, IN_ORDER_SPEED), times=2)
    record("in_order", key, {"seconds": round(first.seconds, 1), "groups_left": first.groups,
                             "seconds_again": round(again.seconds, 1), "groups_left_again": again.groups},
           IN_ORDER_SPEED)
    check_run(key, first)
    check_run(key, again)
    assert again.groups == first.groups, f"{key}: a second run left {again.groups} groups, not {first.groups}"
