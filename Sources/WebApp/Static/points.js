// Points exactly, as PARIndex's Points has them: hundredths as integers, never binary floating point.

// What Foundation's `.whitespaces` trims around typed points: the tab, the space separators and U+200B.
const SPACE = String.raw`[\t \u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]`;
const SURROUNDING_SPACE = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
const TYPED_POINTS = /^(\d{1,9})(?:[.,](\d{1,2}))?$/;

/** The hundredths of points as people type them ("2", "1,5", " 0.25 "): digits, then at most two
 *  decimals after a comma or a point; null for anything else (a sign, a third decimal, …). */
export function parsePoints(text) {
  const match = TYPED_POINTS.exec(text.replace(SURROUNDING_SPACE, ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0"));
}

/** Non-negative hundredths in the one form the ledger writes: the shortest decimal ("2.5", "0.25", "10"). */
export function pointsText(hundredths) {
  const whole = Math.trunc(hundredths / 100);
  const fraction = String(hundredths % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** Typed points in the one form a command signs, or null when they are not points. */
export function canonicalPoints(text) {
  const hundredths = parsePoints(text);
  return hundredths === null ? null : pointsText(hundredths);
}

/** A number as the ledger writes it ("17.5", an index "87.53"), as people in Vietnam write it: "17,5". */
export const withDecimalComma = (text) => String(text).replaceAll(".", ",");

/** Non-negative hundredths as people in Vietnam write points: "0,5", "17,25", "2". */
export const vietnamesePoints = (hundredths) => withDecimalComma(pointsText(hundredths));

/** A date as the ledger writes it ("2021-05-29") as people in Vietnam write it: "29/05/2021"; any other text as it is. */
export function vietnameseDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  return match ? `${match[3]}/${match[2]}/${match[1]}` : String(text);
}

/** A member of an event's payload as a person reads it: points with a decimal comma, dates dd/mm/yyyy. */
export function vietnameseValue(key, value) {
  if (key === "points" || key === "quorumPercent") return withDecimalComma(value);
  if (key === "date" || key === "until") return vietnameseDate(value);
  return String(value);
}
