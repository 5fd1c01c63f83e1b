import ArgumentParser
import Foundation
import LMDB
import Ledger
import PARIndex

/// The documented exit codes of `parledger` beyond 0 (success) and 64 (usage).
enum ExitStatus {
    static let verificationFailed = ExitCode(1)
    static let refused = ExitCode(2)
    static let unavailable = ExitCode(3)
    /// A bundle checked without a trust policy: consistent, but its authenticity is not established.
    static let untrusted = ExitCode(4)
}

/// A refusal detected by the CLI itself (a file it cannot read, a value it cannot parse).
struct InputError: Error, CustomStringConvertible {
    let description: String
    let hint: String?

    init(_ description: String, hint: String? = nil) {
        self.description = description
        self.hint = hint
    }
}

/// Runs a command's body, printing any failure as `error:` and `hint:` lines on standard error and
/// turning it into the documented exit code.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as LedgerError {
        printError(error.description, hint: error.hint)
        switch error {
        case .invalidCommand, .wrongExpectedVersion, .commandIDReused, .alreadyInitialized, .signatureRefused, .notPermitted, .outOfPlace,
            .outOfRange:
            throw ExitStatus.refused
        case .noLedger, .notALedger, .storage, .corruptEvent:
            throw ExitStatus.unavailable
        }
    } catch let error as RuleViolation {
        printError(error.description, hint: "see the rules in 'parledger --help' and correct the command")
        throw ExitStatus.refused
    } catch let error as EvidenceStore.Problem {
        printError(error.description, hint: "check the path; nothing was appended")
        throw ExitStatus.refused
    } catch let error as NoteVerifierKey.Problem {
        printError(error.description, hint: "check the note and the verifier key")
        throw ExitStatus.verificationFailed
    } catch let error as KeyFile.Problem {
        printError(error.description, hint: error.hint)
        throw ExitStatus.refused
    } catch let error as TrustPolicy.Problem {
        printError(error.description, hint: "use the trust policy file the province publishes ('parledger trust-policy' prints it)")
        throw ExitStatus.refused
    } catch let error as Receipt.Problem {
        printError(error.description, hint: nil)
        throw ExitStatus.verificationFailed
    } catch let error as InputError {
        printError(error.description, hint: error.hint)
        throw ExitStatus.refused
    } catch let error as LMDBError {
        printError(error.message, hint: nil)
        throw ExitStatus.unavailable
    }
}

func printError(_ message: String, hint: String?) {
    var text = "error: \(message)\n"
    if let hint { text += "hint: \(hint)\n" }
    FileHandle.standardError.write(Data(text.utf8))
}
