"""Settings shared by every test run.

The whole suite runs on the emulator, whatever the caller's environment says: the notebooks'
committed outputs were produced with the instant clock, seed 0 and an in-memory cloud, and
no test may touch the user's default emulator state file or a real subscription. Kernels
that nbval starts inherit these variables.
"""
from __future__ import annotations

import os

NOTEBOOK_ENV = {
    "ACI_BACKEND": "emulator",
    "ACI_EMULATOR_CLOCK": "instant",
    "ACI_EMULATOR_SEED": "0",
    "ACI_EMULATOR_STATE": "memory",
}
os.environ.update(NOTEBOOK_ENV)
for var in ("ACI_LOCATION", "ACI_RESOURCE_GROUP", "AZURE_AUTH_LOCATION", "ACI_EMULATOR_SPEED"):
    os.environ.pop(var, None)
