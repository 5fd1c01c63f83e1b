import ArgumentParser
import Testing

@testable import parledger

/// What a user runs is all there is: no subcommand of `parledger` has a hidden option or flag (a
/// test seam such as one serving altered proofs would be one), so its help with hidden options shown
/// is its help.
@Suite struct HiddenOptionsTests {
    @Test func noSubcommandHasAHiddenOptionOrFlag() {
        var commands: [any ParsableCommand.Type] = [ParLedger.self]
        var checked = 0
        while let command = commands.popLast() {
            commands += command.configuration.subcommands
            let shown = ParLedger.helpMessage(for: command, includeHidden: false, columns: 200)
            let all = ParLedger.helpMessage(for: command, includeHidden: true, columns: 200)
            #expect(all == shown, "\(command.configuration.commandName ?? "\(command)") has hidden options")
            checked += 1
        }
        #expect(checked > 30)
    }
}
