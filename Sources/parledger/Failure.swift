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
    /// An error parledger did not expect: a bug (EX_SOFTWARE), never a failed verification.
    static let internalError = ExitCode(70)
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
    } catch let error as FileProblem {
        printError(error.description, hint: fileHint(error.code))
        throw ExitStatus.unavailable
    } catch let error as CocoaError where error.isFileError {
        let problem = FileProblem(operation: "using the file", path: error.filePath ?? "(unnamed)", code: FileProblem.systemCode(of: error))
        printError(problem.description, hint: fileHint(problem.code))
        throw ExitStatus.unavailable
    } catch let error as ByteReader.Malformed {
        printError("a stored record cannot be read: \(error.reason)", hint: "run 'parledger verify' and restore the ledger from a verified copy")
        throw ExitStatus.unavailable
    } catch let error as JSONParseError {
        printError(error.description, hint: "correct the JSON and retry; nothing was changed")
        throw ExitStatus.refused
    } catch let error as SeedTableImporter.ReadError {
        printError(error.description, hint: "correct the file and retry; nothing was changed")
        throw ExitStatus.refused
    } catch let error as FrameworkFormatError {
        printError(error.description, hint: "see schemas/framework.schema.json")
        throw ExitStatus.refused
    } catch let error as Points.ParseError {
        printError(error.description, hint: "write points such as 2,5 or 0.25, with at most two decimals")
        throw ExitStatus.refused
    } catch where error is ExitCode || error is ValidationError || error is CleanExit {
        throw error
    } catch {
        throw reportInternalError(error)
    }
}

/// Prints an error nothing above expected as a bug and returns its exit code (70), so that it is
/// never taken for a failed verification.
func reportInternalError(_ error: any Error) -> ExitCode {
    printError("internal error (a bug in parledger): \(String(reflecting: error))",
               hint: "nothing more was written; please report this with the command you ran")
    return ExitStatus.internalError
}

/// What to do about a file the system refused, by its errno.
func fileHint(_ code: Int32?) -> String? {
    switch code {
    case ENOSPC, EDQUOT: "the disk is full: free space and run the command again; nothing was half-written"
    case EACCES, EPERM: "check the permissions of that path"
    case EROFS: "that file system is read-only: choose a writable place"
    case ENOENT: "check that the path exists"
    case ENOTDIR, EISDIR: "check that the path names the right kind of file"
    default: nil
    }
}

func printError(_ message: String, hint: String?) {
    var text = "error: \(message)\n"
    if let hint { text += "hint: \(hint)\n" }
    FileHandle.standardError.write(Data(text.utf8))
}
