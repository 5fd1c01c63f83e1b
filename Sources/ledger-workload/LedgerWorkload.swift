import ArgumentParser
import Foundation
import Ledger
import LedgerFormat

/// Appends synthetic commands to a ledger and reports each one as soon as it is committed.
///
/// A driver for crash, concurrency and load tests: it prints `committed SEQ` (the command's last
/// sequence number) on standard output, flushed, after each durable commit, so that a test that
/// kills it knows exactly which events must have survived. Commands are signed with `--key`, whose
/// actor must be enrolled; on a new ledger the key's actor is enrolled first.
@main
struct LedgerWorkload: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-workload",
        abstract: "Append synthetic signed commands to a ledger, reporting each commit (for tests and benchmarks)."
    )

    @Option(help: "The ledger directory (created when missing).")
    var ledger: String

    @Option(help: "The private key that signs the commands.")
    var key: String

    @Option(help: "How many commands to append; 0 appends until the process is stopped.")
    var commands: Int = 100

    @Option(help: "Events per command.")
    var eventsPerCommand: Int = 1

    @Option(help: "Command ids are PREFIX-N, so that concurrent writers never collide.")
    var prefix: String = "workload"

    @Option(help: "The map size to open with, in bytes; small values make writers grow the map.")
    var initialMapSize: Int?

    func run() throws {
        var options = LedgerOptions(policy: AnyEnrolledActor())
        if let initialMapSize { options.storage.initialMapSize = initialMapSize }
        let signingKey = try KeyFile.read(key)
        let target: Ledger
        do {
            target = try Ledger.open(at: ledger, options: options)
        } catch LedgerError.noLedger {
            target = try Ledger.create(at: ledger, options: options)
            let enrolment = ActorEvent.enrolment(
                actor: "workload", name: "Synthetic workload", grant: RoleGrant(role: "secretariat", scope: nil),
                publicKey: signingKey.publicKey
            )
            try target.append(
                try target.sign(Command(id: "enrol-workload", actor: "workload", events: [enrolment]), with: signingKey)
            )
        }
        guard let actor = try target.actor(owning: signingKey.publicKey) else {
            throw ValidationError("the key \(signingKey.publicKey.id) belongs to no actor of \(ledger)")
        }
        var number = 0
        while commands == 0 || number < commands {
            number += 1
            let events = (1...eventsPerCommand).map { index in
                EventDraft(
                    stream: "\(prefix)/\(number % 7)",
                    type: "WorkloadEvent",
                    payload: .object([
                        "n": .integer(Int64(number)), "i": .integer(Int64(index)), "note": .text("Sở Nội vụ"),
                    ])
                )
            }
            let command = Command(id: "\(prefix)-\(number)", actor: actor.id, events: events)
            let result = try target.append(try target.sign(command, with: signingKey))
            if let last = result.events.last {
                FileHandle.standardOutput.write(Data("committed \(last.sequence)\n".utf8))
            }
        }
    }
}

/// Lets any enrolled, active actor with a valid signature append anything: synthetic load only.
struct AnyEnrolledActor: AuthorizationPolicy {
    func authorize(_ command: Command, by actor: ActorRecord) throws {}
}
