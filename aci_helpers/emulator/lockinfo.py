"""Who holds a SQLite state file's lock: for an error message, never for correctness.

Read from ``/proc/locks`` (Linux), which lists every POSIX lock with its process and byte
range. It needs no file descriptor on the state file: opening and closing one would drop
this process's own SQLite locks on it (POSIX locks belong to the process, and closing any
descriptor of a file releases them all). Elsewhere the answer is ``None`` ("another
process").
"""

from __future__ import annotations

import os

#: Byte ranges SQLite locks exclusively while it writes: in the ``-shm`` file, the WAL
#: write, checkpoint and recovery locks (bytes 120-122); in the database file, the
#: pending/reserved/shared bytes of rollback mode (1 GiB, 512 bytes).
_SHM_WRITE = (120, 122)
_DB_LOCKS = (0x40000000, 0x40000000 + 511)


def _file_id(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return os.major(st.st_dev), os.minor(st.st_dev), st.st_ino


def _write_lockers(path: str, lo: int, hi: int, kinds: tuple[str, ...] = ("POSIX",)) -> list[int]:
    ident = _file_id(path)
    if ident is None:
        return []
    me = os.getpid()
    pids: list[int] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split()
        if "->" in fields:          # a process waiting for the lock, not holding it
            continue
        try:
            kind, pid, dev, start, end = fields[1], int(fields[4]), fields[5], fields[6], fields[7]
            major, minor, ino = dev.split(":")
            file = (int(major, 16), int(minor, 16), int(ino))
            first = int(start)
            last = (1 << 63) if end == "EOF" else int(end)
        except (IndexError, ValueError):
            continue
        if kind in kinds and fields[3] == "WRITE" and file == ident and pid != me \
                and first <= hi and last >= lo and pid not in pids:
            pids.append(pid)
    return pids


def describe(pid: int) -> str:
    """``process 1234 (python -m ipykernel_launcher -f .../kernel-1.json)``, as far as known."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        argv = []
    cmd = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(argv))
    if len(cmd) > 120:
        cmd = cmd[:117] + "..."
    return f"process {pid} ({cmd})" if cmd else f"process {pid}"


def lock_holder(path: str) -> str | None:
    """The process holding the write lock of the SQLite database ``path``, or ``None``."""
    pids = (_write_lockers(path + "-shm", *_SHM_WRITE)
            or _write_lockers(path, *_DB_LOCKS)
            # the emulator's own open-time lock (store.py: flock on the whole file)
            or _write_lockers(path, 0, 0, kinds=("FLOCK",)))
    if not pids:
        return None
    return ", ".join(describe(p) for p in pids[:3])


def flock_pids(path: str) -> list[int]:
    """The other processes holding an exclusive ``flock`` on ``path``."""
    return _write_lockers(path, 0, 0, kinds=("FLOCK",))


def flock_holder(path: str) -> str | None:
    """The process holding an exclusive ``flock`` on ``path`` (the local cloud's
    ``server.lock``), or ``None``."""
    pids = flock_pids(path)
    return ", ".join(describe(p) for p in pids[:3]) if pids else None
