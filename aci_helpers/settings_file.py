"""The settings file: one step that configures every kernel of a participant.

A workshop participant runs ``aci-tutorial workshop join ...`` once (or the hub runs it for
them); it writes a small TOML file that :func:`aci_helpers.connect` reads in every kernel,
so no notebook needs ``%env`` lines. Precedence, highest first: ``connect()`` arguments,
environment variables (``ACI_RESOURCE_GROUP``...), this file, the defaults.

Where it lives: ``$ACI_SETTINGS_FILE`` if set (``none`` ignores any file), else the user's
config folder: ``~/.config/aci-tutorial/settings.toml`` on Linux (``$XDG_CONFIG_HOME``),
``~/Library/Application Support/aci-tutorial/settings.toml`` on macOS,
``%APPDATA%\\aci-tutorial\\settings.toml`` on Windows.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from pathlib import Path

from .errors import ConfigurationError

ENV = "ACI_SETTINGS_FILE"
ROLES = ("participant", "trainer")
#: key -> the environment variable that overrides it (None: the file only).
KEYS: dict[str, str | None] = {
    "backend": "ACI_BACKEND",
    "location": "ACI_LOCATION",
    "resource_group": "ACI_RESOURCE_GROUP",
    "name_suffix": "ACI_NAME_SUFFIX",
    "subscription_id": "AZURE_SUBSCRIPTION_ID",
    "emulator_url": "ACI_EMULATOR_URL",
    "emulator_ca": "ACI_EMULATOR_CA",
    "workshop": None,
    "participant": None,
    "role": None,
}
_SUFFIX = re.compile(r"[a-z0-9]{1,12}")
_REGION = re.compile(r"[a-z][a-z0-9]{1,39}")
_SERVED = re.compile(r"https://(127\.0\.0\.1|localhost):([0-9]{1,5})/?", re.IGNORECASE)
# (path, mtime_ns, size) -> values: connect() runs often; the file changes rarely.
_cache: dict[tuple[str, int, int], dict[str, str]] = {}


def settings_path() -> Path | None:
    """The settings file's path (it may not exist), or None when ``ACI_SETTINGS_FILE=none``."""
    env = os.environ.get(ENV, "").strip()
    if env:
        return None if env.lower() == "none" else Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "aci-tutorial" / "settings.toml"


def read_settings(path: Path | None = None) -> dict[str, str]:
    """The file's settings (``{}`` when there is none); a damaged file is a ConfigurationError
    that names it, the key and what to do."""
    path = path if path is not None else settings_path()
    if path is None:
        return {}
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _cache:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise ConfigurationError(
                f"The settings file {path} cannot be read ({err}). Write it again with "
                f"`aci-tutorial workshop join ...`, or delete it (or set {ENV}=none) to "
                "use the defaults.") from None
        _cache.clear()
        _cache[key] = check_settings(data, path)
    return dict(_cache[key])


def check_settings(data: dict[str, object], path: Path | str = "settings") -> dict[str, str]:
    """Each key known and each value a plausible string; returns the values as text."""
    out: dict[str, str] = {}
    for name, value in data.items():
        if name not in KEYS:
            raise ConfigurationError(
                f"The settings file {path} has an unknown key {name!r}: it may hold "
                f"{', '.join(KEYS)}.")
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(
                f"The settings file {path}: {name} must be a non-empty text in quotes, not "
                f"{value!r}.")
        out[name] = value.strip()
    problems = {
        "backend": out.get("backend", "emulator").lower() not in ("emulator", "azure"),
        "role": out.get("role", "participant") not in ROLES,
        "name_suffix": not _SUFFIX.fullmatch(out.get("name_suffix", "a")),
        "location": not _REGION.fullmatch(out.get("location", "eastus")),
        "emulator_url": "emulator_url" in out and check_emulator_url(out["emulator_url"], "")
        is None,
    }
    bad = [k for k, is_bad in problems.items() if is_bad]
    if bad:
        allowed = {"backend": "'emulator' or 'azure'", "role": "'participant' or 'trainer'",
                   "name_suffix": "1-12 lowercase letters or digits",
                   "location": "a region name such as 'westeurope'",
                   "emulator_url": "the https://127.0.0.1:PORT that `aci-tutorial serve` "
                   "printed"}
        raise ConfigurationError(
            f"The settings file {path}: {bad[0]} = {out[bad[0]]!r} is not valid; use "
            f"{allowed[bad[0]]}.")
    return out


def check_emulator_url(url: str, source: str = "ACI_EMULATOR_URL") -> str | None:
    """``https://127.0.0.1:PORT`` (a trailing slash dropped, localhost kept); with a
    ``source``, anything else is a ConfigurationError naming it; without, None.

    A served emulator listens on this machine's loopback only (``aci-tutorial serve``): a
    class on several machines would need it on a network interface, with a certificate for
    that name and access control, none of which the kit provides."""
    match = _SERVED.fullmatch(url.strip())
    if match and 0 < int(match.group(2)) < 65536:
        return url.strip().rstrip("/")
    if not source:
        return None
    raise ConfigurationError(
        f"{source}={url!r} is not a served emulator's address: use the "
        "https://127.0.0.1:PORT that `aci-tutorial serve` printed. A served emulator answers "
        "on this machine's loopback only (https, its own CA); one on another machine is not "
        "supported.")


def write_settings(values: dict[str, str], path: Path | None = None, *,
                   comment: str = "") -> Path:
    """Write ``values`` (checked first) as TOML; returns the path. Replaces the file whole."""
    path = path if path is not None else settings_path()
    if path is None:
        raise ConfigurationError(f"{ENV}=none: there is no settings file to write. Unset it, or "
                                 "set it to a path.")
    clean = check_settings({k: v for k, v in values.items() if v}, path)
    lines = [f"# {line}" for line in comment.splitlines()]
    lines.append("# Environment variables (ACI_RESOURCE_GROUP, ...) override these; "
                 "connect() arguments override both.")
    # json.dumps gives a valid TOML basic string for any text (same escapes, no surrogates
    # with ensure_ascii=False).
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in clean.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # a kernel reading meanwhile sees the old file or the new, whole
    return path


def file_value(key: str) -> str | None:
    """One setting from the file, or None (a damaged file raises, naming it)."""
    return read_settings().get(key)
