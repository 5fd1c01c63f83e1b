import LMDB
public import LedgerFormat

extension Ledger {
    /// The actor `id` as the ledger's events define it now, or nil.
    public func actor(_ id: String) throws -> ActorRecord? {
        try storage("reading actor '\(id)'") { try environment.read { try actorRecord(id.nfc, in: $0) } }
    }

    /// The actor that `key` belongs to (now or in the past), or nil.
    public func actor(owning key: PublicKey) throws -> ActorRecord? {
        try storage("looking up key \(key.id)") {
            try environment.read { txn in
                guard let owner = try txn.value(for: Array(key.id.utf8), in: keys) else { return nil }
                return try actorRecord(String(decoding: owner, as: UTF8.self), in: txn)
            }
        }
    }

    /// Every actor, ordered by id.
    public func allActors() throws -> [ActorRecord] {
        try storage("listing actors") {
            try environment.read { txn in
                var found: [ActorRecord] = []
                try txn.forEach(in: actors) { current in
                    found.append(try ActorRecord(stored: current.value))
                    return true
                }
                return found
            }
        }
    }

    /// Checks who issued `command`, before anything of it is appended: the signature is present, the
    /// actor is enrolled and active, signed with its current key, the signature verifies, and the
    /// policy allows the command. Returns the signer as the ledger knows it.
    func authenticate(_ command: Command, signingBytes: [UInt8], next sequence: UInt64, in txn: Transaction) throws
        -> ActorRecord
    {
        let signer: ActorRecord
        if let known = try actorRecord(command.actor, in: txn) {
            signer = known
        } else if try txn.count(of: actors) == 0,
            let bootstrap = Self.bootstrapSigner(actor: command.actor, events: command.events)
        {
            signer = bootstrap
        } else {
            throw LedgerError.signatureRefused(reason: "unknown actor '\(command.actor)'")
        }
        try Self.checkSignature(command.signature, of: command.id, message: signingBytes, by: signer)
        try policy.authorize(command, by: signer)
        return signer
    }

    /// The signer of a command about to be signed, for a trial: what `authenticate` checks but the
    /// signature — an enrolled, active actor with a valid key (`keyID`, when given, must be it) whom
    /// the policy lets record these events.
    func authenticateUnsigned(_ command: Command, keyID: String?, in txn: Transaction) throws -> ActorRecord {
        guard let signer = try actorRecord(command.actor, in: txn) else {
            throw LedgerError.signatureRefused(reason: "unknown actor '\(command.actor)'")
        }
        // Every check of the signing key but the Ed25519 verification, on a placeholder signature.
        let placeholder = CommandSignature(keyID: keyID ?? signer.currentKey?.id ?? "", value: [0])
        _ = try Self.signingKey(placeholder, of: command.id, by: signer)
        try policy.authorize(command, by: signer)
        return signer
    }

    /// The first command of a ledger may be signed by an actor not yet enrolled: its own enrolment,
    /// signed with the key it enrols.
    /// The signer of a ledger's first command when it is a single enrolment of its own actor: the
    /// key and grant the enrolment names, read as little as needed to check the signature (FORMAT.md,
    /// Actors and keys). The enrolment's own rules (stream, name, role) are checked when it is applied,
    /// as for any later actor event, so a verifier names them `rule`, not `signature`.
    static func bootstrapSigner(actor: String, events: [EventDraft]) -> ActorRecord? {
        guard events.count == 1, let draft = events.first, draft.type == ActorEvent.enrolled,
            draft.payload["actor"]?.stringValue == actor, let role = draft.payload["role"]?.stringValue,
            let key = draft.payload["publicKey"]?.stringValue.flatMap({ CanonicalBase64.decode($0, count: 32) })
                .flatMap(PublicKey.init(rawRepresentation:))
        else { return nil }
        let scope: String?
        switch draft.payload["scope"] {
        case nil, .null?: scope = nil
        case .string(let text)?: scope = text
        default: return nil
        }
        return ActorRecord(
            id: actor, name: draft.payload["name"]?.stringValue ?? "", grants: [RoleGrant(role: role, scope: scope)],
            currentKey: key, retiredKeys: [:], status: .active, lastChangedAt: 0)
    }

    /// Refuses a command that is unsigned, from a suspended actor, signed by a key that is not the
    /// signer's current key, or whose signature does not verify.
    static func checkSignature(
        _ signature: CommandSignature?, of commandID: String, message: [UInt8], by signer: ActorRecord
    ) throws {
        let key = try signingKey(signature, of: commandID, by: signer)
        guard let signature, key.verifies(signature.value, of: message) else {
            throw LedgerError.signatureRefused(reason: signatureDoesNotVerify(of: commandID, key: key, by: signer.id))
        }
    }

    /// The key that must have made `signature`: every check of `checkSignature` but the Ed25519
    /// verification itself, which a chain walk runs on other cores.
    static func signingKey(_ signature: CommandSignature?, of commandID: String, by signer: ActorRecord) throws
        -> PublicKey
    {
        guard let signature, !signature.value.isEmpty else {
            throw LedgerError.signatureRefused(reason: "command '\(commandID)' is not signed")
        }
        guard signer.status == .active else {
            throw LedgerError.signatureRefused(reason: "actor '\(signer.id)' is suspended")
        }
        guard let key = signer.currentKey, key.id == signature.keyID else {
            if let why = signer.retiredKeys[signature.keyID] {
                throw LedgerError.signatureRefused(reason: "key \(signature.keyID) of '\(signer.id)' was \(why)")
            }
            if signer.currentKey == nil {
                throw LedgerError.signatureRefused(
                    reason: "actor '\(signer.id)' has no valid key (its key was revoked)")
            }
            throw LedgerError.signatureRefused(reason: "key \(signature.keyID) is not a key of '\(signer.id)'")
        }
        return key
    }

    static func signatureDoesNotVerify(of commandID: String, key: PublicKey, by signer: String) -> String {
        "the signature of command '\(commandID)' does not verify with key \(key.id) of '\(signer)'"
    }

    /// Applies an actor event to the `actors` and `keys` databases in the append's transaction.
    func applyActorEvent(_ draft: EventDraft, at sequence: UInt64, in txn: WriteTransaction) throws {
        let subject = try ActorEvent.subject(of: draft)
        if draft.type == ActorEvent.enrolled {
            var names: [String] = []
            try txn.forEach(in: actors) { current in
                names.append(try ActorRecord(stored: current.value).name)
                return true
            }
            try ActorEvent.checkNameIsDistinct(draft, from: names)
        }
        let updated = try ActorEvent.apply(draft, at: sequence, to: try actorRecord(subject, in: txn))
        try txn.put(updated.stored, for: Array(subject.utf8), in: actors)
        if let key = updated.currentKey {
            let keyID = Array(key.id.utf8)
            if let owner = try txn.value(for: keyID, in: keys), owner != Array(subject.utf8) {
                throw LedgerError.invalidCommand(
                    reason: "key \(key.id) already belongs to '\(String(decoding: owner, as: UTF8.self))'")
            }
            try txn.put(Array(subject.utf8), for: keyID, in: keys)
        }
    }

    func actorRecord(_ id: String, in txn: Transaction) throws -> ActorRecord? {
        try txn.value(for: Array(id.utf8), in: actors).map { try ActorRecord(stored: $0) }
    }
}

extension ActorRecord {
    /// The record as JSON: how the `actors` database stores it and `--json` shows it.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "name": .string(name), "status": .string(status.rawValue),
            "lastChangedAt": .integer(Int64(lastChangedAt)),
            "retiredKeys": .object(retiredKeys.mapValues(JSONValue.string)),
            "grants": .array(
                grants.map { grant in
                    var member: [String: JSONValue] = ["role": .string(grant.role)]
                    if let scope = grant.scope { member["scope"] = .string(scope) }
                    return .object(member)
                }),
        ]
        if let currentKey {
            object["currentKey"] = .object(["id": .string(currentKey.id), "publicKey": .string(currentKey.base64)])
        }
        return .object(object)
    }

    var stored: [UInt8] { CanonicalJSON.encode(json) }

    init(stored bytes: [UInt8]) throws {
        let value = try JSONParser.parse(bytes)
        guard let id = value["id"]?.stringValue, let name = value["name"]?.stringValue,
            let status = value["status"]?.stringValue.flatMap(Status.init(rawValue:)),
            let lastChangedAt = value["lastChangedAt"]?.integerValue,
            case .object(let retired)? = value["retiredKeys"], let grants = value["grants"]?.arrayValue
        else {
            throw LedgerError.corruptEvent(sequence: 0, reason: "a stored actor record is damaged; verify the ledger")
        }
        self.init(
            id: id, name: name,
            grants: grants.compactMap { grant in
                grant["role"]?.stringValue.map { RoleGrant(role: $0, scope: grant["scope"]?.stringValue) }
            },
            currentKey: value["currentKey"]?["publicKey"]?.stringValue.flatMap(PublicKey.init(base64:)),
            retiredKeys: retired.compactMapValues(\.stringValue), status: status,
            lastChangedAt: UInt64(lastChangedAt)
        )
    }
}
