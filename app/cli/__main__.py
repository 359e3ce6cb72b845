"""``python -m app.cli``: the same as ``thidua-cli``."""

import sys

from app.cli.program import main

sys.exit(main())
