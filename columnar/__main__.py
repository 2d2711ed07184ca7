"""``python -m columnar``: the SQL shell (see :mod:`columnar.shell`)."""

import sys

from columnar.shell import main

if __name__ == "__main__":
    sys.exit(main())
