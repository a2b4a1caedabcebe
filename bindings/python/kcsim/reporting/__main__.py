"""python -m kcsim.reporting: what ``kcsim report`` runs."""

import sys

from . import main

sys.exit(main())
