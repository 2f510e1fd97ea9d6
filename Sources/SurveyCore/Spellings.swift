/// The accepted spellings of a few things (the options of a choice, the zones), each with the index of the thing
/// it spells. Looked up for several cells of every row, so the spellings lie in one flat byte array: walking an
/// array of `[UInt8]` retained and released each spelling on the way (with the other per-cell copies, 15 % of
/// checking a file).
struct Spellings: Sendable {
    private struct Entry: Sendable { let start: Int32, count: Int32, index: Int32 }
    private let bytes: [UInt8]
    private let entries: [Entry]

    init(_ list: [([UInt8], Int)]) {
        var bytes: [UInt8] = [], entries: [Entry] = []
        for (spelling, index) in list {
            entries.append(Entry(start: Int32(bytes.count), count: Int32(spelling.count), index: Int32(index)))
            bytes += spelling
        }
        self.bytes = bytes; self.entries = entries
    }

    /// The index spelled by `b`. A byte matches as written or, for `A`–`Z`, in lower case (ids are lower case).
    @inline(__always)
    func match(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        return bytes.withUnsafeBufferPointer { s -> Int? in
            entries.withUnsafeBufferPointer { es -> Int? in
                outer: for e in es where Int(e.count) == n {
                    let start = Int(e.start)
                    for i in 0..<n {
                        let c = b[i], want = s[start + i]
                        if c != want && !(c >= 0x41 && c <= 0x5A && c + 0x20 == want) { continue outer }
                    }
                    return Int(e.index)
                }
                return nil
            }
        }
    }
}
