import Foundation
import TestSupport
import Testing

/// The read models' JSON (what the CLI prints with --json and the web will serve) follows the
/// schemas documented in schemas/read-models/, checked by an independent JSON Schema validator.
@Suite struct ReadModelSchemaTests {
    @Test func rankingScoresTraceCycleStatusAndProofsFollowTheirSchemas() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let ledger = ["--ledger", directory.ledgerPath]
        let cycle = TemporaryDirectory.cycle
        #expect(try CLI.run(["keygen", "--out", directory.path + "/stc.key"]).status == 0)
        #expect(
            try CLI.run(
                [
                    "actor", "add", "can-bo-stc", "--name", "Cán bộ Sở Tài chính", "--role", "unit-officer", "--scope",
                    "so-tai-chinh",
                    "--public-key", directory.path + "/stc.key.pub", "--key", directory.secretariatKey,
                ] + ledger
            ).status == 0)
        #expect(
            try CLI.run(
                [
                    "score", "self", cycle, "so-tai-chinh", "1.2", "2,5", "--explanation", "10/12 báo cáo",
                    "--key", directory.path + "/stc.key",
                ] + ledger
            ).status == 0)
        let outputs: [(String, [String])] = [
            ("ranking", ["ranking", "--cycle", cycle, "--json"]),
            ("unit-scores", ["scores", cycle, "so-tai-chinh", "--json"]),
            ("trace", ["trace", "so-tai-chinh", "1.2", "--cycle", cycle, "--json"]),
            ("cycle-status", ["cycle", "show", cycle, "--json"]),
            ("inclusion-proof", ["prove", "inclusion", "3", "--json"]),
            ("consistency-proof", ["prove", "consistency", "2", "--json"]),
        ]
        for (schema, command) in outputs {
            let outcome = try CLI.run(command + ledger)
            #expect(outcome.status == 0, "\(command): \(outcome.error)")
            let file = directory.path + "/\(schema).json"
            try Data(outcome.output.utf8).write(to: URL(fileURLWithPath: file))
            let check = try CLI.run(
                ["python3", "-c", Self.validator, Repository.file("schemas/read-models/\(schema).schema.json"), file],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(check.status == 0, "\(schema): \(check.output)\(check.error)")
        }
    }

    private static let validator = """
        import json, sys, jsonschema
        schema, document = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:3])
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
        """
}
