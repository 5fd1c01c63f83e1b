#!/usr/bin/env python3
"""Independent verifier of ParLedger certified bundles (FORMAT.md): the command of the parverify package beside
this file (tools/parverify/README.md).

Usage: python3 tools/verify_bundle.py BUNDLE [--trust POLICY] [--receipt RECEIPT] [--quiet]
"""

import sys

from parverify.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
