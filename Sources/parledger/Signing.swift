import Application
import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Transparency

/// The `--key` option of every command that appends: the private key that signs the command.
struct SigningOptions: ParsableArguments {
    @Option(
        name: .customLong("key"),
        help: ArgumentHelp("Your private key file (default: $PARLEDGER_KEY).", valueName: "file")
    )
    var keyFile: String?

    @Option(help: "The command id (idempotency key); a new random id when omitted.")
    var commandID: String?

    @Option(
        help: ArgumentHelp(
            "Write the command's receipt here: keep it to prove later that the log still holds it.", valueName: "file"))
    var receiptOut: String?

    /// Loads the key, refusing a file others may read.
    func loadKey() throws -> SigningKey {
        guard let path = keyFile ?? ProcessInfo.processInfo.environment["PARLEDGER_KEY"], !path.isEmpty else {
            throw InputError(
                "no signing key given",
                hint: "pass --key FILE or set PARLEDGER_KEY; create a key with 'parledger keygen --out FILE'")
        }
        return try KeyFile.read(path)
    }

    /// Signs the command recording `operation` (with the documents `attached`) as the actor owning
    /// the key and appends it, with every scoring rule checked (`ScoringService.perform`).
    func perform(
        _ operation: any PAROperation, on scoring: ScoringLedger, attached: [PAREvents.EvidenceAdded] = [],
        expectedVersions: [String: ExpectedVersion] = [:]
    ) throws -> AppendResult {
        let key = try loadKey()
        guard try scoring.ledger.actor(owning: key.publicKey) != nil else {
            throw InputError(
                "the key \(key.publicKey.id) belongs to no actor of this ledger",
                hint: "the secretariat enrols actors with 'parledger actor add'; check --key")
        }
        if let receiptOut, FileManager.default.fileExists(atPath: receiptOut) {
            throw InputError(
                "\(receiptOut) already exists", hint: "choose another --receipt-out; receipts are never overwritten")
        }
        let id = commandID ?? UUID().uuidString.lowercased()
        let result = try ScoringService(scoring).perform(
            operation, signedWith: key, attached: attached, commandID: id, expectedVersions: expectedVersions)
        if let receiptOut {
            let issued = try Receipt.issue(for: result.events, commandID: id, by: scoring.ledger)
            let (note, outcomes) = try WitnessClient.cosign(issued.checkpointNote, of: scoring.ledger)
            reportMissingCosignatures(
                outcomes, on: "the receipt's checkpoint",
                hint: "the command was appended; a receipt without the trust policy's quorum will not verify")
            let receipt = issued.withCheckpointNote(note)
            try Data(CanonicalJSON.encode(receipt.json)).write(
                to: URL(fileURLWithPath: receiptOut), options: .withoutOverwriting)
        }
        return result
    }
}

extension LedgerLocation {
    /// Opens the ledger as a PAR Index ledger (roles policy, scoring rules and projections), showing
    /// the progress of the rebuild that projections of an older version's format need first.
    func openScoring() throws -> ScoringLedger {
        let progress = ProgressReporter("rebuilding the projections in this version's format", quiet: false)
        var rebuilt = false
        let scoring = try ScoringLedger.open(
            at: path,
            rebuilding: { done, total in
                rebuilt = true
                progress.update(done, of: total)
            })
        if rebuilt { progress.finish() }
        return scoring
    }

    /// Opens the ledger for a command that only reads it: when its directory cannot be written (a
    /// read-only medium, or no permission), read-only, with a one-line warning on standard error.
    func openForReading() throws -> ScoringLedger {
        do {
            return try openScoring()
        } catch let LedgerError.storage(_, failure)
            where failure.kind == .readOnlyFileSystem || failure.kind == .permissionDenied
        {
            let scoring = try ScoringLedger.open(at: path, readOnly: true)
            let unlocked = scoring.ledger.projections.isWithoutLockFile ? ", without LMDB's lock file" : ""
            FileHandle.standardError.write(
                Data(
                    "warning: \(path) cannot be written (read-only medium or no permission); opened it read-only\(unlocked)\n"
                        .utf8))
            return scoring
        }
    }
}
