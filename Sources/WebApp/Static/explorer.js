// ParLedger's explorer script: checks in the browser that the log holds an event (its hash
// recomputed from what was recorded, the RFC 9162 Merkle path to the root, the checkpoint's Ed25519
// signature by the trust policy's log key for its tree size, and the quorum of its witnesses' cosignatures), and
// replays a unit's scores to any moment.
import { concat, hex, sameBytes, sha256, unbase64, unhex, utf8 } from "./bytes.js";
import { canonical } from "./canonical.js";
import { leafHash, rootFromInclusionProof } from "./merkle.js";
import { withDecimalComma } from "./points.js";

// A C2SP note verifier key name+hash+base64(type ‖ key): 0x01 for the log, 0x04 for a witness.
async function verifierKey(vkey, type, what) {
  // The name has no '+', the key's base64 may.
  const first = vkey.indexOf("+");
  const second = vkey.indexOf("+", first + 1);
  if (first < 1 || second !== first + 9) throw new Error(`dòng ${what} của chính sách tin cậy hỏng`);
  const [name, keyHash, data] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  const raw = unbase64(data);
  if (raw.length !== 33 || raw[0] !== type) throw new Error(`khoá ${what} trong chính sách không đúng loại`);
  const expected = hex((await sha256(concat(utf8(name + "\n"), raw))).slice(0, 4));
  if (expected !== keyHash) throw new Error(`mã khoá ${what} trong chính sách không khớp khoá`);
  return { name, keyHash: unhex(keyHash), publicKey: raw.slice(1) };
}

// The trust policy: the ledger, its log key, its witnesses' cosignature keys and their quorum.
async function trustPolicy(policyText) {
  const lines = policyText.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines[0] !== "parledger-trust-policy/1") throw new Error("tệp không phải chính sách tin cậy của ParLedger");
  const ledger = (lines.find((l) => l.startsWith("ledger ")) || "").slice(7);
  const log = await verifierKey((lines.find((l) => l.startsWith("log ")) || "").slice(4), 1, "log");
  const witnesses = [];
  for (const line of lines.filter((l) => l.startsWith("witness "))) {
    witnesses.push(await verifierKey(line.slice(8), 4, "nhân chứng"));
  }
  const quorumLine = lines.find((l) => l.startsWith("quorum ")) || "";
  const quorum = /^quorum (0|[1-9][0-9]*)$/.test(quorumLine) ? Number(quorumLine.slice(7)) : NaN;
  if (!(quorum <= witnesses.length)) throw new Error("dòng quorum của chính sách tin cậy hỏng");
  const keys = await logKeys(log, lines.filter((l) => l.startsWith("log-handover ")).map((l) => l.slice(13)));
  return { ledger, ...log, keys, witnesses, quorum };
}

async function fingerprintOf(key) {
  return hex((await sha256(key.publicKey)).slice(0, 16)).match(/.{4}/g).join(" ");
}

async function verifies(key, signature, text) {
  const imported = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, imported, signature, utf8(text));
}

// The log's keys in order (FORMAT.md, Log key rotation): the first, then the key each handover,
// signed by the key before it, names, with the tree sizes each signs (`through` null: no end yet).
async function logKeys(first, handovers) {
  const keys = [{ ...first, from: 0, through: null, root: null }];
  for (const encoded of handovers) {
    const previous = keys[keys.length - 1];
    const note = new TextDecoder().decode(unbase64(encoded));
    const opened = openNote(note, first.name);
    const lines = opened.text.split("\n");
    const signed = sameBytes(opened.keyHash, previous.keyHash) && await verifies(previous, opened.signature, opened.text);
    if (!signed || lines.length !== 6 || lines[0] !== "ParLedger log key handover" || lines[1] !== first.name) {
      throw new Error("dòng log-handover của chính sách tin cậy không do khoá trước đó ký");
    }
    const next = await verifierKey(lines[2], 1, "log");
    const from = Number(lines[3]);
    if (next.name !== first.name || !/^[1-9][0-9]*$/.test(lines[3]) || !(from > previous.from)) {
      throw new Error("dòng log-handover của chính sách tin cậy hỏng");
    }
    previous.through = from;
    keys.push({ ...next, from, through: null, root: unbase64(lines[4]) });
  }
  return keys;
}

// The witnesses of `policy` whose C2SP tlog-cosignature v1 on the note verifies: key ID, 8-byte
// time, Ed25519 signature of "cosignature/v1\ntime <t>\n" and the note's text.
async function cosigners(note, policy) {
  const split = note.lastIndexOf("\n\n");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split("\n");
  const found = [];
  for (const witness of policy.witnesses) {
    for (const line of lines) {
      const match = /^— (\S+) (\S+)$/.exec(line);
      if (!match || match[1] !== witness.name) continue;
      const blob = unbase64(match[2]);
      if (blob.length !== 76 || !sameBytes(blob.slice(0, 4), witness.keyHash)) continue;
      const time = blob.slice(4, 12).reduce((t, b) => (t << 8n) | BigInt(b), 0n);
      const key = await crypto.subtle.importKey("raw", witness.publicKey, { name: "Ed25519" }, false, ["verify"]);
      const message = utf8(`cosignature/v1\ntime ${time}\n${text}`);
      if (time < 2n ** 63n && await crypto.subtle.verify({ name: "Ed25519" }, key, blob.slice(12), message)) {
        found.push(witness.name);
        break;
      }
    }
  }
  return found;
}

// Splits a signed note into its text and the signature of `name`.
function openNote(note, name) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new Error("điểm kiểm không phải ghi chú có chữ ký");
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split("\n")) {
    const match = /^— (\S+) (\S+)$/.exec(line);
    if (match && match[1] === name) {
      const blob = unbase64(match[2]);
      return { text, keyHash: blob.slice(0, 4), signature: blob.slice(4) };
    }
  }
  throw new Error("điểm kiểm không có chữ ký của " + name);
}

async function verifyEvent(section) {
  const list = document.getElementById("ket-qua-kiem-tra");
  const verdict = document.getElementById("ket-luan-kiem-tra");
  list.replaceChildren();
  verdict.hidden = true;
  const step = (ok, text) => {
    const item = document.createElement("li");
    item.className = ok ? "ok" : "bad";
    item.textContent = (ok ? "✔ " : "✘ ") + text;
    list.append(item);
    if (!ok) throw Object.assign(new Error(text), { shown: true });
  };
  try {
    const seq = section.dataset.seq;
    const response = await fetch(`/api/explorer/events/${seq}`, { credentials: "same-origin" });
    if (!response.ok) throw new Error("không tải được bằng chứng (" + response.status + ")");
    const evidence = await response.json();
    const file = document.getElementById("tep-chinh-sach").files[0];
    const policyText = file ? await file.text() : await (await fetch("/trust-policy.txt", { credentials: "same-origin" })).text();
    const policy = await trustPolicy(policyText);
    const current = await fingerprintOf(policy.keys[policy.keys.length - 1]);
    step(true, `Chính sách tin cậy ${file ? "từ tệp bạn chọn" : "của máy chủ"}: sổ cái ${policy.ledger}, dấu vân tay khoá ${current} — hãy so với dấu vân tay tỉnh công bố.`);

    const envelope = JSON.parse(evidence.envelope);
    const recordedHash = envelope.hash;
    delete envelope.hash;
    const recomputed = hex(await sha256(utf8(canonical(envelope))));
    step(recomputed === recordedHash && envelope.seq === Number(seq), `Mã băm sự kiện tính lại từ nội dung đã ghi: ${recomputed.slice(0, 16)}… ${recomputed === recordedHash ? "khớp" : "KHÔNG khớp"}.`);

    const leaf = await leafHash(unhex(recordedHash));
    const root = await rootFromInclusionProof(leaf, BigInt(evidence.sequence) - 1n, BigInt(evidence.treeSize), evidence.proof.map(unhex));
    const note = openNote(evidence.checkpoint, policy.name);
    const body = note.text.split("\n");
    const checkpointRoot = unbase64(body[2]);
    step(body[0] === policy.name && body[0] === "parledger/" + policy.ledger, `Điểm kiểm thuộc sổ cái ${body[0]}.`);
    step(body[1] === String(evidence.treeSize), `Điểm kiểm bao gồm ${body[1]} sự kiện.`);
    step(sameBytes(root, checkpointRoot), `Đường Merkle (${evidence.proof.length} nút) dẫn tới gốc ${hex(root).slice(0, 16)}… ${sameBytes(root, checkpointRoot) ? "đúng là gốc của điểm kiểm" : "KHÁC gốc của điểm kiểm"}.`);
    const size = Number(body[1]);
    const key = policy.keys.find((k) => sameBytes(note.keyHash, k.keyHash) && size >= k.from && (k.through === null || size <= k.through));
    const signed = key !== undefined && (key.root === null || size !== key.from || sameBytes(key.root, checkpointRoot))
      && await verifies(key, note.signature, note.text);
    step(signed, signed ? "Chữ ký Ed25519 của điểm kiểm hợp lệ với khoá ký cỡ cây này trong chính sách tin cậy." : "Chữ ký của điểm kiểm KHÔNG hợp lệ với khoá ký cỡ cây này trong chính sách tin cậy.");
    const fingerprint = await fingerprintOf(key);
    const cosigned = await cosigners(evidence.checkpoint, policy);
    if (policy.witnesses.length > 0) {
      const names = cosigned.length ? cosigned.join(", ") : "không có";
      step(cosigned.length >= policy.quorum, `${cosigned.length} trong ${policy.witnesses.length} nhân chứng của chính sách đã đồng ký điểm kiểm (${names}); chính sách cần ${policy.quorum}${cosigned.length >= policy.quorum ? "." : ": CHƯA ĐỦ."}`);
    }
    verdict.className = "verdict ok";
    verdict.textContent = `Đã kiểm tra: sự kiện số ${seq} nằm trong sổ cái mà khoá ${fingerprint} đã ký` + (cosigned.length ? `, ${cosigned.length} nhân chứng đã đồng ký.` : ".");
  } catch (error) {
    if (!error.shown) {
      const item = document.createElement("li");
      item.className = "bad";
      item.textContent = "✘ " + error.message;
      list.append(item);
    }
    verdict.className = "verdict bad";
    verdict.textContent = "KHÔNG kiểm tra được: bằng chứng không khớp. Đừng tin sự kiện này cho đến khi làm rõ.";
  }
  verdict.hidden = false;
  verdict.scrollIntoView({ block: "nearest" });
}

// ---- a unit at any moment ------------------------------------------------------------------

async function unitAt(section, query) {
  const { cycle, unit } = section.dataset;
  const response = await fetch(`/api/explorer/cycles/${encodeURIComponent(cycle)}/units/${encodeURIComponent(unit)}?${query}`, { credentials: "same-origin" });
  const value = await response.json();
  if (!response.ok) throw new Error(value.error ? value.error.message : response.statusText);
  return value;
}
const STAGES = { "self-assessment": "đang tự đánh giá", submitted: "đã nộp, chờ thẩm định", appraised: "đã thẩm định xong" };
const effective = (criterion) =>
  (criterion.effective && criterion.effective.points !== undefined && withDecimalComma(criterion.effective.points)) ||
  (criterion.notApplicable ? "không áp dụng" : "—");

function showState(section, report, compared) {
  const body = document.querySelector("#bang-thoi-diem tbody");
  const before = compared ? new Map(compared.criteria.map((c) => [c.code, effective(c)])) : null;
  const rows = report.criteria.filter((c) => !before || before.get(c.code) !== effective(c));
  body.replaceChildren(...rows.map((criterion) => {
    const row = document.createElement("tr");
    const code = document.createElement("th");
    code.scope = "row";
    code.textContent = criterion.code;
    const points = document.createElement("td");
    points.className = "num";
    points.textContent = before ? `${before.get(criterion.code) || "—"} → ${effective(criterion)}` : effective(criterion);
    row.append(code, points);
    return row;
  }));
  const total = document.getElementById("tong-tai-thoi-diem");
  const result = report.points !== undefined
    ? `tổng ${withDecimalComma(report.points)}/${withDecimalComma(report.maxPoints)}, chỉ số ${withDecimalComma(report.index)}%, ${report.class}`
    : "chưa có kết quả";
  total.textContent = `Sau sự kiện số ${report.through}: ${result}; đơn vị ${STAGES[report.stage] || report.stage}` +
    (compared ? ` (so với sau sự kiện số ${compared.through}: ${rows.length} tiêu chí thay đổi)` : "");
}

function historyPage(section) {
  const moments = section.dataset.moments.split(",").filter(Boolean);
  const slider = document.getElementById("thanh-truot");
  const label = document.getElementById("so-su-kien");
  const fail = (error) => { document.getElementById("tong-tai-thoi-diem").textContent = "Lỗi: " + error.message; };
  if (!moments.length) { slider.disabled = true; return; }
  slider.max = String(moments.length - 1);
  slider.value = slider.max;
  const show = () => {
    const seq = moments[Number(slider.value)];
    label.textContent = seq;
    unitAt(section, "through=" + seq).then((report) => showState(section, report)).catch(fail);
  };
  slider.addEventListener("change", show);
  slider.addEventListener("input", () => { label.textContent = moments[Number(slider.value)]; });
  document.getElementById("xem-ngay").addEventListener("click", () => {
    const date = document.getElementById("ngay-xem").value;
    if (date) unitAt(section, "asOf=" + date).then((report) => { label.textContent = report.through; showState(section, report); }).catch(fail);
  });
  document.getElementById("so-sanh").addEventListener("click", () => {
    const a = document.getElementById("moc-a").value.trim();
    const b = document.getElementById("moc-b").value.trim();
    Promise.all([unitAt(section, "through=" + a), unitAt(section, "through=" + b)])
      .then(([first, second]) => showState(section, second, first)).catch(fail);
  });
  show();
}

document.addEventListener("DOMContentLoaded", () => {
  const proof = document.getElementById("bang-chung");
  if (proof) document.getElementById("nut-kiem-tra").addEventListener("click", () => verifyEvent(proof));
  const history = document.getElementById("thoi-diem");
  if (history) historyPage(history);
});
