"""``python -m aci_helpers.cli``: the same as the ``aci-tutorial`` command."""

import sys

from . import main

sys.exit(main())
