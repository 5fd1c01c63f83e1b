// The ledger's Merkle tree as RFC 9162 (RFC 6962) defines it and C2SP tlog checkpoints sign its root
// (Ledger's MerkleTree): leaf and node hashes, the root of a list of leaves, and the root an
// inclusion proof leads to.
import { concat, sha256 } from "./bytes.js";

/** SHA-256(0x00 ‖ data): the hash of a leaf (for the ledger, of an event's 32-byte hash). */
export const leafHash = (data) => sha256(concat([0x00], data));

/** SHA-256(0x01 ‖ left ‖ right): the hash of an inner node. */
export const nodeHash = (left, right) => sha256(concat([0x01], left, right));

/** MTH of `leafHashes` (RFC 9162 §2.1.1): SHA-256 of nothing for none, else the node of the largest
 *  power of two of them smaller than their count and of the rest. */
export async function treeRoot(leafHashes) {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  if (leafHashes.length === 1) return leafHashes[0];
  let split = 1;
  while (split * 2 < leafHashes.length) split *= 2;
  return nodeHash(await treeRoot(leafHashes.slice(0, split)), await treeRoot(leafHashes.slice(split)));
}

/** RFC 9162 §2.1.3.2: the root that the inclusion proof (`proof`, sibling hashes from the leaf up)
 *  of the leaf at `index` in a tree of `size` leaves leads to; throws when the proof cannot belong
 *  to that index and size. `index` and `size` are numbers or BigInts. */
export async function rootFromInclusionProof(leaf, index, size, proof) {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  if (fn > sn) throw new Error("chỉ số lá vượt kích thước cây");
  let root = leaf;
  for (const sibling of proof) {
    if (sn === 0n) throw new Error("đường Merkle dài hơn cần thiết");
    if ((fn & 1n) === 1n || fn === sn) {
      root = await nodeHash(sibling, root);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      root = await nodeHash(root, sibling);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new Error("đường Merkle ngắn hơn cần thiết");
  return root;
}
