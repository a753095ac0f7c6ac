"""No two notebooks can create, update or delete a container group of the same name, except
the docs page's scenario, which they share on purpose (aci_helpers/names.py states the rule):

- every container group a notebook writes (PUT, PATCH, start/stop/restart, DELETE; the
  service's answer does not matter) is that notebook's alone, with one exception each way:
- the scenario's three groups (``aci-<suffix>`` of 01, ``-multi`` of 02, ``-task`` of 03):
  04 and 06 may create the first and the last, 05 the second, 05 stops, starts, restarts and
  tags ``-multi`` and tries an update the service refuses (its lesson); every PUT of a
  scenario group that the service accepts carries exactly the same group (secure values
  aside) whichever notebook sends it;
- notebook 06's clean-up deletes every group the tutorial made: its DELETEs (its lesson).
- A group a notebook creates carries the notebook in its name (``notebook_name``), or is a
  scenario group it may create, or one of 07's explorer groups (``web-``, ``duo-``, ``job-``).

What each notebook really sends is recorded by the emulator's transport (``record=True``),
with every code cell run, solutions included: each notebook alone in an empty cloud (where
04-06 create the scenario's groups) and all of them in order in one cloud (where they find
them), on the instant clock, in this process (as test_exercises.py runs cells).
"""

from __future__ import annotations

import json
import re
import types
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from .conftest import NOTEBOOKS, key_of, run_source

pytestmark = pytest.mark.slow(15)

GROUP_WRITE = re.compile(r"/containerGroups/(?P<name>[^/?]+)(?:/(?P<action>start|stop|restart))?$",
                         re.IGNORECASE)
WRITES = {"PUT", "PATCH", "POST", "DELETE"}
#: Who besides its owner may write each scenario group, and how.
SHARED = {"01": {"04", "06"}, "02": {"05", "06"}, "03": {"04", "06"}}


def _masked(body: object) -> object:
    """The request body with secure values replaced (03's API key is new on every run)."""
    if isinstance(body, dict):
        return {k: "<secure>" if k == "secureValue" else _masked(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_masked(v) for v in body]
    return body


def group_writes(exchanges) -> list[dict]:
    """The container-group writes among recorded exchanges: method, name, action, status, body."""
    found = []
    for ex in exchanges:
        match = GROUP_WRITE.search(unquote(urlsplit(ex.url).path))
        if ex.method.upper() not in WRITES or not match:
            continue
        body = json.loads(ex.request_body) if ex.request_body else None
        found.append({"method": ex.method.upper(), "name": match["name"].lower(),
                      "action": match["action"], "status": ex.status, "body": _masked(body)})
    return found


@pytest.fixture
def recorder(monkeypatch, tmp_path):
    """Every Emulator transport made from now on records its exchanges; the learner's
    environment (instant clock, seed 0, no progress bars, a private cache dir)."""
    import azure.mgmt.core.policies._base as arm_policies

    from aci_helpers.emulator import Emulator
    from aci_helpers.names import reset_names

    for var in ("ACI_LOCATION", "ACI_RESOURCE_GROUP", "AZURE_AUTH_LOCATION", "ACI_NAME_SUFFIX"):
        monkeypatch.delenv(var, raising=False)
    for var, value in {"ACI_BACKEND": "emulator", "ACI_EMULATOR_CLOCK": "instant",
                       "ACI_EMULATOR_SEED": "0", "TQDM_DISABLE": "1",
                       "XDG_CACHE_HOME": str(tmp_path)}.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr("aci_helpers.widgets.in_notebook", lambda: True)
    # 10 unregisters the provider: the SDK re-registers it, polling every 10 s of wall clock
    monkeypatch.setattr(arm_policies, "time", types.SimpleNamespace(sleep=lambda seconds: None))
    reset_names()
    made: list = []
    plain, asynchronous = Emulator.transport, Emulator.async_transport

    def keep(factory):
        def make(self, *, record=False):
            transport = factory(self, record=True)
            made.append(transport)
            return transport
        return make

    monkeypatch.setattr(Emulator, "transport", keep(plain))
    monkeypatch.setattr(Emulator, "async_transport", keep(asynchronous))
    return made


def run_notebook(path: Path, made: list) -> list[dict]:
    """Run every code cell of ``path`` (solutions too) in a fresh namespace; its writes."""
    made.clear()
    ns: dict = {"__name__": "__main__"}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            run_source(cell.source, ns)
    if "s" in ns:
        ns["s"].close()
    return group_writes(ex for transport in made for ex in transport.exchanges)


def test_no_two_notebooks_write_one_group(recorder, monkeypatch, tmp_path):
    from aci_helpers.names import owner_of, scenario_names

    writes: dict[str, list[dict]] = defaultdict(list)
    monkeypatch.setenv("ACI_EMULATOR_STATE", "memory")  # each connect(): its own empty cloud
    for path in NOTEBOOKS:
        writes[key_of(path)] += run_notebook(path, recorder)
    monkeypatch.setenv("ACI_EMULATOR_STATE", str(tmp_path / "in-order.db"))  # one cloud
    for path in NOTEBOOKS:
        writes[key_of(path)] += run_notebook(path, recorder)

    scenario = {name: owner for owner, name in scenario_names().items()}
    writers: dict[str, set[str]] = defaultdict(set)
    for notebook, sent in writes.items():
        for w in sent:
            if not (notebook == "06" and w["method"] == "DELETE"):  # 06's clean-up: its lesson
                writers[w["name"]].add(notebook)
    shared = []
    for name, who in sorted(writers.items()):
        owner = scenario.get(name)
        allowed = {owner} | SHARED[owner] if owner else set()
        if owner is None:
            assert len(who) == 1, f"{name} is written by notebooks {sorted(who)}"
        else:
            assert who <= allowed, f"{name} (notebook {owner}'s) is written by {sorted(who - allowed)}"
            shared.append(name)
    assert sorted(shared) == sorted(scenario), "each scenario group is written in these runs"

    for notebook, sent in writes.items():
        for w in sent:
            accepted = w["status"] < 300
            if w["method"] == "PUT" and accepted and w["name"] not in scenario:
                assert owner_of(w["name"]) == notebook, \
                    f"notebook {notebook} creates {w['name']}: name it with notebook_name({notebook!r}, ...)"
            if w["name"] in scenario and notebook not in ("05",) + (scenario[w["name"]],):
                assert w["method"] in ("PUT", "DELETE"), (notebook, w)  # 04, 06: create, delete

    for name in scenario:
        bodies = {(nb, json.dumps(w["body"], sort_keys=True)) for nb, sent in writes.items()
                  for w in sent if w["name"] == name and w["method"] == "PUT" and w["status"] < 300}
        assert len({b for _, b in bodies}) == 1, \
            f"{name} is put with {len({b for _, b in bodies})} different specs by {sorted({nb for nb, _ in bodies})}"
        put_by = {nb for nb, _ in bodies}
        assert len(put_by) >= 2, f"{name}: only {put_by} put it; the rule needs another to compare"
