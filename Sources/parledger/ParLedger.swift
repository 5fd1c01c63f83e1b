import ArgumentParser

/// The `parledger` command: a thin front end over the Ledger library.
@main
struct ParLedger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parledger",
        abstract: "An append-only, hash-chained audit ledger for scoring the PAR Index, on LMDB.",
        discussion: """
            The ledger directory comes from --ledger DIR, else $PARLEDGER_DIR, else ./parledger-data.

            Exit codes:
              0   success
              1   verification found a problem (the first bad event is named)
              2   refused: the input or the command breaks a rule; nothing was appended
              3   the ledger cannot be used (missing, not a ledger, storage failure)
              64  the command line itself is wrong (see the usage)
            """,
        version: "0.1.0",
        subcommands: [InitCommand.self, AppendCommand.self, LogCommand.self, VerifyCommand.self]
    )
}
