// ParLedger's page script: keeps each person's Ed25519 key in this browser (WebCrypto, not
// extractable once imported, stored in IndexedDB), logs in by signing a challenge, and signs every
// command in the page after showing what will be signed. The server never receives a private key.
import { base64, concat, hex, sha256, unbase64, unbase64url, unhex, utf8 } from "./bytes.js";
import { commitment, drawSeed, drawUnits, sampleSize } from "./draw.js";
import { appraisePage } from "./appraise.js";
import { canonicalPoints, parsePoints, vietnamesePoints, vietnameseValue } from "./points.js";
import { surveySummary } from "./survey-summary.js";

const KEY_FILE_HEADER = "parledger-ed25519-private-key";
// The fixed DER prefix of a PKCS #8 Ed25519 private key; the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
// The least `spotCheckPercent` a framework may set (FORMAT.md), in hundredths of a per cent: no draw is smaller.
const LEAST_SPOT_CHECK_PERCENT = 1000;

// ---- key storage (IndexedDB) ---------------------------------------------------------------

function openKeyStore() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("parledger", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("keys", { keyPath: "keyID" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function keyStore(mode, action) {
  const db = await openKeyStore();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("keys", mode);
    const request = action(tx.objectStore("keys"));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}
const allKeys = () => keyStore("readonly", (store) => store.getAll());
const getKey = (keyID) => keyStore("readonly", (store) => store.get(keyID));
const putKey = (record) => keyStore("readwrite", (store) => store.put(record));
const deleteKey = (keyID) => keyStore("readwrite", (store) => store.delete(keyID));

async function keyIDOf(publicKeyBytes) {
  return hex((await sha256(publicKeyBytes)).slice(0, 16));
}

// Reads a key file and keeps the key in the browser, not extractable.
async function importKeyFile(text, label) {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines[0] !== KEY_FILE_HEADER || lines.length < 2) {
    throw new Error("Đây không phải tệp khoá riêng của ParLedger (dòng đầu phải là " + KEY_FILE_HEADER + ").");
  }
  const seed = unbase64(lines[1]);
  if (seed.length !== 32) throw new Error("Tệp khoá hỏng: khoá riêng phải dài 32 byte.");
  const pkcs8 = concat(Uint8Array.from(PKCS8_ED25519_PREFIX), seed);
  // Import once as extractable only to read the public half, then keep the non-extractable copy.
  const transient = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const publicKey = unbase64url((await crypto.subtle.exportKey("jwk", transient)).x);
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  pkcs8.fill(0);
  seed.fill(0);
  const record = { keyID: await keyIDOf(publicKey), publicKey: base64(publicKey), privateKey, label: label || "", added: new Date().toISOString() };
  await putKey(record);
  return record;
}

async function generateKey() {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const record = { keyID: await keyIDOf(publicKey), publicKey: base64(publicKey), privateKey: pair.privateKey, label: "Khoá tạo trong trình duyệt", added: new Date().toISOString() };
  await putKey(record);
  return record;
}

const sign = async (record, bytes) => new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, record.privateKey, bytes));

// ---- talking to the server ------------------------------------------------------------------

const csrf = () => document.body.dataset.csrf || "";

async function api(method, path, body, headers = {}) {
  const options = { method, headers: { "X-CSRF-Token": csrf(), ...headers }, credentials: "same-origin" };
  if (body instanceof Blob || body instanceof ArrayBuffer || body instanceof Uint8Array) {
    options.body = body;
  } else if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, options);
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(value && value.error ? value.error.detail || value.error.message : response.statusText);
    error.title = value && value.error ? value.error.title : "Lỗi";
    error.kind = value && value.error ? value.error.kind : "";
    throw error;
  }
  return value;
}

function showError(error, where) {
  const box = where || document.getElementById("loi");
  box.hidden = false;
  box.textContent = (error.title ? error.title + ": " : "") + (error.message || String(error));
  if (!where) box.scrollIntoView({ block: "center" });
}
function showNotice(text) {
  const box = document.getElementById("thong-bao");
  box.hidden = false;
  box.textContent = text;
}
function clearMessages() {
  for (const id of ["loi", "thong-bao"]) {
    const box = document.getElementById(id);
    if (box) { box.hidden = true; box.textContent = ""; }
  }
}

// Every string or number the person typed must appear, unchanged, in the events about to be signed.
function collectValues(value, into) {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) value.forEach((item) => collectValues(item, into));
  else if (typeof value === "object") Object.values(value).forEach((item) => collectValues(item, into));
  else into.add(String(value).normalize("NFC"));
  return into;
}

// The members of an event shown in the confirmation dialog, with their Vietnamese labels.
const PAYLOAD_LABELS = [
  ["unit", "đơn vị"], ["criterion", "tiêu chí"], ["points", "điểm"], ["decision", "quyết định"], ["reason", "lý do"],
  ["explanation", "giải trình"], ["legalBasis", "căn cứ"], ["question", "câu hỏi"], ["answer", "trả lời"],
  ["name", "tên"], ["actor", "cán bộ"], ["role", "vai trò"], ["scope", "phạm vi"], ["until", "đến"], ["date", "ngày"],
  ["meeting", "phiên họp"], ["attendees", "thành viên dự"], ["inFavour", "tán thành"], ["against", "không tán thành"],
  ["quorumPercent", "tỷ lệ tối thiểu dự họp (%)"], ["delegate", "người ký thay"], ["resultsHash", "mã băm kết quả"],
];
// `title` is the server's Vietnamese name of the event type (the prepared command's `events`).
// `names` are the server's names of the units and people the events name by id.
function describe(event, title, names) {
  const p = event.payload || {};
  const parts = [title || event.type];
  const shown = (key, value) => Array.isArray(value)
    ? value.map((item) => names[item] || vietnameseValue(key, item)).join(", ")
    : names[value] || vietnameseValue(key, value);
  for (const [key, label] of PAYLOAD_LABELS) {
    if (p[key] !== undefined && p[key] !== null && p[key] !== "") parts.push(`${label}: ${shown(key, p[key])}`);
  }
  return parts.join(" — ");
}

// Prepares the command of `intent` on the server, checks it says what the person asked, shows it,
// and, once confirmed, signs it with the key of this session and submits it.
// `notes` are what the person must know before signing, shown in the dialog above the events.
async function runCommand(intent, { typed = [], check = null, done = null, notes = [] } = {}) {
  clearMessages();
  const me = await api("GET", "/api/session");
  const record = await getKey(me.keyID);
  if (!record) throw Object.assign(new Error("Khoá của phiên này không có trong trình duyệt; hãy đăng nhập lại."), { title: "Thiếu khoá" });
  const prepared = await api("POST", "/api/commands/prepare", intent);
  const doc = JSON.parse(prepared.document);
  if (doc.actor !== me.actor || doc.ledger !== me.ledger) throw new Error("Máy chủ chuẩn bị một lệnh không phải của bạn; không ký.");
  if (Math.abs(Date.parse(doc.signedAt) - Date.now()) > 5 * 60 * 1000) throw new Error("Giờ của máy chủ lệch quá 5 phút so với máy bạn; không ký.");
  const present = collectValues(doc.events.map((e) => e.payload), new Set());
  for (const value of collectValues(typed, new Set())) {
    if (!present.has(value)) throw new Error(`Lệnh máy chủ chuẩn bị không chứa giá trị bạn nhập (“${value}”); không ký.`);
  }
  if (check) await check(doc);
  const confirmed = await confirmDialog(doc, prepared.events.map((event) => event.title), notes, prepared.names || {});
  if (!confirmed) { showNotice("Đã huỷ, chưa ký gì."); return null; }
  const signature = await sign(record, utf8(prepared.document));
  const result = await api("POST", "/api/commands", { document: prepared.document, signature: base64(signature) });
  const first = result.events[0].sequence;
  const last = result.events[result.events.length - 1].sequence;
  const numbers = first === last ? `sự kiện số ${first}` : `${result.events.length} sự kiện, số ${first}–${last}`;
  const notice = `Đã ký và ghi vào sổ cái: ${numbers}. Biên nhận đã lưu trong trình duyệt.`;
  showNotice(notice);
  try { localStorage.setItem("receipt-" + result.command, JSON.stringify(result.receipt)); } catch (_) { /* storage full: the ledger still holds it */ }
  if (done) { done(result); return result; }
  try { sessionStorage.setItem("notice-after-reload", notice); } catch (_) { /* shown until the reload only */ }
  setTimeout(() => location.reload(), 600);
  return result;
}

function confirmDialog(doc, titles, notes, names) {
  const dialog = document.getElementById("xac-nhan");
  const warning = document.getElementById("xac-nhan-luu-y");
  warning.hidden = !notes.length;
  warning.replaceChildren(...notes.map((note) => Object.assign(document.createElement("p"), { textContent: note })));
  const list = document.getElementById("xac-nhan-su-kien");
  list.replaceChildren(...doc.events.map((event, index) => {
    const item = document.createElement("li");
    item.textContent = describe(event, titles[index], names);
    return item;
  }));
  document.getElementById("xac-nhan-van-ban").textContent = JSON.stringify(doc, null, 2);
  return new Promise((resolve) => {
    const ok = document.getElementById("xac-nhan-ky");
    const cancel = document.getElementById("xac-nhan-huy");
    const finish = (value) => { ok.onclick = cancel.onclick = null; dialog.close(); resolve(value); };
    ok.onclick = () => finish(true);
    cancel.onclick = () => finish(false);
    dialog.oncancel = () => finish(false);
    dialog.showModal();
    ok.focus();
  });
}

async function upload(file, unit) {
  const query = new URLSearchParams({ name: file.name.normalize("NFC") });
  if (unit) query.set("unit", unit);
  return api("POST", "/api/evidence?" + query, file, { "Content-Type": "application/octet-stream" });
}

const readText = (file) => file.text();
const value = (id) => document.getElementById(id).value.trim().normalize("NFC");
const guarded = (handler) => async (event) => {
  if (event) event.preventDefault();
  const button = event && (event.submitter || (event.target.tagName === "BUTTON" ? event.target : null));
  if (button) button.disabled = true;
  try { await handler(event); } catch (error) { showError(error); } finally { if (button) button.disabled = false; }
};
const on = (selector, type, handler) => document.querySelectorAll(selector).forEach((el) => el.addEventListener(type, guarded(handler)));

// ---- pages ------------------------------------------------------------------------------------

async function logIn(record) {
  const { challenge, ledger } = await api("POST", "/api/session/challenge");
  const signature = await sign(record, utf8(`parledger-login/1\n${ledger}\n${challenge}\n`));
  await api("POST", "/api/session", { publicKey: record.publicKey, challenge, signature: base64(signature) });
  location.href = "/";
}

async function loginPage() {
  const list = document.getElementById("danh-sach-khoa");
  const render = async () => {
    const keys = await allKeys();
    document.getElementById("khong-co-khoa").hidden = keys.length > 0;
    list.replaceChildren(...keys.map((record) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.textContent = `${record.label || "Khoá"} — ${record.keyID.match(/.{4}/g).slice(0, 4).join(" ")}`;
      const use = document.createElement("button");
      use.type = "button";
      use.className = "primary";
      use.textContent = "Đăng nhập bằng khoá này";
      use.addEventListener("click", guarded(() => logIn(record)));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Xoá khỏi trình duyệt";
      remove.addEventListener("click", guarded(async () => { await deleteKey(record.keyID); await render(); }));
      item.append(name, " ", use, " ", remove);
      return item;
    }));
  };
  on("#form-nhap-khoa", "submit", async () => {
    const file = document.getElementById("tep-khoa").files[0];
    if (!file) throw new Error("Hãy chọn tệp khoá.");
    const record = await importKeyFile(await readText(file), value("ten-khoa"));
    await render();
    await logIn(record);
  });
  on("#nut-tao-khoa", "click", async () => {
    const record = await generateKey();
    document.getElementById("khoa-cong-khai").hidden = false;
    document.getElementById("khoa-cong-khai-gia-tri").textContent = record.publicKey;
    await render();
  });
  // Handlers first: a click that comes while the stored keys are still being read is not lost.
  await render();
}

function unitPage() {
  const form = document.getElementById("bang-tu-danh-gia");
  if (!form) return;
  const { cycle, unit } = form.dataset;
  const rows = [...form.querySelectorAll("tr[data-criterion]")];
  const state = (row) => ({
    points: row.querySelector(".points").value.trim(),
    explanation: row.querySelector(".explanation").value.trim(),
    na: row.querySelector(".na").checked,
    basis: row.querySelector(".na-basis").value.trim(),
    evidence: [...row.querySelectorAll(".evidence li")].map((li) => li.dataset.sha256).join(","),
  });
  const initial = new Map(rows.map((row) => [row, JSON.stringify(state(row))]));
  const totals = () => {
    const byField = {};
    let all = 0;
    for (const row of rows) {
      const error = row.querySelector(".row-error");
      const s = state(row);
      error.textContent = "";
      if (s.na || !s.points) continue;
      const points = parsePoints(s.points);
      const max = parsePoints(row.dataset.max);
      if (points === null) { error.textContent = "Điểm có tối đa hai chữ số thập phân, ví dụ 2,5"; continue; }
      if (points > max) { error.textContent = `Vượt điểm tối đa ${vietnamesePoints(max)}`; }
      byField[row.dataset.field] = (byField[row.dataset.field] || 0) + points;
      all += points;
    }
    form.querySelectorAll(".field-total").forEach((cell) => { cell.textContent = vietnamesePoints(byField[cell.dataset.field] || 0); });
    document.getElementById("tong-diem").textContent = vietnamesePoints(all);
  };
  form.addEventListener("input", totals);
  totals();
  // Submission is refused for the sheet as saved (incomplete): once rows change, the server judges the
  // sheet with them when the command is prepared, before anything is signed.
  const submitButton = document.getElementById("nop-bang");
  if (submitButton && submitButton.dataset.refused) {
    form.addEventListener("input", () => { submitButton.disabled = rows.every((row) => JSON.stringify(state(row)) === initial.get(row)); });
  }
  form.querySelectorAll(".upload").forEach((input) => input.addEventListener("change", guarded(async () => {
    const file = input.files[0];
    if (!file) return;
    // A refused file is named beside its row, and the row no longer shows it.
    const refusal = input.closest("td").querySelector(".upload-error");
    refusal.textContent = "";
    let uploaded;
    try {
      uploaded = await upload(file, unit);
    } catch (error) {
      input.value = "";
      refusal.textContent = error.message;
      return;
    }
    const item = document.createElement("li");
    item.dataset.sha256 = uploaded.sha256;
    item.textContent = `${uploaded.name} (mới tải lên, sẽ ghi khi ký)`;
    input.closest("td").querySelector(".evidence").append(item);
    input.value = "";
  })));
  const save = (submit) => async () => {
    const changed = [];
    const typed = [];
    for (const row of rows) {
      const s = state(row);
      if (JSON.stringify(s) === initial.get(row)) continue;
      const criterion = row.dataset.criterion;
      if (s.na) {
        if (!s.basis) throw new Error(`Tiêu chí ${criterion}: hãy ghi căn cứ pháp lý của việc không áp dụng.`);
        changed.push({ criterion, notApplicable: s.basis.normalize("NFC") });
        typed.push(s.basis);
      } else if (s.points) {
        const points = canonicalPoints(s.points);
        if (points === null) throw new Error(`Tiêu chí ${criterion}: điểm “${s.points}” không hợp lệ.`);
        const entry = { criterion, points, evidence: s.evidence ? s.evidence.split(",") : [] };
        if (s.explanation) entry.explanation = s.explanation.normalize("NFC");
        changed.push(entry);
        typed.push(points, s.explanation);
      }
    }
    if (!changed.length && !submit) throw new Error("Chưa có thay đổi nào để lưu.");
    await runCommand({ operation: "self-assessment", cycle, unit, rows: changed, submit }, { typed: typed.filter(Boolean).map((t) => t.normalize("NFC")) });
  };
  on("#luu-nhap", "click", save(false));
  on("#nop-bang", "click", save(true));
}

// The unit's head signs the submission of the sheet its officers prepared (scheme 2).
function headSubmission() {
  on("#thu-truong-nop", "click", (event) => {
    const { cycle, unit } = event.target.dataset;
    return runCommand({ operation: "self-assessment", cycle, unit, rows: [], submit: true });
  });
}

function withdrawAndAnswers() {
  on("#form-rut-lai", "submit", async (event) => {
    const { cycle, unit } = event.target.dataset;
    const reason = value("ly-do-rut");
    await runCommand({ operation: "withdraw", cycle, unit, reason }, { typed: [reason] });
  });
  on(".form-tra-loi", "submit", async (event) => {
    const form = event.target;
    const { cycle, unit, request } = form.dataset;
    const answer = form.querySelector("textarea").value.trim().normalize("NFC");
    const file = form.querySelector(".upload-answer").files[0];
    const evidence = file ? [(await upload(file, unit)).sha256] : [];
    await runCommand({ operation: "answer-explanation", cycle, unit, request, answer, evidence }, { typed: [answer] });
  });
}

function objectionForms() {
  on("#form-kien-nghi", "submit", async (event) => {
    const { cycle, unit } = event.target.dataset;
    const reason = value("kn-ly-do");
    const criterion = value("kn-tieu-chi");
    await runCommand({ operation: "file-objection", cycle, unit, criterion, reason }, { typed: [reason] });
  });
  on(".form-tra-loi-kien-nghi", "submit", async (event) => {
    const form = event.target;
    const { cycle, unit, objection } = form.dataset;
    const answer = form.querySelector(".answer").value.trim().normalize("NFC");
    const decision = form.querySelector(".decision").value;
    await runCommand({ operation: "answer-objection", cycle, unit, objection, decision, answer }, { typed: [objection, decision, answer] });
  });
}

function councilPage() {
  on("#khep-lai-ky", "click", (event) => runCommand({ operation: "close-appraisal", cycle: event.target.dataset.cycle }));
  on("#form-phien-hop", "submit", async (event) => {
    const form = event.target;
    const file = document.getElementById("ph-bien-ban").files[0];
    if (!file) throw new Error("Hãy chọn tệp biên bản họp.");
    const attendees = [...form.querySelectorAll(".attendee:checked")].map((box) => box.value);
    const meeting = value("ph-ma");
    const date = value("ph-ngay");
    const minutes = (await upload(file)).sha256;
    await runCommand({ operation: "record-meeting", cycle: form.dataset.cycle, meeting, date, attendees, minutes }, { typed: [meeting, date, ...attendees] });
  });
  document.querySelectorAll(".form-bieu-quyet").forEach(voteForm);
  on(".form-bieu-quyet", "submit", async (event) => {
    const form = event.target;
    const points = canonicalPoints(form.querySelector(".points").value);
    if (points === null) throw new Error("Điểm có tối đa hai chữ số thập phân, ví dụ 2,5");
    const voters = (choice) => [...form.querySelectorAll(`tr[data-actor]:not([hidden]) input[value="${choice}"]:checked`)]
      .map((input) => input.closest("tr").dataset.actor);
    const { cycle, unit, criterion } = form.dataset;
    const intent = { operation: "record-vote", cycle, unit, criterion, meeting: form.querySelector(".meeting").value, points, inFavour: voters("for"), against: voters("against") };
    await runCommand(intent, { typed: [points, intent.meeting, ...intent.inFavour, ...intent.against] });
  });
  on("#form-bao-cao", "submit", async (event) => {
    const file = document.getElementById("bc-tep").files[0];
    if (!file) throw new Error("Hãy chọn tệp báo cáo.");
    const report = (await upload(file)).sha256;
    await runCommand({ operation: "council-report", cycle: event.target.dataset.cycle, report });
  });
}

// A vote on a contested criterion: only the attendees of the chosen meeting vote, and the outcome is
// shown as the rule decides it (more votes for than against carries the proposed points).
function voteForm(form) {
  const meeting = form.querySelector(".meeting");
  const outcome = form.querySelector(".vote-outcome");
  const update = () => {
    const option = meeting.selectedOptions[0];
    const present = new Set(option ? option.dataset.attendees.split(",") : []);
    let inFavour = 0;
    let against = 0;
    for (const row of form.querySelectorAll("tr[data-actor]")) {
      row.hidden = !present.has(row.dataset.actor);
      if (row.hidden) row.querySelector('input[value=""]').checked = true;
      const choice = row.querySelector("input:checked").value;
      if (choice === "for") inFavour += 1;
      if (choice === "against") against += 1;
    }
    const points = parsePoints(form.querySelector(".points").value);
    const proposed = points === null ? "điểm đề xuất" : vietnamesePoints(points);
    const count = `${inFavour} tán thành, ${against} không tán thành`;
    outcome.textContent = inFavour > against
      ? `Kết quả: thông qua (${count}); điểm thẩm định thành ${proposed}.`
      : `Kết quả: không thông qua (${count}); giữ nguyên điểm thẩm định.`;
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}

function committeePage() {
  on("#tao-cam-ket", "click", async (event) => {
    const cycle = event.target.dataset.cycle;
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const file = new Blob([hex(secret) + "\n"], { type: "application/octet-stream" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(file);
    link.download = `phuc-tra-${cycle}.secret`;
    document.body.append(link);
    link.click();
    link.remove();
    const committed = await commitment(secret);
    secret.fill(0);
    await runCommand({ operation: "commit-spot-check", cycle, commitment: committed }, { typed: [committed] });
  });
  on(".form-boc-tham", "submit", async (event) => {
    const form = event.target;
    const { cycle, kind } = form.dataset;
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) throw new Error("Hãy chọn tệp bí mật.");
    const secretHex = (await readText(file)).trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error("Tệp bí mật phải chứa 64 chữ số hex.");
    const committed = document.getElementById("ma-cam-ket").textContent.trim();
    if (await commitment(unhex(secretHex)) !== committed) throw new Error("Bí mật này không khớp mã cam kết đã ghi trong sổ cái.");
    const added = form.querySelector(".added").value.split(",").map((s) => s.trim()).filter(Boolean);
    const units = form.closest("article").dataset.units.split(",").filter(Boolean);
    const closedHash = document.getElementById("ma-khep-lai").textContent.trim();
    const report = form.querySelector(".draw-check");
    await runCommand({ operation: "draw-spot-check", cycle, kind, secret: secretHex, added }, {
      typed: [secretHex, ...added],
      check: async (doc) => {
        const drawn = doc.events[0].payload;
        const seed = await drawSeed(unhex(secretHex), unhex(closedHash));
        const redrawn = await drawUnits(seed, units, drawn.sampleSize);
        const least = sampleSize(units.length, LEAST_SPOT_CHECK_PERCENT);
        report.textContent = `Trang tự tính lại:\nhạt giống ${hex(seed)}\nđơn vị ${redrawn.join(", ")}\n(${drawn.sampleSize}/${units.length} đơn vị, tối thiểu 10% là ${least})`;
        if (hex(seed) !== drawn.seed || redrawn.join(",") !== drawn.drawn.join(",")) throw new Error("Kết quả máy chủ tính khác kết quả trang tự tính lại; không ký.");
        if (drawn.sampleSize < least) throw new Error("Mẫu phúc tra ít hơn 10% số đơn vị; không ký.");
      },
    });
  });
}

function spotCheckPage() {
  const table = document.querySelector("table.spotcheck");
  if (!table) return;
  const { cycle, unit } = table.dataset;
  on(".form-phuc-tra", "submit", async (event) => {
    const form = event.target;
    const decision = form.querySelector(".decision").value;
    const typedPoints = form.querySelector(".points").value.trim();
    const reason = form.querySelector(".reason-input").value.trim().normalize("NFC");
    const intent = { operation: "spot-check-score", cycle, unit, criterion: form.closest("tr").dataset.criterion, decision, reason };
    if (typedPoints) {
      intent.points = canonicalPoints(typedPoints);
      if (intent.points === null) throw new Error("Điểm có tối đa hai chữ số thập phân, ví dụ 2,5");
    }
    await runCommand(intent, { typed: [decision, reason] });
  });
  on("#ket-luan-phuc-tra", "click", () => runCommand({ operation: "conclude-spot-check", cycle, unit }));
}

function surveyPage() {
  on("#form-dieu-tra", "submit", async (event) => {
    const file = document.getElementById("tep-dieu-tra").files[0];
    const summary = document.getElementById("tom-tat-dieu-tra");
    await runCommand({ operation: "import-survey", cycle: event.target.dataset.cycle, csv: await readText(file) }, {
      check: (doc) => { summary.textContent = surveySummary(doc); summary.hidden = false; },
    });
  });
}

function secretariatPage() {
  on("#form-bo-tieu-chi", "submit", async () => {
    const framework = JSON.parse(await readText(document.getElementById("tep-bo-tieu-chi").files[0]));
    await runCommand({ operation: "register-framework", framework });
  });
  on("#form-mo-ky", "submit", async () => {
    const cycle = JSON.parse(await readText(document.getElementById("tep-ky").files[0]));
    await runCommand({ operation: "open-cycle", cycle }, { typed: [cycle.cycle] });
  });
  on("#form-ghi-danh", "submit", async () => {
    const intent = { operation: "enrol", actor: value("gd-ma"), name: value("gd-ten"), role: value("gd-vai-tro"), scope: value("gd-pham-vi"), publicKey: value("gd-khoa") };
    await runCommand(intent, { typed: [intent.actor, intent.name, intent.role, intent.publicKey] });
  });
}

// Marks the checklist's item on the decision's date as the date typed in `dateId` is, or is not, in the
// window `formId` carries.
function markWindow(dateId, formId) {
  const windowItem = document.querySelector("[data-window]");
  const date = document.getElementById(dateId);
  if (!date || !windowItem) return;
  const form = document.getElementById(formId);
  const mark = () => {
    const inside = date.value && date.value >= form.dataset.from && date.value <= form.dataset.until;
    windowItem.className = inside ? "done" : "todo";
    windowItem.querySelector(".sr").textContent = inside ? "Đã xong: " : "Chưa xong: ";
    windowItem.querySelector(".mark").textContent = inside ? "✔" : "✘";
  };
  date.addEventListener("input", mark);
  if (date.value) mark();
}

// The province's approval of the results shown (their hash is checked in what is signed), and the
// chairman's delegation of the signature to a vice-chairman.
function approvalPage() {
  markWindow("pd-ngay", "form-phe-duyet");
  on("#form-phe-duyet", "submit", async (event) => {
    const shown = document.getElementById("ma-bam-ket-qua").textContent.trim();
    const intent = { operation: "approve", cycle: event.target.dataset.cycle, decision: value("pd-so"), date: value("pd-ngay") };
    await runCommand(intent, {
      typed: [intent.decision, intent.date],
      check: (doc) => {
        if (doc.events.at(-1).payload.resultsHash !== shown) throw new Error("Kết quả máy chủ chuẩn bị khác kết quả trang hiển thị; không ký.");
      },
    });
  });
  on("#form-giao-ky", "submit", async (event) => {
    const intent = { operation: "delegate-signing", cycle: event.target.dataset.cycle, delegate: value("gk-nguoi"), decision: value("gk-so") };
    await runCommand(intent, { typed: [intent.delegate, intent.decision] });
  });
}

function dashboardPage() {
  const list = (id) => value(id).split(",").map((s) => s.trim()).filter(Boolean);
  on("#form-phan-cong", "submit", async (event) => {
    const fields = {};
    if (list("pc-so").length) fields.department = list("pc-so");
    if (list("pc-huyen").length) fields.district = list("pc-huyen");
    const actor = value("pc-ma");
    await runCommand({ operation: "assign-council", cycle: event.target.dataset.cycle, actor, fields, chair: document.getElementById("pc-chu-tich").checked }, { typed: [actor] });
  });
  on("#form-gia-han", "submit", async (event) => {
    const intent = { operation: "extend-deadline", cycle: event.target.dataset.cycle, unit: value("gh-don-vi"), until: value("gh-ngay"), reason: value("gh-ly-do") };
    await runCommand(intent, { typed: [intent.unit, intent.reason] });
  });
  markWindow("cb-ngay", "form-cong-bo");
  on("#form-thanh-lap-hoi-dong", "submit", async (event) => {
    const members = [];
    for (const row of event.target.querySelectorAll("tr[data-actor]")) {
      const position = row.querySelector(".position").value;
      if (!position) continue;
      const fields = {};
      for (const input of row.querySelectorAll(".fields")) {
        const codes = input.value.split(",").map((s) => s.trim()).filter(Boolean);
        if (codes.length) fields[input.dataset.kind] = codes;
      }
      members.push({ actor: row.dataset.actor, position, fields });
    }
    const quorumPercent = canonicalPoints(value("tl-ty-le"));
    if (quorumPercent === null) throw new Error("Tỷ lệ tối thiểu là một số có tối đa hai chữ số thập phân, ví dụ 50 hoặc 66,67.");
    const decision = value("tl-qd");
    await runCommand({ operation: "establish-council", cycle: event.target.dataset.cycle, decision, members, quorumPercent },
      { typed: [decision, quorumPercent, ...members.map((member) => member.actor)] });
  });
  on("#form-cong-bo", "submit", async (event) => {
    const intent = { operation: "publish", cycle: event.target.dataset.cycle, decision: value("cb-so"), date: value("cb-ngay") };
    await runCommand(intent, { typed: [intent.decision, intent.date] });
  });
  on("#form-dinh-chinh", "submit", async (event) => {
    const points = canonicalPoints(value("dc-diem"));
    if (points === null) throw new Error("Điểm có tối đa hai chữ số thập phân, ví dụ 2,5");
    const intent = { operation: "correct", cycle: event.target.dataset.cycle, unit: value("dc-don-vi"), criterion: value("dc-tieu-chi"), points, decision: value("dc-qd"), reason: value("dc-ly-do"), objection: value("dc-kien-nghi") };
    await runCommand(intent, { typed: [points, intent.decision, intent.reason] });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const logout = document.getElementById("dang-xuat");
  if (logout) logout.addEventListener("click", guarded(async () => { await api("DELETE", "/api/session"); location.href = "/dang-nhap"; }));
  const pages = {
    login: loginPage, unit: () => { unitPage(); headSubmission(); withdrawAndAnswers(); objectionForms(); },
    appraise: () => appraisePage({ runCommand, on }), council: councilPage, committee: committeePage, spotcheck: spotCheckPage,
    survey: surveyPage, secretariat: secretariatPage, dashboard: () => { dashboardPage(); objectionForms(); },
    approval: approvalPage,
  };
  const page = pages[document.body.dataset.page];
  const kept = sessionStorage.getItem("notice-after-reload");
  if (kept) { sessionStorage.removeItem("notice-after-reload"); showNotice(kept); }
  // `data-ready` tells people's tools (and the browser tests) that the page has finished setting up.
  Promise.resolve(page ? page() : null).catch((error) => showError(error))
    .finally(() => { document.body.dataset.ready = "1"; });
});

// What the page modules of other concerns (sheet-upload.js, lost-key.js) use to talk to the server and sign.
export { api, generateKey, guarded, runCommand, upload };
