#!/usr/bin/env python3
"""E-mail reminders of `parledger serve` through a real mail path, in under a minute.

Starts a tiny SMTP sink of its own on 127.0.0.1 (socketserver; it speaks EHLO, AUTH PLAIN/LOGIN,
MAIL, RCPT, DATA and QUIT), makes a small ledger with the CLI and the API (two units, their officers,
a council chair, the steering committee), starts the server with reminders looked for every second, saves the reminders'
settings through the secretariat's API and checks that:

- a refused setting (a bad address) gets a Vietnamese error and changes nothing;
- while the mail server cannot be reached the failure is logged with its reason, and once it can, the
  reminder goes (retried, not lost);
- the unit whose deadline is two days away gets one deadline reminder, to its officer's address,
  with a Vietnamese subject (RFC 2047, decoded here) and the unit's name in the body;
- an explanation request reaches the asked unit's officer at once;
- after a restart of the server nothing is sent twice; the addresses are in the settings file (mode
  0600), never in the ledger.

    python3 tools/test_reminders.py [--parledger .build/debug/parledger]
"""

import argparse
import base64
import datetime
import email
import email.policy
import hashlib
import json
import os
import socketserver
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
from web_client import WebClient  # noqa: E402

CYCLE = "cchc-nhac-viec"
FRAMEWORK = {
    "format": "parledger-framework/1",
    "name": "Bộ tiêu chí thử thư nhắc việc",
    "unitKind": "department",
    "source": "ParLedger tools/test_reminders.py",
    "stated": {"assessed": "75", "survey": "25"},
    "settings": {
        "classes": [{"name": "Tốt", "minimumPercent": "70"}, {"name": "Kém", "minimumPercent": "0"}],
        "provincialCommendationPercent": "70", "fieldMinimumPercent": "50", "anyCommendationPercent": "50",
        "appraisal": "lower-only", "spotCheckPercent": "10", "publishedDecimals": 2,
    },
    "criteria": [
        {"code": "1", "title": "Công tác chỉ đạo, điều hành CCHC", "maxPoints": "75", "children": [
            {"code": "1.1", "title": "Kế hoạch CCHC năm", "maxPoints": "75", "method": "assessed"}]},
        {"code": "2", "title": "Điều tra xã hội học", "maxPoints": "25", "children": [
            {"code": "2.1", "title": "Mức độ hài lòng của người dân", "maxPoints": "25", "method": "survey"}]},
    ],
}
# Unit, its name, its officer's id, name and address.
UNITS = [
    ("so-y-te", "Sở Y tế", "cb-so-y-te", "Phạm Thu Hà", "ha.pt@soyte.example.gov.vn"),
    ("so-tu-phap", "Sở Tư pháp", "cb-so-tu-phap", "Đỗ Văn Nam", "nam.dv@sotuphap.example.gov.vn"),
]


class Sink(socketserver.ThreadingTCPServer):
    """Keeps every mail it is given: (envelope sender, recipients, parsed message, AUTH line)."""
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.mails = []
        self.lock = threading.Lock()


class SinkHandler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write((text + "\r\n").encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        sender, recipients, auth = None, [], None
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250-AUTH PLAIN LOGIN")
                self.reply("250 8BITMIME")
            elif verb == "AUTH":
                auth = command
                self.reply("235 ok")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip("<>")
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b".") else data)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                with self.server.lock:
                    self.server.mails.append((sender, list(recipients), message, auth))
                recipients = []
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not here")


def check(condition, what):
    if not condition:
        raise AssertionError(what)


class Server:
    def __init__(self, parledger, ledger, log_path):
        self.log = open(log_path, "a", encoding="utf-8")
        self.process = subprocess.Popen(
            [parledger, "serve", "--ledger", str(ledger), "--port", "0", "--reminder-interval", "1"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        check("http://" in line, f"parledger serve did not start: {line!r}")
        self.base = line.split("at ", 1)[1].split("/ ", 1)[0]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def wait_for(what, condition, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def mails_to(sink, address):
    with sink.lock:
        return [mail for mail in sink.mails if address in mail[1]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parledger", default=str(REPO / ".build/debug/parledger"))
    parledger = str(Path(parser.parse_args().parledger).resolve())
    work = Path(tempfile.mkdtemp(prefix="parledger-reminders-"))
    ledger, keys = work / "ledger", work / "keys"
    keys.mkdir()

    def cli(*args):
        subprocess.run([parledger, *map(str, args)], check=True, stdout=subprocess.DEVNULL)

    cli("init", "--ledger", ledger, "--key-out", keys / "so-noi-vu.key", "--actor", "so-noi-vu", "--name", "Sở Nội vụ")
    for actor in [u[2] for u in UNITS] + ["hd-chu-tich", "ban-chi-dao"]:
        cli("keygen", "--out", keys / f"{actor}.key")

    def public(actor):
        return (keys / f"{actor}.key.pub").read_text(encoding="utf-8").strip().splitlines()[-1].strip()

    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    log_path = work / "serve.log"
    server = Server(parledger, ledger, log_path)
    try:
        print("test_reminders: a small ledger: two units, their officers, a council chair, the steering committee")
        secretariat = WebClient(server.base, keys / "so-noi-vu.key")
        secretariat.command({"operation": "register-framework", "framework": FRAMEWORK})
        now = datetime.datetime.now(datetime.timezone.utc)
        today = (now + datetime.timedelta(hours=7)).date()
        deadline = datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(16, 59, 59))
        cycle = {
            "cycle": CYCLE, "name": "Chỉ số CCHC thử thư nhắc việc", "year": today.year - 1,
            "frameworks": {"department": framework_id(parledger, work)},
            "units": [{"id": unit, "name": name, "kind": "department"} for unit, name, *_ in UNITS],
            "selfAssessmentDeadline": deadline.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "publicationWindow": {"from": (today - datetime.timedelta(days=30)).isoformat(),
                                  "until": (today + datetime.timedelta(days=60)).isoformat()},
        }
        secretariat.command({"operation": "open-cycle", "cycle": cycle})
        for unit, name, actor, person, _ in UNITS:
            secretariat.command({"operation": "enrol", "actor": actor, "name": person, "role": "unit-officer",
                                 "scope": unit, "publicKey": public(actor)})
        secretariat.command({"operation": "enrol", "actor": "hd-chu-tich", "name": "Lê Minh Châu",
                             "role": "council-member", "publicKey": public("hd-chu-tich")})
        secretariat.command({"operation": "assign-council", "cycle": CYCLE, "actor": "hd-chu-tich",
                             "fields": {"department": ["1"]}, "chair": True})
        secretariat.command({"operation": "enrol", "actor": "ban-chi-dao", "name": "Ban Chỉ đạo CCHC tỉnh",
                             "role": "steering-committee", "publicKey": public("ban-chi-dao")})
        WebClient(server.base, keys / "ban-chi-dao.key").command(
            {"operation": "commit-spot-check", "cycle": CYCLE, "commitment": hashlib.sha256(os.urandom(32)).hexdigest()})
        y_te = WebClient(server.base, keys / "cb-so-y-te.key")
        y_te.command({"operation": "self-assessment", "cycle": CYCLE, "unit": "so-y-te", "submit": True,
                      "rows": [{"criterion": "1.1", "points": "60", "explanation": "Đã ban hành kế hoạch"}]})

        print("test_reminders: a bad address is refused in Vietnamese and nothing is saved")
        settings_path = ledger / "web" / "reminders.json"
        settings = {"host": "127.0.0.1", "port": closed_port(), "user": "van-phong", "password": "mat-khau-bi-mat",
                    "sender": "vanphong@snv.example.gov.vn", "daysBefore": 3,
                    "addresses": {actor: address for _, _, actor, _, address in UNITS}}
        bad = requests_put(secretariat, {**settings, "addresses": {"cb-so-y-te": "khong-phai-dia-chi"}})
        check(bad.status_code == 400 and "không hợp lệ" in bad.json()["error"]["detail"]
              and "Phạm Thu Hà" in bad.json()["error"]["detail"], f"a bad address was answered {bad.text}")
        check(not settings_path.exists(), "a refused setting was saved")
        officer_put = requests_put(y_te, settings)
        check(officer_put.status_code == 403, f"a unit officer could save the settings: {officer_put.status_code}")

        print("test_reminders: while the mail server is unreachable the failure is logged; then the reminder goes")
        check(requests_put(secretariat, settings).status_code == 204, "the settings were not saved")
        check(stat.S_IMODE(os.stat(settings_path).st_mode) == 0o600, "the settings file is not mode 0600")
        wait_for("a logged failure", lambda: "not sent, tried again later" in log_path.read_text(encoding="utf-8"))
        check("cannot connect" in log_path.read_text(encoding="utf-8"), "the failure's reason is not logged")
        page = secretariat.http.get(secretariat.url("/van-phong/thu-nhac-viec")).text
        check("Phạm Thu Hà" in page and "Sở Tư pháp" in page, "the settings page does not name the officers")
        check("mat-khau-bi-mat" not in page, "the settings page shows the password")
        settings["port"] = sink.server_address[1]
        settings["password"] = ""
        check(requests_put(secretariat, settings).status_code == 204, "the settings were not saved")
        check("mat-khau-bi-mat" in settings_path.read_text(encoding="utf-8"), "an empty password did not keep the old")

        tu_phap = UNITS[1][4]
        sender, to, message, auth = wait_for("the deadline reminder", lambda: mails_to(sink, tu_phap))[0]
        subject = str(message["subject"])
        check(subject == "Nhắc việc: còn 2 ngày đến hạn nộp bản tự đánh giá của Sở Tư pháp",
              f"the deadline reminder's subject is {subject!r}")
        body = message.get_content()
        check("Sở Tư pháp" in body and "Đỗ Văn Nam" in body and deadline.strftime("%d/%m/%Y") in body,
              f"the deadline reminder's body is {body!r}")
        check(sender == settings["sender"] and to == [tu_phap], f"the envelope is {sender} → {to}")
        check(base64.b64decode(auth.split()[-1]) == b"\0van-phong\0mat-khau-bi-mat", f"AUTH was {auth!r}")

        print("test_reminders: an explanation request reaches the unit's officer at once")
        chair = WebClient(server.base, keys / "hd-chu-tich.key")
        asked = chair.command({"operation": "ask-explanation", "cycle": CYCLE, "unit": "so-y-te", "criterion": "1.1",
                               "question": "Đề nghị gửi văn bản ban hành kế hoạch."})
        y_te_address = UNITS[0][4]

        def explanation():
            return [m for m in mails_to(sink, y_te_address) if "giải trình" in str(m[2]["subject"])]
        _, to, message, _ = wait_for("the explanation reminder", explanation)[0]
        check(str(message["subject"]) == "Hội đồng thẩm định yêu cầu Sở Y tế giải trình",
              f"the explanation reminder's subject is {message['subject']!r}")
        check("Sở Y tế" in message.get_content() and "văn bản ban hành" in message.get_content(),
              "the explanation reminder's body lacks the unit or the question")
        check(to == [y_te_address], f"the explanation reminder went to {to}")
        kept = json.loads((ledger / "web" / "reminders-sent.json").read_text(encoding="utf-8"))
        check(kept["format"] == "parledger-reminders-sent/1", f"reminders-sent.json names no format: {kept}")
        sent = kept["content"]["sent"]
        sequence = asked["events"][-1]["sequence"]
        check(f"explanation:{sequence}" in sent, f"the sent log {sent} lacks explanation:{sequence}")
        check(f"deadline:{CYCLE}:so-tu-phap:3" in sent, f"the sent log is {sent}")

        print("test_reminders: after a restart nothing is sent twice")
        count = len(sink.mails)
        server.stop()
        server = Server(parledger, ledger, log_path)
        time.sleep(4)
        check(len(sink.mails) == count, f"{len(sink.mails) - count} mails were sent again after the restart")
        check(len(mails_to(sink, tu_phap)) == 1, "the deadline reminder was sent more than once")
        stored = b"".join(p.read_bytes() for p in ledger.rglob("*") if p.is_file() and "web" not in p.parts)
        for _, _, _, _, address in UNITS:
            check(address.encode() not in stored, f"{address} is in the ledger's files")
        print(f"test_reminders: passed ({len(sink.mails)} mails)")
    finally:
        server.stop()
        sink.shutdown()


def framework_id(parledger, work):
    path = work / "bo-tieu-chi.json"
    path.write_text(json.dumps(FRAMEWORK, ensure_ascii=False), encoding="utf-8")
    out = subprocess.run([parledger, "framework", "validate", str(path)], check=True, capture_output=True, text=True)
    return out.stdout.split("id ", 1)[1].split()[0]


def closed_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def requests_put(client, body):
    return client.http.put(client.url("/api/reminder-settings"), json=body, headers=client.headers, timeout=30)


if __name__ == "__main__":
    main()
