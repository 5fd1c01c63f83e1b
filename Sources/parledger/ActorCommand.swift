import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ActorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actor",
        abstract: "Enrol and manage the people who may act on the ledger (secretariat only).",
        discussion: """
            Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).
            A unit-officer acts for one unit, named by --scope.
            """,
        subcommands: [Add.self, List.self, Show.self, Grant.self, Revoke.self, RotateKey.self, Suspend.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol an actor with a role and a public key.",
            discussion: """
                Example:
                  parledger actor add so-tai-chinh-officer --name "Cán bộ Sở Tài chính" \\
                    --role unit-officer --scope so-tai-chinh --public-key officer.key.pub --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The new actor's id.") var id: String
        @Option(help: "Display name (Vietnamese).") var name: String
        @Option(help: "The role.") var role: String
        @Option(help: "The unit the role is limited to (required for unit-officer).") var scope: String?
        @Option(help: ArgumentHelp("The actor's public key: a .pub file or base64.", valueName: "file")) var publicKey:
            String

        func run() throws {
            try reportingFailures {
                let key = try KeyFile.readPublicKey(publicKey)
                let enrolment = EnrolActor(actor: id, name: name, role: role, scope: scope, publicKey: key.base64)
                let result = try signing.perform(enrolment, on: try location.openScoring())
                let grant = RoleGrant(role: role, scope: scope)
                print("Enrolled '\(id)' (\(name)) as \(grant) with key \(key.id) at event \(result.events[0].sequence)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every actor.",
            discussion: "Example:\n  parledger actor list --json"
        )
        @OptionGroup var location: LedgerLocation
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let actors = try location.openForReading().ledger.allActors()
                if json {
                    print(String(decoding: CanonicalJSON.encode(.array(actors.map(\.json))), as: UTF8.self))
                    return
                }
                for actor in actors {
                    let roles = actor.grants.map(\.description).joined(separator: ", ")
                    print(
                        "\(actor.id)\t\(actor.name)\t\(roles.isEmpty ? "no roles" : roles)\t\(actor.status.rawValue)\tkey \(actor.currentKey?.id ?? "none")"
                    )
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one actor: roles, status, current and retired keys.",
            discussion: "Example:\n  parledger actor show so-noi-vu"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The actor's id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                guard let actor = try location.openForReading().ledger.actor(id) else {
                    throw InputError(
                        "no actor '\(id)' in this ledger", hint: "'parledger actor list' shows every actor")
                }
                if json {
                    print(String(decoding: CanonicalJSON.encode(actor.json), as: UTF8.self))
                    return
                }
                print("Actor:   \(actor.id)")
                print("Name:    \(actor.name)")
                print("Status:  \(actor.status.rawValue)")
                print(
                    "Roles:   \(actor.grants.isEmpty ? "none" : actor.grants.map(\.description).joined(separator: ", "))"
                )
                print("Key:     \(actor.currentKey.map { "\($0.id) (\($0.base64))" } ?? "none (revoked)")")
                for (keyID, why) in actor.retiredKeys.sorted(by: { $0.key < $1.key }) {
                    print("Retired: \(keyID), \(why)")
                }
                print("Last changed at event \(actor.lastChangedAt)")
            }
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant an actor a further role.",
            discussion: "Example:\n  parledger actor grant nguyen-van-a --role auditor --key so-noi-vu.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The actor's id.") var id: String
        @Option(help: "The role.") var role: String
        @Option(help: "The unit the role is limited to.") var scope: String?

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(GrantRole(actor: id, role: role, scope: scope), on: try location.openScoring())
                print("Granted \(RoleGrant(role: role, scope: scope)) to '\(id)'")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a role, or the actor's current key.",
            discussion: """
                A revoked key signs nothing from then on; the actor needs a new key (rotate-key).
                Events signed before the revocation stay valid.

                Example:
                  parledger actor revoke nguyen-van-a --role council-member --key so-noi-vu.key
                  parledger actor revoke nguyen-van-a --current-key --reason "máy tính bị mất" --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The actor's id.") var id: String
        @Option(help: "The role to revoke.") var role: String?
        @Option(help: "The scope of the role to revoke.") var scope: String?
        @Flag(help: "Revoke the actor's current key instead of a role.") var currentKey = false
        @Option(help: "Why (required with --current-key).") var reason: String?

        func validate() throws {
            guard (role != nil) != currentKey else { throw ValidationError("Give either --role or --current-key.") }
            if currentKey && reason == nil { throw ValidationError("--current-key needs a --reason.") }
        }

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                if let role {
                    _ = try signing.perform(RevokeRole(actor: id, role: role, scope: scope), on: scoring)
                    print("Revoked \(RoleGrant(role: role, scope: scope)) from '\(id)'")
                    return
                }
                let result = try signing.perform(RevokeKey(actor: id, reason: reason ?? ""), on: scoring)
                let keyID = (try? result.events[0].payloadValue)?["keyId"]?.stringValue ?? ""
                print("Revoked key \(keyID) of '\(id)'")
            }
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Replace an actor's key (by the secretariat, or by the actor itself).",
            discussion: """
                Events signed with the old key stay valid; new commands need the new key.

                Example:
                  parledger keygen --out new.key
                  parledger actor rotate-key so-tai-chinh-officer --public-key new.key.pub --key old.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The actor's id.") var id: String
        @Option(help: ArgumentHelp("The new public key: a .pub file or base64.", valueName: "file")) var publicKey:
            String

        func run() throws {
            try reportingFailures {
                let key = try KeyFile.readPublicKey(publicKey)
                _ = try signing.perform(
                    PARCore.RotateKey(actor: id, publicKey: key.base64), on: try location.openScoring())
                print("'\(id)' now signs with key \(key.id)")
            }
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend an actor: nothing it signs is accepted from then on.",
            discussion: "Example:\n  parledger actor suspend nguyen-van-a --reason \"nghỉ hưu\" --key so-noi-vu.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The actor's id.") var id: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(SuspendActor(actor: id, reason: reason), on: try location.openScoring())
                print("Suspended '\(id)'")
            }
        }
    }
}
