import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SurveyCore
import SurveyWorkbook

extension Archive {
    /// The zones as the archive stood at `asOf`: for each zone id, the row of the latest zones file received by then.
    public func zones(asOf: String = Timestamp.end) throws -> [Zone] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (
                  SELECT z.*, ROW_NUMBER() OVER (PARTITION BY zone ORDER BY received_at DESC, id DESC) AS rn
                  FROM zone z WHERE received_at <= ?)
                WHERE rn = 1 ORDER BY id
                """, arguments: [asOf]).compactMap { r in
                guard let start = SimpleDate(r["plan_start"] as String), let end = SimpleDate(r["plan_end"] as String) else { return nil }
                return Zone(id: r["zone"], name: Bilingual(r["name_zh"], r["name_en"]), level: r["level"], city: r["city"],
                            divisionCode: r["division_code"], planStart: start, planEnd: end, planDocument: r["plan_doc"],
                            planDocumentEn: r["plan_doc_en"])
            }
        }
    }

    /// One stored row of a file, as `archive show` prints it.
    public struct StoredRow: Sendable {
        public let line: Int
        /// accepted | rejected | superseded
        public let status: String
        /// Field id (or the header text of an unknown column) → the cell as read.
        public let values: [(String, String)]
        public let findings: [Finding]
        /// For a superseded return: the file and time of the return that replaced it.
        public let supersededBy: (fileID: Int64, receivedAt: String)?
    }

    /// The rows of a stored file. A return is `superseded` when a later accepted return for the same
    /// credit code × period was received by `asOf`.
    public func rows(of file: StoredFile, asOf: String = Timestamp.end) throws -> [StoredRow] {
        try queue.read { db in
            let header = try String.fetchOne(db, sql: "SELECT header FROM file WHERE id = ?", arguments: [file.id]) ?? ""
            let kind = FileKind(rawValue: file.kind)
            let names: [String] = CSVText.cells(of: header).map { h in
                guard let kind else { return h }
                let map = HeaderMap(headers: [h], form: .of(kind))
                return map.fieldOfColumn[0].map { Form.of(kind).fields[$0].id } ?? h
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.line, r.accepted, r.cells, r.findings,
                       CASE WHEN r.superseded_at <= ? THEN
                         (SELECT n.file_id || ' ' || n.received_at FROM record n WHERE n.id = r.superseded_by) END AS later
                FROM record r, file f WHERE f.id = ? AND r.id BETWEEN f.first_row AND f.last_row ORDER BY r.id
                """, arguments: [asOf, file.id])
            // Rows stored from schema v2 on keep no copy of their cells: they are read again from the stored bytes.
            var read: [Int: [String]] = [:]
            if rows.contains(where: { ($0["cells"] as String?) == nil }) {
                let content = try Archive.content(db, of: file)
                let encoding = TextEncoding(rawValue: file.encoding) ?? .utf8
                try InputFile.rows(of: content, encoding: encoding) { line, cells in read[line] = cells }
            }
            return rows.map { r in
                let line: Int = r["line"]
                let cells = (r["cells"] as String?).map(CSVText.cells(of:)) ?? read[line] ?? []
                var values: [(String, String)] = []
                for (i, cell) in cells.enumerated() { values.append((i < names.count ? names[i] : "column_\(i + 1)", cell)) }
                let later: String? = r["later"]
                let replaced = later.map { l -> (Int64, String) in
                    let parts = l.split(separator: " ", maxSplits: 1)
                    return (Int64(parts[0]) ?? 0, String(parts.count > 1 ? parts[1] : ""))
                }
                let accepted: Bool = r["accepted"]
                return StoredRow(line: line, status: !accepted ? "rejected" : (replaced != nil ? "superseded" : "accepted"),
                                 values: values, findings: (r["findings"] as String?).map(Finding.fromJSONArray) ?? [],
                                 supersededBy: replaced)
            }
        }
    }

    /// A discrepancy found by `verify`.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let fileID: Int64
        public let name: String
        public let what: Bilingual
        public var description: String { "#\(fileID) \(name): \(what.en)" }
    }

    /// Re-hashes every stored file and checks that rows in = accepted + rejected, and that the stored rows
    /// match the counts. Returns every problem found (none when the archive is sound).
    public func verify(progress: (StoredFile) -> Void = { _ in }) throws -> [Problem] {
        var problems: [Problem] = []
        // The rows each file has in `record` (one pass over the table), and the id range the file records.
        var stored: [Int64: (n: Int, accepted: Int, first: Int64, last: Int64)] = [:]
        var ranges: [Int64: (first: Int64?, last: Int64?)] = [:]
        try queue.read { db in
            for r in try Row.fetchAll(db, sql: "SELECT file_id, COUNT(*), SUM(accepted), MIN(id), MAX(id) FROM record GROUP BY file_id") {
                stored[r[0]] = (r[1], r[2], r[3], r[4])
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, first_row, last_row FROM file") { ranges[r[0]] = (r[1], r[2]) }
        }
        for file in try files() {
            progress(file)
            try queue.read { db in
                var hasher = SHA256()
                do {
                    // Also checks that the pieces add up to the recorded size.
                    try StoredBytes.forEachPiece(db, fileID: file.id, size: file.size) { hasher.update(bufferPointer: $0) }
                } catch let e as StoredBytes.Unreadable {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("无法读取存档内容（\(e.reason)）", "stored bytes cannot be read (\(e.reason))")))
                    return
                }
                let digest = Archive.hex(hasher.finalize())
                if digest != file.sha256 {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("内容的SHA-256为\(digest)，与入库时记录的\(file.sha256)不符（文件被改动）",
                                                            "content hashes to \(digest), not the recorded \(file.sha256) (tampered)")))
                }
                if file.rows != file.accepted + file.rejected {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("行数\(file.rows) ≠ 接受\(file.accepted) + 拒绝\(file.rejected)",
                                                            "rows \(file.rows) ≠ accepted \(file.accepted) + rejected \(file.rejected)")))
                }
                let rows = stored[file.id]
                let n = rows?.n ?? 0, a = rows?.accepted ?? 0
                let range = ranges[file.id]
                if rows?.first != range?.first || rows?.last != range?.last || n != Int((rows?.last ?? 0) - (rows?.first ?? 1) + 1) {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("存档中各行的编号不是记录的连续区间", "the stored rows are not the recorded range of ids")))
                }
                if n != file.rows || a != file.accepted {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("存档中有\(n)行（接受\(a)），与记录的\(file.rows)行（接受\(file.accepted)）不符",
                                                            "\(n) rows stored (\(a) accepted), recorded \(file.rows) (\(file.accepted) accepted)")))
                }
            }
        }
        return problems
    }

    /// Writes a stored file's original bytes into `directory` under a safe name made from its id, hash and
    /// the letters of its original name (never a path taken from the input). Returns the path written.
    /// A stored file whose bytes no longer hash to the SHA-256 recorded when it was received.
    public struct TamperedFile: Error, Sendable {
        public let fileID: Int64
        public let name: String
        public let recorded: String
        public let actual: String
    }

    /// The bytes of a stored file that cannot be read back (a piece damaged or altered).
    public struct UnreadableFile: Error, Sendable {
        public let fileID: Int64
        public let name: String
        public let reason: String
    }

    /// A stored file's bytes, whole.
    static func content(_ db: Database, of file: StoredFile) throws -> Data {
        do { return try StoredBytes.content(db, fileID: file.id, size: file.size) }
        catch let e as StoredBytes.Unreadable { throw UnreadableFile(fileID: file.id, name: file.name, reason: e.reason) }
    }

    public func export(_ file: StoredFile, to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (file.name as NSString).lastPathComponent
        let safe = String(base.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == "." ? Character(c) : "_"
        }).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let name = "\(file.id)-\(file.sha256.prefix(12))-\(safe.isEmpty ? "file.csv" : safe)"
        let path = (directory as NSString).appendingPathComponent(name)
        let data = try queue.read { db in try Archive.content(db, of: file) }
        // The bytes must still be the ones received: a tampered or damaged blob is refused, never written out
        // under the name of the original.
        let digest = Archive.hex(SHA256.hash(data: data))
        guard digest == file.sha256 else { throw TamperedFile(fileID: file.id, name: file.name, recorded: file.sha256, actual: digest) }
        try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        return path
    }
}

extension Archive {
    /// How many record ids a period must span to be read in parts (a variable for tests).
    nonisolated(unsafe) public static var partsFrom: Int64 = 200_000

    /// The current accepted returns as the archive stood at `asOf`: for each credit code × period, the latest
    /// accepted return received by then. Optionally only for some periods and zones; `names: false` leaves
    /// `agencyName` empty (statistics that do not list agencies) and `fields` reads only those number fields
    /// (the others are left not reported). With names they come by period, zone and credit code unless
    /// `ordered` is false (then in the order of the period index, which the same archive always gives: the sort
    /// was a third of reading a million returns, and a caller that sorts what it lists needs none).
    public func returns(periods: [Period]? = nil, zones: [String]? = nil, asOf: String = Timestamp.end,
                        names: Bool = true, ordered: Bool = true, fields: Set<String>? = nil) throws -> [SurveyReturn] {
        // Without names (statistics only, which sum exactly) the rows come unsorted, in the index order the same
        // archive always gives (so output stays reproducible); sorting 333,000 rows cost 0.4 s of a query.
        let sorted = names && ordered
        return try current(periods: periods, zones: zones, asOf: asOf, inParts: !sorted, merge: { $0 += $1 }) { conditions, arguments in
            try self.readReturns(conditions, arguments, names: names, sorted: sorted, fields: fields)
        }
    }

    /// The directory of the agencies with a current accepted return of `period` in `zones` as the archive stood
    /// at `asOf` (zone, brand level, credit code, and the name when `names`), in no order; no figure is read.
    public func directory(period: Period, zones: [String]? = nil, asOf: String = Timestamp.end, names: Bool = true) throws -> AgencyDirectory {
        try visitReturns(period: period, zones: zones, asOf: asOf, names: names, fields: [], start: { AgencyDirectory() },
                         visit: { d, r, name in d.append(zone: r.pointee.zone, name: name, brandLevel: r.pointee.brandLevel, creditCode: r.pointee.creditCode) },
                         merge: { $0.append(contentsOf: $1) })
    }

    /// Hands each current accepted return of `period` (in `zones`, all when nil) as the archive stood at `asOf` to
    /// `visit`, with its agency's name as UTF-8 bytes when `names` (empty otherwise; the return's own
    /// `agencyName` is always empty), and only the number `fields` asked for (all when nil). A period of many
    /// rows is read in parts on every core, each into its own `start()`, merged in the order of the period index
    /// (which the same archive always gives). The return and the name are lent for the call only: the same one
    /// is filled again for the next row, so that a caller that only adds them up (a national year's totals)
    /// keeps no million returns (400 MB) and makes none.
    public func visitReturns<T>(period: Period, zones: [String]? = nil, asOf: String = Timestamp.end, names: Bool = false,
                                fields: Set<String>? = nil, start: @escaping @Sendable () -> T,
                                visit: @escaping @Sendable (inout T, UnsafePointer<SurveyReturn>, UnsafeBufferPointer<UInt8>) -> Void,
                                merge: (inout T, T) -> Void) throws -> T {
        try current(periods: [period], zones: zones, asOf: asOf, inParts: true, merge: merge) { conditions, arguments in
            try self.readReturns(conditions, arguments, names: names, sorted: false, fields: fields, into: start(), visit)
        }
    }

    /// The returns the conditions select, into an array (their names as Strings when `names`).
    @Sendable private func readReturns(_ conditions: [String], _ arguments: [DatabaseValue], names: Bool, sorted: Bool,
                                       fields: Set<String>?) throws -> [SurveyReturn] {
        try readReturns(conditions, arguments, names: names, sorted: sorted, fields: fields, into: [SurveyReturn]()) { out, r, name in
            var copy = r.pointee
            if names { copy.agencyName = String(decoding: name, as: UTF8.self) }
            out.append(copy)
        }
    }

    /// The returns the conditions select, read raw (GRDB's Row costs 2× here), each handed to `visit` in turn
    /// with the name's bytes (empty without `names`). One return is filled again and again: its numbers are
    /// written in place, so that a caller that keeps none allocates nothing per row.
    private func readReturns<T>(_ conditions: [String], _ arguments: [DatabaseValue], names: Bool, sorted: Bool,
                                fields: Set<String>?, into initial: T,
                                _ visit: (inout T, UnsafePointer<SurveyReturn>, UnsafeBufferPointer<UInt8>) -> Void) throws -> T {
        let numbers = Archive.numberFields.map { fields == nil || fields!.contains($0) ? $0 : "NULL" }.joined(separator: ", ")
        let sql = """
            SELECT credit_code, \(names ? "agency_name" : "''"), zone, period, agency_kind, business_types, brand_level, \(numbers), province_designation
            FROM record WHERE \(conditions.joined(separator: " AND "))
            \(sorted ? "ORDER BY period, zone, credit_code" : "")
            """
        return try readers.read { db in
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(StatementArguments(arguments))
            let s = statement.sqliteStatement
            defer { sqlite3_reset(s) }
            func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8> {
                guard let p = sqlite3_column_text(s, i) else { return UnsafeBufferPointer(start: nil, count: 0) }
                return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i)))
            }
            // Zone, kind, brand level and period take a handful of values: each is made once, then found by its bytes.
            var interned: [[(bytes: [UInt8], text: String)]] = [[], [], [], [], []]
            func intern(_ i: Int32, _ slot: Int) -> String {
                let b = bytes(i)
                for entry in interned[slot] where entry.bytes.count == b.count {
                    if b.isEmpty || entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, b.baseAddress!, b.count) }) == 0 {
                        return entry.text
                    }
                }
                let t = String(decoding: b, as: UTF8.self)
                interned[slot].append((Array(b), t))
                return t
            }
            var periods: [String: Period] = [:]
            // Only the requested number columns are read (16 million calls for all 24 columns of 666,000 rows).
            let wanted = Archive.numberFields.indices.filter { fields == nil || fields!.contains(Archive.numberFields[$0]) }
            var out = initial
            let count = Archive.numberFields.count
            // Made on the first row (a return needs a valid code), then filled again in place for each one after:
            // its numbers are written over (a copy the visit kept makes them copied first, as an array's are).
            var r: SurveyReturn? = nil
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                // A code the archive holds was checked when it came in; one that is not a code is a damaged archive.
                guard let code = CreditCode(checkedBytes: bytes(0)) else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "record: credit code \(SafeText.terminal(String(decoding: bytes(0), as: UTF8.self))) is not a valid code")
                }
                if r == nil {
                    r = SurveyReturn(creditCode: code, agencyName: "", zone: "", period: Period(year: 0), agencyKind: "", businessTypes: 0,
                                     brandLevel: "", numbers: ReturnNumbers(count: count))
                }
                r!.creditCode = code
                r!.numbers.clear()
                for i in wanted {
                    let v = sqlite3_column_int64(s, Int32(7 + i))     // 0 for NULL too: only then ask which
                    // A figure no return may hold (an archive written when cells took 14 digits) would overflow
                    // the year's sums: the archive is reported, as a damaged one is, not summed.
                    guard v >= 0 && v < Money.numberBound else {
                        throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "record: \(Archive.numberFields[i]) of \(code.text) is \(v), "
                                            + "beyond what a return may hold (below \(Money.numberBound)); ingest that return again, corrected")
                    }
                    if v != 0 || sqlite3_column_type(s, Int32(7 + i)) != SQLITE_NULL { r!.numbers[i] = v }
                }
                let periodText = intern(3, 3)
                if let p = periods[periodText] { r!.period = p } else {
                    r!.period = Period(periodText) ?? Period(year: 0)
                    periods[periodText] = r!.period
                }
                r!.zone = intern(2, 0); r!.agencyKind = intern(4, 1); r!.brandLevel = intern(6, 2)
                r!.businessTypes = UInt32(truncatingIfNeeded: sqlite3_column_int64(s, 5))
                let d = Int32(7 + count)
                r!.designation = sqlite3_column_type(s, d) == SQLITE_NULL ? nil : intern(d, 4)
                withUnsafePointer(to: &r!) { visit(&out, $0, names ? bytes(1) : UnsafeBufferPointer(start: nil, count: 0)) }
            }
            return out
        }
    }

    /// The rows of the current accepted returns as the archive stood at `asOf` (received by then and not
    /// superseded by then: `superseded_at` is kept by ingest), read through the period index by `read` given the
    /// conditions and their arguments. One period of many rows is read `inParts` of its ids on every core (each
    /// part in the order of the period index, which is id order, so the parts merged one after another are the
    /// same order): reading a million returns took 4 s on one core.
    private func current<T>(periods: [Period]?, zones: [String]?, asOf: String, inParts: Bool, merge: (inout T, T) -> Void,
                            _ read: @escaping @Sendable (_ conditions: [String], _ arguments: [DatabaseValue]) throws -> T) throws -> T {
        var conditions = ["credit_code IS NOT NULL", "received_at <= ?", "(superseded_at IS NULL OR superseded_at > ?)"]
        var arguments: [DatabaseValue] = [asOf.databaseValue, asOf.databaseValue]
        if let periods {
            conditions.append("period IN (\(periods.map { _ in "?" }.joined(separator: ",")))")
            arguments += periods.map(\.description.databaseValue)
        }
        if let zones {
            conditions.append("zone IN (\(zones.map { _ in "?" }.joined(separator: ",")))")
            arguments += zones.map(\.databaseValue)
        }
        if inParts, let periods, periods.count == 1 {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            let span = try queue.read { db in
                try Row.fetchOne(db, sql: "SELECT min(id), max(id) FROM record WHERE credit_code IS NOT NULL AND period = ?",
                                 arguments: [periods[0].description])
            }
            if cores > 1, let low: Int64 = span?[0], let high: Int64 = span?[1], high - low >= Archive.partsFrom {
                let step = (high - low) / Int64(cores) + 1
                let parts = ParallelResults<T>(count: cores)
                let (c, a) = (conditions, arguments)
                DispatchQueue.concurrentPerform(iterations: cores) { i in
                    let from = low + Int64(i) * step
                    parts.set(i, Result { try read(c + ["id >= ?", "id < ?"], a + [from.databaseValue, (from + step).databaseValue]) })
                }
                var out = try parts.values[0].get()
                for part in parts.values.dropFirst() { merge(&out, try part.get()) }
                return out
            }
        }
        return try read(conditions, arguments)
    }
}

extension Archive {
    /// Regional figures as the archive stood at `asOf` (latest row per zone × period × indicator).
    public func regional(asOf: String = Timestamp.end) throws -> [RegionalFigure] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT zone, period, indicator, value, source FROM (
                  SELECT r.*, ROW_NUMBER() OVER (PARTITION BY zone, period, indicator ORDER BY received_at DESC, id DESC) AS rn
                  FROM regional r WHERE received_at <= ?)
                WHERE rn = 1 ORDER BY zone, period, indicator
                """, arguments: [asOf]).compactMap { r in
                guard let period = Period(r["period"] as String), let value = Decimal(string: r["value"] as String, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
                return RegionalFigure(zone: r["zone"], period: period, indicator: r["indicator"], value: value, source: r["source"] ?? "")
            }
        }
    }

    /// Plan targets as the archive stood at `asOf` (latest row per zone × indicator × operator × deadline).
    public func targets(asOf: String = Timestamp.end) throws -> [PlanTarget] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT zone, indicator, op, value, deadline, source, quote, base_year, tolerance FROM (
                  SELECT t.*, ROW_NUMBER() OVER (PARTITION BY zone, indicator, op, deadline ORDER BY received_at DESC, id DESC) AS rn
                  FROM target t WHERE received_at <= ?)
                WHERE rn = 1 ORDER BY id
                """, arguments: [asOf]).compactMap { r in
                let posix = Locale(identifier: "en_US_POSIX")
                guard let op = TargetOperator(r["op"] as String), let deadline = SimpleDate(r["deadline"] as String) else { return nil }
                let text: String = r["value"] ?? ""
                // An empty value is a reference target's "no margin"; any other kind needs its value.
                guard let value = text.isEmpty ? (op.isReference ? 0 : nil) : Decimal(string: text, locale: posix) else { return nil }
                let tolerance = (r["tolerance"] as String?).flatMap { $0.isEmpty ? nil : Decimal(string: $0, locale: posix) }
                let base = (r["base_year"] as String?).flatMap { Period($0) }.map(\.year)
                return PlanTarget(zone: r["zone"], indicator: r["indicator"], op: op, value: value, deadline: deadline, source: r["source"],
                                  quote: r["quote"] ?? "", baseYear: base, tolerance: tolerance)
            }
        }
    }
}

extension Archive {
    /// How often each finding code occurs in the rows of the files received by `asOf` (the data-quality section
    /// of the white paper): code, severity, count — sorted by code. Values and personal data are not returned.
    public func findingCounts(asOf: String = Timestamp.end) throws -> [(code: String, severity: Severity, count: Int)] {
        try queue.read { db in
            var counts: [String: (Severity, Int)] = [:]
            let texts = try String.fetchAll(db, sql: """
                SELECT r.findings FROM record r JOIN file f ON f.id = r.file_id
                WHERE f.received_at <= ? AND r.findings IS NOT NULL AND r.findings != '[]'
                UNION ALL
                SELECT findings FROM file WHERE received_at <= ? AND findings IS NOT NULL AND findings != '[]'
                """, arguments: [asOf, asOf])
            for text in texts {
                for f in Finding.fromJSONArray(text) {
                    counts[f.code, default: (f.severity, 0)].1 += 1
                }
            }
            return counts.keys.sorted().map { (code: $0, severity: counts[$0]!.0, count: counts[$0]!.1) }
        }
    }
}

extension Archive {
    /// The latest year with an accepted annual return received by `asOf` (nil when there is none).
    public func latestAnnualYear(asOf: String = Timestamp.end) throws -> Int? {
        try queue.read { db in
            try Int.fetchOne(db, sql: """
                SELECT MAX(CAST(period AS INTEGER)) FROM record
                WHERE credit_code IS NOT NULL AND accepted = 1 AND length(period) = 4 AND received_at <= ?
                """, arguments: [asOf])
        }
    }
}

extension Archive {
    /// One agency's return for a period, as far as who filed and when is concerned (`ipsurvey status`).
    public struct Filing: Sendable {
        public let creditCode: String
        public let agencyName: String
        public let zone: String
        /// When the agency's first accepted return for the period arrived (a revision later does not make it late).
        public let firstReceivedAt: String
        /// Where its current return is: file and line (for the personal data kept in the stored bytes).
        public let fileID: Int64
        public let line: Int
    }

    /// Every agency with an accepted return for `period` by `asOf`: its current return, and when its first arrived.
    /// Sorted by zone, then credit code.
    public func filings(period: Period, asOf: String = Timestamp.end) throws -> [Filing] {
        try queue.read { db in
            // A cursor read by column position; the rows of one credit code come together, the first the earliest
            // (fetching every row and looking columns up by name was 11 % of a 1M-return report).
            let rows = try Row.fetchCursor(db, sql: """
                SELECT credit_code, agency_name, zone, received_at, file_id, line,
                       (superseded_at IS NULL OR superseded_at > ?) AS current
                FROM record WHERE credit_code IS NOT NULL AND period = ? AND received_at <= ?
                ORDER BY credit_code, received_at, id
                """, arguments: [asOf, period.description, asOf])
            var byZone: [String: [Filing]] = [:]
            var code = "", firstReceived = ""
            while let r = try rows.next() {
                let c: String = r[0]
                if c != code { code = c; firstReceived = r[3] }
                guard (r[6] as Bool?) == true else { continue }
                let zone: String = r[2] ?? ""
                byZone[zone, default: []].append(Filing(creditCode: c, agencyName: r[1] ?? "", zone: zone,
                                                        firstReceivedAt: firstReceived, fileID: r[4], line: r[5]))
            }
            // By zone, then credit code (the order they came in).
            return byZone.sorted { $0.key < $1.key }.flatMap(\.value)
        }
    }
}

extension Archive {
    /// An agency of the registry of resident agencies (入驻机构名录, `agencies.csv`).
    public struct RegisteredAgency: Sendable, Hashable {
        public let creditCode: String
        public let agencyName: String
        public let zone: String
        /// Resident from / until (empty: open).
        public let enteredOn: SimpleDate?
        public let leftOn: SimpleDate?

        /// Whether the agency was resident at some time in `period`.
        public func isResident(during period: Period) -> Bool {
            let q = period.quarter
            guard let start = SimpleDate(year: period.year, month: q.map { ($0 - 1) * 3 + 1 } ?? 1, day: 1),
                  let end = SimpleDate(year: period.year, month: q.map { $0 * 3 } ?? 12, day: q == 1 || q == 4 || q == nil ? 31 : 30) else { return false }
            return (enteredOn.map { $0 <= end } ?? true) && (leftOn.map { $0 >= start } ?? true)
        }
    }

    /// The registry as the archive stood at `asOf`: the latest row of each credit code (a later file that lists an
    /// agency again replaces its row; one that has left is given a date it left, not dropped). Sorted by zone, then code.
    public func registry(asOf: String = Timestamp.end) throws -> [RegisteredAgency] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT credit_code, agency_name, zone, entered_on, left_on FROM (
                  SELECT a.*, ROW_NUMBER() OVER (PARTITION BY credit_code ORDER BY received_at DESC, id DESC) AS rn
                  FROM agency a WHERE received_at <= ?)
                WHERE rn = 1 ORDER BY zone, credit_code
                """, arguments: [asOf]).map { r in
                RegisteredAgency(creditCode: r["credit_code"], agencyName: r["agency_name"], zone: r["zone"],
                                 enteredOn: SimpleDate(r["entered_on"] as String), leftOn: SimpleDate(r["left_on"] as String))
            }
        }
    }
}
