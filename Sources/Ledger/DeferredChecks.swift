import Dispatch
import Foundation
import LedgerFormat

/// Checks that a chain walk sets aside, to run on every core while it goes on: the Ed25519
/// verification of each command's signature and the recomputation of each event's hash, which
/// depend on nothing the walk learns later. They run in batches in the background, at most two
/// batches at a time (so memory stays bounded by about twice the batch size); `firstFailure()`
/// waits for every batch handed over and names the failure the walk met first, whatever order the
/// cores finished in.
final class DeferredChecks {
    /// Where the walk stood when it set a check aside: what `verify` reports beside a failure.
    struct Position: Sendable {
        let checked: UInt64
        let previous: EventHash
    }

    /// One check: returns nil when it holds, or the problem to report.
    struct Check: Sendable {
        let run: @Sendable () -> VerificationProblem?
        let position: Position
    }

    /// A failed check and where the walk stood when it set it aside.
    struct Failure {
        let problem: VerificationProblem
        let position: Position
    }

    /// Checks handed to the background; `failure` is final once `done` is signalled.
    private final class Batch: @unchecked Sendable {
        let checks: [Check]
        let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        /// The lowest failing index and its problem; guarded by `lock`.
        private var failed: (index: Int, problem: VerificationProblem)?

        init(_ checks: [Check]) { self.checks = checks }

        func record(_ index: Int, _ problem: VerificationProblem) {
            lock.withLock {
                if failed.map({ index < $0.index }) ?? true { failed = (index, problem) }
            }
        }

        var failure: Failure? {
            lock.withLock { failed.map { Failure(problem: $0.problem, position: checks[$0.index].position) } }
        }

        /// Runs the checks of `range`, stopping at the first that fails.
        func run(_ range: Range<Int>) {
            for index in range {
                if let problem = checks[index].run() {
                    record(index, problem)
                    return
                }
            }
        }
    }

    /// How much (in events) is collected before a batch is handed to the background.
    let batchSize: Int
    /// How many cores the checks run on.
    let workers: Int
    private var collecting: [Check] = []
    private var collectedWeight = 0
    /// Batches handed over, oldest first.
    private var running: [Batch] = []
    /// The first failure found, once known: nothing after it matters.
    private var settled: Failure?

    /// - Parameters:
    ///   - batchSize: the events' worth of checks in one batch; at least 1.
    ///   - workers: the cores to use; by default every active one, at least 1.
    init(batchSize: Int = 4_096, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.batchSize = max(1, batchSize)
        self.workers = max(1, workers)
    }

    deinit {
        // No check outlives the walk that set it aside.
        for batch in running { batch.done.wait() }
    }

    /// Sets `check` aside; `weight` is how many events it stands for. Returns the first failure when
    /// a finished batch shows one (the walk can stop there), else nil.
    func add(_ check: Check, weight: Int) -> Failure? {
        collecting.append(check)
        collectedWeight += weight
        guard collectedWeight >= batchSize else { return nil }
        return handOver()
    }

    /// Waits for every check set aside so far; the one the walk met first among those that fail.
    func firstFailure() -> Failure? {
        if settled == nil { _ = handOver() }
        while settled == nil, let oldest = running.first {
            oldest.done.wait()
            running.removeFirst()
            settled = oldest.failure
        }
        for batch in running { batch.done.wait() }
        running.removeAll()
        return settled
    }

    /// Starts the collected checks as a batch, after waiting for the oldest batch when two are
    /// running. Returns the first failure once the batches before it are known to have passed.
    private func handOver() -> Failure? {
        if let settled { return settled }
        guard !collecting.isEmpty else { return nil }
        let batch = Batch(collecting)
        collecting.removeAll(keepingCapacity: true)
        collectedWeight = 0
        if workers == 1 {
            batch.run(0..<batch.checks.count)
            if let failure = batch.failure { return settle(failure) }
            return nil
        }
        while running.count >= 2, let oldest = running.first {
            oldest.done.wait()
            running.removeFirst()
            if let failure = oldest.failure { return settle(failure) }
        }
        let slices = min(batch.checks.count, workers * 8)
        DispatchQueue.global(qos: .userInitiated).async {
            let count = batch.checks.count
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                batch.run(count * slice / slices..<count * (slice + 1) / slices)
            }
            batch.done.signal()
        }
        running.append(batch)
        return nil
    }

    private func settle(_ failure: Failure) -> Failure {
        settled = failure
        for batch in running { batch.done.wait() }
        running.removeAll()
        return failure
    }
}
