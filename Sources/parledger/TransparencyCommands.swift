import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import Logging
import PARBundle
import PARCore
import PARIndex
import Transparency
import TransparencyServers

/// `parledger tiles`: publish the ledger as a C2SP tlog-tiles log, cosigned by its witnesses.
struct TilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles",
        abstract: "Publish the ledger as static tiles (C2SP tlog-tiles) with a checkpoint its witnesses cosign.",
        discussion: """
            Signs a checkpoint of the whole ledger with the log key, sends it to each witness named in
            the ledger's witnesses.txt ('parledger witnesses add') with a consistency proof from what
            that witness last cosigned, attaches their cosignatures, and writes into OUT what the
            previous checkpoint there did not cover: hash tiles (tile/<L>/<N>), entry bundles
            (tile/entries/<N>: each event's 32-byte hash), event bundles (events/<N>: the events as
            canonical JSON lines) and, last, the checkpoint. Serve OUT with any static file server.

            Exit status: 0 when every configured witness cosigned; 3 when one did not (the tiles are
            still published, and each refusal is printed); 2 for a folder holding another log.

            Example:
              parledger tiles --ledger dien-bien --out /var/www/par/dien-bien
            """
    )
    @OptionGroup var location: LedgerLocation
    @Option(help: ArgumentHelp("The folder to publish into (created when missing).", valueName: "dir")) var out: String

    func run() throws {
        try reportingFailures {
            let scoring = try location.openForReading()
            let (checkpoint, signed) = try scoring.signedCheckpoint()
            let (note, outcomes) = try WitnessClient.cosign(signed, of: scoring.ledger)
            let publication: StaticLog.Publication
            do {
                publication = try StaticLog(directory: out).publish(scoring.ledger, checkpoint: checkpoint, note: note)
            } catch let problem as StaticLog.Problem {
                throw InputError(problem.description, hint: "each ledger publishes into a folder of its own")
            }
            print(
                "Published \(checkpoint.size) events to \(out) (\(publication.previousSize) before; \(publication.files) files written)"
            )
            try reportCosignatures(outcomes)
        }
    }
}

/// Prints which witnesses cosigned; exits 3 when one did not.
func reportCosignatures(_ outcomes: [WitnessClient.Outcome]) throws {
    guard !outcomes.isEmpty else {
        print("No witness is configured ('parledger witnesses add'): the checkpoint carries the log's signature only")
        return
    }
    let cosigned = outcomes.filter { $0.cosignature != nil }.map(\.witness.key.name)
    print(
        "Cosigned by \(cosigned.count) of \(outcomes.count) witnesses\(cosigned.isEmpty ? "" : ": " + cosigned.joined(separator: ", "))"
    )
    if reportMissingCosignatures(outcomes, on: "the checkpoint") { throw ExitStatus.unavailable }
}

/// Prints one error line per witness that did not cosign `what`, with why; true when there was one.
@discardableResult
func reportMissingCosignatures(_ outcomes: [WitnessClient.Outcome], on what: String, hint: String? = nil) -> Bool {
    let missing = outcomes.filter { $0.cosignature == nil }
    for outcome in missing {
        printError(
            "\(what) has no cosignature by \(outcome.witness.key.name): \(outcome.problem ?? "no answer")", hint: hint)
    }
    return !missing.isEmpty
}

/// `parledger witnesses`: which witnesses the ledger sends its checkpoints to.
struct WitnessesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witnesses",
        abstract: "The witnesses this ledger sends each checkpoint to (kept in witnesses.txt beside it).",
        subcommands: [Add.self, List.self, Remove.self],
        defaultSubcommand: List.self
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or replace, by name) a witness: its cosignature key and its URL.",
            discussion: """
                Example:
                  parledger witnesses add --ledger dien-bien --key "$(cat inspectorate.key.pub)" \\
                    --url https://witness.thanhtra.dienbien.gov.vn/
                """
        )
        @OptionGroup var location: LedgerLocation
        @Option(help: "The witness's verifier key (name+hash+base64, type 0x04).") var key: String
        @Option(help: "The witness's URL prefix (it answers POST <URL>/add-checkpoint).") var url: String

        func run() throws {
            try reportingFailures {
                _ = try location.openForReading()
                var configuration = try witnessConfiguration(location)
                let endpoint: WitnessConfiguration.Endpoint
                do { endpoint = try WitnessConfiguration.endpoint(key: key, url: url) } catch {
                    throw InputError("\(error)", hint: "the key is the .pub file 'parledger witness keygen' wrote")
                }
                try configuration.add(endpoint)
                print(
                    "Witness \(endpoint.key.name) at \(endpoint.url.absoluteString) added (\(configuration.witnesses.count) in all)"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the configured witnesses.")
        @OptionGroup var location: LedgerLocation

        func run() throws {
            try reportingFailures {
                let witnesses = try witnessConfiguration(location).witnesses
                if witnesses.isEmpty { print("No witness is configured.") }
                for witness in witnesses { print("\(witness.key) \(witness.url.absoluteString)") }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the witness of this name.")
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The witness's name.") var name: String

        func run() throws {
            try reportingFailures {
                var configuration = try witnessConfiguration(location)
                guard try configuration.remove(named: name) else {
                    throw InputError("no witness is named \(name)", hint: "'parledger witnesses list' shows them")
                }
                print("Witness \(name) removed")
            }
        }
    }
}

private func witnessConfiguration(_ location: LedgerLocation) throws -> WitnessConfiguration {
    do { return try WitnessConfiguration(ledgerDirectory: location.path) } catch {
        throw InputError("\(error)", hint: "correct witnesses.txt or use 'parledger witnesses add'")
    }
}

/// `parledger witness`: run a witness (C2SP tlog-witness) for other institutions' logs.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a witness that cosigns logs' checkpoints only when they extend what it saw (C2SP tlog-witness).",
        subcommands: [Keygen.self, Serve.self]
    )

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a witness key (its verifier key is written to FILE.pub).",
            discussion:
                "Example:\n  parledger witness keygen --name thanhtra.dienbien.gov.vn/witness --out inspectorate.key"
        )
        @Option(help: "The witness's name, a schema-less URL (no spaces or '+').") var name: String
        @Option(help: ArgumentHelp("The key file to create.", valueName: "file")) var out: String

        func run() throws {
            try reportingFailures {
                do {
                    let key = try WitnessKey(generatingFor: name)
                    try key.write(to: out)
                    print("Wrote the witness key to \(out) and its verifier key to \(out).pub:")
                    print(key.verifier)
                } catch let problem as WitnessKey.Problem {
                    throw InputError(problem.description, hint: nil)
                }
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve POST /add-checkpoint until Ctrl-C.",
            discussion: """
                The policy file lists the logs this witness cosigns, by their checkpoint keys:
                  parledger-witness-policy/1
                  log parledger/dien-bien+1a2b3c4d+AaBb…      ('parledger checkpoint verifier-key')
                The last checkpoint cosigned per log is kept in the state folder (LMDB), updated
                atomically and on disk before the cosignature is returned; refused checkpoints that
                the log did sign are kept there too, as evidence.

                Example:
                  parledger witness serve --key inspectorate.key --state witness-state --policy logs.txt --port 7380
                """
        )
        @Option(help: ArgumentHelp("The witness key file.", valueName: "file")) var key: String
        @Option(help: ArgumentHelp("The state folder (created when missing).", valueName: "dir")) var state: String
        @Option(help: ArgumentHelp("The logs this witness cosigns.", valueName: "file")) var policy: String
        @Option(help: "The address to listen on.") var host = "127.0.0.1"
        @Option(help: "The port to listen on (0: any free port).") var port = 7380

        func run() async throws {
            let witness = try reportingFailures {
                do {
                    return try Witness(
                        key: try WitnessKey(file: key), policy: try WitnessPolicy(file: policy), stateDirectory: state)
                } catch let problem as WitnessKey.Problem {
                    throw InputError(problem.description, hint: "create one with 'parledger witness keygen'")
                } catch let problem as WitnessPolicy.Problem {
                    throw InputError(problem.description, hint: "see 'parledger witness serve --help'")
                }
            }
            bootstrapLogging()
            let (name, host, logs) = (witness.key.verifier.name, host, witness.policy.logs.count)
            try await TransparencyServer.witness(
                witness, host: host, port: port, logger: Logger(label: "parledger.witness")
            ) { port in
                FileHandle.standardOutput.write(
                    Data(
                        "Witness \(name) cosigns \(logs) logs at http://\(host):\(port)/add-checkpoint (Ctrl-C to stop)\n"
                            .utf8))
            }.runService()
        }
    }
}

private func bootstrapLogging() {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .info
        return handler
    }
}

/// Options shared by `mirror` and `monitor`: what to follow and how often.
struct FollowOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The province's trust policy (log key, witnesses, quorum).", valueName: "file"))
    var trust: String
    @Flag(help: "Check once and exit instead of following.") var once = false
    @Option(help: "Seconds between two looks at the log.") var interval = 30

    func loadPolicy() throws -> TrustPolicy { try TrustPolicy(file: trust) }
}

/// `parledger mirror`: keep a verified copy of a tiled log and serve it.
struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Follow a tiled log (URL or folder), verify each checkpoint, and keep and serve a full copy.",
        discussion: """
            Each new checkpoint must be signed by the trust policy's log key, carry its quorum of
            witness cosignatures and extend what the copy holds; every entry must be the hash of its
            event line and the tree must have the checkpoint's root and the log's own tiles. Only
            then is anything written into DIR (tiles first, the checkpoint last), which any static
            server can serve, or this command itself with --listen. An inconsistency stops the
            mirror with an ALERT line and exit status 1; an unreachable source is retried.

            Example:
              parledger mirror https://par.dienbien.gov.vn/log/ mirror-dien-bien --trust trust-policy.txt --listen 127.0.0.1:8181
            """
    )
    @Argument(help: "The log: an http(s) URL prefix or a folder.") var source: String
    @Argument(help: "The folder holding the verified copy.") var dir: String
    @OptionGroup var follow: FollowOptions
    @Option(help: ArgumentHelp("Also serve the copy here.", valueName: "host:port")) var listen: String?

    func run() async throws {
        let policy = try reportingFailures { try follow.loadPolicy() }
        var follower = try reportingFailures {
            try LogFollower(source: TileSource(source), policy: policy, copyDirectory: dir)
        }
        guard let listen else {
            try await followLog(&follower, options: follow, label: "mirror") { _ in }
            return
        }
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--listen is host:port") }
        bootstrapLogging()
        let (host, copyDirectory, options) = (String(parts[0]), dir, follow)
        let following = follower
        // The copy is followed beside the server; an alert or a failure ends the whole process.
        Task {
            var follower = following
            do {
                try await followLog(&follower, options: options, label: "mirror") { _ in }
            } catch let status as ExitCode {
                Foundation.exit(status.rawValue)
            } catch {
                printError("\(error)", hint: nil)
                Foundation.exit(ExitStatus.unavailable.rawValue)
            }
        }
        try await TransparencyServer.tiles(
            in: copyDirectory, host: host, port: port, logger: Logger(label: "parledger.mirror")
        ) { port in
            FileHandle.standardOutput.write(Data("Mirror serving \(copyDirectory) at http://\(host):\(port)/\n".utf8))
        }.runService()
    }
}

/// `parledger monitor`: follow a log and raise an alert on any inconsistency.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Follow a tiled log and alert on a fork, a checkpoint without quorum or an event breaking a rule.",
        discussion: """
            Keeps a verified copy in the state folder (as a mirror does) and, after each new
            checkpoint, replays every event: the hash chain, every signature, every command in its
            place and every rule of the cycle, with the trust policy's genesis. On the first
            inconsistency it prints 'ALERT [<kind>] <what>' and the evidence (the signed
            checkpoints involved) and exits 1. Kinds: signature, quorum, fork, rollback, entries,
            tiles, events, rule.

            Example:
              parledger monitor https://par.dienbien.gov.vn/log/ --trust trust-policy.txt --state monitor-dien-bien
            """
    )
    @Argument(help: "The log: an http(s) URL prefix or a folder.") var source: String
    @Option(help: ArgumentHelp("The monitor's own folder (its verified copy).", valueName: "dir")) var state: String
    @OptionGroup var follow: FollowOptions

    func run() async throws {
        let policy = try reportingFailures { try follow.loadPolicy() }
        var follower = try reportingFailures {
            try LogFollower(source: TileSource(source), policy: policy, copyDirectory: state + "/copy")
        }
        let stateDirectory = state
        try await followLog(&follower, options: follow, label: "monitor") { follower in
            let events = stateDirectory + "/replay"
            try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
            try follower.writeEvents(to: events + "/events.jsonl")
            let report = try BundleVerifier.verifyEvents(in: events, policy: policy)
            if let failure = report.failure {
                throw LogFollower.Alert(.rule, "[\(failure.code.rawValue)] \(failure.message)")
            }
            say("ok  \(follower.checkpoint?.size ?? 0) events replayed: chain, signatures, commands and rules hold")
        }
    }
}

/// Steps `follower` until an alert (exit 1), or once with --once; `verify` checks what a step added.
private func followLog(
    _ follower: inout LogFollower, options: FollowOptions, label: String,
    verify: (LogFollower) throws -> Void
) async throws {
    while true {
        do {
            switch try follower.step() {
            case .unchanged(let size):
                if options.once { say("\(label): \(follower.source) unchanged at \(size) entries") }
            case .advanced(let from, let to):
                try verify(follower)
                let cosigners = (try? follower.policy.requireQuorum(of: follower.note ?? "")) ?? []
                say(
                    "\(label): \(follower.source) verified from \(from) to \(to) entries; cosigned by \(cosigners.isEmpty ? "no witness (quorum 0)" : cosigners.joined(separator: ", "))"
                )
            }
        } catch let alert as LogFollower.Alert {
            say(alert.description)
            for evidence in alert.evidence { say("evidence:\n" + evidence, terminator: "") }
            throw ExitStatus.verificationFailed
        } catch let unavailable as TileSource.Unavailable {
            if options.once {
                printError(unavailable.description, hint: "check the URL or folder; nothing was changed")
                throw ExitStatus.unavailable
            }
            printError("\(label): \(unavailable.description); retrying", hint: nil)
        }
        if options.once { return }
        try await Task.sleep(for: .seconds(options.interval))
    }
}

/// Writes `line` to standard output at once, unbuffered: a follower runs for days, its output often
/// goes to a file or a pipe, and a signal may stop it at any moment.
private func say(_ line: String, terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((line + terminator).utf8))
}
