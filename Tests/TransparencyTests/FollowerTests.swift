import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing
import Transparency

/// Publishing a ledger as tiles and following it: a mirror's copy grows only by what verifies, and
/// every inconsistency is an alert that leaves the copy as it was.
@Suite struct FollowerTests {
    let directory: TemporaryDirectory
    let log: LogFixture
    let witnesses: [WitnessKey]
    let published: String

    init() throws {
        directory = try TemporaryDirectory()
        log = try LogFixture(at: directory.ledgerPath)
        witnesses = [try witnessKey("a.example/w", in: directory), try witnessKey("b.example/w", in: directory)]
        published = directory.path + "/public"
        try log.append(300)
        try log.publish(to: published, cosignedBy: witnesses)
    }

    func follower(quorum: Int = 2, copy: String = "copy") throws -> LogFollower {
        try LogFollower(
            source: TileSource(published), policy: try log.policy(witnesses: witnesses, quorum: quorum),
            copyDirectory: directory.path + "/" + copy)
    }

    func alert(_ follower: inout LogFollower) -> LogFollower.Alert.Kind? {
        do {
            _ = try follower.step()
            return nil
        } catch let alert as LogFollower.Alert {
            return alert.kind
        } catch {
            return nil
        }
    }

    @Test func aMirrorCopiesExactlyWhatWasPublishedAndThenOnlyWhatIsNew() throws {
        var mirror = try follower()
        #expect(try mirror.step() == .advanced(from: 0, to: 301))
        #expect(try mirror.step() == .unchanged(size: 301))
        try log.append(600)
        let second = try log.publish(to: published, cosignedBy: witnesses)
        #expect(second.previousSize == 301)
        #expect(second.files < TilePath.tiles(size: 901).count)
        #expect(try mirror.step() == .advanced(from: 301, to: 901))
        for tile in TilePath.tiles(size: 901) {
            let path = TilePath.path(tile.kind, index: tile.index, width: tile.width)
            #expect(
                try TileSource(published).read(path) == (try TileSource(mirror.copy.directory).read(path)), "\(path)")
        }
        var restarted = try follower()
        #expect(try restarted.step() == .unchanged(size: 901))
        #expect(try log.ledger.treeRoot().root == restarted.checkpoint?.rootHash)
    }

    @Test func aCheckpointWithoutTheQuorumIsAnAlertAndCopiesNothing() throws {
        try log.append(10)
        try log.publish(to: published, cosignedBy: [witnesses[0]])
        var mirror = try follower()
        #expect(alert(&mirror) == .quorum)
        #expect(try mirror.copy.currentNote() == nil)
        var lenient = try follower(quorum: 1, copy: "lenient")
        #expect(try lenient.step() == .advanced(from: 0, to: 311))
    }

    @Test func aForkUnderTheSameLogKeyIsAnAlert() throws {
        var mirror = try follower()
        _ = try mirror.step()
        let forkDirectory = try TemporaryDirectory()
        let fork = try LogFixture(at: forkDirectory.ledgerPath, forking: log.ledger)
        try fork.append(400, tag: "fork")
        try FileManager.default.removeItem(atPath: published)
        try fork.publish(to: published, cosignedBy: witnesses)
        #expect(alert(&mirror) == .fork)
        #expect(try follower().checkpoint?.size == 301)
    }

    @Test func aRollbackIsAnAlert() throws {
        var mirror = try follower()
        _ = try mirror.step()
        let older = try TemporaryDirectory()
        let smaller = try LogFixture(at: older.ledgerPath, forking: log.ledger)
        try FileManager.default.removeItem(atPath: published)
        try smaller.publish(to: published, cosignedBy: witnesses)
        #expect(alert(&mirror) == .rollback)
    }

    @Test func tamperedTilesEntriesAndEventsAreAlerts() throws {
        let cases: [(String, LogFollower.Alert.Kind)] = [
            ("tile/0/000", .tiles), ("tile/entries/000", .events), ("events/001.p/45", .events),
        ]
        for (index, (path, kind)) in cases.enumerated() {
            let copy = directory.path + "/tampered-\(index)"
            try FileManager.default.copyItem(atPath: published, toPath: copy)
            var bytes = try TileSource(copy).read(path)
            bytes[40] ^= 0x01
            try StaticLog(directory: copy).write(bytes, to: path)
            var mirror = try LogFollower(
                source: TileSource(copy), policy: try log.policy(witnesses: witnesses, quorum: 2),
                copyDirectory: copy + "-mirror")
            let found = alert(&mirror)
            #expect(found == kind, "\(path): \(String(describing: found))")
            #expect(try mirror.copy.currentNote() == nil)
        }
    }

    @Test func publishingIntoAnotherLogsFolderIsRefused() throws {
        let other = try LogFixture(at: directory.path + "/other")
        #expect(throws: StaticLog.Problem.self) { try other.publish(to: published) }
    }
}
