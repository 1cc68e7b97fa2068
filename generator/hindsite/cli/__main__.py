"""`python -m hindsite.cli`, as the `hindsite` command."""

import sys

from hindsite.cli import main

sys.exit(main())
