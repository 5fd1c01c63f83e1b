import Application
import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
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
@discardableResult
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LedgerError {
        printError(error.description, hint: hint(for: error))
        throw exitStatus(for: error.kind)
    } catch let error as RuleViolation {
        printError(error.description, hint: hint(for: error.kind))
        throw exitStatus(for: error.kind)
    } catch let error as EvidenceStore.Problem {
        printError(error.description, hint: "check the path; nothing was appended")
        throw ExitStatus.refused
    } catch let error as NoteVerifierKey.Problem {
        printError(error.description, hint: "check the note and the verifier key")
        throw ExitStatus.verificationFailed
    } catch let error as KeyFile.Problem {
        printError(error.description, hint: hint(for: error))
        throw ExitStatus.refused
    } catch let error as TrustPolicy.Problem {
        printError(
            error.description,
            hint: "use the trust policy file the province publishes ('parledger trust-policy' prints it)")
        throw ExitStatus.refused
    } catch let error as Receipt.Problem {
        printError(error.description, hint: nil)
        throw ExitStatus.verificationFailed
    } catch let error as LedgerBackup.Problem {
        printError(error.description, hint: "'parledger backup verify DIR' checks a backup; nothing was changed")
        throw ExitStatus.verificationFailed
    } catch let error as LedgerRecovery.Problem {
        printError(
            error.description, hint: "nothing was restored; README, Operations: recover a province whose server died")
        throw error.kind == .integrity ? ExitStatus.verificationFailed : exitStatus(for: error.kind)
    } catch let error as InputError {
        printError(error.description, hint: error.hint)
        throw ExitStatus.refused
    } catch let error as FileProblem {
        printError(error.description, hint: fileHint(error.code))
        throw ExitStatus.unavailable
    } catch let error as CocoaError where error.isFileError {
        let problem = FileProblem(
            operation: "using the file", path: error.filePath ?? "(unnamed)", code: FileProblem.systemCode(of: error))
        printError(problem.description, hint: fileHint(problem.code))
        throw ExitStatus.unavailable
    } catch let error as ByteReader.Malformed {
        printError(
            "a stored record cannot be read: \(error.reason)",
            hint: "run 'parledger verify' and restore the ledger from a verified copy")
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
    } catch  where error is ExitCode || error is ValidationError || error is CleanExit {
        throw error
    } catch {
        throw reportInternalError(error)
    }
}

/// The exit code of each kind of library error: what the user asked is refused (2), or the ledger or
/// a file cannot be used (3).
func exitStatus(for kind: ErrorKind) -> ExitCode {
    switch kind {
    case .invalidInput, .forbidden, .conflict, .notFound: ExitStatus.refused
    case .integrity, .io: ExitStatus.unavailable
    }
}

/// What a person can do about a rule the command broke, by its kind.
func hint(for kind: ErrorKind) -> String? {
    switch kind {
    case .invalidInput: "correct the command; see its --help"
    case .forbidden: "the actor who holds that role for that unit or field issues it"
    case .conflict: "'parledger cycle show CYCLE' shows each unit's stage"
    case .notFound: "'parledger cycle show CYCLE' lists the cycle's units"
    case .integrity: "run 'parledger verify', then 'parledger rebuild'"
    case .io: nil
    }
}

/// The CLI's advice for each ledger error: flags and commands are the front end's to name.
func hint(for error: LedgerError) -> String? {
    switch error {
    case .noLedger:
        "create one with 'parledger init', or point --ledger (or PARLEDGER_DIR) at an existing one"
    case .notALedger:
        "point --ledger at a directory created by 'parledger init'"
    case .alreadyInitialized:
        "use the existing ledger, or choose another directory"
    case .storage(_, let failure) where failure.kind == .mapFull:
        "the ledger reached its size limit; free disk space or raise the limit"
    case .storage(_, let failure) where failure.kind == .noSpace || failure.kind == .inputOutput:
        "the disk is full or failing; nothing was appended: free space, retry, then run 'parledger verify'"
    case .storage(_, let failure) where failure.kind == .permissionDenied:
        "check the permissions of the ledger directory"
    case .storage(_, let failure) where failure.kind == .readOnlyFileSystem:
        "the ledger is on a read-only medium: commands that read it still work; copy it to a writable place to append"
    case .storage(_, let failure) where failure.kind == .lockFileReplaced:
        "another process deleted or replaced lock.mdb; nothing was lost: run the command again"
    case .storage:
        nil
    case .invalidCommand:
        "correct the input and retry"
    case .wrongExpectedVersion:
        "read the stream again and decide on the new state before retrying"
    case .commandIDReused:
        "give each new command a new id"
    case .signatureRefused:
        "an enrolled, active actor signs with its current key (--key FILE or PARLEDGER_KEY); 'parledger actor show ID' shows its status and keys"
    case .outOfPlace:
        "sign the command again against the ledger's current head, with a correct clock"
    case .notPermitted:
        "ask the secretariat for the role this needs, or have the actor who holds it issue the command"
    case .outOfRange:
        "'parledger log' and 'parledger verify' show the ledger's events and size"
    case .corruptEvent:
        "run 'parledger verify' and restore the ledger from a verified copy"
    case .unreadableFormat(_, _, _, let rebuilds):
        rebuilds
            ? "run 'parledger rebuild' with write access: the projections are recomputed from the events, which are unchanged"
            : "run the ParLedger that wrote it, or a newer one ('parledger --version' lists the formats this one reads)"
    }
}

/// The CLI's advice for a key file it refused.
func hint(for problem: KeyFile.Problem) -> String {
    switch problem.reason {
    case .unreadable where (problem.path as NSString).lastPathComponent == Ledger.logKeyFileName:
        "the log's private key is not beside the ledger: put it back (a backup made with --include-log-key holds it), or replace it (README, Operations: log key rotation)"
    case .unreadable: "give the private key with --key FILE or PARLEDGER_KEY"
    case .readableByOthers: "restrict it with: chmod 600 \(problem.path)"
    case .notAPrivateKey: "create one with 'parledger keygen --out FILE'"
    case .notAPublicKey: "use the .pub file written by 'parledger keygen'"
    case .alreadyExists: "choose another file name; existing keys are never overwritten"
    case .cannotCreate: "check the directory"
    }
}

/// Prints an error nothing above expected as a bug and returns its exit code (70), so that it is
/// never taken for a failed verification.
func reportInternalError(_ error: any Error) -> ExitCode {
    printError(
        "internal error (a bug in parledger): \(String(reflecting: error))",
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
