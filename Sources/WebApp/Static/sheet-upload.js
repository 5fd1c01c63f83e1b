// A unit's whole self-assessment sheet (.xlsx or .csv) uploaded in its page: the evidence files it
// names are uploaded first, then the server reads the sheet with the CLI's code and answers every bad
// row, or the rows it would record; the officer reviews them and signs one command in this browser.
import { guarded, runCommand, upload } from "./app.js";

const form = document.getElementById("form-tai-bang");

async function readSheet(cycle, unit, file) {
  const path = `/api/cycles/${encodeURIComponent(cycle)}/units/${encodeURIComponent(unit)}/sheet`;
  const response = await fetch(path, {
    method: "POST", body: file, credentials: "same-origin",
    headers: { "X-CSRF-Token": document.body.dataset.csrf || "", "Content-Type": "application/octet-stream" },
  });
  const value = await response.json();
  if (response.ok) return { review: value };
  if (response.status === 422) return { problems: value.error.detail };
  throw Object.assign(new Error(value.error ? value.error.detail || value.error.message : response.statusText), { title: value.error ? value.error.title : "Lỗi" });
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function showReview(review) {
  document.getElementById("tom-tat-bang").textContent =
    `Bảng hợp lệ: ${review.scores} tiêu chí có điểm (tổng ${review.total} điểm), ${review.notApplicable} tiêu chí không áp dụng. Xem lại rồi ký.`;
  document.getElementById("dong-bang").replaceChildren(...review.review.map((row) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = row.criterion;
    tr.append(cell(String(row.row)), th, cell(row.title), cell(row.points || "Không áp dụng"),
      cell(row.notApplicable || row.explanation || ""), cell(row.evidence.join("; ")));
    return tr;
  }));
  document.getElementById("xem-bang").hidden = false;
}

if (form) {
  const { cycle, unit } = form.dataset;
  const problems = document.getElementById("loi-bang");
  let rows = null;
  form.addEventListener("submit", guarded(async () => {
    rows = null;
    problems.hidden = true;
    document.getElementById("xem-bang").hidden = true;
    const sheet = document.getElementById("tep-bang").files[0];
    if (!sheet) throw new Error("Hãy chọn tệp bảng tự đánh giá.");
    for (const file of document.getElementById("tep-bang-tai-lieu").files) await upload(file, unit);
    const answer = await readSheet(cycle, unit, sheet);
    if (answer.problems) {
      problems.textContent = answer.problems;
      problems.hidden = false;
      return;
    }
    rows = answer.review.rows;
    showReview(answer.review);
  }));
  const sign = (submit) => guarded(async () => {
    if (!rows) throw new Error("Hãy kiểm tra bảng trước khi ký.");
    const typed = rows.flatMap((row) => [row.points, row.explanation, row.notApplicable]).filter(Boolean);
    await runCommand({ operation: "self-assessment", cycle, unit, rows, submit }, { typed });
  });
  for (const [id, submit] of [["ky-bang-luu", false], ["ky-bang-nop", true]]) {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", sign(submit));
  }
}
