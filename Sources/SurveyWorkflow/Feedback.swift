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

