"""(b) The first track, 00 -> 07 in order on one cloud, as a learner takes it in the working
copy (`make lab`): each notebook Run All (every exercise still "Not yet": its solution is a
raw cell), then its Try it (the solution shown and run: "Pass"), the Try it again, and Run All
again (the same states, as many groups: names are stable). Then the orders around the
clean-up: 06 run again deletes everything, the resource group too, and each earlier exercise
is done again in its notebook's still-open kernel: it passes, or its check names what to run
first, and passes after that. The second track: test_path_beyond_in_order.py."""

from __future__ import annotations

import pytest

from .conftest import NOTEBOOKS, after_the_clean_up, key_of, take_in_order

pytestmark = pytest.mark.slow(95)  # longest first under pytest-xdist (see conftest.py)
FIRST_TRACK = [key_of(p) for p in NOTEBOOKS if key_of(p) <= "07"]


@pytest.mark.parametrize("key", FIRST_TRACK)
def test_in_order_with_the_exercises(key, student):
    take_in_order(student[key], "in_order")


def test_exercises_after_the_clean_up(student):
    after_the_clean_up(student, FIRST_TRACK)
