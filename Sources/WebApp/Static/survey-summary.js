// What a survey file would record, said before it is signed: rows read, units, criteria, each unit's
// total points, and the rows the page lists as expected that the file lacks. Read from the events the
// server prepared (SurveyScoresImported, one per unit) and the page's table of expected rows.
import { parsePoints, vietnamesePoints } from "./points.js";

export function surveySummary(doc) {
  const expected = new Map([...document.querySelectorAll("table.survey-expected tr[data-unit]")].map((row) =>
    [row.dataset.unit, { name: row.querySelector("th").textContent, codes: row.dataset.codes.split(",").filter(Boolean) }]));
  const lines = [];
  const criteria = new Set();
  let rows = 0;
  const missing = [];
  const seen = new Set();
  for (const event of doc.events) {
    const { unit, scores } = event.payload;
    seen.add(unit);
    rows += scores.length;
    const total = scores.reduce((sum, score) => sum + parsePoints(score.points), 0);
    scores.forEach((score) => criteria.add(score.criterion));
    const known = expected.get(unit);
    lines.push(`${known ? known.name : unit}: ${scores.length} tiêu chí, tổng ${vietnamesePoints(total)} điểm`);
    const given = new Set(scores.map((score) => score.criterion));
    const lacking = known ? known.codes.filter((code) => !given.has(code)) : [];
    if (lacking.length) missing.push(`${known.name}: thiếu ${lacking.join(", ")}`);
  }
  for (const [unit, known] of expected) if (!seen.has(unit)) missing.push(`${known.name}: chưa có trong tệp`);
  return [
    `Tệp có ${rows} dòng điểm, ${seen.size} đơn vị, ${criteria.size} tiêu chí.`,
    ...lines,
    missing.length ? "Còn thiếu:\n" + missing.join("\n") : "Không thiếu dòng nào.",
  ].join("\n");
}
