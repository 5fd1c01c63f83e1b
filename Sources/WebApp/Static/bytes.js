// Bytes as the ledger writes them: lower-case hex, base64 (RFC 4648, and its URL alphabet for JWK),
// UTF-8, and SHA-256 through WebCrypto.

/** The lower-case hex of `bytes` (a Uint8Array, an ArrayBuffer or an array of numbers). */
export const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** The bytes of lower-case hex `text`; throws on anything else. */
export function unhex(text) {
  if (!/^([0-9a-f]{2})*$/.test(text)) throw new Error("không phải chuỗi hex: " + text.slice(0, 16));
  return Uint8Array.from(text.match(/../g) || [], (pair) => parseInt(pair, 16));
}

/** The standard, padded base64 of `bytes`. */
export const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** The bytes of standard base64 `text` (surrounding white space ignored). */
export const unbase64 = (text) => Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));

/** The bytes of unpadded base64url `text`, as a JWK writes keys. */
export const unbase64url = (text) =>
  unbase64(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));

/** The UTF-8 bytes of `text`. */
export const utf8 = (text) => new TextEncoder().encode(text);

/** `parts` (byte arrays or arrays of numbers) one after the other in a new Uint8Array. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes. */
export const sameBytes = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** The 32 bytes of the SHA-256 of `bytes`. */
export const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
