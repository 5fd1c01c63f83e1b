#!/usr/bin/env python3
"""The service's installation (issue 28, item 1): `tools/install --root DIR --binary PATH` stages the
binary, the hardened systemd unit, /etc/default/parledger, the nginx site and the data directory;
`systemd-analyze verify` passes on the unit; nginx accepts the site with a certificate of the test's
own; a second run (an upgrade) keeps /etc/default/parledger as the IT office edited it.

    tools/test_install.py [--parledger PATH]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parledger", default=os.path.join(ROOT, ".build/debug/parledger"))
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="parledger-install-test-")
    try:
        stage = os.path.join(work, "root")
        install = [os.path.join(ROOT, "tools/install"), "--root", stage, "--binary", options.parledger]
        result = subprocess.run(install, capture_output=True, text=True)
        check(result.returncode == 0, f"tools/install failed:\n{result.stdout}{result.stderr}")
        check("systemd-analyze verify: the unit is valid" in result.stdout or shutil.which("systemd-analyze") is None,
              f"tools/install did not verify the unit:\n{result.stdout}")
        unit = open(os.path.join(stage, "etc/systemd/system/parledger.service")).read()
        for setting in ["User=parledger", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                        "ReadWritePaths=/var/lib/parledger", "ProtectHome=yes"]:
            check(setting in unit, f"the unit lacks {setting}")
        check(os.access(os.path.join(stage, "usr/local/bin/parledger"), os.X_OK), "the binary is not installed")
        check(oct(os.stat(os.path.join(stage, "var/lib/parledger")).st_mode & 0o777) == "0o750",
              "the data directory is not 0750")
        if shutil.which("systemd-analyze"):
            copy = os.path.join(work, "parledger.service")
            open(copy, "w").write(unit.replace("/usr/local/bin/parledger", os.path.join(stage, "usr/local/bin/parledger")))
            verified = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True, text=True)
            check(verified.returncode == 0, f"systemd-analyze verify: {verified.stderr}")
        defaults = os.path.join(stage, "etc/default/parledger")
        with open(defaults, "a") as file:
            file.write('PARLEDGER_SERVE_OPTIONS="--explorer signed-in"\n')
        again = subprocess.run(install, capture_output=True, text=True)
        check(again.returncode == 0, f"a second tools/install failed:\n{again.stderr}")
        check("--explorer signed-in" in open(defaults).read(), "an upgrade overwrote /etc/default/parledger")
        if shutil.which("nginx") and shutil.which("openssl"):
            site = open(os.path.join(stage, "usr/local/share/doc/parledger/nginx-parledger.conf")).read()
            key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "1", "-subj",
                            "/CN=localhost", "-keyout", key, "-out", cert], check=True, capture_output=True)
            site = site.replace("/etc/ssl/certs/parledger.crt", cert).replace("/etc/ssl/private/parledger.key", key)
            open(os.path.join(work, "site.conf"), "w").write(site)
            open(os.path.join(work, "nginx.conf"), "w").write(
                f"pid {work}/nginx.pid; error_log {work}/error.log; events {{}}\n"
                f"http {{ access_log off; include {work}/site.conf; }}\n")
            tested = subprocess.run(["nginx", "-t", "-p", work, "-c", os.path.join(work, "nginx.conf")],
                                    capture_output=True, text=True)
            check(tested.returncode == 0, f"nginx -t refuses the shipped site:\n{tested.stderr}")
        print("test_install: OK: staged install, systemd-analyze verify, nginx -t on the site, an upgrade keeps the defaults")
        return 0
    except AssertionError as failure:
        print(f"test_install: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
