import ArgumentParser
import Foundation
import Ledger
import LedgerFormat

/// The `--ledger` option shared by every command that touches a ledger.
struct LedgerLocation: ParsableArguments {
    @Option(
        name: .customLong("ledger"),
        help: ArgumentHelp("The ledger directory (default: $PARLEDGER_DIR, else ./parledger-data).", valueName: "dir")
    )
    var directory: String?

    /// The directory the user meant, by the documented order of precedence.
    var path: String {
        if let directory { return directory }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PARLEDGER_DIR"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "parledger-data"
    }
}
