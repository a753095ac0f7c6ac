"""State file, clocks, determinism, concurrency, constructor arguments."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

import pytest

from aci_helpers.emulator import Emulator, StateFileError

from .conftest import LOC, RG, Cloud, another_process, group, task


def _scenario(seed: int) -> list[tuple]:
    c = Cloud(Emulator(None, clock="instant", seed=seed))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    c.aci.container_groups.begin_create_or_update(RG, "web", group()).result()
    c.aci.container_groups.begin_create_or_update(RG, "job", task("echo hi; exit 3")).result()
    c.aci.containers.list_logs(RG, "job", "c1", timestamps=True)
    c.aci.container_groups.begin_restart(RG, "web").result()
    c.aci.container_groups.stop(RG, "web")
    c.aci.container_groups.begin_start(RG, "web").result()
    list(c.aci.container_groups.list())
    c.aci.container_groups.begin_delete(RG, "job").result()
    c.res.resource_groups.begin_delete(RG).result()
    return [(x.method, x.url, x.status, sorted(x.response_headers.items()), x.response_body)
            for x in c.transport.exchanges]


def test_same_seed_same_bytes_and_other_seed_differs():
    a, b = _scenario(7), _scenario(7)
    assert a == b
    assert _scenario(8) != a


def test_in_memory_states_are_private():
    a = Cloud(Emulator(None, clock="instant"))
    b = Cloud(Emulator(None, clock="instant"))
    a.res.resource_groups.create_or_update(RG, {"location": LOC})
    assert b.res.resource_groups.check_existence(RG) is False


def test_state_file_shared_and_reset(tmp_path):
    path = tmp_path / "state.db"
    a = Cloud(Emulator(path, clock="instant"))
    a.res.resource_groups.create_or_update(RG, {"location": LOC})
    a.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    b = Cloud(Emulator(str(path), clock="instant"))
    assert b.aci.container_groups.get(RG, "g1").instance_view.state == "Running"
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    b.emu.reset()
    assert a.res.resource_groups.check_existence(RG) is False


def _worker(path: str, prefix: str, n: int) -> None:
    c = Cloud(Emulator(path, clock="instant", quota_cores=1000))
    for i in range(n):
        c.aci.container_groups.begin_create_or_update(RG, f"{prefix}{i}", group())


def test_two_processes_one_state_file_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.db")
    c = Cloud(Emulator(path, clock="instant"))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(path, p, 15)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    names = {g.name for g in c.aci.container_groups.list()}
    assert names == {f"{p}{i}" for p in "ab" for i in range(15)}


def test_corrupt_state_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateFileError) as e:
        Emulator(path)
    assert str(path) in str(e.value) and "delete the file" in str(e.value)
    assert path.read_bytes().startswith(b"this is not sqlite")  # never silently replaced


def test_newer_schema_is_a_clear_error(tmp_path):
    path = tmp_path / "new.db"
    Emulator(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    with pytest.raises(StateFileError) as e:
        Emulator(path)
    assert "newer emulator" in str(e.value) and str(path) in str(e.value)


def test_an_older_emulators_file_gains_the_newer_tables_and_keeps_its_groups(tmp_path):
    path = tmp_path / "v1.db"
    first = Cloud(Emulator(path, clock="instant"))
    first.res.resource_groups.create_or_update(RG, {"location": LOC})
    first.aci.container_groups.begin_create_or_update(RG, "web", group()).result()
    con = sqlite3.connect(path)  # what schema version 1 wrote: no file_shares, no profiles
    con.execute("DROP TABLE file_shares")
    con.execute("DROP TABLE profiles")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    again = Cloud(Emulator(path, clock="instant"))
    assert again.aci.container_groups.get(RG, "web").name == "web"
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"file_shares", "profiles"} <= tables
    assert con.execute("PRAGMA user_version").fetchone()[0] == 3
    con.close()


@pytest.mark.parametrize("kwargs, words", [
    ({"clock": "fast"}, "unknown clock"),
    ({"seed": -1}, "seed"),
    ({"seed": "x"}, "seed"),
    ({"quota_cores": 0}, "quota_cores"),
    ({"state": ""}, "state"),
])
def test_bad_constructor_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Emulator(**kwargs)


def test_instant_transport_sleep_does_not_sleep(monkeypatch):
    import time

    def no_real_sleep(seconds):
        raise AssertionError(f"slept {seconds} s for real")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    Emulator(None, clock="instant").transport().sleep(30)
    with pytest.raises(AssertionError, match="for real"):  # the realtime clock does sleep
        Emulator(None, clock="realtime").transport().sleep(30)


def test_subscription_id_is_fixed_and_guid_shaped():
    import uuid
    sub = Emulator().subscription_id
    assert sub == Emulator().subscription_id and str(uuid.UUID(sub)) == sub


def _hold_open(path: str, ready, done) -> None:
    c = Cloud(Emulator(path, clock="instant"))
    c.res.resource_groups.create_or_update("rg-old", {"location": LOC})
    ready.set()
    done.wait(30)


def test_state_file_deleted_under_a_running_kernel(tmp_path):
    """A learner deletes the state file while a kernel still has it open: the next one starts empty."""
    path = str(tmp_path / "state.db")
    with another_process(_hold_open, path):
        (tmp_path / "state.db").unlink()  # its -wal and -shm stay, still open in the holder
        c = Cloud(Emulator(path, clock="instant"))
        assert [g.name for g in c.res.resource_groups.list()] == []
        c.res.resource_groups.create_or_update("rg-new", {"location": LOC})
        assert [g.name for g in c.res.resource_groups.list()] == ["rg-new"]


def test_meta_read_with_the_dues_follows_every_write(tmp_path):
    """A meta value read with a transaction's dues (Store.prefetch_meta) is what the file
    holds then, and follows set_meta; the id sequence is stored once, at commit, and not at
    all when the transaction rolls back."""
    from aci_helpers.emulator.store import Store
    a, b = Store(tmp_path / "s.db"), Store(tmp_path / "s.db")
    a.prefetch_meta("k")
    try:
        with a.tx(write=True) as tx:
            tx.dues()
            assert tx.meta("k", "absent") == "absent"
            tx.set_meta("k", "1")
            assert tx.meta("k") == "1"
        with b.tx(write=True) as tx:  # another store (a kernel) writes meanwhile
            tx.set_meta("k", "2")
        with a.tx(write=False) as tx:
            tx.dues()
            assert tx.meta("k") == "2"
        with a.tx(write=True) as tx:
            tx.dues()
            first, last = tx.next_seq(), tx.next_seq()
        assert last == first + 1
        with b.tx(write=False) as tx:
            assert tx.meta("seq") == str(last)
        with pytest.raises(RuntimeError), a.tx(write=True) as tx:
            tx.next_seq()
            raise RuntimeError("the handler failed")
        with b.tx(write=True) as tx:
            assert tx.meta("seq") == str(last)
            assert tx.next_seq() == last + 1
    finally:
        a.close()
        b.close()
