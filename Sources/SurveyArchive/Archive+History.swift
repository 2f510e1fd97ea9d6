import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SurveyCore

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
                            divisionCode: r["division_code"], planStart: start, planEnd: end, planDocument: r["plan_doc"])
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
                       (SELECT n.file_id || ' ' || n.received_at FROM record n
                        WHERE r.credit_code IS NOT NULL AND n.credit_code = r.credit_code AND n.period = r.period
                          AND n.received_at <= ? AND (n.received_at > r.received_at OR (n.received_at = r.received_at AND n.id > r.id))
                        ORDER BY n.received_at DESC, n.id DESC LIMIT 1) AS later
                FROM record r WHERE r.file_id = ? ORDER BY r.line
                """, arguments: [asOf, file.id])
            return rows.map { r in
                let cells = CSVText.cells(of: r["cells"])
                var values: [(String, String)] = []
                for (i, cell) in cells.enumerated() { values.append((i < names.count ? names[i] : "column_\(i + 1)", cell)) }
                let later: String? = r["later"]
                let replaced = later.map { l -> (Int64, String) in
                    let parts = l.split(separator: " ", maxSplits: 1)
                    return (Int64(parts[0]) ?? 0, String(parts.count > 1 ? parts[1] : ""))
                }
                let accepted: Bool = r["accepted"]
                return StoredRow(line: r["line"], status: !accepted ? "rejected" : (replaced != nil ? "superseded" : "accepted"),
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
        for file in try files() {
            progress(file)
            try queue.read { db in
                var blob: OpaquePointer? = nil
                guard sqlite3_blob_open(db.sqliteConnection, "main", "file", "content", file.id, 0, &blob) == SQLITE_OK else {
                    problems.append(Problem(fileID: file.id, name: file.name, what: Bilingual("无法读取存档内容", "stored bytes cannot be read")))
                    return
                }
                defer { sqlite3_blob_close(blob) }
                let size = Int(sqlite3_blob_bytes(blob))
                var hasher = SHA256()
                var buffer = [UInt8](repeating: 0, count: ChunkedFile.chunkSize)
                var offset = 0
                while offset < size {
                    let n = min(buffer.count, size - offset)
                    _ = buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(n), Int32(offset)) }
                    buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                    offset += n
                }
                let digest = Archive.hex(hasher.finalize())
                if digest != file.sha256 {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("内容的SHA-256为\(digest)，与入库时记录的\(file.sha256)不符（文件被改动）",
                                                            "content hashes to \(digest), not the recorded \(file.sha256) (tampered)")))
                }
                if Int64(size) != file.size {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("大小\(size)字节，与记录的\(file.size)不符", "size \(size) bytes, recorded \(file.size)")))
                }
                if file.rows != file.accepted + file.rejected {
                    problems.append(Problem(fileID: file.id, name: file.name,
                                            what: Bilingual("行数\(file.rows) ≠ 接受\(file.accepted) + 拒绝\(file.rejected)",
                                                            "rows \(file.rows) ≠ accepted \(file.accepted) + rejected \(file.rejected)")))
                }
                let counts = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(accepted), 0) AS a FROM record WHERE file_id = ?",
                                              arguments: [file.id])!
                let n: Int = counts["n"], a: Int = counts["a"]
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
    public func export(_ file: StoredFile, to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let base = (file.name as NSString).lastPathComponent
        let safe = String(base.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == "." ? Character(c) : "_"
        }).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let name = "\(file.id)-\(file.sha256.prefix(12))-\(safe.isEmpty ? "file.csv" : safe)"
        let path = (directory as NSString).appendingPathComponent(name)
        let data = try queue.read { db in try Data.fetchOne(db, sql: "SELECT content FROM file WHERE id = ?", arguments: [file.id]) ?? Data() }
        try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        return path
    }
}

extension Archive {
    /// The current accepted returns as the archive stood at `asOf`: for each credit code × period, the latest
    /// accepted return received by then. Optionally only for some periods and zones.
    public func returns(periods: [Period]? = nil, zones: [String]? = nil, asOf: String = Timestamp.end) throws -> [SurveyReturn] {
        var conditions = ["credit_code IS NOT NULL", "received_at <= ?"]
        var arguments: [any DatabaseValueConvertible] = [asOf]
        if let periods {
            conditions.append("period IN (\(periods.map { _ in "?" }.joined(separator: ",")))")
            arguments += periods.map(\.description)
        }
        if let zones {
            conditions.append("zone IN (\(zones.map { _ in "?" }.joined(separator: ",")))")
            arguments += zones
        }
        let numbers = Archive.numberFields.joined(separator: ", ")
        // The latest return per credit code × period by `asOf`: a return is current when no later one exists
        // (probed through the covering index record_return; 2× faster than a window function here).
        let sql = """
            SELECT credit_code, agency_name, zone, period, agency_kind, business_types, brand_level, \(numbers)
            FROM record r WHERE \(conditions.map { "r." + $0 }.joined(separator: " AND ")) AND NOT EXISTS (
              SELECT 1 FROM record n WHERE n.credit_code = r.credit_code AND n.period = r.period AND n.credit_code IS NOT NULL
                AND n.received_at <= ? AND (n.received_at > r.received_at OR (n.received_at = r.received_at AND n.id > r.id)))
            ORDER BY period, zone, credit_code
            """
        arguments.append(asOf)
        return try queue.read { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            var out: [SurveyReturn] = []
            let count = Archive.numberFields.count
            while let r = try cursor.next() {
                var values = [Int64?](repeating: nil, count: count)
                for i in 0..<count { values[i] = r[7 + i] }
                out.append(SurveyReturn(creditCode: CreditCode(validated: r[0]), agencyName: r[1], zone: r[2],
                                        period: Period(r[3] as String) ?? Period(year: 0), agencyKind: r[4],
                                        businessTypes: UInt32(r[5] as Int64), brandLevel: r[6], numbers: values))
            }
            return out
        }
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
                SELECT zone, indicator, op, value, deadline, source FROM (
                  SELECT t.*, ROW_NUMBER() OVER (PARTITION BY zone, indicator, op, deadline ORDER BY received_at DESC, id DESC) AS rn
                  FROM target t WHERE received_at <= ?)
                WHERE rn = 1 ORDER BY id
                """, arguments: [asOf]).compactMap { r in
                guard let op = TargetOperator(r["op"] as String), let deadline = SimpleDate(r["deadline"] as String),
                      let value = Decimal(string: r["value"] as String, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
                return PlanTarget(zone: r["zone"], indicator: r["indicator"], op: op, value: value, deadline: deadline, source: r["source"])
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
