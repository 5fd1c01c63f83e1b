import Application
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import Transparency
import WebApp

/// What `parledger --version` prints: this version, and every format it writes with what it does
/// with another (an older one read or migrated, a newer one refused), so that the IT office knows
/// before an upgrade what the upgrade will do to its ledger and files (README, Operations: upgrades).
enum VersionReport {
    static let release = "0.2.0"

    static var text: String {
        let rows: [(String, String)] =
            [
                (
                    "ledger (LMDB)",
                    "\(StorageRevision.marker), storage revision \(StorageRevision.current); "
                        + "older revisions are read, and migrated when the ledger is first opened for writing; "
                        + "a newer one is refused"
                ),
                (
                    "event records",
                    "signing format \(StorageRevision.eventRecordFormat); format 1 (before signing times) is read as it is"
                ),
                (
                    "projections",
                    "format \(ProjectionGenerations.currentFormat); any other is rebuilt from the events when the "
                        + "ledger is opened for writing (read-only: run 'parledger rebuild')"
                ),
                (
                    "state snapshots",
                    "format \(ProjectionGenerations.snapshotFormat); others are ignored and the state is folded from the events"
                ),
                (
                    "certified bundle",
                    "\(CertifiedBundle.format); a bundle of format 1 is verified by the version that exported it"
                ),
                ("receipt", Receipt.format),
                ("trust policy", "\(TrustPolicy.header); its log-handover lines name the keys after the first"),
                ("log key handover", "signed note '\(LogHandover.title)', kept in log-keys/"),
                ("witness policy", WitnessPolicy.header),
                (
                    "witness state (LMDB)",
                    "\(WitnessState.format); a state from before formats is read as it is; another is refused"
                ),
                ("framework", Framework.format),
                ("private key file", KeyFile.header),
                ("backup", LedgerBackup.format),
            ]
            + WebDataFormats.all.map {
                ("web/\($0.file)", "\($0.format); a file written before formats were is read as version 1")
            }
            + [("published log", "C2SP tlog-tiles, signed-note, tlog-cosignature/v1 (Ed25519), tlog-witness")]
        let width = rows.map(\.0.count).max() ?? 0
        let lines = rows.map { name, format in
            "  " + name + String(repeating: " ", count: width - name.count + 2) + format
        }
        return "parledger \(release)\n\nFormats this version writes, and what it does with others:\n"
            + lines.joined(separator: "\n")
    }
}
