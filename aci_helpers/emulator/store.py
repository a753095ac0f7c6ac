"""SQLite persistence (stdlib ``sqlite3``, WAL mode).

Keeps only what cannot be derived: resource groups, container groups as created (secrets
included, never serialised out), their timeline anchors, async operations, the files of
emulated Azure Files shares, the instant clock and an id sequence. One connection per :class:`Store`, guarded by a lock; writes use
``BEGIN IMMEDIATE`` so that several processes sharing one file serialise cleanly.

Every kernel of a learner shares one file, so a problem in one process must not become
everybody's: a Ctrl-C never leaves a transaction open (the write lock would stall every
other kernel), contention waits and then names the process holding the lock, a file that
is not the emulator's is never touched, and any sqlite failure surfaces as one
:class:`StateFileError` naming the file and what to do.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sqlite3
import threading
import time
from typing import Any, Callable, Iterator, NamedTuple

from .errors import DamagedRecord, EmulatorError, StateFileBusy, StateFileError
from .lockinfo import lock_holder
from .transaction import Transaction

try:  # POSIX only: Windows has no flock, and cannot delete open files anyway
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("aci_helpers.emulator")

SCHEMA_VERSION = 3
#: How long a process waits for another one's lock before it gives up (seconds). Creates
#: under heavy contention wait seconds, never a minute; only a stuck process holds longer.
BUSY_TIMEOUT_SECONDS = 60.0
#: Parsed documents kept per process (a cache; correctness never depends on it).
CACHE_MAX_ENTRIES = 20_000
_SQLITE_MAGIC = b"SQLite format 3\x00"


def json_encoder(separators: tuple[str, str] = (", ", ": "),
                 ensure_ascii: bool = True) -> Callable[[Any], str]:
    """``json.dumps`` with these options, its encoder built once (``json.dumps`` builds one
    per call with options, ~a third of the cost of a group's few KB). The documents are the
    emulator's own, never circular: no circular-reference bookkeeping."""
    make = json.encoder.c_make_encoder
    if make is None:  # pragma: no cover - a Python without the C accelerator
        return json.JSONEncoder(separators=separators, ensure_ascii=ensure_ascii).encode
    strings = json.encoder.encode_basestring_ascii if ensure_ascii \
        else json.encoder.encode_basestring
    encode = make(None, json.JSONEncoder().default, strings, None, separators[1],
                  separators[0], False, False, True)
    return lambda obj: "".join(encode(obj, 0))


_dumps = json_encoder()
_compact = json_encoder((",", ":"))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resource_groups (
    key TEXT PRIMARY KEY, name TEXT NOT NULL, location TEXT NOT NULL, doc TEXT NOT NULL,
    deleting_until REAL);
CREATE TABLE IF NOT EXISTS container_groups (
    key TEXT PRIMARY KEY, rg_key TEXT NOT NULL, name TEXT NOT NULL, location TEXT NOT NULL,
    doc TEXT NOT NULL, settle_at REAL NOT NULL, cores REAL NOT NULL, dns_key TEXT,
    active INTEGER NOT NULL, version INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cg_rg ON container_groups (rg_key, key);
CREATE INDEX IF NOT EXISTS cg_settle ON container_groups (settle_at);
CREATE INDEX IF NOT EXISTS cg_dns ON container_groups (dns_key);
CREATE TABLE IF NOT EXISTS operations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""
#: Tables added by each schema version: created in a new file, and in an older one's when
#: it is opened.
_ADDED = {2: {"file_shares": "CREATE TABLE IF NOT EXISTS file_shares (key TEXT PRIMARY KEY, "
                             "doc TEXT NOT NULL)"},
          3: {"profiles": "CREATE TABLE IF NOT EXISTS profiles (key TEXT PRIMARY KEY, "
                          "rg_key TEXT NOT NULL, doc TEXT NOT NULL)"}}
_SCHEMA += "".join(f"{stmt};\n" for added in _ADDED.values() for stmt in added.values())
#: Added to files of any schema version when opened.
_INDEXES = """
CREATE INDEX IF NOT EXISTS cg_quota ON container_groups (location, active, cores, key);
"""
#: The cores counted against each region's quota, kept in meta (``cores:<region>``) by
#: triggers in the same transaction as every write of a group: the quota check of a create
#: reads one row instead of summing every stored group (0.7 ms at 5,000 groups, and again
#: after any other process had written), rollbacks and kill -9 undo both together, and an
#: emulator of any version writing the file keeps them right. Created (and the sums
#: computed once) when a file without them is opened.
_CORE_SUMS = """
CREATE TRIGGER cg_cores_insert AFTER INSERT ON container_groups WHEN NEW.active BEGIN
  INSERT INTO meta(key, value) VALUES ('cores:' || NEW.location, NEW.cores)
  ON CONFLICT(key) DO UPDATE SET value = round(CAST(value AS REAL) + NEW.cores, 6);
END;
CREATE TRIGGER cg_cores_delete AFTER DELETE ON container_groups WHEN OLD.active BEGIN
  UPDATE meta SET value = round(CAST(value AS REAL) - OLD.cores, 6)
  WHERE key = 'cores:' || OLD.location;
END;
CREATE TRIGGER cg_cores_update AFTER UPDATE OF location, active, cores ON container_groups
BEGIN
  UPDATE meta SET value = round(CAST(value AS REAL) - OLD.cores, 6)
  WHERE OLD.active AND key = 'cores:' || OLD.location;
  INSERT INTO meta(key, value) SELECT 'cores:' || NEW.location, NEW.cores WHERE NEW.active
  ON CONFLICT(key) DO UPDATE SET value = round(CAST(value AS REAL) + NEW.cores, 6);
END;
DELETE FROM meta WHERE key LIKE 'cores:%';
INSERT INTO meta(key, value) SELECT 'cores:' || location, round(SUM(cores), 6)
  FROM container_groups WHERE active = 1 GROUP BY location;
"""
#: ``settle_at`` of a group whose programs are not launched yet: when it settles is known
#: only once they are (the instant clock's next request launches them, outside the write
#: lock, and stores the time).
PENDING_SETTLE = -1.0
_TABLES = {"meta", "resource_groups", "container_groups", "operations",
           *(table for added in _ADDED.values() for table in added)}

_OTHER_PATH = "choose another path for the emulator state (ACI_EMULATOR_STATE in the notebooks)"
_DAMAGED_ADVICE = (
    "If it is an emulator state file that got damaged, delete the file (and its -wal/-shm "
    "companions) to start from an empty cloud; if it belongs to another program, "
    + _OTHER_PATH + ".")


def _read_head(path: str) -> bytes:
    """The first bytes of ``path`` (where there is no flock guard: Windows)."""
    with open(path, "rb") as f:
        return f.read(len(_SQLITE_MAGIC))


class _Guards:
    """One descriptor per state file and process, shared by every Store of that file.

    Opening a store flocks the file, so that emulators in other processes set it up one at
    a time. But POSIX locks belong to the process: closing *any* descriptor of a file drops
    every lock this process holds on it, SQLite's included, and a WAL connection holds a
    shared lock on the database file for as long as it is open, which tells other processes
    that it still reads the WAL. Losing it, another process closing its last connection
    believes itself the last one and checkpoints and truncates the WAL under this process's
    reads, which then return rows of other tables (seen: a meta value read as a resource
    group's name). So a process never opens and closes descriptors of its own on a state
    file that a connection of it may hold: a second store of the same file reuses the first
    one's descriptor, and the descriptor is closed only with the last store of that file.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.opening = threading.Lock()
        self._by_file: dict[tuple[int, int], list] = {}  # (dev, inode) -> [fd, users]

    def take(self, path: str) -> int | None:
        """This process's descriptor of ``path``, flocked for setting up (``None`` where
        there is no flock): the one already open, or a new one."""
        if fcntl is None:  # pragma: no cover - Windows
            if not os.path.exists(path):
                _drop_orphan_journals(path)
            return None
        with self._lock:
            try:
                st = os.stat(path)
                entry = self._by_file.get((st.st_dev, st.st_ino))
            except FileNotFoundError:
                entry = None
            if entry is None:
                try:
                    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
                except OSError as exc:
                    raise StateFileError(path, f"it cannot be opened ({exc.strerror})",
                                         "Check its permissions, or " + _OTHER_PATH + ".") from None
                st = os.fstat(fd)
                entry = self._by_file[(st.st_dev, st.st_ino)] = [fd, 0]
            entry[1] += 1
            fd = entry[0]
        try:
            _flock_waiting(path, fd)
        except BaseException:
            self.give_back(fd)
            raise
        if os.fstat(fd).st_size == 0:
            _drop_orphan_journals(path)
        return fd

    def give_back(self, fd: int) -> None:
        """A store of the file is done with ``fd``: closed once no store of it is left."""
        with self._lock:
            for key, entry in list(self._by_file.items()):
                if entry[0] == fd:
                    entry[1] -= 1
                    if entry[1] <= 0:
                        del self._by_file[key]
                        with contextlib.suppress(OSError):
                            os.close(fd)
                    return


def _flock_waiting(path: str, fd: int) -> None:
    """flock ``fd`` exclusively, waiting for other processes up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise StateFileBusy(path, BUSY_TIMEOUT_SECONDS, lock_holder(path)) from None
            time.sleep(0.01)


_GUARDS = _Guards()


# -- opening a file ---------------------------------------------------------------------------
def _check_place(path: str) -> None:
    """Refuse a path whose folder is missing or unusable, before SQLite creates anything."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StateFileError(path, "it is a folder, not a file", "Name a file inside it, e.g. "
                             f"{os.path.join(path, 'emulator.db')!r} (ACI_EMULATOR_STATE in the "
                             "notebooks).")
    if not os.path.exists(folder):
        raise StateFileError(path, f"its folder {folder!r} does not exist",
                             "Create the folder first, or " + _OTHER_PATH + ".")
    if not os.path.isdir(folder):
        raise StateFileError(path, f"{folder!r} is a file, not a folder",
                             _OTHER_PATH[0].upper() + _OTHER_PATH[1:] + ".")
    # SQLite's WAL mode needs to create the -wal and -shm files beside the state file.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StateFileError(path, f"its folder {folder!r} is not writable for this user",
                             "Make the folder writable, or " + _OTHER_PATH + ".")
    if os.path.exists(path) and not os.access(path, os.R_OK | os.W_OK):
        raise StateFileError(path, "it is read-only for this user (every notebook writes to "
                             "it)", "Make it writable (chmod u+rw), or " + _OTHER_PATH + ".")


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of ``script`` (a trigger's body holds semicolons of its own;
    ``executescript`` would commit the transaction it runs in)."""
    stmt = ""
    for line in script.strip().splitlines(keepends=True):
        stmt += line
        if sqlite3.complete_statement(stmt):
            yield stmt.strip()
            stmt = ""


def _is_busy(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    return "locked" in str(exc) or "busy" in str(exc)


def _drop_orphan_journals(path: str) -> None:
    """Remove ``-wal``/``-shm`` files left behind by a state file that was deleted.

    A learner resets the cloud by deleting the state file, often while kernels still run.
    Their WAL journal then belongs to a database that no longer exists, and SQLite would
    try to replay it into the new, empty file ("disk I/O error"). Called only while this
    process holds the open-time lock and the file is empty: no other emulator can be
    creating these journals at that moment, so they are orphans.
    """
    for suffix in ("-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
        except OSError:  # pragma: no cover - Windows keeps open files
            pass


class Store:
    """A SQLite database: ``path=None`` is private and in memory."""

    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = None if path is None else os.fspath(path)
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[int, str, Any]] = {}
        self._depth = 0
        #: The dues query and the meta keys it reads too (:meth:`prefetch_meta`).
        self._prefetch: tuple[str, tuple[str, ...]] = (_dues_sql(("seq",)), ("seq",))
        self._guard_fd: int | None = None
        self._conn: sqlite3.Connection | None = None
        if self.path is None:
            # One connection for the object's lifetime: a ":memory:" database is private
            # to its connection, the lock makes it safe across threads.
            self._conn = sqlite3.connect(":memory:", check_same_thread=False,
                                         isolation_level=None)
            self._init_schema()
        else:
            self._open_file(self.path)

    @property
    def label(self) -> str:
        """The path, or ``:memory:``, for messages."""
        return self.path or ":memory:"

    # -- opening ----------------------------------------------------------------------------
    def _open_file(self, path: str) -> None:
        _check_place(path)
        try:
            # One store of this process at a time: the flock, on the descriptor they share,
            # keeps only other processes out.
            with _GUARDS.opening:
                self._guard_fd = _GUARDS.take(path)
                try:
                    self._open_locked(path)
                finally:
                    if self._guard_fd is not None:
                        fcntl.flock(self._guard_fd, fcntl.LOCK_UN)
        except sqlite3.Error as exc:
            self._close_quietly()
            raise self._state_error(exc, opening=True) from None
        except BaseException:
            self._close_quietly()
            raise

    def _open_locked(self, path: str) -> None:
        # Through the guard's descriptor: opening and closing one of our own would drop
        # this process's SQLite locks on the file (see _Guards).
        head = (os.pread(self._guard_fd, len(_SQLITE_MAGIC), 0) if self._guard_fd is not None
                else _read_head(path))
        if head and head != _SQLITE_MAGIC:
            raise StateFileError(path, "it is not an emulator state file (not even a SQLite "
                                 "database)", _DAMAGED_ADVICE)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False,
                               isolation_level=None)
        self._conn = conn
        # Text that is not UTF-8 (a damaged page) reads as a local problem of one record,
        # not as an exception that aborts a whole listing.
        conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        self._check_identity()
        self._retry_busy(self._ensure_wal)
        conn.execute("PRAGMA synchronous = NORMAL")
        self._init_schema()

    def _retry_busy(self, step: Any) -> Any:
        """Run ``step``, retrying while SQLite answers "locked" without waiting (it does so
        for a journal-mode change when it could deadlock), up to the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _check_identity(self) -> None:
        """Read (only) what the file is: refuse another program's database untouched."""
        c = self._conn
        assert c is not None
        version = c.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")}
        if tables - _TABLES or (version and not tables):
            shown = ", ".join(sorted(tables)[:6]) or "none"
            raise StateFileError(
                self.label, f"it is a SQLite database of another program (tables: {shown})",
                "It was left as it is: " + _OTHER_PATH + ". Do not delete it unless you know "
                "it is yours.")
        if version > SCHEMA_VERSION:
            raise StateFileError(
                self.label, f"it was written by a newer emulator (schema version {version}; "
                f"this emulator reads version {SCHEMA_VERSION})",
                "Upgrade aci_helpers, or " + _OTHER_PATH + ".")

    def _ensure_wal(self) -> None:
        c = self._conn
        assert c is not None
        mode = c.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StateFileError(self.label, f"SQLite cannot switch it to WAL mode ({mode})",
                                 "Network drives often cannot: " + _OTHER_PATH
                                 + " on a local disk.")

    # -- schema ---------------------------------------------------------------------------
    def _init_schema(self) -> None:
        with self.tx(write=True) as t:
            c = t.c
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if version == 0:
                if tables - _TABLES:
                    raise StateFileError(self.label, "it is a SQLite database of another "
                                         "program", "It was left as it is: " + _OTHER_PATH + ".")
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:
                if version < SCHEMA_VERSION:  # an older emulator's file: add what it lacks
                    for v in range(version + 1, SCHEMA_VERSION + 1):
                        for table, stmt in _ADDED.get(v, {}).items():
                            c.execute(stmt)
                            tables.add(table)
                    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                if not _TABLES <= tables:
                    raise StateFileError(self.label,
                                         f"tables are missing: {sorted(_TABLES - tables)}",
                                         _DAMAGED_ADVICE)
            for stmt in _INDEXES.strip().split(";"):
                if stmt.strip():
                    c.execute(stmt)
            if c.execute("SELECT 1 FROM sqlite_master WHERE type='trigger' "
                         "AND name='cg_cores_insert'").fetchone() is None:
                for stmt in _statements(_CORE_SUMS):
                    c.execute(stmt)

    # -- transactions -----------------------------------------------------------------------
    def tx(self, write: bool) -> Transaction:
        """A transaction, for ``with store.tx(write) as tx:``; ``write=True`` takes the
        database write lock up front.

        Any sqlite failure becomes a :class:`StateFileError` (a busy file a
        :class:`StateFileBusy`). The transaction ends committed or rolled back whatever
        happens, a Ctrl-C at any point of entering or leaving included (see
        :mod:`.transaction`)."""
        return Transaction(self, write)

    def _tx_object(self, conn: sqlite3.Connection) -> "Tx":
        """The accessors of a transaction just begun on ``conn``."""
        return Tx(conn, self._cache, self.label, self._prefetch)

    def prefetch_meta(self, *keys: str) -> None:
        """Read the meta values of ``keys`` with every transaction's dues (one statement
        instead of one each): for values nearly every request reads, and that are written
        only through :meth:`Tx.set_meta` (a trigger's writes would not be seen)."""
        known = self._prefetch[1]
        keys = known + tuple(k for k in dict.fromkeys(keys) if k not in known)
        self._prefetch = (_dues_sql(keys), keys)

    def _state_error(self, exc: sqlite3.Error, opening: bool = False) -> EmulatorError:
        """The :class:`StateFileError` that says what a sqlite failure means for the learner."""
        if isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc):
            return EmulatorError("This emulator was closed (Emulator.close()); create a new one "
                                 "(in a notebook: connect() again).")
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
        path = self.label
        if _is_busy(exc):
            return StateFileBusy(path, BUSY_TIMEOUT_SECONDS,
                                 lock_holder(path) if self.path else None)
        if code == 8:  # SQLITE_READONLY
            return StateFileError(path, f"it cannot be written ({exc})", "Make the file and its "
                                  "folder writable for this user, or " + _OTHER_PATH + ".")
        if code == 13:  # SQLITE_FULL
            return StateFileError(path, "the disk is full", "Free some space and try again.")
        if code in (10, 14):  # SQLITE_IOERR, SQLITE_CANTOPEN
            return StateFileError(path, f"it cannot be read or written ({exc})", "Check the disk "
                                  "and the file's permissions; if the file was deleted while "
                                  "this kernel ran, restart the kernel.")
        if code in (11, 26) or opening:  # SQLITE_CORRUPT, SQLITE_NOTADB
            return StateFileError(path, f"it is not a readable emulator database ({exc})",
                                  _DAMAGED_ADVICE)
        return StateFileError(path, f"its contents are not what this emulator expects ({exc})",
                              _DAMAGED_ADVICE)

    def reset(self) -> None:
        """Empty every table (the cloud and the clocks)."""
        with self.tx(write=True) as t:
            for table in sorted(_TABLES):
                t.c.execute(f"DELETE FROM {table}")
        self._cache.clear()

    def _close_quietly(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        fd, self._guard_fd = self._guard_fd, None
        if fd is not None:  # only once SQLite has let go of the file (see _Guards)
            _GUARDS.give_back(fd)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._close_quietly()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._close_quietly()


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str, parsed: Any) -> str | None:
    """Why a stored JSON text cannot be sent back out, or None.

    Lone surrogates (``"\\ud800"``) parse into Python strings that no UTF-8 answer can
    carry; bytes that were not UTF-8 read as surrogates too (``surrogateescape``)."""
    if _SURROGATE.search(text):
        return "it holds bytes that are not UTF-8"
    if _ESCAPED_SURROGATE.search(text):
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "it holds text that is not valid Unicode (a lone surrogate)"
    return None


@functools.lru_cache(maxsize=256)
def _load_rg(text: str) -> dict:
    """A resource group's stored text, parsed (every request reads its resource group: the
    few texts a cloud holds are parsed once; callers copy before they change it)."""
    return _load(text)


def _load(text: Any) -> dict:
    """A stored document; one that cannot be used is ``{"_damaged": why}`` (see the model)."""
    try:
        parsed = json.loads(text)
        if not isinstance(parsed, dict):
            return {"_damaged": "it is not a JSON object"}
    except (ValueError, TypeError, RecursionError) as exc:
        return {"_damaged": f"it is not valid JSON: {str(exc)[:120]}"}
    problem = _text_problem(text, parsed) if isinstance(text, str) else None
    return {"_damaged": problem} if problem else parsed


_DUES_SQL = ("SELECT (SELECT value FROM meta WHERE key='clock'), "
             "(SELECT value FROM meta WHERE key='wall_high'), "
             "(SELECT MAX(settle_at) FROM container_groups), "
             "(SELECT MIN(settle_at) FROM container_groups), "
             "(SELECT MAX(deleting_until) FROM resource_groups), "
             "(SELECT MIN(deleting_until) FROM resource_groups)")


def _dues_sql(keys: tuple[str, ...]) -> str:
    """The dues query, also reading the meta values of ``keys`` (bound in that order)."""
    return _DUES_SQL + "".join(", (SELECT value FROM meta WHERE key=?)" for _ in keys)


class Dues(NamedTuple):
    """What the instant clock and the dispatcher ask of the state before a request."""

    clock: str | None              # meta "clock": the instant clock's stored time
    wall_high: str | None          # meta "wall_high": the latest moment a realtime clock saw
    latest: float | None           # the last known settle or end of a deletion (None: none)
    unsettled: bool                # some group's settle time is pending (PENDING_SETTLE)
    first_deletion_end: float | None   # the earliest end of a resource-group deletion

    def settled(self, latest: float | None) -> "Dues":
        """These dues once every pending settle time is stored, the latest being ``latest``."""
        known = [t for t in (self.latest, latest) if t is not None]
        return self._replace(latest=max(known, default=None), unsettled=False)

    def deletion_ended(self, now: float) -> bool:
        """Whether a resource group's deletion has ended by ``now``."""
        return self.first_deletion_end is not None and self.first_deletion_end <= now


class Tx:
    """Typed accessors inside one transaction.

    A stored document that cannot be read comes back as ``{"_damaged": why, ...}`` instead
    of raising, so that one bad record stays a local problem (the model decides)."""

    __slots__ = ("c", "_cache", "path", "_seq", "_seq_stored", "_prefetch", "_memo")

    def __init__(self, conn: sqlite3.Connection, cache: dict, path: str = ":memory:",
                 prefetch: tuple[str, tuple[str, ...]] = (_DUES_SQL, ())) -> None:
        self.c = conn
        self._cache = cache
        self.path = path
        self._seq: int | None = None  # the sequence as this transaction last drew it
        self._seq_stored: int | None = None  # ... and as it is stored
        self._prefetch = prefetch  # (the dues query, the meta keys it also reads)
        #: Meta values read with the dues (:meth:`dues`), kept up to date by :meth:`set_meta`.
        self._memo: dict[str, str | None] | None = None

    # meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        """The meta value stored under ``key``, or ``default``."""
        memo = self._memo
        if memo is not None and key in memo:
            value = memo[key]
            return default if value is None else value
        row = self.c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else row[0]

    def meta_float(self, key: str, default: float | None = None) -> float | None:
        """The meta value under ``key`` as a number; a stored non-number is a StateFileError."""
        return self.number(key, self.meta(key), default)

    def number(self, key: str, raw: str | None, default: float | None = None) -> float | None:
        """The meta value ``raw`` stored under ``key`` as a number (``default`` when absent);
        a stored non-number is a StateFileError."""
        if raw is None:
            return default
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise StateFileError(self.path, f"its meta value {key!r} is {str(raw)[:40]!r}, not a "
                                 f"number", _DAMAGED_ADVICE) from None

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in meta, replacing any previous value."""
        self.c.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))
        if self._memo is not None and key in self._memo:
            self._memo[key] = value

    def next_seq(self) -> int:
        """A strictly increasing integer shared by every process using the file."""
        if self._seq is None:  # read once: the transaction holds the write lock
            self._seq = int(self.meta_float("seq", 0) or 0)
            self._seq_stored = self._seq
        self._seq += 1
        return self._seq

    def flush(self) -> None:
        """Store what this transaction keeps in memory until its commit (the sequence, once,
        however many numbers it drew): called by the transaction just before COMMIT."""
        if self._seq is not None and self._seq != self._seq_stored:
            self.set_meta("seq", str(self._seq))
            self._seq_stored = self._seq

    # resource groups
    def get_rg(self, key: str) -> dict | None:
        """The resource group stored under ``key``, with its ``_deleting_until``; else ``None``."""
        row = self.c.execute("SELECT doc, deleting_until, name, location FROM resource_groups "
                             "WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        return _rg_doc(key, row[0], row[1], row[2], row[3])

    def put_rg(self, key: str, doc: dict, deleting_until: float | None = None) -> None:
        """Insert or replace a resource group (keys starting with ``_`` are not stored)."""
        body = {k: v for k, v in doc.items() if not k.startswith("_")}
        self.c.execute(
            "INSERT INTO resource_groups(key, name, location, doc, deleting_until) "
            "VALUES(?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET name=excluded.name, "
            "location=excluded.location, doc=excluded.doc, deleting_until=excluded.deleting_until",
            (key, body["name"], body["location"], _dumps(body), deleting_until))

    def list_rgs(self) -> list[dict]:
        """Every resource group in key order, each with its ``_deleting_until``."""
        return [_rg_doc(k, doc, until, name, loc) for k, doc, until, name, loc in self.c.execute(
            "SELECT key, doc, deleting_until, name, location FROM resource_groups ORDER BY key")]

    def delete_rg(self, key: str) -> None:
        """Remove the resource group stored under ``key``."""
        self.c.execute("DELETE FROM resource_groups WHERE key=?", (key,))

    def due_rg_deletions(self, now: float) -> list[str]:
        """Keys of the resource groups whose deletion has ended by ``now``."""
        return [r[0] for r in self.c.execute(
            "SELECT key FROM resource_groups WHERE deleting_until IS NOT NULL "
            "AND deleting_until <= ?", (now,))]

    # container groups
    def get_cg(self, key: str) -> dict | None:
        """The container group stored under ``key``, with its ``_version``; else ``None``."""
        row = self.c.execute("SELECT version, doc FROM container_groups WHERE key=?",
                             (key,)).fetchone()
        return None if row is None else self._parse(key, row[0], row[1])

    def _parse(self, key: str, version: int, doc: str) -> dict:
        # Keyed on the text itself, not only the version: versions start again after a
        # reset, and another process may have stored a new document under an old number.
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version and hit[1] == doc:
            return hit[2]
        parsed = _load(doc)
        parsed["_version"] = version
        parsed["_key"] = key  # a damaged document may not say which group it is
        self._remember(key, version, doc, parsed)
        return parsed

    def _remember(self, key: str, version: int, text: str, parsed: dict) -> None:
        if len(self._cache) >= CACHE_MAX_ENTRIES:
            self._cache.clear()
        self._cache[key] = (version, text, parsed)

    def list_cg(self, rg_key: str | None, after: str | None, limit: int) -> list[dict]:
        """Up to ``limit`` container groups (of ``rg_key``, or all) keyed after ``after``."""
        q = "SELECT key, version, doc FROM container_groups"
        cond, args = [], []
        if rg_key is not None:
            cond.append("rg_key = ?")
            args.append(rg_key)
        if after is not None:
            cond.append("key > ?")
            args.append(after)
        if cond:
            q += " WHERE " + " AND ".join(cond)
        q += " ORDER BY key LIMIT ?"
        args.append(limit)
        return [self._parse(k, v, d) for k, v, d in self.c.execute(q, args)]

    def cg_keys_in_rg(self, rg_key: str) -> list[str]:
        """Keys of the container groups in the resource group ``rg_key``."""
        return [r[0] for r in self.c.execute(
            "SELECT key FROM container_groups WHERE rg_key=?", (rg_key,))]

    def put_cg(self, key: str, rg_key: str, doc: dict, *, settle_at: float, cores: float,
               dns_key: str | None, active: bool, version: int) -> None:
        """Insert or replace a container group and its index columns (``_`` keys are not stored)."""
        body = {k: v for k, v in doc.items() if not k.startswith("_")}
        text = _compact(body)
        self.c.execute(
            "INSERT INTO container_groups(key, rg_key, name, location, doc, settle_at, cores, "
            "dns_key, active, version) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE "
            "SET doc=excluded.doc, settle_at=excluded.settle_at, cores=excluded.cores, "
            "dns_key=excluded.dns_key, active=excluded.active, version=excluded.version, "
            "location=excluded.location, name=excluded.name",
            (key, rg_key, body["name"], body["location"], text, settle_at, cores, dns_key,
             1 if active else 0, version))
        # What was written is what the next read parses: keep it (the cache checks the text
        # read back, so a rolled-back write is never served).
        body["_version"], body["_key"] = version, key
        self._remember(key, version, text, body)

    def delete_cg(self, key: str) -> None:
        """Remove the container group stored under ``key``."""
        self.c.execute("DELETE FROM container_groups WHERE key=?", (key,))
        self._cache.pop(key, None)

    def cores_in_use(self, location: str, exclude_key: str | None = None) -> float:
        """Cores counted against the quota in ``location`` (a sum the store's triggers keep),
        except those of the group stored under ``exclude_key``."""
        total = self.meta_float("cores:" + location, 0.0) or 0.0
        if exclude_key is not None:
            row = self.c.execute("SELECT location, active, cores FROM container_groups "
                                 "WHERE key=?", (exclude_key,)).fetchone()
            if row is not None and row[0] == location and row[1]:
                total = round(total - float(row[2]), 6)
        return total

    def spot_cores_in_use(self, location: str, exclude_key: str | None = None) -> float:
        """Cores of the active Spot groups in ``location`` (their own quota, StandardSpotCores;
        the ``cores`` column counts standard cores only), except ``exclude_key``'s."""
        row = self.c.execute(
            "SELECT SUM(json_extract(c.value, '$.properties.resources.requests.cpu')) "
            "FROM container_groups AS g, json_each(g.doc, '$.properties.containers') AS c "
            "WHERE g.location=? AND g.active AND g.key IS NOT ? "
            "AND json_extract(g.doc, '$.properties.priority')='Spot'",
            (location, exclude_key)).fetchone()
        return round(float(row[0] or 0.0), 6)

    def count_groups(self, location: str) -> int:
        """How many container groups ``location`` holds."""
        return self.c.execute("SELECT COUNT(*) FROM container_groups WHERE location=?",
                              (location,)).fetchone()[0]

    def dns_owner(self, dns_key: str) -> str | None:
        """Key of the group holding ``dns_key`` (``location/label``), or ``None``."""
        row = self.c.execute("SELECT key FROM container_groups WHERE dns_key=?",
                             (dns_key,)).fetchone()
        return None if row is None else row[0]

    def dues(self) -> "Dues":
        """What is due, and the instant clock's stored time, in one query (each statement
        costs as much as the little it reads): see :class:`Dues`."""
        sql, keys = self._prefetch
        row = self.c.execute(sql, keys).fetchone() if keys else self.c.execute(sql).fetchone()
        clock, high, settle_max, settle_min, delete_max, delete_min = row[:6]
        if keys:  # meta rows every request reads anyway: read here, in the same statement
            self._memo = dict(zip(keys, row[6:]))
        latest = max((t for t in (settle_max, delete_max) if t is not None), default=None)
        return Dues(clock, high, latest, settle_min is not None and settle_min < 0, delete_min)

    def unsettled(self) -> list[tuple[str, int]]:
        """(key, version) of the container groups whose settle time is pending."""
        return self.c.execute("SELECT key, version FROM container_groups WHERE settle_at < 0"
                              ).fetchall()

    def set_settle(self, key: str, version: int, settle_at: float) -> None:
        """Store the settle time of the group ``key`` if it is still at ``version``."""
        self.c.execute("UPDATE container_groups SET settle_at=? WHERE key=? AND version=?",
                       (settle_at, key, version))

    # async operations
    def get_op(self, op_id: str) -> dict | None:
        """The async operation ``op_id``, or ``None``."""
        row = self.c.execute("SELECT doc FROM operations WHERE id=?", (op_id,)).fetchone()
        return None if row is None else _load(row[0])

    def put_op(self, op_id: str, doc: dict) -> None:
        """Store the async operation ``op_id``, replacing any previous one."""
        self.c.execute("INSERT OR REPLACE INTO operations(id, doc) VALUES(?, ?)",
                       (op_id, _dumps(doc)))

    # container group profiles
    def get_profile(self, key: str) -> dict | None:
        """The container group profile stored under ``key``, or ``None``."""
        row = self.c.execute("SELECT doc FROM profiles WHERE key=?", (key,)).fetchone()
        return None if row is None else _load(row[0])

    def list_profiles(self, rg_key: str | None) -> list[dict]:
        """The profiles of resource group ``rg_key`` (or all), in key order, each with ``_key``."""
        rows = self.c.execute("SELECT key, doc FROM profiles ORDER BY key") if rg_key is None \
            else self.c.execute("SELECT key, doc FROM profiles WHERE rg_key=? ORDER BY key",
                                (rg_key,))
        return [{**_load(doc), "_key": key} for key, doc in rows]

    def put_profile(self, key: str, rg_key: str, doc: dict) -> None:
        """Store the profile ``key``, replacing any previous one."""
        self.c.execute("INSERT OR REPLACE INTO profiles(key, rg_key, doc) VALUES(?, ?, ?)",
                       (key, rg_key, _compact(doc)))

    def delete_profiles(self, key: str | None = None, rg_key: str | None = None) -> None:
        """Remove the profile ``key``, or every profile of resource group ``rg_key``."""
        if key is not None:
            self.c.execute("DELETE FROM profiles WHERE key=?", (key,))
        else:
            self.c.execute("DELETE FROM profiles WHERE rg_key=?", (rg_key,))

    # emulated Azure Files shares
    def get_share(self, key: str) -> dict | None:
        """The share stored under ``key`` (``account/share``), or ``None``."""
        row = self.c.execute("SELECT doc FROM file_shares WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        doc = _load(row[0])
        if "_damaged" in doc:
            raise DamagedRecord(self.path, f"the file share '{key}'", doc["_damaged"],
                                "Empty the cloud with Emulator.reset() (connect().emulator."
                                "reset() in a notebook) to start the share again.")
        return doc

    def put_share(self, key: str, doc: dict) -> None:
        """Store the share ``key``, replacing any previous one."""
        self.c.execute("INSERT OR REPLACE INTO file_shares(key, doc) VALUES(?, ?)",
                       (key, _compact(doc)))

def _rg_doc(key: str, text: Any, until: float | None, name: Any, location: Any) -> dict:
    """A resource group's document; a damaged one keeps what its columns still say."""
    doc = dict(_load_rg(text)) if isinstance(text, str) else _load(text)
    if "_damaged" in doc:
        log.warning("emulator state: resource group %r is damaged (%s); shown without its tags",
                    key, doc["_damaged"])
        doc = {"name": str(name), "location": str(location), "_damaged": doc["_damaged"]}
    doc["_deleting_until"] = until
    return doc
