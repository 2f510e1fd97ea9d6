import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checking one big CSV file on every core, with the same result as one pass (`SurveyFile.check`), byte for byte.
///
/// The data after the header is cut into parts of about `partSize` bytes. A part starts just after a line break
/// — a guess that it starts a record, as in DuckDB's parallel CSV reader and the speculative parsing of Ge et
/// al. (SIGMOD 2019): a line break inside a quoted cell would make it wrong. Each part is read, checked for
/// UTF-8 and checked row by row on a thread of its own, with line numbers counted from its own start. The
/// calling thread then takes the parts in order and confirms each guess: the part before must have ended
/// between two records (not inside a quoted cell). It adds the lines before each part to its findings, looks
/// up each row's credit code × period in file order (the first occurrence is kept, as in one pass), and hands
/// on the raw bytes (`observe`, to hash or store them) and the rows in file order.
///
/// A guess found wrong, or bytes that are not UTF-8 (a file read as UTF-8 with a few damaged bytes), end the
/// parallel reading: the file is then read again in one pass, and what was already handed on (bytes, rows) is
/// not handed on twice — one pass gives the same bytes and rows up to there, the encoding being fixed before.
enum SplitCheck {
    /// Files from this size (after the header) are read in parts; below it one pass is as fast.
    nonisolated(unsafe) static var minimumSize = 16 << 20     // (vars: the tests cut small files into tiny parts)
    /// The bytes of one part: large enough that a thread's start-up is nothing beside it, small enough that
    /// the parts waiting to be merged (`window` of them, with their rows for an ingest) stay a few MB.
    nonisolated(unsafe) static var partSize = 4 << 20
    nonisolated(unsafe) static var pieceSize = 1 << 20

    /// What was handed on before a one-pass reading took over.
    struct Delivered { var bytes = 0, rows = 0 }

    enum Outcome {
        case done(FileSummary)
        /// Not read in parts (from the start: nothing handed on), or stopped (after `Delivered`).
        case oneFile(Delivered)
    }

    /// One part's work, done on a worker thread.
    final class Part: @unchecked Sendable {
        var summary = FileSummary(path: "")
        /// The end of the part (the start of the next), absolute offset.
        var end = 0
        var lineBreaks = 0
        var endsBetweenRecords = true
        var validUTF8 = true
        var rows: [CheckedRow] = []
        /// Each row's deferred key: its line (in the part), its index in `rows` and where its findings end in
        /// `summary.findings` (a duplicate's finding goes there).
        var keys: [Key] = []
        typealias Key = (high: UInt64, low: UInt64, line: Int, row: Int, findingsEnd: Int)
    }

    static func check(_ path: String, size: Int, zones: ZoneDirectory, encoding: TextEncoding, keepValues: Bool, collectRows: Bool,
                      observe: ((UnsafeBufferPointer<UInt8>) -> Void)?, onRow: (CheckedRow) throws -> Void) throws -> Outcome {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, size >= minimumSize, encoding == .utf8 || encoding == .utf8BOM else { return .oneFile(Delivered()) }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return .oneFile(Delivered()) }
        defer { close(fd) }
        let bom = encoding == .utf8BOM ? 3 : 0

        // The header: the first line, read and checked here; anything unusual (no line break in the first MB,
        // a quoted line break, bytes that are not UTF-8, a header with errors) is left to one pass.
        let head = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
        defer { head.deallocate() }
        let got = readFully(fd, head.baseAddress!, head.count, at: 0)
        guard got > bom, let lf = head[bom..<got].firstIndex(of: 0x0A) else { return .oneFile(Delivered()) }
        let headerBytes = UnsafeBufferPointer(rebasing: head[bom...lf])
        var validator = UTF8Validator()
        guard validator.feed(headerBytes), validator.finish() else { return .oneFile(Delivered()) }
        var summary = FileSummary(path: path)
        summary.encoding = encoding
        let checking = RecordCheck(zones: zones, encoding: encoding, expectedRows: 0, keepValues: keepValues)
        var parser = CSVParser()
        parser.feed(headerBytes) { record in try? checking.feed(record, decoding: [], into: &summary) { _, _ in } }
        guard parser.recordCount == 1, parser.isBetweenRecords, parser.currentLine == 2, checking.rowChecker?.hasCodePeriodKey == true
        else { return .oneFile(Delivered()) }
        let workers = (0..<cores).compactMap { _ in checking.partChecker() }
        guard workers.count == cores, let merger = checking.rowChecker else { return .oneFile(Delivered()) }

        let dataStart = lf + 1
        let count = (size - dataStart + partSize - 1) / partSize
        let parts = (0..<count).map { _ in Part() }
        let done = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        // At most this many parts are read ahead of the merge, so memory does not grow with the file.
        let state = SharedState(window: cores + 2)
        let group = DispatchGroup()
        let file = SendableFD(fd: fd)
        for w in 0..<cores {
            let checker = SendableBox(workers[w])
            group.enter()
            Thread {
                defer { group.leave() }
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: pieceSize)
                defer { buffer.deallocate() }
                while true {
                    guard let i = state.next(below: count) else { return }
                    let nominal = dataStart + i * partSize
                    read(part: parts[i], from: i == 0 ? dataStart : nominal, findStart: i > 0,
                         nominalEnd: i == count - 1 ? nil : nominal + partSize, size: size, fd: file.fd, buffer: buffer,
                         checker: checker.value, keepValues: keepValues, collectRows: collectRows, cancelled: state)
                    done[i].signal()
                }
            }.start()
        }

        var delivered = Delivered()
        var observed = 0
        func handOn(upTo end: Int) {
            // Nobody to see the bytes (validate without a hash): they are not read a second time (0.05 s of CPU
            // for 254 MB), and the file's size is confirmed at the end by fstat instead.
            guard let observe else { observed = max(observed, end); return }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: pieceSize)
            defer { buffer.deallocate() }
            while observed < end {
                let n = readFully(fd, buffer, min(pieceSize, end - observed), at: observed)
                guard n > 0 else { return }
                observe(UnsafeBufferPointer(start: buffer, count: n))
                observed += n
            }
        }
        var table = CodePeriodTable(capacity: max(1024, size / 230))
        var lineBefore = 1          // line breaks before the current part (the header's)
        var stoppedAt: Int? = nil
        do {
            handOn(upTo: dataStart)
            for i in 0..<count {
                done[i].wait()
                let part = parts[i]
                // The guess of part i holds if part i − 1 ended between records (part 0 starts after the header).
                if !part.validUTF8 || (i > 0 && !parts[i - 1].endsBetweenRecords) { stoppedAt = i; break }
                // The keys in file order; a duplicate's finding goes after its row's other findings.
                var duplicates: [(row: Int, findingsEnd: Int, finding: Finding)] = []
                // Taken out of the part (so that they are the only reference to their storage, which is reused).
                var keys = part.keys, rows = part.rows
                part.keys = []; part.rows = []
                for (n, k) in keys.enumerated() {
                    // The table is bigger than the caches: its slot for a key a few rows on is fetched meanwhile.
                    if n + 8 < keys.count { table.prefetch(keys[n + 8].high, keys[n + 8].low) }
                    let line = k.line + lineBefore
                    if let first = table.insert(k.high, k.low, line: line) {
                        duplicates.append((k.row, k.findingsEnd, merger.duplicate(of: (k.high, k.low), line: line, first: first)))
                    }
                }
                summary.rows += part.summary.rows
                summary.accepted += part.summary.accepted - duplicates.count
                summary.rejected += part.summary.rejected + duplicates.count
                var next = 0
                for (j, f) in part.summary.findings.enumerated() {
                    while next < duplicates.count && duplicates[next].findingsEnd == j { summary.findings.append(duplicates[next].finding); next += 1 }
                    summary.findings.append(shifted(f, lineBefore))
                }
                for d in duplicates[next...] { summary.findings.append(d.finding) }
                handOn(upTo: part.end)
                if collectRows {
                    var d = 0
                    for (j, row) in rows.enumerated() {
                        var findings = row.findings.map { shifted($0, lineBefore) }
                        if d < duplicates.count && duplicates[d].row == j { findings.append(duplicates[d].finding); d += 1 }
                        try onRow(CheckedRow(line: row.line + lineBefore, values: row.values, findings: findings))
                        delivered.rows += 1
                    }
                }
                lineBefore += part.lineBreaks
                parts[i].summary.findings = []
                state.recycle(&keys, &rows)
                state.merged()
            }
        } catch {
            state.cancel()
            group.wait()
            throw error
        }
        if stoppedAt != nil { state.cancel() }
        group.wait()
        delivered.bytes = observed
        guard stoppedAt == nil else { return .oneFile(delivered) }
        handOn(upTo: size)
        if observe == nil {
            // The parts read up to `size`: a file that has changed size since is read again in one pass.
            var st = stat()
            if fstat(fd, &st) != 0 || Int(st.st_size) != size { return .oneFile(delivered) }
        }
        summary.size = observed
        if observed != size { return .oneFile(delivered) }
        return .done(summary)
    }

    /// Whether a big file is strict UTF-8, found on every core: the file cut into one piece per core just after a
    /// line break (a line break always ends a UTF-8 sequence, valid or not, so the pieces together are valid
    /// exactly when the file is). Nil for a file below `minimumSize` or on one core (`SurveyFile.detectEncoding`
    /// reads it in one pass).
    static func isStrictUTF8(_ path: String, size: Int) -> Bool? {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, size >= minimumSize else { return nil }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let file = SendableFD(fd: fd)
        let results = ValidityResults(count: cores)
        let group = DispatchGroup()
        let share = (size + cores - 1) / cores
        for c in 0..<cores {
            group.enter()
            Thread {
                defer { group.leave() }
                let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: pieceSize)
                defer { buffer.deallocate() }
                // [start(c), start(c + 1)): start(0) = 0, else just after the first line break at or after c × share − 1.
                func start(_ c: Int) -> Int { c == 0 ? 0 : lineStart(atOrAfter: c * share, size: size, fd: file.fd, buffer: buffer) }
                let end = c == cores - 1 ? size : start(c + 1)
                var p = start(c)
                var validator = UTF8Validator()
                while p < end {
                    let n = readFully(file.fd, buffer, min(pieceSize, end - p), at: p)
                    guard n > 0, validator.feed(UnsafeBufferPointer(start: buffer, count: n)) else { results.set(c, false); return }
                    p += n
                }
                results.set(c, validator.finish())
            }.start()
        }
        group.wait()
        return results.all
    }

    final class ValidityResults: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Bool]
        init(count: Int) { values = Array(repeating: false, count: count) }
        func set(_ i: Int, _ v: Bool) { lock.lock(); values[i] = v; lock.unlock() }
        var all: Bool { lock.lock(); defer { lock.unlock() }; return values.allSatisfy { $0 } }
    }

    private static func shifted(_ f: Finding, _ lines: Int) -> Finding {
        guard let line = f.line else { return f }
        var f = f
        f.line = line + lines
        return f
    }

    /// Reads, checks and keeps part `index`: from `start` (or from just after the first line break at or after
    /// `start − 1`, when `findStart`) to just after the first line break at or after `nominalEnd − 1` (or the end
    /// of the file).
    ///
    /// The part's state is kept in locals while its rows are read and handed to `part` at the end, and the row
    /// checker is called directly: a reference taken and dropped for every row (to the part, the record checker,
    /// the row checker) was a tenth of validating one big file, most of it the atomic update of reference counts
    /// (perf: `lock cmpxchg` in swift_retain and swift_release).
    private static func read(part: Part, from start: Int, findStart: Bool, nominalEnd: Int?, size: Int, fd: Int32,
                             buffer: UnsafeMutablePointer<UInt8>, checker: RowChecker, keepValues: Bool, collectRows: Bool,
                             cancelled: SharedState) {
        var position = start
        if findStart { position = lineStart(atOrAfter: start, size: size, fd: fd, buffer: buffer) }
        var (keys, rows) = cancelled.storage()
        var parser = CSVParser()
        var validator = UTF8Validator()
        var summary = FileSummary(path: "")
        var validUTF8 = true
        var findings = 0        // in `summary.findings` (a part's rows' findings all go there: its header has none)
        func keep(_ record: CSVRecord) {
            let row = RecordCheck.checkPartRow(record, with: checker, keepValues: keepValues, into: &summary)
            findings += row.findings.count
            if collectRows { rows.append(row) }
            if let key = checker.deferredKey {
                keys.append((key.high, key.low, row.line, rows.count - 1, findings))
            }
        }
        func take(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard validator.feed(bytes) else { validUTF8 = false; return }
            parser.feed(bytes, keep)
        }
        // A part that would start at or after its nominal end is empty (a line longer than a part).
        var ended = nominalEnd.map { position >= $0 } ?? false
        while !ended && position < size && validUTF8 && !cancelled.isCancelled {
            let n = readFully(fd, buffer, min(pieceSize, size - position), at: position)
            guard n > 0 else { break }
            var use = n
            if let nominalEnd, position + n >= nominalEnd {
                let from = max(0, nominalEnd - 1 - position)
                if let k = UnsafeBufferPointer(start: buffer + from, count: n - from).firstIndex(of: 0x0A) {
                    use = from + k + 1
                    ended = true
                }
            }
            take(UnsafeBufferPointer(start: buffer, count: use))
            position += use
        }
        if !ended && position >= size {
            if !validator.finish() { validUTF8 = false }
            if validUTF8 { parser.finish(keep) }
        } else if !validator.finish() {
            validUTF8 = false
        }
        part.validUTF8 = validUTF8
        (part.keys, part.rows) = (keys, rows)
        part.summary = summary
        part.end = position
        part.lineBreaks = parser.currentLine - 1
        part.endsBetweenRecords = parser.isBetweenRecords
    }

    /// The first offset at or after `offset` that follows a line break (`size` when none does): where a part or
    /// a piece of the file begins. The part before ends there too, so the two always meet.
    static func lineStart(atOrAfter offset: Int, size: Int, fd: Int32, buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var p = offset - 1
        while p < size {
            let n = readFully(fd, buffer, min(pieceSize, size - p), at: p)
            guard n > 0 else { return size }
            if let k = UnsafeBufferPointer(start: buffer, count: n).firstIndex(of: 0x0A) { return p + k + 1 }
            p += n
        }
        return size
    }

    /// Reads `count` bytes at `offset` (fewer only at the end of the file or on an error).
    static func readFully(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int, at offset: Int) -> Int {
        var got = 0
        while got < count {
            let n = pread(fd, buffer + got, count - got, off_t(offset + got))
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            got += n
        }
        return got
    }

    /// The next part to read, and how many are read but not yet merged: a worker waits while `window` are.
    final class SharedState: @unchecked Sendable {
        private let condition = NSCondition()
        private let window: Int
        private var nextPart = 0, merges = 0
        private var cancelled = false
        init(window: Int) { self.window = window }
        func next(below count: Int) -> Int? {
            condition.lock(); defer { condition.unlock() }
            while !cancelled && nextPart < count && nextPart - merges >= window { condition.wait() }
            guard !cancelled, nextPart < count else { return nil }
            nextPart += 1
            return nextPart - 1
        }
        func merged() { condition.lock(); merges += 1; condition.broadcast(); condition.unlock() }

        /// The keys and rows of merged parts, emptied with their capacity kept, for the next parts to fill: a new
        /// array for each part, grown as it filled and freed once merged, made malloc hand its pages back to the
        /// system and fault them in again, part after part (most page faults of a validate; a tenth of its time).
        private var spare: [([Part.Key], [CheckedRow])] = []
        func storage() -> ([Part.Key], [CheckedRow]) {
            condition.lock(); defer { condition.unlock() }
            return spare.popLast() ?? ([], [])
        }
        func recycle(_ keys: inout [Part.Key], _ rows: inout [CheckedRow]) {
            keys.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
            condition.lock(); defer { condition.unlock() }
            spare.append((keys, rows))
            keys = []; rows = []
        }
        func cancel() { condition.lock(); cancelled = true; condition.broadcast(); condition.unlock() }
        var isCancelled: Bool { condition.lock(); defer { condition.unlock() }; return cancelled }
    }

    struct SendableFD: @unchecked Sendable { let fd: Int32 }
    final class SendableBox<T>: @unchecked Sendable { let value: T; init(_ value: T) { self.value = value } }
}
