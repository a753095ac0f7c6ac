"""(a) Every notebook opened alone in an empty cloud, on the realtime clock, as a workshop
participant gets it (``aci-tutorial release``: no solution cells, no outputs): it runs from
top to bottom with no error output, shows the states its prose names, and its checks say
"Not yet". The full notebooks, solutions included, run in order on the realtime clock
(test_path_in_order.py) and each alone on the instant clock (nbval)."""

from __future__ import annotations

import pytest

from .conftest import check_run, key_of, learner_env, notebook_params, record, run_twice

# Each notebook in its own cloud: pytest-xdist may spread them over its workers, longest
# first (EACH_ON_ITS_OWN in the root conftest.py).


@pytest.mark.parametrize("path", notebook_params())
def test_alone_in_an_empty_cloud(path, tmp_path, cache_dir):
    (run,) = run_twice(path, learner_env(tmp_path / "cloud.db", cache_dir), times=1, participant=True)
    record("alone", key_of(path), {"seconds": round(run.seconds, 1), "groups_left": run.groups})
    check_run(key_of(path), run, participant=True)
