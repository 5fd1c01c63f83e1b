// The Swift verifier as the differential test (tools/differential.py) drives it: one process judging
// many bundles, so that thousands of mutants take minutes, not the start-up of a process each.
// Reads one JSON object per line on standard input, `{"bundle": DIR, "trust": FILE|null, "receipt":
// FILE|null}`, and writes one line per job, `{"exit": N, "verdict": "…"}`, with exactly what
// `parledger verify-bundle` prints last and exits with. Not part of the product.
import Foundation
import PARBundle
import PARCore
import PARIndex

while let line = readLine(strippingNewline: true) {
    guard let data = line.data(using: .utf8),
        let job = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let bundle = job["bundle"] as? String
    else {
        FileHandle.standardError.write(Data("bundle-verdicts: not a job: \(line)\n".utf8))
        exit(64)
    }
    let answer: [String: Any]
    do {
        let judgement = try BundleVerifier.judge(
            bundle, trustFile: job["trust"] as? String, receiptFile: job["receipt"] as? String)
        answer = ["exit": Int(judgement.exitCode), "verdict": judgement.verdict]
    } catch {
        answer = ["exit": 70, "verdict": "internal error: \(error)"]
    }
    let output = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
    FileHandle.standardOutput.write(output + Data("\n".utf8))
}
