"""Volumes: what ARM refuses in ``volumes`` and ``volumeMounts``, and what each kind holds
when the containers start (pure; the Azure Files share's contents come from
:mod:`.shares`).

The four kinds (Microsoft's docs, *Mount an emptyDir / secret / gitRepo volume* and *Mount
an Azure file share in Azure Container Instances*):

- ``emptyDir``: an empty, writable directory shared by the containers of the group; it
  lives as long as the group's current run (a stop, restart or redeploy empties it).
- ``secret``: files named by the map's keys, holding the Base64-decoded values; backed by
  tmpfs; the API never returns the values (``"secret": {}``, as recorded).
- ``gitRepo``: a clone of ``repository`` (into ``directory``, or a folder named after the
  repository; ``"."`` = the volume itself) at container start. The emulator has no
  network: it knows the file list of a few public repositories (GIT_REPOSITORIES) and says
  so in the log for any other.
- ``azureFile``: an Azure Files share (storage account name, share name, key); its files
  outlive the group (:mod:`.shares`).
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from urllib.parse import urlsplit

from .. import assumptions as A
from ..errors import (DuplicateVolumes, InvalidAzureFileVolume, InvalidGitRepoVolume,
                      InvalidRequestContent, InvalidSecretVolume, InvalidVolume, InvalidVolumeMount,
                      TooManyVolumes, UnsupportedFeature)

KINDS = ("azureFile", "emptyDir", "secret", "secretReference", "gitRepo")
_SECRET_FILE = re.compile(r"^[-._a-zA-Z0-9]+$")


def kind(vol: dict) -> str:
    """The volume's kind (``azureFile``, ``emptyDir``, ``secret``, ``secretReference``,
    ``gitRepo``); the volume was checked to have exactly one."""
    return next(k for k in KINDS if k in vol)


def mount_path(raw: str) -> str:
    """A mount path as the container sees it: normalised, relative paths from ``/``."""
    return posixpath.normpath("/" + raw.lstrip("/"))


def check(p: dict, group: str) -> None:
    """Refuse what ARM refuses in the group's volumes and its containers' mounts."""
    vols = p.get("volumes")
    names: set[str] = set()
    if vols is not None:
        if not isinstance(vols, list):
            raise InvalidRequestContent("'volumes' must be an array")
        if len(vols) > A.MAX_VOLUMES:
            raise TooManyVolumes(
                                 f"The container group '{group}' has {len(vols)} volumes; at most "
                                 f"{A.MAX_VOLUMES} volumes are allowed in a container group.")
        for v in vols:
            if not isinstance(v, dict) or not isinstance(v.get("name"), str) or not v["name"]:
                raise InvalidRequestContent("Required property 'name' not found in a volume")
            kinds = [k for k in KINDS if k in v]
            if len(kinds) != 1:
                raise InvalidVolume(
                    f"The volume '{v['name']}' in container group '{group}' must have exactly one "
                    "of 'azureFile', 'emptyDir', 'secret' or 'gitRepo'.")
            if v["name"] in names:
                # Real code and message (seen in user reports of the service).
                raise DuplicateVolumes(f"Duplicate volumes '{v['name']}' are found.")
            names.add(v["name"])
            _check_volume(v, kinds[0], group)
        if vols and p.get("osType") == "Windows":
            raise UnsupportedFeature(
                f"Volumes are not supported for Windows container group '{group}': emptyDir, "
                "secret, gitRepo and Azure Files volumes are restricted to Linux containers. Use "
                "osType 'Linux', or remove the volumes.")
    for c in p["containers"] + p["initContainers"]:
        seen: dict[str, str] = {}
        for vm in c["properties"].get("volumeMounts") or []:
            if vm["name"] not in names:
                raise InvalidVolume(
                    f"The volume mount '{vm['name']}' of container '{c['name']}' in container "
                    f"group '{group}' does not match any volume of the group. Add a volume named "
                    f"'{vm['name']}' to the group's volumes, or fix the mount's name.")
            raw = vm["mountPath"]
            if ":" in raw:
                raise InvalidVolumeMount(
                    f"The mount path '{raw}' of volume mount '{vm['name']}' in container "
                    f"'{c['name']}' is invalid: a mount path must not contain ':'.")
            path = mount_path(raw)
            if path in seen:
                raise InvalidVolumeMount(
                    f"The mount path '{path}' is used by volume mounts '{seen[path]}' and "
                    f"'{vm['name']}' of container '{c['name']}' in container group '{group}'. Each "
                    "volume mount of a container needs its own path.")
            seen[path] = vm["name"]


def _check_volume(v: dict, k: str, group: str) -> None:
    name = v["name"]
    body = v[k]
    if k in ("azureFile", "secret", "gitRepo") and not isinstance(body, dict):
        raise InvalidRequestContent(f"'{k}' of volume '{name}' must be an object")
    if k == "azureFile":
        for field in ("shareName", "storageAccountName"):
            if not isinstance(body.get(field), str) or not body[field].strip():
                raise InvalidAzureFileVolume(
                    f"The Azure File volume '{name}' in container group '{group}' needs '{field}': "
                    "give the storage account name and the share name.")
        if not body.get("storageAccountKey") and not body.get("storageAccountKeyReference"):
            raise InvalidAzureFileVolume(
                f"The Azure File volume '{name}' in container group '{group}' has no "
                "'storageAccountKey': give the storage account's access key (az storage account "
                f"keys list --account-name {body['storageAccountName'][:24]} --query [0].value -o "
                "tsv).")
    elif k == "secret":
        for file, value in body.items():
            if not _SECRET_FILE.match(file) or file in (".", ".."):
                raise InvalidSecretVolume(
                    f"The secret volume '{name}' in container group '{group}' has an invalid file "
                    f"name '{file[:64]}': use letters, digits, '-', '_' and '.' only.")
            if not isinstance(value, str) or _decode(value) is None:
                # The value is a secret: never echoed.
                raise InvalidSecretVolume(
                    f"The value of '{file}' in secret volume '{name}' of container group '{group}' "
                    "is not Base64-encoded. Secret volume values must be Base64-encoded "
                    "(base64.b64encode(b'...').decode()).")
    elif k == "gitRepo":
        repo = body.get("repository")
        if not isinstance(repo, str) or not repo:
            raise InvalidGitRepoVolume(
                f"The gitRepo volume '{name}' in container group '{group}' needs 'repository', the "
                "URL of the repository to clone.")
        if urlsplit(repo).scheme.lower() not in ("http", "https"):
            raise InvalidGitRepoVolume(
                f"The repository of gitRepo volume '{name}' in container group '{group}' must be a "
                "full URL starting with http:// or https://.")
        directory = body.get("directory")
        if isinstance(directory, str) and (directory.startswith("..") or
                                           ".." in directory.split("/")):
            raise InvalidGitRepoVolume(
                f"The directory '{directory[:64]}' of gitRepo volume '{name}' in container group "
                f"'{group}' is invalid: it must not contain or start with '..'.")


def _decode(value: str) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace")


def public_repository(url: str) -> str:
    """``url`` without credentials (``https://user:token@host/x`` -> ``https://host/x``)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return parts._replace(netloc=host).geturl()


def _repo_key(url: str) -> tuple[str, str]:
    """(catalog key, the repository's folder name) of a repository URL."""
    parts = urlsplit(url)
    path = parts.path.strip("/").removesuffix(".git")
    return f"{(parts.hostname or '').lower()}/{path.lower()}", path.rsplit("/", 1)[-1]


def initial_files(vol: dict) -> tuple[tuple[tuple[str, str], ...], bool, tuple[str, ...]]:
    """What a volume other than ``azureFile`` holds when the containers start:
    (files, read-only, notes for the container log)."""
    k = kind(vol)
    if k == "secret":
        return tuple(sorted((f, _decode(v) or "") for f, v in vol["secret"].items())), \
            A.SECRET_VOLUMES_READ_ONLY, ()
    if k == "secretReference":
        return (), True, (f"[aci-emulator] secretReference volume '{vol['name']}': the emulator "
                          f"cannot read Key Vault, so the volume is empty.",)
    if k == "gitRepo":
        return _clone(vol)
    return (), False, ()


def _clone(vol: dict) -> tuple[tuple[tuple[str, str], ...], bool, tuple[str, ...]]:
    git = vol["gitRepo"]
    url = git["repository"]
    key, folder = _repo_key(url)
    directory = git.get("directory")
    prefix = mount_path(directory or folder)[1:]
    prefix = f"{prefix}/" if prefix else ""
    known = A.GIT_REPOSITORIES.get(key)
    if known is None:
        shown = public_repository(url)
        return (), False, (
            f"[aci-emulator] gitRepo volume '{vol['name']}': the emulator works offline and "
            f"cannot clone {shown}; it knows only "
            f"{', '.join('https://' + r for r in sorted(A.GIT_REPOSITORIES))}. The volume is "
            f"empty.",)
    files = tuple((prefix + path, f"[aci-emulator] stand-in for {path} of {key}: the emulator "
                                  f"knows this repository's file list, not its contents\n")
                  for path in known)
    return files, False, ()
