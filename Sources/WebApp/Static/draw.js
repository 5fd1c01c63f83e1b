// The spot-check draw as PARIndex's SpotCheckDraw makes it (FORMAT.md, Rules of the cycle): the
// committee commits to SHA-256 of a secret before appraisal; once the council closes it, the seed is
// SHA-256(secret ‖ hash of the AppraisalClosed event), the units are ordered by SHA-256(seed ‖ unit
// id) and the first ceil(percent × units) of them are drawn.
import { concat, hex, sha256, utf8 } from "./bytes.js";

/** ceil(percent % of `unitCount`), with the percentage in hundredths (10% is 1000): at least one
 *  unit when there are any. */
export const sampleSize = (unitCount, percentHundredths) =>
  unitCount > 0 ? Math.floor((unitCount * percentHundredths + 9999) / 10000) : 0;

/** The commitment to `secret` (bytes): the hex of its SHA-256. */
export const commitment = async (secret) => hex(await sha256(secret));

/** The seed of the draw: SHA-256(secret ‖ the AppraisalClosed event's hash), both as bytes. */
export const drawSeed = (secret, closingHash) => sha256(concat(secret, closingHash));

/** The first `size` of `units` (ids) in ascending order of SHA-256(seed ‖ id in UTF-8 NFC). */
export async function drawUnits(seed, units, size) {
  const keyed = await Promise.all(units.map(async (unit) => [unit, hex(await sha256(concat(seed, utf8(unit.normalize("NFC")))))]));
  keyed.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return keyed.slice(0, size).map(([unit]) => unit);
}
