import Foundation

/// A bounded queue from one thread to another: the way two stages of one file's work run side by side (reading
/// and checking beside writing in an ingest; unpacking beside parsing in a workbook). The producer waits while
/// it is full; once the consumer cancels, the producer's items are dropped and it can see that it should stop.
public final class Handoff<Item>: @unchecked Sendable {
    private let capacity: Int
    private var items: [Item] = []
    private var cancelled = false
    private let condition = NSCondition()

    public init(capacity: Int) { self.capacity = capacity }

    /// Waits while the queue is full; drops the item once the consumer has given up.
    public func put(_ item: Item) {
        condition.lock(); defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return }
        items.append(item)
        condition.broadcast()
    }

    /// The last item (never waits, never dropped: the consumer drains up to it after cancelling).
    public func putLast(_ item: Item) {
        condition.lock(); defer { condition.unlock() }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, waiting for it.
    public func take() -> Item {
        condition.lock(); defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()      // at most `capacity` + 1 items: cheap, and a taken item is freed at once
        condition.broadcast()
        return item
    }

    public var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }

    public func cancel() { condition.lock(); cancelled = true; condition.broadcast(); condition.unlock() }
}

/// Slots for results computed concurrently, one per index.
public final class ParallelResults<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()
    public init(count: Int) { slots = Array(repeating: nil, count: count) }
    public func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    public var values: [Result<T, Error>] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
