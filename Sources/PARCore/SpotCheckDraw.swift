import Foundation
import Ledger
public import LedgerFormat

/// The documented spot-check draw that nobody can steer (FORMAT.md, Rules of the cycle): before any
/// appraisal, the steering committee commits to a secret (SHA-256 of 32 random bytes); after the
/// council closes appraisal, it reveals the secret, and the seed is SHA-256(secret ‖ hash of the
/// AppraisalClosed event), fixed before anyone could know the appraised results and by nothing
/// appended later. Units are ordered by SHA-256(seed ‖ unit id, UTF-8 NFC); the first
/// size = ceil(percent × units) are drawn. Anyone recomputes it from a bundle.
public enum SpotCheckDraw {
    public static let algorithm = "sha256(seed||unit)-ascending/v1"

    /// ceil(percent% of `count`), at least 1 when there are units.
    public static func sampleSize(units count: Int, percent: Points) -> Int {
        guard count > 0 else { return 0 }
        let numerator = Int64(count) * percent.hundredths
        return Int((numerator + 9_999) / 10_000)
    }

    /// The commitment to `secret`: its SHA-256.
    public static func commitment(to secret: [UInt8]) -> String { SHA256Digest.hex(secret) }

    /// The seed of the draw: SHA-256(secret ‖ the AppraisalClosed event's hash).
    public static func seed(secret: [UInt8], closedBy closure: EventHash) -> [UInt8] {
        SHA256Digest.bytes(secret + closure.bytes)
    }

    /// The first `size` of `units` in the order of SHA-256(seed ‖ id).
    public static func draw(seed: [UInt8], units: [String], size: Int) -> [String] {
        let ordered = units.map { id in (id, SHA256Digest.bytes(seed + Array(id.nfc.utf8))) }
            .sorted { $0.1.lexicographicallyPrecedes($1.1) }
        return ordered.prefix(size).map(\.0)
    }
}

extension ProvinceState {
    /// The draft of the draw for `kind`, revealing `secret` (whose commitment the cycle holds) once
    /// appraisal is closed.
    public func spotCheckDraw(cycle cycleID: String, kind: UnitKind, secret: [UInt8], adding added: [String]) throws
        -> EventDraft
    {
        guard let cycle = cycle(cycleID), let framework = frameworks(of: cycle)[kind] else {
            throw RuleViolation.notFound(
                "no cycle '\(cycleID)' with \(kind.plural)",
                vi: "Không có kỳ đánh giá '\(cycleID)' có \(VietnameseText.units(kind)).")
        }
        guard let closure = cycle.appraisalClosed, let closeHash = EventHash(hex: closure.hash) else {
            throw RuleViolation.stage(
                "the spot-check is drawn after the council closes the appraisal of '\(cycleID)'",
                vi: "Chỉ bốc thăm phúc tra sau khi Hội đồng khép lại việc thẩm định kỳ \(cycleName(cycleID)).")
        }
        let units = cycle.opened.units.filter { $0.kind == kind }.map(\.id)
        let seed = SpotCheckDraw.seed(secret: secret, closedBy: closeHash)
        let size = SpotCheckDraw.sampleSize(units: units.count, percent: framework.settings.spotCheckPercent)
        let payload = PAREvents.SpotCheckDrawn(
            cycle: cycleID, kind: kind, secret: hexString(secret), seed: hexString(seed),
            algorithm: SpotCheckDraw.algorithm,
            sampleSize: size,
            drawn: SpotCheckDraw.draw(seed: seed, units: units, size: size), added: added.map(\.nfc)
        )
        return payload.draft
    }

    /// The frameworks a cycle scores its units on, by kind.
    public func frameworks(of cycle: CycleRecord) -> [UnitKind: Framework] {
        var found: [UnitKind: Framework] = [:]
        for kind in UnitKind.allCases {
            if let id = cycle.frameworkID(for: kind), let framework = frameworks[id] { found[kind] = framework }
        }
        return found
    }
}
