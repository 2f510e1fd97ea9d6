import Foundation
import SurveyCore

/// The workbook an office sends back to an agency: every row it submitted, as read, with the cells at fault
/// marked (red for an error, yellow for a warning), whether the row was used, and each problem in words beside
/// it, in the agency's language. Personal data (contact, phone) is not echoed back, as in every message.
public enum FeedbackWorkbook {
    public static func data(_ summary: FileSummary, rows: [(line: Int, cells: [String])], language: Language) throws -> Data {
        let zh = language == .zh
        let form = summary.kind.map(Form.of)
        let name = (summary.path as NSString).lastPathComponent
        var sheet = WorkbookWriter.Sheet(name: zh ? "反馈" : "Feedback")
        sheet.rows.append([.text(zh ? "文件“\(name)”的检查结果：行数 \(summary.rows)，采用 \(summary.accepted)，未采用 \(summary.rejected)，警告 \(summary.warnings)"
                                    : "Checking \"\(name)\": rows \(summary.rows), used \(summary.accepted), not used \(summary.rejected), warnings \(summary.warnings)", .header)])
        let headerLine = summary.headerLine ?? 1
        let fileLevel = summary.findings.filter { $0.line == nil || $0.line == headerLine }
        for f in fileLevel {
            let place = f.cell ?? f.column.map { zh ? "第\($0)列" : "column \($0)" } ?? (zh ? "文件" : "file")
            sheet.rows.append([.text("\(place)：\(f.message[language])", f.severity == .error ? .error : .warning)])
        }
        let header = rows.first { $0.line == headerLine }?.cells ?? []
        let map = form.map { HeaderMap(headers: header, form: $0) }
        let personal = Set((0..<header.count).filter { c in
            guard let form, let map, c < map.fieldOfColumn.count, let f = map.fieldOfColumn[c] else { return false }
            return form.fields[f].personal
        })
        let width = max(header.count, rows.map(\.cells.count).max() ?? 0)
        sheet.rows.append([.text(zh ? "原行号" : "Line", .header)] + (0..<width).map { .text($0 < header.count ? header[$0] : "", .header) }
                          + [.text(zh ? "结果" : "Result", .header), .text(zh ? "问题说明" : "Problems", .header)])
        sheet.frozenRows = sheet.rows.count
        var byLine: [Int: [Finding]] = [:]
        for f in summary.findings { if let l = f.line, l != headerLine { byLine[l, default: []].append(f) } }
        let fileError = summary.hasFileError
        for row in rows where row.line > headerLine {
            let findings = byLine[row.line] ?? []
            var severity: [Int: Severity] = [:]
            for f in findings { if let c = f.column { severity[c - 1] = min(severity[c - 1] ?? .warning, f.severity) } }
            var cells: [WorkbookWriter.Cell] = [.init(.number("\(row.line)"))]
            for c in 0..<width {
                let text = personal.contains(c) ? "" : (c < row.cells.count ? row.cells[c] : "")
                let style: WorkbookWriter.Style = severity[c] == .error ? .error : severity[c] == .warning ? .warning : .text
                cells.append(.text(text, style))
            }
            let rejected = fileError || findings.contains { $0.severity == .error }
            let result = rejected ? (zh ? "未采用" : "not used")
                : findings.isEmpty ? (zh ? "采用" : "used") : (zh ? "采用（有警告）" : "used, with warnings")
            cells.append(.text(result, rejected ? .error : findings.isEmpty ? .accepted : .warning))
            let lines = (fileError && findings.isEmpty ? [zh ? "文件表头有错误，本行未采用（见上方说明）。" : "The file's header has errors; the row is not used (see above)."] : [])
                + findings.map { f -> String in
                    let place = f.cell.map { $0.split(separator: "!").last.map(String.init) ?? $0 } ?? f.column.map { zh ? "第\($0)列" : "column \($0)" }
                    let field = f.field.flatMap { id in form?.index[id].map { form!.fields[$0].label(language) } }
                    return [place, field].compactMap { $0 }.joined(separator: " ") + (zh ? "：" : ": ") + f.message[language]
                }
            cells.append(.text(lines.joined(separator: "\n"), .wrapped))
            sheet.rows.append(cells)
        }
        var columns: [(width: Double, style: WorkbookWriter.Style)] = [(8, .plain)]
        for c in 0..<width {
            let w: Double = c < header.count ? Double(min(max(header[c].count * 2, 10), 30)) : 10
            columns.append((w, .text))
        }
        sheet.columns = columns + [(14, .plain), (80, .wrapped)]
        var book = WorkbookWriter()
        book.sheets = [sheet]
        return try book.data()
    }
}
