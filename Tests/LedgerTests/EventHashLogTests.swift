import Foundation
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// The streaming pieces of a bundle verification: every event's hash kept in a file with only the
/// last ones in memory, and the Merkle root computed as the leaves arrive.
@Suite struct EventHashLogTests {
    private func hashes(_ count: Int) -> [EventHash] {
        (0..<count).map { EventHash.of(Array("event \($0)".utf8)) }
    }

    @Test func theFrontierGivesTheRootOfTheWholeTreeAtEverySize() throws {
        let all = hashes(70)
        var frontier = MerkleFrontier()
        #expect(frontier.root == MerkleTree.emptyRoot)
        for (index, hash) in all.enumerated() {
            frontier.append(eventHash: hash.bytes)
            let leaves = all.prefix(index + 1).map { MerkleTree.leafHash($0.bytes) }
            #expect(
                frontier.root
                    == (try MerkleTree.hash(start: 0, size: UInt64(index + 1), subtree: MerkleTree.inMemory(leaves))))
        }
    }

    @Test func aLogInAFileGivesBackEveryHashAndPrefixRootPastItsWindowInMemory() throws {
        let directory = try TemporaryDirectory()
        let log = try EventHashLog(file: directory.path + "/hashes")
        let all = hashes(70_000)  // more than the 65,536 kept in memory
        for hash in all { log.append(hash) }
        #expect(log.count == 70_000)
        #expect(log.writeFailure == nil)
        for sequence in [1, 2, 65_535, 65_536, 65_537, 69_999, 70_000] {
            #expect(log.hash(at: UInt64(sequence)) == all[sequence - 1])
        }
        #expect(log.hash(at: 0) == nil)
        #expect(log.hash(at: 70_001) == nil)
        #expect(log.last == all.last)
        for size in [0, 1, 65_536, 65_537, 70_000] {
            var frontier = MerkleFrontier()
            for hash in all.prefix(size) { frontier.append(eventHash: hash.bytes) }
            #expect(log.root(ofFirst: UInt64(size)) == frontier.root)
        }
        #expect(log.root(ofFirst: 70_001) == nil)
    }
}
