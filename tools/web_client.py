#!/usr/bin/env python3
"""A small client of `parledger serve` for scripts and tests: logs in with a ParLedger key file the
way the page does (Ed25519 over `parledger-login/1\\n<ledger>\\n<challenge>\\n`), then prepares, signs
and submits commands through the JSON API (schemas/openapi.yaml).

    from web_client import WebClient
    client = WebClient("http://127.0.0.1:8080", "keys/can-bo-so-tai-chinh.key")
    client.command({"operation": "withdraw", "cycle": "...", "unit": "...", "reason": "..."})

As a command: `tools/web_client.py URL KEYFILE` logs in and prints the session's identity and the
cookie and CSRF header to pass to other tools (schemathesis, wrk).
"""

import base64
import json
import sys

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY_FILE_HEADER = "parledger-ed25519-private-key"


def read_key(path):
    lines = [line.strip() for line in open(path, encoding="utf-8").read().splitlines() if line.strip()]
    if len(lines) < 2 or lines[0] != KEY_FILE_HEADER:
        raise ValueError(f"{path} is not a ParLedger private key file")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(lines[1]))


class CommandRefused(Exception):
    def __init__(self, status, error):
        super().__init__(f"{status} {error.get('kind')}: {error.get('message')}")
        self.status = status
        self.error = error


class WebClient:
    def __init__(self, base, key_path, timeout=30):
        self.base = base.rstrip("/")
        self.key = read_key(key_path)
        self.timeout = timeout
        self.http = requests.Session()
        self.identity = self.log_in()

    def url(self, path):
        return self.base + path

    def check(self, response):
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except ValueError:
                error = {"kind": "?", "message": response.text[:200]}
            raise CommandRefused(response.status_code, error)
        return response.json() if response.content else None

    def log_in(self):
        challenge = self.check(self.http.post(self.url("/api/session/challenge"), timeout=self.timeout))
        message = f"parledger-login/1\n{challenge['ledger']}\n{challenge['challenge']}\n".encode()
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        body = {
            "publicKey": base64.b64encode(public).decode(),
            "challenge": challenge["challenge"],
            "signature": base64.b64encode(self.key.sign(message)).decode(),
        }
        return self.check(self.http.post(self.url("/api/session"), json=body, timeout=self.timeout))

    @property
    def headers(self):
        return {"X-CSRF-Token": self.identity["csrf"]}

    @property
    def cookie(self):
        return f"parledger-session={self.http.cookies.get('parledger-session')}"

    def get(self, path):
        return self.check(self.http.get(self.url(path), timeout=self.timeout))

    def prepare(self, intent):
        return self.check(self.http.post(self.url("/api/commands/prepare"), json=intent, headers=self.headers,
                                         timeout=self.timeout))

    def submit(self, document):
        signature = base64.b64encode(self.key.sign(document.encode("utf-8"))).decode()
        return self.check(self.http.post(self.url("/api/commands"), json={"document": document, "signature": signature},
                                         headers=self.headers, timeout=self.timeout))

    def command(self, intent):
        """Prepares, signs and submits `intent`; returns the server's answer (events and receipt)."""
        return self.submit(self.prepare(intent)["document"])

    def upload(self, name, data, unit=None):
        params = {"name": name}
        if unit:
            params["unit"] = unit
        return self.check(self.http.post(self.url("/api/evidence"), params=params, data=data,
                                         headers={**self.headers, "Content-Type": "application/octet-stream"},
                                         timeout=self.timeout))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    client = WebClient(sys.argv[1], sys.argv[2])
    print(json.dumps({"identity": client.identity, "cookie": client.cookie, "csrfHeader": f"X-CSRF-Token: {client.identity['csrf']}"},
                     ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
