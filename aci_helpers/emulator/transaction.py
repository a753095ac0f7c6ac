"""The store's transaction boundary: what ``with store.tx(write) as tx:`` enters and leaves.

A learner's Ctrl-C must never leave a transaction half-ended: the kernel would fail every
later call ("Store.tx is not reentrant"), and an open ``BEGIN IMMEDIATE`` would keep the
write lock from every other kernel sharing the state file. ``contextlib.contextmanager``
cannot promise that: a KeyboardInterrupt raised in its ``__exit__`` before the generator
resumes skips both the commit and the rollback (issue 16). So the boundary is one object
with its own ``__enter__``/``__exit__``, and, in the main thread (the only one that receives
signals), its own SIGINT handler for as long as the transaction is open:

- a Ctrl-C that lands in the boundary, i.e. in ``__enter__``, ``__exit__``, what they call,
  or the frame holding the ``with`` statement (its bookkeeping around the body), is held;
- a Ctrl-C that lands in code the body calls is raised there at once, as before: the body
  stops, and ``__exit__`` rolls the transaction back;
- a held Ctrl-C is delivered (the previous handler is called, which raises KeyboardInterrupt
  under Jupyter) where nothing can leak: at the end of ``__enter__``, after which the
  transaction is rolled back and released if it raised, or at the very end of ``__exit__``,
  once the transaction is committed or rolled back, uncounted and unlocked.

Worker threads (the async transport answers in them) never receive signals: the same object,
minus the handler, ends their transactions in ``try``/``finally``.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any

from .errors import EmulatorError

try:  # the C functions behind signal.signal/getsignal, without their enum conversion: a
    import _signal as _sig  # tenth of the time, and no Python frames in the boundary
except ImportError:  # pragma: no cover - other Pythons
    _sig = signal  # type: ignore[assignment]

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store, Tx

_CLOSED = ("This emulator was closed (Emulator.close()); create a new one (in a notebook: "
           "connect() again).")


class Transaction:
    """One transaction of a :class:`~.store.Store`; ``write=True`` takes the write lock up front.

    Use it only through ``with store.tx(write) as tx:``. Whatever happens, including a Ctrl-C
    at any bytecode of entering or leaving, it ends committed (the body finished) or rolled
    back (the body raised), and leaves the store free for the next call."""

    __slots__ = ("_store", "_write", "_conn", "_tx", "_locked", "_counted", "_caller", "_old",
                 "_pending")

    def __init__(self, store: "Store", write: bool) -> None:
        self._store, self._write = store, write
        self._conn: sqlite3.Connection | None = None  # once BEGIN has been sent
        self._tx: Tx | None = None
        self._locked = self._counted = False
        self._caller: FrameType | None = None
        self._old: Any = None
        self._pending: tuple[int, Any] | None = None

    def __enter__(self) -> "Tx":
        try:
            self._hold(sys._getframe(1))
            tx = self._begin()
            if self._pending is not None:  # Ctrl-C while entering: now, before the body
                self._deliver()
        except BaseException:
            try:
                self._end(commit=False)
            finally:
                self._release()
            raise
        return tx

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: Any) -> bool:
        try:
            error = self._end(commit=exc_type is None)
            if error is None and isinstance(exc, sqlite3.Error):
                error = self._store._state_error(exc)
        finally:
            self._release()
        if error is not None:
            raise error from None
        return False

    # -- the database transaction, the depth count and the lock -------------------------------
    def _begin(self) -> "Tx":
        store = self._store
        store._lock.acquire()
        self._locked = True
        if store._depth:
            raise RuntimeError("Store.tx is not reentrant")
        conn = store._conn
        if conn is None:
            raise EmulatorError(_CLOSED)
        store._depth += 1
        self._counted = True
        self._conn = conn
        try:
            if conn.in_transaction:  # left by something outside the store's control
                conn.execute("ROLLBACK")
            conn.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        except sqlite3.Error as exc:
            raise store._state_error(exc) from None
        self._tx = store._tx_object(conn)
        return self._tx

    def _end(self, commit: bool) -> EmulatorError | None:
        """Commit or roll back, then uncount and unlock; the error a failed commit means."""
        store, conn, error = self._store, self._conn, None
        try:
            if conn is not None and commit:
                try:
                    if self._tx is not None:
                        self._tx.flush()
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    error = store._state_error(exc)
                    commit = False
            if conn is not None and not commit:
                try:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                except sqlite3.Error:  # the connection is broken: nothing is left to undo
                    pass
        finally:
            self._conn = self._tx = None
            if self._counted:
                self._counted = False
                store._depth -= 1
            if self._locked:
                self._locked = False
                store._lock.release()
        return error

    # -- SIGINT ----------------------------------------------------------------------------
    def _hold(self, caller: FrameType) -> None:
        """Become the SIGINT handler (main thread only) until :meth:`_release`."""
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            old = _sig.getsignal(signal.SIGINT)
            # SIG_DFL ends the process (as kill -9 would: nothing to protect), SIG_IGN
            # nothing; None is a handler installed outside Python, which cannot be restored.
            if not callable(old):
                return
            self._old, self._caller = old, caller
            _sig.signal(signal.SIGINT, self)
        except (ValueError, OSError):  # not the main interpreter
            self._old = self._caller = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        """SIGINT while the transaction is open: held in the boundary, raised in the body."""
        if self._in_boundary(frame):
            self._pending = (signum, frame)
        elif self._old is not None:
            self._old(signum, frame)

    def _in_boundary(self, frame: FrameType | None) -> bool:
        """Is ``frame`` the ``with`` statement's own, or ``__enter__``/``__exit__`` or below?"""
        caller, child = self._caller, None
        while frame is not None and frame is not caller:
            child, frame = frame, frame.f_back
        return frame is not None and (child is None or child.f_code in _BOUNDARY)

    def _release(self) -> None:
        """Give SIGINT back to the previous handler, then deliver a Ctrl-C held meanwhile."""
        old = self._old
        if old is None:
            return
        try:
            current = _sig.getsignal(signal.SIGINT)
            if current is self:
                _sig.signal(signal.SIGINT, old)
            else:  # two stores' transactions ended out of order: unlink this one from the
                # chain of handlers, or the later one would restore it, stale, and a
                # Ctrl-C after both would be swallowed
                while isinstance(current, Transaction):
                    if current._old is self:
                        current._old = old
                        break
                    current = current._old
        except (ValueError, OSError):  # pragma: no cover - checked in _hold
            pass
        self._caller = None  # only now: until the line above, a Ctrl-C here is held
        self._deliver()
        self._old = None

    def _deliver(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._old(*pending)  # Python's and Jupyter's handlers raise KeyboardInterrupt


_BOUNDARY = frozenset({Transaction.__enter__.__code__, Transaction.__exit__.__code__})
