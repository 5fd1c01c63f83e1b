import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `parledger serve` as an operator runs it: it says where it listens, answers, and stops cleanly on
/// SIGTERM (requests finish, the ledger is closed, exit 0); a missing ledger, and network options that
/// mean nothing, are refused before listening.
@Suite struct ServeCommandLineTests {
    @Test func serveAnswersOnItsPortAndStopsCleanlyOnSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let output = directory.path + "/serve.out"
        let server = try CLI.start(
            ["serve", "--ledger", directory.ledgerPath, "--port", "0"], program: "parledger", outputFile: output)
        defer { if server.isRunning { server.terminate() } }
        var address: String?
        for _ in 0..<100 where address == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            address = text.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }.map(String.init)
        }
        let base = try #require(address, "serve printed no address")
        let (body, response) = try await URLSession.shared.data(from: URL(string: base + "api/ledger")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"size\":1"))
        kill(server.processIdentifier, SIGTERM)
        for _ in 0..<100 where server.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.isRunning, "serve did not stop within 10 s of SIGTERM")
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
    }

    @Test func serveRefusesADirectoryThatIsNoLedger() throws {
        let directory = try TemporaryDirectory()
        let outcome = try CLI.run(["serve", "--ledger", directory.path + "/none", "--port", "0"])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("none"))
    }

    @Test func serveRefusesProxiesLimitsAndTimeoutsThatMeanNothing() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        for (options, says) in [
            (["--trusted-proxy", "localhost"], "'localhost' is not an IP address or a CIDR range"),
            (["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/33"], "a number from 0 to 32"),
            (["--trusted-proxy", "10.1.2.3/8"], "the range is written 10.0.0.0/8"),
            (["--page-limit=-1"], "--page-limit and --download-limit"),
            (["--download-limit=-5"], "--page-limit and --download-limit"),
            (["--idle-timeout", "0"], "--idle-timeout is a number of seconds"),
        ] {
            let outcome = try CLI.run(["serve", "--ledger", directory.ledgerPath, "--port", "0"] + options)
            #expect(outcome.status == 64, "\(options)")
            #expect(outcome.error.contains(says), "\(options): \(outcome.error)")
        }
    }
}
