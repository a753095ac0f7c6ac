"""Stable resource names: ``<prefix>-<suffix>``, the suffix drawn once per learner.

Re-running a cell or a whole notebook must update the same container groups, never add
new ones, so ``unique_name("aci")`` returns the same name every time for one learner:

- on the emulator the suffix comes from ``ACI_EMULATOR_SEED`` (six digits, the same on
  every run, which keeps the committed notebook outputs reproducible);
- on Azure DNS name labels are unique per region across every customer, so the suffix is
  drawn at random once, stored in a small per-user file (:func:`suffix_file`) and reused by
  every notebook and kernel from then on;
- ``ACI_NAME_SUFFIX`` (1-12 lowercase letters or digits) overrides both, and so does the
  settings file's ``name_suffix`` (a workshop participant's, from ``aci-tutorial workshop
  join``: participants sharing one cloud get distinct names); the variable wins over the file.

:func:`describe_names` says which applies, for the notebooks to show.

Which notebook writes which group (so that notebooks never break each other's groups,
whatever order a learner runs them in):

- the docs page's scenario (:data:`SCENARIO`): notebook 01 creates ``aci-<suffix>``, 02
  ``aci-<suffix>-multi``, 03 ``aci-<suffix>-task``; 04 and 06 create the first and the last,
  and 05 the second, when you start there, with exactly the settings their owner gives them
  (secure values aside); 05 stops, starts, restarts and tags ``-multi``; 06's clean-up deletes
  every group the tutorial made (its lesson);
- every other group is one notebook's own: :func:`notebook_name` (``aci-<suffix>-09-try``)
  puts the notebook in the name; notebook 07's explorer groups have prefixes of their own
  (``web-``, ``duo-``, ``job-``).

``tests/learner`` records what each notebook sends and checks this rule.
"""

from __future__ import annotations

import os
import random
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigurationError
from .settings_file import file_value, settings_path

if TYPE_CHECKING:
    from .session import Session

SUFFIX_DIGITS = 6
# The name is also the DNS label of a single-container group: 5-63 characters, a letter
# first. "-" + 6 digits leaves 56 characters for the prefix.
MAX_PREFIX = 63 - 1 - SUFFIX_DIGITS
_PREFIX = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
_SUFFIX = re.compile(r"[a-z0-9]{1,12}")
SUFFIX_ENV = "ACI_NAME_SUFFIX"

# (backend, seed or file) -> suffix: read the file once per process.
_cache: dict[tuple[str, str], str] = {}


def suffix_file() -> Path:
    """Where the Azure suffix is kept: beside the emulator's state, in the user's cache dir."""
    from .session import default_state_path  # noqa: PLC0415  (import cycle)

    return default_state_path().parent / "name-suffix"


def _seeded(seed: int) -> str:
    # The digits the first call of the former per-call generator drew, so seed 0 still
    # gives the committed notebooks' names (aci-970777). Stable across processes:
    # random.Random hashes a str seed with SHA-512, whatever PYTHONHASHSEED says.
    return f"{random.Random(f'aci-tutorial:{seed}:aci').randrange(10**SUFFIX_DIGITS):06d}"


def _stored(path: Path) -> str:
    """The suffix kept in ``path``, drawing and storing one if there is none yet."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        drawn = f"{secrets.randbelow(10**SUFFIX_DIGITS):06d}"
        try:
            with open(path, "x", encoding="utf-8") as f:  # "x": two kernels never both write
                f.write(drawn + "\n")
            return drawn
        except FileExistsError:
            text = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise ConfigurationError(
            f"Cannot keep your name suffix in {path} ({err.strerror}). Set {SUFFIX_ENV} to 6 "
            "digits of your choice instead, e.g. ACI_NAME_SUFFIX=123456."
        ) from None
    if not _SUFFIX.fullmatch(text):
        raise ConfigurationError(
            f"{path} should hold your name suffix (lowercase letters or digits), not {text[:20]!r}. "
            "Delete the file to draw a new one (groups named with the old suffix stay "
            "until you delete them)."
        )
    return text


def _origin(session: "Session | None") -> tuple[str, int]:
    """The backend and the emulator's seed: the session's, else the last connect()'s, else the
    environment's."""
    from .session import _last_session, load_settings  # noqa: PLC0415  (import cycle)

    s = session or _last_session()
    settings = s.settings if s is not None else load_settings()
    return settings.backend, settings.seed


def name_suffix(session: "Session | None" = None) -> str:
    """The learner's suffix: ``ACI_NAME_SUFFIX``, else seeded (emulator), else stored (Azure)."""
    override = os.environ.get(SUFFIX_ENV, "").strip() or file_value("name_suffix")
    if override:
        if not _SUFFIX.fullmatch(override):
            raise ConfigurationError(
                f"{SUFFIX_ENV} must be 1-12 lowercase letters or digits, not {override[:20]!r}."
            )
        return override
    backend, seed = _origin(session)
    key = (backend, str(seed) if backend == "emulator" else str(suffix_file()))
    if key not in _cache:
        _cache[key] = _seeded(seed) if backend == "emulator" else _stored(suffix_file())
    return _cache[key]


def _check_prefix(prefix: object) -> str:
    if not isinstance(prefix, str):
        raise TypeError(f"unique_name: the prefix must be a str such as 'aci', not "
                        f"{type(prefix).__name__}")
    problem = None
    if not prefix:
        problem = "is empty"
    elif len(prefix) > MAX_PREFIX:
        problem = f"is {len(prefix)} characters long; at most {MAX_PREFIX} leave room for the suffix"
    elif not _PREFIX.fullmatch(prefix) or "--" in prefix:
        problem = ("must be lowercase letters, digits and single '-', start with a letter and "
                   "end with a letter or digit (the name is also a DNS label)")
    if problem:
        raise ValueError(f"unique_name: the prefix {prefix!r} {problem}. Use e.g. unique_name('aci').")
    return prefix


def unique_name(prefix: str = "aci", session: "Session | None" = None) -> str:
    """``<prefix>-<suffix>``, e.g. ``aci-970777``: the same name for the same prefix, every time.

    The suffix is the learner's (see :func:`name_suffix`); a bad prefix (empty, upper case,
    a leading digit, too long) raises ``ValueError`` and nothing is named.
    """
    return f"{_check_prefix(prefix)}-{name_suffix(session)}"


#: The docs page's scenario: notebook -> what follows ``aci-<suffix>`` in its group's name.
SCENARIO = {"01": "", "02": "-multi", "03": "-task"}
#: Prefixes only notebook 07 uses (its explorer's three shapes: ``unique_name("web")``...).
OWN_PREFIXES = {"web": "07", "duo": "07", "job": "07"}
_NOTEBOOK = re.compile(r"[0-9]{2}[a-z]?")
MAX_NAME = 63  # a container group's name, and the DNS label of a single-container group


def scenario_names(session: "Session | None" = None) -> dict[str, str]:
    """{notebook: group name} of the docs page's scenario, e.g. ``{"02": "aci-970777-multi"}``."""
    base = unique_name("aci", session)
    return {notebook: base + part for notebook, part in SCENARIO.items()}


def notebook_name(notebook: str, purpose: str | None = None,
                  session: "Session | None" = None) -> str:
    """``aci-970777-09-try``: the group notebook ``notebook`` makes for ``purpose``; with no
    purpose, the notebook's base (``aci-970777-09``) to append purposes to.

    Stable per learner like :func:`unique_name`, and never the name of another notebook's
    group. A bad notebook key or purpose raises ``ValueError``."""
    if not isinstance(notebook, str) or not _NOTEBOOK.fullmatch(notebook):
        raise ValueError(f"notebook_name: the notebook is its number as text, e.g. '03' or "
                         f"'03b', not {notebook!r}.")
    name = f"{unique_name('aci', session)}-{notebook}"
    if purpose is not None:
        if not isinstance(purpose, str) or not _PREFIX.fullmatch(purpose) or "--" in purpose:
            raise ValueError(f"notebook_name: the purpose {purpose!r} must be lowercase letters, "
                             "digits and single '-', starting with a letter, e.g. 'try'.")
        name = f"{name}-{purpose}"
    if len(name) > MAX_NAME:
        raise ValueError(f"notebook_name: {name!r} has {len(name)} characters; a group name "
                         f"has at most {MAX_NAME}: use a shorter purpose.")
    return name


def owner_of(name: str, session: "Session | None" = None) -> str | None:
    """The notebook that makes the group ``name`` ('09' for ``aci-970777-09-try``, '02' for
    ``aci-970777-multi``), or None for a name no notebook of the tutorial gives."""
    suffix = name_suffix(session)
    for notebook, group in scenario_names(session).items():
        if name == group:
            return notebook
    head, _, rest = name.partition(f"-{suffix}")
    if head in OWN_PREFIXES and rest == "":
        return OWN_PREFIXES[head]
    match = re.fullmatch(rf"aci-{re.escape(suffix)}-({_NOTEBOOK.pattern})(?:-.*)?", name)
    return match.group(1) if match else None


def describe_names(session: "Session | None" = None) -> str:
    """A few short lines for a notebook: the learner's suffix and where it comes from."""
    suffix = name_suffix(session)
    if os.environ.get(SUFFIX_ENV, "").strip():
        where = f"It is set by {SUFFIX_ENV}."
    elif file_value("name_suffix"):
        where = f"It is your workshop's, from your settings file ({settings_path()})."
    else:
        backend, seed = _origin(session)
        if backend == "emulator":
            where = (f"On the emulator it comes from ACI_EMULATOR_SEED={seed}: every run gives "
                     "the same names.")
        else:
            where = (f"It was drawn at random once for you (DNS labels are unique across Azure)\n"
                     f"and is kept in {suffix_file()}; delete that file to draw a new one.")
    return (f"Your names end in -{suffix}.\n{where}\nRe-running a cell or a notebook reuses "
            "them: it updates your groups, never adds new ones.")


def reset_names() -> None:
    """Forget the suffixes read in this process (tests; the stored file is kept)."""
    _cache.clear()
