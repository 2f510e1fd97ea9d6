import Foundation
import GRDB
import SurveyCore

/// The system of record: one SQLite file holding every file received (byte for byte), every row of it
/// (accepted or rejected, with its findings), and the typed returns, zones, regional figures and targets.
///
/// A later accepted return for the same credit code × period supersedes the earlier one; both are kept, and
/// which one is current is derived from the receipt times, so the archive can be read "as of" any moment.
public final class Archive: @unchecked Sendable {
    /// The archive's connection: every write, and reads one at a time.
    let queue: any DatabaseWriter
    /// Read-only connections beside it for reads that run at once (a big period read in parts on every core,
    /// this year and last year side by side): `returns`.
    let readers: ReadConnections
    public let path: String

    /// The archive is older than this ipsurvey and was opened read-only, so it cannot be brought up to date.
    public struct OutdatedSchema: Error, Sendable { public let path: String }

    /// Opens (or creates) the archive at `path`, bringing its schema up to date. `readOnly` (commands that only
    /// read: query, audit, targets, archive list/show/verify/export) opens it without writing anything — no
    /// journal mode, no migration — so an archive the user may not write (mode 444, another owner) can be read.
    ///
    /// `checkFirst` (ingest) runs SQLite's quick check before anything is written, even the schema's upgrade:
    /// SQLite would otherwise write around a damaged page and say nothing (0.12 s for a 46 MB archive of
    /// 100,000 returns).
    public init(path: String, readOnly: Bool = false, checkFirst: Bool = false) throws {
        self.path = path
        var config = Configuration()
        // Two processes may ingest at once: the second waits for the first's transaction (one file each).
        config.busyMode = .timeout(600)
        // The same waits for the connections that only read (`readers`), and for the one that rolls back an
        // interrupted ingest (before the journal mode and the rest of `prepareDatabase` below).
        var reading = config
        reading.readonly = true
        let rollingBack = config
        if readOnly {
            config.readonly = true
            Archive.rollBackUnfinishedWrite(path, configuration: rollingBack)
            var opened: any DatabaseWriter
            do {
                opened = try DatabaseQueue(path: path, configuration: config)
                _ = try opened.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
            } catch let e as DatabaseError where [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(e.resultCode.primaryResultCode)
                        && Archive.walIsEmpty(path) {
                // A WAL archive needs its -shm file, which a reader who may not write the folder cannot create.
                // With no -wal content (nobody is writing), the file as it lies is the whole archive: open it
                // immutable, which SQLite reads without any -shm.
                opened = try DatabaseQueue(path: Archive.immutableURI(path), configuration: config)
            }
            queue = opened
            readers = ReadConnections(path: opened.path, configuration: reading)
            do {
                if try !queue.read({ try Archive.migrator.hasCompletedMigrations($0) }) { throw OutdatedSchema(path: path) }
            } catch let e as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode.primaryResultCode) {
                // Damaged: opened all the same, so `archive verify` can say how; every other read reports it.
            }
            return
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        config.prepareDatabase { db in
            // 16 KiB pages for a new archive (an existing one keeps its own): an ingest of 1M returns wrote
            // 6.06 s with 4 KiB pages, 5.72 s with 16 KiB; queries were as fast or faster.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // A rollback journal, not a WAL: an ingest appends pages, which a rollback journal writes once, into
            // the archive, keeping only the few pages it changes in the journal. A WAL writes every page twice —
            // into the WAL, then into the archive by the checkpoint at commit: 1M returns (308 MB of archive)
            // took 4.2–4.8 s with a WAL, of which 0.9–1.1 s in the commit, and 3.3–3.5 s with the rollback
            // journal (commit 0.1 s). Readers wait while an ingest writes (SQLite's locks; the busy timeout
            // above) instead of reading the archive as it was. An archive made with a WAL is changed over when
            // no other process has it open, and works as it is until then. FULL: the journal is synced before
            // the archive is written, so a power cut cannot damage it.
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        if checkFirst && FileManager.default.fileExists(atPath: path) {
            // Through a plain read-only connection: opening it for writing already writes (the journal mode), and
            // that write would land in the damage. An interrupted ingest is rolled back first (SQLite's own
            // recovery, which a read-only connection may not do).
            Archive.rollBackUnfinishedWrite(path, configuration: rollingBack)
            var probe = Configuration()
            probe.readonly = true
            let problems = try Archive.damage(of: DatabaseQueue(path: path, configuration: probe), full: false, limit: 20)
            if !problems.isEmpty { throw Damaged(path: path, problems: problems) }
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        try Archive.migrator.migrate(queue)
        readers = ReadConnections(path: path, configuration: reading)
    }

    /// An ingest killed mid-file leaves its rollback journal beside the archive (a hot journal): the next
    /// connection that may write rolls the archive back to where it was before that file. A read-only
    /// connection may not, and SQLite refuses to read past one; so a reader first lets a writable connection
    /// roll it back when it may write the folder (else the open fails, and `failureMessage` says why).
    static func rollBackUnfinishedWrite(_ path: String, configuration: Configuration) {
        guard (sizeOfFile(path + "-journal") ?? 0) > 0, FileManager.default.isWritableFile(atPath: path) else { return }
        _ = try? DatabaseQueue(path: path, configuration: configuration).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master") }
    }

    /// Whether the archive has no -wal file, or an empty one.
    static func walIsEmpty(_ path: String) -> Bool { (sizeOfFile(path + "-wal") ?? 0) == 0 }

    /// The size of a file beside the archive (its -wal, its -journal), nil when there is none.
    private static func sizeOfFile(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
    }

    /// `file:/abs/path?immutable=1`, the path percent-encoded as SQLite's URI filenames want.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// SQLite's own check of the file (`PRAGMA quick_check`, or the slower `integrity_check` that also checks
    /// indexes against tables): the first `limit` problems, empty when the file is sound. Run before anything
    /// reads typed values from a file that may be damaged.
    public func damage(full: Bool = false, limit: Int = 20) throws -> [String] {
        try Archive.damage(of: queue, full: full, limit: limit)
    }

    static func damage(of queue: any DatabaseReader, full: Bool, limit: Int) throws -> [String] {
        do {
            return try queue.read { db in
                let lines = try String.fetchAll(db, sql: "PRAGMA \(full ? "integrity_check" : "quick_check")(\(limit))")
                return lines == ["ok"] ? [] : lines
            }
        } catch let e as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode.primaryResultCode) {
            return [e.message ?? "\(e.resultCode)"]
        }
    }

    /// The archive failed SQLite's check: nothing may be written into it.
    public struct Damaged: Error, Sendable {
        public let path: String
        public let problems: [String]
    }

    /// What went wrong with the archive file, in both languages, naming it: for the SQLite errors a user can
    /// meet (damaged, read-only, disk full, locked, not an archive). Nil when `error` is not one of them.
    public static func failureMessage(_ error: Error, path: String) -> Bilingual? {
        if let e = error as? OutdatedSchema {
            return Bilingual("存档 \(e.path) 由旧版 ipsurvey 创建，只读打开时无法升级；请先用有写权限的账户运行一次 ipsurvey ingest。",
                             "the archive \(e.path) was made by an older ipsurvey and cannot be upgraded when opened read-only; run ipsurvey ingest once as a user who may write it.")
        }
        if let e = error as? Damaged {
            return Bilingual("存档 \(e.path) 已损坏（SQLite quick_check：\(e.problems.prefix(3).joined(separator: "；"))），未写入任何内容；请用备份恢复，ipsurvey archive verify 列出损坏情况。",
                             "the archive \(e.path) is damaged (SQLite quick_check: \(e.problems.prefix(3).joined(separator: "; "))); nothing was written. Restore it from a backup; ipsurvey archive verify lists the damage.")
        }
        if let e = error as? NoSpace {
            let mb = { (n: Int64) in String(format: "%.1f", Double(n) / 1_048_576) }
            return Bilingual("磁盘空间不足：存档 \(e.path) 所在磁盘只剩 \(mb(e.free)) MB，入库 \(e.file) 约需 \(mb(e.needed)) MB；该文件未入库，之前入库的文件完好。请腾出空间后重新运行。",
                             "not enough disk space: the disk of the archive \(e.path) has \(mb(e.free)) MB free, and storing \(e.file) needs about \(mb(e.needed)) MB; it was not stored, and the files stored before it are safe. Free some space and run the command again.")
        }
        if let e = error as? UnreadableFile {
            let name = SafeText.terminal(e.name), reason = SafeText.terminal(e.reason)
            return Bilingual("存档 \(path) 中第 \(e.fileID) 号文件 \(name) 的内容无法读取（\(reason)），存档被改动或损坏；请用备份恢复，ipsurvey archive verify 列出所有此类文件。",
                             "the stored bytes of file #\(e.fileID) \(name) in the archive \(path) cannot be read (\(reason)): the archive was altered or damaged. Restore it from a backup; ipsurvey archive verify lists every such file.")
        }
        guard let e = error as? DatabaseError else { return nil }
        let detail = e.message ?? "\(e.resultCode)"
        switch e.resultCode.primaryResultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return Bilingual("存档 \(path) 已损坏或不是 ipsurvey 存档（\(detail)）；未作任何改动。请用备份恢复，ipsurvey archive verify 列出损坏情况。",
                             "the archive \(path) is damaged or not an ipsurvey archive (\(detail)); nothing was changed. Restore it from a backup; ipsurvey archive verify lists the damage.")
        case .SQLITE_READONLY where e.resultCode == .SQLITE_READONLY_ROLLBACK:
            return Bilingual("存档 \(path) 有一次未完成的写入（入库中途被中断），须由有写权限的账户运行任一 ipsurvey 命令将其回滚后才能读取（\(detail)）。",
                             "the archive \(path) holds an unfinished write (an ingest was interrupted): it can be read once a user who may write it runs any ipsurvey command, which rolls it back (\(detail)).")
        case .SQLITE_READONLY:
            return Bilingual("存档 \(path) 只读，无法写入（\(detail)）；此命令需要写权限。",
                             "the archive \(path) is read-only (\(detail)); this command needs to write it.")
        case .SQLITE_FULL:
            return Bilingual("磁盘已满，无法写入存档 \(path)（\(detail)）；正在写入的文件未入库，之前入库的文件完好（旧版建立、仍用 WAL 的存档可能还有一部分在 \(path)-wal 中，腾出空间后任一 ipsurvey 命令会将其并入）。",
                             "the disk is full; cannot write the archive \(path) (\(detail)). The file being stored was not stored; the files stored before it are safe (in an archive still with a WAL from an earlier release, possibly partly in \(path)-wal, which any ipsurvey command folds in once there is space).")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return Bilingual("存档 \(path) 被其他进程占用（\(detail)）；请稍后再试。", "the archive \(path) is locked by another process (\(detail)); try again later.")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return Bilingual("无法打开存档 \(path)（\(detail)）；请检查路径和权限。", "cannot open the archive \(path) (\(detail)); check the path and permissions.")
        case .SQLITE_IOERR:
            return Bilingual("读写存档 \(path) 时出错（\(detail)）。", "input/output error on the archive \(path) (\(detail)).")
        default:
            return Bilingual("存档 \(path) 出错：\(detail)", "archive \(path): \(detail)")
        }
    }

    /// A file as stored.
    public struct StoredFile: Sendable, Hashable {
        public let id: Int64
        public let name: String
        public let sha256: String
        public let size: Int64
        public let encoding: String
        /// `csv` or `xlsx`.
        public let format: String
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
                   format: row["format"], kind: row["kind"], receivedAt: row["received_at"], rows: row["rows"], accepted: row["accepted"],
                   rejected: row["rejected"], warnings: row["warnings"],
                   findings: (row["findings"] as String?).map(Finding.fromJSONArray) ?? [])
    }

    static let fileColumns = "id, name, sha256, size, encoding, format, kind, received_at, rows, accepted, rejected, warnings, findings"

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

/// Read-only connections to one archive, opened as reads need them and kept for the next: as many as ever read at
/// once. With the rollback journal (see `Archive.init`) any number of connections read side by side while
/// nothing writes.
final class ReadConnections: @unchecked Sendable {
    private let path: String
    private let configuration: Configuration
    private let lock = NSLock()
    private var idle: [DatabaseQueue] = []

    init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        lock.lock()
        let kept = idle.popLast()
        lock.unlock()
        let connection = try kept ?? DatabaseQueue(path: path, configuration: configuration)
        defer { lock.lock(); idle.append(connection); lock.unlock() }
        return try connection.read(body)
    }
}
