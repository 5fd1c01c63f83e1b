import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Scenarios

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new ledger with its first secretariat actor and that actor's key.",
        discussion: """
            The first event of every ledger is the enrolment of the secretariat (Sở Nội vụ), signed
            with the new key, which is written to --key-out (mode 0600) with its public key beside it
            (FILE.pub). Keep the private key safe: it enrols every other actor.

            Example:
              parledger init --ledger ./dien-bien --key-out so-noi-vu.key
            """
    )

    @OptionGroup var location: LedgerLocation

    @Option(help: ArgumentHelp("Where to write the secretariat's new private key.", valueName: "file"))
    var keyOut: String = "secretariat.key"

    @Option(help: "The secretariat actor's id.")
    var actor: String = "so-noi-vu"

    @Option(help: "The secretariat actor's display name.")
    var name: String = "Sở Nội vụ"

    func run() throws {
        try reportingFailures {
            guard !FileManager.default.fileExists(atPath: keyOut) else {
                throw InputError(
                    "\(keyOut) already exists", hint: "choose another --key-out; existing keys are never overwritten")
            }
            let scoring = try ScoringLedger.create(at: location.path)
            let ledger = scoring.ledger
            let key = SigningKey()
            try KeyFile.write(key, to: keyOut)
            try scoring.append(
                try Enrolment.genesis(actor, name: name, key: key, commandID: "enrol-\(actor)", on: ledger))
            print("Created a ledger in \(ledger.path) (id \(ledger.id))")
            print("Enrolled the secretariat '\(actor)' (\(name)) with key \(key.publicKey.id)")
            print("Private key: \(keyOut) (keep it safe); public key: \(keyOut).pub")
        }
    }
}
