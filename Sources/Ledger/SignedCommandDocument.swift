public import LedgerFormat

/// A command's signing bytes as a document a signer holds apart from the log: a web page asks the
/// server to prepare a command, shows it, signs exactly these bytes with a key the server never
/// sees, and sends back the document and the signature. The server rebuilds the command from the
/// document and appends it only if the document is the command's canonical signing bytes.
public enum SignedCommandDocument {
    /// Why a document is not the signing bytes of a command for this ledger.
    public struct Problem: KindedError, Equatable {
        public let description: String
        public var kind: ErrorKind { .invalidInput }
        public var vietnamese: String {
            "Văn bản đã ký không đúng là lệnh đã chuẩn bị cho sổ cái này; hãy chuẩn bị và ký lại. Sổ cái không ghi gì."
        }
    }

    /// The signing bytes of `command` for `ledgerID`, with `basis` and `signedAt` set: the document to sign.
    public static func prepare(_ command: Command, ledgerID: String, basis: CommandBasis, at time: Timestamp) -> (
        command: Command, document: [UInt8]
    ) {
        var prepared = command
        prepared.basis = basis
        prepared.signedAt = time
        return (prepared, prepared.signingBytes(ledgerID: ledgerID))
    }

    /// The command `document` describes, signed with `signature` by the key `keyID`.
    ///
    /// - Throws: `Problem` unless `document` is exactly the canonical signing bytes of a command for
    ///   `ledgerID` with a basis and a signing time.
    public static func command(
        from document: [UInt8], ledgerID: String, keyID: String, signature: [UInt8]
    ) throws(Problem) -> Command {
        let value: JSONValue
        do {
            value = try JSONParser.parse(document)
        } catch {
            throw Problem(description: "the signed document is not JSON: \(error)")
        }
        guard case .object(let members) = value,
            Set(members.keys) == ["actor", "basis", "correlation", "events", "id", "ledger", "signedAt"],
            let actor = members["actor"]?.stringValue, let id = members["id"]?.stringValue,
            let correlation = members["correlation"]?.stringValue, let ledger = members["ledger"]?.stringValue,
            let signedAtText = members["signedAt"]?.stringValue, let signedAt = Timestamp(iso8601: signedAtText),
            let basisHash = members["basis"]?["hash"]?.stringValue, let hash = EventHash(hex: basisHash),
            let basisSequence = members["basis"]?["seq"]?.integerValue, basisSequence >= 0,
            let eventValues = members["events"]?.arrayValue, !eventValues.isEmpty
        else {
            throw Problem(description: "the signed document is not a command")
        }
        guard ledger == ledgerID else {
            throw Problem(description: "the signed document is meant for the ledger '\(ledger)', not this one")
        }
        var events: [EventDraft] = []
        for event in eventValues {
            guard case .object(let fields) = event, Set(fields.keys) == ["payload", "schemaVersion", "stream", "type"],
                let stream = fields["stream"]?.stringValue, let type = fields["type"]?.stringValue,
                let version = fields["schemaVersion"]?.integerValue, let schemaVersion = Int(exactly: version),
                let payload = fields["payload"]
            else {
                throw Problem(description: "an event of the signed document is malformed")
            }
            events.append(EventDraft(stream: stream, type: type, schemaVersion: schemaVersion, payload: payload))
        }
        var command = Command(id: id, actor: actor, events: events, correlationID: correlation)
        command.basis = CommandBasis(sequence: UInt64(basisSequence), hash: hash)
        command.signedAt = signedAt
        guard command.signingBytes(ledgerID: ledgerID) == document else {
            throw Problem(description: "the signed document is not in canonical form (FORMAT.md, Strict JSON)")
        }
        command.signature = CommandSignature(keyID: keyID, value: signature)
        return command
    }
}
