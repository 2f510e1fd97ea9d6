import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What checking one file found: its kind, encoding, counts and findings.
public struct FileSummary: Sendable {
    public var path: String
    public var kind: FileKind?
    public var encoding: TextEncoding?
    /// SHA-256 of the bytes as received (hex), when the caller hashed them.
    public var sha256: String?
    public var size: Int = 0
    /// Data rows read (the header and blank lines are not rows).
    public var rows = 0
    public var accepted = 0
    public var rejected = 0
    /// File-level findings and the findings of every row, in line order.
    public var findings: [Finding] = []
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }
    public var errors: Int { findings.filter { $0.severity == .error }.count }
    /// The file could not be used at all (unreadable, or its header has errors).
    public var hasFileError: Bool { findings.contains { $0.severity == .error && ($0.line == nil || $0.code.hasPrefix("header.")) } }

    public init(path: String) { self.path = path }
}

/// A problem that stops a file from being read at all.
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads a file in fixed-size chunks, so memory does not grow with the file.
public struct ChunkedFile {
    public static let chunkSize = 1 << 20

    /// Calls `body` with each chunk of the file, in order.
    public static func forEachChunk(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { return }
            if try !body(UnsafeBufferPointer(start: buffer, count: n)) { return }
        }
    }
}

/// Reading a survey file: encoding, records, and checking of each row against its form.
public enum SurveyFile {
    /// The encoding of a file: a BOM decides; else strict UTF-8 over the whole file; else GB18030.
    public static func detectEncoding(_ path: String) throws -> TextEncoding {
        var validator = UTF8Validator()
        var first = true, bom = false
        try ChunkedFile.forEachChunk(path) { chunk in
            var chunk = chunk
            if first {
                first = false
                if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF { bom = true; return false }
                chunk = UnsafeBufferPointer(rebasing: chunk[0...])
            }
            return validator.feed(chunk)
        }
        if bom { return .utf8BOM }
        return validator.finish() ? .utf8 : .gb18030
    }

    /// Streams the records of a file in the given encoding. `observe` sees every raw chunk (to hash it);
    /// `body` gets each record with the bytes on its lines that could not be decoded.
    public static func records(_ path: String, encoding: TextEncoding,
                               observe: (UnsafeBufferPointer<UInt8>) -> Void = { _ in },
                               _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        try records(encoding: encoding, label: path, bomFollowedByValidUTF8: { try isValidUTF8(path, skipping: 3) },
                    chunks: { feed in try ChunkedFile.forEachChunk(path) { try feed($0); return true } },
                    observe: observe, body)
    }

    /// The records of a file's bytes held in memory (a stored file), read exactly as `records(path…)` reads them.
    public static func records(bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncoding,
                               _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        try records(encoding: encoding, label: "stored file", bomFollowedByValidUTF8: {
            var validator = UTF8Validator()
            return validator.feed(UnsafeBufferPointer(rebasing: bytes[min(3, bytes.count)...])) && validator.finish()
        }, chunks: { feed in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + ChunkedFile.chunkSize)
                try feed(UnsafeBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
            }
        }, observe: { _ in }, body)
    }

    private static func records(encoding: TextEncoding, label: String, bomFollowedByValidUTF8: () throws -> Bool,
                                chunks: ((UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void,
                                observe: (UnsafeBufferPointer<UInt8>) -> Void,
                                _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        var transcoder: any Transcoder
        switch encoding {
        case .utf8: transcoder = UTF8PassThrough()
        case .utf8BOM: transcoder = try bomFollowedByValidUTF8() ? UTF8PassThrough() : UTF8Lossy()
        case .gb18030:
            guard let t = GB18030Transcoder() else { throw FileReadError(path: label, reason: "iconv has no GB18030") }
            transcoder = t
        }
        var parser = CSVParser()
        var pending: [DecodingIssue] = []
        var first = true
        func emit(_ record: CSVRecord) throws {
            var mine: [DecodingIssue] = []
            if !pending.isEmpty {
                mine = pending.filter { $0.line <= record.endLine }
                pending.removeAll { $0.line <= record.endLine }
            }
            try body(record, mine)
        }
        try withoutActuallyEscaping(emit) { emit in try withoutActuallyEscaping(observe) { observe in
            try chunks { raw in
                observe(raw)
                var chunk = raw
                if first {
                    first = false
                    if encoding == .utf8BOM { chunk = UnsafeBufferPointer(rebasing: raw[min(3, raw.count)...]) }
                }
                try transcoder.feed(chunk, issue: { pending.append($0) }) { try parser.feed($0, emit) }
            }
        } }
        try transcoder.finish(issue: { pending.append($0) }) { try parser.feed($0, emit) }
        try parser.finish(emit)
    }

    static func isValidUTF8(_ path: String, skipping: Int) throws -> Bool {
        var validator = UTF8Validator()
        var first = true
        try ChunkedFile.forEachChunk(path) { chunk in
            let c = first ? UnsafeBufferPointer(rebasing: chunk[min(skipping, chunk.count)...]) : chunk
            first = false
            return validator.feed(c)
        }
        return validator.finish()
    }

    /// The encoding of a file and its header row (to sort files by kind before checking them); pass the encoding
    /// on to `check` so the file is not validated again.
    public static func sniff(_ path: String) throws -> (encoding: TextEncoding, header: [String]?) {
        let encoding = try detectEncoding(path)
        var header: [String]? = nil
        struct Done: Error {}
        do {
            try records(path, encoding: encoding) { record, _ in header = record.strings; throw Done() }
        } catch is Done {}
        return (encoding, header)
    }

    /// Checks one file: finds its kind and encoding, maps its header, checks every row.
    ///
    /// - Parameters:
    ///   - zones: the zones returns and regional rows are checked against.
    ///   - encoding: the encoding when already detected (by `sniff`); detected here otherwise.
    ///   - observe: sees every raw chunk (to hash the file while it is read).
    ///   - keepValues: false when `onRow` does not look at the rows' values (they come empty, and faster).
    ///   - onRow: gets every data row with its raw cells (as read, after decoding) and its outcome.
    public static func check(_ path: String, zones: ZoneDirectory, encoding known: TextEncoding? = nil, keepValues: Bool = true,
                             observe: (UnsafeBufferPointer<UInt8>) -> Void = { _ in },
                             onRow: (_ record: CSVRecord, _ row: CheckedRow) throws -> Void = { _, _ in }) throws -> FileSummary {
        var summary = FileSummary(path: path)
        let encoding = try known ?? detectEncoding(path)
        // A return is about 230 bytes (the key table grows if there are more).
        let expectedRows = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) / 230
        summary.encoding = encoding
        var checker: RowChecker? = nil
        var headerError = false
        var sawHeader = false
        var skip = false
        try records(path, encoding: encoding, observe: { chunk in summary.size += chunk.count; observe(chunk) }) { record, decoding in
            if !sawHeader {
                sawHeader = true
                let headers = record.strings
                for issue in decoding {
                    summary.findings.append(Rulebook.finding(Rulebook.invalidByte, line: issue.line, column: nil,
                                                             value: String(issue.byte, radix: 16, uppercase: true),
                                                             other: Bilingual("\(issue.offset)", "\(issue.offset)"), detail: encoding.label))
                }
                guard let kind = HeaderMap.recognise(headers) else {
                    summary.findings.append(Rulebook.finding(Rulebook.unrecognised, line: nil, column: nil))
                    skip = true
                    return
                }
                summary.kind = kind
                let map = HeaderMap(headers: headers, form: .of(kind))
                summary.findings += map.findings
                headerError = map.hasFileError
                checker = RowChecker(form: .of(kind), header: map, zones: zones, encoding: encoding, expectedRows: expectedRows)
                return
            }
            guard !skip, let checker else { return }
            summary.rows += 1
            var row = checker.check(record, decoding: decoding, keepValues: keepValues)
            if headerError {
                row = CheckedRow(line: row.line, values: row.values,
                                 findings: [Rulebook.finding(Rulebook.fileError, line: row.line, column: nil)])
            }
            if row.isRejected { summary.rejected += 1 } else { summary.accepted += 1 }
            if !headerError && !row.findings.isEmpty { summary.findings += row.findings }
            try onRow(record, row)
        }
        if !sawHeader { summary.findings.append(Rulebook.finding(Rulebook.emptyFile, line: nil, column: nil)) }
        return summary
    }

    /// Every `.csv` file under the given files and folders (recursively), sorted, without duplicates.
    public static func collect(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw FileReadError(path: path, reason: "no such file or folder / 文件或文件夹不存在")
            }
            if !isDir.boolValue { out.append(path); continue }
            guard let e = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            for case let rel as String in e where rel.lowercased().hasSuffix(".csv") {
                found.append((path as NSString).appendingPathComponent(rel))
            }
            out += found.sorted()
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }
}
