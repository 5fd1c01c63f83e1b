// Holds the pages' ES modules (Sources/WebApp/Static) to the shared vectors of Tests/Vectors, which
// the Swift implementation wrote and the Swift tests and the Python verifier are held to as well:
// canonical JSON, the Merkle tree, the spot-check draw and points, every vector of each file.
//
// Run: node tools/test_js_vectors.mjs
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";

import { hex, unhex, utf8, sha256 } from "../Sources/WebApp/Static/bytes.js";
import { canonical } from "../Sources/WebApp/Static/canonical.js";
import { commitment, drawSeed, drawUnits, sampleSize } from "../Sources/WebApp/Static/draw.js";
import { leafHash, nodeHash, rootFromInclusionProof, treeRoot } from "../Sources/WebApp/Static/merkle.js";
import { canonicalPoints, parsePoints, pointsText, vietnamesePoints } from "../Sources/WebApp/Static/points.js";

// The modules use the browser's global WebCrypto, which Node has only from version 19 on.
globalThis.crypto ??= webcrypto;

const vectors = (name) => JSON.parse(readFileSync(new URL(`../Tests/Vectors/${name}`, import.meta.url), "utf8"));

let passed = 0;
const failures = [];

/** Runs one check of a vector, counting it as passed or failed with what went wrong. */
async function check(what, body) {
  try {
    await body();
    passed += 1;
  } catch (error) {
    failures.push(`${what}: ${error.message}`);
  }
}

/** The root `proof` leads to, or null when the proof cannot belong to its index and size. */
const provenRoot = (vector) =>
  rootFromInclusionProof(unhex(vector.leafHash), vector.index, vector.size, vector.proof.map(unhex)).then(hex, () => null);

const canonicalJSON = vectors("canonical-json.json");
for (const vector of canonicalJSON.canonical) {
  await check(`canonical-json.json ${vector.name}`, async () => {
    const text = canonical(JSON.parse(vector.input));
    assert.equal(text, vector.canonical);
    assert.equal(hex(await sha256(utf8(text))), vector.sha256);
  });
}
for (const vector of canonicalJSON.refused) {
  await check(`canonical-json.json refused ${vector.name}`, () => assert.throws(() => canonical(JSON.parse(vector.input))));
}

const merkle = vectors("merkle.json");
for (const leaf of merkle.leaves) {
  await check(`merkle.json leaf ${leaf.data}`, async () => assert.equal(hex(await leafHash(unhex(leaf.data))), leaf.leafHash));
}
await check("merkle.json node", async () => {
  assert.equal(hex(await nodeHash(unhex(merkle.node.left), unhex(merkle.node.right))), merkle.node.hash);
});
const leafHashes = merkle.leaves.map((leaf) => unhex(leaf.leafHash));
for (const { size, root } of merkle.roots) {
  await check(`merkle.json root of ${size}`, async () => assert.equal(hex(await treeRoot(leafHashes.slice(0, size))), root));
}
for (const vector of merkle.inclusionProofs) {
  await check(`merkle.json proof of ${vector.index} in ${vector.size}`, async () => assert.equal(await provenRoot(vector), vector.root));
}
for (const vector of merkle.wrongProofs) {
  await check(`merkle.json wrong proof: ${vector.why}`, async () => assert.notEqual(await provenRoot(vector), vector.root));
}

for (const vector of vectors("draw.json").draws) {
  await check(`draw.json ${vector.name}`, async () => {
    const secret = unhex(vector.secret);
    const seed = await drawSeed(secret, unhex(vector.closingHash));
    const size = sampleSize(vector.units.length, vector.percentHundredths);
    assert.equal(await commitment(secret), vector.commitment);
    assert.equal(hex(seed), vector.seed);
    assert.equal(size, vector.sampleSize);
    assert.deepEqual(await drawUnits(seed, vector.units, size), vector.drawn);
  });
}

const points = vectors("points.json");
for (const vector of points.typed) {
  await check(`points.json ${JSON.stringify(vector.text)}`, () => {
    assert.equal(parsePoints(vector.text), vector.hundredths);
    assert.equal(canonicalPoints(vector.text), vector.canonical);
    assert.equal(pointsText(vector.hundredths), vector.canonical);
    assert.equal(vietnamesePoints(vector.hundredths), vector.vietnamese);
  });
}
for (const vector of points.refused) {
  await check(`points.json refused ${JSON.stringify(vector.text)}`, () => {
    assert.equal(parsePoints(vector.text), null);
    assert.equal(canonicalPoints(vector.text), null);
  });
}

for (const failure of failures) console.log(`FAIL ${failure}`);
console.log(`test_js_vectors: ${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
