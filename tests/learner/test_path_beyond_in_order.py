"""(b') The second track, 08 -> 11 in order on one cloud, as test_path_in_order.py takes the
first (Run All, the Try it twice, Run All again, in the working copy); then notebook 06's
clean-up, run after them, deletes everything with the resource group, and each Try it is done
again in its still-open kernel."""

from __future__ import annotations

import pytest

from .conftest import NOTEBOOKS, after_the_clean_up, key_of, take_in_order

pytestmark = pytest.mark.slow(75)  # 10 waits 2 x 10 s in the SDK's provider registration
SECOND_TRACK = [key_of(p) for p in NOTEBOOKS if key_of(p) >= "08"]


@pytest.mark.parametrize("key", SECOND_TRACK)
def test_in_order_with_the_exercises(key, student):
    take_in_order(student[key], "beyond_in_order")


def test_exercises_after_the_clean_up(student):
    after_the_clean_up(student, SECOND_TRACK)
