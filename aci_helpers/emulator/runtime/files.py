"""The files a container sees: its image's own files, and the volumes mounted into it.

A volume is shared: what one container of a group writes there, the others read. The
runtime stays pure, so a volume arrives as a value (:class:`Volume`): the files it holds
when the containers start, and the timed writes the *other* containers of the group make
(the caller computes those, from their own programs). The machine applies those writes as
its simulated clock passes their times, records its own writes (:class:`FileOp`) for the
caller, and refuses writes to a read-only mount as the kernel does.

Times are seconds after the container started: the containers of a group start together,
so one container's write at t=5 is visible to a read at t=10 in another.
"""

from __future__ import annotations

import bisect
import posixpath
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field

#: What the kernel answers a write to a read-only mount (EROFS).
READ_ONLY = "Read-only file system"


@dataclass(frozen=True)
class FileOp:
    """One change to a file of a volume: ``write`` (replace the content), ``append`` or
    ``remove``, at ``t`` seconds after the containers started; ``path`` is inside the
    volume (``log.txt``, ``out/result.csv``)."""

    t: float
    path: str
    kind: str
    data: str = ""


@dataclass(frozen=True)
class Volume:
    """A volume as one container sees it: the files it holds when the containers start
    (``(path inside the volume, text)``), the writes of the group's other containers in
    time order, whether nobody may write to it (a secret volume), and lines the container
    prints first (the emulator's notes about the volume, e.g. a repository it cannot
    clone)."""

    name: str
    files: tuple[tuple[str, str], ...] = ()
    writes: tuple[FileOp, ...] = ()
    read_only: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mount:
    """``volume`` mounted at the absolute path ``path`` (read-only if either says so)."""

    path: str
    volume: Volume
    read_only: bool = False


class ReadOnlyFile(OSError):
    """A write to a file of a read-only mount."""


def normpath(p: str) -> str:
    """``p`` as a normalised absolute path (``/a/./b/../c/`` -> ``/a/c``; ``..`` stops at ``/``)."""
    return posixpath.normpath("/" + p.lstrip("/"))


def apply(files: dict[str, str], op: FileOp) -> None:
    """Apply one change to a volume's files."""
    if op.kind == "write":
        files[op.path] = op.data
    elif op.kind == "append":
        files[op.path] = files.get(op.path, "") + op.data
    elif op.kind == "remove":
        files.pop(op.path, None)


@dataclass
class _VolumeState:
    """One volume's files as this container sees them now."""

    volume: Volume
    files: dict[str, str]
    applied: int = 0                 # how many of volume.writes are applied
    times: list[float] = field(default_factory=list)


class Files(dict):
    """The file table of a container without volumes: a plain dict (fast), with the few
    methods :class:`FileSystem` adds."""

    mounts: list = []
    quiet_after = float("-inf")
    ops: list = []

    def append(self, path: str, text: str) -> None:
        """Add ``text`` at the end of the file (creating it)."""
        self[path] = self.get(path, "") + text

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a folder holding files."""
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p in self)

    def writable(self, path: str) -> bool:
        """Always: nothing is mounted read-only."""
        return True

    def future_writes(self, path: str) -> list[float]:
        """None: no other container writes here."""
        return []

    def notes(self) -> list[str]:
        """None: no volume."""
        return []

    def own(self) -> dict[str, str]:
        """The container's own files (all of them: nothing is mounted)."""
        return dict(self)

    def copy(self, clock: Callable[[], float] | None = None) -> "Files":  # type: ignore[override]
        """An independent copy."""
        return Files(self)


def file_table(base: dict[str, str], mounts: Sequence[Mount],
               clock: Callable[[], float]) -> "Files | FileSystem":
    """The machine's file table: a plain dict without mounts, else a :class:`FileSystem`."""
    return FileSystem(base, mounts, clock) if mounts else Files(base)


class FileSystem(MutableMapping[str, str]):
    """The machine's file table: absolute path -> text.

    Paths under a mount point are the volume's; everything else is the container's own
    (seeded from the image). Reads and writes of a volume see the other containers' writes
    up to the machine's current time (``clock()``); this container's writes are recorded
    in :attr:`ops` as ``(volume name, FileOp)``.
    """

    def __init__(self, base: dict[str, str], mounts: Sequence[Mount],
                 clock: Callable[[], float]) -> None:
        self._base = base
        # Longest mount path first: /mnt/a/b wins over /mnt/a for /mnt/a/b/x.
        self.mounts = sorted(mounts, key=lambda m: -len(m.path))
        self._clock = clock
        self._volumes: dict[str, _VolumeState] = {}
        for m in self.mounts:
            if m.volume.name not in self._volumes:
                self._volumes[m.volume.name] = _VolumeState(
                    m.volume, dict(m.volume.files), times=[w.t for w in m.volume.writes])
        self.ops: list[tuple[str, FileOp]] = []
        #: After this time no other container changes a mounted volume: from then on, a
        #: loop that leaves everything as it found it repeats forever.
        self.quiet_after = max((w.t for v in self._volumes.values() for w in v.volume.writes),
                               default=float("-inf"))

    def copy(self, clock: Callable[[], float]) -> "FileSystem":
        """An independent copy in the same state (for a machine cloned mid-run)."""
        c = FileSystem(dict(self._base), [], clock)
        c.mounts = list(self.mounts)
        c._volumes = {k: _VolumeState(v.volume, dict(v.files), v.applied, v.times)
                      for k, v in self._volumes.items()}
        c.ops = list(self.ops)
        c.quiet_after = self.quiet_after
        return c

    def own(self) -> dict[str, str]:
        """The container's own files: those no mount hides (a volume's are not its own)."""
        return {p: t for p, t in self._base.items() if self._resolve(p) is None}

    # -- resolution ------------------------------------------------------------------------
    def _resolve(self, path: str) -> tuple[Mount, str] | None:
        for m in self.mounts:
            if path == m.path:
                return m, ""
            if path.startswith(m.path.rstrip("/") + "/"):
                return m, path[len(m.path.rstrip("/")) + 1:]
        return None

    def _state(self, m: Mount) -> _VolumeState:
        st = self._volumes[m.volume.name]
        now = self._clock()
        # Apply the other containers' writes whose time has come (the clock only moves on).
        upto = bisect.bisect_right(st.times, now + 1e-9)
        for w in st.volume.writes[st.applied:upto]:
            apply(st.files, w)
        st.applied = max(st.applied, upto)
        return st

    def writable(self, path: str) -> bool:
        """False when ``path`` is in a read-only mount."""
        hit = self._resolve(path)
        return hit is None or not (hit[0].read_only or hit[0].volume.read_only)

    def _record(self, m: Mount, rel: str, kind: str, data: str = "") -> None:
        if m.read_only or m.volume.read_only:
            raise ReadOnlyFile(READ_ONLY)
        op = FileOp(self._clock(), rel, kind, data)
        apply(self._state(m).files, op)
        self.ops.append((m.volume.name, op))

    # -- the mapping -----------------------------------------------------------------------
    def __getitem__(self, path: str) -> str:
        hit = self._resolve(path)
        if hit is None:
            return self._base[path]
        m, rel = hit
        files = self._state(m).files
        if rel not in files:
            raise KeyError(path)
        return files[rel]

    def __setitem__(self, path: str, text: str) -> None:
        hit = self._resolve(path)
        if hit is None:
            self._base[path] = text
        elif hit[1]:
            self._record(hit[0], hit[1], "write", text)
        else:
            raise ReadOnlyFile("Is a directory")

    def append(self, path: str, text: str) -> None:
        """Add ``text`` at the end of the file (creating it)."""
        hit = self._resolve(path)
        if hit is None:
            self._base[path] = self._base.get(path, "") + text
        else:
            self._record(hit[0], hit[1], "append", text)

    def __delitem__(self, path: str) -> None:
        hit = self._resolve(path)
        if hit is None:
            del self._base[path]
            return
        m, rel = hit
        if rel not in self._state(m).files:
            raise KeyError(path)
        self._record(m, rel, "remove")

    def __iter__(self) -> Iterator[str]:
        for p in self._base:
            if self._resolve(p) is None:   # a mount hides the image's files under it
                yield p
        for m in self.mounts:
            root = m.path.rstrip("/")
            for rel in self._state(m).files:
                full = f"{root}/{rel}"
                hit = self._resolve(full)
                if hit is not None and hit[0] is m:
                    yield full

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory: a mount point, a folder above one, or a
        folder holding files."""
        prefix = path.rstrip("/") + "/"
        if any(m.path == path or m.path.startswith(prefix) for m in self.mounts):
            return True
        return any(p.startswith(prefix) for p in self)

    def future_writes(self, path: str) -> list[float]:
        """Times after now at which another container changes the file ``path``."""
        hit = self._resolve(path)
        if hit is None:
            return []
        m, rel = hit
        st = self._volumes[m.volume.name]
        now = self._clock()
        return [w.t for w in st.volume.writes if w.t > now + 1e-9 and w.path == rel]

    def notes(self) -> list[str]:
        """The lines the mounted volumes ask the container to print first."""
        out: list[str] = []
        for v in self._volumes.values():
            out.extend(n for n in v.volume.notes if n not in out)
        return out
