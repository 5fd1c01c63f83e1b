import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import Scenarios
import Transparency

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract:
            "Run realistic yearly cycles of a province on a new ledger: Điện Biên's 2019 and 2020, or An Giang's 2018.",
        discussion: """
            --province dien-bien (the default): Điện Biên's 18 departments and 10 districts, the 2019 cycle
            under scheme 1 and the 2020 cycle under the whole scheme (scheme 2). --province an-giang: the
            second province, An Giang's 2018 cycle under the whole scheme, its units from its 2018 plan
            (schemas/units/an-giang-2018.json), its tables labelled as examples.

            Creates DIR/ledger with actors for every role (their keys in DIR/keys), registers both
            frameworks, and runs each cycle end to end: self-assessments with evidence documents
            (written to DIR/documents, stored by hash in DIR/ledger/evidence), appraisal adjustments with reasons, the 10% spot-check draw, the survey
            import, publication, objections after publication (one accepted, one rejected), and a
            correction resolving the accepted one. It prints both rankings with
            the change on the year before, the trace of one adjusted score, the verification, and the
            export and verification of a certified bundle (DIR/bundle), and publishes the log as
            static tiles (DIR/tiles) for mirrors and monitors.
            The same seed gives the same ledger, hash for hash.

            Example:
              parledger demo --dir parledger-demo
              parledger ranking --cycle dien-bien-2020 --ledger parledger-demo/ledger
            """
    )

    @Option(
        name: [.customLong("dir"), .customLong("ledger")],
        help: ArgumentHelp(
            "Where to create the demo (must not exist); the ledger goes in DIR/ledger.", valueName: "dir"))
    var dir = "parledger-demo"
    @Option(help: ArgumentHelp("The frameworks directory.", valueName: "dir")) var frameworks = "schemas/frameworks"
    @Option(help: "The pseudo-random seed.") var seed: UInt64 = 2019
    @Flag(help: "Do not show progress.") var quiet = false
    @Option(help: "The province: dien-bien or an-giang.") var province = "dien-bien"

    func run() throws {
        try reportingFailures {
            guard !FileManager.default.fileExists(atPath: dir) else {
                throw InputError("\(dir) already exists", hint: "remove it, or choose another --dir")
            }
            guard let chosen = DemoProvince.named(province) else {
                throw InputError("no demo province '\(province)'", hint: "choose dien-bien or an-giang")
            }
            var loaded: [UnitKind: Framework] = [:]
            for (kind, name) in chosen.frameworkFiles.sorted(by: { $0.key.order < $1.key.order }) {
                let file = (frameworks as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: file) else {
                    throw InputError(
                        "cannot find \(file)", hint: "run the demo from the repository's root, or pass --frameworks DIR"
                    )
                }
                loaded[kind] = try loadFramework(file)
            }
            let progress = ProgressReporter("demo", quiet: quiet)
            let scenario = try DemoScenario(
                province: chosen, ledger: "\(dir)/ledger", seed: seed, frameworks: loaded,
                output: try DemoDirectory(dir),
                progress: { progress.update(UInt64($0), of: UInt64($1)) })
            try DemoTranscript(directory: dir, scenario: scenario).run(progress: progress)
        }
    }
}

/// The demo's directory: the actors' keys in DIR/keys and the units' evidence documents in DIR/documents.
private struct DemoDirectory: DemoOutput {
    let path: String

    init(_ path: String) throws {
        self.path = path
        for sub in ["keys", "documents"] {
            try FileManager.default.createDirectory(atPath: "\(path)/\(sub)", withIntermediateDirectories: true)
        }
    }

    func keep(_ key: SigningKey, of actor: String) throws { try KeyFile.write(key, to: "\(path)/keys/\(actor).key") }

    func keep(document name: String, content: [UInt8]) throws {
        try Data(content).write(to: URL(fileURLWithPath: "\(path)/documents/\(name)"))
    }
}

/// What the demo prints: each cycle as the scenario runs it, then a look at the result as a user would
/// (the rankings, one trace, the verification, the trust policy, the certified bundle, the tiles).
private struct DemoTranscript {
    let directory: String
    let scenario: DemoScenario
    var scoring: ScoringLedger { scenario.scoring }

    func run(progress: ProgressReporter) throws {
        let province = scenario.province
        print(
            "ParLedger demo: \(province.name) province, cycle\(province.years.count == 1 ? "" : "s") \(province.years.map(String.init).joined(separator: " and ")) (seed \(scenario.seed))"
        )
        let enrolled = try scenario.enrol()
        print(
            "Enrolled \(enrolled) actors and registered the two frameworks (\(province.frameworkFiles.sorted { $0.key.order < $1.key.order }.map(\.value).joined(separator: ", ")))"
        )
        var latestCycle: String?
        for year in scenario.province.years {
            let report = try scenario.runCycle(year)
            progress.finish()
            printCycle(report)
            latestCycle = report.plan.cycle
        }
        progress.finish()
        if let latestCycle { try printRankings(cycle: latestCycle) }
        if let traced = scenario.tracedScore { try printTrace(traced) }
        let report = try scoring.ledger.verify()
        print("\n$ parledger verify --ledger \(directory)/ledger")
        print(report.problem.map { "FAILED: \($0)" } ?? "OK: \(report.eventCount) events, head \(report.headHash.hex)")
        try exportAndVerifyBundle()
        try publishTiles()
        print(
            "\nThe ledger is in \(directory)/ledger, the actors' keys in \(directory)/keys, the certified bundle in \(directory)/bundle, the published log in \(directory)/tiles. Try:"
        )
        let years = province.years
        print("  parledger ranking --cycle \(province.cycle(years[0])) --ledger \(directory)/ledger")
        print(
            "  parledger trace \(province.lateUnit) --cycle \(province.cycle(years[years.count - 1])) --ledger \(directory)/ledger"
        )
        print("  python3 tools/verify_bundle.py \(directory)/bundle --trust \(directory)/trust-policy.txt")
        print(
            "  parledger monitor \(directory)/tiles --trust \(directory)/trust-policy.txt --state \(directory)/monitor --once"
        )
    }

    private func printCycle(_ report: DemoCycleReport) {
        let summary = report.summary
        let withdrawn = summary.withdrawals.map { "; \($0) withdrew and resubmitted its self-assessment" }.joined()
        let objected = summary.objections.map {
            "; \($0.filed.unit) objected (\($0.filed.objection)\($0.filed.criterion.map { " on \($0)" } ?? "")): \($0.answer.decision)"
        }.joined()
        let corrected = summary.corrections.map {
            "; then corrected \($0.unit) \($0.criterion) to \($0.points) by decision \($0.decision)\($0.objection.map { " resolving \($0)" } ?? "")"
        }.joined()
        print(
            "\nCycle \(report.plan.cycle): \(report.plan.units.count) units, \(report.events) events\(withdrawn); explanation requests: \(summary.explanationsAsked) (\(summary.explanationsAnswered) answered); \(summary.appraisalScores) appraisal adjustments; \(summary.surveyScores) survey scores; "
                + "spot-checked \(summary.spotChecked.joined(separator: ", ")); \(wholeScheme(of: report.plan.cycle))published by decision \(report.plan.decision)\(objected)\(corrected)"
        )
    }

    /// What a cycle of scheme 2 recorded beyond scheme 1, in words; empty for a cycle of scheme 1.
    private func wholeScheme(of cycle: String) -> String {
        guard let record = try? scoring.cycle(cycle), let body = record.councilBody else { return "" }
        let meetings = body.meetings.values.sorted { $0.sequence < $1.sequence }.map {
            "meeting \($0.held.meeting) of \($0.held.date) with \($0.held.attendees.count) present"
        }
        let votes = body.contests.values.sorted { $0.sequence < $1.sequence }.map {
            "\($0.unit) \($0.criterion) contested by \($0.by) and \($0.carried == true ? "changed" : "kept") by vote"
        }
        let approval = record.approval.map {
            "approved by \($0.actor) (\($0.signedAs)\($0.delegation.map { " under decision \($0)" } ?? ""))"
        }
        return
            (["scheme 2: heads signed the submissions", "council established by decision \(body.established.decision)"]
            + meetings + votes + [body.report == nil ? nil : "council report sent", approval].compactMap { $0 })
            .joined(separator: "; ") + "; "
    }

    private func printRankings(cycle: String) throws {
        for kind in try scoring.cycle(cycle)?.opened.units.kinds ?? [] {
            print("\n$ parledger ranking --cycle \(cycle) --kind \(kind.rawValue)")
            print("rank\tindex %\tchange\tplaces\tclass\tunit")
            for row in try scoring.ranking(cycle: cycle, kind: kind).rows {
                let result = row.result
                let change =
                    row.change.map {
                        ($0.indexPoints.hundredths >= 0 ? "+" : "") + $0.indexPoints.formatted(decimals: 2)
                    } ?? ""
                let places = row.change?.places.map { $0 > 0 ? "+\($0)" : "\($0)" } ?? ""
                print(
                    "\(result.rank.map(String.init) ?? "-")\t\(result.indexText)\t\(change)\t\(places)\t\(result.className)\t\(result.unit.name)"
                )
            }
        }
    }

    private func exportAndVerifyBundle() throws {
        let policy = try scoring.ledger.trustPolicy()
        print("\n$ parledger trust-policy --ledger \(directory)/ledger --out \(directory)/trust-policy.txt")
        try policy.text.write(toFile: "\(directory)/trust-policy.txt", atomically: true, encoding: .utf8)
        print(
            "Wrote the trust policy of ledger \(policy.ledgerID); log key fingerprint \(TrustPolicy.fingerprint(of: policy.log.publicKey))"
        )
        print("\n$ parledger export \(directory)/bundle --with-evidence")
        let summary = try CertifiedBundle.export(scoring, to: "\(directory)/bundle", withEvidence: true)
        print("Exported \(summary.events) events in \(summary.files) files; checkpoint root \(summary.rootHash)")
        print("\n$ parledger verify-bundle \(directory)/bundle --trust \(directory)/trust-policy.txt")
        let report = try BundleVerifier.verify("\(directory)/bundle", policy: policy)
        for check in report.checks { print("ok  \(check)") }
        print(report.failure.map { "FAILED [\($0.code.rawValue)] \($0.message)" } ?? "OK: the bundle verifies")
    }

    private func printTrace(_ traced: (cycle: String, unit: String, criterion: String)) throws {
        print("\n$ parledger trace \(traced.unit) \(traced.criterion) --cycle \(traced.cycle)")
        for entry in try scoring.trace(cycle: traced.cycle, unit: traced.unit, criterion: traced.criterion) {
            var line =
                "  event \(entry.event.sequence)  \(entry.event.recordedAt)  \(entry.stage) \(entry.before) → \(entry.after) by \(entry.event.actor)"
            if let reason = entry.reason { line += " — \(reason)" }
            if let evidence = entry.evidence.first {
                line += " [evidence \(evidence.name) \(evidence.sha256.prefix(12))…]"
            }
            print(line)
        }
    }

    /// The log as static tiles (C2SP tlog-tiles), as a province publishes it for mirrors and monitors;
    /// the demo configures no witness.
    private func publishTiles() throws {
        print("\n$ parledger tiles --ledger \(directory)/ledger --out \(directory)/tiles")
        let (checkpoint, note) = try scoring.signedCheckpoint()
        let publication = try StaticLog(directory: "\(directory)/tiles").publish(
            scoring.ledger, checkpoint: checkpoint, note: note)
        print("Published \(checkpoint.size) events to \(directory)/tiles (\(publication.files) files written)")
    }
}
