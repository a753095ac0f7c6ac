"""Image references, `ImageInfo` and the `ImageCatalog` of images the emulator can run.

Resolution rules (see README.md for the full list and the reasons):

* A reference is ``[host[:port]/]path[:tag][@sha256:<64 hex>]``. No host means Docker Hub
  (``docker.io``; one-component paths get ``library/``); ``index.docker.io``,
  ``registry-1.docker.io`` and ``registry.hub.docker.com`` mean Docker Hub too. No tag
  means ``latest``. Hosts are case-insensitive; repository paths must be lower case.
* Known public repositories accept ``latest``, version-shaped tags (``3.12``,
  ``1.27.3``, ``1.25-alpine``, ``3.12-slim-bookworm``) and any ``@sha256:`` digest. The
  tutorial images accept only ``latest`` (the only tag they publish) and digests.
* An unknown repository on a public registry host (docker.io, mcr.microsoft.com, ghcr.io,
  quay.io, gcr.io, public.ecr.aws) is an image Azure would pull (``hashicorp/http-echo``):
  it resolves to an *opaque* image (behaviour ``opaque``) whose default program runs
  forever and prints one line saying that the emulator does not know its output
  (OPAQUE_IMAGE_NOTE). A name within a typo of a catalog repository of the same namespace
  (``aci-helloword``, ``ngnix``) is :class:`ImageNotFound`, as a real pull fails.
* Any other host (``*.azurecr.io``, ``myregistry.example.com:5000``) is private: without
  that server among ``registry_servers`` (the group's imageRegistryCredentials) it is
  :class:`RegistryCredentialsRequired`; with it, an image nobody added resolves to a
  *opaque* image, as an unknown public image does (its one log line says that its real
  output is unknown). The same holds for an unknown repository on a public host when the
  group has credentials for that host. (Registries the emulator models, with users and
  imported images, are checked before the catalog is asked: see model/registries.py.)

Adding images: ``catalog.add("myreg.azurecr.io/app:v1", default_command=[...])`` (or
``behaviour="nginx"`` to reuse a built-in program), or ``catalog.add_entries([...])`` with
a list of ``add()`` keyword objects (what the emulator reads from the file named by
``ACI_EMULATOR_IMAGES``: the runtime itself reads no setting and no file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from .errors import ImageNotFound, RegistryCredentialsRequired

DOCKER_HUB = "docker.io"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
#: Registry hosts the emulator treats as public (anonymous pulls allowed).
PUBLIC_REGISTRIES = frozenset({DOCKER_HUB, "mcr.microsoft.com", "ghcr.io", "quay.io", "gcr.io",
                               "public.ecr.aws", "registry.k8s.io"})

#: Utilities the interpreter implements; an image has the subset its family ships.
BASE_UTILS = frozenset({
    "echo", "printf", "sleep", "true", "false", "cat", "env", "printenv", "date", "hostname",
    "whoami", "pwd", "uname", "tail", "head", "seq", "test", "[", "mkdir", "touch", "rm",
    "ls", "id", "wc", "expr", "basename", "dirname", "yes", "cp", "mv",
})
_ASH = BASE_UTILS | {"sh", "ash", "watch", "wget"}
_DASH = BASE_UTILS | {"sh", "dash", "bash"}

_PATH_DEBIAN = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class ImageInfo:
    """What the runtime knows of one image.

    ``reference`` is canonical (``docker.io/library/nginx:latest``); ``entrypoint`` +
    ``cmd`` is the default command line (what runs with no command override);
    ``behaviour`` names the built-in program family (``helloworld``, ``sidecar``,
    ``wordcount``, ``nginx``, ``httpd``, ``redis``, ``hello-world``, ``shell``,
    ``python``, ``node``, ``silent`` ...); ``shell`` is the /bin/sh flavour used for error
    messages (``ash`` = busybox, ``dash``, ``bash``; ``none`` = no shell in the image).
    """

    reference: str
    registry: str
    repository: str
    tag: str | None
    digest: str | None
    os_type: str = "Linux"
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    workdir: str = "/"
    shell: str = "dash"
    executables: frozenset[str] = field(default=_DASH)
    files: tuple[tuple[str, str], ...] = ()
    behaviour: str = "shell"
    versions: tuple[tuple[str, str], ...] = ()

    @property
    def default_command(self) -> list[str]:
        """ENTRYPOINT + CMD: the argv the container runs without a command override."""
        return [*self.entrypoint, *self.cmd]

    @property
    def familiar(self) -> str:
        """The short form people type: ``nginx:latest``, ``mcr.microsoft.com/x/y:latest``."""
        repo = self.repository
        if self.registry == DOCKER_HUB:
            repo = repo.removeprefix("library/")
        else:
            repo = f"{self.registry}/{repo}"
        return repo + (f"@{self.digest}" if self.digest else f":{self.tag}")

    @property
    def busybox(self) -> bool:
        """Whether its utilities are busybox's (their messages differ from GNU coreutils')."""
        return self.shell in ("ash", "none")

    def version(self, name: str, default: str = "") -> str:
        """A version string the image reports (``python``, ``node``, ``nginx`` ...)."""
        return dict(self.versions).get(name, default)

    def file(self, path: str) -> str | None:
        """Contents of a file shipped in the image, or None."""
        return dict(self.files).get(path)


# ---------------------------------------------------------------------------------------
# reference parsing
# ---------------------------------------------------------------------------------------
_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class Reference:
    """A parsed, normalised image reference."""

    registry: str
    repository: str
    tag: str | None
    digest: str | None

    def __str__(self) -> str:
        tail = f"@{self.digest}" if self.digest else f":{self.tag}"
        return f"{self.registry}/{self.repository}{tail}"


def parse_reference(image: str) -> Reference:
    """Normalise ``image`` (default registry docker.io, default tag latest) or raise ImageNotFound."""
    raw = image.strip()
    if not raw or raw != image or any(c.isspace() for c in raw):
        raise ImageNotFound(image, "invalid reference format")
    rest, digest = raw, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise ImageNotFound(image, "invalid digest; expected sha256: and 64 hex digits")
    parts = rest.split("/")
    registry = DOCKER_HUB
    if len(parts) > 1 and ("." in parts[0] or re.fullmatch(r"[^:]+:\d+", parts[0])
                           or parts[0] == "localhost"):
        registry = parts[0].lower()
        parts = parts[1:]
    tag = None
    if ":" in parts[-1]:
        parts[-1], tag = parts[-1].split(":", 1)
        if not _TAG.match(tag):
            raise ImageNotFound(image, f"invalid tag {tag!r}")
    if not parts or not all(_COMPONENT.match(p) for p in parts):
        raise ImageNotFound(image, "invalid reference format: repository names must be "
                                   "lower case letters, digits and . _ -")
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
        if len(parts) == 1:
            parts = ["library", *parts]
    if tag is None and digest is None:
        tag = "latest"
    return Reference(registry, "/".join(parts), tag, digest)


# ---------------------------------------------------------------------------------------
# tag policy
# ---------------------------------------------------------------------------------------
_VERSION = re.compile(r"^v?\d+(\.\d+){0,3}$")
_VARIANT_WORD = re.compile(
    r"^(latest|alpine(\d+(\.\d+)?)?|slim|bookworm|bullseye|buster|trixie|jammy|noble|focal|"
    r"bionic|oracular|perl|otel|mainline|stable|oldstable|testing|unstable|sid|edge|rolling|"
    r"devel|lts|current|glibc|musl|uclibc|iron|jod|hydrogen|gallium|fpm|server|core|"
    r"cbl-mariner\d+(\.\d+)?|azurelinux\d+(\.\d+)?)$"
)


def _plausible_tag(tag: str) -> bool:
    """True for ``latest``, versions and version-variant combinations (``1.25-alpine``)."""
    tokens = tag.split("-")
    return all(_VERSION.match(t) or _VARIANT_WORD.match(t) for t in tokens)


# ---------------------------------------------------------------------------------------
# built-in image families
# ---------------------------------------------------------------------------------------
_PY_PATCH = {"3.8": "3.8.20", "3.9": "3.9.21", "3.10": "3.10.16", "3.11": "3.11.11",
             "3.12": "3.12.8", "3.13": "3.13.1", "3": "3.13.1", "latest": "3.13.1"}
_NODE_PATCH = {"18": "v18.20.5", "20": "v20.18.1", "22": "v22.12.0", "23": "v23.4.0",
               "latest": "v23.4.0", "lts": "v22.12.0", "current": "v23.4.0"}


def _tag_version(tag: str | None, table: Mapping[str, str], default: str) -> str:
    head = (tag or "latest").split("-")[0]
    if head in table:
        return table[head]
    if re.match(r"^\d+\.\d+\.\d+$", head):
        return ("v" + head) if default.startswith("v") else head
    return default


def _family(kind: str, ref: Reference) -> dict:
    """ImageInfo fields for one built-in family at the given tag."""
    tag = ref.tag
    alpine_tag = "alpine" in (tag or "")
    if kind in ("alpine", "busybox"):
        return dict(behaviour="shell", shell="ash", cmd=("sh",) if kind == "busybox" else ("/bin/sh",),
                    executables=_ASH, env=(("PATH", _PATH_DEBIAN),))
    if kind in ("debian", "ubuntu"):
        return dict(behaviour="shell", shell="dash",
                    cmd=("bash",) if kind == "debian" else ("/bin/bash",),
                    executables=_DASH, env=(("PATH", _PATH_DEBIAN),))
    if kind == "python":
        version = _tag_version(tag, _PY_PATCH, _PY_PATCH["latest"])
        return dict(behaviour="python", shell="ash" if alpine_tag else "dash", cmd=("python3",),
                    executables=(_ASH if alpine_tag else _DASH) | {"python", "python3", "pip", "curl"},
                    env=(("PATH", "/usr/local/bin:" + _PATH_DEBIAN), ("LANG", "C.UTF-8"),
                         ("PYTHON_VERSION", version)),
                    versions=(("python", version),))
    if kind == "node":
        version = _tag_version(tag, _NODE_PATCH, _NODE_PATCH["latest"])
        return dict(behaviour="node", shell="ash" if alpine_tag else "dash",
                    entrypoint=("docker-entrypoint.sh",), cmd=("node",),
                    executables=(_ASH if alpine_tag else _DASH) | {"node", "npm", "curl",
                                                                    "docker-entrypoint.sh"},
                    env=(("PATH", _PATH_DEBIAN), ("NODE_VERSION", version.lstrip("v"))),
                    versions=(("node", version),))
    if kind == "nginx":
        return dict(behaviour="nginx", shell="ash" if alpine_tag else "dash",
                    entrypoint=("/docker-entrypoint.sh",), cmd=("nginx", "-g", "daemon off;"),
                    executables=(_ASH if alpine_tag else _DASH) | {"nginx", "curl", "/docker-entrypoint.sh"},
                    ports=(80,), env=(("PATH", _PATH_DEBIAN), ("NGINX_VERSION", "1.27.3")),
                    versions=(("nginx", "1.27.3"),))
    if kind == "httpd":
        return dict(behaviour="httpd", shell="ash" if alpine_tag else "dash", cmd=("httpd-foreground",),
                    executables=(_ASH if alpine_tag else _DASH) | {"httpd", "httpd-foreground"},
                    ports=(80,), workdir="/usr/local/apache2",
                    env=(("PATH", "/usr/local/apache2/bin:" + _PATH_DEBIAN), ("HTTPD_VERSION", "2.4.62")),
                    versions=(("httpd", "2.4.62"),))
    if kind == "redis":
        return dict(behaviour="redis", shell="ash" if alpine_tag else "dash",
                    entrypoint=("docker-entrypoint.sh",), cmd=("redis-server",),
                    executables=(_ASH if alpine_tag else _DASH) | {"redis-server", "redis-cli",
                                                                    "docker-entrypoint.sh"},
                    ports=(6379,), workdir="/data",
                    env=(("PATH", _PATH_DEBIAN), ("REDIS_VERSION", "7.4.1")),
                    versions=(("redis", "7.4.1"),))
    if kind == "hello-world":
        return dict(behaviour="hello-world", shell="none", cmd=("/hello",),
                    executables=frozenset({"/hello"}), env=(("PATH", _PATH_DEBIAN),))
    if kind == "azure-cli":
        return dict(behaviour="shell", shell="bash", cmd=("bash",),
                    executables=_DASH | {"az", "python3", "curl"}, env=(("PATH", _PATH_DEBIAN),))
    if kind == "helloworld":
        # Azure-Samples/aci-helloworld: FROM node:8.1.4-alpine, EXPOSE 80, CMD node index.js
        return dict(behaviour="helloworld", shell="ash", cmd=("node", "/usr/src/app/index.js"),
                    workdir="/usr/src/app", ports=(80,),
                    executables=_ASH | {"node", "npm"},
                    env=(("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                         ("NODE_VERSION", "8.1.4")),
                    files=(("/usr/src/app/index.js", "// aci-helloworld web server (simulated)\n"),
                           ("/usr/src/app/index.html", "<html>aci-helloworld (simulated)</html>\n")),
                    versions=(("node", "v8.1.4"),))
    if kind == "sidecar":
        # Azure-Samples/aci-tutorial-sidecar: FROM alpine, curl added, CMD /bin/sh watchdog.sh.
        # The script's URL has no trailing slash here because the docs' published log
        # header reads "Every 3s: curl -I http://localhost".
        return dict(behaviour="sidecar", shell="ash", cmd=("/bin/sh", "watchdog.sh"),
                    executables=_ASH | {"curl"}, env=(("PATH", _PATH_DEBIAN),),
                    files=(("/watchdog.sh", "#!/bin/bash\n\nwatch -n 3 curl -I http://localhost\n"),))
    if kind == "wordcount":
        return dict(behaviour="wordcount", shell="dash",
                    cmd=("/bin/sh", "-c",
                         "python wordcount.py http://shakespeare.mit.edu/hamlet/full.html"),
                    executables=_DASH | {"python", "python3", "pip"},
                    env=(("PATH", "/usr/local/bin:" + _PATH_DEBIAN), ("LANG", "C.UTF-8"),
                         ("PYTHON_VERSION", "3.6.15"), ("NumWords", "10"), ("MinLength", "0")),
                    files=(("/wordcount.py", "# aci-wordcount script (simulated)\n"),),
                    versions=(("python", "3.6.15"),))
    if kind in ("silent", "opaque"):
        return dict(behaviour=kind, shell="dash", cmd=(),
                    executables=_DASH, env=(("PATH", _PATH_DEBIAN),))
    raise ValueError(f"unknown image family {kind!r}")


# (registry, repository) -> (family, tag policy). "latest" = only that tag; "any" =
# plausible version/variant tags.
_BUILTIN: dict[tuple[str, str], tuple[str, str]] = {}


def _reg(registry: str, repositories: Iterable[str], family: str, policy: str) -> None:
    for repo in repositories:
        _BUILTIN[(registry, repo)] = (family, policy)


_reg("mcr.microsoft.com", ["azuredocs/aci-helloworld"], "helloworld", "latest")
_reg("mcr.microsoft.com", ["azuredocs/aci-tutorial-sidecar"], "sidecar", "latest")
_reg("mcr.microsoft.com", ["azuredocs/aci-wordcount"], "wordcount", "latest")
_reg(DOCKER_HUB, ["microsoft/aci-helloworld"], "helloworld", "latest")
_reg(DOCKER_HUB, ["microsoft/aci-tutorial-sidecar"], "sidecar", "latest")
_reg(DOCKER_HUB, ["microsoft/aci-wordcount"], "wordcount", "latest")
for _name in ("nginx", "alpine", "busybox", "ubuntu", "debian", "python", "node", "httpd",
              "redis", "hello-world"):
    _reg(DOCKER_HUB, [f"library/{_name}"], _name, "any")
# Microsoft Container Registry images used in Azure docs and samples (guesses beyond the
# azuredocs ones: the docs use oss/nginx and mirror/docker/library/*).
_reg("mcr.microsoft.com", ["azure-cli"], "azure-cli", "any")
_reg("mcr.microsoft.com", ["oss/nginx/nginx", "mirror/docker/library/nginx"], "nginx", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/alpine"], "alpine", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/busybox"], "busybox", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/ubuntu"], "ubuntu", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/debian"], "debian", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/python"], "python", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/node"], "node", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/redis"], "redis", "any")
_reg("mcr.microsoft.com", ["mirror/docker/library/httpd"], "httpd", "any")
_reg("mcr.microsoft.com", ["hello-world"], "hello-world", "any")

#: Behaviour names ``add(behaviour=...)`` accepts, and the family whose image they mimic.
BEHAVIOURS = {"helloworld": "helloworld", "sidecar": "sidecar", "wordcount": "wordcount",
              "nginx": "nginx", "httpd": "httpd", "redis": "redis", "hello-world": "hello-world",
              "shell": "alpine", "python": "python", "node": "node", "silent": "silent"}


#: The one line an opaque image (a public image the catalog does not know) prints.
OPAQUE_IMAGE_NOTE = ("[aci-emulator] {image} is not in the emulator's image catalog: it runs "
                     "as an opaque process; Azure would pull and run the real image, whose "
                     "output the emulator does not know.")


def _edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance (a transposition is one edit), capped at 3."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], 3)


def normalise_server(server: str) -> str:
    """A registry login server as the catalog matches it: lower case, no scheme, no trailing
    slash; Docker Hub's aliases are ``docker.io``."""
    s = server.strip().lower()
    for prefix in ("https://", "http://"):
        s = s.removeprefix(prefix)
    s = s.rstrip("/")
    return DOCKER_HUB if s in _HUB_ALIASES else s


class ImageCatalog:
    """The images the simulated registries hold. ``ImageCatalog.default()`` for the built-ins."""

    def __init__(self) -> None:
        self._builtin: dict[tuple[str, str], tuple[str, str]] = {}
        self._added: dict[tuple[str, str], tuple[str | None, ImageInfo]] = {}

    # -- construction ------------------------------------------------------------------
    @classmethod
    def default(cls) -> "ImageCatalog":
        """The built-in images (more with :meth:`add` or :meth:`add_entries`)."""
        cat = cls()
        cat._builtin = dict(_BUILTIN)
        return cat

    def add_entries(self, entries: object) -> None:
        """Add every image of ``entries``, a list of objects of :meth:`add` keyword arguments
        (an images file's content). A bad entry raises ValueError naming it, adding none."""
        if not isinstance(entries, list):
            raise ValueError("the top level is not a list")
        scratch = ImageCatalog()
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or "reference" not in entry:
                raise ValueError(f"entry {i} is not an object with a 'reference'")
            try:
                scratch.add(**entry)
            except (TypeError, ValueError, ImageNotFound) as exc:
                raise ValueError(f"entry {i}: {exc}") from None
        self._added.update(scratch._added)

    def add(
        self,
        reference: str,
        default_command: list[str] | None = None,
        behaviour: str | None = None,
        *,
        entrypoint: list[str] | None = None,
        ports: Iterable[int] = (),
        env: Mapping[str, str] | None = None,
        os_type: str = "Linux",
        workdir: str | None = None,
        any_tag: bool = False,
        executables: Iterable[str] | None = None,
    ) -> ImageInfo:
        """Make ``reference`` resolvable (on any registry, private ones included).

        ``behaviour`` reuses a built-in program family (one of ``BEHAVIOURS``; default
        ``shell``: a dash-shell Linux image with the usual utilities).
        ``default_command`` is the image's CMD (run by the shell interpreter, so
        ``["/bin/sh", "-c", "echo hi; sleep infinity"]`` works); ``entrypoint`` its
        ENTRYPOINT. ``any_tag=True`` accepts every tag of that repository.
        """
        ref = parse_reference(reference)
        kind = BEHAVIOURS.get(behaviour or "shell")
        if kind is None:
            raise ValueError(f"unknown behaviour {behaviour!r}; choose one of {sorted(BEHAVIOURS)}")
        fields = _family("debian" if behaviour in (None, "shell") else kind, ref)
        if behaviour in (None, "shell"):
            fields["behaviour"] = "shell"
        if default_command is not None:
            fields["cmd"] = tuple(str(a) for a in default_command)
            fields["entrypoint"] = ()
        if entrypoint is not None:
            fields["entrypoint"] = tuple(str(a) for a in entrypoint)
        if env:
            merged = dict(fields.get("env", ()))
            merged.update({str(k): str(v) for k, v in env.items()})
            fields["env"] = tuple(merged.items())
        if ports:
            fields["ports"] = tuple(int(p) for p in ports)
        if workdir:
            fields["workdir"] = workdir
        if executables is not None:
            fields["executables"] = frozenset(fields.get("executables", ())) | frozenset(executables)
        info = ImageInfo(reference=str(ref), registry=ref.registry, repository=ref.repository,
                         tag=ref.tag, digest=ref.digest, os_type=os_type, **fields)
        key_tag = None if any_tag else (ref.digest or ref.tag)
        self._added[(ref.registry, ref.repository + "\0" + (key_tag or "*"))] = (key_tag, info)
        return info

    # -- resolution --------------------------------------------------------------------
    def resolve(self, image: str, registry_servers: Iterable[str] = ()) -> ImageInfo:
        """The :class:`ImageInfo` for ``image``, or raise ImageNotFound / RegistryCredentialsRequired.

        ``registry_servers`` are the servers of the group's imageRegistryCredentials.
        """
        ref = parse_reference(image)
        servers = {normalise_server(s) for s in registry_servers}
        for key in (ref.digest or ref.tag or "", "*"):
            hit = self._added.get((ref.registry, ref.repository + "\0" + key))
            if hit is not None:
                return replace(hit[1], reference=str(ref), tag=ref.tag, digest=ref.digest)
        known = self._builtin.get((ref.registry, ref.repository))
        if known is not None:
            family, policy = known
            ok = ref.digest is not None or (
                ref.tag == "latest" if policy == "latest" else _plausible_tag(ref.tag or ""))
            if ok:
                return ImageInfo(reference=str(ref), registry=ref.registry,
                                 repository=ref.repository, tag=ref.tag, digest=ref.digest,
                                 **_family(family, ref))
            if ref.registry not in servers:
                raise ImageNotFound(image, f"the repository has no tag {ref.tag!r}")
        if ref.registry in servers:
            # The rule for unknown images: Azure would pull it with the credentials; what it
            # prints is unknown here, and the log says so.
            return ImageInfo(reference=str(ref), registry=ref.registry, repository=ref.repository,
                             tag=ref.tag, digest=ref.digest, **_family("opaque", ref))
        if ref.registry in PUBLIC_REGISTRIES:
            near = self._typo_of(ref)
            if near is not None:
                raise ImageNotFound(image, f"no repository {ref.repository!r} on "
                                           f"{ref.registry} (did you mean {near!r}?)")
            return ImageInfo(reference=str(ref), registry=ref.registry, repository=ref.repository,
                             tag=ref.tag, digest=ref.digest, **_family("opaque", ref))
        raise RegistryCredentialsRequired(image, ref.registry)

    def _typo_of(self, ref: Reference) -> str | None:
        """The catalog repository ``ref`` is a typo of (same registry and namespace, a name
        within TYPO_DISTANCE edits), or None."""
        ns, _, name = ref.repository.rpartition("/")
        for registry, repo in self._builtin:
            other_ns, _, other = repo.rpartition("/")
            if registry == ref.registry and other_ns == ns and other != name and \
                    _edits(name, other) <= (2 if len(other) >= 8 else 1):
                return repo.removeprefix("library/")
        return None
