#!/usr/bin/env bash
# The notebooks once more against the newest SDK the project's pins admit, pre-releases
# included (azure-mgmt-containerinstance 10.2.0b2 sends api-version 2026-06-01-preview), so
# that the next SDK release cannot break the tutorial unseen.
#
# Lean on purpose: the newest azure-* packages go into an overlay directory put first on
# PYTHONPATH (the notebook kernels inherit it); everything else is .venv's, already installed
# by `make test`. Only nbval runs (the notebooks are where the SDK meets the tutorial).
set -euo pipefail
cd "$(dirname "$0")/.."

OVERLAY="${PRERELEASE_OVERLAY:-.ci-prerelease}"
rm -rf "$OVERLAY"
.venv/bin/python -m pip install --quiet --pre --target "$OVERLAY" \
  "azure-mgmt-containerinstance>=10.1,<11" "azure-mgmt-resource>=26,<27" \
  "azure-core>=1.30,<2" "azure-mgmt-core"
export PYTHONPATH="$PWD/$OVERLAY${PYTHONPATH:+:$PYTHONPATH}"
.venv/bin/python - <<'PY'
from importlib.metadata import version
from azure.mgmt.containerinstance import ContainerInstanceManagementClient
from aci_helpers.emulator import Emulator
for pkg in ("azure-mgmt-containerinstance", "azure-mgmt-resource", "azure-core"):
    print(f"pre-release run: {pkg} {version(pkg)}")
emu = Emulator(None, clock="instant")
api = ContainerInstanceManagementClient(emu.credential(), emu.subscription_id)._config.api_version
print(f"pre-release run: the notebooks' ACI api-version is {api}")
PY
ACI_BACKEND=emulator ACI_EMULATOR_STATE=memory \
  .venv/bin/python -m pytest notebooks --nbval --nbval-current-env -p no:cacheprovider -q \
  -p no:randomly
