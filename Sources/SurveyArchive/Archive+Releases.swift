import Crypto
import Foundation
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

extension Archive {
    /// The digest of the files received by `asOf` (id, SHA-256 and receipt of each, in id order): what every
    /// figure as of then is made from. The same while no file received by then is added.
    public func filesDigest(asOf: String) throws -> String {
        try queue.read { db in
            var hasher = SHA256()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, sha256, received_at FROM file WHERE received_at <= ? ORDER BY id", arguments: [asOf])
            while let row = try rows.next() {
                let line = "\(row[0] as Int64)\t\(row[1] as String)\t\(row[2] as String)\n"
                hasher.update(data: Data(line.utf8))
            }
            return Archive.hex(hasher.finalize())
        }
    }

    /// A release's stored totals: what their bytes mean, the files digest they were made under, the bytes, and
    /// whether these still match the SHA-256 taken when they were stored.
    public struct StoredTotals: Sendable {
        public let layout: String
        public let files: String
        public let totals: Data
        public let intact: Bool
    }

    /// Stores (or replaces) the totals of a recorded release.
    public func recordTotals(release: StoredRelease, layout: String, files: String, totals: Data) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO release_totals (release_id, layout, files, digest, totals) VALUES (?, ?, ?, ?, ?)",
                           arguments: [release.id, layout, files, Archive.hex(SHA256.hash(data: totals)), totals])
        }
    }

    /// The stored totals of a release, nil when none were stored.
    public func totals(of release: StoredRelease) throws -> StoredTotals? {
        try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT layout, files, digest, totals FROM release_totals WHERE release_id = ?", arguments: [release.id])
                .map { row in
                    let bytes: Data = row[3]
                    return StoredTotals(layout: row[0], files: row[1], totals: bytes, intact: Archive.hex(SHA256.hash(data: bytes)) == row[2] as String)
                }
        }
    }
}
