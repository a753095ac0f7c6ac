"""Random resource names, like the 2019 sample's ``aci-<6 digits>``.

On the emulator the names come from ``ACI_EMULATOR_SEED`` so committed notebook outputs
stay byte-identical; on Azure they are really random (DNS labels are unique per region,
so two learners must not pick the same one).
"""

from __future__ import annotations

import random
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Session

# One generator per (seed, prefix): the n-th name for a prefix in a kernel is fixed by
# the seed, whatever other prefixes were drawn before it.
_generators: dict[tuple[int, str], random.Random] = {}


def _six_digits(seed: int | None, prefix: str) -> str:
    if seed is None:
        return f"{secrets.randbelow(10**6):06d}"
    rng = _generators.get((seed, prefix))
    if rng is None:
        # str seeds are hashed with SHA-512: stable across processes and PYTHONHASHSEED.
        rng = _generators[(seed, prefix)] = random.Random(f"aci-tutorial:{seed}:{prefix}")
    return f"{rng.randrange(10**6):06d}"


def unique_name(prefix: str = "aci", session: "Session | None" = None) -> str:
    """Return ``<prefix>-<6 digits>``, e.g. ``aci-123456``.

    Deterministic per seed on the emulator (the session's, else the last ``connect()``'s,
    else the environment's); random on Azure.
    """
    from .session import _last_session, load_settings  # noqa: PLC0415  (import cycle)

    s = session or _last_session()
    if s is not None:
        seed = s.settings.seed if s.backend == "emulator" else None
    else:
        settings = load_settings()
        seed = settings.seed if settings.backend == "emulator" else None
    return f"{prefix}-{_six_digits(seed, prefix)}"


def reset_names() -> None:
    """Start every seeded name sequence again (tests; a fresh kernel does this implicitly)."""
    _generators.clear()
