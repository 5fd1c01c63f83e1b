#!/usr/bin/env python3
"""`parledger serve` behind the shipped nginx site over HTTPS, on loopback (issue 28, items 2 and 6).

    tools/test_https.py [--parledger PATH] [--keep]

Makes a small ledger (`parledger init`: the secretariat alone) and serves it with
`--trusted-proxy 127.0.0.1` and small limits, behind a real nginx running deploy/nginx/parledger.conf
rendered for a temporary prefix (a self-signed certificate made with openssl, high ports, the upstream's
keep-alive shorter than the server's idle timeout, no root needed). Then:
 1. Chromium (selenium, --ignore-certificate-errors) imports the secretariat's key file through
    https, logs in and reaches the home page (screenshot: artifacts/screenshots/https-trang-chu.png);
    the session cookie is Secure and HttpOnly.
 2. Two clients behind the proxy, connecting to nginx from 127.0.0.2 and 127.0.0.3 (nginx sets
    X-Forwarded-For to their address): the first one's failed logins reach 429 with Retry-After, while
    the second still logs in; the first one's anonymous page requests reach 429 at --page-limit while
    the second's are served, and its downloads at --download-limit.
 3. A client connecting to the server directly from 127.0.0.9 (not a trusted proxy) that writes a
    new X-Forwarded-For on every try still meets 429 after the same number of failed logins; one from
    127.0.0.8 that says X-Forwarded-Proto: https logs in without a Secure cookie.
 4. Slow clients are dropped after --idle-timeout: one that sends half a request head and waits, one
    that trickles a byte a second; meanwhile another client is served at once.
Exit 0 on success, 1 on failure (the temporary directory is then kept); `--keep` keeps it anyway.
"""

import argparse
import base64
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from chromium import chromium_options, start_chromium  # noqa: E402
from web_client import read_key  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

PAGE_LIMIT = 40
DOWNLOAD_LIMIT = 3
IDLE_TIMEOUT = 3
FAILURE_LIMIT = 10  # SessionStore.failureLimit


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port, process, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check(process.poll() is None, f"{what} exited ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise Failure(f"{what} did not answer on port {port}")


class Client:
    """HTTP(S) requests from one source address of loopback, one connection each."""

    def __init__(self, source, port, tls):
        self.source, self.port, self.tls = source, port, tls

    def request(self, method, path, body=None, headers=None):
        if self.tls:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, source_address=(self.source, 0),
                                                     context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                    source_address=(self.source, 0))
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def failed_login(self, headers=None):
        """A login with a signature of zeros: 401 while the client may still try, then 429."""
        body = {"publicKey": base64.b64encode(bytes(32)).decode(), "challenge": "nope",
                "signature": base64.b64encode(bytes(64)).decode()}
        return self.request("POST", "/api/session", body, headers)

    def log_in(self, key, headers=None):
        status, _, text = self.request("POST", "/api/session/challenge", headers=headers)
        check(status == 200, f"{self.source}: the challenge was refused ({status}): {text[:200]!r}")
        challenge = json.loads(text)
        message = f"parledger-login/1\n{challenge['ledger']}\n{challenge['challenge']}\n".encode()
        body = {"publicKey": base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode(),
                "challenge": challenge["challenge"], "signature": base64.b64encode(key.sign(message)).decode()}
        return self.request("POST", "/api/session", body, headers)


def render_site(work, serve_port, https_port, http_port):
    """deploy/nginx/parledger.conf for this run: its ports, the test's certificate, and an nginx.conf
    around it whose every path is under `work`."""
    key, cert = os.path.join(work, "tls.key"), os.path.join(work, "tls.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    site = open(os.path.join(ROOT, "deploy/nginx/parledger.conf")).read()
    replacements = {
        "server 127.0.0.1:8080;": f"server 127.0.0.1:{serve_port};",
        # Shorter than the server's --idle-timeout, as the shipped one is shorter than its default.
        "keepalive_timeout 20s;": f"keepalive_timeout {IDLE_TIMEOUT - 2}s;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/certs/parledger.crt": cert,
        "/etc/ssl/private/parledger.key": key,
    }
    for old, new in replacements.items():
        check(old in site, f"deploy/nginx/parledger.conf no longer has {old!r}; update tools/test_https.py")
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    open(os.path.join(work, "site.conf"), "w").write(site)
    temp = os.path.join(work, "nginx-temp")
    os.makedirs(temp)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write(
        f"{user}daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log warn;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\n  access_log {work}/nginx-access.log;\n  client_body_temp_path {temp}/body;\n"
        f"  proxy_temp_path {temp}/proxy;\n  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n  include {work}/site.conf;\n}}\n")
    return conf


def browser_login(work, base, key_path):
    """Chromium logs in through https with the key file; returns the session cookie it holds."""
    from selenium.webdriver.common.by import By

    driver = start_chromium(chromium_options(os.path.join(work, "profile"), "--ignore-certificate-errors"))
    try:
        driver.set_page_load_timeout(30)
        driver.get(base + "/dang-nhap")
        check(driver.execute_script("return window.isSecureContext"), "the login page is not a secure context")
        driver.find_element(By.CSS_SELECTOR, "#tep-khoa").send_keys(key_path)
        driver.find_element(By.CSS_SELECTOR, "#ten-khoa").send_keys("khoá của Sở Nội vụ")
        driver.find_element(By.CSS_SELECTOR, "#form-nhap-khoa button[type=submit]").click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if driver.current_url.rstrip("/") == base and \
                    driver.execute_script("return document.body && document.body.dataset.page") == "home":
                break
            time.sleep(0.2)
        else:
            raise Failure(f"the browser did not reach the home page: {driver.current_url}")
        check("Sở Nội vụ" in driver.find_element(By.TAG_NAME, "body").text, "the home page does not name the person")
        shots = os.path.join(ROOT, "artifacts", "screenshots")
        os.makedirs(shots, exist_ok=True)
        driver.save_screenshot(os.path.join(shots, "https-trang-chu.png"))
        return [cookie for cookie in driver.get_cookies() if cookie["name"] == "parledger-session"]
    finally:
        driver.quit()


def slow_client_dropped(port, trickle):
    """Connects to the server directly and sends half a request head (then, if `trickle`, one more byte
    a second); returns the seconds until the server closed the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=IDLE_TIMEOUT * 4) as slow:
        started = time.monotonic()
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        while time.monotonic() - started < IDLE_TIMEOUT * 4:
            if trickle:
                try:
                    slow.sendall(b"a")
                except OSError:
                    return time.monotonic() - started
            slow.settimeout(1)
            try:
                if slow.recv(1024) == b"":
                    return time.monotonic() - started
            except socket.timeout:
                continue
            except OSError:
                return time.monotonic() - started
    raise Failure(f"a slow client ({'trickling' if trickle else 'silent'}) was still connected after "
                  f"{IDLE_TIMEOUT * 4} s")


def step_browser(work, base, key_path):
    cookies = browser_login(work, base, key_path)
    check(len(cookies) == 1, f"the browser holds no session cookie: {cookies}")
    check(cookies[0].get("secure") and cookies[0].get("httpOnly"), f"the session cookie is not Secure: {cookies}")
    print("test_https: ok   1. Chromium logged in through https and reached the home page "
          "(artifacts/screenshots/https-trang-chu.png); the session cookie is Secure and HttpOnly")


def step_clients_behind_nginx(https_port, key):
    first, second = Client("127.0.0.2", https_port, tls=True), Client("127.0.0.3", https_port, tls=True)
    for attempt in range(FAILURE_LIMIT):
        status, _, _ = first.failed_login()
        check(status == 401, f"failed login {attempt + 1} from 127.0.0.2: {status}, expected 401")
    status, headers, _ = first.failed_login()
    check(status == 429 and int(headers.get("Retry-After", "0")) > 0,
          f"127.0.0.2 after {FAILURE_LIMIT} failed logins: {status} {headers}, expected 429 with Retry-After")
    status, headers, text = second.log_in(key)
    check(status == 200, f"127.0.0.3 could not log in while 127.0.0.2 waits: {status} {text[:200]!r}")
    check("; Secure" in headers.get("Set-Cookie", ""), f"the API's cookie is not Secure: {headers}")
    statuses = [first.request("GET", "/dang-nhap")[0] for _ in range(PAGE_LIMIT + 5)]
    check(429 in statuses and statuses.index(429) >= PAGE_LIMIT - 2 * FAILURE_LIMIT - 2,
          f"127.0.0.2's pages: {statuses}")
    status, headers, page = first.request("GET", "/dang-nhap")
    check(status == 429 and "Retry-After" in headers and "Có quá nhiều yêu cầu" in page.decode(),
          f"127.0.0.2's page over the limit: {status} {headers}")
    check(second.request("GET", "/dang-nhap")[0] == 200, "127.0.0.3's page was refused with 127.0.0.2's")
    third = Client("127.0.0.4", https_port, tls=True)
    downloads = [third.request("GET", "/api/evidence/" + "0" * 64)[0] for _ in range(DOWNLOAD_LIMIT + 1)]
    check(downloads[:DOWNLOAD_LIMIT] == [404] * DOWNLOAD_LIMIT and downloads[-1] == 429,
          f"127.0.0.4's downloads: {downloads}")
    print(f"test_https: ok   2. behind nginx, 127.0.0.2 met 429 (Retry-After) after {FAILURE_LIMIT} failed logins "
          f"and after {statuses.index(429)} more pages, while 127.0.0.3 logged in (Secure cookie) and was served; "
          f"127.0.0.4 met 429 at its download {DOWNLOAD_LIMIT + 1}")


def step_direct_client(serve_port, key):
    direct = Client("127.0.0.9", serve_port, tls=False)
    for attempt in range(FAILURE_LIMIT):
        status, _, _ = direct.failed_login({"X-Forwarded-For": f"198.51.100.{attempt + 1}"})
        check(status == 401, f"direct failed login {attempt + 1}: {status}, expected 401")
    status, _, _ = direct.failed_login({"X-Forwarded-For": "198.51.100.77", "X-Forwarded-Proto": "https"})
    check(status == 429, f"a direct client naming a new X-Forwarded-For escaped its limit: {status}")
    status, headers, _ = Client("127.0.0.8", serve_port, tls=False).log_in(key, {"X-Forwarded-Proto": "https"})
    check(status == 200 and "Secure" not in headers.get("Set-Cookie", ""),
          f"a direct client saying X-Forwarded-Proto: https: {status} {headers}")
    print("test_https: ok   3. a direct client from 127.0.0.9 writing a new X-Forwarded-For each time met 429 "
          f"after {FAILURE_LIMIT} failed logins; one saying X-Forwarded-Proto: https got no Secure cookie")


def step_slow_clients(serve_port):
    for trickle in (False, True):
        started = time.monotonic()
        dropped = {}
        slow = threading.Thread(target=lambda: dropped.setdefault("after", slow_client_dropped(serve_port, trickle)),
                                daemon=True)
        slow.start()
        time.sleep(0.5)
        status, _, _ = Client("127.0.0.5", serve_port, tls=False).request("GET", "/api/ledger")
        served = time.monotonic() - started
        check(status == 200 and served < IDLE_TIMEOUT, f"a client beside the slow one: {status} after {served:.1f} s")
        slow.join()
        check("after" in dropped, "the slow client's thread failed")
        check(IDLE_TIMEOUT - 0.5 <= dropped["after"] <= IDLE_TIMEOUT + 2.5,
              f"the slow client was dropped after {dropped['after']:.1f} s, expected about {IDLE_TIMEOUT}")
        kind = "trickling a byte a second" if trickle else "sending half a head"
        print(f"test_https: ok   4. a slow client {kind} was dropped after {dropped['after']:.1f} s "
              f"(--idle-timeout {IDLE_TIMEOUT}); another was served meanwhile in {served:.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parledger", default=os.path.join(ROOT, ".build/debug/parledger"))
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="parledger-https-test-")
    processes = []
    ok = False
    try:
        ledger, key_path = os.path.join(work, "ledger"), os.path.join(work, "so-noi-vu.key")
        subprocess.run([options.parledger, "init", "--ledger", ledger, "--key-out", key_path, "--actor", "so-noi-vu",
                        "--name", "Sở Nội vụ"], check=True, capture_output=True)
        key = read_key(key_path)
        serve_port, https_port, http_port = free_port(), free_port(), free_port()
        serve_log = open(os.path.join(work, "serve.log"), "w")
        serve = subprocess.Popen(
            [options.parledger, "serve", "--ledger", ledger, "--host", "127.0.0.1", "--port", str(serve_port),
             "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "::1", "--page-limit", str(PAGE_LIMIT),
             "--download-limit", str(DOWNLOAD_LIMIT), "--idle-timeout", str(IDLE_TIMEOUT)],
            stdout=serve_log, stderr=subprocess.STDOUT)
        processes.append(serve)
        conf = render_site(work, serve_port, https_port, http_port)
        nginx = subprocess.Popen(["nginx", "-p", work, "-e", os.path.join(work, "nginx-error.log"), "-c", conf],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "nginx.out"), "w"))
        processes.append(nginx)
        wait_port(serve_port, serve, "parledger serve", 60)
        wait_port(https_port, nginx, "nginx")
        base = f"https://127.0.0.1:{https_port}"
        print(f"test_https: serve on 127.0.0.1:{serve_port} behind nginx at {base}")

        step_browser(work, base, key_path)
        step_clients_behind_nginx(https_port, key)
        step_direct_client(serve_port, key)
        step_slow_clients(serve_port)
        check(serve.poll() is None, "parledger serve exited during the test")
        ok = True
        print("test_https: OK")
        return 0
    except (Failure, subprocess.CalledProcessError) as failure:
        print(f"test_https: FAILED: {failure}", file=sys.stderr)
        for name in ("serve.log", "nginx-error.log"):
            path = os.path.join(work, name)
            if os.path.exists(path):
                print(f"--- {name} (last lines)\n" + "".join(open(path, errors="replace").readlines()[-20:]),
                      file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if ok and not options.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"test_https: kept {work}")


if __name__ == "__main__":
    sys.exit(main())
