// The council's appraisal page: one form for the whole unit (every criterion of the member's fields,
// kept at the points shown unless changed, a reason only where the score differs from the unit's), signed
// as one command; the questions, rejections and contests of one criterion; the chair's seal, whose
// confirmation names what it would accept unseen, and the reopening. The rules are the server's: a
// command it refuses is shown refused, never offered for signature.
import { canonicalPoints, parsePoints } from "./points.js";

const text = (element) => element.value.trim().normalize("NFC");

// `runCommand` and `on` are app.js's: prepare, show, sign and submit a command; attach a guarded handler.
export function appraisePage({ runCommand, on }) {
  const form = document.getElementById("tham-dinh-don-vi");
  if (!form) return;
  const { cycle, unit } = form.dataset;
  const filter = document.getElementById("chi-linh-vuc-cua-toi");
  const apply = () => form.querySelectorAll('details.field-group:not([data-mine="1"])').forEach((group) => { group.hidden = filter.checked; });
  filter.addEventListener("change", apply);
  apply();
  on("#ky-tham-dinh-don-vi", "click", () => appraiseUnit(form, runCommand));
  const criterionOf = (event) => event.target.closest("tr").dataset.criterion;
  const required = (input, what) => {
    const value = text(input);
    if (!value) { input.focus(); throw new Error(`Hãy ghi ${what}.`); }
    return value;
  };
  on(".form-bac-kad", "submit", async (event) => {
    const reason = required(event.target.querySelector(".reason-input"), "lý do không chấp nhận “không áp dụng”");
    await runCommand({ operation: "reject-not-applicable", cycle, unit, criterion: criterionOf(event), reason }, { typed: [reason] });
  });
  on(".form-yeu-cau", "submit", async (event) => {
    const question = required(event.target.querySelector(".question"), "nội dung yêu cầu giải trình");
    await runCommand({ operation: "ask-explanation", cycle, unit, criterion: criterionOf(event), question }, { typed: [question] });
  });
  on(".form-de-nghi", "submit", async (event) => {
    const reason = required(event.target.querySelector(".reason-input"), "lý do đề nghị xem xét lại");
    await runCommand({ operation: "contest", cycle, unit, criterion: criterionOf(event), reason }, { typed: [reason] });
  });
  // The seal's confirmation repeats what the page lists: criteria nobody appraised, answers nobody read.
  on("#ket-thuc-tham-dinh", "click", () => {
    const notes = [...document.querySelectorAll("#truoc-khi-ket-thuc p, #truoc-khi-ket-thuc li")].map((item) => item.textContent.trim());
    const meeting = document.getElementById("phien-ket-thuc");
    if (!meeting) return runCommand({ operation: "seal", cycle, unit }, { notes });
    return runCommand({ operation: "seal", cycle, unit, meeting: meeting.value }, { typed: [meeting.value], notes });
  });
  on("#form-mo-lai", "submit", async () => {
    const reason = required(document.getElementById("ly-do-mo-lai"), "lý do mở lại");
    await runCommand({ operation: "reopen", cycle, unit, reason }, { typed: [reason] });
  });
}

// Every criterion of the member whose points differ from what is recorded goes into one command; one
// never appraised is recorded as shown (its self-score kept: a recognition, no reason needed).
async function appraiseUnit(form, runCommand) {
  const rows = [];
  const typed = [];
  const problems = [];
  for (const row of form.querySelectorAll("tr[data-criterion]")) {
    const input = row.querySelector(".points");
    if (!input) continue;
    const error = row.querySelector(".row-error");
    error.textContent = "";
    const criterion = row.dataset.criterion;
    const fail = (message) => {
      error.textContent = message;
      row.closest("details").open = true;
      problems.push(`Tiêu chí ${criterion}: ${message}`);
    };
    const points = canonicalPoints(input.value);
    if (points === null) { fail("điểm có tối đa hai chữ số thập phân, ví dụ 2,5."); continue; }
    const reason = text(row.querySelector(".reason-input"));
    const value = parsePoints(points);
    const appraised = row.dataset.appraised === "1";
    if (appraised && value === parsePoints(row.dataset.kept) && !reason) continue;
    const self = parsePoints(row.dataset.self || "");
    if (self !== null && value !== self && !reason) { fail("điểm khác điểm tự đánh giá, hãy ghi lý do."); continue; }
    rows.push(reason ? { criterion, points, reason } : { criterion, points });
    typed.push(points, reason);
  }
  if (problems.length) throw new Error(problems.join(" "));
  if (!rows.length) throw new Error("Mọi tiêu chí của bạn đã được thẩm định với điểm đang hiện; không có gì mới để ký.");
  await runCommand({ operation: "appraise-unit", cycle: form.dataset.cycle, unit: form.dataset.unit, rows }, { typed: typed.filter(Boolean) });
}
