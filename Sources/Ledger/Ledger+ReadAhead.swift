import Foundation
import LedgerFormat

extension Ledger {
    /// Hands `body` the events `first...last` in batches of `batchSize`, in order, each batch already
    /// turned into what `prepare` makes of it, while another thread reads, decodes and prepares the
    /// next batch: a replay that folds events on one core gets the reading done on another. `prepare`
    /// is called on that thread, one batch after the other, and never again once this returns. At most
    /// two batches wait at a time. When `prepare` or `body` throws, reading stops and the error passes
    /// through.
    public func readAhead<Prepared: Sendable>(
        from first: UInt64, through last: UInt64, batchSize: Int,
        prepare: @escaping @Sendable ([RecordedEvent]) throws -> [Prepared],
        _ body: ([Prepared]) throws -> Void
    ) throws {
        guard first <= last else { return }
        let channel = BatchChannel<Prepared>(capacity: 2)
        defer { channel.cancelAndWaitForSender() }
        Thread.detachNewThread { [self] in
            defer { channel.finish() }
            var next = first
            while next <= last, !channel.isCancelled {
                do {
                    let batch = try events(from: next, limit: Int(min(UInt64(batchSize), last - next + 1)))
                    guard !batch.isEmpty else { break }
                    next += UInt64(batch.count)
                    channel.send(.success(try prepare(batch)))
                } catch {
                    channel.send(.failure(error))
                    return
                }
            }
        }
        while let batch = channel.receive() { try body(try batch.get()) }
    }
}

/// Batches passed from one thread to another, with room for `capacity` of them.
private final class BatchChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    /// Guarded by `condition`.
    private var waiting: [Result<[Element], any Error>] = []
    private var finished = false
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isCancelled: Bool { condition.withLock { cancelled } }

    /// Waits for room, unless the receiver has gone.
    func send(_ batch: Result<[Element], any Error>) {
        condition.withLock {
            while waiting.count >= capacity && !cancelled { condition.wait() }
            guard !cancelled else { return }
            waiting.append(batch)
            condition.broadcast()
        }
    }

    /// Called by the sender when it sends no more.
    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    /// The next batch, or nil once the sender has finished and everything sent was received.
    func receive() -> Result<[Element], any Error>? {
        condition.withLock {
            while waiting.isEmpty && !finished { condition.wait() }
            guard !waiting.isEmpty else { return nil }
            condition.broadcast()
            return waiting.removeFirst()
        }
    }

    /// Tells the sender to stop, and waits until it has.
    func cancelAndWaitForSender() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
    }
}
