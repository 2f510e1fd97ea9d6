import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SurveyCore
import SurveyWorkbook

extension Archive {
    /// What ingesting one file did.
    public enum IngestOutcome: Sendable {
        /// Stored now: the file as stored and what checking found.
        case stored(StoredFile, FileSummary)
        /// The same bytes were stored before: nothing changed.
        case unchanged(StoredFile)
        /// Not a file ipsurvey reads (unrecognised header, empty): reported and not stored.
        case skipped(FileSummary)
    }

    /// A problem that stops an ingest (the archive is left as it was).
    public struct IngestError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// SHA-256 of a file, read in chunks.
    public static func sha256(of path: String) throws -> String {
        var hasher = SHA256()
        try ChunkedFile.forEachChunk(path) { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)); return true }
        return hex(hasher.finalize())
    }

    /// Not enough free space to store a file: refused before anything is written.
    public struct NoSpace: Error, Sendable {
        public let path: String
        public let file: String
        public let needed: Int64
        public let free: Int64
    }

    /// Free bytes on the file system of `path` (for an unprivileged user), nil if unknown.
    static func freeSpace(near path: String) -> Int64? {
        var st = statvfs()
        let dir = (path as NSString).deletingLastPathComponent
        guard statvfs(dir.isEmpty ? "." : dir, &st) == 0 else { return nil }
        return Int64(st.f_bavail) * Int64(st.f_frsize)
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// Whether a stored file has this many bytes.
    func hasFile(ofSize size: Int64) throws -> Bool { try queue.read { try Archive.hasFile($0, ofSize: size) } }

    static func hasFile(_ db: Database, ofSize size: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM file WHERE size = ? LIMIT 1", arguments: [size]) ?? false
    }

    /// Checks and stores one file in one transaction: its bytes, every row (accepted or rejected, with findings)
    /// and the typed returns, zones, regional figures or targets. A crash leaves the archive as it was before.
    ///
    /// - Parameters:
    ///   - zones: the zones returns and regional rows are checked against.
    ///   - receivedAt: the receipt time to record (ISO 8601, as `Timestamp.string`).
    ///   - progress: called now and then with the number of rows stored so far.
    ///   - sniffed: the file's encoding and header when the caller already read them (`InputFile.sniff`).
    ///   - tentative: the encoding is the UTF-8 guess of `InputFile.sniffTentatively`, confirmed as the file is read;
    ///     when it proves to be another one after rows were written, nothing is stored and `EncodingGuessWrong` is
    ///     thrown (the caller ingests the file again in that encoding).
    ///   - sha256: the file's SHA-256 when the caller already computed it (`Archive.sha256(of:)`); the bytes
    ///     stored are hashed again as they are read, and a file changed since is not stored.
    ///
    /// The bytes can be stored already only when a stored file has the same size: only then is the file hashed
    /// before anything else (0.18 s for 254 MB, with the other core idle). Otherwise its SHA-256 is the one taken as
    /// it is read and stored, and a file changed since it was sniffed is caught by its size and its header.
    public func ingest(_ path: String, zones: ZoneDirectory, receivedAt: String,
                       sniffed: (encoding: TextEncoding, header: [String]?)? = nil, tentative: Bool = false, sha256 known: String? = nil,
                       progress: (Int) -> Void = { _ in }) throws -> IngestOutcome {
        let size = Int64((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0)
        var sha = known
        if sha == nil, try hasFile(ofSize: size) { sha = try Archive.sha256(of: path) }
        if let sha, let existing = try file(sha256: sha) { return .unchanged(existing) }
        let (encoding, header) = try sniffed ?? InputFile.sniff(path)
        guard let header, let kind = HeaderMap.recognise(header) else {
            return .skipped(try InputFile.check(path, zones: zones, encoding: encoding))
        }
        // Room for the file before a byte is written: its bytes and rows go into the archive (about three times
        // the file, measured on the demo and on 1M rows before its bytes were compressed; a workbook's do not
        // compress), and into a WAL first as well in an archive that still has one (see `Archive.init`). A disk
        // that fills mid-file makes SQLite roll the file back.
        let needed = 6 * size + (8 << 20)
        if let free = Archive.freeSpace(near: self.path), free < needed {
            throw NoSpace(path: self.path, file: path, needed: needed, free: free)
        }
        var outcome: IngestOutcome? = nil
        // The default 2 MiB page cache: since the credit-code index went (schema v2) a 128 MiB cache no longer
        // helped (1M rows: 4.85–5.16 s either way) and doubled the peak memory (259 → 129 MB without it).
        try queue.writeWithoutTransaction { db in try db.inTransaction(.immediate) {
            // Another process may have stored the same bytes while this one waited for the lock (a file of this
            // size, when this one was not hashed yet).
            if sha == nil, try Archive.hasFile(db, ofSize: size) {
                sha = try Archive.sha256(of: path)
            }
            if let sha, let row = try Row.fetchOne(db, sql: "SELECT \(Archive.fileColumns) FROM file WHERE sha256 = ?", arguments: [sha]) {
                outcome = .unchanged(Archive.storedFile(row))
                return .commit
            }
            let headerLine = header.map(CSVText.escape).joined(separator: ",")
            try db.execute(sql: """
                INSERT INTO file (sha256, name, size, encoding, format, kind, received_at, header, rows, accepted, rejected, warnings)
                VALUES (?, ?, ?, '', ?, ?, ?, ?, 0, 0, 0, 0)
                """, arguments: [sha ?? "pending \(UUID().uuidString)", path, size, InputFile.format(of: path).rawValue, kind.rawValue, receivedAt, headerLine])
            let fileID = db.lastInsertedRowID
            let writer = try RowWriter(db: db, fileID: fileID, kind: kind, receivedAt: receivedAt, zones: zones)
            // The bytes are stored as they are read for checking, piece by piece (compressed on the checking
            // thread: see StoredBytes), so memory does not grow with the file.
            let piece = try db.makeStatement(sql: "INSERT INTO file_piece (file_id, offset, size, codec, bytes) VALUES (?, ?, ?, ?, ?)")
            // Checking (read, decode, parse, check, hash) runs on a second thread and hands this one, in order,
            // the raw chunks and batches of checked rows to write: the two cores each do half the work
            // (one 333,000-row file: 4.9 s → 4.3 s; the writer is now the slower of the two).
            // At most 16 items wait (about 40 MB), so memory does not grow with the file.
            let handoff = Handoff<IngestItem>(capacity: 16)
            let retired = Retired<[CheckedRow]>()
            let checking = Thread {
                var hasher = SHA256()
                let compressor = StoredBytes.Compressor()
                var batch: [CheckedRow] = []
                batch.reserveCapacity(IngestItem.batchSize)
                let result = Result { () throws -> FileSummary in
                    let summary = try InputFile.check(path, zones: zones, encoding: encoding, tentative: tentative, observe: { chunk in
                        hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
                        handoff.put(.piece(compressor.piece(chunk)))
                    }, checkedRow: { row in
                        batch.append(row)
                        if batch.count == IngestItem.batchSize {
                            handoff.put(.rows(batch))
                            batch = []
                            batch.reserveCapacity(IngestItem.batchSize)
                            retired.drain()
                        }
                        if handoff.isCancelled { throw CancellationError() }
                    })
                    if !batch.isEmpty { handoff.put(.rows(batch)) }
                    return summary
                }
                handoff.putLast(.done(result, digest: Archive.hex(hasher.finalize())))
            }
            checking.start()
            var offset: Int64 = 0
            var piecesFailed = false
            var stored = 0
            var finished: FileSummary? = nil
            var digest = ""
            var checkingEnded = false
            do {
                while finished == nil {
                    switch handoff.take() {
                    case .piece(let p):
                        if offset + Int64(p.size) > size { piecesFailed = true }
                        try writer.store(p, at: offset, with: piece)
                        offset += Int64(p.size)
                    case .rows(let rows):
                        for row in rows { try writer.write(row) }
                        retired.put(rows)
                        let before = stored
                        stored += rows.count
                        if before / 50_000 != stored / 50_000 { progress(stored) }
                    case .done(let result, let hash):
                        checkingEnded = true
                        finished = try result.get()
                        digest = hash
                    }
                }
            } catch {
                // The checking thread stops at its next row; wait for its end before unwinding (unless its end is
                // what failed: waiting for another would never return).
                if !checkingEnded {
                    handoff.cancel()
                    while case let item = handoff.take() { if case .done = item { break } }
                }
                throw error
            }
            let summary = finished!
            // Not hashed first: the header read must be the one sniffed (the size is checked the same either way).
            guard !piecesFailed, offset == size, digest == sha ?? digest, sha != nil || summary.kind == kind else {
                throw IngestError(path: path, reason: "the file changed while it was being read / 文件在读取过程中被修改")
            }
            if sha == nil { try db.execute(sql: "UPDATE file SET sha256 = ? WHERE id = ?", arguments: [digest, fileID]) }
            // Earlier returns for the same credit code × period are superseded now (only when the archive holds
            // returns for these periods from another file: a first ingest of a year has nothing to supersede).
            // (Every other file's rows have lower ids than this one's.)
            let periods = try writer.periods.map(\.description).sorted().filter { period in
                guard let first = writer.firstRow else { return false }
                return try Bool.fetchOne(db, sql: "SELECT 1 FROM record WHERE credit_code IS NOT NULL AND period = ? AND id < ? LIMIT 1",
                                         arguments: [period, first]) ?? false
            }
            if !periods.isEmpty { try Archive.resupersede(db, periods: periods) }
            let fileFindings = summary.findings.filter { $0.line == nil || $0.code.hasPrefix("header.") || $0.code.hasPrefix("xlsx.") || $0.code == "file.empty" }
            try db.execute(sql: """
                UPDATE file SET encoding = ?, rows = ?, accepted = ?, rejected = ?, warnings = ?, findings = ?, first_row = ?, last_row = ?
                WHERE id = ?
                """, arguments: [summary.encoding?.rawValue ?? "", summary.rows, summary.accepted, summary.rejected, summary.warnings,
                                 fileFindings.isEmpty ? nil : Finding.jsonArray(fileFindings), writer.firstRow, writer.lastRow, fileID])
            var stamped = summary
            stamped.sha256 = digest
            let storedFile = try Row.fetchOne(db, sql: "SELECT \(Archive.fileColumns) FROM file WHERE id = ?", arguments: [fileID]).map(Archive.storedFile)!
            outcome = .stored(storedFile, stamped)
            return .commit
        } }
        return outcome!
    }
}

/// What the writing thread of an ingest has written, handed back for the checking thread to let go: freeing a
/// batch of checked rows (their values, each name's string) was a twelfth of the writer's time, and the writer
/// sets the pace of an ingest.
final class Retired<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []

    func put(_ item: T) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    /// Lets go of everything put so far, on the calling thread.
    func drain() {
        lock.lock()
        let gone = items
        items = []
        lock.unlock()
        withExtendedLifetime(gone) {}
    }
}

/// What the checking thread of an ingest hands the writing thread, in order.
enum IngestItem {
    /// The next bytes of the file, as they are to be stored.
    case piece(StoredBytes.Piece)
    case rows([CheckedRow])
    /// The end: the file's summary (or why checking stopped) and the SHA-256 of the bytes read.
    case done(Result<FileSummary, Error>, digest: String)

    static let batchSize = 2048
}

/// Writes the rows of one file with prepared statements and raw binds (3× faster than Codable records here).
/// The writer sets the pace of an ingest, so a return row is bound without dictionary lookups or new strings:
/// field positions, zone ids, option ids and the receipt time are looked up once per file, the credit code is
/// spelled into a stack buffer, and every parameter is bound on every row (no `clear_bindings`).
final class RowWriter {
    let db: Database
    let fileID: Int64
    let kind: FileKind
    let receivedAt: String
    let zones: ZoneDirectory
    let record: Statement
    let typed: Statement?
    /// The periods of the accepted returns written (to know whether any earlier return is superseded).
    private(set) var periods: Set<Period> = []
    let form: Form
    let ix: [String: Int]
    /// Positions in a return's values of the fields bound to the typed columns, in column order.
    private let creditCode, period, zone, agencyName, agencyKind, businessTypes, brandLevel, designation: Int
    private let numberIndexes: [Int]
    private let zoneIDs: [String]
    private let kindIDs: [String], brandIDs: [String]
    /// The texts a return row binds that do not come from its own cells — the zone, kind, brand level and
    /// designation ids and the receipt time — kept for the writer's life so that SQLite takes them without a copy,
    /// and one scratch for the period and one for the credit code, written before each is bound (SQLITE_TRANSIENT
    /// made SQLite copy seven texts a row, a malloc and a free each).
    private let fixed: BoundTexts
    private let zoneText: Int, kindText: Int, brandText: Int, designationText: Int, receivedText: Int
    private let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64)
    /// The ids of the first and last row written (one unbroken range: see schema v3).
    private(set) var firstRow: Int64? = nil
    private(set) var lastRow: Int64? = nil
    private var lastPeriod: Period? = nil
    private var lastPeriodText = ""
    /// The byte count of `lastPeriodText` when it is in the scratch (a period's text is six bytes at most); nil
    /// when it would not fit and is bound with a copy.
    private var lastPeriodInScratch: Int32? = nil
    /// Parameters after the fixed four: the typed columns of a return.
    private let returnParameters: Int32

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(db: Database, fileID: Int64, kind: FileKind, receivedAt: String, zones: ZoneDirectory) throws {
        self.db = db; self.fileID = fileID; self.kind = kind; self.receivedAt = receivedAt; self.zones = zones
        form = Form.of(kind)
        ix = form.index
        let r = Form.returns.index
        (creditCode, period, zone, agencyName) = (r["credit_code"]!, r["period"]!, r["zone"]!, r["agency_name"]!)
        (agencyKind, businessTypes, brandLevel) = (r["agency_kind"]!, r["business_types"]!, r["brand_level"]!)
        designation = r["province_designation"]!
        numberIndexes = Archive.numberFields.map { r[$0]! }
        zoneIDs = zones.zones.map(\.id)
        kindIDs = Choices.agencyKind.options.map(\.id)
        brandIDs = Choices.brandLevel.options.map(\.id)
        let designationIDs = Choices.provinceDesignation.options.map(\.id)
        (zoneText, kindText, brandText) = (0, zoneIDs.count, zoneIDs.count + kindIDs.count)
        designationText = brandText + brandIDs.count
        receivedText = designationText + designationIDs.count
        fixed = BoundTexts(zoneIDs + kindIDs + brandIDs + designationIDs + [receivedAt])
        let returnColumns = ["credit_code", "period", "zone", "received_at", "agency_name", "agency_kind", "business_types", "brand_level"]
            + Archive.numberFields + ["province_designation"]
        returnParameters = Int32(returnColumns.count)
        let columns = ["file_id", "line", "accepted", "findings"] + returnColumns
        record = try db.makeStatement(sql: "INSERT INTO record (\(columns.joined(separator: ","))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))")
        switch kind {
        case .returns: typed = nil
        case .zones: typed = try db.makeStatement(sql: "INSERT INTO zone (file_id, received_at, zone, name_zh, name_en, level, city, division_code, plan_start, plan_end, plan_doc, plan_doc_en) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
        case .regional: typed = try db.makeStatement(sql: "INSERT INTO regional (file_id, received_at, zone, period, indicator, value, source) VALUES (?,?,?,?,?,?,?)")
        case .targets: typed = try db.makeStatement(sql: "INSERT INTO target (file_id, received_at, zone, indicator, op, value, deadline, source, quote, base_year, tolerance) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        case .agencies: typed = try db.makeStatement(sql: "INSERT INTO agency (file_id, received_at, credit_code, agency_name, zone, entered_on, left_on) VALUES (?,?,?,?,?,?,?)")
        }
    }

    private func bind(_ s: OpaquePointer, _ i: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(s, i); return }
        var t = text
        t.withUTF8 { b in
            if let base = b.baseAddress {
                _ = sqlite3_bind_text(s, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(b.count), RowWriter.transient)
            } else {
                _ = sqlite3_bind_text(s, i, "", 0, RowWriter.transient)
            }
        }
    }

    private func bind(_ s: OpaquePointer, _ i: Int32, _ v: Int64?) {
        if let v { sqlite3_bind_int64(s, i, v) } else { sqlite3_bind_null(s, i) }
    }

    private func step(_ statement: Statement) throws {
        let s = statement.sqliteStatement
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
    }

    func text(_ v: CellValue) -> String? { v.display(zones) }

    /// Stores the piece of the file's bytes that starts at `offset`.
    func store(_ p: StoredBytes.Piece, at offset: Int64, with statement: Statement) throws {
        guard p.size > 0 else { return }
        let s = statement.sqliteStatement
        sqlite3_bind_int64(s, 1, fileID)
        sqlite3_bind_int64(s, 2, offset)
        sqlite3_bind_int64(s, 3, Int64(p.size))
        bind(s, 4, p.codec.rawValue)
        try p.bytes.withUnsafeBytes { b in
            // The bytes outlive the step, so SQLite need not copy them (SQLITE_STATIC).
            _ = sqlite3_bind_blob(s, 5, b.baseAddress, Int32(b.count), nil)
            try step(statement)
        }
    }

    /// Writes one checked row. Its cells as read are not copied: `Archive.rows(of:)` reads them from the
    /// file's stored bytes, and so does anyone who needs the personal data.
    func write(_ row: CheckedRow) throws {
        let s = record.sqliteStatement
        sqlite3_bind_int64(s, 1, fileID)
        sqlite3_bind_int64(s, 2, Int64(row.line))
        sqlite3_bind_int64(s, 3, row.isRejected ? 0 : 1)
        bind(s, 4, row.findings.isEmpty ? nil : Finding.jsonArray(row.findings))
        if kind == .returns && !row.isRejected {
            bindReturn(s, row.values)
            // The name's bytes are bound where they lie, and the row stepped while they are lent (no copy).
            if case .text(var name) = row.values[agencyName] {
                try name.withUTF8 { b in
                    sqlite3_bind_text(s, 9, UnsafeRawPointer(b.baseAddress ?? UnsafePointer(scratch.baseAddress!)).assumingMemoryBound(to: CChar.self),
                                      Int32(b.count), nil)
                    try step(record)
                }
            } else {
                try step(record)
            }
        } else {
            for i in 0..<returnParameters { sqlite3_bind_null(s, 5 + i) }
            try step(record)
        }
        let id = sqlite3_last_insert_rowid(db.sqliteConnection)
        if firstRow == nil { firstRow = id }
        if let last = lastRow, id != last + 1 {    // cannot happen while this transaction holds the write lock
            throw DatabaseError(resultCode: .SQLITE_INTERNAL, message: "row \(id) does not follow row \(last) of the same file")
        }
        lastRow = id
        guard let typed, !row.isRejected else { return }
        let t = typed.sqliteStatement
        sqlite3_clear_bindings(t)
        let v = row.values
        sqlite3_bind_int64(t, 1, fileID)
        bind(t, 2, receivedAt)
        var i: Int32 = 3
        for field in form.fields {
            let value = v[ix[field.id]!]
            if case .choice(let c) = value, case .choice(let domain) = field.type { bind(t, i, domain.options[c].id) }
            else { bind(t, i, text(value) ?? "") }
            i += 1
        }
        try step(typed)
    }

    /// Binds parameters 5… of `record` from an accepted return (the values are those the checker made:
    /// a valid credit code, period and zone).
    private func bindReturn(_ s: OpaquePointer, _ v: [CellValue]) {
        // The credit code in the first 18 bytes of the scratch, the period's text after them; both stay there
        // until this row is stepped (the next row writes them again after the reset).
        if case .creditCode(let code) = v[creditCode] {
            code.spell(into: UnsafeMutableBufferPointer(rebasing: scratch[0..<18]))
            sqlite3_bind_text(s, 5, UnsafeRawPointer(scratch.baseAddress!).assumingMemoryBound(to: CChar.self), 18, nil)
        } else { bind(s, 5, text(v[creditCode])) }
        if case .period(let p) = v[period] {
            if p != lastPeriod {
                lastPeriod = p; lastPeriodText = p.description; periods.insert(p)
                lastPeriodInScratch = nil
                if lastPeriodText.utf8.count <= scratch.count - 18 {
                    _ = UnsafeMutableBufferPointer(rebasing: scratch[18...]).initialize(from: lastPeriodText.utf8)
                    lastPeriodInScratch = Int32(lastPeriodText.utf8.count)
                }
            }
            if let count = lastPeriodInScratch {
                sqlite3_bind_text(s, 6, UnsafeRawPointer(scratch.baseAddress! + 18).assumingMemoryBound(to: CChar.self), count, nil)
            } else { bind(s, 6, lastPeriodText) }
        } else { bind(s, 6, text(v[period])) }
        if case .zone(let z) = v[zone], z >= 0 { fixed.bind(s, 7, zoneText + z) } else { bind(s, 7, text(v[zone])) }
        fixed.bind(s, 8, receivedText)
        sqlite3_bind_null(s, 9)      // the name: `write` binds it while its bytes are lent, when there is one
        if case .choice(let k) = v[agencyKind] { fixed.bind(s, 10, kindText + k) } else { sqlite3_bind_null(s, 10) }
        if case .choices(let m) = v[businessTypes] { sqlite3_bind_int64(s, 11, Int64(m)) } else { sqlite3_bind_null(s, 11) }
        if case .choice(let b) = v[brandLevel] { fixed.bind(s, 12, brandText + b) } else { fixed.bind(s, 12, brandText) }
        var i: Int32 = 13
        for n in numberIndexes {
            if case .int(let x) = v[n] { sqlite3_bind_int64(s, i, x) } else { sqlite3_bind_null(s, i) }
            i += 1
        }
        if case .choice(let d) = v[designation] { fixed.bind(s, i, designationText + d) } else { sqlite3_bind_null(s, i) }
    }

    deinit {
        // Nothing may point into the scratch once it is gone (the statements are finalized after this).
        sqlite3_clear_bindings(record.sqliteStatement)
        scratch.deallocate()
    }
}

/// Texts held for a writer's life in one buffer, bound without a copy (SQLITE_STATIC): SQLite reads them when the
/// statement is stepped, so they must outlive every step of the statements that bind them (`RowWriter` clears its
/// bindings before it lets them go).
final class BoundTexts {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private let spans: [(start: Int, count: Int)]

    init(_ texts: [String]) {
        let total = texts.reduce(0) { $0 + $1.utf8.count }
        storage = .allocate(capacity: max(1, total))
        var spans: [(start: Int, count: Int)] = [], at = 0
        for t in texts {
            let n = UnsafeMutableBufferPointer(rebasing: storage[at...]).initialize(from: t.utf8).1
            spans.append((at, n)); at += n
        }
        self.spans = spans
    }

    deinit { storage.deallocate() }

    func bind(_ s: OpaquePointer, _ i: Int32, _ index: Int) {
        let span = spans[index]
        sqlite3_bind_text(s, i, UnsafeRawPointer(storage.baseAddress! + span.start).assumingMemoryBound(to: CChar.self), Int32(span.count), nil)
    }
}
