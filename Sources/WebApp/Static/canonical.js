// Canonical JSON as the ledger writes it (FORMAT.md; Ledger's CanonicalJSON): RFC 8785 for the
// ledger's values — integers only, strings and member names in Unicode NFC (as the ledger holds
// them), members in the order of their names' UTF-16 code units, no white space.

/** The canonical JSON text of `value` (as JSON.parse gives it); throws on a number the ledger does
 *  not write (a fraction, −0, beyond ±(2^53 − 1)) and on two member names equal once in NFC. */
export function canonical(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new Error(`${value} không phải số nguyên sổ cái ghi`);
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value.normalize("NFC"));
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  const members = new Map(Object.entries(value).map(([name, member]) => [name.normalize("NFC"), member]));
  if (members.size !== Object.keys(value).length) throw new Error("hai tên thành viên trùng nhau khi chuẩn hoá NFC");
  const names = [...members.keys()].sort();
  return "{" + names.map((name) => JSON.stringify(name) + ":" + canonical(members.get(name))).join(",") + "}";
}
