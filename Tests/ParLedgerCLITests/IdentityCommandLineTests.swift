import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

/// Actors, keys and refusals, driven through the real `parledger` binary.
@Suite struct IdentityCommandLineTests {
    private struct Session {
        let directory: TemporaryDirectory

        func run(_ arguments: [String]) throws -> CLI.Outcome {
            try CLI.run(arguments + ["--ledger", directory.ledgerPath])
        }

        func key(_ name: String) -> String { directory.path + "/\(name).key" }

        /// Creates a key pair and enrols its owner, signed by the secretariat.
        func enrol(_ id: String, role: String, scope: String? = nil) throws {
            #expect(try CLI.run(["keygen", "--out", key(id)]).status == 0)
            var arguments = [
                "actor", "add", id, "--name", "Cán bộ \(id)", "--role", role, "--public-key", key(id) + ".pub",
                "--key", directory.secretariatKey,
            ]
            if let scope { arguments += ["--scope", scope] }
            let outcome = try run(arguments)
            try #require(outcome.status == 0, "enrolling \(id): \(outcome.error)")
        }

        func selfScore(by actor: String, unit: String, key keyFile: String? = nil) throws -> CLI.Outcome {
            try run([
                "score", "self", TemporaryDirectory.cycle, unit, "1.2", "2,5", "--explanation",
                "10/12 báo cáo đúng hạn",
                "--key", keyFile ?? key(actor),
            ])
        }
    }

    private func session() throws -> Session {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        return Session(directory: directory)
    }

    @Test func initEnrolsTheSecretariatWithAPrivateKeyFile() throws {
        let session = try session()
        let mode =
            try FileManager.default.attributesOfItem(atPath: session.directory.secretariatKey)[.posixPermissions]
            as? Int
        #expect(mode == 0o600)
        let shown = try session.run(["actor", "show", "so-noi-vu", "--json"])
        let actor = try JSONParser.parse(shown.output.trimmingCharacters(in: .newlines))
        #expect(actor["name"] == .string("Sở Nội vụ"))
        #expect(actor["grants"] == .array([.object(["role": .string("secretariat")])]))
        #expect(actor["status"] == .string("active"))
    }

    @Test func eachRoleDoesItsJobAndTheActorListShowsThem() throws {
        let session = try session()
        try session.enrol("can-bo-stc", role: "unit-officer", scope: "so-tai-chinh")
        try session.enrol("hoi-dong-1", role: "council-member")
        try session.enrol("ban-chi-dao", role: "steering-committee")
        #expect(
            try session.run([
                "council", "assign", TemporaryDirectory.cycle, "hoi-dong-1", "--department-fields", "1",
                "--key", session.directory.secretariatKey,
            ]).status == 0)
        #expect(
            try session.run([
                "spotcheck", "commit", TemporaryDirectory.cycle, "--secret-out", session.directory.path + "/bi-mat",
                "--key", session.key("ban-chi-dao"),
            ]).status == 0)
        #expect(try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh").status == 0)
        let exempt = try session.run([
            "score", "na", TemporaryDirectory.cycle, "so-tai-chinh", "1.1", "1.3", "1.4", "1.5", "1.6", "1.7",
            "2", "3", "4", "5", "6", "7", "--legal-basis", "Thử nghiệm", "--key", session.key("can-bo-stc"),
        ])
        #expect(exempt.status == 0, "\(exempt.error)")
        #expect(
            try session.run([
                "score", "submit", TemporaryDirectory.cycle, "so-tai-chinh", "--key", session.key("can-bo-stc"),
            ]).status == 0)
        let appraisal = try session.run([
            "appraise", TemporaryDirectory.cycle, "so-tai-chinh", "1.2", "2", "--reason", "Một báo cáo trễ hạn",
            "--key", session.key("hoi-dong-1"),
        ])
        #expect(appraisal.status == 0, "\(appraisal.error)")
        let list = try session.run(["actor", "list"])
        #expect(list.output.contains("can-bo-stc\tCán bộ can-bo-stc\tunit-officer (so-tai-chinh)\tactive"))
        #expect(list.output.contains("hoi-dong-1\tCán bộ hoi-dong-1\tcouncil-member\tactive"))
        #expect(try session.run(["verify"]).output.hasPrefix("OK: 24 events"))
    }

    @Test func refusalsAreClearAndAppendNothing() throws {
        let session = try session()
        try session.enrol("can-bo-stc", role: "unit-officer", scope: "so-tai-chinh")
        try session.enrol("hoi-dong-1", role: "council-member")
        let before = try session.directory.openLedger().head()

        let otherUnit = try session.selfScore(by: "can-bo-stc", unit: "so-y-te")
        #expect(otherUnit.status == 2)
        #expect(otherUnit.error.contains("not permitted: 'can-bo-stc' acts for so-tai-chinh only, not for 'so-y-te'"))

        let publishing = try session.run([
            "publish", TemporaryDirectory.cycle, "--decision", "123/QĐ-UBND", "--date", "2020-05-29",
            "--key", session.key("hoi-dong-1"),
        ])
        #expect(publishing.status == 2)
        #expect(publishing.error.contains("may not record ResultsPublished; that needs the role secretariat"))

        let enrolling = try session.run([
            "actor", "add", "x", "--name", "X", "--role", "auditor",
            "--public-key", session.key("hoi-dong-1") + ".pub", "--key", session.key("hoi-dong-1"),
        ])
        #expect(enrolling.status == 2)
        #expect(enrolling.error.contains("may not record ActorEnrolled"))

        #expect(try CLI.run(["keygen", "--out", session.key("stranger")]).status == 0)
        let unknown = try session.selfScore(by: "stranger", unit: "so-tai-chinh")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("belongs to no actor of this ledger"))

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: session.key("can-bo-stc"))
        let exposed = try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh")
        #expect(exposed.status == 2)
        #expect(exposed.error.contains("is readable by others (mode 644)"))
        #expect(exposed.error.contains("hint: restrict it with: chmod 600"))

        let noKey = try session.run(["score", "submit", TemporaryDirectory.cycle, "so-tai-chinh"])
        #expect(noKey.status == 2)
        #expect(noKey.error.contains("no signing key given"))

        #expect(try session.directory.openLedger().head() == before)
    }

    @Test func aRotatedOutKeyIsRefusedAndHistoryStillVerifies() throws {
        let session = try session()
        try session.enrol("can-bo-stc", role: "unit-officer", scope: "so-tai-chinh")
        #expect(try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh").status == 0)
        #expect(try CLI.run(["keygen", "--out", session.key("new")]).status == 0)
        let rotated = try session.run([
            "actor", "rotate-key", "can-bo-stc", "--public-key", session.key("new") + ".pub",
            "--key", session.key("can-bo-stc"),
        ])
        #expect(rotated.status == 0)
        let old = try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh")
        #expect(old.status == 2)
        #expect(old.error.contains("signature refused: key"))
        #expect(old.error.contains("of 'can-bo-stc' was rotated out at event 7"))
        #expect(try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh", key: session.key("new")).status == 0)
        #expect(try session.run(["verify"]).output.hasPrefix("OK: 8 events"))
        let shown = try session.run(["actor", "show", "can-bo-stc"])
        #expect(shown.output.contains("rotated out at event 7"))
    }

    @Test func aRevokedKeyAndASuspendedActorAreRefused() throws {
        let session = try session()
        try session.enrol("can-bo-stc", role: "unit-officer", scope: "so-tai-chinh")
        try session.enrol("hoi-dong-1", role: "council-member")
        let revoked = try session.run([
            "actor", "revoke", "can-bo-stc", "--current-key", "--reason", "máy tính bị mất",
            "--key", session.directory.secretariatKey,
        ])
        #expect(revoked.status == 0)
        let afterRevocation = try session.selfScore(by: "can-bo-stc", unit: "so-tai-chinh")
        #expect(afterRevocation.status == 2)
        #expect(afterRevocation.error.contains("was revoked at event 7: máy tính bị mất"))

        #expect(
            try session.run([
                "actor", "suspend", "hoi-dong-1", "--reason", "nghỉ hưu", "--key", session.directory.secretariatKey,
            ]).status == 0)
        let suspended = try session.run([
            "appraise", TemporaryDirectory.cycle, "so-tai-chinh", "--conclude", "--key", session.key("hoi-dong-1"),
        ])
        #expect(suspended.status == 2)
        #expect(suspended.error.contains("actor 'hoi-dong-1' is suspended"))
        #expect(try session.run(["verify"]).output.hasPrefix("OK: 8 events"))
    }

    @Test func grantingAndRevokingRolesChangesWhatAnActorMayDo() throws {
        let session = try session()
        try session.enrol("kiem-toan", role: "auditor")
        let secretariat = ["--key", session.directory.secretariatKey]
        #expect(
            try session.run(
                ["actor", "grant", "kiem-toan", "--role", "unit-officer", "--scope", "so-y-te"] + secretariat
            ).status == 0)
        #expect(try session.selfScore(by: "kiem-toan", unit: "so-tai-chinh").status == 2)
        #expect(try session.selfScore(by: "kiem-toan", unit: "so-y-te").status == 0)
        #expect(
            try session.run(
                ["actor", "revoke", "kiem-toan", "--role", "unit-officer", "--scope", "so-y-te"] + secretariat
            ).status == 0)
        #expect(try session.selfScore(by: "kiem-toan", unit: "so-y-te").status == 2)
        let unknownRole = try session.run(["actor", "grant", "kiem-toan", "--role", "mayor"] + secretariat)
        #expect(unknownRole.status == 2)
        #expect(unknownRole.error.contains("unknown role 'mayor'"))
    }
}
