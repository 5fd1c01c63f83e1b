import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger

/// A witness's state outlives the version that wrote it: a state of this format (or from before
/// formats were recorded) is used and stamped; one of another format is refused untouched.
@Suite struct WitnessStateFormatTests {
    @Test func aStateFromBeforeFormatsIsUsedAndOneOfAnotherFormatIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/witness"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let environment = try Environment(path: path)
            _ = try environment.database(named: "latest")
        }
        do {
            let state = try WitnessState(directory: path)
            #expect(try state.latest(origin: "parledger.example/ledger") == nil)
        }
        do {
            let environment = try Environment(path: path)
            let meta = try environment.database(named: "meta", create: false)
            #expect(
                try environment.read { try $0.value(for: Array("format".utf8), in: meta) }
                    == Array(WitnessState.format.utf8))
            try environment.write {
                try $0.put(Array("parledger-witness-state/2".utf8), for: Array("format".utf8), in: meta)
            }
        }
        #expect {
            _ = try WitnessState(directory: path)
        } throws: { error in
            (error as? WitnessState.OtherFormat)?.found == "parledger-witness-state/2"
        }
    }
}
