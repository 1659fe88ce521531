"""`python -m ameide_sre_contracts.cli`: the `sre-contracts` command."""

import sys

from ameide_sre_contracts.cli._main import main

if __name__ == "__main__":
    sys.exit(main())
