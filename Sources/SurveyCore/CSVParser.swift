import CIntrinsics

// A byte-level RFC 4180 reader, written by hand because it was measured to be 15–25× faster than
// CSV.swift and SwiftCSV on this machine (see shared/STACK.md) and because it must report the physical
// line of every record, which neither does. It streams: memory holds one record, never the file (a record
// within one chunk is not even copied).

/// Something the reader noticed in the shape of a record (not in its values).
public enum CSVIssue: Sendable, Hashable {
    /// A quoted cell that never closed; it ran to the end of the file.
    case unterminatedQuote(column: Int)
    /// A `"` inside an unquoted cell, kept as a character.
    case strayQuote(column: Int)
    /// Characters after a closing quote, kept in the cell.
    case textAfterQuote(column: Int)
}

/// One record: the cells as bytes (quotes removed, doubled quotes undone), and where it stands in the file.
///
/// Valid only inside the closure it was passed to.
public struct CSVRecord {
    /// The physical line where the record starts (1-based).
    public let line: Int
    /// The physical line where the record ends (differs from `line` when a quoted cell holds line breaks).
    public let endLine: Int
    public let issues: [CSVIssue]
    let bytes: UnsafePointer<UInt8>?
    let starts: UnsafeBufferPointer<Int>
    let ends: UnsafeBufferPointer<Int>

    /// A record over bytes the caller owns for the duration of one call (a workbook row is built this way):
    /// cell `i` is `bytes[starts[i]..<ends[i]]`.
    public init(line: Int, endLine: Int, issues: [CSVIssue], bytes: UnsafePointer<UInt8>?, starts: UnsafeBufferPointer<Int>, ends: UnsafeBufferPointer<Int>) {
        self.line = line; self.endLine = endLine; self.issues = issues; self.bytes = bytes; self.starts = starts; self.ends = ends
    }

    /// Number of cells.
    public var count: Int { ends.count }

    /// The bytes of cell `i` (0-based).
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts[i], n = ends[i] - start
        guard n > 0, let bytes else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: bytes + start, count: n)
    }

    /// The text of cell `i`, as read.
    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// Every cell's text.
    public var strings: [String] { (0..<count).map(string) }
}

/// Splits UTF-8 bytes fed in chunks of any size into records.
public struct CSVParser {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    private var state = State.fieldStart
    private var cells: [UInt8] = []
    // Cell offsets of the record being read (shared by copies of the parser: a parser is not copied mid-read).
    private let starts = Offsets()
    private let ends = Offsets()
    private var issues: [CSVIssue] = []
    private var anyQuoted = false
    private var line = 1
    private var recordLine = 1
    /// Records emitted so far.
    public private(set) var recordCount = 0
    /// The physical line the next byte is on (1 + the line breaks read so far).
    public var currentLine: Int { line }
    /// Nothing of a record is pending: the bytes read so far ended with a whole record (or none). A parser in
    /// this state reads what follows exactly as a new parser would (but for its line count).
    public var isBetweenRecords: Bool { state == .fieldStart && ends.isEmpty && cells.isEmpty && !anyQuoted && issues.isEmpty }

    public init() {
        cells.reserveCapacity(4096)
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Feeds the next bytes; calls `emit` for each complete record.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ emit: (CSVRecord) throws -> Void) rethrows {
        guard let p = chunk.baseAddress else { return }
        let n = chunk.count
        var i = 0
        let quote = Self.quote, comma = Self.comma, lf = Self.lf, cr = Self.cr
        while i < n {
            // The common case, a whole line in this chunk without quotes or CR: its cells are read where they
            // lie, without copying (a third of reading a file was copying cells). Anything else, or a record
            // begun in an earlier chunk, goes through the state machine below.
            if state == .fieldStart && ends.isEmpty && cells.isEmpty && !anyQuoted && issues.isEmpty {
                var j = i, start = i
                var plain = true, found = false
                // The line's cell offsets go straight into the two lists' storage, counted here (the lists'
                // own append loaded and stored their count in memory at every comma); both always have room
                // for `room` of them.
                var cellsSoFar = 0
                var room = min(starts.reserve(64, keeping: 0), ends.reserve(64, keeping: 0))
                var startsAt = starts.storage, endsAt = ends.storage
                @inline(__always) func cell(_ from: Int, _ to: Int) {
                    if cellsSoFar == room {
                        room = min(starts.reserve(2 * room, keeping: cellsSoFar), ends.reserve(2 * room, keeping: cellsSoFar))
                        (startsAt, endsAt) = (starts.storage, ends.storage)
                    }
                    startsAt[cellsSoFar] = from; endsAt[cellsSoFar] = to
                    cellsSoFar += 1
                }
                // Sixteen bytes compared at once, 64 to a step (C, see CIntrinsics.h): the commas up to the first
                // LF, quote or CR are the line's cells; that byte ends the line or makes it not plain. Eight bytes
                // at a time (a mask of special bytes in a word computed by shifts and adds) took a sixth of
                // validating a big file; a byte-by-byte loop mispredicted a branch at almost every comma. Only the
                // last line or two of a chunk, within 64 bytes of its end, are read byte by byte below.
                blocks: while j + 64 <= n {
                    var commas: UInt64 = 0, lineFeeds: UInt64 = 0, others: UInt64 = 0
                    ipsurvey_csv_masks(p + j, &commas, &lineFeeds, &others)
                    let stops = lineFeeds | others
                    if stops != 0 { commas &= (stops & (0 &- stops)) &- 1 }     // the commas before the first stop
                    if commas != 0 {
                        // Room for every comma of the block first, so that the loop below keeps its state in
                        // registers (a growth inside it made it spill them at every comma).
                        if cellsSoFar &+ 64 > room {
                            room = min(starts.reserve(max(2 * room, cellsSoFar + 64), keeping: cellsSoFar),
                                       ends.reserve(max(2 * room, cellsSoFar + 64), keeping: cellsSoFar))
                            (startsAt, endsAt) = (starts.storage, ends.storage)
                        }
                        var count = cellsSoFar, from = start
                        let startsTo = startsAt, endsTo = endsAt
                        repeat {
                            let k = j &+ commas.trailingZeroBitCount
                            startsTo[count] = from; endsTo[count] = k
                            count &+= 1; from = k &+ 1
                            commas &= commas &- 1
                        } while commas != 0
                        cellsSoFar = count; start = from
                    }
                    if stops != 0 {
                        let k = stops.trailingZeroBitCount
                        if lineFeeds >> k & 1 == 1 { found = true } else { plain = false }
                        j += k
                        break blocks
                    }
                    j += 64
                }
                while plain && !found && j < n {
                    let b = p[j]
                    if b > comma { j += 1; continue }        // every special byte is ≤ `,` (0x2C)
                    if b == comma { cell(start, j); start = j + 1 }
                    else if b == lf { found = true; break }
                    else if b == quote || b == cr { plain = false; break }
                    j += 1
                }
                if plain && found {
                    if j > i {       // an empty line is not a record
                        cell(start, j)
                        recordCount += 1
                        let at = line
                        try emit(CSVRecord(line: at, endLine: at, issues: [], bytes: p,
                                           starts: UnsafeBufferPointer(start: startsAt, count: cellsSoFar),
                                           ends: UnsafeBufferPointer(start: endsAt, count: cellsSoFar)))
                    }
                    i = j + 1; line += 1; recordLine = line
                    continue
                }
                // Not a plain line: the state machine reads it from its start (the lists are still empty).
            }
            switch state {
            case .fieldStart:
                if p[i] == quote { state = .quoted; anyQuoted = true; i += 1 } else { state = .unquoted }
            case .unquoted:
                var j = i
                while j < n {
                    let b = p[j]
                    if b == comma || b == lf || b == cr || b == quote { break }
                    j += 1
                }
                if j > i { cells.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i)) }
                i = j
                if j == n { break }
                let b = p[j]
                i += 1
                if b == comma {
                    ends.append(cells.count); state = .fieldStart
                } else if b == lf {
                    ends.append(cells.count); try endRecord(emit); line += 1; recordLine = line; state = .fieldStart
                } else if b == cr {
                    ends.append(cells.count); try endRecord(emit); state = .afterCR
                } else {
                    issues.append(.strayQuote(column: ends.count + 1)); cells.append(quote)
                }
            case .quoted:
                var j = i
                while j < n {
                    let b = p[j]
                    if b == quote { break }
                    if b == lf { line += 1 }
                    j += 1
                }
                if j > i { cells.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i)) }
                i = j
                if j == n { break }
                i += 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                let b = p[i]
                if b == quote {
                    cells.append(quote); state = .quoted; i += 1
                } else if b == comma {
                    ends.append(cells.count); state = .fieldStart; i += 1
                } else if b == lf {
                    ends.append(cells.count); try endRecord(emit); line += 1; recordLine = line; state = .fieldStart; i += 1
                } else if b == cr {
                    ends.append(cells.count); try endRecord(emit); state = .afterCR; i += 1
                } else {
                    issues.append(.textAfterQuote(column: ends.count + 1)); state = .unquoted
                }
            case .afterCR:
                if p[i] == lf { i += 1 }
                line += 1; recordLine = line; state = .fieldStart
            }
        }
    }

    /// Ends the input: emits the last record if the file has no final line break.
    public mutating func finish(_ emit: (CSVRecord) throws -> Void) rethrows {
        switch state {
        case .quoted:
            issues.append(.unterminatedQuote(column: ends.count + 1))
            ends.append(cells.count); try endRecord(emit)
        case .unquoted, .quoteInQuoted:
            ends.append(cells.count); try endRecord(emit)
        case .fieldStart:
            if !ends.isEmpty { ends.append(cells.count); try endRecord(emit) }
        case .afterCR:
            break
        }
        state = .afterCR
    }

    private mutating func endRecord(_ emit: (CSVRecord) throws -> Void) rethrows {
        defer { cells.removeAll(keepingCapacity: true); ends.removeAll(); anyQuoted = false }
        // A line with nothing on it is not a record.
        if ends.count == 1 && ends[0] == 0 && !anyQuoted && issues.isEmpty { return }
        recordCount += 1
        let issuesNow = issues
        issues.removeAll()
        let (startLine, endLine) = (recordLine, line)
        starts.removeAll()
        var previous = 0
        for k in 0..<ends.count { starts.append(previous); previous = ends[k] }
        defer { starts.removeAll() }
        try cells.withUnsafeBufferPointer { c in
            try emit(CSVRecord(line: startLine, endLine: endLine, issues: issuesNow, bytes: c.baseAddress, starts: starts.buffer, ends: ends.buffer))
        }
    }
}

/// A growable list of offsets without `Array`'s uniqueness and capacity checks on every append: the parser
/// appends two per cell, and those checks were a tenth of reading a file.
final class Offsets {
    private var base: UnsafeMutablePointer<Int>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }
    subscript(i: Int) -> Int { base[i] }
    /// Where the values are kept: valid until the list grows. The parser's fast path writes a line's offsets
    /// there itself, past `count` (which stays as it was).
    var storage: UnsafeMutablePointer<Int> { base }

    /// Grows the storage until it holds at least `n` values in all, keeping the first `kept` values (or `count`,
    /// if more); returns how many it holds.
    @inline(__always)
    func reserve(_ n: Int, keeping kept: Int) -> Int {
        while capacity < n { grow(keeping: max(count, kept)) }
        return capacity
    }
    /// Valid until the next change.
    var buffer: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    func append(_ value: Int) {
        if count == capacity { grow(keeping: count) }
        base[count] = value
        count += 1
    }

    func removeAll() { count = 0 }

    /// Doubles the storage, keeping its first `kept` values.
    private func grow(keeping kept: Int) {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: kept)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
