"""``python -m aci_helpers.trainer``: the same as the ``aci-tutorial`` command."""

import sys

from .cli import main

sys.exit(main())
