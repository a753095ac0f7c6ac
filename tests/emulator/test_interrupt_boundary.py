"""A Ctrl-C aimed at every bytecode of the store's transaction boundary (issue 16).

A Ctrl-C that landed in ``contextlib``'s ``__exit__`` before the generator behind
``Store.tx`` resumed skipped both the commit and the rollback: the kernel failed every later
call ("Store.tx is not reentrant") and its open ``BEGIN IMMEDIATE`` stalled every other
kernel. It happened once in a few hundred random interrupts; here it is aimed.

CPython delivers SIGINT by calling the current Python-level handler (Jupyter's raises
KeyboardInterrupt) at its next check point between bytecodes. The aim does the same at
*every* bytecode, a superset of those check points: an opcode trace counts the bytecodes of
the boundary (the frame holding the ``with`` statement, from the call of ``Store.tx`` on, and
everything ``tx()``, ``__enter__`` and ``__exit__`` run), and at the Nth it calls the
handler installed at that moment with that frame, for N = 1, 2, ... until the boundary has
fewer than N bytecodes. After each shot: the handler is the learner's again, the store is
free (no depth count, no open transaction, its lock free for another thread), another process
can take the write lock at once and sees the write wholly committed or wholly rolled back,
and the next call works and is seen by the other process (nothing acknowledged is lost).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Callable

import pytest

from aci_helpers.emulator import Emulator
from aci_helpers.emulator.app import App
from aci_helpers.emulator.store import Store

#: The callees of a ``with store.tx(...)`` statement: the boundary (``helper`` is
#: ``contextlib``'s, kept so that the aim also fits a generator-based ``Store.tx``).
_ENTRY = frozenset({"tx", "helper", "__enter__", "__exit__"})


class _Aim:
    """An opcode trace that calls the current SIGINT handler at the boundary's Nth bytecode."""

    def __init__(self, caller: Callable, n: int) -> None:
        self.code = caller.__code__
        self.n, self.count = n, 0
        self.caller: Any = None
        self.started = False
        self.landed: tuple[str, int] | None = None

    def start(self) -> None:
        sys.settrace(self._call)

    def _call(self, frame, event, arg):
        if self.caller is None:
            if frame.f_code is not self.code:
                return None
            self.caller = frame
        elif frame is not self.caller:
            f, child = frame, None
            while f is not None and f is not self.caller:
                child, f = f, f.f_back
            if f is None or child.f_code.co_name not in _ENTRY:
                return None  # outside the call, or the body
            self.started = True
        frame.f_trace_opcodes = True
        return self._opcode

    def _opcode(self, frame, event, arg):
        if event == "opcode" and (self.started or frame is not self.caller):
            self.count += 1
            if self.count == self.n:
                self.landed = (frame.f_code.co_name, frame.f_lineno)
                # As the signal would: the handler of this moment, with this frame. If it
                # raises, CPython raises it at this bytecode and stops the trace.
                signal.getsignal(signal.SIGINT)(signal.SIGINT, frame)
        return self._opcode


# -- another kernel: a second process on the same file --------------------------------------
_OTHER_KERNEL = """
import json, sqlite3, sys
dbs = {}
for line in sys.stdin:
    path, sql = json.loads(line)
    db = dbs.get(path) or dbs.setdefault(path, sqlite3.connect(path, timeout=0,
                                                               isolation_level=None))
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        print(json.dumps(["busy", str(exc)]), flush=True)
        continue
    try:
        print(json.dumps(["free", db.execute(sql).fetchall()]), flush=True)
    finally:
        db.execute("ROLLBACK")
"""


@pytest.fixture(scope="module")
def other():
    """``other(path, sql)``: another process takes the write lock at once (or the test fails)
    and reads ``sql`` (rows as tuples)."""
    proc = subprocess.Popen([sys.executable, "-c", _OTHER_KERNEL], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)

    def ask(path: str, sql: str) -> list:
        proc.stdin.write(json.dumps([path, sql]) + "\n")
        proc.stdin.flush()
        state, rows = json.loads(proc.stdout.readline())
        assert state == "free", f"another kernel cannot take the write lock at once: {rows}"
        return [tuple(r) for r in rows]

    yield ask
    proc.stdin.close()
    proc.wait(10)


def _lock_is_free(lock) -> bool:
    """Can another thread take the store's lock (the owner may re-enter an RLock)?"""
    got: list[bool] = []

    def take() -> None:
        got.append(lock.acquire(timeout=5))
        if got[0]:
            lock.release()

    t = threading.Thread(target=take)
    t.start()
    t.join(10)
    return got == [True]


class _Learner:
    """The SIGINT handler of the kernel: Jupyter's during a cell (raises), or one that only
    notes the Ctrl-C (a kernel between cells)."""

    def __init__(self, raises: bool) -> None:
        self.raises, self.calls = raises, 0

    def __call__(self, signum, frame) -> None:
        self.calls += 1
        if self.raises:
            raise KeyboardInterrupt


def _aim_everywhere(store: Store, caller: Callable, call: Callable[[int], Any],
                    seen: Callable[[], Any], raises: bool, expect: Callable) -> dict:
    """Shoot at bytecode N of ``caller``'s boundary for every N; check after each shot.

    ``call(i)`` runs ``caller`` for write number ``i``; ``seen()`` is what the other process
    reads; ``expect(outcome, i, before)`` the values that reading may have. Returns where the
    shots landed, and how often the other process then read the old state or the new."""
    learner = _Learner(raises)
    previous = signal.signal(signal.SIGINT, learner)
    tracer = sys.gettrace()
    landed: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    before, i, n = seen(), 0, 0
    try:
        while True:
            n += 1
            i += 1
            aim = _Aim(caller, n)
            calls = learner.calls
            aim.start()
            try:
                call(i)
                outcome = "returned"
            except KeyboardInterrupt:
                outcome = "interrupted"
            except ValueError:
                outcome = "failed"   # the body's own error
            finally:
                sys.settrace(tracer)
            if aim.landed is None:  # the boundary has fewer than n bytecodes: all shot at
                assert outcome != "interrupted" and learner.calls == calls
                break
            where = f"{aim.landed[0]}:{aim.landed[1]}"
            landed[where] = landed.get(where, 0) + 1
            shot = f"shot {n} (in {where}, outcome {outcome})"
            assert learner.calls == calls + 1, f"{shot}: the Ctrl-C was not delivered once"
            assert (outcome == "interrupted") == raises, f"{shot}: swallowed or invented"
            assert signal.getsignal(signal.SIGINT) is learner, f"{shot}: handler not restored"
            assert store._depth == 0, f"{shot}: the depth count stayed at {store._depth}"
            assert not store._conn.in_transaction, f"{shot}: a transaction stayed open"
            assert _lock_is_free(store._lock), f"{shot}: the store's lock stayed taken"
            now = seen()
            assert now in expect(outcome, i, before), f"{shot}: the other process read {now}"
            ended = "old state" if now == before else "new state"
            outcomes[ended] = outcomes.get(ended, 0) + 1
            i += 1
            call(i)  # the next call works...
            before = seen()  # ...and what it acknowledged is there for everyone
            assert before in expect("returned", i, None), f"{shot}: next call not seen"
    finally:
        sys.settrace(tracer)
        signal.signal(signal.SIGINT, previous)
    assert n > 100, f"the aim found only {n - 1} bytecodes: it is not aiming at the boundary"
    return {"shots": n - 1, "landed": landed, **outcomes}


# -- the store, from a with statement of its own ------------------------------------------------
def _write(store: Store, i: int, fail: bool) -> None:
    with store.tx(write=True) as tx:
        _body(tx, i, fail)


def _body(tx, i: int, fail: bool) -> None:
    tx.set_meta("aim-a", str(i))
    tx.set_meta("aim-b", str(i))
    if fail:
        raise ValueError("the body failed")


def _read(store: Store) -> str | None:
    with store.tx(write=False) as tx:
        return tx.meta("aim-a")


def _both_or_neither(outcome: str, i: int, before) -> list:
    """Committed whole once acknowledged; else committed whole or rolled back whole."""
    done = (str(i), str(i))
    return [done] if outcome == "returned" else [before, done]


@pytest.mark.parametrize("raises", [True, False], ids=["jupyter-cell", "between-cells"])
@pytest.mark.parametrize("fail", [False, True], ids=["commit", "rollback"])
def test_ctrl_c_at_every_bytecode_of_a_write(tmp_path, other, raises, fail):
    store = Store(tmp_path / "state.db")
    path = str(tmp_path / "state.db")

    def seen():
        rows = other(path, "SELECT key, value FROM meta WHERE key IN ('aim-a', 'aim-b')")
        got = dict(rows)
        return (got.get("aim-a"), got.get("aim-b"))

    def call(i: int) -> None:
        _write(store, i, fail and i % 2 == 1)  # the odd ones are the aimed ones

    def expect(outcome, i, before):
        if fail and i % 2:
            return [before]  # the body raised: nothing of it, whenever the Ctrl-C came
        return _both_or_neither(outcome, i, before)

    report = _aim_everywhere(store, _write, call, seen, raises, expect)
    places = {w.split(":")[0] for w in report["landed"]}
    assert {"_write", "__enter__", "__exit__"} <= places, report
    if raises and not fail:  # held while entering: rolled back; while leaving: committed
        assert report.get("new state") and report.get("old state"), report
    store.close()


@pytest.mark.parametrize("raises", [True, False], ids=["jupyter-cell", "between-cells"])
def test_ctrl_c_at_every_bytecode_of_a_read(tmp_path, other, raises):
    store = Store(tmp_path / "state.db")
    path = str(tmp_path / "state.db")
    _write(store, 0, False)

    def call(i: int) -> None:
        if i % 2:
            assert _read(store) == "0"  # the aimed ones
        else:
            _read(store)

    report = _aim_everywhere(store, _read, call,
                             lambda: other(path, "SELECT value FROM meta WHERE key='aim-a'"),
                             raises, lambda *_: [[("0",)]])
    assert {"_read", "__enter__", "__exit__"} <= {w.split(":")[0] for w in report["landed"]}
    store.close()


# -- the emulator's own transactions: App._transact -------------------------------------------
def _request(emu: Emulator, method: str, rg: str, tags: dict | None = None):
    url = (f"https://management.azure.com/subscriptions/{emu.subscription_id}/resourcegroups/"
           f"{rg}?api-version=2021-04-01")
    body = b"" if tags is None else json.dumps({"location": "westus", "tags": tags}).encode()
    resp = emu._app.handle(method, url, {"Authorization": "Bearer t",
                                         "Content-Type": "application/json"}, body)
    assert resp.status in (200, 201), resp.body
    return json.loads(resp.body)


@pytest.mark.parametrize("clock", ["instant", "realtime"])
@pytest.mark.parametrize("method", ["PUT", "GET"])
def test_ctrl_c_at_every_bytecode_of_a_request(tmp_path, other, clock, method):
    """The transactions of ``_transact``: a write, and a read (on the instant clock, a read
    answers from one snapshot; it becomes a write when the clock must move on first)."""
    path = str(tmp_path / "state.db")
    emu = Emulator(path, clock=clock)
    store = emu._store
    _request(emu, "PUT", "rg-aim", {"n": "0"})

    def seen():
        rows = other(path, "SELECT doc FROM resource_groups WHERE name='rg-aim'")
        return json.loads(rows[0][0])["tags"]["n"]

    def call(i: int) -> None:
        if method == "PUT" or not i % 2:  # the GET's next call is a PUT: something to see
            _request(emu, "PUT", "rg-aim", {"n": str(i)})
        else:
            assert _request(emu, "GET", "rg-aim")["tags"]["n"] == str(i - 1)

    def expect(outcome, i, before):
        if method == "GET" and i % 2:
            return [before]
        return [str(i)] if outcome == "returned" else [before, str(i)]

    report = _aim_everywhere(store, App._transact, call, seen, True, expect)
    assert {"_transact", "__enter__", "__exit__"} <= {w.split(":")[0] for w in report["landed"]}
    emu.close()


# -- other threads --------------------------------------------------------------------------
def test_worker_threads_keep_writing_while_the_main_thread_is_interrupted(tmp_path, other):
    """Only the main thread receives SIGINT; a worker's transactions (the async transport
    answers in worker threads) go on correct while the main thread's are shot at."""
    path = str(tmp_path / "state.db")
    store = Store(path)
    stop, acked, errors = threading.Event(), [], []

    def worker() -> None:
        k = 0
        while not stop.is_set():
            k += 1
            try:
                with store.tx(write=True) as tx:
                    tx.set_meta("worker", str(k))
                acked.append(k)
            except Exception as exc:  # noqa: BLE001 - any failure is a finding
                errors.append(repr(exc))
            time.sleep(0.0005)

    learner = _Learner(True)
    previous = signal.signal(signal.SIGINT, learner)
    tracer = sys.gettrace()
    t = threading.Thread(target=worker)
    t.start()
    try:
        n = 0
        while True:
            n += 1
            aim = _Aim(_write, n)
            aim.start()
            try:
                _write(store, n, False)
            except KeyboardInterrupt:
                pass
            finally:
                sys.settrace(tracer)
            assert signal.getsignal(signal.SIGINT) is learner
            if aim.landed is None:
                break
    finally:
        stop.set()
        t.join(30)
        signal.signal(signal.SIGINT, previous)
    assert not errors, errors[:3]
    assert n > 100 and acked
    assert store._depth == 0 and not store._conn.in_transaction and _lock_is_free(store._lock)
    assert other(path, "SELECT value FROM meta WHERE key='worker'") == [(str(acked[-1]),)]
    _write(store, -1, False)
    assert other(path, "SELECT value FROM meta WHERE key='aim-a'") == [("-1",)]
    store.close()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX signals")
def test_a_real_ctrl_c_while_waiting_for_a_worker_is_delivered_after_the_wait(tmp_path, other):
    """A real SIGINT while the main thread waits for the store's lock (a worker thread's
    transaction holds it): held, then raised once the main thread has the lock, before its
    body runs; the worker's write is committed and nothing is left open."""
    path = str(tmp_path / "state.db")
    store = Store(path)
    inside, release, waiting = threading.Event(), threading.Event(), threading.Event()
    ran: list[str] = []

    def worker() -> None:
        with store.tx(write=True) as tx:
            tx.set_meta("worker", "done")
            inside.set()
            release.wait(30)

    def ctrl_c() -> None:
        waiting.wait(30)
        time.sleep(0.05)  # the main thread is now blocked on the store's lock
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        time.sleep(0.05)
        release.set()

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    w, k = threading.Thread(target=worker), threading.Thread(target=ctrl_c)
    w.start()
    inside.wait(30)
    k.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            waiting.set()
            with store.tx(write=True) as tx:
                ran.append("body")
                tx.set_meta("main", "body ran")
    finally:
        release.set()
        w.join(30)
        k.join(30)
        signal.signal(signal.SIGINT, previous)
    assert ran == []
    assert store._depth == 0 and not store._conn.in_transaction and _lock_is_free(store._lock)
    assert other(path, "SELECT key, value FROM meta WHERE key IN ('worker', 'main')") == [
        ("worker", "done")]
    _write(store, 1, False)
    store.close()


@pytest.mark.parametrize("order", ["nested", "out of order"])
def test_two_stores_transactions_ending_in_any_order_give_ctrl_c_back(tmp_path, order):
    """Two stores' transactions open at once in the main thread (two emulators in one kernel),
    ended in either order: afterwards a Ctrl-C is a KeyboardInterrupt again, not swallowed
    by a handler left behind by the first one to end."""
    first, second = Store(tmp_path / "a.sqlite"), Store(tmp_path / "b.sqlite")
    try:
        before = signal.getsignal(signal.SIGINT)
        t1, t2 = first.tx(True), second.tx(True)
        t1.__enter__()
        t2.__enter__()
        for t in ([t2, t1] if order == "nested" else [t1, t2]):
            t.__exit__(None, None, None)
        assert signal.getsignal(signal.SIGINT) is before
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    finally:
        first.close()
        second.close()
