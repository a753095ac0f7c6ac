"""The model's adapter to the simulated runtime: each container's Program, with its volumes.

The runtime is pure: it is given what a container runs (image, command, environment) and
what its mounted volumes hold, and answers what the container prints and writes, as a
function of time. Containers of one group sharing a volume see each other's writes, so one
container's program depends on the others' writes: they are computed in rounds, each
container launched with the writes the others made in the previous round, until nothing
changes (VOLUME_SHARING_ROUNDS at most).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any, Callable

from .. import assumptions as A
from . import volumes as VOL
from .util import det_hex


#: Launches run one at a time in a process (threads: the SDK's poller, the async transport's
#: workers); never taken while waiting for the store, so no lock order to keep.
_LAUNCHING = threading.Lock()


class _Launch:
    """A group's programs, launched together the first time one is asked anything."""

    __slots__ = ("_make", "_programs", "inputs")

    def __init__(self, make: Callable[[], dict]) -> None:
        self._make: Callable[[], dict] | None = make
        self._programs: dict | None = None
        #: Per container, what it was launched with (``runtime.launch``'s arguments, its
        #: mounts as the last volume-sharing round left them): what an exec starts from.
        self.inputs: dict[str, dict] = {}

    @property
    def done(self) -> bool:
        """Whether the programs were launched."""
        return self._programs is not None

    def programs(self) -> dict:
        """Container name -> Program (launching them now if not done yet)."""
        if self._programs is None:
            with _LAUNCHING:
                if self._programs is None:
                    assert self._make is not None
                    self._programs, self._make = self._make(), None
        return self._programs


class _Deferred:
    """A container's Program, launched (with its group's) on first use: its exit time, its
    output, its writes. Interpreting the image's script is the costly part of a create, and
    nothing asks for it until a container has started, so a PUT answers without it."""

    __slots__ = ("_launch", "_name")

    def __init__(self, launch: _Launch, name: str) -> None:
        self._launch, self._name = launch, name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._launch.programs()[self._name], attr)


class Programs:
    """Image resolution and launched programs, cached (never state)."""

    def __init__(self, catalog: Any) -> None:
        self._catalog = catalog     # the runtime's ImageCatalog, made once by the Emulator
        self._rt: Any = None
        self._infos: dict[tuple, Any] = {}
        self._programs: dict[tuple, tuple[dict, dict, _Launch]] = {}

    def runtime(self) -> Any:
        """The runtime package (imported late: it is a separate package)."""
        if self._rt is None:
            from .. import runtime as rt  # noqa: PLC0415
            self._rt = rt
        return self._rt

    def warm(self) -> bool:
        """Import the runtime now, if not done yet; True when this call did it."""
        if self._rt is not None:
            return False
        self.runtime()
        return True

    def resolve(self, image: str, servers: tuple[str, ...]) -> Any:
        """The runtime's image info for ``image`` given these registry servers (cached)."""
        key = (image, servers)
        info = self._infos.get(key)
        if info is None:
            self.runtime()
            info = self._catalog.resolve(image, list(servers))
            if len(self._infos) > 4096:
                self._infos.clear()
            self._infos[key] = info
        return info

    def info(self, image: str, servers: tuple[str, ...], pulls: dict[str, str]) -> Any:
        """The image info of ``image``; one pulled from an emulated registry (``pulls``: image ->
        the public image imported into it) behaves like that image, under its own name."""
        source = pulls.get(image)
        if source is None:
            return self.resolve(image, servers)
        ref = self.runtime().parse_reference(image)
        return replace(self.resolve(source, ()), reference=str(ref), registry=ref.registry,
                       repository=ref.repository, tag=ref.tag, digest=ref.digest)

    def of(self, key: str, doc: dict) -> tuple[dict, dict]:
        """Per-container Program and pull reference of the group's current run, cached per
        spec revision and run. The programs are launched when first used (``_Deferred``)."""
        progs, refs, _ = self._entry(key, doc)
        return progs, refs

    def launch_inputs(self, key: str, doc: dict, name: str) -> dict:
        """What container ``name`` of the group's current run was launched with (launching
        the group now if not done yet): ``info``, ``command``, ``env`` (secure values
        included), ``peers``, ``seed``, ``started_at`` and ``mounts``."""
        group = self._entry(key, doc)[2]
        group.programs()
        return group.inputs[name]

    def launched(self, key: str, doc: dict) -> bool:
        """Whether this process has launched the programs of the group's current run."""
        hit = self._programs.get(_cache_key(key, doc))
        return hit is not None and hit[2].done

    def _entry(self, key: str, doc: dict) -> tuple[dict, dict, _Launch]:
        ck = _cache_key(key, doc)
        hit = self._programs.get(ck)
        if hit is not None:
            return hit
        rt = self.runtime()
        props = doc["properties"]
        run = doc["runs"][-1]
        started = ck[2]
        servers = servers_of(props)
        pulls = doc.get("pulls") or {}
        infos = {c["name"]: self.info(c["properties"]["image"], servers, pulls)
                 for c in props["containers"]}

        def launch_all() -> dict:
            """Every container of the run, launched with its mounts."""
            envs = {c["name"]: {e["name"]: e.get("value", e.get("secureValue", ""))
                                for e in c["properties"].get("environmentVariables", [])}
                    for c in props["containers"]}

            def launch(name: str, cp: dict, mounts: list) -> Any:
                """The container ``name`` launched with these mounts."""
                peers = [infos[o] for o in infos if o != name]
                args = dict(command=cp.get("command") or None, env=envs[name], peers=peers,
                            seed=doc["seed"], started_at=started, mounts=mounts)
                group.inputs[name] = dict(args, info=infos[name])
                return rt.launch(infos[name], **args)

            return _with_volumes(rt, props, run, launch)

        group = _Launch(launch_all)
        progs = {c["name"]: _Deferred(group, c["name"]) for c in props["containers"]}
        refs = {c["name"]: pull_ref(infos[c["name"]], c["properties"]["image"])
                for c in props["containers"]}
        if len(self._programs) > 4096:
            self._programs.clear()
        self._programs[ck] = (progs, refs, group)
        return progs, refs, group


def _cache_key(key: str, doc: dict) -> tuple[str, int, float]:
    """A group's run as the programs' cache knows it: its spec revision and container start
    (which only renders dates in the output)."""
    return key, doc["rev"], doc["runs"][-1]["start"] + A.STARTED_AFTER


def _with_volumes(rt: Any, props: dict, run: dict, launch: Any) -> dict:
    """Launch every container with its mounts; rounds until the shared writes settle."""
    containers = props["containers"]
    vols = {v["name"]: v for v in props.get("volumes") or []}
    mounts_of = {c["name"]: [(VOL.mount_path(vm["mountPath"]), vm["name"],
                              bool(vm.get("readOnly")))
                             for vm in c["properties"].get("volumeMounts") or []]
                 for c in containers}
    start: dict[str, tuple] = {}
    for name, v in vols.items():
        if VOL.kind(v) == "azureFile":
            files = tuple(sorted((run.get("shares") or {}).get(share_key(v), {}).items()))
            start[name] = (files, bool(v["azureFile"].get("readOnly")), ())
        else:
            start[name] = VOL.initial_files(v)
    users: dict[str, int] = {}
    for mounts in mounts_of.values():
        for vname in {m[1] for m in mounts}:
            users[vname] = users.get(vname, 0) + 1
    shared = {v for v, n in users.items() if n > 1}
    writes: dict[str, dict[str, tuple]] = {c["name"]: {} for c in containers}
    progs: dict = {}
    for _ in range(A.VOLUME_SHARING_ROUNDS if shared else 1):
        for c in containers:
            n = c["name"]
            mounts = []
            for path, vname, ro in mounts_of[n]:
                files, vro, notes = start[vname]
                foreign = _merged(writes, vname, n) if vname in shared else ()
                mounts.append(rt.Mount(path, rt.Volume(vname, files, foreign, vro, notes), ro))
            progs[n] = launch(n, c["properties"], mounts)
        if not shared:
            break
        found: dict[str, dict[str, tuple]] = {}
        for c in containers:
            mine: dict[str, list] = {}
            for vname, op in progs[c["name"]].volume_writes(A.VOLUME_WRITES_HORIZON_SECONDS):
                if vname in shared:
                    mine.setdefault(vname, []).append(op)
            found[c["name"]] = {k: tuple(v) for k, v in mine.items()}
        if found == writes:
            break
        writes = found
    return progs


def _merged(writes: dict[str, dict[str, tuple]], volume: str, reader: str) -> tuple:
    """The other containers' writes to ``volume``, in time order (ties: container order)."""
    ops = [op for name, per in writes.items() if name != reader for op in per.get(volume, ())]
    return tuple(sorted(ops, key=lambda op: op.t))


def share_key(vol: dict) -> str:
    """``account/share`` of an azureFile volume (Azure's names are lower case)."""
    af = vol["azureFile"]
    return f"{af['storageAccountName'].strip().lower()}/{af['shareName'].strip().lower()}"


def servers_of(props: dict) -> tuple[str, ...]:
    """The registry servers the group has credentials for."""
    return tuple(sorted(c["server"] for c in props.get("imageRegistryCredentials") or []))


def pull_ref(info: Any, image: str) -> str:
    """How the Pulling/Pulled events name the image: by digest (PULL_EVENTS_NAME_DIGEST)."""
    ref = getattr(info, "familiar", None)
    if not isinstance(ref, str) or not ref:
        ref = image
    if not A.PULL_EVENTS_NAME_DIGEST or "@" in ref:
        return ref
    repo = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    return f"{repo}@sha256:{det_hex(64, 'image-digest', str(getattr(info, 'reference', ref)))}"
