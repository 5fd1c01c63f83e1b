import ArgumentParser
import Ledger
import LedgerFormat

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create an Ed25519 key pair for an actor.",
        discussion: """
            Writes the private key to FILE (mode 0600, never overwriting) and the public key to
            FILE.pub. Give the .pub file to the secretariat, who enrols you with it.

            Example:
              parledger keygen --out so-tai-chinh.key
            """
    )

    @Option(help: ArgumentHelp("Where to write the private key.", valueName: "file"))
    var out: String

    func run() throws {
        try reportingFailures {
            let key = SigningKey()
            try KeyFile.write(key, to: out)
            print("Key \(key.publicKey.id)")
            print("Private key: \(out) (mode 0600); public key: \(out).pub")
        }
    }
}
