import GRDB
import SurveyCore

extension Archive {
    /// A release as recorded: which period, as of when, and the digest of its suppression pattern.
    public struct StoredRelease: Sendable, Hashable {
        public let id: Int64
        public let period: Period
        public let asOf: String
        public let digest: String
        public let dataDigest: String
        public let pattern: String
        public let cells: Int
        public let hidden: Int
    }

    static func storedRelease(_ row: Row) -> StoredRelease? {
        guard let period = Period(row["period"] as String) else { return nil }
        return StoredRelease(id: row["id"], period: period, asOf: row["as_of"], digest: row["digest"], dataDigest: row["data_digest"],
                              pattern: row["pattern"], cells: row["cells"], hidden: row["hidden"])
    }

    /// Records a release; the same period, as-of and digest again change nothing. Returns the stored release and
    /// whether it is new.
    @discardableResult
    public func recordRelease(period: Period, asOf: String, digest: String, dataDigest: String, pattern: String, cells: Int, hidden: Int) throws -> (StoredRelease, isNew: Bool) {
        try queue.write { db in
            let existing = try Row.fetchOne(db, sql: "SELECT * FROM release WHERE period = ? AND as_of = ? AND digest = ?",
                                            arguments: [period.description, asOf, digest])
            if let existing, let r = Archive.storedRelease(existing) { return (r, false) }
            try db.execute(sql: "INSERT INTO release (period, as_of, digest, data_digest, pattern, cells, hidden) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [period.description, asOf, digest, dataDigest, pattern, cells, hidden])
            return (StoredRelease(id: db.lastInsertedRowID, period: period, asOf: asOf, digest: digest, dataDigest: dataDigest, pattern: pattern,
                                  cells: cells, hidden: hidden), true)
        }
    }

    /// Every recorded release, in the order recorded.
    public func allReleases() throws -> [StoredRelease] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM release ORDER BY id").compactMap(Archive.storedRelease) }
    }

    /// The releases of a period, oldest first (by as-of, then by when they were recorded).
    public func releases(of period: Period) throws -> [StoredRelease] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM release WHERE period = ? ORDER BY as_of, id", arguments: [period.description])
                .compactMap(Archive.storedRelease)
        }
    }

    /// The release in force at `asOf`: the latest recorded for the period whose as-of is not after it.
    public func release(of period: Period, asOf: String = Timestamp.end) throws -> StoredRelease? {
        try releases(of: period).last { $0.asOf <= asOf }
    }
}
