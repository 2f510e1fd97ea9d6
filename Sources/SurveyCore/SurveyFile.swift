import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file is made of.
public enum FileFormat: String, Sendable, CaseIterable {
    /// CSV text (UTF-8 or GB18030).
    case csv
    /// An Excel workbook (Office Open XML).
    case xlsx
}

/// What checking one file found: its kind, encoding, counts and findings.
public struct FileSummary: Sendable {
    public var path: String
    public var kind: FileKind?
    public var format: FileFormat = .csv
    /// The sheet read, for a workbook.
    public var sheet: String?
    /// The header's line (1 in a CSV file; a workbook's header may have title rows above it).
    public var headerLine: Int?
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
    /// Any error at all: a rejected row, or a file that could not be read or recognised because of one.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }
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
        // Non-blocking, so a FIFO named `*.csv` cannot hang the call before it is found not to be a file.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw FileReadError(path: path, reason: "not a regular file / 不是普通文件")
        }
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
    /// The encoding of a file: a BOM decides; else strict UTF-8 over the whole file; else, for a file that is
    /// not strict UTF-8, UTF-8 when its header's Chinese titles are valid UTF-8 (or, with an ASCII header,
    /// when its valid UTF-8 characters outnumber its invalid bytes eight to one) — a UTF-8 file with a few
    /// damaged bytes is read as UTF-8 with those bytes reported, never as GB18030 mojibake; else GB18030.
    public static func detectEncoding(_ path: String) throws -> TextEncoding {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, size >= SplitCheck.minimumSize {
            var head: [UInt8] = []
            try ChunkedFile.forEachChunk(path) { chunk in head = Array(chunk.prefix(3)); return false }
            if head == [0xEF, 0xBB, 0xBF] { return .utf8BOM }
            if SplitCheck.isStrictUTF8(path, size: size) == true { return .utf8 }
        }
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
        if validator.finish() { return .utf8 }
        var census = UTF8Census()
        try ChunkedFile.forEachChunk(path) { chunk in
            census.feed(chunk)
            return !census.decided
        }
        census.finish()
        return census.isMostlyUTF8 ? .utf8 : .gb18030
    }

    /// What the first bytes of a file say it is, when that is not text: an Excel workbook (a ZIP), an old
    /// Excel file, UTF-16, or binary (a NUL byte). Nil for text. Such a file is reported, not decoded.
    public static func notText(_ path: String) throws -> Bilingual? {
        var head: [UInt8] = []
        try ChunkedFile.forEachChunk(path) { chunk in
            head = Array(chunk.prefix(1 << 16))
            return false
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return Bilingual("Excel工作簿（.xlsx）或ZIP压缩包", "an Excel workbook (.xlsx) or a ZIP archive")
        }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Bilingual("旧版Excel工作簿（.xls）", "an old Excel workbook (.xls)")
        }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            return Bilingual("UTF-16编码的文本（Excel的“Unicode文本”）", "UTF-16 text (Excel's \"Unicode text\")")
        }
        // A stray NUL or two in a text file is reported in its cell (SafeText); eight or more in the first 64 KiB
        // is not text.
        if head.lazy.filter({ $0 == 0 }).count >= 8, let nul = head.firstIndex(of: 0) {
            return Bilingual("二进制文件：第\(nul)字节起含0x00", "a binary file: 0x00 bytes from byte \(nul)")
        }
        return nil
    }

    /// Streams the records of a file in the given encoding. `observe` sees every raw chunk (to hash it);
    /// `body` gets each record with the bytes on its lines that could not be decoded.
    public static func records(_ path: String, encoding: TextEncoding,
                               observe: (UnsafeBufferPointer<UInt8>) -> Void = { _ in },
                               _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        try records(encoding: encoding, label: path, chunks: { feed in try ChunkedFile.forEachChunk(path) { try feed($0); return true } },
                    observe: observe, body)
    }

    /// The records of a file's bytes held in memory (a stored file), read exactly as `records(path…)` reads them.
    public static func records(bytes: UnsafeBufferPointer<UInt8>, encoding: TextEncoding,
                               _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        try records(encoding: encoding, label: "stored file", chunks: { feed in
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + ChunkedFile.chunkSize)
                try feed(UnsafeBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
            }
        }, observe: { _ in }, body)
    }

    /// The reader behind both: `chunks` hands the bytes over in pieces of any size (the fuzz target cuts them
    /// anywhere, down to one byte, and must get the same records and issues).
    static func records(encoding: TextEncoding, label: String,
                                chunks: ((UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void,
                                observe: (UnsafeBufferPointer<UInt8>) -> Void,
                                _ body: (CSVRecord, [DecodingIssue]) throws -> Void) throws {
        var transcoder: any Transcoder
        switch encoding {
        case .utf8, .utf8BOM: transcoder = UTF8Lossy()
        case .gb18030:
            guard let t = GB18030Transcoder() else { throw FileReadError(path: label, reason: "iconv has no GB18030") }
            transcoder = t
        }
        var parser = CSVParser()
        // Undecodable bytes not yet handed to their record, in line order: each record takes its prefix.
        var pending: [DecodingIssue] = []
        var head = 0
        var bomLeft = encoding == .utf8BOM ? 3 : 0       // the BOM may come cut into pieces too
        let shift = bomLeft                               // issue offsets count from the file's first byte
        func emit(_ record: CSVRecord) throws {
            var mine: [DecodingIssue] = []
            if head < pending.count {
                var end = head
                while end < pending.count && pending[end].line <= record.endLine { end += 1 }
                mine = Array(pending[head..<end])
                head = end
                if head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 }
            }
            try body(record, mine)
        }
        try withoutActuallyEscaping(emit) { emit in try withoutActuallyEscaping(observe) { observe in
            try chunks { raw in
                observe(raw)
                var chunk = raw
                if bomLeft > 0 {
                    let drop = min(bomLeft, raw.count)
                    bomLeft -= drop
                    chunk = UnsafeBufferPointer(rebasing: raw[drop...])
                }
                try transcoder.feed(chunk, issue: { pending.append(DecodingIssue(offset: $0.offset + shift, line: $0.line, byte: $0.byte)) }) { try parser.feed($0, emit) }
            }
        } }
        try transcoder.finish(issue: { pending.append(DecodingIssue(offset: $0.offset + shift, line: $0.line, byte: $0.byte)) }) { try parser.feed($0, emit) }
        try parser.finish(emit)
    }

    /// Why a path cannot be read as a survey file at all, as a file-level finding: it is missing (a dangling
    /// link), unreadable, not a regular file (a FIFO, a socket, a device), or not text. Nil for a text file.
    public static func problem(_ path: String) -> Finding? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            return Rulebook.finding(Rulebook.unreadable, line: nil, column: nil, detail: String(cString: strerror(errno)))
        }
        let type = st.st_mode & S_IFMT
        if type != S_IFREG {
            let what = type == S_IFIFO ? Bilingual("命名管道", "a FIFO")
                : type == S_IFDIR ? Bilingual("文件夹", "a folder")
                : type == S_IFSOCK ? Bilingual("套接字", "a socket")
                : Bilingual("设备", "a device")
            return Rulebook.finding(Rulebook.notRegular, line: nil, column: nil, other: what)
        }
        do {
            if let what = try notText(path) { return Rulebook.finding(Rulebook.notText, line: nil, column: nil, other: what) }
        } catch let e as FileReadError {
            return Rulebook.finding(Rulebook.unreadable, line: nil, column: nil, detail: e.reason)
        } catch {
            return Rulebook.finding(Rulebook.unreadable, line: nil, column: nil, detail: "\(error)")
        }
        return nil
    }

    /// The encoding of a file and its header row (to sort files by kind before checking them); pass the encoding
    /// on to `check` so the file is not validated again.
    public static func sniff(_ path: String) throws -> (encoding: TextEncoding, header: [String]?) {
        if problem(path) != nil { return (.utf8, nil) }       // `check` reports it
        let encoding = try detectEncoding(path)
        return (encoding, try header(path, encoding: encoding))
    }

    /// The first record of a file read in `encoding` (only as far as its end).
    static func header(_ path: String, encoding: TextEncoding) throws -> [String]? {
        var header: [String]? = nil
        struct Done: Error {}
        do {
            try records(path, encoding: encoding) { record, _ in header = record.strings; throw Done() }
        } catch is Done {}
        return header
    }

    /// As `sniff`, for a caller that checks the file on every core next (`check(_:…:tentative:checkedRow:)`): a file
    /// read in parts (`splitSize` or more) without a BOM whose first chunk is valid UTF-8 is taken as UTF-8,
    /// `tentative`, without the pass over all of it that `detectEncoding` makes (0.15 s of a 1.2 s check of one
    /// 254 MB file): the check reads every byte as UTF-8 in its parts, and when one is not it finds the encoding
    /// as `detectEncoding` does. The header is the same either way: ASCII reads the same in every encoding, and a
    /// header of valid UTF-8 Chinese titles makes the file UTF-8 (`UTF8Census`).
    public static func sniffTentatively(_ path: String) throws -> (encoding: TextEncoding, header: [String]?, tentative: Bool) {
        guard problem(path) == nil, let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue,
              size >= SplitCheck.minimumSize else {
            let (encoding, header) = try sniff(path)
            return (encoding, header, false)
        }
        var utf8SoFar = false
        try ChunkedFile.forEachChunk(path) { chunk in
            var validator = UTF8Validator()
            utf8SoFar = !(chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF) && validator.feed(chunk)
            return false
        }
        guard utf8SoFar else {
            let (encoding, header) = try sniff(path)
            return (encoding, header, false)
        }
        return (.utf8, try header(path, encoding: .utf8), true)
    }

    /// A file checked as UTF-8 on a `sniffTentatively` guess is in another encoding, found after some of its
    /// rows or bytes were handed on: the caller checks it again from the start in `encoding`.
    public struct EncodingGuessWrong: Error, Sendable {
        public let path: String
        public let encoding: TextEncoding
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
        if let problem = problem(path) {
            summary.findings.append(problem)
            return summary
        }
        let encoding = try known ?? detectEncoding(path)
        // A return is about 230 bytes (the key table grows if there are more).
        let expectedRows = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0) / 230
        summary.encoding = encoding
        let checking = RecordCheck(zones: zones, encoding: encoding, expectedRows: expectedRows, keepValues: keepValues)
        try records(path, encoding: encoding, observe: { chunk in summary.size += chunk.count; observe(chunk) }) { record, decoding in
            try checking.feed(record, decoding: decoding, into: &summary, onRow: onRow)
        }
        checking.finish(into: &summary)
        return summary
    }

    /// The size from which a file is read on every core (`check(_:…:checkedRow:)`).
    public static var splitSize: Int { SplitCheck.minimumSize }

    /// Checks one file as `check(_:zones:encoding:keepValues:observe:onRow:)` does, for a caller that needs the
    /// checked rows but not the records they came from: a big UTF-8 file is then read on every core
    /// (`SplitCheck`), with the same summary, rows and bytes handed on, in the same order.
    /// `tentative`: `known` is UTF-8 on the guess of `sniffTentatively`, which reading every part as UTF-8
    /// confirms; when a part is not, the encoding is found as `detectEncoding` does, and if it is another one after
    /// rows or bytes were handed on, `EncodingGuessWrong` is thrown (before that, the file is read in it).
    /// `observe` nil: nobody needs the raw bytes, so a file read in parts is not read again to hand them on.
    public static func check(_ path: String, zones: ZoneDirectory, encoding known: TextEncoding? = nil, tentative: Bool = false,
                             keepValues: Bool = true, observe: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil,
                             checkedRow: (CheckedRow) throws -> Void) throws -> FileSummary {
        var delivered = SplitCheck.Delivered()
        if problem(path) == nil, let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue,
           size >= SplitCheck.minimumSize {
            var encoding = try known ?? detectEncoding(path)
            switch try SplitCheck.check(path, size: size, zones: zones, encoding: encoding, keepValues: keepValues, collectRows: true,
                                        observe: observe, onRow: checkedRow) {
            case .done(let summary): return summary
            case .oneFile(let d): delivered = d
            }
            if tentative && known != nil {
                let found = try detectEncoding(path)
                if found != encoding {
                    guard delivered.bytes == 0 && delivered.rows == 0 else { throw EncodingGuessWrong(path: path, encoding: found) }
                    encoding = found
                }
            }
            // One pass from the start; what was handed on already is not handed on again.
            var skipBytes = delivered.bytes, skipRows = delivered.rows
            return try check(path, zones: zones, encoding: encoding, keepValues: keepValues, observe: { chunk in
                guard let observe else { return }
                if skipBytes >= chunk.count { skipBytes -= chunk.count; return }
                let rest = UnsafeBufferPointer(rebasing: chunk[skipBytes...])
                skipBytes = 0
                observe(rest)
            }, onRow: { _, row in
                if skipRows > 0 { skipRows -= 1; return }
                try checkedRow(row)
            })
        }
        return try check(path, zones: zones, encoding: tentative ? nil : known, keepValues: keepValues, observe: observe ?? { _ in },
                         onRow: { _, row in try checkedRow(row) })
    }

    /// Every file with one of these extensions (`.csv`) under the given files and folders (recursively), sorted,
    /// without duplicates. A file named on the command line is taken whatever its name.
    public static func collect(_ paths: [String], extensions: [String] = [".csv"]) throws -> [String] {
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
            for case let rel as String in e where extensions.contains(where: rel.lowercased().hasSuffix) {
                // A folder named `*.csv` is searched, not read; anything else (a FIFO, a dangling link) is kept
                // and reported by `check`, so one odd entry does not stop the other files.
                if (e.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { continue }
                found.append((path as NSString).appendingPathComponent(rel))
            }
            out += found.sorted()
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }
}
