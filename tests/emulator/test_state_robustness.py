"""One state file, many kernels: Ctrl-C, resets, contention, foreign and damaged files.

Each test reproduces a defect of issue 9 (the number in its docstring) and checks the fix:
one kernel's bad moment never becomes every kernel's problem, and every failure is one
clear StateFileError naming the file and what to do.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import sqlite3
import sys
import time

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from aci_helpers.emulator import Emulator, StateFileError
from aci_helpers.emulator import store as store_module
from aci_helpers.emulator.errors import DamagedRecord, StateFileBusy

from .conftest import LOC, RG, Cloud, another_process, container, group

LINUX = sys.platform.startswith("linux")


def _cloud(path, **kw) -> Cloud:
    c = Cloud(Emulator(path, clock="instant", **kw))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    return c


# ---- 1: Ctrl-C between BEGIN and the body ------------------------------------------------

class _InterruptAfterBegin:
    """The store's connection, but a Ctrl-C arrives right after the next BEGIN returned:
    the window where the transaction was open and no ``try`` would roll it back."""

    def __init__(self, conn: sqlite3.Connection, how: str) -> None:
        self._conn, self._how, self.armed = conn, how, True

    def execute(self, sql: str, *args):
        result = self._conn.execute(sql, *args)
        if self.armed and sql.startswith("BEGIN"):
            self.armed = False
            if self._how == "signal":
                signal.raise_signal(signal.SIGINT)  # what Jupyter's interrupt button sends
            else:
                raise KeyboardInterrupt
        return result

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


@pytest.mark.parametrize("how", ["signal", "raise"])
@pytest.mark.parametrize("write", [True, False])
def test_ctrl_c_right_after_begin_leaves_no_transaction_open(tmp_path, monkeypatch, how, write):
    """1. The interrupted kernel keeps working, and no other kernel waits for its lock."""
    path = tmp_path / "state.db"
    c = _cloud(path)
    c.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    real = c.emu._store._conn
    c.emu._store._conn = _InterruptAfterBegin(real, how)
    with pytest.raises(KeyboardInterrupt):  # the interrupt is delivered, not swallowed
        if write:
            c.aci.container_groups.stop(RG, "g1")
        else:
            c.aci.container_groups.get(RG, "g1")
    c.emu._store._conn = real
    assert not real.in_transaction
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock is free at once
    other.execute("ROLLBACK")
    other.close()
    assert c.aci.container_groups.get(RG, "g1").name == "g1"  # the same kernel goes on
    c.aci.container_groups.begin_create_or_update(RG, "g2", group()).result()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 1.0)
    assert {g.name for g in _cloud(path).aci.container_groups.list()} == {"g1", "g2"}


def test_a_transaction_left_open_is_rolled_back_by_the_next_call(tmp_path):
    """1. Even if a transaction was left open by something outside the store's control."""
    c = _cloud(tmp_path / "state.db")
    c.emu._store._conn.execute("BEGIN IMMEDIATE")
    assert c.res.resource_groups.check_existence(RG)


# ---- 3: reset seen by every kernel -----------------------------------------------------------

def test_reset_is_seen_by_a_kernel_that_read_the_old_group(tmp_path):
    """3. The per-process cache was keyed on versions that start again after a reset."""
    path = tmp_path / "state.db"
    a, b = _cloud(path), Cloud(Emulator(path, clock="instant"))
    old = group()
    old.tags = {"v": "old"}
    a.aci.container_groups.begin_create_or_update(RG, "g1", old).result()
    assert b.aci.container_groups.get(RG, "g1").tags == {"v": "old"}
    a.emu.reset()
    a.res.resource_groups.create_or_update(RG, {"location": LOC})
    new = group()
    new.tags = {"v": "new"}
    a.aci.container_groups.begin_create_or_update(RG, "g1", new).result()
    assert b.aci.container_groups.get(RG, "g1").tags == {"v": "new"}
    assert [g.tags for g in b.aci.container_groups.list()] == [{"v": "new"}]


# ---- 4: contention is not corruption ----------------------------------------------------------

def _hold_write_lock(path: str, ready, release) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    release.wait(60)
    conn.execute("ROLLBACK")


def test_a_busy_file_waits_then_names_the_holder_and_never_says_delete(tmp_path, monkeypatch):
    """4. A kernel blocked by another one's lock is told who holds it, not "corrupt"."""
    path = str(tmp_path / "state.db")
    c = _cloud(path)
    with another_process(_hold_write_lock, path) as holder:
        c.emu._store._conn.execute("PRAGMA busy_timeout = 300")
        start = time.monotonic()
        with pytest.raises(StateFileBusy) as info:
            c.aci.container_groups.begin_create_or_update(RG, "g1", group())
        assert time.monotonic() - start >= 0.25  # it waited first
        msg = str(info.value)
        assert path in msg and "busy" in msg and "not damaged" in msg
        assert "delete the file" not in msg and "corrupt" not in msg
        if LINUX:
            assert f"process {holder.pid}" in msg
        assert info.value._render_traceback_() == [f"StateFileBusy: {msg}"]
    c.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()  # then it works


def _open_and_write(path: str, name: str, barrier, out) -> None:
    try:
        barrier.wait(60)
        c = Cloud(Emulator(path, clock="instant"))
        c.res.resource_groups.create_or_update(name, {"location": LOC})
        out.put("ok")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        out.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to start 16 kernels quickly")
def test_many_kernels_opening_a_fresh_file_at_once(tmp_path):
    """4. Every one of them opens it (the WAL switch and the schema are set up once)."""
    path = str(tmp_path / "fresh.db")
    ctx = mp.get_context("fork")
    n = 16
    barrier, out = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_open_and_write, args=(path, f"rg{i}", barrier, out))
             for i in range(n)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert results == ["ok"] * n
    c = Cloud(Emulator(path, clock="instant"))
    assert len(list(c.res.resource_groups.list())) == n


def _hold_open_guard(path: str, ready, release) -> None:
    import fcntl
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    ready.set()
    release.wait(60)
    os.close(fd)


@pytest.mark.skipif(not LINUX, reason="flock and /proc/locks")
def test_opening_while_another_process_sets_the_file_up(tmp_path, monkeypatch):
    """4. Opening waits for the process setting the file up, then names it."""
    path = str(tmp_path / "state.db")
    with another_process(_hold_open_guard, path) as holder:
        monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.3)
        with pytest.raises(StateFileBusy) as info:
            Emulator(path)
        assert f"process {holder.pid}" in str(info.value)
    Emulator(path).close()


# ---- 6: problems found after the file opened ------------------------------------------------

def test_a_row_with_invalid_json_is_a_local_error(tmp_path):
    """6. One damaged group: listing, other groups and deleting it still work everywhere."""
    path = tmp_path / "state.db"
    c = _cloud(path)
    for name in ("good", "bad", "alsobad"):
        c.aci.container_groups.begin_create_or_update(RG, name, group()).result()
    con = sqlite3.connect(path)
    con.execute("UPDATE container_groups SET doc='{not json' WHERE name='bad'")
    con.execute("UPDATE container_groups SET doc='{\"name\": \"alsobad\"}' WHERE name='alsobad'")
    con.commit()
    con.close()
    other = _cloud(path)  # another kernel
    assert [g.name for g in other.aci.container_groups.list()] == ["good"]
    assert [g.name for g in other.aci.container_groups.list_by_resource_group(RG)] == ["good"]
    assert other.aci.container_groups.get(RG, "good").instance_view.state == "Running"
    for name, problem in (("bad", "not valid JSON"), ("alsobad", "'rg' is missing")):
        with pytest.raises(DamagedRecord) as info:
            other.aci.container_groups.get(RG, name)
        msg = str(info.value)
        assert str(path) in msg and f"container group '{name}'" in msg and problem in msg
        assert "begin_delete" in msg and "reset()" in msg
    names = [r.name for r in other.res.resources.list_by_resource_group(RG)]
    assert sorted(names) == ["alsobad", "bad", "good"]  # cleanup still sees them
    other.aci.container_groups.begin_delete(RG, "bad").result()
    other.aci.container_groups.begin_create_or_update(RG, "alsobad", group()).result()
    assert [g.name for g in c.aci.container_groups.list()] == ["alsobad", "good"]


def test_a_row_with_a_lone_surrogate_is_a_local_error(tmp_path):
    """2. A group stored by an older emulator with "\\ud800" in a tag breaks only itself."""
    path = tmp_path / "state.db"
    c = _cloud(path)
    for name in ("good", "bad"):
        c.aci.container_groups.begin_create_or_update(RG, name, group()).result()
    con = sqlite3.connect(path)
    doc = json.loads(con.execute("SELECT doc FROM container_groups WHERE name='bad'").fetchone()[0])
    doc["tags"] = {"k": "\ud800"}
    con.execute("UPDATE container_groups SET doc=? WHERE name='bad'", (json.dumps(doc),))
    rg = json.loads(con.execute("SELECT doc FROM resource_groups").fetchone()[0])
    con.execute("INSERT INTO resource_groups VALUES('rg2', 'rg2', 'westus', ?, NULL)",
                (json.dumps({**rg, "name": "rg2", "tags": {"a": "\udc00"}}),))
    con.commit()
    con.close()
    other = _cloud(path)
    assert [g.name for g in other.aci.container_groups.list()] == ["good"]
    assert sorted(g.name for g in other.res.resource_groups.list()) == [RG, "rg2"]
    with pytest.raises(DamagedRecord, match="lone surrogate"):
        other.aci.container_groups.get(RG, "bad")
    other.aci.container_groups.begin_delete(RG, "bad").result()


def test_a_non_numeric_clock_is_a_state_file_error(tmp_path):
    path = tmp_path / "state.db"
    c = _cloud(path)
    c.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='soon' WHERE key='clock'")
    con.commit()
    con.close()
    with pytest.raises(StateFileError) as info:
        Cloud(Emulator(path, clock="instant")).aci.container_groups.get(RG, "g1")
    assert "'clock' is 'soon', not a number" in str(info.value) and str(path) in str(info.value)


def test_a_damaged_speed_anchor_is_a_state_file_error(tmp_path):
    path = tmp_path / "state.db"
    c = Cloud(Emulator(path, clock="realtime", speed=10))
    c.res.resource_groups.create_or_update(RG, {"location": LOC})
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='soon' WHERE key LIKE '%anchor%'")
    assert con.total_changes == 1
    con.commit()
    con.close()
    with pytest.raises(StateFileError, match="not three numbers"):
        c.res.resource_groups.get(RG)


def _page_of(path, table: str) -> int:
    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
    con.close()
    return root


@pytest.mark.parametrize("table", ["meta", "container_groups"])
def test_corrupt_pages_are_a_state_file_error(tmp_path, table):
    """6. A damaged page is one StateFileError (never a raw sqlite3 error or an HTTP 500)."""
    path = tmp_path / "state.db"
    c = _cloud(path)
    for i in range(30):
        c.aci.container_groups.begin_create_or_update(RG, f"g{i}", group()).result()
    c.emu.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    page = _page_of(path, table)
    with open(path, "r+b") as f:
        f.seek((page - 1) * 4096)
        f.write(b"\xa5" * 4096)
    with pytest.raises(StateFileError) as info:
        d = Cloud(Emulator(path, clock="instant"))
        list(d.aci.container_groups.list())
        d.aci.container_groups.get(RG, "g1")
    assert str(path) in str(info.value) and "delete the file" in str(info.value)


def test_a_read_only_state_file_is_a_clear_error(tmp_path):
    """6. Reads work; a write says the file cannot be written (no HTTP 500)."""
    path = tmp_path / "state.db"
    c = _cloud(path)
    c.aci.container_groups.begin_create_or_update(RG, "g1", group()).result()
    store = c.emu._store
    store._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                  check_same_thread=False)  # as if made read-only meanwhile
    assert c.aci.container_groups.get(RG, "g1").name == "g1"
    with pytest.raises(StateFileError) as info:
        c.aci.container_groups.stop(RG, "g1")
    assert "cannot be written" in str(info.value) and "writable" in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root can write read-only files")
def test_a_read_only_state_file_is_refused_when_opened(tmp_path):
    path = tmp_path / "state.db"
    Emulator(path).close()
    path.chmod(0o444)
    with pytest.raises(StateFileError, match="read-only"):
        Emulator(path)


def test_state_file_errors_show_as_one_line_in_ipython(tmp_path):
    """6. Not a 49-line chained traceback: one readable error, the file and how to reset."""
    from IPython.core.interactiveshell import InteractiveShell

    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database" * 100)
    shell = InteractiveShell.instance()
    try:
        shown = []
        shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
        shell.run_cell(f"from aci_helpers.emulator import Emulator; Emulator({str(path)!r})")
    finally:
        InteractiveShell.clear_instance()
    assert len(shown) == 1 and len(shown[0]) == 1
    assert shown[0][0].startswith(f"StateFileError: Cannot use the emulator state file '{path}'")
    assert "delete the file" in shown[0][0]


# ---- 7 and 8: what is at the path ----------------------------------------------------------

@pytest.mark.parametrize("make, words", [
    (lambda p: p.parent / "missing" / "state.db", "does not exist"),
    (lambda p: (p.write_text("x"), p / "state.db")[1], "is a file, not a folder"),
    (lambda p: (p.mkdir(), p)[1], "is a folder, not a file"),
])
def test_a_bad_place_for_the_state_file(tmp_path, make, words):
    path = make(tmp_path / "place")
    with pytest.raises(StateFileError, match=words) as info:
        Emulator(path)
    assert "ACI_EMULATOR_STATE" in str(info.value)


def test_a_foreign_sqlite_file_is_not_touched(tmp_path):
    """8. Checked before anything is changed: no WAL switch, no -wal/-shm, no "delete it"."""
    path = tmp_path / "customers.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (name TEXT)")
    con.execute("INSERT INTO customers VALUES ('Ada')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StateFileError) as info:
        Emulator(path)
    msg = str(info.value)
    assert "another program" in msg and "customers" in msg and "Nothing was changed" in msg
    assert "delete the file" not in msg and "choose another path" in msg
    assert path.read_bytes() == before
    assert not (tmp_path / "customers.db-wal").exists()
    assert not (tmp_path / "customers.db-shm").exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_closed_emulator_says_so(tmp_path):
    c = _cloud(tmp_path / "state.db")
    c.emu.close()
    with pytest.raises(Exception, match="was closed"):
        c.aci.container_groups.get(RG, "g1")


def test_deleted_group_then_not_found_not_damaged(tmp_path):
    c = _cloud(tmp_path / "state.db")
    with pytest.raises(ResourceNotFoundError):
        c.aci.container_groups.get(RG, "nope")


# ---- scale: the quota check does not read every group ------------------------------------------

def _summed(tx, location: str) -> float:
    """The cores the quota counts in ``location``, summed from every stored group."""
    return tx.c.execute("SELECT COALESCE(round(SUM(cores), 6), 0) FROM container_groups "
                        "WHERE location=? AND active=1", (location,)).fetchone()[0]


def test_quota_sums_follow_other_kernels_and_rollbacks(tmp_path):
    """The store keeps each region's core sum (a create used to sum every stored group); it
    follows what another kernel commits, and what this one rolls back."""
    from azure.core.exceptions import HttpResponseError

    path = tmp_path / "state.db"
    a = _cloud(path, quota_cores=4)
    b = Cloud(Emulator(path, clock="instant", quota_cores=4))
    a.aci.container_groups.begin_create_or_update(RG, "a1", group()).result()  # 1 core
    b.aci.container_groups.begin_create_or_update(RG, "b1", group()).result()  # 2 in use
    a.aci.container_groups.begin_create_or_update(RG, "a2", group()).result()  # 3, seen by a
    with pytest.raises(HttpResponseError, match="Usage: '3' Requested: '2'"):
        b.aci.container_groups.begin_create_or_update(RG, "big", group(container(cpu=2)))
    b.aci.container_groups.stop(RG, "a1")  # stopped groups release their cores
    a.aci.container_groups.begin_create_or_update(RG, "big", group(container(cpu=2))).result()
    b.aci.container_groups.begin_delete(RG, "big").result()
    store = a.emu._store
    with pytest.raises(RuntimeError):
        with store.tx(write=True) as tx:
            tx.delete_cg("rg1/a2")
            assert tx.cores_in_use("westus") == 1
            raise RuntimeError("rolled back")
    with store.tx(write=False) as tx:
        assert tx.cores_in_use("westus") == 2 == _summed(tx, "westus")
        assert tx.cores_in_use("westus", "rg1/a2") == 1


def test_quota_sums_follow_every_change_of_a_group(tmp_path):
    """Created, updated, stopped, started, deleted one by one and with their resource group:
    the kept sum is always the sum of the stored groups."""
    c = _cloud(tmp_path / "state.db", quota_cores=50)
    store = c.emu._store
    sums = []

    def check() -> None:
        with store.tx(write=False) as tx:
            kept, summed = tx.cores_in_use(LOC), _summed(tx, LOC)
        assert kept == summed, (kept, summed)
        sums.append(kept)

    two = group(container("c1", cpu=0.5), container("c2", cpu=0.7))
    c.aci.container_groups.begin_create_or_update(RG, "a", two).result()
    c.aci.container_groups.begin_create_or_update(RG, "b", group(container(cpu=2))).result()
    check()
    c.aci.container_groups.update(RG, "a", {"tags": {"k": "v"}})
    check()
    c.aci.container_groups.stop(RG, "b")
    check()
    c.aci.container_groups.begin_start(RG, "b").result()
    check()
    c.aci.container_groups.begin_delete(RG, "a").result()
    check()
    c.res.resource_groups.create_or_update("rg2", {"location": LOC})
    c.aci.container_groups.begin_create_or_update(
        "rg2", "d", group(container("c1", cpu=0.6), container("c2", cpu=0.5))).result()
    check()
    c.res.resource_groups.begin_delete("rg2").result()
    check()
    assert sums == [3.2, 3.2, 1.2, 3.2, 2.0, 3.1, 2.0]
    c.emu.reset()
    with store.tx(write=False) as tx:
        assert tx.cores_in_use(LOC) == 0 and tx.meta("cores:" + LOC) is None


def test_an_older_file_gets_its_quota_sums_when_opened(tmp_path):
    """A file an emulator without the kept sums wrote (no triggers): opening it computes
    them once, and from then on every write keeps them."""
    path = tmp_path / "state.db"
    c = _cloud(path, quota_cores=50)
    c.aci.container_groups.begin_create_or_update(RG, "a", group(container(cpu=2))).result()
    c.emu.close()
    con = sqlite3.connect(path)
    for name in ("cg_cores_insert", "cg_cores_delete", "cg_cores_update"):
        con.execute(f"DROP TRIGGER {name}")
    con.execute("DELETE FROM meta WHERE key LIKE 'cores:%'")
    con.execute("UPDATE container_groups SET cores = 3")   # as that emulator stored it
    con.commit()
    con.close()
    again = _cloud(path, quota_cores=4)
    with pytest.raises(HttpResponseError, match="Usage: '3' Requested: '2'"):
        again.aci.container_groups.begin_create_or_update(RG, "b", group(container(cpu=2)))
    again.aci.container_groups.begin_create_or_update(RG, "b", group(container(cpu=1))).result()
    with again.emu._store.tx(write=False) as tx:
        assert tx.cores_in_use(LOC) == 4 == _summed(tx, LOC)


# ---- a second emulator of the same file in one process ---------------------------------------

def _own_locks(path: str) -> list[str]:
    """This process's POSIX locks on ``path`` (from /proc/locks: kind and byte range)."""
    ino, me = os.stat(path).st_ino, str(os.getpid())
    with open("/proc/locks", encoding="ascii") as f:
        rows = [line.split() for line in f]
    return sorted(" ".join(r[1:4] + r[-2:]) for r in rows
                  if r[4] == me and r[5].endswith(f":{ino}"))


def _write_and_close(path: str, ready, release) -> None:
    """Another kernel: it writes, then closes its connection (the last one, it may think)."""
    c = Cloud(Emulator(path, clock="instant"))
    for i in range(20):
        c.res.resource_groups.create_or_update(f"other-{i}", {"location": LOC})
    c.emu.close()
    ready.set()
    release.wait(30)


@pytest.mark.skipif(not LINUX, reason="reads /proc/locks (Linux)")
def test_a_second_emulator_of_the_file_keeps_the_first_ones_sqlite_locks(tmp_path):
    """Every connect() in a kernel makes an Emulator; re-running a notebook's first cell makes
    a second one on the same state file. Opening it (and closing it, or its garbage
    collection) must not drop the SQLite locks the first one holds: POSIX locks belong to
    the process, and closing any descriptor of the file drops them all. Without its shared
    lock, another kernel closing its connection believed itself the last one, checkpointed
    and truncated the WAL under the first one's reads, and a meta value read back as a
    resource group's name."""
    path = str(tmp_path / "cloud.db")
    first = _cloud(path)
    held = _own_locks(path)
    assert held, "a WAL connection holds a shared lock on the database file"
    second = Emulator(path, clock="instant")
    assert _own_locks(path) == held
    second.close()
    del second
    assert _own_locks(path) == held
    with another_process(_write_and_close, path):
        names = {g.name for g in first.res.resource_groups.list()}
    assert names == {RG, *(f"other-{i}" for i in range(20))}
    first.emu.close()
    assert _own_locks(path) == []
