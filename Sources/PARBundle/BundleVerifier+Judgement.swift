import Ledger
import LedgerFormat
import PARCore
import PARIndex

extension BundleVerifier {
    /// What a verifier prints and exits with (FORMAT.md, Verdicts), the same for `parledger
    /// verify-bundle` and every other front end that judges bundles from files.
    public struct Judgement: Sendable {
        /// The `ok  …` lines of the checks that passed.
        public let checks: [String]
        /// `FAILED [<code>] …`, `UNTRUSTED: …` or `OK: the bundle verifies`.
        public let verdict: String
        /// The failure's code, when one failed.
        public let code: BundleVerdict.Code?
        /// 0 verified; 1 a check failed; 2 the trust policy or receipt cannot be read; 4 untrusted.
        public let exitCode: Int32
    }

    /// Reads the trust policy and receipt files (when given) and verifies the bundle against them.
    /// - Throws: only what is not the bundle's fault (see `verify`), and nothing for a receipt given
    ///   without a policy: the caller refuses that as a usage error first.
    public static func judge(
        _ directory: String, trustFile: String?, receiptFile: String?, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> Judgement {
        func refusal(_ code: BundleVerdict.Code, _ message: String) -> Judgement {
            Judgement(checks: [], verdict: "FAILED [\(code.rawValue)] \(message)", code: code, exitCode: 2)
        }
        let policy: TrustPolicy?
        let receipt: Receipt?
        do {
            policy = try trustFile.map { path throws(TrustPolicy.Problem) in try TrustPolicy(file: path) }
        } catch {
            return refusal(.trustPolicy, error.description)
        }
        do {
            receipt = try receiptFile.map { path throws(Receipt.Problem) in try Receipt(file: path) }
        } catch {
            return refusal(.receipt, error.description)
        }
        let report = try verify(directory, policy: policy, receipt: receipt, progress: progress)
        if let failure = report.failure {
            return Judgement(
                checks: report.checks, verdict: "FAILED [\(failure.code.rawValue)] \(failure.message)",
                code: failure.code, exitCode: 1)
        }
        if let fingerprint = report.untrustedFingerprint {
            return Judgement(
                checks: report.checks,
                verdict:
                    "UNTRUSTED: authenticity not established (no trust policy given); the log key in this bundle has fingerprint \(fingerprint); compare it with the one the province publishes",
                code: nil, exitCode: 4)
        }
        return Judgement(checks: report.checks, verdict: "OK: the bundle verifies", code: nil, exitCode: 0)
    }
}
