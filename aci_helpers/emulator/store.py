"""SQLite persistence (stdlib ``sqlite3``, WAL mode).

Keeps only what cannot be derived: resource groups, container groups as created (secrets
included, never serialised out), their timeline anchors, async operations, the files of
emulated Azure Files shares, the instant clock and an id sequence. One connection per :class:`Store`, guarded by a lock; writes use
``BEGIN IMMEDIATE`` so that several processes sharing one file serialise cleanly.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from typing import Any, Iterator

from .errors import StateFileError

SCHEMA_VERSION = 2

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
CREATE TABLE IF NOT EXISTS file_shares (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""
_TABLES = {"meta", "resource_groups", "container_groups", "operations", "file_shares"}
#: Tables added by each schema version, created when an older file is opened.
_ADDED = {2: {"file_shares": "CREATE TABLE IF NOT EXISTS file_shares (key TEXT PRIMARY KEY, "
                             "doc TEXT NOT NULL)"}}


def _drop_orphan_journals(path: str) -> None:
    """Remove ``-wal``/``-shm`` files left behind by a state file that was deleted.

    A learner resets the cloud by deleting the state file, often while kernels still run.
    Their WAL journal then belongs to a database that no longer exists, and SQLite would
    try to replay it into the new, empty file ("disk I/O error"). Without the main file
    there is nothing to replay it into, so the orphans go.
    """
    if os.path.exists(path):
        return
    for suffix in ("-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


class Store:
    """A SQLite database: ``path=None`` is private and in memory."""

    def __init__(self, path: str | os.PathLike | None) -> None:
        self.path = None if path is None else os.fspath(path)
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[int, Any]] = {}
        try:
            if self.path is None:
                # One connection for the object's lifetime: a ":memory:" database is private
                # to its connection, the lock makes it safe across threads.
                self._conn = sqlite3.connect(":memory:", check_same_thread=False,
                                             isolation_level=None)
            else:
                _drop_orphan_journals(self.path)
                self._conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False,
                                             isolation_level=None)
                self._conn.execute("PRAGMA busy_timeout = 60000")
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StateFileError(self.path, f"cannot switch it to WAL mode ({mode})")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise StateFileError(self.path or ":memory:",
                                 f"it is not a readable emulator database ({exc})") from exc

    # -- schema ---------------------------------------------------------------------------
    def _init_schema(self) -> None:
        with self.tx(write=True) as t:
            c = t.c
            version = c.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if version > SCHEMA_VERSION:
                raise StateFileError(
                    self.path or ":memory:",
                    f"it was written by a newer emulator (schema version {version}; this "
                    f"emulator reads version {SCHEMA_VERSION})")
            if version == 0:
                if tables - _TABLES or (tables and not tables <= _TABLES):
                    raise StateFileError(self.path or ":memory:",
                                         "it is a SQLite database of something else")
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return
            if version < SCHEMA_VERSION:  # an older emulator's file: add what it lacks
                for v in range(version + 1, SCHEMA_VERSION + 1):
                    for table, stmt in _ADDED.get(v, {}).items():
                        c.execute(stmt)
                        tables.add(table)
                c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if not _TABLES <= tables:
                raise StateFileError(self.path or ":memory:",
                                     f"tables are missing: {sorted(_TABLES - tables)}")

    # -- transactions -----------------------------------------------------------------------
    @contextlib.contextmanager
    def tx(self, write: bool) -> Iterator["Tx"]:
        """A transaction; ``write=True`` takes the database write lock up front."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Tx(conn, self._cache)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    def reset(self) -> None:
        """Empty every table (the cloud and the clocks)."""
        with self.tx(write=True) as t:
            for table in sorted(_TABLES):
                t.c.execute(f"DELETE FROM {table}")
        self._cache.clear()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()


class Tx:
    """Typed accessors inside one transaction."""

    __slots__ = ("c", "_cache")

    def __init__(self, conn: sqlite3.Connection, cache: dict) -> None:
        self.c = conn
        self._cache = cache

    # meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        """The meta value stored under ``key``, or ``default``."""
        row = self.c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key`` in meta, replacing any previous value."""
        self.c.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    def next_seq(self) -> int:
        """A strictly increasing integer shared by every process using the file."""
        n = int(self.meta("seq", "0")) + 1
        self.set_meta("seq", str(n))
        return n

    # resource groups
    def get_rg(self, key: str) -> dict | None:
        """The resource group stored under ``key``, with its ``_deleting_until``; else ``None``."""
        row = self.c.execute("SELECT doc, deleting_until FROM resource_groups WHERE key=?",
                             (key,)).fetchone()
        if row is None:
            return None
        doc = json.loads(row[0])
        doc["_deleting_until"] = row[1]
        return doc

    def put_rg(self, key: str, doc: dict, deleting_until: float | None = None) -> None:
        """Insert or replace a resource group (keys starting with ``_`` are not stored)."""
        body = {k: v for k, v in doc.items() if not k.startswith("_")}
        self.c.execute(
            "INSERT INTO resource_groups(key, name, location, doc, deleting_until) "
            "VALUES(?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET name=excluded.name, "
            "location=excluded.location, doc=excluded.doc, deleting_until=excluded.deleting_until",
            (key, body["name"], body["location"], json.dumps(body), deleting_until))

    def list_rgs(self) -> list[dict]:
        """Every resource group in key order, each with its ``_deleting_until``."""
        out = []
        for doc, until in self.c.execute(
                "SELECT doc, deleting_until FROM resource_groups ORDER BY key"):
            d = json.loads(doc)
            d["_deleting_until"] = until
            out.append(d)
        return out

    def delete_rg(self, key: str) -> None:
        """Remove the resource group stored under ``key``."""
        self.c.execute("DELETE FROM resource_groups WHERE key=?", (key,))

    def due_rg_deletions(self, now: float) -> list[str]:
        """Keys of the resource groups whose deletion has ended by ``now``."""
        return [r[0] for r in self.c.execute(
            "SELECT key FROM resource_groups WHERE deleting_until IS NOT NULL "
            "AND deleting_until <= ?", (now,))]

    def max_rg_deleting_until(self) -> float | None:
        """The latest end of a resource-group deletion, or ``None`` when none is deleting."""
        return self.c.execute("SELECT MAX(deleting_until) FROM resource_groups").fetchone()[0]

    # container groups
    def get_cg(self, key: str) -> dict | None:
        """The container group stored under ``key``, with its ``_version``; else ``None``."""
        row = self.c.execute("SELECT version, doc FROM container_groups WHERE key=?",
                             (key,)).fetchone()
        return None if row is None else self._parse(key, row[0], row[1])

    def _parse(self, key: str, version: int, doc: str) -> dict:
        hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        parsed = json.loads(doc)
        parsed["_version"] = version
        self._cache[key] = (version, parsed)
        return parsed

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
        self.c.execute(
            "INSERT INTO container_groups(key, rg_key, name, location, doc, settle_at, cores, "
            "dns_key, active, version) VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE "
            "SET doc=excluded.doc, settle_at=excluded.settle_at, cores=excluded.cores, "
            "dns_key=excluded.dns_key, active=excluded.active, version=excluded.version, "
            "location=excluded.location, name=excluded.name",
            (key, rg_key, body["name"], body["location"], json.dumps(body, separators=(",", ":")),
             settle_at, cores, dns_key, 1 if active else 0, version))
        self._cache.pop(key, None)

    def delete_cg(self, key: str) -> None:
        """Remove the container group stored under ``key``."""
        self.c.execute("DELETE FROM container_groups WHERE key=?", (key,))
        self._cache.pop(key, None)

    def cores_in_use(self, location: str, exclude_key: str | None) -> float:
        """Cores counted against the quota in ``location``, except the group ``exclude_key``."""
        row = self.c.execute(
            "SELECT COALESCE(SUM(cores), 0) FROM container_groups WHERE location=? AND active=1 "
            "AND key != ?", (location, exclude_key or "")).fetchone()
        return float(row[0])

    def count_groups(self, location: str) -> int:
        """How many container groups ``location`` holds."""
        return self.c.execute("SELECT COUNT(*) FROM container_groups WHERE location=?",
                              (location,)).fetchone()[0]

    def dns_owner(self, dns_key: str) -> str | None:
        """Key of the group holding ``dns_key`` (``location/label``), or ``None``."""
        row = self.c.execute("SELECT key FROM container_groups WHERE dns_key=?",
                             (dns_key,)).fetchone()
        return None if row is None else row[0]

    def max_settle(self) -> float | None:
        """The latest time a container group settles, or ``None`` when there are none."""
        return self.c.execute("SELECT MAX(settle_at) FROM container_groups").fetchone()[0]

    # async operations
    def get_op(self, op_id: str) -> dict | None:
        """The async operation ``op_id``, or ``None``."""
        row = self.c.execute("SELECT doc FROM operations WHERE id=?", (op_id,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_op(self, op_id: str, doc: dict) -> None:
        """Store the async operation ``op_id``, replacing any previous one."""
        self.c.execute("INSERT OR REPLACE INTO operations(id, doc) VALUES(?, ?)",
                       (op_id, json.dumps(doc)))

    # emulated Azure Files shares
    def get_share(self, key: str) -> dict | None:
        """The share stored under ``key`` (``account/share``), or ``None``."""
        row = self.c.execute("SELECT doc FROM file_shares WHERE key=?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_share(self, key: str, doc: dict) -> None:
        """Store the share ``key``, replacing any previous one."""
        self.c.execute("INSERT OR REPLACE INTO file_shares(key, doc) VALUES(?, ?)",
                       (key, json.dumps(doc, separators=(",", ":"))))
