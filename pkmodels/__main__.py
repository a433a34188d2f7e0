"""``python -m pkmodels``: see :mod:`pkmodels.cli`."""

import sys

from .cli import main

sys.exit(main())
