public import LedgerFormat

/// A role held by an actor, limited to a scope (for instance one unit) or unlimited when `scope` is nil.
public struct RoleGrant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let role: String
    public let scope: String?

    public init(role: String, scope: String?) {
        self.role = role.nfc
        self.scope = scope?.nfc
    }

    public var description: String { scope.map { "\(role) (\($0))" } ?? role }

    public static func < (lhs: RoleGrant, rhs: RoleGrant) -> Bool {
        (lhs.role, lhs.scope ?? "") < (rhs.role, rhs.scope ?? "")
    }
}

/// Someone who may issue commands: who they are, what they may do, which key signs for them.
///
/// Actors exist only as events (`ActorEvent`); this record is what those events add up to at a
/// given position of the ledger.
public struct ActorRecord: Sendable, Hashable {
    /// Whether the actor may act.
    public enum Status: String, Sendable {
        case active
        case suspended
    }

    public let id: String
    public var name: String
    public var grants: [RoleGrant]
    /// The key that signs for the actor now; nil after its key was revoked and before a rotation.
    public var currentKey: PublicKey?
    /// Ids of the actor's earlier keys, with why each stopped being valid ("rotated" or "revoked").
    public var retiredKeys: [String: String]
    public var status: Status
    /// The sequence number of the event that last changed this record.
    public var lastChangedAt: UInt64

    /// Whether the actor holds `role`, whatever its scope.
    public func holds(_ role: String) -> Bool {
        grants.contains { $0.role == role }
    }
}

/// The event types that define actors, appended to the stream `actor/<id>`.
///
/// Payloads (all strings): ActorEnrolled `actor name role [scope] publicKey`; RoleGranted and
/// RoleRevoked `actor role [scope]`; KeyRotated `actor publicKey`; KeyRevoked `actor keyId reason`;
/// ActorSuspended `actor reason`.
public enum ActorEvent {
    public static let enrolled = "ActorEnrolled"
    public static let roleGranted = "RoleGranted"
    public static let roleRevoked = "RoleRevoked"
    public static let keyRotated = "KeyRotated"
    public static let keyRevoked = "KeyRevoked"
    public static let suspended = "ActorSuspended"

    public static let types: Set<String> = [enrolled, roleGranted, roleRevoked, keyRotated, keyRevoked, suspended]

    /// The stream holding one actor's events.
    public static func stream(of actor: String) -> String { "actor/\(actor.nfc)" }

    /// The draft of an enrolment.
    public static func enrolment(actor: String, name: String, grant: RoleGrant, publicKey: PublicKey) -> EventDraft {
        var payload: [String: JSONValue] = [
            "actor": .text(actor), "name": .text(name), "role": .text(grant.role),
            "publicKey": .string(publicKey.base64),
        ]
        if let scope = grant.scope { payload["scope"] = .text(scope) }
        return EventDraft(stream: stream(of: actor), type: enrolled, payload: .object(payload))
    }

    /// The draft of a role granted (`granted` true) or revoked.
    public static func role(_ grant: RoleGrant, of actor: String, granted: Bool) -> EventDraft {
        var payload: [String: JSONValue] = ["actor": .text(actor), "role": .text(grant.role)]
        if let scope = grant.scope { payload["scope"] = .text(scope) }
        return EventDraft(
            stream: stream(of: actor), type: granted ? roleGranted : roleRevoked, payload: .object(payload))
    }

    /// The draft of a key rotation.
    public static func rotation(of actor: String, to publicKey: PublicKey) -> EventDraft {
        EventDraft(
            stream: stream(of: actor), type: keyRotated,
            payload: .object(["actor": .text(actor), "publicKey": .string(publicKey.base64)]))
    }

    /// The draft of a key revocation.
    public static func revocation(of actor: String, keyID: String, reason: String) -> EventDraft {
        EventDraft(
            stream: stream(of: actor), type: keyRevoked,
            payload: .object(["actor": .text(actor), "keyId": .string(keyID), "reason": .text(reason)]))
    }

    /// The draft of a suspension.
    public static func suspension(of actor: String, reason: String) -> EventDraft {
        EventDraft(
            stream: stream(of: actor), type: suspended,
            payload: .object(["actor": .text(actor), "reason": .text(reason)]))
    }

    /// The actor an actor event is about, read from its payload.
    static func subject(of draft: EventDraft) throws -> String {
        guard let actor = draft.payload["actor"]?.stringValue, !actor.isEmpty else {
            throw LedgerError.invalidCommand(reason: "\(draft.type) needs an 'actor'")
        }
        guard draft.stream == stream(of: actor) else {
            throw LedgerError.invalidCommand(
                reason: "\(draft.type) for '\(actor)' must go to the stream '\(stream(of: actor))'")
        }
        return actor
    }

    /// Refuses an enrolment whose display name equals, or differs only in case from, the name of an
    /// actor already enrolled (`names` are theirs).
    static func checkNameIsDistinct(_ draft: EventDraft, from names: some Sequence<String>) throws {
        guard draft.type == ActorEvent.enrolled, let name = draft.payload["name"]?.stringValue else { return }
        let skeleton = DisplayName.skeleton(name)
        if let existing = names.first(where: { DisplayName.skeleton($0) == skeleton }) {
            throw LedgerError.invalidCommand(
                reason: "the name '\(name)' is confusable with the name of an enrolled actor, '\(existing)'")
        }
    }

    /// The record after `draft` (an actor event at `sequence`) applies to `record`.
    ///
    /// - Throws: `LedgerError.invalidCommand` when the event does not fit the record.
    static func apply(_ draft: EventDraft, at sequence: UInt64, to record: ActorRecord?) throws -> ActorRecord {
        let actor = try subject(of: draft)
        func text(_ key: String) throws -> String {
            guard let value = draft.payload[key]?.stringValue, !value.isBlank else {
                throw LedgerError.invalidCommand(
                    reason: "\(draft.type) for '\(actor)' needs a '\(key)' that is not blank")
            }
            return value
        }
        func key() throws -> PublicKey {
            guard
                let key = CanonicalBase64.decode(try text("publicKey"), count: 32).flatMap(
                    PublicKey.init(rawRepresentation:))
            else {
                throw LedgerError.invalidCommand(
                    reason:
                        "the publicKey of \(draft.type) for '\(actor)' is not the canonical base64 of a 32-byte Ed25519 key"
                )
            }
            return key
        }
        func grant() throws -> RoleGrant {
            let scope = draft.payload["scope"]
            guard scope == nil || scope?.stringValue != nil else {
                throw LedgerError.invalidCommand(reason: "the scope of \(draft.type) for '\(actor)' must be a unit id")
            }
            return RoleGrant(role: try text("role"), scope: scope?.stringValue)
        }
        if draft.type == ActorEvent.enrolled {
            guard record == nil else {
                throw LedgerError.invalidCommand(reason: "actor '\(actor)' is already enrolled")
            }
            if let problem = Slug.problem(actor, "actor") { throw LedgerError.invalidCommand(reason: problem) }
            if let problem = DisplayName.problem(try text("name"), "actor '\(actor)'") {
                throw LedgerError.invalidCommand(reason: problem)
            }
            return ActorRecord(
                id: actor, name: try text("name"), grants: [try grant()], currentKey: try key(),
                retiredKeys: [:], status: .active, lastChangedAt: sequence
            )
        }
        guard var updated = record else { throw LedgerError.invalidCommand(reason: "actor '\(actor)' is not enrolled") }
        switch draft.type {
        case ActorEvent.roleGranted:
            let granted = try grant()
            guard !updated.grants.contains(granted) else {
                throw LedgerError.invalidCommand(reason: "actor '\(actor)' already holds \(granted)")
            }
            updated.grants.append(granted)
            updated.grants.sort()
        case ActorEvent.roleRevoked:
            let revoked = try grant()
            guard let index = updated.grants.firstIndex(of: revoked) else {
                throw LedgerError.invalidCommand(reason: "actor '\(actor)' does not hold \(revoked)")
            }
            updated.grants.remove(at: index)
        case ActorEvent.keyRotated:
            let newKey = try key()
            guard newKey != updated.currentKey, updated.retiredKeys[newKey.id] == nil else {
                throw LedgerError.invalidCommand(
                    reason: "key \(newKey.id) was already used by '\(actor)'; rotate to a new key")
            }
            if let old = updated.currentKey { updated.retiredKeys[old.id] = "rotated out at event \(sequence)" }
            updated.currentKey = newKey
        case ActorEvent.keyRevoked:
            let keyID = try text("keyId")
            guard updated.currentKey?.id == keyID else {
                throw LedgerError.invalidCommand(reason: "key \(keyID) is not the current key of '\(actor)'")
            }
            updated.retiredKeys[keyID] = "revoked at event \(sequence): \(try text("reason"))"
            updated.currentKey = nil
        case ActorEvent.suspended:
            _ = try text("reason")
            guard updated.status == .active else {
                throw LedgerError.invalidCommand(reason: "actor '\(actor)' is already suspended")
            }
            updated.status = .suspended
        default:
            throw LedgerError.invalidCommand(reason: "\(draft.type) is not an actor event")
        }
        updated.lastChangedAt = sequence
        return updated
    }
}
