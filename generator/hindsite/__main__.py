"""`python -m hindsite`, as the `hindsite` command."""

import sys

from hindsite.cli import main

sys.exit(main())
