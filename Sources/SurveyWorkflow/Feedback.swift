import Foundation
import SurveyCore
import SurveyWorkbook

/// The feedback an office sends back for one checked file.
public enum Feedback {
    /// The feedback workbook of a checked file: its rows read again from the file, marked with the summary's
    /// findings, in the agency's language.
    public static func workbook(_ summary: FileSummary, language: Language) throws -> Data {
        var summary = summary
        if summary.kind == nil || summary.headerLine == nil {
            // A summary read back from the archive says no kind or header line: the file says them again.
            let again = try InputFile.check(summary.path, zones: .empty, keepValues: false)
            summary.kind = summary.kind ?? again.kind
            summary.headerLine = again.headerLine
            summary.encoding = summary.encoding ?? again.encoding
        }
        let rows = summary.kind == nil ? [] : try InputFile.rows(ofFile: summary.path, encoding: summary.encoding)
        return try FeedbackWorkbook.data(summary, rows: rows, language: language)
    }

    /// A file name for the feedback of `path`: its path under `input` (if it is there) with every character but
    /// letters, digits, `-`, `_` and `.` as `-`, without its extension, then `.feedback.EXT`.
    public static func name(for path: String, input: String, extension ext: String) -> String {
        var relative = path
        let prefix = input.hasSuffix("/") ? input : input + "/"
        if relative.hasPrefix(prefix) { relative = String(relative.dropFirst(prefix.count)) }
        let safe = String(relative.unicodeScalars.map { c -> Character in
            CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == "." ? Character(c) : "-"
        }).trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
        var stem = safe
        for e in [".csv", ".xlsx"] where stem.lowercased().hasSuffix(e) { stem = String(stem.dropLast(e.count)) }
        return stem + ".feedback." + ext
    }

    /// The blank form as a workbook, with the zones of INPUT/zones.csv in its zone list.
    public static func formWorkbook(kind: FileKind, language: Language, inputFolder: String) throws -> Data {
        try FormWorkbook.data(kind: kind, language: language, zones: Checking.defaultZones(inputFolder: inputFolder))
    }
}

/// The demo data set of `input/`.
public enum DemoData {
    /// The file of the demo that comes as a workbook: one agency's 2025 return, sent as agencies mostly send them.
    public static let workbookPath = "returns/2025/binhu-agency-return.xlsx"

    /// The generator's demo files, with the last return of 滨湖's 2025 file taken out of it and sent instead as
    /// that agency would: the blank form's workbook, filled in (the figures are the same; one file more).
    public static func files(_ generator: SampleGenerator) throws -> [(path: String, bytes: Data)] {
        var out: [(path: String, bytes: Data)] = []
        for file in generator.demo() {
            guard file.path == "returns/2025/binhu.csv" else { out.append((file.path, Data(file.bytes))); continue }
            // The file's lines end in CRLF; its last line is the return that goes into the workbook.
            let bytes = file.bytes
            let end = bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D ? bytes.count - 2 : bytes.count
            guard let lf = bytes[..<end].lastIndex(of: 0x0A), let first = bytes.firstIndex(of: 0x0D) else {
                out.append((file.path, Data(file.bytes))); continue
            }
            let last = String(decoding: bytes[(lf + 1)..<end], as: UTF8.self)
            out.append((file.path, Data(bytes[...lf])))
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let header = CSVText.cells(of: String(decoding: bytes[bom..<first], as: UTF8.self))
            let zones = generator.demo().first { $0.path == "zones.csv" }.map { zonesOf($0.bytes) } ?? []
            out.append((workbookPath, try FormWorkbook.data(kind: .returns, language: .zh, zones: zones, columns: header,
                                                            filled: [CSVText.cells(of: last)])))
        }
        return out.sorted { $0.path < $1.path }
    }

    private static func zonesOf(_ bytes: [UInt8]) -> [Zone] {
        var zones: [Zone] = []
        bytes.withUnsafeBufferPointer { b in
            var header: HeaderMap? = nil
            try? SurveyFile.records(bytes: b, encoding: .utf8) { record, _ in
                guard let map = header else { header = HeaderMap(headers: record.strings, form: .zones); return }
                let row = RowChecker(form: .zones, header: map, zones: .empty, encoding: .utf8, expectedRows: 8).check(record)
                if !row.isRejected, let z = Zone(form: .zones, values: row.values) { zones.append(z) }
            }
        }
        return zones
    }
}
