import ArgumentParser
import Foundation
import Ledger
import PARIndex

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "RFC 9162 inclusion and consistency proofs over the event log.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that event SEQ is in the tree of SIZE events (default: all).",
            discussion:
                "The leaf is SHA-256(0x00 ‖ the event's hash); leaf index = SEQ − 1.\n\nExample:\n  parledger prove inclusion 2147 --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The event's sequence number.") var sequence: UInt64
        @Option(help: "The tree size (default: the whole ledger).") var size: UInt64?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let ledger = try location.openForReading().ledger
                let (treeSize, proof) = try ledger.inclusionProof(sequence: sequence, size: size)
                let (_, root) = try ledger.treeRoot(size: treeSize)
                guard let event = try ledger.event(at: sequence) else { throw InputError("no event \(sequence)") }
                let leaf = MerkleTree.leafHash(event.hash.bytes)
                let value: JSONValue = .object([
                    "type": .string("inclusion"), "leafIndex": .integer(Int64(sequence - 1)),
                    "treeSize": .integer(Int64(treeSize)),
                    "eventHash": .string(event.hash.hex), "leafHash": .string(hexString(leaf)),
                    "rootHash": .string(hexString(root)),
                    "proof": .array(proof.map { .string(hexString($0)) }),
                ])
                if json {
                    print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
                } else {
                    print("Event \(sequence) (leaf \(sequence - 1)) in the tree of \(treeSize) events")
                    print("leaf \(hexString(leaf))\nroot \(hexString(root))")
                    for (index, hash) in proof.enumerated() { print("  \(index + 1). \(hexString(hash))") }
                    let ok = MerkleTree.verifyInclusion(
                        leafHash: leaf, index: sequence - 1, size: treeSize, proof: proof, root: root)
                    print(ok ? "The proof verifies (RFC 9162 §2.1.3.2)." : "The proof does NOT verify.")
                }
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the tree of OLD events is a prefix of the tree of NEW events (default: all).",
            discussion: "Example:\n  parledger prove consistency 2400 --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The older tree size.") var oldSize: UInt64
        @Argument(help: "The newer tree size (default: the whole ledger).") var newSize: UInt64?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let ledger = try location.openForReading().ledger
                let (size, proof) = try ledger.consistencyProof(oldSize: oldSize, newSize: newSize)
                let (_, oldRoot) = try ledger.treeRoot(size: oldSize)
                let (_, newRoot) = try ledger.treeRoot(size: size)
                if json {
                    let value: JSONValue = .object([
                        "type": .string("consistency"), "oldSize": .integer(Int64(oldSize)),
                        "newSize": .integer(Int64(size)),
                        "oldRootHash": .string(hexString(oldRoot)), "newRootHash": .string(hexString(newRoot)),
                        "proof": .array(proof.map { .string(hexString($0)) }),
                    ])
                    print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
                } else {
                    print(
                        "Tree of \(oldSize) events (root \(hexString(oldRoot))) within the tree of \(size) (root \(hexString(newRoot)))"
                    )
                    for (index, hash) in proof.enumerated() { print("  \(index + 1). \(hexString(hash))") }
                    let ok = MerkleTree.verifyConsistency(
                        oldSize: oldSize, newSize: size, oldRoot: oldRoot, newRoot: newRoot, proof: proof)
                    print(ok ? "The proof verifies (RFC 9162 §2.1.4.2)." : "The proof does NOT verify.")
                }
            }
        }
    }
}
