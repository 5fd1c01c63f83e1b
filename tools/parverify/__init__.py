"""parverify: the independent Python verifier of ParLedger certified bundles (FORMAT.md), run as
tools/verify_bundle.py; tools/parverify/README.md says what each module owns."""
