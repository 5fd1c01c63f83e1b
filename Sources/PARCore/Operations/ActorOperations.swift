package import Ledger
public import LedgerFormat

/// The operations on actors: enrolment, roles, keys and suspension (the secretariat's, or an
/// actor's own key rotation).
public struct EnrolActor: PAROperation {
    public static let name = "enrol"
    public let actor: String
    public let name: String
    public let role: String
    /// The unit the role is limited to.
    public let scope: String?
    /// The Ed25519 public key in base64, as a key's .pub file gives it.
    public let publicKey: String

    public init(actor: String, name: String, role: String, scope: String?, publicKey: String) {
        (self.actor, self.name, self.role, self.scope, self.publicKey) = (actor, name, role, scope, publicKey)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let key = PublicKey(base64: publicKey) else {
            throw RuleViolation(
                "the public key is 32 bytes in base64, as the key's .pub file or the page gives it",
                vi: "Khoá công khai là 32 byte viết dạng base64, như trong tệp .pub của khoá hoặc trang web cung cấp.")
        }
        let grant = try context.state.grant(role: role, scope: scope)
        return [ActorEvent.enrolment(actor: actor, name: name, grant: grant, publicKey: key)]
    }
}

public struct GrantRole: PAROperation {
    public static let name = "grant-role"
    public let actor: String
    public let role: String
    public let scope: String?

    public init(actor: String, role: String, scope: String?) {
        (self.actor, self.role, self.scope) = (actor, role, scope)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [ActorEvent.role(try context.state.grant(role: role, scope: scope), of: actor, granted: true)]
    }
}

public struct RevokeRole: PAROperation {
    public static let name = "revoke-role"
    public let actor: String
    public let role: String
    public let scope: String?

    public init(actor: String, role: String, scope: String?) {
        (self.actor, self.role, self.scope) = (actor, role, scope)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            ActorEvent.role(
                RoleGrant(role: role, scope: scope.flatMap { $0.isEmpty ? nil : $0 }), of: actor, granted: false)
        ]
    }
}

/// Revokes an actor's current key: it signs nothing from then on.
public struct RevokeKey: PAROperation {
    public static let name = "revoke-key"
    public let actor: String
    public let reason: String

    public init(actor: String, reason: String) { (self.actor, self.reason) = (actor, reason) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let record = try context.actor(actor) else {
            throw RuleViolation.notFound("no actor '\(actor)' in this ledger", vi: "Sổ cái không có cán bộ '\(actor)'.")
        }
        guard let key = record.currentKey else {
            throw RuleViolation.stage(
                "'\(actor)' has no current key to revoke; give it a new key first",
                vi: "\(actor) không có khoá hiện hành để thu hồi; hãy cấp khoá mới trước.", actors: [actor])
        }
        return [ActorEvent.revocation(of: actor, keyID: key.id, reason: reason)]
    }
}

public struct RotateKey: PAROperation {
    public static let name = "rotate-key"
    public let actor: String
    /// The new Ed25519 public key in base64.
    public let publicKey: String

    public init(actor: String, publicKey: String) { (self.actor, self.publicKey) = (actor, publicKey) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let key = PublicKey(base64: publicKey) else {
            throw RuleViolation(
                "the public key is 32 bytes in base64, as the key's .pub file gives it",
                vi: "Khoá công khai là 32 byte viết dạng base64, như trong tệp .pub của khoá.")
        }
        return [ActorEvent.rotation(of: actor, to: key)]
    }
}

/// A person who lost their private key gets a new one, as the secretariat approves their request:
/// the old key is revoked (an event everyone sees, so nothing it signs later counts) and the new one
/// given, in one command.
public struct ReplaceLostKey: PAROperation {
    public static let name = "replace-lost-key"
    public let actor: String
    /// The new Ed25519 public key in base64, made in the person's browser.
    public let publicKey: String
    public let reason: String

    public init(actor: String, publicKey: String, reason: String) {
        (self.actor, self.publicKey, self.reason) = (actor, publicKey, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        guard let record = try context.actor(actor) else {
            throw RuleViolation.notFound(
                "no actor '\(actor)' in this ledger", vi: "Sổ cái không có cán bộ nào mang mã '\(actor)'.")
        }
        guard let key = PublicKey(base64: publicKey) else {
            throw RuleViolation(
                "the public key is 32 bytes in base64, as the key's .pub file gives it",
                vi: "Khoá công khai mới không hợp lệ: phải là 32 byte viết bằng base64, như tệp .pub của khoá.")
        }
        let revocation = record.currentKey.map { ActorEvent.revocation(of: actor, keyID: $0.id, reason: reason) }
        return (revocation.map { [$0] } ?? []) + [ActorEvent.rotation(of: actor, to: key)]
    }
}

public struct SuspendActor: PAROperation {
    public static let name = "suspend"
    public let actor: String
    public let reason: String

    public init(actor: String, reason: String) { (self.actor, self.reason) = (actor, reason) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [ActorEvent.suspension(of: actor, reason: reason)]
    }
}

extension ProvinceState {
    /// The grant `role` and `scope` ask for, refusing an unknown role, and a scope that is not a unit
    /// of any cycle once cycles list units.
    package func grant(role: String, scope: String?) throws -> RoleGrant {
        guard Role(rawValue: role) != nil else {
            throw RuleViolation(
                "unknown role '\(role)'; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))",
                vi:
                    "Không có vai trò '\(role)'; các vai trò là \(Role.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        let scope = scope.flatMap { $0.isEmpty ? nil : $0 }
        if let scope {
            if let violation = RuleViolation.invalidID(scope, "scope", vi: "phạm vi") { throw violation }
            let units = Set(cycles.values.flatMap { $0.record.opened.units.map(\.id) })
            if !units.isEmpty, !units.contains(scope.nfc) {
                throw RuleViolation.notFound(
                    "the scope '\(scope)' is not a unit of any cycle of this ledger; the units are: \(units.sorted().joined(separator: ", "))",
                    vi: "Phạm vi '\(scope)' không phải là đơn vị của kỳ đánh giá nào trong sổ cái này."
                )
            }
        }
        return RoleGrant(role: role, scope: scope)
    }
}
