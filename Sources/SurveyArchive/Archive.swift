import Foundation
import GRDB
import SurveyCore

/// The system of record: one SQLite file holding every file received (byte for byte), every row of it
/// (accepted or rejected, with its findings), and the typed returns, zones, regional figures and targets.
///
/// A later accepted return for the same credit code × period supersedes the earlier one; both are kept, and
/// which one is current is derived from the receipt times, so the archive can be read "as of" any moment.
public final class Archive: @unchecked Sendable {
    /// A pool: one writer, and readers that run at once (a query reads this year and last year side by side).
    let queue: DatabasePool
    public let path: String

    /// Opens (or creates) the archive at `path`, bringing its schema up to date.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        // Two processes may ingest at once: the second waits for the first's transaction (one file each).
        config.busyMode = .timeout(600)
        config.prepareDatabase { db in
            // 16 KiB pages for a new archive (an existing one keeps its own): an ingest of 1M returns wrote
            // 6.06 s with 4 KiB pages, 5.72 s with 16 KiB; queries were as fast or faster.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabasePool(path: path, configuration: config)
        try Archive.migrator.migrate(queue)
    }

    /// A file as stored.
    public struct StoredFile: Sendable, Hashable {
        public let id: Int64
        public let name: String
        public let sha256: String
        public let size: Int64
        public let encoding: String
        public let kind: String
        public let receivedAt: String
        public let rows: Int
        public let accepted: Int
        public let rejected: Int
        public let warnings: Int
        /// File-level findings (header problems).
        public let findings: [Finding]
    }

    static func storedFile(_ row: Row) -> StoredFile {
        StoredFile(id: row["id"], name: row["name"], sha256: row["sha256"], size: row["size"], encoding: row["encoding"],
                   kind: row["kind"], receivedAt: row["received_at"], rows: row["rows"], accepted: row["accepted"],
                   rejected: row["rejected"], warnings: row["warnings"],
                   findings: (row["findings"] as String?).map(Finding.fromJSONArray) ?? [])
    }

    static let fileColumns = "id, name, sha256, size, encoding, kind, received_at, rows, accepted, rejected, warnings, findings"

    /// Every stored file, in the order received.
    public func files() throws -> [StoredFile] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Archive.fileColumns) FROM file ORDER BY received_at, id").map(Archive.storedFile)
        }
    }

    /// The file stored with these bytes, if any.
    public func file(sha256: String) throws -> StoredFile? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Archive.fileColumns) FROM file WHERE sha256 = ?", arguments: [sha256]).map(Archive.storedFile)
        }
    }

    /// Why a file reference (`id` or a prefix of its SHA-256) did not name one file.
    public enum LookupError: Error, Sendable, Equatable {
        case notFound(String)
        case ambiguous(String, Int)
    }

    /// The file named by its id or by a unique prefix of its SHA-256.
    public func file(reference: String) throws -> StoredFile {
        try queue.read { db in
            if let id = Int64(reference),
               let row = try Row.fetchOne(db, sql: "SELECT \(Archive.fileColumns) FROM file WHERE id = ?", arguments: [id]) {
                return Archive.storedFile(row)
            }
            let prefix = reference.lowercased()
            guard prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else { throw LookupError.notFound(reference) }
            let rows = try Row.fetchAll(db, sql: "SELECT \(Archive.fileColumns) FROM file WHERE substr(sha256, 1, ?) = ? LIMIT 2",
                                        arguments: [prefix.count, prefix])
            guard let first = rows.first else { throw LookupError.notFound(reference) }
            guard rows.count == 1 else { throw LookupError.ambiguous(reference, rows.count) }
            return Archive.storedFile(first)
        }
    }
}

/// Receipt times are stored as ISO 8601 UTC text with milliseconds, which sorts in time order.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// Parses `2025-12-31` (the end of that day, UTC+8, the zone's civil time), `2025-12-31T10:00:00Z`
    /// or `2025-12-31T10:00:00+08:00`; returns the stored form.
    public static func parse(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = SimpleDate(t), t.count <= 10 {
            var c = DateComponents()
            c.year = d.year; c.month = d.month; c.day = d.day; c.hour = 23; c.minute = 59; c.second = 59; c.nanosecond = 999_000_000
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
            return cal.date(from: c).map(string)
        }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: t) { return string(d) }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: t) { return string(d) }
        return nil
    }

    /// The civil date (UTC+8, the zones' time) of a stored time: `2026-04-30`.
    public static func civilDate(_ stamp: String) -> String? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: stamp) else { return nil }
        return civilDate(d)
    }

    /// The civil date and minute (UTC+8) of a stored time: `2026-04-30 17:05`.
    public static func civilTime(_ stamp: String) -> String? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: stamp) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    public static func civilDate(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        return f.string(from: date)
    }

    /// Later than any receipt time.
    public static let end = "9999-12-31T23:59:59.999Z"
}
