public import Foundation
public import Ledger
public import LedgerFormat
public import PARCore
public import PARIndex

/// The application service over one PAR ledger: an operation in, the command that records it (tried
/// before anyone signs, or signed and appended) out. Both front ends go through it, so what may be
/// done, by whom and when is answered in one place: the domain core.
public struct ScoringService: Sendable {
    public let scoring: ScoringLedger

    public init(_ scoring: ScoringLedger) {
        self.scoring = scoring
    }

    /// A command recording `operation` for `actor`, not signed: the documents it records (those
    /// `attached`, then the `uploaded` ones it cites) and the operation's events, made against the
    /// state of the province now.
    public func command(
        for operation: any PAROperation, by actor: String, attached: [PAREvents.EvidenceAdded] = [],
        uploaded: [String: PAREvents.EvidenceAdded] = [:], commandID: String = UUID().uuidString.lowercased(),
        expectedVersions: [String: ExpectedVersion] = [:]
    ) throws -> Command {
        let context = OperationContext(
            state: try scoring.state(), attached: attached, uploaded: uploaded,
            actor: { try scoring.ledger.actor($0) })
        let events = try operation.events(context)
        return Command(
            id: commandID, actor: actor, events: context.attached.map(\.draft) + events,
            expectedVersions: expectedVersions)
    }

    /// What the ledger says of `command` if its actor signed it now with `keyID` (their current key
    /// when nil): the events it would record, or it throws the refusal an append would throw
    /// (`RuleViolation`, `LedgerError`). Nothing is written.
    @discardableResult
    public func trial(_ command: Command, keyID: String? = nil) throws -> [RecordedEvent] {
        try scoring.trial(command, keyID: keyID)
    }

    /// Whether `actor` may do `operation` now: nil when the rules allow it, else why not, in the words
    /// a refusal of the append would use.
    public func refusal(of operation: any PAROperation, by actor: String, keyID: String? = nil) -> String? {
        do {
            try trial(try command(for: operation, by: actor), keyID: keyID)
            return nil
        } catch let violation as RuleViolation {
            return violation.reason
        } catch let error as LedgerError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    /// Why `actor` may not do `operation` now, as the person reads it: the refusal's Vietnamese text
    /// with the people it mentions named; nil when the rules allow it.
    public func vietnameseRefusal(of operation: any PAROperation, by actor: String, keyID: String? = nil) -> String? {
        do {
            try trial(try command(for: operation, by: actor), keyID: keyID)
            return nil
        } catch let error as any KindedError {
            let names = Dictionary(
                ((try? scoring.ledger.allActors()) ?? []).map { ($0.id, $0.name) },
                uniquingKeysWith: { first, _ in first })
            return error.vietnamese { names[$0] }
        } catch {
            return "Chưa xét được thao tác này: lỗi không lường trước; hãy báo quản trị viên."
        }
    }

    /// Signs the command recording `operation` with `key` (its actor is the key's owner) and appends it.
    @discardableResult
    public func perform(
        _ operation: any PAROperation, signedWith key: SigningKey, attached: [PAREvents.EvidenceAdded] = [],
        commandID: String = UUID().uuidString.lowercased(), expectedVersions: [String: ExpectedVersion] = [:]
    ) throws -> AppendResult {
        guard let signer = try scoring.ledger.actor(owning: key.publicKey) else {
            throw LedgerError.signatureRefused(reason: "the key \(key.publicKey.id) belongs to no actor of this ledger")
        }
        let command = try command(
            for: operation, by: signer.id, attached: attached, commandID: commandID,
            expectedVersions: expectedVersions)
        return try scoring.append(try scoring.ledger.sign(command, with: key))
    }
}
