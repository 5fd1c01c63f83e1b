import Crypto
import Foundation

/// What a verifier trusts, published by the province outside any bundle (FORMAT.md, Trust comes from
/// outside the bundle): the ledger's id, the hash of its first event, the log's checkpoint key, and
/// witness keys with a quorum. A verifier never trusts a key it found in what it verifies. A log whose
/// key was rotated lists its handovers (`LogHandover`), each signed by the key before it.
public struct TrustPolicy: Sendable, Hashable {
    public static let header = "parledger-trust-policy/1"
    public static let maximumBytes = 64 * 1024

    public let ledgerID: String
    public let genesis: EventHash
    /// The log's first key; `handovers` name the keys after it.
    public let log: NoteVerifierKey
    /// The log's key handovers, in order: each signed by the key before it, at a larger size.
    public let handovers: [LogHandover]
    public let witnesses: [NoteVerifierKey]
    public let quorum: Int

    public init(
        ledgerID: String, genesis: EventHash, log: NoteVerifierKey, handovers: [LogHandover] = [],
        witnesses: [NoteVerifierKey] = [], quorum: Int = 0
    ) {
        self.ledgerID = ledgerID
        self.genesis = genesis
        self.log = log
        self.handovers = handovers
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// Why a trust policy file was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the policy file at `path` (a regular file of at most 64 KiB).
    public init(file path: String) throws(Problem) {
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: Self.maximumBytes) } catch {
            throw Problem(description: error.description)
        }
        try self.init(parsing: bytes)
    }

    /// Reads a policy, refusing anything the format does not allow.
    public init(parsing bytes: [UInt8]) throws(Problem) {
        guard bytes.count <= Self.maximumBytes else {
            throw Problem(description: "the trust policy is larger than 64 KiB")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Problem(description: "the trust policy is not UTF-8")
        }
        guard text.hasSuffix("\n") else {
            throw Problem(description: "the trust policy's last line does not end in a newline")
        }
        var lines: [(number: Int, text: String)] = []
        var seen: Set<[UInt8]> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            if let control = line.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw Problem(
                    description:
                        "trust policy line \(index + 1): the control character U+\(String(control.value, radix: 16, uppercase: true)) (items are separated by single spaces)"
                )
            }
            if line.isEmpty || line.utf8.first == UInt8(ascii: "#") { continue }
            guard seen.insert(Array(line.utf8)).inserted else {
                throw Problem(description: "trust policy line \(index + 1): a repeated line")
            }
            lines.append((index + 1, String(line)))
        }
        guard let first = lines.first, SignedNote.sameName(first.text, Self.header) else {
            throw Problem(description: "the trust policy does not start with '\(Self.header)'")
        }
        lines.removeFirst()
        var ledgerID: String?
        var genesis: EventHash?
        var log: NoteVerifierKey?
        var witnesses: [NoteVerifierKey] = []
        var handoverNotes: [(number: Int, note: String)] = []
        var quorum: Int?
        for (number, line) in lines {
            let parts = line.splitScalars(" ")
            func refuse(_ why: String) -> Problem {
                Problem(description: "trust policy line \(number) ('\(line)'): \(why)")
            }
            guard parts.count == 2, !parts[1].isEmpty else {
                throw refuse("expected a keyword, one space and a value")
            }
            func key() throws(Problem) -> NoteVerifierKey {
                do { return try NoteVerifierKey(parsing: parts[1]) } catch { throw refuse(error.description) }
            }
            switch parts[0] {
            case "ledger":
                guard ledgerID == nil else { throw refuse("a second ledger line") }
                guard Slug.isValid(parts[1]) else { throw refuse("not a ledger id") }
                ledgerID = parts[1]
            case "genesis":
                guard genesis == nil else { throw refuse("a second genesis line") }
                guard let hash = EventHash(hex: parts[1]) else { throw refuse("not 64 lowercase hex digits") }
                genesis = hash
            case "log":
                guard log == nil else { throw refuse("a second log line") }
                log = try key()
                guard log?.kind == .ed25519 else { throw refuse("the log key must be an Ed25519 note key (type 0x01)") }
            case "log-handover":
                guard let bytes = CanonicalBase64.decode(parts[1]), let note = String(validating: bytes, as: UTF8.self)
                else { throw refuse("not the base64 of a UTF-8 signed note") }
                handoverNotes.append((number, note))
            case "witness":
                let witness = try key()
                guard witness.kind == .cosignature else {
                    throw refuse("a witness key must be a cosignature key (type 0x04, C2SP tlog-cosignature)")
                }
                guard !witnesses.contains(where: { SignedNote.sameName($0.name, witness.name) }) else {
                    throw refuse("a second witness named '\(witness.name)'")
                }
                // A v1 cosignature does not sign the witness's name: one key under two names would count twice.
                guard !witnesses.contains(where: { $0.publicKey == witness.publicKey }) else {
                    throw refuse("the key of another witness under a second name")
                }
                witnesses.append(witness)
            case "quorum":
                guard quorum == nil else { throw refuse("a second quorum line") }
                guard let value = Int(parts[1]), value >= 0, String(value) == parts[1] else {
                    throw refuse("not a number")
                }
                quorum = value
            default:
                throw refuse("unknown keyword '\(parts[0])'")
            }
        }
        guard let ledgerID, let genesis, let log, let quorum else {
            throw Problem(description: "the trust policy needs one ledger, genesis, log and quorum line each")
        }
        guard SignedNote.sameName(log.name, Checkpoint.origin(ledgerID: ledgerID)) else {
            throw Problem(
                description: "the log key is named '\(log.name)', not '\(Checkpoint.origin(ledgerID: ledgerID))'")
        }
        guard !witnesses.contains(where: { SignedNote.sameName($0.name, log.name) }) else {
            throw Problem(description: "a witness has the log key's name '\(log.name)'")
        }
        guard quorum <= witnesses.count else {
            throw Problem(description: "the quorum \(quorum) is more than the \(witnesses.count) witnesses named")
        }
        let handovers: [LogHandover]
        do { handovers = try LogKeyHistory.checked(from: log, handoverNotes).handovers } catch {
            throw Problem(description: "trust policy \(error.description)")
        }
        for key in handovers.map(\.newKey) where witnesses.contains(where: { $0.publicKey == key.publicKey }) {
            throw Problem(
                description: "a witness has the public key of the log key \(Self.fingerprint(of: key.publicKey))")
        }
        self.init(
            ledgerID: ledgerID, genesis: genesis, log: log, handovers: handovers, witnesses: witnesses, quorum: quorum)
    }

    /// The witnesses that validly cosign `note` (C2SP tlog-cosignature), once there are at least
    /// `quorum` of them.
    public func requireQuorum(of note: String) throws(Problem) -> [String] {
        let cosigners: [String]
        do { cosigners = try Cosignature.cosigners(of: note, among: witnesses) } catch {
            throw Problem(description: error.description)
        }
        guard cosigners.count >= quorum else {
            let valid = cosigners.isEmpty ? "none" : cosigners.joined(separator: ", ")
            throw Problem(
                description:
                    "\(cosigners.count) of the \(quorum) witnesses the trust policy needs cosign the checkpoint (valid: \(valid))"
            )
        }
        return cosigners
    }

    /// The policy as the file the province publishes.
    public var text: String {
        var lines = [
            Self.header,
            "# ParLedger trust policy: verify a certified bundle of this ledger against it, never against",
            "# a key found in the bundle. \(handovers.isEmpty ? "Log" : "First log") key fingerprint: \(Self.fingerprint(of: log.publicKey))",
            "ledger \(ledgerID)",
            "genesis \(genesis.hex)",
            "log \(log)",
        ]
        for handover in handovers {
            lines.append(
                "# From tree size \(handover.size) the log key is \(handover.newKey), fingerprint \(Self.fingerprint(of: handover.newKey.publicKey))"
            )
            lines.append("log-handover \(Data(handover.note.utf8).base64EncodedString())")
        }
        lines += witnesses.map { "witness \($0)" }
        lines.append("quorum \(quorum)")
        return lines.map { $0 + "\n" }.joined()
    }

    /// The fingerprint people compare by eye: the first 16 bytes of SHA-256 of the raw public key, in
    /// hex groups of four.
    public static func fingerprint(of key: PublicKey) -> String {
        let hex = key.id
        return stride(from: 0, to: hex.count, by: 4).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return String(hex[start..<hex.index(start, offsetBy: 4)])
        }.joined(separator: " ")
    }
}
