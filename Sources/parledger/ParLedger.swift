import ArgumentParser

/// The `parledger` command: a thin front end over the Ledger library.
@main
struct ParLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parledger",
        abstract: "An append-only, hash-chained audit ledger for scoring the PAR Index, on LMDB.",
        discussion: """
            The ledger directory comes from --ledger DIR, else $PARLEDGER_DIR, else ./parledger-data.
            Commands that append are signed with your private key: --key FILE, else $PARLEDGER_KEY.

            Exit codes:
              0   success
              1   verification found a problem (the first bad event is named)
              2   refused: bad input, a broken rule, a role or scope that does not allow it, an
                  unknown actor, a revoked or rotated-out key, a false signature; nothing was appended
              3   the ledger or a file cannot be used (missing, not a ledger, wrong type, permission
                  denied, read-only medium, full disk); the path is named, nothing is half-written
              4   a bundle was checked without a trust policy: consistent, authenticity not established
              64  the command line itself is wrong (see the usage)
              70  an internal error: a bug in parledger (please report it)
            """,
        version: VersionReport.text,
        subcommands: [
            DemoCommand.self, InitCommand.self, KeygenCommand.self, ActorCommand.self, FrameworkCommand.self,
            CycleCommand.self,
            ScoreCommand.self, AppraiseCommand.self, CouncilCommand.self, SpotCheckCommand.self, SurveyCommand.self,
            ApproveCommand.self, PublishCommand.self, ReorganiseCommand.self,
            CorrectCommand.self, ObjectionCommand.self, ScoresCommand.self, RankingCommand.self, TraceCommand.self,
            EvidenceCommand.self, DocumentCommand.self,
            RebuildCommand.self, BackupCommand.self, RestoreCommand.self,
            CheckpointCommand.self, ProveCommand.self, ExportCommand.self, VerifyBundleCommand.self,
            TrustPolicyCommand.self, ReceiptCommand.self, LogCommand.self, LogKeyCommand.self,
            VerifyCommand.self, ServeCommand.self,
            TilesCommand.self, WitnessesCommand.self, WitnessCommand.self, MirrorCommand.self, MonitorCommand.self,
        ]
    )
}
