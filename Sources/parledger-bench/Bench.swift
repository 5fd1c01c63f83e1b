import ArgumentParser
import Foundation
import Glibc
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Scenarios

/// The workloads of `tools/bench` that need the library in-process: each subcommand times one
/// workload on a real LMDB directory and prints one JSON object (figures, and the process's peak
/// resident memory), which the script puts side by side with its baselines.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parledger-bench",
        abstract: "Time ParLedger's workloads for tools/bench; each prints one JSON object.",
        subcommands: [Append.self, Core.self, Durable.self, Rebuild.self, Latency.self, Views.self]
    )
}

struct Append: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create a ledger and append whole synthetic cycles of signed commands, about --batch events per write transaction.",
        discussion: "Example: parledger-bench append --ledger bench-results/ledger --events 1000000"
    )

    @Option(help: "The ledger directory to create.") var ledger: String
    @Option(help: "About how many events to append (whole cycles are kept whole).") var events = 1_000_000
    @Option(help: "How many cycles the events are spread over.") var cycles = 10
    @Option(help: "Events per write transaction (commands are never split).") var batch = 1_000
    @Option(help: "The frameworks directory.") var frameworks = "schemas/frameworks"
    @Option(help: "Also write every batch of signed commands appended to this file, for `core` (after the clock).")
    var recordCommands: String?
    @Option(help: "Store a snapshot of the state every this many events (besides each publication).")
    var snapshotInterval = ScoringLedger.defaultSnapshotInterval
    @Option(help: "Record every LMDB write of the ledger in this file, for `tools/bench_baseline.c replay`.")
    var writeTrace: String?
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        let loaded = try loadFrameworks(frameworks)
        let trace = try writeTrace.map { try LMDBWriteTrace(path: $0) }
        let scoring = try ScoringLedger.create(at: ledger, snapshotInterval: snapshotInterval) {
            $0.storage.writeObserver = trace
        }
        let perUnit = eventsPerUnit(loaded)
        let units = max(3, Int((Double(events) / Double(cycles * perUnit)).rounded()))
        let recording = try recordCommands.map { try CommandRecording.Writer(path: $0, ledgerID: scoring.ledger.id) }
        let workload = SyntheticCycles(
            scoring: scoring, frameworks: loaded, batchEvents: batch, recording: recording)
        let expected = UInt64(cycles * units * perUnit)
        try workload.run(cycles: cycles, unitsPerCycle: units) { done in
            if !quiet { FileHandle.standardError.write(Data("\rappend: \(done) of about \(expected) events".utf8)) }
        }
        if !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
        try KeyFile.write(workload.secretariatKey, to: (ledger as NSString).appendingPathComponent("secretariat.key"))
        let head = try scoring.ledger.head().count
        let bytes = try recordBytes(scoring.ledger, events: head)
        report([
            "events": .integer(Int64(workload.timedEvents)), "seconds": .seconds(workload.appendSeconds),
            "transactions": .integer(Int64(workload.transactions)), "ledgerEvents": .integer(Int64(head)),
            "cycles": .integer(Int64(cycles)), "unitsPerCycle": .integer(Int64(units)),
            "meanEventBytes": .integer(Int64(bytes)), "stateScores": .integer(Int64(try scoring.state().scoreCount)),
        ])
    }

    /// Roughly how many events one unit's cycle appends (evidence for 85% of criteria, self-score,
    /// appraisal, a tenth spot-checked, submission, conclusion, survey).
    private func eventsPerUnit(_ frameworks: [UnitKind: Framework]) -> Int {
        let assessed = frameworks.values.map { framework in framework.leaves.filter { $0.method == .assessed }.count }
        let mean = assessed.reduce(0, +) / max(1, assessed.count)
        return mean * 85 / 100 + mean + mean + mean / 10 + 3
    }

    /// The mean size of an event's canonical envelope, what the baselines store per record.
    private func recordBytes(_ ledger: Ledger, events: UInt64) throws -> Int {
        let sample = try ledger.events(from: max(1, events / 2), limit: 10_000)
        guard !sample.isEmpty else { return 0 }
        return sample.map { $0.canonicalEnvelope(includingHash: true).count }.reduce(0, +) / sample.count
    }
}

struct Core: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Append the commands an `append --record-commands` run recorded, in its batches, through the generic Ledger only.",
        discussion: """
            The signed envelope, the identity and role checks, the hash chain, streams and the Merkle tree, \
            without the PAR rules and projections; the batches the recorded run timed are timed, each \
            at the time it was recorded, so that the events and their hashes are the recorded ones.
            Example: parledger-bench core --commands bench-results/commands.txt --ledger bench-results/core
            """
    )

    @Option(help: "The ledger directory to create.") var ledger: String
    @Option(help: "The file `append --record-commands` wrote.") var commands: String

    func run() throws {
        let recording = try CommandRecording.Reader(path: commands)
        let clock = ReplayClock()
        var options = ScoringLedger.options(clock: clock)
        options.newLedgerID = recording.ledgerID
        let core = try Ledger.create(at: ledger, options: options)
        var (seconds, events, transactions) = (0.0, 0, 0)
        while let batch = try recording.next() {
            clock.time = batch.recordedAt
            let start = ContinuousClock.now
            let results = try core.append(batch: batch.commands)
            guard batch.timed else { continue }
            seconds += (ContinuousClock.now - start).seconds
            transactions += 1
            events += results.map(\.events.count).reduce(0, +)
        }
        let head = try core.head()
        guard let recorded = recording.head, recorded.count == head.count, recorded.hash == head.hash.hex else {
            throw ValidationError("the replayed ledger's head is not the recorded ledger's")
        }
        report([
            "events": .integer(Int64(events)), "seconds": .seconds(seconds),
            "transactions": .integer(Int64(transactions)), "ledgerEvents": .integer(Int64(head.count)),
        ])
    }
}

struct Durable: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append one-event signed commands, each in its own durable write transaction.",
        discussion: "Example: parledger-bench durable --ledger bench-results/durable --events 5000"
    )

    @Option(help: "The ledger directory to create.") var ledger: String
    @Option(help: "How many one-event commands.") var events = 5_000
    @Option(help: "The frameworks directory.") var frameworks = "schemas/frameworks"
    @Option(help: "Record every LMDB write of the ledger in this file, for `tools/bench_baseline.c replay`.")
    var writeTrace: String?

    func run() throws {
        let loaded = try loadFrameworks(frameworks)
        guard let framework = loaded[.department] else { throw ValidationError("no department framework") }
        let trace = try writeTrace.map { try LMDBWriteTrace(path: $0) }
        let scoring = try ScoringLedger.create(at: ledger) { $0.storage.writeObserver = trace }
        let secretariat = SigningKey()
        let officer = SigningKey()
        let unit = CycleUnit(id: "so-tai-chinh", name: "Sở Tài chính", kind: .department)
        try scoring.append(
            try Enrolment.genesis(
                "so-noi-vu", name: "Sở Nội vụ", key: secretariat, commandID: "enrol", on: scoring.ledger))
        let opened = PAREvents.CycleOpened(
            cycle: "bench", name: "Benchmark", year: 2019, frameworks: [.department: framework.id], units: [unit],
            selfAssessmentDeadline: Timestamp(iso8601: "2999-01-14T16:59:59Z") ?? Timestamp(millisecondsSinceEpoch: 0),
            previousCycle: nil)
        try scoring.append(
            try scoring.ledger.sign(
                Command(
                    id: "setup", actor: "so-noi-vu",
                    events: [
                        Enrolment.draft(
                            "can-bo", name: "Cán bộ Sở Tài chính", role: .unitOfficer, scope: unit.id,
                            publicKey: officer.publicKey),
                        PAREvents.FrameworkRegistered(framework: framework).draft,
                        opened.draft,
                    ]), with: secretariat))
        let leaves = framework.leaves.filter { $0.method == .assessed }
        let commands = try (0..<events).map { index in
            let leaf = leaves[index % leaves.count]
            let payload = PAREvents.SelfScoreRecorded(
                cycle: "bench", unit: unit.id, criterion: leaf.code, points: leaf.maxPoints.description,
                evidence: [], explanation: "Bản tự chấm lần \(index / leaves.count + 1)")
            return try scoring.ledger.sign(
                Command(
                    id: "self-\(index)", actor: "can-bo",
                    events: [
                        payload.draft
                    ]), with: officer)
        }
        let start = ContinuousClock.now
        for command in commands { try scoring.append(command) }
        report(["events": .integer(Int64(events)), "seconds": .seconds((ContinuousClock.now - start).seconds)])
    }
}

struct Rebuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute every projection from the events.",
        discussion: "Example: parledger-bench rebuild --ledger bench-results/ledger"
    )

    @Option(help: "The ledger directory.") var ledger: String

    func run() throws {
        let scoring = try ScoringLedger.open(at: ledger)
        let events = try scoring.ledger.head().count
        let start = ContinuousClock.now
        try scoring.rebuild()
        report(["events": .integer(Int64(events)), "seconds": .seconds((ContinuousClock.now - start).seconds)])
    }
}

struct Latency: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time trace (one criterion of one unit) and scores (one unit) on random units of every cycle.",
        discussion: "Example: parledger-bench latency --ledger bench-results/ledger --samples 1000"
    )

    @Option(help: "The ledger directory.") var ledger: String
    @Option(help: "How many queries of each kind.") var samples = 1_000

    func run() throws {
        let scoring = try ScoringLedger.open(at: ledger)
        let cycles = try scoring.cycles()
        guard !cycles.isEmpty else { throw ValidationError("the ledger has no cycles") }
        var random = SyntheticRandom(seed: 7)
        var traceTimes: [Duration] = []
        var scoresTimes: [Duration] = []
        var traced = 0
        for _ in 0..<samples {
            let cycle = cycles[random.below(cycles.count)]
            let unit = cycle.opened.units[random.below(cycle.opened.units.count)]
            var start = ContinuousClock.now
            let scores = try scoring.scores(cycle: cycle.opened.cycle, unit: unit.id)
            scoresTimes.append(ContinuousClock.now - start)
            let criterion = scores[random.below(scores.count)].0.code
            start = ContinuousClock.now
            traced += try scoring.trace(cycle: cycle.opened.cycle, unit: unit.id, criterion: criterion).count
            traceTimes.append(ContinuousClock.now - start)
        }
        report([
            "events": .integer(Int64(try scoring.ledger.head().count)), "samples": .integer(Int64(samples)),
            "traceEntries": .integer(Int64(traced)),
            "traceP50Seconds": .seconds(percentile(traceTimes, 50)),
            "traceP99Seconds": .seconds(percentile(traceTimes, 99)),
            "scoresP50Seconds": .seconds(percentile(scoresTimes, 50)),
            "scoresP99Seconds": .seconds(percentile(scoresTimes, 99)),
        ])
    }

    private func percentile(_ times: [Duration], _ percent: Int) -> Double {
        let sorted = times.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, (sorted.count * percent + 99) / 100 - 1)].seconds
    }
}

struct Views: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time views of the past: a random unit of a random cycle as of a random event, in one process.",
        discussion: """
            Each view is the state as of an event (`ScoringLedger.state(asOf:)`: the nearest snapshot, \
            then the events after it, in memory) and the unit's scores in it. One process serves them \
            all, keeping what a server keeps (a few decoded snapshots and views).
            Example: parledger-bench views --ledger bench-results/ledger --samples 200
            """
    )

    @Option(help: "The ledger directory.") var ledger: String
    @Option(help: "How many views.") var samples = 200

    func run() throws {
        let scoring = try ScoringLedger.open(at: ledger, readOnly: true)
        let cycles = try scoring.cycles()
        let head = try scoring.ledger.head().count
        guard !cycles.isEmpty else { throw ValidationError("the ledger has no cycles") }
        var random = SyntheticRandom(seed: 11)
        var times: [Duration] = []
        for _ in 0..<samples {
            let cycle = cycles[random.below(cycles.count)]
            let unit = cycle.opened.units[random.below(cycle.opened.units.count)]
            let sequence = cycle.openedAt + UInt64(random.below(Int(head - cycle.openedAt) + 1))
            let start = ContinuousClock.now
            _ = try scoring.state(asOf: sequence).unitScores(cycle: cycle.opened.cycle, unit: unit.id)
            times.append(ContinuousClock.now - start)
        }
        let sorted = times.sorted()
        func percentile(_ percent: Int) -> Double {
            sorted[min(sorted.count - 1, sorted.count * percent / 100)].seconds
        }
        report([
            "events": .integer(Int64(head)), "samples": .integer(Int64(samples)),
            "viewP50Seconds": .seconds(percentile(50)), "viewP99Seconds": .seconds(percentile(99)),
        ])
    }
}

private func loadFrameworks(_ directory: String) throws -> [UnitKind: Framework] {
    var loaded: [UnitKind: Framework] = [:]
    for (kind, name) in [(UnitKind.department, "departments"), (.district, "districts")] {
        let file = (directory as NSString).appendingPathComponent("dien-bien-2019-\(name).json")
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file); run from the repository's root or pass --frameworks DIR")
        }
        loaded[kind] = try Framework(json: try JSONParser.parse(Array(bytes)))
    }
    return loaded
}

/// A figure of a report: a count, or a duration in seconds (printed with microsecond precision).
private enum Figure {
    case integer(Int64)
    case seconds(Double)

    var json: String {
        switch self {
        case .integer(let value): String(value)
        case .seconds(let value): String(format: "%.6f", value)
        }
    }
}

/// Prints `figures` and the peak resident memory as one JSON object on standard output.
private func report(_ figures: [String: Figure]) {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    var all = figures
    all["maxRSSKiB"] = .integer(Int64(usage.ru_maxrss))
    print("{" + all.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.json)" }.joined(separator: ", ") + "}")
}
