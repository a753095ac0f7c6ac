"""(a) Every notebook opened alone in an empty cloud, on the realtime clock: it shows what
its prose says, with no error output."""

from __future__ import annotations

import pytest

from .conftest import NOTEBOOKS, check_run, key_of, learner_env, record, run_twice

pytestmark = pytest.mark.slow(60)  # longest first under pytest-xdist (see conftest.py)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=key_of)
def test_alone_in_an_empty_cloud(path, tmp_path, cache_dir):
    (run,) = run_twice(path, learner_env(tmp_path / "cloud.db", cache_dir), times=1)
    record("alone", key_of(path), {"seconds": round(run.seconds, 1), "groups_left": run.groups})
    check_run(key_of(path), run)
