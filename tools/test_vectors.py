"""The independent Python verifier (tools/parverify) held to the shared vectors of Tests/Vectors, which the
Swift implementation wrote and the Swift tests and the pages' JavaScript are held to as well: canonical
JSON, the Merkle tree and points. draw.json is not checked here: the verifier redoes the spot-check draw
only inside its rule for SpotCheckDrawn events (parverify/rules/spot_check.py), not as a function of its own.

Run: python3 -m unittest tools/test_vectors.py
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from parverify.merkle import Frontier, leaf_hash, node_hash, root_from_inclusion  # noqa: E402
from parverify.strictjson import canonical, parse_json, sha256  # noqa: E402
from parverify.text import hundredths, is_points, points_text  # noqa: E402
from parverify.verdicts import Failure  # noqa: E402

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "Tests", "Vectors")


def vectors(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as file:
        return json.load(file)


class CanonicalJSONVectors(unittest.TestCase):
    """The strict parser and canonical JSON: NFC input gives the canonical bytes, other input is refused."""

    def test_canonical(self):
        for vector in vectors("canonical-json.json")["canonical"]:
            with self.subTest(vector["name"]):
                data = vector["input"].encode("utf-8")
                if vector["nfc"]:
                    written = canonical(parse_json(data, "vector"), presorted=True)
                    self.assertEqual(written, vector["canonical"].encode("utf-8"))
                    self.assertEqual(sha256(written), vector["sha256"])
                else:
                    self.assertRaises(Failure, parse_json, data, "vector")

    def test_refused(self):
        for vector in vectors("canonical-json.json")["refused"]:
            with self.subTest(vector["name"]):
                self.assertRaises(Failure, parse_json, vector["input"].encode("utf-8"), "vector")


class MerkleVectors(unittest.TestCase):
    """Leaf and node hashes, the roots of the frontier, and inclusion proofs right and wrong."""

    merkle = vectors("merkle.json")

    def test_leaf_and_node_hashes(self):
        for leaf in self.merkle["leaves"]:
            with self.subTest(leaf["data"]):
                self.assertEqual(leaf_hash(bytes.fromhex(leaf["data"])).hex(), leaf["leafHash"])
        node = self.merkle["node"]
        self.assertEqual(node_hash(bytes.fromhex(node["left"]), bytes.fromhex(node["right"])).hex(), node["hash"])

    def test_roots(self):
        for vector in self.merkle["roots"]:
            with self.subTest(size=vector["size"]):
                frontier = Frontier()
                for leaf in self.merkle["leaves"][:vector["size"]]:
                    frontier.append(bytes.fromhex(leaf["leafHash"]))
                self.assertEqual(frontier.root().hex(), vector["root"])

    def test_inclusion_proofs(self):
        for vector in self.merkle["inclusionProofs"]:
            with self.subTest(index=vector["index"], size=vector["size"]):
                self.assertEqual(self.proven_root(vector), vector["root"])

    def test_wrong_proofs(self):
        for vector in self.merkle["wrongProofs"]:
            with self.subTest(vector["why"]):
                self.assertNotEqual(self.proven_root(vector), vector["root"])

    @staticmethod
    def proven_root(vector):
        root = root_from_inclusion(vector["index"], vector["size"], bytes.fromhex(vector["leafHash"]),
                                   [bytes.fromhex(sibling) for sibling in vector["proof"]])
        return root.hex() if root is not None else None


class PointsVectors(unittest.TestCase):
    """The verifier reads points only in their one canonical form: that form, its hundredths and back."""

    def test_typed(self):
        for vector in vectors("points.json")["typed"]:
            with self.subTest(vector["text"]):
                self.assertTrue(is_points(vector["canonical"]))
                self.assertEqual(is_points(vector["text"]), vector["text"] == vector["canonical"])
                self.assertEqual(hundredths(vector["canonical"]), vector["hundredths"])
                self.assertEqual(points_text(vector["hundredths"]), vector["canonical"])

    def test_refused(self):
        for vector in vectors("points.json")["refused"]:
            with self.subTest(vector["text"]):
                self.assertFalse(is_points(vector["text"]))


if __name__ == "__main__":
    unittest.main()
