import Foundation
import SurveyCore

/// Any input file, CSV or Excel workbook: the one door through which the archive and the workflows read files.
/// A file's bytes decide what it is (a ZIP is a workbook), never its name.
public enum InputFile {
    /// The first bytes of a ZIP (an `.xlsx`) and of an OLE compound file (an old `.xls`, or an encrypted workbook).
    static let zipMagic: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let oleMagic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// What the file's first bytes say it is.
    public static func format(of path: String) -> FileFormat {
        head(path).starts(with: zipMagic) ? .xlsx : .csv
    }

    /// Every `.csv` and `.xlsx` file under the given files and folders (recursively), sorted, without duplicates.
    /// Excel's lock files (`~$name.xlsx`) are left out.
    public static func collect(_ paths: [String]) throws -> [String] {
        try SurveyFile.collect(paths, extensions: [".csv", ".xlsx"]).filter { !($0 as NSString).lastPathComponent.hasPrefix("~$") }
    }

    /// The encoding and header row of a file, to sort files by kind before checking them.
    public static func sniff(_ path: String) throws -> (encoding: TextEncoding, header: [String]?) {
        guard format(of: path) == .xlsx else { return try SurveyFile.sniff(path) }
        guard let workbook = try? Workbook(path: path) else { return (.utf8, nil) }
        let (sheet, _) = WorkbookCheck.choose(workbook)
        let checking = RecordCheck(zones: .empty, encoding: .utf8, expectedRows: 0, keepValues: false, headerSearch: WorkbookCheck.headerSearch)
        var summary = FileSummary(path: path)
        _ = try? workbook.read(sheet) { row in
            try row.withRecord(width: 0) { try checking.feed($0, decoding: [], into: &summary) { _, _ in } }
            return !checking.sawHeader
        }
        checking.finish(into: &summary)
        return (.utf8, checking.kind == nil ? nil : checking.header)
    }

    /// Checks one file, CSV or workbook (see `SurveyFile.check` for the parameters). A workbook's bytes are
    /// handed to `observe` as they are on disk, before its sheet is read.
    public static func check(_ path: String, zones: ZoneDirectory, encoding: TextEncoding? = nil, keepValues: Bool = true,
                             observe: (UnsafeBufferPointer<UInt8>) -> Void = { _ in },
                             onRow: (_ record: CSVRecord, _ row: CheckedRow) throws -> Void = { _, _ in }) throws -> FileSummary {
        let bytes = head(path)
        if bytes.starts(with: zipMagic) {
            var summary = FileSummary(path: path)
            summary.format = .xlsx
            // The bytes as stored (hashed, archived) are the file's; then the sheet is read from the file.
            try ChunkedFile.forEachChunk(path) { chunk in summary.size += chunk.count; observe(chunk); return true }
            return try WorkbookCheck.check(summary, open: { try Workbook(path: path) }, zones: zones, keepValues: keepValues, onRow: onRow)
        }
        if let problem = problem(path, head: bytes), problem.code.hasPrefix("xlsx.") {
            var summary = FileSummary(path: path)
            summary.format = .xlsx
            summary.findings.append(problem)
            return summary
        }
        return try SurveyFile.check(path, zones: zones, encoding: encoding, keepValues: keepValues, observe: observe, onRow: onRow)
    }

    /// Checks one file, CSV or workbook, for a caller that needs the checked rows but not the records they came
    /// from (a big CSV file is then read on every core: `SurveyFile.check(_:…:checkedRow:)`; `tentative` as there).
    public static func check(_ path: String, zones: ZoneDirectory, encoding: TextEncoding? = nil, tentative: Bool = false, keepValues: Bool = true,
                             observe: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil,
                             checkedRow: (CheckedRow) throws -> Void) throws -> FileSummary {
        let bytes = head(path)
        if bytes.starts(with: zipMagic) || problem(path, head: bytes)?.code.hasPrefix("xlsx.") == true {
            return try check(path, zones: zones, encoding: encoding, keepValues: keepValues, observe: observe ?? { _ in },
                             onRow: { _, row in try checkedRow(row) })
        }
        return try SurveyFile.check(path, zones: zones, encoding: encoding, tentative: tentative, keepValues: keepValues, observe: observe,
                                    checkedRow: checkedRow)
    }

    /// As `sniff`, for a caller that checks the file on every core next (see `SurveyFile.sniffTentatively`).
    public static func sniffTentatively(_ path: String) throws -> (encoding: TextEncoding, header: [String]?, tentative: Bool) {
        guard format(of: path) == .xlsx else { return try SurveyFile.sniffTentatively(path) }
        let (encoding, header) = try sniff(path)
        return (encoding, header, false)
    }

    /// Why a path cannot be read at all, as a file-level finding (see `SurveyFile.problem`); nil for a text file or
    /// a ZIP, which `check` reads as a workbook and reports on.
    public static func problem(_ path: String) -> Finding? { problem(path, head: head(path)) }

    private static func problem(_ path: String, head bytes: [UInt8]) -> Finding? {
        if bytes.starts(with: zipMagic) { return nil }
        if bytes.starts(with: oleMagic), (try? isEncryptedOffice(path)) == true {
            return Rulebook.finding(Rulebook.encryptedWorkbook, line: nil, column: nil)
        }
        if let problem = SurveyFile.problem(path) { return problem }
        if path.lowercased().hasSuffix(".xlsx") {
            return Rulebook.finding(Rulebook.notWorkbook, line: nil, column: nil, detail: "not a ZIP container / 不是ZIP格式")
        }
        return nil
    }

    /// The rows of a stored file (its bytes, as archived): line and cells as read, for showing a file's rows again.
    public static func rows(of content: Data, encoding: TextEncoding, _ body: @escaping (_ line: Int, _ cells: [String]) -> Void) throws {
        if content.starts(with: zipMagic) {
            guard let workbook = try? Workbook(data: content) else { return }
            let (sheet, _) = WorkbookCheck.choose(workbook)
            _ = try? workbook.read(sheet) { row in body(row.line, row.strings(width: 0)); return true }
            return
        }
        try content.withUnsafeBytes { raw in
            try SurveyFile.records(bytes: raw.bindMemory(to: UInt8.self), encoding: encoding) { record, _ in body(record.line, record.strings) }
        }
    }

    /// The rows of a file on disk, as `rows(of:)` reads them (for the feedback workbook).
    public static func rows(ofFile path: String, encoding: TextEncoding?) throws -> [(line: Int, cells: [String])] {
        var out: [(line: Int, cells: [String])] = []
        let content = try Data(contentsOf: URL(fileURLWithPath: path))
        try rows(of: content, encoding: encoding ?? .utf8) { out.append(($0, $1)) }
        return out
    }

    private static func head(_ path: String) -> [UInt8] {
        var head: [UInt8] = []
        try? ChunkedFile.forEachChunk(path) { chunk in head = Array(chunk.prefix(8)); return false }
        return head
    }

    /// An Office file encrypted with a password is an OLE compound file holding an `EncryptionInfo` stream (its
    /// name in UTF-16 in the directory); an old `.xls` is an OLE file without one.
    static func isEncryptedOffice(_ path: String) throws -> Bool {
        let name: [UInt8] = Array("EncryptionInfo".utf8).flatMap { [$0, 0] }
        var tail: [UInt8] = []
        var found = false
        try ChunkedFile.forEachChunk(path) { chunk in
            let window = tail + Array(chunk)
            var i = window.startIndex
            while let k = window[i...].firstIndex(of: name[0]), k + name.count <= window.count {
                if window[k..<(k + name.count)].elementsEqual(name) { found = true; return false }
                i = k + 1
            }
            tail = Array(window.suffix(name.count - 1))
            return true
        }
        return found
    }
}
