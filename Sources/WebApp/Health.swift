import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import PARIndex

/// `/healthz` and `/readyz`, for a load balancer or a monitor, without a login and without an info
/// line in the log per call (`RequestLog.quiet`): whether the process answers at all, and whether it
/// should get traffic now.
struct Health {
    let scoring: ScoringLedger

    func register(on router: Router<WebContext>) {
        router.get("healthz") { _, _ in Self.text("ok\n", status: .ok) }
        router.get("readyz") { _, _ in
            let problems = await readiness()
            return problems.isEmpty
                ? Self.text("ready\n", status: .ok)
                : Self.text("not ready: " + problems.joined(separator: "; ") + "\n", status: .serviceUnavailable)
        }
    }

    /// What keeps the server from being ready now (empty when it is).
    func readiness() async -> [String] {
        let scoring = scoring
        do {
            let vitals = try await offloaded { try scoring.vitals() }
            return Readiness.problems(
                vitals, disk: DiskSpace.of(scoring.ledger.path), readOnly: scoring.ledger.projections.isReadOnly)
        } catch {
            return ["the ledger cannot be read: \(error)"]
        }
    }

    static func text(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The judgement of `/readyz` on what it read: the ledger can be read (else no vitals), written (not
/// opened read-only, its file system writable, room on the disk and in the map) and its scoring state
/// is in step with the head.
enum Readiness {
    /// At this share of the largest map LMDB may grow to (percent), the next writes may be refused.
    static let nearlyFullPercent = 90
    /// With less free space on the disk than this, the map cannot grow for the next writes.
    static let minimumFreeBytes = 64 << 20

    static func problems(_ vitals: LedgerVitals, disk: DiskSpace?, readOnly: Bool) -> [String] {
        var problems: [String] = []
        if readOnly { problems.append("the ledger is open read-only") }
        let storage = vitals.storage
        if storage.maximumMapSize > 0, storage.usedBytes * 100 >= storage.maximumMapSize * nearlyFullPercent {
            problems.append(
                "the ledger fills \(storage.usedBytes * 100 / storage.maximumMapSize)% of the largest map LMDB may grow to"
            )
        }
        if let disk {
            if disk.readOnly { problems.append("the file system holding the ledger is read-only") }
            if disk.freeBytes < minimumFreeBytes {
                problems.append("only \(disk.freeBytes >> 20) MiB free on the disk holding the ledger")
            }
        }
        if vitals.stateSequence < vitals.events {
            problems.append(
                "the scoring state is at event \(vitals.stateSequence), behind the ledger's head (\(vitals.events))")
        }
        return problems
    }
}

/// The free space and writability of the file system holding a path (`statvfs`).
struct DiskSpace: Equatable {
    let freeBytes: Int
    let readOnly: Bool

    /// Nil when the file system cannot be asked.
    static func of(_ path: String) -> DiskSpace? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return DiskSpace(
            freeBytes: Int(info.f_bavail) * Int(info.f_frsize), readOnly: info.f_flag & UInt(ST_RDONLY) != 0)
    }
}
